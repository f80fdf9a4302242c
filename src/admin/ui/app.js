// The dashboard: plain JavaScript, no libraries, nothing fetched from outside this server.
// Everything a caller sent is shown through textContent, never parsed as HTML: journal entries
// hold whatever any client chose to send.
'use strict';

const TOKEN_KEY = 'engagement-sim-admin-token';
const ADMIN = '/__admin';
const KEEP = 1000; // entries kept in the page

// The token arrives once as ?token= (from the login form or a link), is kept in this tab's
// sessionStorage only, and is taken out of the address bar and history at once; every call then
// sends it as a bearer token.
function takeTokenFromUrl() {
  const url = new URL(location.href);
  const token = url.searchParams.get('token');
  if (token === null) return false;
  sessionStorage.setItem(TOKEN_KEY, token);
  url.searchParams.delete('token');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
  return true;
}

function login() {
  const url = new URL(location.href);
  const stored = sessionStorage.getItem(TOKEN_KEY);
  if (url.searchParams.has('token')) {
    // The server refused the token just given: forget it rather than retry it.
    sessionStorage.removeItem(TOKEN_KEY);
    document.getElementById('refused').hidden = false;
    history.replaceState(null, '', url.pathname);
  } else if (stored) {
    // A reload of a tab that was already let in.
    url.searchParams.set('token', stored);
    location.replace(url.toString());
  }
}

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) h['Authorization'] = 'Bearer ' + token;
  return h;
}

async function api(path, options) {
  options = options || {};
  const res = await fetch(ADMIN + path, Object.assign({}, options, { headers: headers(options.headers) }));
  if (res.status === 401) {
    askToken();
    throw new Error('the admin token was refused');
  }
  return res;
}

async function apiJson(path, options) {
  const res = await api(path, options);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message || res.status + ' ' + res.statusText);
  return body;
}

function askToken() {
  const dialog = document.getElementById('token-dialog');
  if (!dialog.open) dialog.showModal();
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : String(c ?? ''));
  return node;
}

function setStatus(text, kind) {
  const s = document.getElementById('status');
  s.textContent = text;
  s.className = 'status ' + (kind || '');
}

// ---- journal ----

const entries = new Map(); // seq -> entry
let paused = false;
let pending = [];
let selected = null;

function statusMatches(want, status) {
  want = want.trim().toLowerCase();
  if (!want) return true;
  if (/^[1-5]xx$/.test(want)) return Math.floor(status / 100) === Number(want[0]);
  return String(status) === want;
}

function accepts(e) {
  const v = document.getElementById('f-vendor').value;
  const o = document.getElementById('f-operation').value;
  const t = document.getElementById('f-tenant').value.trim();
  const s = document.getElementById('f-status').value;
  return (!v || e.vendor === v) && (!o || e.operation === o) &&
    (!t || (e.tenant || '').includes(t)) && statusMatches(s, e.status);
}

function statusClass(status) {
  return status >= 500 ? 's5' : status >= 400 ? 's4' : status >= 300 ? 's3' : 's2';
}

function row(e) {
  const tr = el('tr', { 'data-seq': e.seq, class: e.seq === selected ? 'selected' : '' },
    el('td', { class: 'num' }, e.seq),
    el('td', { class: 'time', title: e.time }, (e.time || '').slice(11, 23)),
    el('td', {}, e.vendor || '—'),
    el('td', {}, e.operation || '—'),
    el('td', { class: 'tenant' }, e.tenant || '—'),
    el('td', { class: 'path' }, e.method + ' ' + e.path + (e.query ? '?' + e.query : '')),
    el('td', {}, el('span', { class: 'badge ' + statusClass(e.status) }, e.status)),
    el('td', { class: 'num' }, e.duration_ms.toFixed(1)),
    el('td', { class: 'rule' }, e.rule || ''));
  tr.addEventListener('click', () => { selected = e.seq; showDetail(e); render(); });
  return tr;
}

function render() {
  const body = document.querySelector('#calls tbody');
  const shown = [...entries.values()].filter(accepts).sort((a, b) => b.seq - a.seq);
  body.replaceChildren(...shown.map(row));
  document.getElementById('empty').hidden = entries.size > 0;
  document.getElementById('count').textContent =
    shown.length + ' of ' + entries.size + ' calls' + (paused ? ' (paused, ' + pending.length + ' waiting)' : '');
}

function pretty(body) {
  if (body === null || body === undefined) return '(no body)';
  return typeof body === 'string' ? body : JSON.stringify(body, null, 2);
}

