// The header shared by every page.
'use strict';
(function () {
  const here = location.pathname;
  const link = (href, text) => App.el('a', { href, class: here === href ? 'active' : '' }, text);
  const header = App.el('header', {},
    App.el('span', { class: 'brand' }, 'Autopilot'),
    link('/', 'Sales'), link('/authenticity', 'Authenticity checker'), link('/optimizer', 'Optimizer'),
    App.el('span', { class: 'spacer' }),
    App.el('a', { href: '/metrics' }, 'metrics'));
  document.body.prepend(header);
})();
