// The Optimizer page: what Autopilot recommends and why, approve/reject (as a logged-in member of
// autopilot_admin, through the same SQL functions psql users call), what it measured afterwards.
'use strict';
(function () {
  const { el, api, num, bytes, table, toast } = App;

  function genericTable(id, rows, empty) {
    const box = document.getElementById(id);
    if (!rows || !rows.length) { table(box, [], [], empty); return; }
    const keys = Object.keys(rows[0]).filter(k => typeof rows[0][k] !== 'object' || rows[0][k] === null);
    table(box, keys.map(k => ({ label: k, key: k, num: typeof rows[0][k] === 'number' })), rows, empty);
  }

  function affected(r) {
    const list = Array.isArray(r.affected_queries) ? r.affected_queries : [];
    const box = el('div');
    for (const q of list.slice(0, 3)) {
      const before = q.before_ms != null ? num(q.before_ms, 2) : '?', after = q.after_ms != null ? num(q.after_ms, 2) : '?';
      box.append(el('div', { class: 'sql' }, `${String(q.query || q.fingerprint || q.queryid).slice(0, 160)}  (${before} → ${after} ms)`));
    }
    if (list.length > 3) box.append(el('div', { class: 'muted' }, `and ${list.length - 3} more`));
    return box;
  }

  async function decide(id, approve) {
    const text = approve ? prompt('Note for the approval (optional):', '') : prompt('Reason for rejecting:', '');
    if (text === null) return;
    try {
      await api(`/api/recommendations/${id}/${approve ? 'approve' : 'reject'}`, { method: 'POST', body: approve ? { note: text } : { reason: text } });
      toast(`recommendation ${id} ${approve ? 'approved' : 'rejected'}`, false);
    } catch (e) {
      toast(e.message);
    }
    await loadRecommendations();
  }

  async function loadRecommendations() {
    let recs = [];
    try { recs = await api('/api/recommendations'); } catch (e) { toast(e.message); }
    const loggedIn = !!App.session.user;
    table(document.getElementById('pending'), [
      { label: 'id', key: 'id', num: true },
      { label: 'Kind', key: 'kind' },
      { label: 'Table', render: r => `${r.schema_name}.${r.table_name}` },
      { label: 'Columns', render: r => (r.columns || []).join(', ') },
      { label: 'Size', num: true, render: r => bytes(r.estimated_bytes) },
      { label: 'Predicted gain', num: true, render: r => (r.predicted_gain_pct != null ? num(r.predicted_gain_pct, 1) + ' %' : '') },
      { label: 'Saves ms/h', num: true, render: r => num(r.predicted_benefit_ms_per_hour) },
      { label: 'Confidence', num: true, render: r => num(r.confidence, 2) },
      { label: 'Affected statements', render: affected },
      { label: 'Rationale', render: r => el('div', { class: 'rationale' }, r.rationale || '') },
      { label: '', render: r => el('span', {},
          el('button', { class: 'approve', 'data-id': r.id, onclick: () => decide(r.id, true), title: loggedIn ? '' : 'log in first' }, 'Approve'), ' ',
          el('button', { class: 'danger reject', 'data-id': r.id, onclick: () => decide(r.id, false) }, 'Reject')) },
    ], recs.filter(r => r.status === 'pending'), 'no pending recommendations');
    table(document.getElementById('history'), [
      { label: 'id', key: 'id', num: true }, { label: 'Status', key: 'status' },
      { label: 'Index', render: r => r.index_name || (r.columns || []).join(', ') },
      { label: 'Table', render: r => `${r.schema_name}.${r.table_name}` },
      { label: 'Predicted gain', num: true, render: r => (r.predicted_gain_pct != null ? num(r.predicted_gain_pct, 1) + ' %' : '') },
      { label: 'Measured gain', num: true, render: r => (r.measured_benefit_pct != null ? num(r.measured_benefit_pct, 1) + ' %' : '') },
      { label: 'Decided by', key: 'decided_by' }, { label: 'Error', key: 'error' },
    ], recs.filter(r => r.status !== 'pending'), 'nothing decided yet');
    document.body.dataset.recommendations = String(recs.length);
  }

  async function optionalRows(path) {
    try { const r = await api(path); return r.available === false ? null : r.rows; } catch (e) { return null; }
  }

  async function loadPanels() {
    const [stmts, clusters, models, capture] = await Promise.all([
      optionalRows('/api/optimizer/statements'), optionalRows('/api/optimizer/clusters'),
      optionalRows('/api/optimizer/models'), optionalRows('/api/optimizer/capture')]);
    table(document.getElementById('statements'), [
      { label: 'Statement', render: r => el('div', { class: 'sql' }, r.query) },
      { label: 'Calls', num: true, render: r => num(r.calls) }, { label: 'Total ms', num: true, render: r => num(r.total_ms) },
      { label: 'Mean ms', num: true, render: r => num(r.mean_ms, 2) }], stmts || [], 'pg_stat_statements is not readable');
    genericTable('clusters', clusters, 'no workload clusters yet');
    genericTable('models', models, 'no latency model yet');
    genericTable('capture', capture, 'capture is not available (shared_preload_libraries)');
  }

  function showSession() {
    const s = App.session;
    document.getElementById('login').style.display = s.user ? 'none' : '';
    document.getElementById('whoami').style.display = s.user ? '' : 'none';
    document.getElementById('whoami-text').textContent = s.user ? `Logged in as ${s.user}` : '';
  }

  document.getElementById('login').addEventListener('submit', async e => {
    e.preventDefault();
    const f = e.target;
    try {
      App.session = await api('/api/login', { method: 'POST', body: { user: f.user.value, password: f.password.value } });
      f.password.value = '';
      toast(`logged in as ${App.session.user}`, false);
    } catch (err) {
      toast(err.message);
    }
    showSession();
    loadRecommendations();
  });
  document.getElementById('logout').addEventListener('click', async () => {
    try { await api('/api/logout', { method: 'POST' }); } catch (e) { /* already gone */ }
    App.session = { user: null, csrf: null };
    showSession();
    loadRecommendations();
  });

  App.loadSession().then(showSession)
    .then(() => Promise.all([loadRecommendations(), loadPanels()]))
    .finally(() => { document.body.dataset.loaded = 'true'; });
})();
