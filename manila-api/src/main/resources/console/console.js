'use strict';
// Manila-J's read-only console: plain DOM, the service's own REST API with the caller's token, refreshed every 2 s.
// Every value from the API is put on the page as text (textContent), never as markup.

const API_VERSION = '2.65';
const TOKEN_KEY = 'manila-console-token';
const REFRESH_MS = 2000;
// Manila keeps a migration's last task state on the share after it ended
const ENDED_TASKS = new Set(['migration_success', 'migration_error', 'migration_cancelled']);
const session = { admin: false, signedIn: false };
let refreshTimer = null;
let current = null; // { name, update }

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined) continue;
    if (key === 'class') node.className = value;
    else if (key === 'style-width') node.style.width = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function $(id) {
  return document.getElementById(id);
}

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Manila's error body names the error once: {"itemNotFound": {"code": 404, "message": "..."}}.
function errorMessage(status, body) {
  if (body && typeof body === 'object') {
    const first = Object.values(body)[0];
    if (first && typeof first.message === 'string') return first.message;
  }
  return 'The service answered HTTP ' + status + '.';
}

async function api(method, path, body) {
  const headers = {
    'X-Auth-Token': sessionStorage.getItem(TOKEN_KEY) || '',
    'X-OpenStack-Manila-API-Version': API_VERSION,
    'Accept': 'application/json',
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'The service cannot be reached.');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    data = null;
  }
  if (!response.ok) throw new ApiError(response.status, errorMessage(response.status, data));
  return data;
}

const get = (path) => api('GET', path);

function showError(message) {
  const box = $('error');
  box.textContent = message || '';
  box.hidden = !message;
}

function gib(value) {
  return value === null || value === undefined ? '-' : Number(value).toLocaleString('en') + ' GiB';
}

function percent(ratio) {
  return (ratio * 100).toFixed(1) + ' %';
}

