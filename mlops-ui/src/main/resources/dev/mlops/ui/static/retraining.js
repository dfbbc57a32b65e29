'use strict';
// Continuous training: each loop's retrainings (trigger, data, both models, the blessing decision,
// the rollout, the run) and every trigger with what the loop decided.
(async function () {
  const message = document.getElementById('message');
  try {
    const names = await ui.get('/api/loops');
    document.getElementById('loops').replaceChildren(names.length ? ui.table(['loop'], names.map(n => [
      ui.link('/static/retraining.html?name=' + encodeURIComponent(n), n)])) : ui.el('p', 'no retraining loop has used this store', 'muted empty'));
    const name = ui.params().get('name');
    if (name) {
      const l = await ui.get('/api/loop?name=' + encodeURIComponent(name));
      const fmt = m => Object.entries(m || {}).sort().map(([k, v]) => k + ' ' + ui.num(v)).join(', ');
      document.getElementById('loop').replaceChildren(ui.holding('h2', name),
        ui.table(['began', 'state', 'triggers', 'rows (train/holdout)', 'champion', 'challenger', 'decision', 'rollout', 'run'],
          l.retrainings.map(r => r.error ? ['', 'unreadable: ' + r.error, '', '', '', '', '', '', r.key] : [ui.time(r.created), r.state + (r.error ? ': ' + r.error : ''),
            (r.triggers || []).map(t => t.kind + ': ' + t.reason).join('; '), r.trainRows + ' / ' + r.holdoutRows,
            (r.championVersion ? 'v' + r.championVersion + ' ' : '') + fmt(r.championMetrics),
            (r.challengerVersion ? 'v' + r.challengerVersion + ' ' : '') + fmt(r.challengerMetrics),
            r.blessing ? r.blessing.reason : '', r.rollout ? r.rollout.state + ': ' + r.rollout.detail : '',
            r.runId ? ui.link('/static/run.html?id=' + encodeURIComponent(r.runId), r.runId) : ''])),
        ui.el('h3', 'Triggers'),
        ui.table(['time', 'kind', 'reason', 'outcome', 'key'], l.triggers.map(t => t.error ? ['', '', '', 'unreadable: ' + t.error, t.key]
          : [ui.time(t.trigger.time), t.trigger.kind, t.trigger.reason, t.outcome + ': ' + t.detail, t.trigger.key])));
    }
  } catch (e) { ui.fail(message, e); }
  ui.ready();
})();
