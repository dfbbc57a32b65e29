// Shared helpers. Every value from the store reaches the page through textContent, never as markup.
'use strict';
const ui = {
  el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  },
  link(href, text) {
    const a = ui.el('a', text);
    a.href = href;
    return a;
  },
  async get(path) {
    const r = await fetch(path, {headers: {'Accept': 'application/json'}});
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
    return body;
  },
  time(ms) {
    return ms && ms > 0 ? new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
  },
  num(v) {
    return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(6)) : String(v);
  },
  table(headers, rows) {
    const t = ui.el('table');
    const tr = ui.el('tr');
    headers.forEach(h => tr.appendChild(ui.el('th', h)));
    t.appendChild(tr);
    rows.forEach(r => {
      const row = ui.el('tr');
      r.forEach(c => {
        const td = ui.el('td');
        if (c instanceof Node) td.appendChild(c); else td.textContent = c === undefined || c === null ? '' : String(c);
        row.appendChild(td);
      });
      t.appendChild(row);
    });
    return t;
  },
  kv(obj) {
    return ui.table(['key', 'value'], Object.entries(obj || {}).map(([k, v]) => [k, typeof v === 'number' ? ui.num(v) : v]));
  },
  params() {
    return new URLSearchParams(location.search);
  },
  fail(where, e) {
    where.replaceChildren(ui.el('p', e.message, 'error'));
  },
  ready() {
    document.title = document.title.startsWith('ready') ? document.title : 'ready: ' + document.title;
  }
};