function bytes(value) {
  if (value === null || value === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let amount = Number(value);
  let unit = 0;
  while (amount >= 1024 && unit < units.length - 1) {
    amount /= 1024;
    unit++;
  }
  return amount.toFixed(unit === 0 ? 0 : 1) + ' ' + units[unit];
}

// utilisation: coloured as it nears and passes the limit; progress: plain
function bar(ratio, label, progress) {
  const clamped = Math.max(0, Math.min(1, ratio));
  const level = progress ? '' : ratio > 1 ? 'over' : ratio >= 0.8 ? 'high' : '';
  return el('div', { class: 'bar', title: label, role: 'meter', 'aria-valuenow': (ratio * 100).toFixed(1),
    'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-label': label },
  el('div', { class: ('fill ' + level).trim(), 'style-width': (clamped * 100).toFixed(1) + '%' }));
}

function status(value) {
  return el('span', { class: 'status-' + String(value) }, value === null || value === undefined ? '-' : value);
}

function table(columns, rows, empty, attributes) {
  if (rows.length === 0) return el('p', { class: 'empty' }, empty);
  return el('table', attributes || {},
    el('thead', {}, el('tr', {}, columns.map((column) => el('th', {}, column)))),
    el('tbody', {}, rows));
}

function shareLink(id, text) {
  return el('a', { href: '#share/' + encodeURIComponent(id) }, text || id);
}

// A section whose content comes from one or more requests; a failed request shows its own error in place.
async function section(title, build) {
  const body = el('div', {});
  try {
    body.append(await build());
  } catch (e) {
    if (e.status === 401) throw e;
    body.append(el('p', { class: 'error' }, e.status === 403 ? 'Admins only: ' + e.message : e.message));
  }
  return el('section', { 'data-section': title }, el('h2', {}, title), body);
}

// ---- views: each has setup(root), which draws what stays (filters), and returns update(), run every 2 s.

const views = {
  pools(root) {
    const content = el('div', {});
    root.append(content);
    return async () => {
      content.replaceChildren(await section('Pools', async () => {
        const pools = (await get('/v2/admin/pools/utilization')).pools;
        const rows = pools.map((pool) => {
          const ratio = pool.thin_provisioning ? pool.max_over_subscription_ratio : 1;
          const capacity = pool.total_capacity_gb * ratio;
          const label = pool.provisioned_capacity_gb + ' of ' + Math.round(capacity) + ' GiB provisioned';
          return el('tr', { 'data-pool': pool.name },
            el('td', {}, pool.name),
            el('td', {}, pool.availability_zone),
            el('td', { class: 'num' }, gib(pool.total_capacity_gb)),
            el('td', { class: 'num' }, ratio + '×'),
            el('td', { class: 'num', 'data-provisioned': pool.provisioned_capacity_gb }, gib(pool.provisioned_capacity_gb)),
            el('td', {}, bar(pool.utilization, label)),
            el('td', { class: 'num' }, percent(pool.utilization)),
            el('td', {}, pool.usable ? 'yes' : status('no')));
        });
        return table(['Pool', 'Zone', 'Size', 'Overcommit', 'Provisioned', 'Provisioned of size × ratio', 'Utilisation',
          'Takes new shares'], rows, 'No pools.', { id: 'pools' });
      }));
    };
  },

  shares(root) {
    const search = el('input', { id: 'search', type: 'search', placeholder: 'name, id, project or host' });
    const statusFilter = el('select', { id: 'status-filter' }, el('option', { value: '' }, 'any status'));
    const content = el('div', {});
    root.append(el('div', { class: 'filters' }, el('label', {}, 'Search ', search),
      el('label', {}, 'Status ', statusFilter)), content);
    let shares = [];
    const draw = () => {
      const term = search.value.trim().toLowerCase();
      const wanted = statusFilter.value;
      const shown = shares.filter((share) => (!wanted || share.status === wanted) && (!term
        || [share.name, share.id, share.project_id, share.host].some((field) => String(field || '').toLowerCase().includes(term))));
      const byProject = new Map();
      for (const share of shown) {
        const counts = byProject.get(share.project_id) || new Map();
        counts.set(share.status, (counts.get(share.status) || 0) + 1);
        byProject.set(share.project_id, counts);
      }
      const summary = [...byProject.entries()].sort().map(([project, counts]) => el('tr', {},
        el('td', {}, project),
        el('td', {}, [...counts.entries()].sort().map(([name, count], index) => [index ? ', ' : '', status(name), ' ' + count]))));
      const rows = shown.map((share) => el('tr', { 'data-share': share.id },
        el('td', {}, shareLink(share.id, share.name || '(no name)')),
        el('td', {}, el('code', {}, share.id)),
        el('td', {}, share.project_id),
        el('td', {}, status(share.status)),
        el('td', { class: 'num' }, gib(share.size)),
        el('td', {}, share.host || '-'),
        el('td', {}, share.task_state || '')));
      content.replaceChildren(
        el('h2', {}, 'By project'),
        table(['Project', 'Shares by status'], summary, 'No shares match.', { id: 'by-project' }),
        el('h2', {}, 'Shares (' + shown.length + ' of ' + shares.length + ')'),
        table(['Name', 'ID', 'Project', 'Status', 'Size', 'Pool', 'Task'], rows, 'No shares match.', { id: 'shares' }));
    };
    search.addEventListener('input', draw);
    statusFilter.addEventListener('change', draw);
    return async () => {
      shares = await listShares();
      const statuses = [...new Set(shares.map((share) => share.status))].sort();
      const chosen = statusFilter.value;
      statusFilter.replaceChildren(el('option', { value: '' }, 'any status'),
        statuses.map((name) => el('option', { value: name }, name)));
      statusFilter.value = statuses.includes(chosen) ? chosen : '';
      draw();
    };
  },

  share(root, id) {
    const content = el('div', {});
    root.append(content);
    const path = encodeURIComponent(id);
    return async () => {
      const parts = [];
      const share = (await get('/v2/shares/' + path)).share;
      parts.push(el('h2', {}, 'Share ' + (share.name || share.id)), table(['Field', 'Value'],
        [['ID', share.id], ['Project', share.project_id], ['Status', status(share.status)], ['Size', gib(share.size)],
          ['Pool', share.host], ['Type', share.share_type_name], ['Zone', share.availability_zone],
          ['Task', share.task_state || '-'], ['Access rules', share.access_rules_status],
          ['Replication', share.replication_type || '-'], ['Created', share.created_at]]
          .map(([name, value]) => el('tr', {}, el('th', {}, name), el('td', {}, value))), '', { id: 'share' }));
      parts.push(await section('Export locations', async () => {
        const exports = (await get('/v2/shares/' + path + '/export_locations')).export_locations;
        return table(['Path', 'Preferred'], exports.map((location) => el('tr', {},
          el('td', {}, el('code', {}, location.path)), el('td', {}, location.preferred ? 'yes' : ''))),
        'No export location.', { id: 'exports' });
      }));
      parts.push(await section('Access rules', async () => {
        const rules = (await get('/v2/share-access-rules?share_id=' + path)).access_list;
        return table(['Type', 'To', 'Level', 'State'], rules.map((rule) => el('tr', {},
          el('td', {}, rule.access_type), el('td', {}, rule.access_to), el('td', {}, rule.access_level),
          el('td', {}, status(rule.state)))), 'No access rule.', { id: 'access' });
      }));
      parts.push(await section('Replicas', async () => {
        const replicas = (await get('/v2/share-replicas/detail?share_id=' + path)).share_replicas;
        return table(['Replica', 'Pool', 'Status', 'State', 'Last sync'], replicas.map((replica) => el('tr', {},
          el('td', {}, el('code', {}, replica.id)), el('td', {}, replica.host), el('td', {}, status(replica.status)),
          el('td', {}, status(replica.replica_state)), el('td', {}, replica.last_sync_at || '-'))),
        'Not replicated.', { id: 'replicas' });
      }));
      content.replaceChildren(...parts);
    };
  },

  activity(root) {
    const content = el('div', {});
    root.append(content);
    return async () => {
      const parts = [];
      parts.push(await section('Migrations', async () => {
        const moving = (await listShares()).filter((share) => share.task_state && !ENDED_TASKS.has(share.task_state));
        const rows = [];
        for (const share of moving) {
          let progress = { total_progress: null, details: {} };
          try {
            progress = await api('POST', '/v2/shares/' + encodeURIComponent(share.id) + '/action',
              { migration_get_progress: null });
          } catch (e) {
            if (e.status === 401) throw e;
          }
          const details = progress.details || {};
          const total = progress.total_progress;
          rows.push(el('tr', { 'data-migration': share.id },
            el('td', {}, shareLink(share.id, share.name || share.id)),
            el('td', {}, share.host),
            el('td', {}, progress.task_state || share.task_state),
            el('td', {}, total === null ? '-' : bar(total / 100, total + ' %', true)),
            el('td', { class: 'num', 'data-progress': total === null ? '' : total }, total === null ? '-' : total + ' %'),
            el('td', { class: 'num' }, bytes(details.bytes_copied) + ' of ' + bytes(details.bytes_total)),
            el('td', { class: 'num' }, details.pass === undefined ? '-' : details.pass),
            el('td', { class: 'num' }, details.rate_bytes_per_second ? bytes(details.rate_bytes_per_second) + '/s' : '-')));
        }
        return table(['Share', 'From', 'Task', 'Progress', '', 'Copied', 'Pass', 'Rate'], rows,
          'No migration in flight.', { id: 'migrations' });
      }));
      parts.push(await section('Replica syncs', async () => {
        const replicas = (await get('/v2/share-replicas/detail')).share_replicas
          .filter((replica) => replica.replica_state !== 'active');
        const now = Date.now();
        return table(['Share', 'Replica', 'Pool', 'Status', 'State', 'Last sync', 'Lag'], replicas.map((replica) => {
          const last = replica.last_sync_at ? Date.parse(replica.last_sync_at + 'Z') : null;
          return el('tr', {}, el('td', {}, shareLink(replica.share_id)), el('td', {}, el('code', {}, replica.id)),
            el('td', {}, replica.host), el('td', {}, status(replica.status)), el('td', {}, status(replica.replica_state)),
            el('td', {}, replica.last_sync_at || '-'),
            el('td', { class: 'num' }, last === null ? '-' : Math.max(0, Math.round((now - last) / 1000)) + ' s'));
        }), 'No secondary replica.', { id: 'replica-syncs' });
      }));
      parts.push(await section('Rebalance plans', async () => {
        const plans = (await get('/v2/admin/rebalance-plans')).rebalance_plans;
        return table(['Plan', 'Kind', 'Status', 'Moves by status', 'GiB by status', 'Updated'], plans.map((plan) => el('tr', {},
          el('td', {}, el('code', {}, plan.id)), el('td', {}, plan.kind + (plan.backend ? ' ' + plan.backend : '')),
          el('td', {}, status(plan.status)),
          el('td', {}, Object.entries(plan.moves_by_status || {}).map(([name, count]) => name + ' ' + count).join(', ')),
          el('td', {}, Object.entries(plan.gib_by_status || {}).map(([name, count]) => name + ' ' + count).join(', ')),
          el('td', {}, plan.updated_at))), 'No rebalance plan.', { id: 'plans' });
      }));
      content.replaceChildren(...parts);
    };
  },

  problems(root) {
    const content = el('div', {});
    root.append(content);
    return async () => {
      const parts = [];
      parts.push(await section('Recent user messages', async () => {
        const messages = (await get('/v2/messages?sort_key=created_at&sort_dir=desc&limit=50')).messages;
        return table(['When', 'Project', 'Resource', 'Action', 'Message'], messages.map((message) => el('tr', {},
          el('td', {}, message.created_at), el('td', {}, message.project_id),
          el('td', {}, message.resource_type === 'SHARE' ? shareLink(message.resource_id) : message.resource_id),
          el('td', {}, message.action_id), el('td', {}, message.user_message))), 'No message.', { id: 'messages' });
      }));
      parts.push(await section('Hook dead letters', async () => {
        const hooks = (await get('/v2/admin/hooks')).hooks;
        const rows = [];
        for (const hook of hooks.filter((candidate) => candidate.dead > 0)) {
          const dead = (await get('/v2/admin/hooks/' + encodeURIComponent(hook.name) + '/deliveries?status=dead&limit=50'))
            .deliveries;
          for (const delivery of dead) {
            rows.push(el('tr', {}, el('td', {}, hook.name), el('td', {}, delivery.event_type),
              el('td', {}, delivery.share_id ? shareLink(delivery.share_id) : '-'), el('td', { class: 'num' }, delivery.attempts),
              el('td', {}, delivery.last_error || ''), el('td', {}, delivery.updated_at)));
          }
        }
        return table(['Hook', 'Event', 'Share', 'Attempts', 'Last error', 'When'], rows, 'No dead letter.',
          { id: 'dead-letters' });
      }));
      content.replaceChildren(...parts);
    };
  },
};

// Admins see every project's shares; others their own. Read a page at a time: the API answers at most 1,000 a page.
const PAGE = 1000;
async function listShares() {
  const shares = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = (await get('/v2/shares/detail?limit=' + PAGE + '&offset=' + offset
      + (session.admin ? '&all_tenants=1' : ''))).shares;
    shares.push(...page);
    if (page.length < PAGE) return shares;
  }
}

