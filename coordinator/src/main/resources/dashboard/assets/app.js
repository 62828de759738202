// Schemafleet dashboard: plain JavaScript, no build. Reads the coordinator's API
// (docs/api.md) with the token kept in sessionStorage; follows GET /api/stream with
// fetch() because EventSource cannot send an Authorization header.
'use strict';

const STATES = ['converged', 'applying', 'behind', 'failed', 'blocked', 'dirty', 'drifted', 'unreachable'];
const ATTENTION = 'failed,blocked,dirty,drifted';
const PAGE_SIZE = 25;
const HEADS_SHOWN = 12;
const STALE_HEARTBEAT_MS = 60_000;
const REFRESH_GAP_MS = 500;
const TOKEN_KEY = 'schemafleet.token';

const app = {
  token: sessionStorage.getItem(TOKEN_KEY),
  role: null,
  fleet: null,
  skewMs: 0,
  filter: ATTENTION,
  page: 0,
  agents: [],
  rolloutMissing: false,
  stream: null,
  lastRefresh: 0,
  refreshTimer: null,
};

// ---- small helpers -------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

/** Builds an element: h('td', {class: 'num'}, 'text', childNode, ...). Text is never parsed as HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

const fmt = (n) => Number(n).toLocaleString('en');
const now = () => Date.now() + app.skewMs;

function ago(iso) {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

function time(iso) {
  return iso ? h('time', {datetime: iso, title: iso}, new Date(iso).toLocaleString('en-GB')) : '—';
}

function duration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function badge(state) {
  return h('span', {class: `badge s-${state}`}, state || '—');
}

let noticeTimer = null;
function notice(text, bad) {
  const el = $('notice');
  el.className = bad ? 'notice bad' : 'notice';
  el.textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { el.textContent = ''; }, bad ? 12_000 : 6_000);
}

// ---- the API -------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

function headers(extra) {
  const out = Object.assign({Accept: 'application/json'}, extra || {});
  if (app.token) out.Authorization = `Bearer ${app.token}`;
  return out;
}

function noteClock(response) {
  const date = response.headers.get('Date');
  if (date) app.skewMs = Date.parse(date) - Date.now();
}

async function api(path, options) {
  const response = await fetch(path, Object.assign({headers: headers()}, options || {}));
  noteClock(response);
  if (response.status === 401) {
    showLogin(app.token ? 'The coordinator refused this token. Enter another one.' : 'The coordinator asks for an API token.');
    throw new ApiError(401, 'Unauthorized', 'no valid token');
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!response.ok) {
    const error = body && body.error ? body.error : {type: String(response.status), message: text || response.statusText};
    throw new ApiError(response.status, error.type, error.message);
  }
  return body;
}

async function post(path) {
  return api(path, {method: 'POST', headers: headers({'Content-Type': 'application/json'}), body: '{}'});
}

// ---- token and role ------------------------------------------------------------------

function takeTokenFromUrl() {
  const match = location.hash.match(/^#token=([^&]*)/);
  if (match) {
    app.token = decodeURIComponent(match[1]);
    sessionStorage.setItem(TOKEN_KEY, app.token);
    history.replaceState(null, '', location.pathname + location.search + '#/');
  }
}

function showLogin(reason) {
  stopStream();
  $('login-reason').textContent = reason;
  $('login').hidden = false;
  $('overview').hidden = true;
  $('tenant-view').hidden = true;
  $('live').textContent = 'Not signed in';
  $('token').focus();
}

async function whoami() {
  try {
    const me = await api('/api/auth/whoami');
    app.role = me.role;
  } catch (e) {
    if (e.status === 401) throw e;
    // No auth endpoint on this coordinator (or it failed): the API is open, act as an operator.
    app.role = 'operator';
  }
  $('role').textContent = app.role === 'operator' ? 'operator' : 'read-only';
  $('forget').hidden = !app.token;
}

const canAct = () => app.role === 'operator';

// ---- the live stream -----------------------------------------------------------------

function stopStream() {
  if (app.stream) app.stream.abort();
  app.stream = null;
}

async function follow() {
  stopStream();
  const control = new AbortController();
  app.stream = control;
  let wait = 1000;
  while (app.stream === control) {
    try {
      const response = await fetch('/api/stream', {headers: headers({Accept: 'text/event-stream'}), signal: control.signal});
      if (response.status === 401) {
        showLogin('The coordinator refused this token. Enter another one.');
        return;
      }
      if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
      noteClock(response);
      wait = 1000;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          handleEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
      throw new Error('the stream ended');
    } catch (e) {
      if (app.stream !== control) return;
      $('live').textContent = `Live updates interrupted (${e.message}); reconnecting…`;
      $('live').classList.add('down');
      await new Promise((resolve) => setTimeout(resolve, wait));
      wait = Math.min(wait * 2, 10_000);
    }
  }
}

function handleEvent(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') name = value;
    else if (field === 'data') data.push(value);
  }
  if (name !== 'fleet' || data.length === 0) return;
  app.fleet = JSON.parse(data.join('\n'));
  $('live').classList.remove('down');
  $('live').textContent = `Live · updated ${new Date().toLocaleTimeString('en-GB')}`;
  renderFleet();
  scheduleRefresh();
}

/** Details (tables, rollout, tenant page) follow the stream, at most every REFRESH_GAP_MS. */
function scheduleRefresh() {
  if (app.refreshTimer) return;
  const wait = Math.max(0, app.lastRefresh + REFRESH_GAP_MS - Date.now());
  app.refreshTimer = setTimeout(async () => {
    app.refreshTimer = null;
    app.lastRefresh = Date.now();
    await refreshDetails();
  }, wait);
}

