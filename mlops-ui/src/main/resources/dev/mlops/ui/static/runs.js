'use strict';
// The runs table: the filter language in a box, keyset pages, children folded under their parent.
(async function () {
  const form = document.getElementById('search');
  const exp = document.getElementById('experiment');
  const filter = document.getElementById('filter');
  const order = document.getElementById('order');
  const out = document.getElementById('runs');
  const message = document.getElementById('message');
  const more = document.getElementById('more');
  try {
    (await ui.get('/api/experiments')).forEach(e => {
      const o = ui.el('option', e.name);
      o.value = e.id;
      exp.appendChild(o);
    });
  } catch (e) { ui.fail(message, e); }

  function state() {
    const p = ui.params();
    exp.value = p.get('experiment') || '';
    filter.value = p.get('filter') || '';
    order.value = p.get('order') || '';
  }

  async function load(page) {
    const q = new URLSearchParams();
    if (exp.value) q.set('experiment', exp.value);
    if (filter.value) q.set('filter', filter.value);
    if (order.value) q.set('order', order.value);
    if (page) q.set('page', page);
    message.replaceChildren();
    try {
      const r = await ui.get('/api/runs?' + q.toString());
      const metricKeys = [...new Set(r.runs.flatMap(x => Object.keys(x.metrics)))].sort().slice(0, 8);
      const paramKeys = [...new Set(r.runs.flatMap(x => Object.keys(x.params)))].sort().slice(0, 6);
      const byParent = new Map();
      r.runs.forEach(x => { if (x.parent) { (byParent.get(x.parent) || byParent.set(x.parent, []).get(x.parent)).push(x); } });
      const ids = new Set(r.runs.map(x => x.id));
      const rows = [];
      const add = (x, depth) => {
        const pick = ui.el('input');
        pick.type = 'checkbox';
        pick.value = x.id;
        pick.className = 'pick';
        rows.push([pick, ui.link('/static/run.html?id=' + encodeURIComponent(x.id), (depth ? '\u2514 ' : '') + (x.name || x.id)), x.status,
          ui.time(x.start), x.user, ...paramKeys.map(k => x.params[k]), ...metricKeys.map(k => k in x.metrics ? ui.num(x.metrics[k]) : '')]);
        (byParent.get(x.id) || []).forEach(c => add(c, depth + 1));
      };
      r.runs.filter(x => !x.parent || !ids.has(x.parent)).forEach(x => add(x, 0));
      const t = ui.table(['', 'run', 'status', 'started', 'user', ...paramKeys.map(k => 'params.' + k), ...metricKeys.map(k => 'metrics.' + k)], rows);
      if (page) out.appendChild(t); else out.replaceChildren(t);
      more.hidden = !r.next;
      more.dataset.page = r.next || '';
      if (!r.runs.length && !page) out.replaceChildren(ui.el('p', 'no runs match', 'muted'));
    } catch (e) { ui.fail(message, e); }
    ui.ready();
  }

  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const q = new URLSearchParams();
    if (exp.value) q.set('experiment', exp.value);
    if (filter.value) q.set('filter', filter.value);
    if (order.value) q.set('order', order.value);
    history.pushState(null, '', '/?' + q.toString());
    load();
  });
  more.addEventListener('click', () => load(more.dataset.page));
  document.getElementById('compare').addEventListener('click', () => {
    const ids = [...document.querySelectorAll('input.pick:checked')].map(c => c.value);
    location.href = '/static/compare.html?runs=' + ids.map(encodeURIComponent).join(',');
  });
  window.addEventListener('popstate', () => { state(); load(); });
  state();
  load();
})();
