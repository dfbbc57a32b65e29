'use strict';
// Monitors: each monitor's windows as a timeline (drift share, drifted columns, quality failures),
// its alerts, and any window's full drift report in a sandboxed frame.
(async function () {
  const message = document.getElementById('message');
  const frame = document.getElementById('report');
  try {
    const names = await ui.get('/api/monitors');
    document.getElementById('monitors').replaceChildren(ui.table(['monitor'], names.map(n => [
      ui.link('/static/monitors.html?name=' + encodeURIComponent(n), n)])));
    const name = ui.params().get('name');
    if (name) {
      const m = await ui.get('/api/monitor?name=' + encodeURIComponent(name));
      const rows = m.windows.map(w => {
        const drift = w.drift || {};
        const drifted = (drift.columns || []).filter(c => c.drift).map(c => c.name);
        const failures = ((w.quality || {}).results || []).filter(r => !r.passed).map(r => r.check + (r.column ? '(' + r.column + ')' : ''));
        const open = ui.el('button', 'report');
        open.addEventListener('click', () => {
          frame.hidden = false;
          frame.src = '/report?monitor=' + encodeURIComponent(name) + '&window=' + w.window;
        });
        return [w.window, ui.time(w.end), w.rows, drift.driftShare === undefined ? '' : ui.num(drift.driftShare),
          drift.datasetDrift ? 'DRIFT' : '', drifted.join(', '), failures.join(', '), open];
      });
      document.getElementById('monitor').replaceChildren(ui.el('h2', name),
        ui.table(['window', 'closed', 'rows', 'drift share', 'dataset', 'drifted columns', 'quality failures', ''], rows),
        ui.el('h3', 'Alerts'),
        ui.table(['window', 'time', 'rule', 'message'], m.alerts.map(a => [a.window, ui.time(a.time), a.rule, a.message])));
    }
  } catch (e) { ui.fail(message, e); }
  ui.ready();
})();
