// The Sales page: KPIs, trend (with the forecast band and anomalies when mining results exist),
// store map, top brands and SKUs, customer segments. Every number comes from /api/.
'use strict';
(function () {
  const { el, api, money, num, table } = App;
  const form = document.getElementById('filters');
  let trendChart = null, brandChart = null, map = null, markers = null;

  function params() {
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v !== '') p.set(k, v);
    return p;
  }

  async function loadFilters() {
    const f = await api('/api/filters');
    if (f.available === false) throw new Error('no warehouse data yet: run autopilot-etl generate and run');
    const fill = (name, values, label = v => v, value = v => v) => {
      const sel = form.elements[name];
      for (const v of values) sel.append(el('option', { value: value(v) }, label(v)));
    };
    fill('brand', f.brands); fill('category', f.categories); fill('city', f.cities); fill('channel', f.channels);
    fill('store', f.stores, s => `${s.name} (${s.city})`, s => s.store);
    if (f.max_date) {
      form.elements.to.value = f.max_date;
      const d = new Date(f.max_date); d.setDate(d.getDate() - 89);
      form.elements.from.value = d.toISOString().slice(0, 10);
    }
    return f;
  }

  function kpis(k) {
    const box = document.getElementById('kpis');
    const card = (label, value) => el('div', { class: 'kpi' }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value));
    box.replaceChildren(card('Revenue', money(k.revenue)), card('Orders', num(k.orders)), card('Units', num(k.units)),
      card('Avg order value', money(k.avg_order_value)), card('Returned units', num(k.returned_units)));
  }

  // Revenue (left axis) and units (right axis) per period; with mining results, the 28-day demand
  // forecast of units and its 80% band continue the units line, and anomalous store-days are marked.
  function trend(rows, anomalies, forecast) {
    const labels = [...new Set([...rows.map(r => r.period), ...forecast.map(f => f.day)])].sort();
    const byPeriod = new Map(rows.map(r => [r.period, r]));
    const fcByDay = new Map(forecast.map(f => [f.day, f]));
    const anomalyDays = new Set(anomalies.filter(a => a.metric === 'revenue').map(a => a.day));
    const series = key => labels.map(d => (byPeriod.has(d) ? Number(byPeriod.get(d)[key]) : null));
    const fc = key => labels.map(d => (fcByDay.has(d) ? Number(fcByDay.get(d)[key]) : null));
    const datasets = [
      { label: 'Revenue', data: series('revenue'), borderColor: '#2f6fde', tension: 0.2, pointRadius: 0, yAxisID: 'y' },
      { label: 'Units', data: series('units'), borderColor: '#8e6bd1', tension: 0.2, pointRadius: 0, yAxisID: 'y1' },
      { label: 'Anomaly', data: labels.map((d, i) => (anomalyDays.has(d) ? series('revenue')[i] : null)), showLine: false,
        pointRadius: 5, pointBackgroundColor: '#c0392b', borderColor: '#c0392b', yAxisID: 'y' },
    ];
    if (forecast.length) {
      datasets.push(
        { label: 'Forecast 80% low', data: fc('lower_80'), borderColor: 'rgba(230,126,34,.3)', pointRadius: 0, yAxisID: 'y1', fill: false },
        { label: 'Forecast 80% band', data: fc('upper_80'), borderColor: 'rgba(230,126,34,.3)', backgroundColor: 'rgba(230,126,34,.15)',
          pointRadius: 0, yAxisID: 'y1', fill: '-1' },
        { label: 'Forecast units', data: fc('units'), borderColor: '#e67e22', borderDash: [5, 4], pointRadius: 0, yAxisID: 'y1' });
    }
    if (trendChart) trendChart.destroy();
    trendChart = new Chart(document.getElementById('trend-chart'), {
      type: 'line', data: { labels, datasets },
      options: { maintainAspectRatio: false, animation: false, spanGaps: false, interaction: { mode: 'index', intersect: false },
                 scales: { y: { beginAtZero: true, position: 'left' }, y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } } } },
    });
    const notes = [];
    if (anomalyDays.size) notes.push(`${anomalyDays.size} anomalous days marked`);
    if (forecast.length) notes.push('forecast: sum of per-series 80% bands');
    document.getElementById('trend-note').textContent = notes.length ? `(${notes.join('; ')})` : '';
  }

  function brands(rows) {
    if (brandChart) brandChart.destroy();
    brandChart = new Chart(document.getElementById('brand-chart'), {
      type: 'bar',
      data: { labels: rows.map(r => r.brand), datasets: [{ label: 'Revenue', data: rows.map(r => r.revenue), backgroundColor: '#2f6fde' }] },
      options: { maintainAspectRatio: false, animation: false, indexAxis: 'y' },
    });
  }

  function storeMap(rows) {
    if (!map) {
      map = L.map('map', { zoomControl: true, attributionControl: false }).setView([11.0, 78.4], 6);
      L.geoJSON(window.TAMIL_NADU_OUTLINE, { style: { color: '#7a8aa6', weight: 1, fillColor: '#f4f1e8', fillOpacity: 1 } }).addTo(map);
      markers = L.layerGroup().addTo(map);
    }
    markers.clearLayers();
    const max = Math.max(1, ...rows.map(r => Number(r.revenue)));
    for (const r of rows) {
      const radius = 4 + 16 * Math.sqrt(Number(r.revenue) / max);
      const popup = el('div', {}, el('strong', {}, r.name), el('br'), `${r.city}: ${money(r.revenue)}, ${num(r.orders)} orders`);
      L.circleMarker([r.latitude, r.longitude], { radius, color: '#2f6fde', fillOpacity: 0.5, className: 'store-marker' })
        .bindPopup(popup).addTo(markers);
    }
  }

  async function optional(path) {
    try { const r = await api(path); return r.available === false ? [] : r.rows; } catch (e) { return []; }
  }

  async function refresh() {
    const p = params();
    const q = p.toString();
    document.getElementById('filter-error').textContent = '';
    try {
      const [k, t, top, topBrands, stores, anomalies, forecast] = await Promise.all([
        api('/api/sales/kpis?' + q), api('/api/sales/trend?' + q), api('/api/sales/top?by=sku&' + q),
        api('/api/sales/top?by=brand&' + q), api('/api/sales/map?' + q), optional('/api/anomalies?' + q),
        optional('/api/forecast?' + q)]);
      kpis(k.data);
      const inRange = anomalies;
      const daily = p.get('grain') !== 'week';
      trend(t.data, daily ? inRange : [], daily ? forecast : []);
      brands(topBrands.data);
      storeMap(stores.data);
      table(document.getElementById('top-skus'), [
        { label: 'SKU', key: 'sku' }, { label: 'Brand', key: 'brand' }, { label: 'Model', key: 'model' },
        { label: 'Units', key: 'units', num: true, render: r => num(r.units) },
        { label: 'Revenue', key: 'revenue', num: true, render: r => money(r.revenue) }], top.data);
      table(document.getElementById('anomalies'), [
        { label: 'Day', key: 'day' }, { label: 'Where', render: r => `${r.entity_kind} ${r.entity}` }, { label: 'Metric', key: 'metric' },
        { label: 'Direction', key: 'direction' }, { label: 'Actual', num: true, render: r => num(r.actual) },
        { label: 'Expected', num: true, render: r => num(r.expected) }, { label: 'Score', num: true, render: r => num(r.score, 1) },
        { label: 'Reason', key: 'reason' }], inRange.slice(0, 50), 'no anomalies in this range (or mining has not run)');
    } catch (e) {
      document.getElementById('filter-error').textContent = e.message;
    }
  }

  async function segments() {
    const rows = await optional('/api/segments');
    table(document.getElementById('segments'), [
      { label: 'Segment', key: 'label' }, { label: 'Customers', num: true, render: r => num(r.customers) },
      { label: 'Recency (days)', num: true, render: r => num(r.recency_days) }, { label: 'Orders', num: true, render: r => num(r.orders, 1) },
      { label: 'Monetary', num: true, render: r => money(r.monetary) }],
      rows, 'no segments yet: run autopilot-etl mine segments');
  }

  form.addEventListener('submit', e => { e.preventDefault(); refresh(); });
  loadFilters().then(() => Promise.all([refresh(), segments()]))
    .catch(e => { document.getElementById('filter-error').textContent = e.message; })
    .finally(() => { document.body.dataset.loaded = 'true'; });
})();
