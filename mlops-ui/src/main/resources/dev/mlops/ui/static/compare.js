'use strict';
// Runs side by side: params with differences marked, latest metrics, one metric's histories overlaid.
(async function () {
  const message = document.getElementById('message');
  const ids = (ui.params().get('runs') || '').split(',').filter(x => x);
  try {
    if (ids.length < 2) throw new Error('choose at least two runs to compare (?runs=ID,ID)');
    const runs = await Promise.all(ids.map(id => ui.get('/api/run?id=' + encodeURIComponent(id))));
    const heads = ['', ...runs.map(r => r.name || r.id)];
    const side = (pick) => {
      const keys = [...new Set(runs.flatMap(r => Object.keys(pick(r))))].sort();
      const t = ui.table(heads, keys.map(k => [k, ...runs.map(r => k in pick(r) ? (typeof pick(r)[k] === 'number' ? ui.num(pick(r)[k]) : pick(r)[k]) : '')]));
      [...t.rows].slice(1).forEach(row => {
        const values = [...row.cells].slice(1).map(c => c.textContent);
        if (new Set(values).size > 1) [...row.cells].forEach(c => c.classList.add('diff'));
      });
      return {t, keys};
    };
    document.getElementById('params').replaceChildren(side(r => r.params).t);
    const metrics = side(r => r.metrics);
    document.getElementById('metrics').replaceChildren(metrics.t);
    const select = document.getElementById('metric');
    metrics.keys.forEach(k => { const o = ui.el('option', k); o.value = k; select.appendChild(o); });
    const chart = document.getElementById('chart');
    let plot = null;
    const palette = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#1b7c83', '#e16f24', '#57606a'];
    async function draw() {
      if (plot) { plot.destroy(); plot = null; }
      const key = select.value;
      if (!key) return;
      const width = Math.max(300, Math.min(1200, document.body.clientWidth - 60));
      const series = await Promise.all(runs.map(r => ui.get('/api/metric?run=' + encodeURIComponent(r.id) + '&key=' + encodeURIComponent(key)
        + '&buckets=' + width).catch(() => ({x: [], last: []}))));
      const xs = [...new Set(series.flatMap(s => s.x))].sort((a, b) => a - b);
      const data = [xs, ...series.map(s => { const m = new Map(s.x.map((x, i) => [x, s.last[i]])); return xs.map(x => m.has(x) ? m.get(x) : null); })];
      plot = new uPlot({width, height: 300, series: [{}, ...runs.map((r, i) => ({label: r.name || r.id, stroke: palette[i % palette.length],
        spanGaps: true, points: {show: xs.length < 50}}))]}, data, chart);
    }
    select.addEventListener('change', draw);
    await draw();
  } catch (e) { ui.fail(message, e); }
  ui.ready();
})();