async function refreshDetails() {
  try {
    if (route().tenant) {
      await loadTenant(route().tenant);
    } else {
      await Promise.all([loadTenants(), loadAgents(), loadRollout()]);
    }
  } catch (e) {
    if (e.status !== 401) notice(`Could not refresh: ${e.message}`, true);
  }
}

// ---- fleet overview ------------------------------------------------------------------

function renderFleet() {
  const f = app.fleet;
  if (!f) return;
  const dest = $('destination');
  dest.replaceChildren();
  if (f.destination) {
    const heads = f.destination_heads || [];
    dest.append('Rolling out to ', h('strong', {id: 'fleet-destination'}, f.destination));
    if (heads.length && !(heads.length === 1 && heads[0] === f.destination)) {
      dest.append(' (', h('code', {}, heads.join(', ') || 'base'), ')');
    }
    if (f.rollout) dest.append(' · rollout ', h('code', {}, f.rollout));
  } else {
    dest.append('No rollout yet: nothing to converge on.');
  }
  const total = Number(f.tenants);
  const converged = Number(f.converged);
  const pct = total ? Math.floor((converged * 100) / total) : 0;
  $('progress').max = Math.max(total, 1);
  $('progress').value = converged;
  const pinned = Number(f.pinned_elsewhere || 0);
  $('progress-text').replaceChildren(h('span', {id: 'fleet-converged'}, fmt(converged)), ' of ',
    h('span', {id: 'fleet-tenants'}, fmt(total)), ` tenants at the destination (${pct}%)`,
    pinned ? `; ${fmt(pinned)} more held at a pin elsewhere` : '');
  $('fleet-agents').textContent = fmt(f.agents);
  $('fleet-poison').textContent = fmt(f.poison_records);

  const states = $('states');
  const byState = f.by_state || {};
  const known = STATES.concat(Object.keys(byState).filter((s) => !STATES.includes(s)));
  states.replaceChildren(...known.map((state) => {
    const n = Number(byState[state] || 0);
    return h('li', {class: n ? null : 'none', dataset: {state}},
      h('button', {type: 'button', class: `s-${state}`, 'aria-pressed': String(app.filter === state),
        onclick: () => setFilter(app.filter === state ? ATTENTION : state)},
        h('span', {class: 'count'}, fmt(n)), ` ${state}`));
  }));

  const byHeads = Object.entries(f.by_heads || {}).sort((a, b) => b[1] - a[1]);
  const destKey = f.destination_heads ? (f.destination_heads.length ? [...f.destination_heads].sort().join(',') : 'base') : null;
  const shown = byHeads.slice(0, HEADS_SHOWN);
  const rest = byHeads.slice(HEADS_SHOWN);
  if (rest.length) shown.push([`${rest.length} other heads`, rest.reduce((sum, e) => sum + e[1], 0), true]);
  const max = Math.max(1, ...shown.map((e) => e[1]));
  $('heads').tBodies[0].replaceChildren(...(shown.length ? shown.map(([heads, n, other]) => {
    const isDest = heads === destKey;
    return h('tr', {dataset: {heads}},
      h('th', {scope: 'row'}, other ? heads : h('code', {}, heads), isDest ? ' (destination)' : ''),
      h('td', {class: 'num'}, fmt(n)),
      h('td', {}, h('div', {class: isDest ? 'bar dest' : 'bar', style: `width:${(n * 100) / max}%`,
        'aria-hidden': 'true'})));
  }) : [h('tr', {}, h('td', {colspan: 3}, 'No tenant has reported yet.'))]));
}

