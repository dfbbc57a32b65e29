'use strict';
// Runs side by side: params with differences marked, latest metrics, one metric's histories overlaid.
(async function () {
  const message = document.getElementById('message');
  const ids = (ui.params().get('runs') || '').split(',').filter(x => x);
  try {
    if (ids.length < 2) throw new Error('choose at least two runs to compare (?runs=ID,ID)');
    const runs = await Promise.all(ids.map(id => ui.get('/api/run?id=' + encodeURIComponent(id))));
    const labels = ui.runLabels(runs);
    const heads = ['', ...labels];
    const side = (pick) => {
      const keys = [...new Set(runs.flatMap(r => Object.keys(pick(r))))].sort();
      const t = ui.table(heads, keys.map(k => [k, ...runs.map(r => k in pick(r) ? pick(r)[k] : '')]));
      // a difference in the values themselves, not in their rounded text (0.85461 and 0.85462 both show 0.8546)
      [...t.rows].slice(1).forEach((row, n) => {
        const values = runs.map(r => keys[n] in pick(r) ? 'v' + String(pick(r)[keys[n]]) : 'none');
        if (new Set(values).size > 1) [...row.cells].forEach(c => c.classList.add('diff'));
      });
      return {t, keys};
    };
    document.getElementById('params').replaceChildren(side(r => r.params).t);
    const metrics = side(r => r.metrics);
    document.getElementById('metrics').replaceChildren(metrics.t);
    const select = document.getElementById('metric');
    const option = k => { const o = ui.el('option', ui.visible(k)); o.value = k; o.title = ui.visible(k); return o; };
    metrics.keys.forEach(k => select.appendChild(option(k)));
    const chart = document.getElementById('chart');
    let plot = null;
    const palette = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bf8700', '#1b7c83', '#e16f24', '#57606a'];
    async function draw() {
      if (plot) { plot.destroy(); plot = null; }
      const key = select.value;
      if (!key) return;
      const width = Math.max(300, Math.min(1200, document.body.clientWidth - 60));
      // only the runs that logged the metric are asked for it (the others would answer 404)
      const none = {x: [], last: []};
      const series = await Promise.all(runs.map(r => !(key in r.metrics) ? none : ui.get('/api/metric?run=' + encodeURIComponent(r.id)
        + '&key=' + encodeURIComponent(key) + '&buckets=' + width).catch(() => none)));
      if (series.every(s => s.x.length <= 1)) {
        // logged once per run: the values side by side, not single points on a line chart
        chart.replaceChildren(ui.bars(runs.map((r, i) => ({label: labels[i], value: series[i].last[0]}))
          .filter(b => typeof b.value === 'number')));
        return;
      }
      chart.replaceChildren();
      const xs = [...new Set(series.flatMap(s => s.x))].sort((a, b) => a - b);
      const data = [xs, ...series.map(s => { const m = new Map(s.x.map((x, i) => [x, s.last[i]])); return xs.map(x => m.has(x) ? m.get(x) : null); })];
      plot = new uPlot({width, height: 300, scales: {x: {time: false}}, axes: ui.axes(), series: [{}, ...runs.map((r, i) => ({label: ui.visible(labels[i]), stroke: palette[i % palette.length], value: ui.legend,
        spanGaps: true, points: {show: xs.length < 50}}))]}, data, chart);
    }
    select.addEventListener('change', draw);
    await draw();

    // a scatter of one param against one metric, drawn as SVG (numbers on a linear axis, other values as categories)
    const xSel = document.getElementById('xparam');
    const ySel = document.getElementById('ymetric');
    const paramKeys = [...new Set(runs.flatMap(r => Object.keys(r.params)))].sort();
    paramKeys.forEach(k => xSel.appendChild(option(k)));
    metrics.keys.forEach(k => ySel.appendChild(option(k)));
    const wanted = ui.params().get('param');
    if (wanted && paramKeys.includes(wanted)) xSel.value = wanted;
    const svgEl = ui.svg;
    function scatter() {
      const pts = runs.filter(r => xSel.value in r.params && ySel.value in r.metrics).map(r => ({x: r.params[xSel.value], y: r.metrics[ySel.value], r}));
      const W = 640, H = 320, L = 60, B = 40;
      const svg = svgEl('svg', {width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, role: 'img'});
      if (pts.length) {
        const numeric = pts.every(p => p.x.trim() !== '' && !isNaN(Number(p.x)));
        const cats = [...new Set(pts.map(p => p.x))].sort();
        const xv = p => numeric ? Number(p.x) : cats.indexOf(p.x);
        const xs = pts.map(xv), ys = pts.map(p => p.y);
        const [x0, x1] = [Math.min(...xs), Math.max(...xs)], [y0, y1] = [Math.min(...ys), Math.max(...ys)];
        const sx = v => L + (x1 === x0 ? 0.5 : (v - x0) / (x1 - x0)) * (W - L - 20);
        const sy = v => H - B - (y1 === y0 ? 0.5 : (v - y0) / (y1 - y0)) * (H - B - 20);
        svg.appendChild(svgEl('line', {x1: L, y1: H - B, x2: W - 10, y2: H - B, stroke: '#57606a'}));
        svg.appendChild(svgEl('line', {x1: L, y1: 10, x2: L, y2: H - B, stroke: '#57606a'}));
        [[y0, H - B], [y1, 20]].forEach(([v, y]) => { const t = svgEl('text', {x: L - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 11}); t.textContent = ui.num(v); svg.appendChild(t); });
        (numeric ? [x0, x1] : cats.map((c, i) => i)).forEach(v => {
          const t = svgEl('text', {x: sx(v), y: H - B + 16, 'text-anchor': 'middle', 'font-size': 11});
          t.textContent = numeric ? ui.num(v) : ui.visible(cats[v]);
          svg.appendChild(t);
        });
        pts.forEach(p => {
          const c = svgEl('circle', {cx: sx(xv(p)), cy: sy(p.y), r: 5, fill: '#0969da', 'fill-opacity': 0.7});
          const title = svgEl('title', {});
          title.textContent = ui.visible(labels[runs.indexOf(p.r)] + ': ' + xSel.value + ' = ' + p.x + ', ' + ySel.value + ' = ') + p.y;
          c.appendChild(title);
          svg.appendChild(c);
        });
        const xl = svgEl('text', {x: (L + W) / 2, y: H - 4, 'text-anchor': 'middle', 'font-size': 12}); xl.textContent = 'params.' + ui.visible(xSel.value); svg.appendChild(xl);
      }
      document.getElementById('scatter').replaceChildren(svg);
    }
    xSel.addEventListener('change', scatter);
    ySel.addEventListener('change', scatter);
    scatter();
  } catch (e) { ui.fail(message, e); }
  ui.ready();
})();
