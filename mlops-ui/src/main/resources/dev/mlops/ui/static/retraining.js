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
      // a model's figures after its version, as one cell: "v3 accuracy 0.88, f1 0.8546"
      const model = (version, metrics) => ui.compose('span', [version ? 'v' + version + ' ' : '', ui.figures(metrics)]);
      // a run as its first 8 characters, the whole id in the link's tooltip: the decision keeps the width
      const run = id => {
        const a = ui.el('a', id.length > 8 ? id.slice(0, 8) + '\u2026' : id, 'run-id');
        a.href = '/static/run.html?id=' + encodeURIComponent(id);
        a.title = ui.visible(id);
        return a;
      };
      const table = ui.fit(ui.table(['began', 'state', 'triggers', 'rows (train/holdout)', 'champion', 'challenger', 'decision', 'rollout', 'run'],
        l.retrainings.map(r => r.error ? ['', 'unreadable: ' + r.error, '', '', '', '', '', '', r.key] : [ui.when(r.created), r.state + (r.error ? ': ' + r.error : ''),
          (r.triggers || []).map(t => t.kind + ': ' + t.reason).join('; '), ui.compose('span', [r.trainRows, ' / ', r.holdoutRows]),
          model(r.championVersion, r.championMetrics), model(r.challengerVersion, r.challengerMetrics),
          r.blessing ? r.blessing.reason : '', r.rollout ? r.rollout.state + ': ' + r.rollout.detail : '',
          r.runId ? run(r.runId) : ''])), ['12.5em', '8.5em', '10%', '7em', '13%', '13%', '', '11%', '7.5em']);
      table.id = 'retrainings';
      // the figures, the decision and the rollout are read whole: never cut to three lines
      [...table.rows].forEach(tr => [4, 5, 6, 7].forEach(i => { if (tr.cells[i]) tr.cells[i].classList.add('whole'); }));
      document.getElementById('loop').replaceChildren(ui.holding('h2', name), table,
        ui.el('h3', 'Triggers'),
        ui.table(['time', 'kind', 'reason', 'outcome', 'key'], l.triggers.map(t => t.error ? ['', '', '', 'unreadable: ' + t.error, t.key]
          : [ui.when(t.trigger.time), t.trigger.kind, t.trigger.reason, t.outcome + ': ' + t.detail, t.trigger.key])));
    }
  } catch (e) { ui.fail(message, e); }
  ui.ready();
})();