function exchange(title, x, first) {
  const lines = (x.headers || []).map(([k, v]) => k + ': ' + v).join('\n');
  return el('div', { class: 'exchange' },
    el('h3', {}, title), el('div', { class: 'muted' }, first),
    el('pre', { class: 'headers' }, lines || '(no headers)'),
    el('pre', { class: 'body' }, pretty(x.body)));
}

function showDetail(e) {
  const d = document.getElementById('detail');
  d.className = 'detail';
  d.replaceChildren(
    el('h2', {}, '#' + e.seq + ' ' + (e.vendor || '') + ' ' + (e.operation || '')),
    el('div', { class: 'muted' }, e.time + ' · tenant ' + (e.tenant || '—') + ' · ' + e.duration_ms.toFixed(2) + ' ms' + (e.rule ? ' · rule ' + e.rule : '')),
    exchange('Request', e.request, e.method + ' ' + e.path + (e.query ? '?' + e.query : '')),
    exchange('Response', e.response, 'status ' + e.status));
}

function add(e) {
  entries.set(e.seq, e);
  if (entries.size > KEEP) {
    const oldest = Math.min(...entries.keys());
    entries.delete(oldest);
  }
}

function receive(e) {
  if (paused) { pending.push(e); render(); return; }
  add(e);
  render();
}

function handleEvent(block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event === 'entry' && data.length) receive(JSON.parse(data.join('\n')));
  else if (event === 'lagged') setStatus('live (missed ' + data.join('') + ' calls while busy)', 'warn');
}

// EventSource cannot send an Authorization header, so the stream is read through fetch and its
// server-sent events are split here.
async function follow() {
  for (;;) {
    try {
      const res = await api('/requests/stream?limit=' + KEEP, { headers: { Accept: 'text/event-stream' } });
      if (!res.ok) throw new Error(res.status + ' ' + res.statusText);
      setStatus('live', 'ok');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          handleEvent(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
      }
      setStatus('reconnecting…', 'warn');
    } catch (err) {
      setStatus('disconnected: ' + err.message + '; retrying', 'error');
    }
    await new Promise(r => setTimeout(r, 2000));
  }
}

async function loadCatalogue() {
  const cat = await apiJson('/operations');
  const vendors = [...new Set(cat.operations.map(o => o.vendor))];
  for (const id of ['f-vendor', 's-vendor']) {
    const sel = document.getElementById(id);
    for (const v of vendors) sel.append(el('option', { value: v }, v));
  }
  const ops = document.getElementById('f-operation');
  const fill = () => {
    const vendor = document.getElementById('f-vendor').value;
    const keep = ops.value;
    ops.replaceChildren(el('option', { value: '' }, 'every operation'),
      ...cat.operations.filter(o => !vendor || o.vendor === vendor)
        .map(o => el('option', { value: o.id }, (vendor ? '' : o.vendor + ' · ') + o.id)));
    ops.value = [...ops.options].some(o => o.value === keep) ? keep : '';
  };
  document.getElementById('f-vendor').addEventListener('change', fill);
  fill();
}

// ---- scenarios ----

async function refreshScenarios() {
  const list = document.getElementById('scenario-list');
  try {
    const { scenarios } = await apiJson('/scenarios');
    if (!scenarios.length) {
      list.replaceChildren(el('p', { class: 'muted' }, 'No scenario is loaded: every call gets the normal answer.'));
      return;
    }
    list.replaceChildren(...scenarios.map(s => el('div', { class: 'card' },
      el('div', { class: 'card-head' },
        el('h3', {}, s.name),
        el('span', { class: 'muted' }, 'from ' + s.source + (s.seed !== undefined ? ' · seed ' + s.seed : '')),
        el('button', { type: 'button', onclick: () => unload(s.name) }, 'Unload')),
      s.description ? el('p', {}, s.description) : '',
      el('table', { class: 'rules' },
        el('thead', {}, el('tr', {}, el('th', {}, 'rule'), el('th', {}, 'what'), el('th', {}, 'matched'), el('th', {}, 'fired'))),
        el('tbody', {}, ...s.rules.map(r => el('tr', {},
          el('td', {}, r.id), el('td', { class: 'path' }, typeof r.rule === 'string' ? r.rule : JSON.stringify(r.rule)),
          el('td', { class: 'num' }, r.matched), el('td', { class: 'num' }, r.fired))))))));
  } catch (err) {
    list.replaceChildren(el('p', { class: 'error' }, err.message));
  }
}

async function unload(name) {
  await api('/scenarios/' + encodeURIComponent(name), { method: 'DELETE' });
  refreshScenarios();
}

