// A simplified outline of Tamil Nadu (lon/lat, about 25 vertices), bundled because no tile server
// is reachable offline. Accurate to a few kilometres: enough to place store markers.
'use strict';
window.TAMIL_NADU_OUTLINE = {
  type: 'Feature', properties: { name: 'Tamil Nadu' },
  geometry: { type: 'Polygon', coordinates: [[
    [76.23, 11.60], [76.60, 11.95], [77.10, 11.80], [77.60, 12.70], [78.20, 12.85], [78.60, 13.05],
    [79.20, 13.20], [79.80, 13.55], [80.33, 13.50], [80.25, 12.80], [79.85, 12.00], [79.82, 11.20],
    [79.85, 10.30], [79.30, 10.25], [79.00, 9.60], [78.40, 9.10], [78.10, 8.60], [77.55, 8.08],
    [77.20, 8.45], [77.30, 9.00], [77.15, 9.60], [77.20, 10.20], [76.85, 10.35], [76.75, 10.80],
    [76.40, 11.20], [76.23, 11.60]]] },
};