// ---- navigation, refresh and sign-in

const SHARE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PAGES = ['pools', 'shares', 'activity', 'problems'];

// The page the address names; anything else (a crafted or stale link) is the first page.
function route() {
  let hash = '';
  try {
    hash = decodeURIComponent(location.hash.replace(/^#/, ''));
  } catch (e) {
    hash = '';
  }
  if (hash.startsWith('share/') && SHARE_ID.test(hash.substring('share/'.length))) {
    return { name: 'share', argument: hash.substring('share/'.length) };
  }
  return { name: PAGES.includes(hash) ? hash : (session.admin ? 'pools' : 'shares'), argument: null };
}

async function refresh() {
  clearTimeout(refreshTimer);
  const view = current;
  try {
    await view.update();
    if (view === current) {
      showError('');
      $('updated').textContent = 'Last update ' + new Date().toLocaleTimeString();
    }
  } catch (e) {
    if (e.status === 401) {
      signOut('Signed out: ' + e.message);
      return;
    }
    if (view === current) showError(e.message);
  }
  if (view === current) refreshTimer = setTimeout(refresh, REFRESH_MS);
}

function show() {
  const { name, argument } = route();
  const root = $('view');
  root.replaceChildren();
  root.hidden = false;
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('current', link.dataset.view === name || (name === 'share' && link.dataset.view === 'shares'));
  }
  current = { name, update: views[name](root, argument) };
  refresh();
}

function signOut(message) {
  clearTimeout(refreshTimer);
  current = null;
  session.signedIn = false;
  sessionStorage.removeItem(TOKEN_KEY);
  $('nav').hidden = true;
  $('view').hidden = true;
  $('view').replaceChildren();
  $('login').hidden = false;
  $('token').value = '';
  showError(message || '');
}

async function signIn() {
  // any authenticated read proves the token; pools tell an admin from a member
  await get('/v2/shares?limit=1');
  try {
    await get('/v2/scheduler-stats/pools');
    session.admin = true;
  } catch (e) {
    if (e.status !== 403) throw e;
    session.admin = false;
  }
  session.signedIn = true;
  $('who').textContent = session.admin ? 'admin' : 'project member';
  $('login').hidden = true;
  $('nav').hidden = false;
  show();
}

async function start() {
  $('login').addEventListener('submit', async (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
    showError('');
    try {
      await signIn();
    } catch (e) {
      signOut('Sign-in failed: ' + e.message);
    }
  });
  $('logout').addEventListener('click', () => signOut(''));
  window.addEventListener('hashchange', () => {
    if (session.signedIn) show();
  });
  if (sessionStorage.getItem(TOKEN_KEY)) {
    resume();
    return;
  }
  signOut('');
}

// A reload keeps the tab's token: only the service's refusal of it signs out; when it cannot answer, try again.
async function resume() {
  try {
    await signIn();
  } catch (e) {
    if (e.status === 401) {
      signOut('Sign-in failed: ' + e.message);
    } else {
      showError(e.message + ' Trying again.');
      refreshTimer = setTimeout(resume, REFRESH_MS);
    }
  }
}

start();
