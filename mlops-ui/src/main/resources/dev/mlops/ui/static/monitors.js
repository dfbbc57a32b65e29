'use strict';
// Monitors: each monitor's windows as a timeline (drift share, drifted columns, quality failures),
// its alerts, and any window's full drift report in a sandboxed frame.
(async function () {
  const message = document.getElementById('message');
  const frame = document.getElementById('report');
  try {
    const monitors = await ui.get('/api/monitor-summaries');
    // open alerts: a rule that fired in the last window, open since its run of firing windows began
    const open = m => (m.openAlerts || []).map(a => a.rule + ' since window ' + a.since).join(', ');
    document.getElementById('monitors').replaceChildren(ui.table(['monitor', 'last window', 'closed', 'drift share', 'dataset',
      'alerts raised in the last window', 'open alerts'], monitors.map(m => [ui.link('/static/monitors.html?name=' + encodeURIComponent(m.name), m.name),
      m.lastWindow === null ? '' : m.lastWindow, ui.when(m.closed), m.driftSharePercent === null ? '' : m.driftSharePercent, m.datasetDrift ? 'DRIFT' : '',
      m.alerts === null ? '' : m.alerts, open(m)]), 'no monitor has stored anything in this store'));
    const name = ui.params().get('name');
    if (name) {
      // the cards on top of a monitor: its last window, that window's drift and alerts, and the
      // latest performance figure of its prediction log (realized once labels arrived, else CBPE)
      const monitorCards = m => {
        const windows = m.windows.filter(w => !w.error);
        const last = windows.length ? windows[windows.length - 1] : null;
        const drift = last ? last.drift || {} : {};
        const raised = last ? last.alerts || [] : [];
        const held = last ? last.suppressedAlerts || [] : [];
        const perf = ((m.performance || {}).windows || []).filter(w => w.realized || w.estimated);
        const p = perf.length ? perf[perf.length - 1] : null;
        const accuracy = p ? (p.realized ? p.realized.accuracy : p.estimated.accuracy) : null;
        const cards = ui.cards([
          {label: 'last window', value: last ? last.window : 'none', note: last ? [last.rows, ' rows, closed ', ui.when(last.end)] : 'no window stored yet'},
          {label: 'drift share', value: drift.driftSharePercent || '', tone: drift.datasetDrift ? 'alarm' : last ? 'good' : '',
            note: last ? (drift.datasetDrift ? 'dataset drift' : 'no dataset drift') + ' in the last window' : ''},
          {label: 'alerts in the last window', value: last ? raised.length : '', tone: raised.length ? 'alarm' : last ? 'good' : '',
            note: (raised.length ? [...new Set(raised.map(a => a.rule))].join(', ') : ui.num(m.alerts.length) + (m.alerts.length === 1 ? ' alert' : ' alerts') + ' in all windows')
              + (held.length ? '; ' + held.length + ' suppressed by the cooldown (' + [...new Set(held.map(a => a.rule))].join(', ') + ')' : '')},
          {label: 'accuracy', value: accuracy === null || !isFinite(accuracy) ? '' : accuracy,
            note: p ? ['window ', p.window, ...(p.realized ? [', realized on ', p.labelled, ' labels'] : [', CBPE estimate (no labels yet)'])]
              : 'no prediction log under this name'}]);
        cards.id = 'monitor-cards';
        return cards;
      };
      let seen = '';
      const render = m => {
        const rows = m.windows.map(w => {
          const drift = w.drift || {};
          // a verdict read from sketches within their error of its threshold says so (the window's report explains it)
          const drifted = (drift.columns || []).filter(c => c.drift).map(c => c.unsettled ? c.name + ' (unsettled)' : c.name);
          const failures = ((w.quality || {}).results || []).filter(r => !r.passed).map(r => r.check + (r.column ? '(' + r.column + ')' : ''));
          const open = ui.el('button', 'report');
          open.addEventListener('click', () => {
            frame.hidden = false;
            frame.src = '/report?monitor=' + encodeURIComponent(name) + '&window=' + w.window;
          });
          // a rule that fired within its cooldown raised no alert: the window says so, with the rules
          const held = (w.suppressedAlerts || []).map(a => a.rule);
          const alerts = w.error ? '' : (w.alerts || []).length + (held.length ? ' (' + held.length + ' suppressed by the cooldown: ' + held.join(', ') + ')' : '');
          return [w.window, ui.when(w.end), w.rows, drift.driftSharePercent || '',
            drift.datasetDrift ? 'DRIFT' : '', drifted.join(', '), failures.join(', '), alerts, open];
        });
        document.getElementById('monitor').replaceChildren(ui.holding('h2', name), monitorCards(m),
          ui.table(['window', 'closed', 'rows', 'drift share', 'dataset', 'drifted columns', 'quality failures', 'alerts', ''], rows,
            'no window stored yet'),
          ui.el('h3', 'Alerts'),
          ui.table(['window', 'time', 'rule', 'message'], m.alerts.map(a => [a.window, ui.when(a.time), a.rule, a.message]), 'no alerts'));
        // performance from the prediction log of the same name: realized once labels arrive, CBPE before
        const perf = m.performance || {windows: []};
        if (perf.windows.length) {
          const f = v => v === null || v === undefined || !isFinite(v) ? '' : ui.figure(v);
          const section = ui.el('div');
          section.id = 'performance';
          section.append(ui.el('h3', 'Performance'), ui.compose('p', perf.reference
            ? ['reference accuracy ', f(perf.reference.accuracy), ', F1 ', f(perf.reference.f1), ' (CBPE is calibrated on it)']
            : 'no reference window stored: realized figures only', 'muted'));
          const chart = ui.el('div');
          section.appendChild(chart);
          const table = ui.table(['window', 'predictions', 'labelled', 'accuracy (realized)', 'accuracy (CBPE)', 'F1 (realized)', 'F1 (CBPE)'],
            perf.windows.map(w => [w.window, w.predictions, w.labelled, w.realized ? f(w.realized.accuracy) : '',
              w.estimated ? f(w.estimated.accuracy) : '', w.realized ? f(w.realized.f1) : '', w.estimated ? f(w.estimated.f1) : '']));
          table.id = 'performance-table';
          section.appendChild(table);
          document.getElementById('monitor').appendChild(section);
          const xs = perf.windows.map(w => w.window);
          const real = perf.windows.map(w => w.realized ? w.realized.accuracy : null);
          const est = perf.windows.map(w => w.estimated ? w.estimated.accuracy : null);
          new uPlot({width: Math.max(300, Math.min(900, document.body.clientWidth - 60)), height: 220,
            series: [{label: 'window'}, {label: 'accuracy (realized)', stroke: '#0969da', width: 1.5, spanGaps: false, value: ui.legend},
              {label: 'accuracy (CBPE estimate)', stroke: '#bf8700', width: 1.5, dash: [6, 4], spanGaps: false, value: ui.legend}],
            scales: {x: {time: false}}, axes: ui.axes({incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]})}, [xs, real, est], chart);
        }
      };
      // a window closing elsewhere shows up here without a page refresh
      const refresh = async () => {
        const m = await ui.get('/api/monitor?name=' + encodeURIComponent(name));
        const now = JSON.stringify([m.windows.length, m.alerts.length, m.performance]);
        if (now !== seen) {
          seen = now;
          render(m);
        }
      };
      await refresh();
      setInterval(() => refresh().catch(() => {}), 10000);
    }
  } catch (e) { ui.fail(message, e); }
  ui.ready();
})();