function setFilter(value) {
  app.filter = value;
  app.page = 0;
  syncFilterSelect();
  renderFleet();
  loadTenants().catch((e) => notice(`Could not list tenants: ${e.message}`, true));
}

function syncFilterSelect() {
  const select = $('filter');
  if (![...select.options].some((o) => o.value === app.filter)) {
    select.append(h('option', {value: app.filter}, app.filter));
  }
  select.value = app.filter;
}

async function loadTenants() {
  const params = new URLSearchParams({page: app.page, size: PAGE_SIZE});
  if (app.filter) params.set('state', app.filter);
  const page = await api(`/api/tenants?${params}`);
  const pages = Math.max(1, Math.ceil(page.total / PAGE_SIZE));
  if (app.page >= pages && app.page > 0) {
    app.page = pages - 1;
    return loadTenants();
  }
  const label = app.filter === ATTENTION ? 'needing attention' : app.filter ? `in state ${app.filter}` : 'in all';
  const first = page.total ? app.page * PAGE_SIZE + 1 : 0;
  $('tenants-caption').textContent = page.total
    ? `Tenants ${label}: ${fmt(first)}–${fmt(first + page.tenants.length - 1)} of ${fmt(page.total)}`
    : `No tenants ${label}.`;
  $('tenants').tBodies[0].replaceChildren(...page.tenants.map(tenantRow));
  $('page-info').textContent = `Page ${app.page + 1} of ${fmt(pages)}`;
  $('prev').disabled = app.page === 0;
  $('next').disabled = app.page + 1 >= pages;
}

function tenantRow(t) {
  const e = t.error || {};
  return h('tr', {dataset: {tenant: t.id, state: t.state}},
    h('th', {scope: 'row'}, h('a', {href: `#/tenant/${encodeURIComponent(t.id)}`}, t.id)),
    h('td', {}, badge(t.state)),
    h('td', {}, h('code', {}, t.heads)),
    h('td', {}, e.revision ? h('code', {}, e.revision) : '—'),
    h('td', {class: 'sqlstate'}, e.sqlstate ? h('code', {}, e.sqlstate) : '—'),
    h('td', {class: 'message'}, e.message || (e.code ? e.code : '—')),
    h('td', {class: 'num'}, fmt(t.attempts)),
    h('td', {}, t.last_report_at ? h('span', {title: t.last_report_at}, ago(t.last_report_at)) : '—'),
    h('td', {}, retryButton(t)));
}

function retryButton(t) {
  if (!canAct() || t.state !== 'failed') return null;
  return h('button', {type: 'button', class: 'secondary', dataset: {retry: t.id},
    'aria-label': `Retry ${t.id}`, onclick: (ev) => retry(t.id, ev.currentTarget)}, 'Retry');
}

async function retry(id, button) {
  if (button) button.disabled = true;
  try {
    const answer = await post(`/api/tenants/${encodeURIComponent(id)}/retry`);
    notice(answer && answer.applied === false
      ? `Retry requested for ${id}: its agent tries again now; the coordinator shows it once it catches up.`
      : `Retry requested for ${id}: its agent tries again now.`);
  } catch (e) {
    notice(`Retry of ${id} failed: ${e.message}`, true);
    if (button) button.disabled = false;
  }
  scheduleRefresh();
}

async function loadAgents() {
  const answer = await api('/api/agents');
  app.agents = answer.agents || [];
  renderAgents();
}

function renderAgents() {
  const body = $('agents').tBodies[0];
  if (!app.agents.length) {
    body.replaceChildren(h('tr', {}, h('td', {colspan: 5}, 'No agent has sent a heartbeat yet.')));
    return;
  }
  body.replaceChildren(...app.agents.map((a) => {
    // The broker's time of the heartbeat, not the agent's: a skewed agent clock must not look stale.
    const heard = a.heard_at || a.last_heartbeat_at;
    const stale = now() - Date.parse(heard) > STALE_HEARTBEAT_MS;
    return h('tr', {dataset: {agent: a.id}},
      h('th', {scope: 'row'}, a.id),
      h('td', {class: 'num'}, fmt(a.tenants)),
      h('td', {class: stale ? 'stale' : null, title: heard},
        ago(heard), stale ? ' (stale)' : ''),
      h('td', {}, time(a.started_at)),
      h('td', {}, a.version || '—'));
  }));
}

// ---- rollout -------------------------------------------------------------------------

