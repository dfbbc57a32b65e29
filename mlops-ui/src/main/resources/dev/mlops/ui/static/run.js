'use strict';
// A run: params, latest metrics, tags, inputs, artifacts, and charts of metric histories reduced on
// the server to the chart's width (each bucket's min, max and last value), refined on zoom.
(async function () {
  const id = ui.params().get('id');
  const message = document.getElementById('message');
  const chartDiv = document.getElementById('chart');
  const note = document.getElementById('chartnote');
  const axis = document.getElementById('axis');
  const log = document.getElementById('log');
  const smoothing = document.getElementById('smoothing');
  let run;
  try {
    run = await ui.get('/api/run?id=' + encodeURIComponent(id));
  } catch (e) { ui.fail(message, e); ui.ready(); return; }
  document.getElementById('title').replaceChildren(ui.user(run.name || run.id));
  const cards = r => document.getElementById('cards').replaceChildren(ui.cards([
    {label: 'status', value: r.status, tone: r.status === 'FINISHED' ? 'good' : r.status === 'RUNNING' ? '' : 'alarm',
      note: r.status === 'RUNNING' ? 'still logging' : ['ended ', ui.when(r.end)]},
    {label: 'duration', value: r.end > 0 ? ui.duration(r.end - r.start) : ui.duration(Date.now() - r.start),
      note: [(r.end > 0 ? '' : 'so far; ') + 'started ', ui.when(r.start)]},
    ...ui.keyMetrics(r.metrics).map(k => ({label: k, value: r.metrics[k],
      note: r.lastSteps[k] > 0 ? ['latest, at step ', r.lastSteps[k]] : 'logged once'}))]));
  const summary = r => document.getElementById('summary').replaceChildren(r.status + ', started ', ui.when(r.start), ' by ', ui.user(r.user),
    ...(r.end > 0 ? [', ended ', ui.when(r.end)] : []), ' \u2014 ' + r.id);
  summary(run);
  cards(run);
  document.getElementById('params').replaceChildren(ui.kv(run.params, 'no params logged'));
  // a parent run (a sweep): link to its children side by side
  try {
    const kids = await ui.get('/api/runs?max=1000&filter=' + encodeURIComponent("tags.`mlops.parentRunId` = '" + run.id + "'"));
    if (kids.runs.length >= 2) {
      const p = ui.el('p');
      p.appendChild(ui.link('/static/compare.html?runs=' + kids.runs.map(k => encodeURIComponent(k.id)).join(','),
        'compare its ' + kids.runs.length + ' child runs'));
      document.getElementById('summary').after(p);
    }
  } catch (e) { /* no children */ }
  // the run's own tags first; the library's system tags (mlops.*) grouped below, folded
  const own = Object.fromEntries(Object.entries(run.tags).filter(([k]) => !k.startsWith('mlops.')));
  const system = Object.fromEntries(Object.entries(run.tags).filter(([k]) => k.startsWith('mlops.')));
  const folded = ui.el('details');
  folded.id = 'system-tags';
  folded.append(ui.el('summary', 'system tags (' + Object.keys(system).length + ')'), ui.kv(system));
  document.getElementById('tags').replaceChildren(ui.kv(own, 'no tags of its own'), folded);
  document.getElementById('inputs').replaceChildren(ui.table(['name', 'context', 'rows', 'digest', 'source'],
    run.inputs.map(i => [i.name, i.context, i.rows, ui.digest(i.digest), i.source]), 'no dataset inputs logged'));
  // artifacts as a tree: directories open in place, files download (streamed) or preview as text
  const preview = ui.el('pre');
  preview.hidden = true;
  const imagePreview = ui.el('div');
  async function tree(dir, into) {
    const items = await ui.get('/api/artifacts?run=' + encodeURIComponent(id) + '&dir=' + encodeURIComponent(dir));
    if (!dir && !items.length) {
      into.appendChild(ui.el('p', 'no artifacts logged', 'muted empty'));
      return;
    }
    const list = ui.el('ul');
    items.forEach(a => {
      const li = ui.el('li');
      if (a.directory) {
        const b = ui.holding('button', a.path.split('/').pop() + '/');
        b.addEventListener('click', async () => { if (!li.querySelector('ul')) await tree(a.path, li); });
        li.appendChild(b);
      } else {
        li.appendChild(ui.link('/download?run=' + encodeURIComponent(id) + '&path=' + encodeURIComponent(a.path), a.path.split('/').pop()));
        li.append(' (' + a.size + ' bytes) ');
        if (/\.(txt|json|md|csv|log|yaml|yml)$/i.test(a.path) && a.size <= 1048576) {
          const b = ui.el('button', 'preview');
          b.addEventListener('click', async () => {
            const r = await fetch('/download?run=' + encodeURIComponent(id) + '&path=' + encodeURIComponent(a.path));
            preview.textContent = ui.visible(await r.text());
            preview.hidden = false;
            imagePreview.replaceChildren();
          });
          li.appendChild(b);
        } else if (/\.(png|jpe?g|gif|webp)$/i.test(a.path)) {
          const b = ui.el('button', 'preview');
          b.addEventListener('click', () => {
            const img = ui.el('img', null, 'preview');
            img.alt = ui.visible(a.path);
            img.src = '/download?preview=1&run=' + encodeURIComponent(id) + '&path=' + encodeURIComponent(a.path);
            imagePreview.replaceChildren(img);
            preview.hidden = true;
          });
          li.appendChild(b);
        }
      }
      list.appendChild(li);
    });
    into.appendChild(list);
  }
  const artifacts = document.getElementById('artifacts');
  artifacts.replaceChildren();
  try {
    await tree('', artifacts);
  } catch (e) { ui.fail(artifacts, e); }
  artifacts.appendChild(preview);
  artifacts.appendChild(imagePreview);

  // the chart's state lives in the URL (?metric=a,b&x=step), so a chart can be bookmarked and shared
  const wanted = (ui.params().get('metric') || '').split(',').filter(k => k in run.metrics);
  // by default the first metric with a history (a loss curve) rather than one logged once
  const curves = Object.keys(run.metrics).filter(k => run.lastSteps[k] > 0);
  const selected = new Set(wanted.length ? wanted : (curves.length ? curves : Object.keys(run.metrics)).slice(0, 1));
  if (['step', 'time', 'relative'].includes(ui.params().get('x'))) axis.value = ui.params().get('x');
  if (ui.params().get('smoothing')) smoothing.value = ui.params().get('smoothing');
  // TensorBoard's smoothing: an exponential moving average of the shown values, debiased at the start
  function smooth(values) {
    const w = Number(smoothing.value);
    if (!(w > 0)) return values;
    let avg = 0;
    let n = 0;
    return values.map(v => {
      if (v === null || !isFinite(v)) return v;
      n++;
      avg = avg * w + (1 - w) * v;
      return avg / (1 - Math.pow(w, n));
    });
  }
  function remember() {
    const p = ui.params();
    p.set('metric', [...selected].join(','));
    p.set('x', axis.value);
    if (Number(smoothing.value) > 0) p.set('smoothing', smoothing.value); else p.delete('smoothing');
    history.replaceState(null, '', location.pathname + '?' + p.toString());
  }
  const boxes = Object.entries(run.metrics).map(([k, v]) => {
    const cb = ui.el('input');
    cb.type = 'checkbox';
    cb.checked = selected.has(k);
    cb.addEventListener('change', () => { if (cb.checked) selected.add(k); else selected.delete(k); draw(); });
    const label = ui.el('label');
    label.dataset.key = k;
    label.append(cb, ' ', ui.user(k), ' = ', ui.figure(v), '  ');
    return label;
  });
  document.getElementById('metrics').replaceChildren(...(boxes.length ? boxes : [ui.el('p', 'no metrics logged', 'muted empty')]));
  let plot = null;
  let range = null;

  async function draw() {
    remember();
    if (plot) { plot.destroy(); plot = null; }
    if (!selected.size) { note.textContent = ''; chartDiv.replaceChildren(); return; }
    const width = Math.max(300, Math.min(1200, document.body.clientWidth - 60));
    const q = k => '/api/metric?run=' + encodeURIComponent(id) + '&key=' + encodeURIComponent(k) + '&x=' + axis.value
      + '&buckets=' + width + (range ? '&start=' + range[0] + '&end=' + range[1] : '');
    try {
      const series = await Promise.all([...selected].map(k => ui.get(q(k))));
      if (!range && series.every(s => s.points <= 1)) {
        await barsAcrossRuns(series.map(s => s.key));
        return;
      }
      chartDiv.replaceChildren();
      const xs = [...new Set(series.flatMap(s => s.x))].sort((a, b) => a - b);
      const at = s => { const m = new Map(s.x.map((x, i) => [x, i])); return f => xs.map(x => m.has(x) ? f[m.get(x)] : null); };
      const data = [xs];
      const opts = [{}];
      const palette = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#1b7c83', '#e16f24', '#57606a'];
      series.forEach((s, n) => {
        const pick = at(s);
        data.push(smooth(pick(s.last)));
        opts.push({label: ui.visible(s.key) + (Number(smoothing.value) > 0 ? ' (smoothed ' + smoothing.value + ')' : ''), stroke: palette[n % palette.length], value: ui.legend,
          width: 1.5, spanGaps: true, points: {show: s.x.length < 50}});
        if (s.reduced) {
          data.push(pick(s.min), pick(s.max));
          opts.push({label: ui.visible(s.key) + ' min', stroke: '#8c959f', width: 1, spanGaps: true, value: ui.legend},
            {label: ui.visible(s.key) + ' max', stroke: '#8c959f', width: 1, spanGaps: true, value: ui.legend});
        }
      });
      const reduced = series.filter(s => s.reduced);
      note.textContent = reduced.length ? reduced.map(s => ui.visible(s.key) + ': ' + s.points + ' points shown as ' + s.x.length
        + ' buckets (min, max and last of each; zoom in for detail)').join('; ') : 'every logged point is shown';
      plot = new uPlot({width, height: 320, series: opts, axes: ui.axes(), scales: {x: {time: axis.value === 'time'}, y: {distr: log.checked ? 3 : 1}},
        hooks: {setSelect: [u => {
          if (u.select.width > 5) {
            range = [u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x')];
            if (axis.value === 'time') range = range.map(v => v * 1000);
            draw();
          }
        }]}}, data.map((d, i) => i === 0 && axis.value === 'time' ? d.map(v => v / 1000) : d), chartDiv);
    } catch (e) { ui.fail(message, e); }
  }
  // metrics logged once (a final accuracy): each as bars across the runs of the run's experiment,
  // this run marked, where a line chart would hold a single point
  async function barsAcrossRuns(keys) {
    const others = await ui.get('/api/runs?max=100&experiment=' + encodeURIComponent(run.experiment));
    const runs = others.runs.some(r => r.id === run.id) ? others.runs : [run, ...others.runs];
    const parts = [];
    keys.forEach(k => {
      parts.push(ui.holding('h3', k));
      const having = runs.filter(r => typeof r.metrics[k] === 'number');
      const labels = ui.runLabels(having);
      parts.push(ui.bars(having.map((r, n) => ({label: labels[n], value: r.metrics[k], current: r.id === run.id}))));
    });
    chartDiv.replaceChildren(...parts);
    note.textContent = 'logged once: this run (blue) beside the other runs of its experiment (up to 100)';
  }
  axis.addEventListener('change', () => { range = null; draw(); });
  log.addEventListener('change', draw);
  const smoothingValue = document.getElementById('smoothingvalue');
  smoothingValue.textContent = smoothing.value;
  smoothing.addEventListener('change', () => { smoothingValue.textContent = smoothing.value; draw(); });
  await draw();
  ui.ready();
  // a run still logging: its figures and chart follow without a page refresh
  if (run.status === 'RUNNING') {
    let seen = JSON.stringify(run.metrics);
    const timer = setInterval(async () => {
      try {
        const now = await ui.get('/api/run?id=' + encodeURIComponent(id));
        summary(now);
        cards(now);
        document.querySelectorAll('#metrics label').forEach(l => {
          const k = l.dataset.key;
          if (k in now.metrics) l.querySelector('span.num').replaceWith(ui.figure(now.metrics[k]));
        });
        if (JSON.stringify(now.metrics) !== seen) {
          seen = JSON.stringify(now.metrics);
          await draw();
        }
        if (now.status !== 'RUNNING') clearInterval(timer);
      } catch (e) { /* the next tick tries again */ }
    }, 5000);
  }
})();
