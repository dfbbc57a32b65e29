'use strict';
// The registry: the audit trail's verification first, then models with aliases, then one model's
// versions (status, digest, lineage, signature) and promotion requests with their gate outcomes.
(async function () {
  const message = document.getElementById('message');
  // a version's model card, rendered by the registry, in a sandboxed frame (no script, no access to the page)
  const card = document.getElementById('card');
  function showCard(name, version) {
    card.hidden = false;
    document.getElementById('cardtitle').hidden = false;
    document.getElementById('cardtitle').replaceChildren('Model card: ', ui.user(name), ' v' + version);
    card.src = '/card?name=' + encodeURIComponent(name) + '&version=' + version;
  }
  function cardButton(name, version) {
    const b = ui.el('button', 'model card', 'card');
    b.addEventListener('click', () => {
      const p = ui.params();
      p.set('card', version);
      history.pushState(null, '', location.pathname + '?' + p.toString());
      showCard(name, version);
    });
    return b;
  }
  // a request's gate outcomes of one phase: when it was opened ('request') or approved ('approval')
  function gates(r, phase) {
    return r.gates.filter(g => g.phase === phase).map(g => (g.passed ? 'PASS ' : 'FAIL ') + g.gate + ' (' + g.detail + ')').join('; ');
  }
  // the cards on top of a model: its champion (or the version its first alias holds) and that
  // version's figures from its source run, how many versions, the open promotion requests
  function modelCards(m) {
    const aliases = Object.entries(m.aliases);
    const held = aliases.find(([k]) => k === 'champion') || aliases[0];
    const top = held ? m.versions.find(v => v.version === held[1]) : null;
    const latest = m.versions.reduce((a, v) => (a && a.version > v.version ? a : v), null);
    const open = m.requests.filter(r => r.status === 'OPEN').length;
    const items = [{label: held ? '@' + held[0] : 'champion', value: top ? 'v' + top.version : 'none',
      note: top ? ['by ', ui.user(top.createdBy), ', ', ui.when(top.created)] : 'no alias set'}];
    if (top) {
      // the version's own figures: a retraining's run also logs the champion it was compared with, under
      // 'champion.' (the champion's accuracy on the same rows); those are another model's, not this version's
      const own = Object.fromEntries(Object.entries(top.metrics || {}).filter(([k]) => !k.startsWith('champion.')));
      const source = top.run ? 'source run ' + top.run.slice(0, 8) : 'its source run';
      ui.keyMetrics(own, 3).forEach(k => items.push({label: k, value: own[k], note: 'v' + top.version + '\u2019s own, from ' + source}));
    }
    items.push({label: 'versions', value: m.versions.length, note: latest ? 'latest v' + latest.version + ' ' + latest.status : ''},
      {label: 'open requests', value: open, note: m.requests.length + (m.requests.length === 1 ? ' promotion request' : ' promotion requests') + ' in all'});
    const cards = ui.cards(items);
    cards.id = 'model-cards';
    return cards;
  }
  try {
    const a = await ui.get('/api/audit');
    const box = ui.el('p', !a.valid ? 'Audit trail does NOT verify: '
      : a.entries === 0 ? 'Audit trail: no entries yet (nothing registered in this store)'
      : 'Audit trail verified: ' + a.entries + (a.entries === 1 ? ' entry' : ' entries') + ', chain intact (head ', a.valid ? 'ok' : 'bad');
    if (a.valid && a.entries > 0) box.append(ui.digest(a.head), ')');
    if (!a.valid) box.appendChild(ui.user(a.problems.join('; ')));
    box.id = 'audit-status';
    document.getElementById('audit').replaceChildren(box);
    const models = await ui.get('/api/models');
    document.getElementById('models').replaceChildren(ui.table(['model', 'versions', 'aliases', 'last change', 'description'], models.map(m => [
      ui.link('/static/models.html?name=' + encodeURIComponent(m.name), m.name), m.versions,
      Object.entries(m.aliases).map(([k, v]) => '@' + k + ' \u2192 v' + v).join(', '), ui.when(m.lastChange),
      m.description || ui.el('span', 'no description', 'muted')]), 'no registered models in this store'));
    const name = ui.params().get('name');
    if (name) {
      const m = await ui.get('/api/model?name=' + encodeURIComponent(name));
      const div = document.getElementById('model');
      div.replaceChildren(ui.holding('h2', m.name), modelCards(m),
        ui.fit(ui.table(['version', 'status', 'aliases', 'sha256', 'source run', 'datasets', 'signature', 'created by', 'created', 'description', ''],
          m.versions.map(v => [v.version, v.status, Object.entries(m.aliases).filter(([, x]) => x === v.version).map(([k]) => '@' + k).join(' '),
            ui.digest(v.sha256), v.run ? ui.link('/static/run.html?id=' + encodeURIComponent(v.run), v.run) : ui.el('span', 'no source run', 'muted'),
            (v.datasets || []).length ? v.datasets.join(', ') : ui.el('span', 'none recorded', 'muted'),
            v.signature || ui.el('span', 'no signature', 'muted'), v.createdBy, ui.when(v.created),
            v.description || ui.el('span', 'no description', 'muted'),
            cardButton(m.name, v.version)])),
          ['7%', '7%', '8%', '9%', '9%', '10%', '16%', '7%', '9%', '12%', '9em']),
        ui.el('h3', 'Promotion requests'),
        ui.fit(ui.table(['request', 'alias', 'version', 'requester', 'status', 'gates at opening', 'gates at approval', 'decisions'],
          m.requests.map(r => [r.id, '@' + r.alias, r.version, r.requester, r.status, gates(r, 'request'), gates(r, 'approval'),
          r.decisions.map(d => d.actor + (d.approve ? ' approved' : ' rejected') + (d.comment ? ': ' + d.comment : '')).join('; ')]),
          'no promotion requests'), ['9%', '9%', '6%', '8%', '9%', '22%', '22%', '15%']));
    }
    if (name && ui.params().get('card')) showCard(name, Number(ui.params().get('card')));
  } catch (e) { ui.fail(message, e); }
  ui.ready();
})();
