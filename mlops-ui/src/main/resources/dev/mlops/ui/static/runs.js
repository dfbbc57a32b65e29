'use strict';
// The runs table: the filter language in a box, keyset pages, children folded under their parent.
(async function () {
  const form = document.getElementById('search');
  const exp = document.getElementById('experiment');
  const filter = document.getElementById('filter');
  const order = document.getElementById('order');
  const columns = document.getElementById('columns');
  const out = document.getElementById('runs');
  const message = document.getElementById('message');
  const more = document.getElementById('more');
  const allParams = document.getElementById('allparams');
  try {
    (await ui.get('/api/experiments')).forEach(e => {
      const o = ui.el('option', ui.visible(e.name));
      o.title = ui.visible(e.name);
      o.value = e.id;
      exp.appendChild(o);
    });
  } catch (e) { ui.fail(message, e); }

  function state() {
    const p = ui.params();
    // ?experiment= takes an experiment's id, or its name as /api/runs does (a link typed by hand)
    const wanted = p.get('experiment') || '';
    const byName = [...exp.options].find(o => o.value !== wanted && o.title === wanted);
    exp.value = [...exp.options].some(o => o.value === wanted) ? wanted : byName ? byName.value : '';
    filter.value = p.get('filter') || '';
    order.value = p.get('order') || '';
    columns.value = p.get('columns') || '';
  }

  // the search as it stands, for the address bar: every state of the table has its own URL
  function query() {
    const q = new URLSearchParams();
    if (exp.value) q.set('experiment', exp.value);
    if (filter.value) q.set('filter', filter.value);
    if (order.value) q.set('order', order.value);
    if (columns.value) q.set('columns', columns.value);
    return q;
  }

  function navigate() {
    history.pushState(null, '', '/?' + query().toString());
    load();
  }

  // a column's value in a run: params.x, metrics.x or tags.x
  function cell(x, col) {
    const dot = col.indexOf('.');
    const kind = col.substring(0, dot);
    const key = col.substring(dot + 1);
    if (kind === 'metrics') return key in x.metrics ? x.metrics[key] : '';
    if (kind === 'params') return x.params[key];
    if (kind === 'tags') return x.tags[key];
    return '';
  }

  // What Tribuo's provenance records of every trainer: facts about the class, the machine and the call,
  // never a knob of the experiment (a CART and a logistic regression differ in class-name, every run in
  // its invocation count); they stay one click away.
  const PROVENANCE_NOISE = /(^|\.)(class-name|host-short-name|java-version|os-name|os-arch|tribuo-version|train-invocation-count|is-sequence)$/;

  // The default columns: the metrics every run of the page has (else the commonest), and the few params
  // whose values vary between the runs that have them (a parent run without params is no difference),
  // like MLflow's runs table: the knobs every run has first (a sweep's model, learning_rate), then a
  // trainer's own (a tree's depth), plain keys before dotted ones.
  function defaults(runs) {
    const count = new Map();
    runs.forEach(x => Object.keys(x.metrics).forEach(k => count.set(k, (count.get(k) || 0) + 1)));
    let metrics = [...count.keys()].filter(k => count.get(k) === runs.length).sort();
    if (!metrics.length) metrics = [...count.keys()].sort((a, b) => count.get(b) - count.get(a) || (a < b ? -1 : 1));
    const allParams = [...new Set(runs.flatMap(x => Object.keys(x.params)))].sort();
    const having = new Map(allParams.map(k => [k, runs.filter(x => k in x.params)]));
    const varies = k => new Set(having.get(k).map(x => x.params[k])).size > 1;
    const differ = allParams.filter(k => !PROVENANCE_NOISE.test(k) && (runs.length < 2 || varies(k)));
    differ.sort((a, b) => having.get(b).length - having.get(a).length || (a.includes('.') - b.includes('.')) || (a < b ? -1 : 1));
    return {params: differ.slice(0, 5), metrics: metrics.slice(0, 8), allParams};
  }

  // a newer search supersedes an older one still in flight: its answer, when late, is dropped
  let latest = 0;

  async function load(page) {
    const q = query();
    q.delete('columns');
    if (page) q.set('page', page);
    const mine = ++latest;
    message.replaceChildren();
    try {
      const r = await ui.get('/api/runs?' + q.toString());
      if (mine !== latest) return;
      // chosen columns, or the ones that tell the page's runs apart
      let cols = columns.value.split(',').map(c => c.trim()).filter(c => /^(params|metrics|tags)\../.test(c));
      const d = defaults(r.runs);
      allParams.hidden = cols.length > 0 || d.params.length === d.allParams.length;
      allParams.textContent = 'all ' + d.allParams.length + ' params';
      allParams.onclick = () => {
        columns.value = [...d.allParams.map(k => 'params.' + k), ...d.metrics.map(k => 'metrics.' + k)].join(', ');
        navigate();
      };
      if (!cols.length) {
        cols = [...d.params.map(k => 'params.' + k), ...d.metrics.map(k => 'metrics.' + k)];
      }
      const byParent = new Map();
      r.runs.forEach(x => { if (x.parent) { (byParent.get(x.parent) || byParent.set(x.parent, []).get(x.parent)).push(x); } });
      const ids = new Set(r.runs.map(x => x.id));
      const rows = [];
      const add = (x, depth) => {
        const pick = ui.el('input');
        pick.type = 'checkbox';
        pick.value = x.id;
        pick.className = 'pick';
        // a start time is one value: it wraps at its space only, never inside the date or the time
        rows.push([pick, ui.link('/static/run.html?id=' + encodeURIComponent(x.id), (depth ? '\u2514 ' : '') + (x.name || x.id)), x.status,
          ui.when(x.start), x.user, ...cols.map(c => cell(x, c))]);
        (byParent.get(x.id) || []).forEach(c => add(c, depth + 1));
      };
      r.runs.filter(x => !x.parent || !ids.has(x.parent)).forEach(x => add(x, 0));
      const t = ui.table(['', 'run', 'status', 'started', 'user', ...cols], rows);
      // a run's name and start time are shown whole, wrapped between words: never cut to a few lines
      t.querySelectorAll('tr').forEach(tr => [1, 3].forEach(i => { if (tr.children[i]) tr.children[i].classList.add('whole'); }));
      // sortable headers: the store orders (so paging stays exact); a second click reverses
      const keys = ['', '', '', 'start_time', '', ...cols.map(c => c.startsWith('tags.') ? '' : c)];
      const [current, direction] = (order.value.split(',')[0] || '').trim().split(/\s+/);
      t.querySelectorAll('th').forEach((th, i) => {
        const key = keys[i];
        if (!key) return;
        th.classList.add('sortable');
        th.dataset.key = key;
        const desc = (direction || 'ASC').toUpperCase() === 'DESC';
        if (key === current) th.classList.add(desc ? 'sorted-desc' : 'sorted-asc');
        th.addEventListener('click', () => {
          order.value = key + (key === current && desc ? ' ASC' : ' DESC');
          navigate();
        });
      });
      // the table scrolls sideways in its own box when its columns need more than the page (the demo's eight
      // metrics and five params at 1400 px), the page itself never wider than the window; the checkbox and the
      // run's name stay pinned at the left while the figures scroll, as in MLflow's and W&B's runs tables
      const box = ui.el('div', null, 'scroll');
      box.appendChild(t);
      t.classList.add('pinned');
      if (page) out.appendChild(box); else out.replaceChildren(box);
      const first = t.rows[0].cells[0].getBoundingClientRect().width;
      t.querySelectorAll('tr > :nth-child(2)').forEach(c => { c.style.left = first + 'px'; });
      more.hidden = !r.next;
      more.dataset.page = r.next || '';
      if (!r.runs.length && !page) out.replaceChildren(ui.el('p', filter.value || exp.value ? 'no runs match' : 'no runs in this store yet', 'muted empty'));
    } catch (e) {
      if (mine !== latest) return;
      ui.fail(message, e);
    }
    ui.ready();
  }

  form.addEventListener('submit', ev => {
    ev.preventDefault();
    navigate();
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