async function loadScenario() {
  const out = document.getElementById('load-result');
  out.className = '';
  try {
    // YAML is a superset of JSON, and the admin API refuses uploads of any other type.
    const res = await api('/scenarios', {
      method: 'POST',
      headers: { 'Content-Type': 'application/yaml' },
      body: document.getElementById('scenario-text').value,
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.message || res.statusText);
    out.textContent = 'loaded ' + body.loaded + ' (' + body.rules + ' rules)';
    out.className = 'ok';
  } catch (err) {
    out.textContent = err.message;
    out.className = 'error';
  }
  refreshScenarios();
}

// ---- records ----

async function refreshState() {
  const view = document.getElementById('state-view');
  const q = new URLSearchParams();
  const v = document.getElementById('s-vendor').value;
  const t = document.getElementById('s-tenant').value.trim();
  if (v) q.set('vendor', v);
  if (t) q.set('tenant', t);
  try {
    const state = await apiJson('/state' + (q.toString() ? '?' + q : ''));
    const blocks = [];
    for (const [vendor, tenants] of Object.entries(state)) {
      const names = Object.keys(tenants || {});
      const section = el('div', { class: 'card' }, el('h3', {}, vendor + ' · ' + names.length + ' tenant(s)'));
      if (!names.length) section.append(el('p', { class: 'muted' }, 'no records'));
      for (const tenant of names) {
        const kinds = tenants[tenant] || {};
        const summary = Object.entries(kinds).map(([k, items]) =>
          k + ': ' + (Array.isArray(items) ? items.length : typeof items === 'object' && items ? Object.keys(items).length : 1)).join(', ');
        section.append(el('details', {},
          el('summary', {}, el('span', { class: 'tenant' }, tenant), ' ', el('span', { class: 'muted' }, summary)),
          el('pre', { class: 'body' }, JSON.stringify(kinds, null, 2))));
      }
      blocks.push(section);
    }
    view.replaceChildren(...blocks);
  } catch (err) {
    view.replaceChildren(el('p', { class: 'error' }, err.message));
  }
}

// ---- wiring ----

function showTab(name) {
  for (const b of document.querySelectorAll('nav button')) b.classList.toggle('active', b.dataset.tab === name);
  for (const s of document.querySelectorAll('.tab')) s.classList.toggle('active', s.id === name);
  if (name === 'scenarios') refreshScenarios();
  if (name === 'state') refreshState();
}

function dashboard() {
  takeTokenFromUrl();
  for (const b of document.querySelectorAll('nav button')) b.addEventListener('click', () => showTab(b.dataset.tab));
  for (const id of ['f-vendor', 'f-operation', 'f-tenant', 'f-status']) {
    document.getElementById(id).addEventListener('input', render);
  }
  document.getElementById('filters').addEventListener('submit', e => e.preventDefault());
  document.getElementById('pause').addEventListener('click', ev => {
    paused = !paused;
    ev.target.textContent = paused ? 'Resume' : 'Pause';
    if (!paused) { pending.forEach(add); pending = []; }
    render();
  });
  document.getElementById('clear-journal').addEventListener('click', async () => {
    await api('/requests', { method: 'DELETE' });
    entries.clear(); pending = []; selected = null;
    document.getElementById('detail').replaceChildren('Select a call to see its request and response.');
    render();
  });
  document.getElementById('refresh-scenarios').addEventListener('click', refreshScenarios);
  document.getElementById('unload-all').addEventListener('click', async () => {
    await api('/scenarios', { method: 'DELETE' });
    refreshScenarios();
  });
  document.getElementById('reset').addEventListener('click', async () => {
    if (!confirm('Forget every stored record, the journal and the rule counters?')) return;
    await api('/reset', { method: 'POST' });
    entries.clear(); selected = null;
    render(); refreshScenarios();
  });
  document.getElementById('load-scenario').addEventListener('click', loadScenario);
  document.getElementById('refresh-state').addEventListener('click', refreshState);
  document.getElementById('s-vendor').addEventListener('change', refreshState);
  document.getElementById('token-form').addEventListener('submit', () => {
    sessionStorage.setItem(TOKEN_KEY, document.getElementById('token-input').value);
    location.reload();
  });
  // Counters move as calls arrive: refresh the open scenario tab now and then.
  setInterval(() => {
    if (document.getElementById('scenarios').classList.contains('active') && !document.hidden) refreshScenarios();
  }, 2000);
  render();
  loadCatalogue().catch(err => setStatus(err.message, 'error'));
  follow();
}

document.addEventListener('DOMContentLoaded', () => {
  if (document.body.dataset.page === 'login') login();
  else dashboard();
});
