// Shared helpers. Every value from the store reaches the page through textContent, never as markup,
// and through ui.user(): isolated from the text around it, its hidden characters made visible.
'use strict';
// The colour scheme: the system's (prefers-color-scheme) unless the header's toggle chose one, kept
// in localStorage; set before the page is drawn, so a dark page never flashes light.
(function () {
  let chosen = null;
  try { chosen = localStorage.getItem('mlops-theme'); } catch (e) { /* storage refused: the system's scheme */ }
  if (chosen === 'dark' || chosen === 'light') document.documentElement.dataset.theme = chosen;
  const dark = () => document.documentElement.dataset.theme ? document.documentElement.dataset.theme === 'dark'
    : matchMedia('(prefers-color-scheme: dark)').matches;
  document.addEventListener('DOMContentLoaded', () => {
    const toggle = document.getElementById('theme');
    if (!toggle) return;
    const label = () => { toggle.textContent = dark() ? 'light' : 'dark'; };
    label();
    toggle.addEventListener('click', () => {
      const next = dark() ? 'light' : 'dark';
      document.documentElement.dataset.theme = next;
      try { localStorage.setItem('mlops-theme', next); } catch (e) { /* this page only */ }
      label();
    });
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', label);
  });
})();
const ui = {
  // Characters that change how a name reads without being seen: controls (but tab, line feed and
  // carriage return) and format characters such as the right-to-left override U+202E, zero-width
  // spaces and tag characters (but the joiners U+200C and U+200D that Persian, Indic scripts and
  // emoji sequences need).
  HIDDEN: /(?![\t\n\r\u200C\u200D])[\p{Cc}\p{Cf}]/gu,
  el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  },
  // text with each hidden character shown as <U+202E>: for places that take plain text only
  // (options, tooltips, chart labels, SVG)
  visible(text) {
    return String(text === undefined || text === null ? '' : text)
      .replace(ui.HIDDEN, c => '<U+' + c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0') + '>');
  },
  // a value from the store as an element: isolated (<bdi>), hidden characters as boxed <U+202E>,
  // wrapped anywhere and, in a table, cut at 20em and three lines, the whole value in its tooltip
  user(text) {
    const s = String(text === undefined || text === null ? '' : text);
    const b = ui.el('bdi', null, 'u');
    b.title = ui.visible(s);
    let at = 0;
    for (const m of s.matchAll(ui.HIDDEN)) {
      if (m.index > at) ui.breakable(b, s.slice(at, m.index));
      b.appendChild(ui.el('span', ui.visible(m[0]), 'ctl'));
      at = m.index + m[0].length;
    }
    if (at < s.length) ui.breakable(b, s.slice(at));
    return b;
  },
  // text with a line-break opportunity (<wbr>, no character) after each '.', '_', '/', ':' and '-' (but
  // between two digits), so "metrics.test_accuracy" wraps between its parts and a table column is as narrow
  // as its longest part, never cut inside a word ("FINIS|HED") nor inside a number ("0.|8546")
  breakable(into, text) {
    let at = 0;
    for (const m of text.matchAll(/[._\/:-]+/g)) {
      const end = m.index + m[0].length;
      if (end < text.length && !ui.NUMBER.test(ui.token(text, m.index))) {
        into.append(text.slice(at, end));
        into.appendChild(document.createElement('wbr'));
        at = end;
      }
    }
    into.append(text.slice(at));
  },
  // a word that is a number or a time, never broken inside: "0.8546", "-1.2e-5", "12,345", "2026-12-07", "20:29:19Z"
  NUMBER: /^[-+]?\d[\d,]*(\.\d+)?(e[-+]?\d+)?$|^\d{4}-\d\d-\d\d$|^\d\d:\d\d(:\d\d(\.\d+)?)?Z?$/i,
  // the word (between white space) of text around position at
  token(text, at) {
    let from = at;
    let to = at;
    while (from > 0 && !/\s/.test(text.charAt(from - 1))) from--;
    while (to < text.length && !/\s/.test(text.charAt(to))) to++;
    return text.slice(from, to).replace(/[.,;:)\]]+$/, '').replace(/^[(\[]+/, '');
  },
  // an element holding one value from the store (a heading with a run's name, say)
  holding(tag, text, cls) {
    const e = ui.el(tag, null, cls);
    e.appendChild(ui.user(text));
    return e;
  },
  link(href, text) {
    const a = ui.holding('a', text);
    a.href = href;
    return a;
  },
  async get(path) {
    const r = await fetch(path, {headers: {'Accept': 'application/json'}});
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
    return body;
  },
  // a digest (a SHA-256, a dataset's hash) cut to its first 12 characters, the whole value in its tooltip
  digest(value) {
    const full = String(value === undefined || value === null ? '' : value);
    const c = ui.el('code', ui.visible(full.length > 12 ? full.slice(0, 12) + '\u2026' : full), 'digest');
    c.title = ui.visible(full);
    return c;
  },
  // THE time format of every page: UTC to the second, "2026-12-07 20:29:19Z"; '' for no time (0 or less)
  time(ms) {
    return ms && ms > 0 ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
  },
  // a time as an element (span.when) that never wraps inside its date or its time of day; a narrow cell
  // puts them on two lines ("2026-12-07" over "20:29:19Z"), as it would two words
  when(ms) {
    const e = ui.el('span', null, 'when');
    const t = ui.time(ms);
    if (t) e.append(ui.el('span', t.slice(0, 10)), ' ', ui.el('span', t.slice(11)));
    return e;
  },
  // THE number format of every page, like MLflow's: integers whole, grouped in thousands (7, 12,345); other
  // figures to four significant digits without trailing zeros, the integer part never rounded (0.88, 0.8546,
  // 1,234.6 -> 1,235); below 0.001 and from 1e15 on in exponent form (1.23e-5); NaN, \u221e. Not a number:
  // its text as it is (a param is shown as logged).
  num(v) {
    if (typeof v !== 'number') return v === undefined || v === null ? '' : String(v);
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? '\u221e' : '-\u221e';
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e15)) return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
    const whole = a >= 1 ? Math.floor(Math.log10(a)) + 1 : 0;
    const digits = Number.isInteger(v) ? 21 : Math.max(4, whole);
    if (!ui.FORMATS.has(digits)) ui.FORMATS.set(digits, new Intl.NumberFormat('en-US', {maximumSignificantDigits: digits}));
    return ui.FORMATS.get(digits).format(v);
  },
  FORMATS: new Map(),
  // a number as an element: ui.num's text, never wrapped inside (span.num), the exact value in its tooltip
  // when the text shows it rounded or grouped (the JSON API keeps every value exact)
  figure(v) {
    const text = ui.num(v);
    const e = ui.el('span', text, 'num');
    if (typeof v === 'number' && text !== String(v)) e.title = String(v);
    return e;
  },
  // an element of parts: numbers as ui.figure, elements (ui.when(...), ui.user(...) for a value from the store)
  // as they are, other text as plain text (the page's own words: never markup either way)
  compose(tag, parts, cls) {
    const e = ui.el(tag, null, cls);
    (Array.isArray(parts) ? parts : [parts]).forEach(p => {
      if (p === undefined || p === null || p === '') return;
      e.append(p instanceof Node ? p : typeof p === 'number' ? ui.figure(p) : String(p));
    });
    return e;
  },
  // figures by name, sorted, as one element: "accuracy 0.88, f1 0.8546" (each name a value from the store)
  figures(m) {
    const parts = [];
    Object.entries(m || {}).sort().forEach(([k, v], n) => parts.push(n ? ', ' : '', ui.user(k), ' ', typeof v === 'number' ? v : ui.user(v)));
    return ui.compose('span', parts);
  },
  // a run's label where runs are told apart (bars, legends): its name, and where two runs of the list share
  // a name, the first 8 characters of its id after it ("logistic-0.1 \u00b7 3f2a9c1d")
  runLabels(runs) {
    const count = new Map();
    runs.forEach(r => count.set(r.name || r.id, (count.get(r.name || r.id) || 0) + 1));
    return runs.map(r => r.name && count.get(r.name) > 1 ? r.name + ' \u00b7 ' + r.id.slice(0, 8) : (r.name || r.id));
  },
  // summary cards ({label, value, note, tone: 'good' | 'alarm'}) for the top of a page: one figure each,
  // cut to the card with the whole text on hover; a value or note is text from the store, a number, an element
  // or a list of parts (ui.compose: there, text is the page's own words)
  cards(items) {
    const div = ui.el('div', null, 'cards');
    items.forEach(i => {
      const card = ui.el('div', null, 'card' + (i.tone ? ' ' + i.tone : ''));
      card.dataset.card = i.label;
      // text is a value from the store (ui.user); a number, an element or a list of parts as ui.compose makes them
      const part = v => typeof v === 'string' ? ui.user(v) : v;
      const value = ui.compose('span', i.value === undefined || i.value === null || i.value === '' ? '\u2013' : part(i.value), 'card-value');
      card.append(ui.el('span', i.label, 'card-label'), value);
      if (i.note) card.appendChild(ui.compose('span', part(i.note), 'card-note'));
      div.appendChild(card);
    });
    return div;
  },
  // the few figures that tell a run or a model apart, for its cards: the usual evaluation metrics
  // first, matched by their name or its end (so 'test_accuracy' counts as an accuracy; the name
  // itself before any other ending in it), then the others by name; at most n (4 unless given)
  keyMetrics(metrics, n) {
    const ends = ['accuracy', 'macro_f1', 'f1', 'auc_macro', 'auc', 'rmse', 'mae', 'r2', 'loss'];
    const keys = Object.keys(metrics || {}).sort();
    const picked = [];
    ends.forEach(end => {
      const k = keys.find(k => !picked.includes(k) && k === end)
        || keys.find(k => !picked.includes(k) && ['_', '.', '/'].some(sep => k.endsWith(sep + end)));
      if (k) picked.push(k);
    });
    keys.forEach(k => { if (!picked.includes(k)) picked.push(k); });
    return picked.slice(0, n || 4);
  },
  // a duration in milliseconds in words: 850 ms, 12.4 s, 3 min 5 s, 2 h 4 min
  duration(ms) {
    if (!(ms >= 0)) return '';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
    const s = Math.round(ms / 1000);
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  },
  // a colour of the page's scheme (a CSS variable such as --text), for what CSS does not reach (uPlot's canvas)
  color(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
  },
  // a uPlot series' value in its legend (on hover) in the page's number format
  legend(u, v) {
    return v === null || v === undefined ? '--' : ui.num(v);
  },
  // uPlot axes in the page's colours
  axes(x) {
    const style = {stroke: ui.color('--muted'), grid: {stroke: ui.color('--border'), width: 1}, ticks: {stroke: ui.color('--border'), width: 1}};
    return [Object.assign({}, style, x || {}), style];
  },
  // a table that fits the page's width whatever its values (fixed columns; long values cut, whole on hover)
  fit(table, widths) {
    if (table.tagName !== 'TABLE') return table;
    table.classList.add('fit');
    if (widths) {
      const group = ui.el('colgroup');
      widths.forEach(w => { const c = ui.el('col'); if (w) c.style.width = w; group.appendChild(c); });
      table.prepend(group);
    }
    return table;
  },
  // a table, or the sentence saying why there is none when there are no rows and one is given; a cell is an
  // element, a number (ui.figure) or text from the store (ui.user)
  table(headers, rows, empty) {
    if (!rows.length && empty) return ui.el('p', empty, 'muted empty');
    const t = ui.el('table');
    const tr = ui.el('tr');
    headers.forEach(h => tr.appendChild(ui.holding('th', h)));
    t.appendChild(tr);
    rows.forEach(r => {
      const row = ui.el('tr');
      r.forEach(c => {
        const td = ui.el('td');
        td.appendChild(c instanceof Node ? c : typeof c === 'number' ? ui.figure(c) : ui.user(c));
        row.appendChild(td);
      });
      t.appendChild(row);
    });
    return t;
  },
  kv(obj, empty) {
    return ui.table(['key', 'value'], Object.entries(obj || {}), empty);
  },
  // an SVG element with its attributes (numbers and fixed words, never store values: those go in textContent)
  svg(tag, attrs) {
    const e = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
    return e;
  },
  // one horizontal bar per item ({label, value, current}) on a scale that holds zero, as SVG: for a
  // figure logged once per run, where a line chart would show a single point
  bars(items) {
    const svg = ui.svg;
    const L = 220, W = 420, R = 90, H = 22;
    const values = items.map(i => i.value);
    const lo = Math.min(0, ...values), hi = Math.max(0, ...values);
    const x = v => L + (hi === lo ? 0 : (v - lo) / (hi - lo)) * W;
    const root = svg('svg', {width: L + W + R, height: items.length * H + 4, role: 'img', class: 'bars'});
    items.forEach((item, n) => {
      const y = n * H + 2;
      const label = svg('text', {x: L - 8, y: y + 15, 'text-anchor': 'end', 'font-size': 12});
      const name = ui.visible(item.label);
      // a long name is cut in its middle part: the short id that tells runs of one name apart stays visible
      const tail = name.length > 32 && name.lastIndexOf(' \u00b7 ') > 0 ? name.slice(name.lastIndexOf(' \u00b7 ')) : '';
      label.textContent = name.length <= 32 ? name : name.slice(0, 31 - tail.length) + '\u2026' + tail;
      const title = svg('title', {});
      title.textContent = name + ' = ' + item.value;
      const bar = svg('rect', {x: Math.min(x(0), x(item.value)), y: y + 3, width: Math.max(1, Math.abs(x(item.value) - x(0))), height: H - 6,
        fill: item.current ? '#0969da' : '#8c959f', class: item.current ? 'bar current' : 'bar'});
      bar.appendChild(title);
      const value = svg('text', {x: Math.max(x(0), x(item.value)) + 6, y: y + 15, 'font-size': 12});
      value.textContent = ui.num(item.value);
      root.append(label, bar, value);
    });
    return root;
  },
  params() {
    return new URLSearchParams(location.search);
  },
  fail(where, e) {
    where.replaceChildren(ui.holding('p', e.message, 'error'));
  },
  // the page has what it shows: the loading notice every page starts with goes
  ready() {
    const loading = document.getElementById('loading');
    if (loading) loading.remove();
    document.title = document.title.startsWith('ready') ? document.title : 'ready: ' + document.title;
  }
};