async function loadRollout() {
  const box = $('rollout');
  const id = app.fleet && app.fleet.rollout;
  if (!id) {
    box.replaceChildren(h('p', {}, 'No rollout yet.'));
    return;
  }
  let rollout;
  try {
    rollout = await api(`/api/rollouts/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e.status === 404 || e.status === 405) {
      box.replaceChildren(h('p', {}, 'Rollout ', h('code', {}, id), ' to ', h('strong', {}, app.fleet.destination),
        ' covers the whole fleet. This coordinator does not report waves.'));
      return;
    }
    throw e;
  }
  const waves = rollout.waves || [];
  const table = waves.length ? h('table', {class: 'data', id: 'waves'},
    h('thead', {}, h('tr', {}, ['Wave', 'State', 'Tenants', 'Converged', 'Applying', 'Failed', 'Progress']
      .map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', {}, waves.map((w) => {
      const n = Number(w.tenants || 0);
      return h('tr', {dataset: {wave: w.name}},
        h('th', {scope: 'row'}, w.name),
        h('td', {}, w.state || '—'),
        h('td', {class: 'num'}, fmt(n)),
        h('td', {class: 'num'}, fmt(w.converged || 0)),
        h('td', {class: 'num'}, fmt(w.applying || 0)),
        h('td', {class: 'num'}, fmt(w.failed || 0)),
        h('td', {}, h('progress', {max: Math.max(n, 1), value: w.converged || 0,
          'aria-label': `Wave ${w.name}: ${w.converged || 0} of ${n} converged`})));
    }))) : h('p', {}, 'One wave: the whole fleet.');
  const facts = h('p', {}, 'Rollout ', h('code', {}, rollout.rollout_id), ' to ', h('strong', {}, rollout.to),
    ' is ', h('strong', {id: 'rollout-state'}, rollout.state),
    rollout.halt_reason ? ` (${rollout.halt_reason})` : '',
    rollout.started_at ? [' · started ', time(rollout.started_at)] : '');
  box.replaceChildren(facts, table, rolloutActions(rollout));
}

function rolloutActions(rollout) {
  if (!canAct()) return null;
  const live = ['running', 'paused', 'halted'].includes(rollout.state);
  if (!live) return null;
  const act = (verb, label, cls, confirmText) => h('button', {type: 'button', class: cls, dataset: {rolloutAction: verb},
    onclick: async (ev) => {
      if (confirmText && !window.confirm(confirmText)) return;
      ev.currentTarget.disabled = true;
      try {
        const answer = await post(`/api/rollouts/${encodeURIComponent(rollout.rollout_id)}/${verb}`);
        notice(`Rollout ${rollout.rollout_id} is ${answer.state}.`);
      } catch (e) {
        notice(`Could not ${verb} the rollout: ${e.message}`, true);
      }
      scheduleRefresh();
    }}, label);
  return h('div', {class: 'actions'},
    rollout.state === 'running' ? act('pause', 'Pause rollout', 'secondary') : act('resume', 'Resume rollout', 'secondary'),
    act('abort', 'Abort rollout', 'danger', `Abort rollout ${rollout.rollout_id}? Tenants stay where they are.`));
}

// ---- one tenant ----------------------------------------------------------------------

async function loadTenant(id) {
  let detail;
  try {
    detail = await api(`/api/tenants/${encodeURIComponent(id)}?history=200`);
  } catch (e) {
    if (e.status === 404) {
      $('tenant-detail').replaceChildren(h('dt', {}, 'State'), h('dd', {}, 'This tenant has not reported.'));
      $('tenant-actions').replaceChildren();
      $('history').replaceChildren();
      return;
    }
    throw e;
  }
  const t = detail.tenant;
  const e = t.error;
  const rows = [
    ['State', h('span', {id: 'tenant-state'}, badge(t.state))],
    ['Heads', h('code', {id: 'tenant-heads'}, t.heads)],
    ['Destination', t.destination || '—'],
    ['Rollout', t.rollout_id ? h('code', {}, t.rollout_id) : '—'],
    ['Agent', t.agent || '—'],
    ['Attempts', fmt(t.attempts)],
    ['Last report', [time(t.last_report_at), ` (${ago(t.last_report_at)})`]],
    ['Fingerprint', t.fingerprint ? h('code', {}, t.fingerprint.slice(0, 16) + '…') : '—'],
  ];
  if (e) {
    rows.push(['Error', h('div', {class: 'error-box', id: 'tenant-error'},
      h('div', {}, h('strong', {}, e.code), e.revision ? [' at revision ', h('code', {}, e.revision)] : '',
        e.sqlstate ? [' · SQLSTATE ', h('code', {}, e.sqlstate)] : ''),
      h('div', {}, e.message))]);
  }
  $('tenant-detail').replaceChildren(...rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
  const button = retryButton(t);
  $('tenant-actions').replaceChildren(button ? h('div', {class: 'actions'}, button) : '');
  renderHistory(detail.history || []);
}

function renderHistory(history) {
  const list = $('history');
  if (!history.length) {
    list.replaceChildren(h('li', {}, 'No events yet.'));
    return;
  }
  const longest = Math.max(1, ...history.flatMap((ev) => (ev.steps || []).map((s) => s.duration_ms || 0)));
  list.replaceChildren(...history.map((ev, i) => {
    const older = history[i + 1];
    const gap = older ? Date.parse(ev.at) - Date.parse(older.at) : null;
    const steps = ev.steps || [];
    const total = steps.reduce((sum, s) => sum + (s.duration_ms || 0), 0);
    const what = ev.type === 'tenant_retry_requested' ? 'Retry requested'
      : ev.type === 'tenant_report' ? 'Report' : ev.type;
    return h('li', {class: ev.state ? `s-${ev.state}` : null, dataset: {type: ev.type}},
      h('div', {}, h('strong', {}, what), ev.state ? [' ', badge(ev.state)] : '',
        ev.heads ? [' at ', h('code', {}, ev.heads)] : '', ev.agent ? ` · ${ev.agent}` : ''),
      h('div', {class: 'when'}, time(ev.at), gap !== null ? ` · ${duration(gap)} after the previous event` : '',
        steps.length ? ` · ${steps.length} step${steps.length > 1 ? 's' : ''} in ${duration(total)}` : ''),
      steps.length ? h('ol', {class: 'steps'}, steps.map((s) => h('li', {},
        h('span', {}, s.direction === 'downgrade' ? '↓ ' : '↑ ', h('code', {}, s.revision), ` ${s.direction}`),
        h('span', {class: 'num'}, duration(s.duration_ms)),
        h('div', {class: 'bar', style: `width:${((s.duration_ms || 0) * 100) / longest}%`, 'aria-hidden': 'true'})))) : '',
      ev.error ? h('div', {class: 'error-box'}, ev.error.sqlstate ? [h('code', {}, ev.error.sqlstate), ' '] : '',
        ev.error.message || ev.error.code || '') : '');
  }));
}

// ---- routing -------------------------------------------------------------------------

function route() {
  const match = location.hash.match(/^#\/tenant\/(.+)$/);
  return {tenant: match ? decodeURIComponent(match[1]) : null};
}

async function show(moveFocus) {
  const {tenant} = route();
  $('login').hidden = true;
  $('overview').hidden = Boolean(tenant);
  $('tenant-view').hidden = !tenant;
  if (tenant) {
    $('tenant-title').textContent = `Tenant ${tenant}`;
    document.title = `${tenant} · Schemafleet`;
    $('tenant-title').focus();
  } else {
    document.title = 'Schemafleet';
    if (moveFocus) $('overview-title').focus();
  }
  app.lastRefresh = Date.now();
  await refreshDetails();
}

async function start() {
  takeTokenFromUrl();
  try {
    await whoami();
    app.fleet = await api('/api/fleet');
  } catch (e) {
    if (e.status !== 401) {
      $('live').textContent = `The coordinator did not answer: ${e.message}`;
      $('live').classList.add('down');
    }
    return;
  }
  renderFleet();
  $('live').textContent = 'Connecting to live updates…';
  await show(false);
  follow();
}

document.addEventListener('DOMContentLoaded', () => {
  syncFilterSelect();
  STATES.forEach((s) => $('filter').append(h('option', {value: s}, `State ${s}`)));
  $('filter').value = app.filter;
  $('filter').addEventListener('change', (ev) => setFilter(ev.target.value));
  $('prev').addEventListener('click', () => { app.page = Math.max(0, app.page - 1); loadTenants(); });
  $('next').addEventListener('click', () => { app.page += 1; loadTenants(); });
  $('login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    app.token = $('token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, app.token);
    $('token').value = '';
    start();
  });
  $('forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    app.token = null;
    showLogin('Token forgotten. Enter a token to continue.');
  });
  window.addEventListener('hashchange', () => {
    if (location.hash.startsWith('#token=')) start();
    else if (app.fleet) show(true);
  });
  // Heartbeat ages move with the clock, not only with events.
  setInterval(() => { if (!$('overview').hidden) renderAgents(); }, 1000);
  start();
});
