// Shared helpers of the dashboard's pages. Data is inserted with textContent only (never innerHTML),
// so nothing the database returns can become markup.
'use strict';

const App = {
  session: { user: null, csrf: null },

  el(tag, attrs = {}, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
    return e;
  },

  async api(path, options = {}) {
    const opts = { credentials: 'same-origin', ...options, headers: { ...(options.headers || {}) } };
    if (opts.body && typeof opts.body !== 'string') {
      opts.body = JSON.stringify(opts.body);
      opts.headers['Content-Type'] = 'application/json';
    }
    if ((opts.method || 'GET') !== 'GET' && App.session.csrf) opts.headers['X-CSRF-Token'] = App.session.csrf;
    const res = await fetch(path, opts);
    let data = null;
    try { data = await res.json(); } catch (e) { data = null; }
    if (!res.ok) {
      const err = new Error((data && data.error) || res.statusText);
      err.status = res.status;
      throw err;
    }
    return data;
  },

  toast(message, isError = true) {
    let t = document.getElementById('toast');
    if (!t) { t = App.el('div', { id: 'toast' }); document.body.append(t); }
    t.textContent = message;
    t.style.background = isError ? '#c0392b' : '#1d2330';
    t.style.display = 'block';
    clearTimeout(App._toastTimer);
    App._toastTimer = setTimeout(() => { t.style.display = 'none'; }, 5000);
  },

  money(v) { return '₹' + Number(v || 0).toLocaleString('en-IN', { maximumFractionDigits: 0 }); },
  num(v, digits = 0) { return Number(v || 0).toLocaleString('en-IN', { maximumFractionDigits: digits }); },
  bytes(v) {
    const n = Number(v || 0);
    if (n >= 1 << 30) return (n / (1 << 30)).toFixed(1) + ' GiB';
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + ' MiB';
    if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1) + ' KiB';
    return n + ' B';
  },

  table(container, columns, rows, empty = 'nothing yet') {
    container.replaceChildren();
    if (!rows || rows.length === 0) { container.append(App.el('p', { class: 'muted' }, empty)); return; }
    const head = App.el('tr', {}, ...columns.map(c => App.el('th', { class: c.num ? 'num' : '' }, c.label)));
    const body = rows.map(r => App.el('tr', {}, ...columns.map(c => {
      const v = c.render ? c.render(r) : r[c.key];
      return App.el('td', { class: c.num ? 'num' : '' }, v instanceof Node ? v : (v == null ? '' : String(v)));
    })));
    container.append(App.el('table', {}, App.el('thead', {}, head), App.el('tbody', {}, ...body)));
  },

  async loadSession() {
    try { App.session = await App.api('/api/session'); } catch (e) { App.session = { user: null, csrf: null }; }
    return App.session;
  },
};
window.App = App;
