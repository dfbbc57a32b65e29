'use strict';
// State that lives in the embedding JVM (serving endpoints, for example), re-read every 5 s without
// reloading the page. Lists of objects become tables; nested lists become tables inside cells.
(function () {
  const out = document.getElementById('live');
  const message = document.getElementById('message');
  function render(v) {
    if (Array.isArray(v) && v.length && v.every(x => x && typeof x === 'object' && !Array.isArray(x))) {
      const keys = [...new Set(v.flatMap(x => Object.keys(x)))];
      return ui.table(keys, v.map(x => keys.map(k => x[k] !== null && typeof x[k] === 'object' ? render(x[k]) : cell(x[k]))));
    }
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return ui.table(['key', 'value'], Object.entries(v).map(([k, x]) => [k, x !== null && typeof x === 'object' ? render(x) : cell(x)]));
    }
    return Array.isArray(v) ? ui.user(v.map(ui.num).join(', ')) : cell(v);
  }
  // a value in a cell: a number as ui.figure, anything else as text
  function cell(x) {
    return typeof x === 'number' ? ui.figure(x) : ui.user(ui.num(x));
  }
  async function refresh() {
    try {
      const data = await ui.get('/api/live');
      const parts = [];
      Object.entries(data).forEach(([name, v]) => parts.push(ui.holding('h2', name), render(v)));
      if (!parts.length) parts.push(ui.el('p', 'the application registered no live status (MlopsUi.Builder.live)', 'muted empty'));
      out.replaceChildren(...parts);
      message.replaceChildren();
      document.getElementById('when').replaceChildren('as of ', ui.when(Date.now()));
    } catch (e) { ui.fail(message, e); }
    ui.ready();
  }
  refresh();
  setInterval(refresh, 5000);
})();
