// The page: reads the stream, feeds the graph and the table, draws at a
// fixed frame rate, polls /metrics, and publishes its counts as data-*
// attributes of <body> (for tests and for anyone scripting the page).

import { Graph, fmtBytes } from './graph.js';
import { Table, parseFilter, matchText } from './table.js';
import { connect, parseMetrics } from './stream.js';
import { family, colour } from './colors.js';

const params = new URLSearchParams(location.search);
const intParam = (name, def, min, max) => {
  const v = parseInt(params.get(name), 10);
  return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : def;
};
const opts = {
  maxNodes: intParam('nodes', 300, 2, 5000),
  maxLinks: intParam('links', 1500, 1, 50000),
  maxRows: intParam('rows', 10000, 10, 1000000),
  fps: intParam('fps', 30, 1, 240),
};
// sniffws -token SECRET wants ?token=SECRET on the stream and /metrics:
// the page passes on its own.
const token = params.get('token');
let wsURL = params.get('ws');
if (!wsURL) {
  wsURL = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`;
  if (token) wsURL += '?token=' + encodeURIComponent(token);
}
let metricsURL = null;
try {
  const u = new URL(wsURL);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = '/metrics';
  const t = u.searchParams.get('token');
  u.search = t ? '?token=' + encodeURIComponent(t) : '';
  metricsURL = u.href;
} catch (_) {
  // A bad ?ws= URL; connect() reports it.
}

const $ = (id) => document.getElementById(id);
const body = document.body;
const graph = new Graph($('graph'), $('tip'), opts);
const table = new Table($('rows'), opts);

const counts = {
  messages: 0, // every message received
  packets: 0, // records with the seven columns
  links: 0, // HAR and demo links
  bad: 0, // not a JSON object with source and target
  kinds: new Map(), // protocol family or group -> messages, for the legend
};
let conn = { state: 'connecting' };
let paused = false;
let pausedAt = 0;
let filterText = '';
let lastClose = '';

// onBatch applies what the stream worker aggregated since its last flush.
function onBatch(b) {
  counts.messages += b.messages;
  counts.packets += b.packets;
  counts.links += b.links;
  counts.bad += b.bad;
  const now = performance.now();
  for (const e of b.edges) {
    const kind = e.isPacket ? family(e.kind) : e.kind;
    graph.add(e.src, e.dst, kind, e.count, e.weight, e.sg, e.tg, e.isPacket, now);
    counts.kinds.set(kind, (counts.kinds.get(kind) || 0) + e.count);
  }
  table.evicted += b.dropped;
  for (const r of b.rows) {
    r.fam = family(r.proto);
    table.push(r);
  }
}

function onState(s) {
  const opened = s.state === 'open' && conn.state !== 'open';
  conn = s;
  showStatus();
  // The server counts a client just after its upgrade: ask again soon.
  if (opened) {
    pollMetrics();
    setTimeout(pollMetrics, 500);
  }
}

// plain drops the query (a token) from a URL shown on screen.
const plain = (u) => String(u || '').replace(/\?.*$/, '');

function showStatus() {
  const el = $('status');
  let text;
  switch (conn.state) {
    case 'connecting':
      text = `connecting to ${plain(conn.url)}`;
      break;
    case 'open':
      text = `live · ${plain(conn.url)}`;
      break;
    case 'closed': {
      // The last session's close stays up while the server is away.
      if (conn.opened) lastClose = `closed ${conn.code}${conn.reason ? ' ' + conn.reason : ''}`;
      const why = conn.opened ? lastClose : (lastClose ? lastClose + ' · no server' : 'no server');
      const secs = Math.max(0, Math.ceil((conn.retryAt - Date.now()) / 1000));
      text = `${why} · retrying in ${secs}s`;
      if (conn.opened) {
        body.dataset.closeCode = String(conn.code);
        body.dataset.closeReason = conn.reason || '';
      }
      break;
    }
    default:
      text = `${conn.state}: ${conn.reason || ''}`;
  }
  el.textContent = text;
  el.dataset.state = conn.state;
  body.dataset.state = conn.state;
}

// Counters: the rate over the last second, a one-minute sparkline.
const rate = { samples: [], perSec: new Array(60).fill(0), lastSec: 0, lastCount: 0, value: 0 };

function sampleRate(now) {
  const s = rate.samples;
  s.push([now, counts.messages]);
  while (s.length > 1 && now - s[0][0] > 1000) s.shift();
  const dt = (now - s[0][0]) / 1000;
  rate.value = dt > 0 ? (counts.messages - s[0][1]) / dt : 0;
  if (now - rate.lastSec >= 1000) {
    rate.perSec.push(counts.messages - rate.lastCount);
    rate.perSec.shift();
    rate.lastCount = counts.messages;
    rate.lastSec = now;
    drawSpark();
  }
}

function drawSpark() {
  const c = $('spark');
  const ctx = c.getContext('2d');
  const dpr = window.devicePixelRatio || 1;
  const w = c.clientWidth, h = c.clientHeight;
  if (c.width !== Math.round(w * dpr)) { c.width = Math.round(w * dpr); c.height = Math.round(h * dpr); }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const max = Math.max(1, ...rate.perSec);
  ctx.beginPath();
  rate.perSec.forEach((v, i) => {
    const x = (i / (rate.perSec.length - 1)) * w, y = h - 1 - (v / max) * (h - 2);
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  });
  ctx.strokeStyle = '#58a6ff';
  ctx.lineWidth = 1.2;
  ctx.stroke();
}

const fmt = new Intl.NumberFormat('en');
const frames = { count: 0, draws: 0, at: performance.now(), fps: 0, drawFps: 0, workMs: 0, measured: false };

function updateCounters() {
  const now = performance.now();
  sampleRate(now);
  const shown = table.shown().length;
  $('c-packets').textContent = fmt.format(counts.packets) + (counts.links ? ` + ${fmt.format(counts.links)} links` : '');
  $('c-rate').textContent = fmt.format(Math.round(rate.value)) + '/s';
  $('c-nodes').textContent = fmt.format(graph.nodes.size);
  $('c-links').textContent = fmt.format(graph.links.size);
  const kept = table.frozen ? table.frozen.rows.length : table.rows.length;
  $('t-count').textContent = table.filter
    ? `${fmt.format(shown)} of ${fmt.format(kept)} rows match`
    : `${fmt.format(shown)} rows` + (table.evicted ? ` (${fmt.format(table.evicted)} older dropped)` : '');
  $('pause').textContent = paused ? `Resume (+${fmt.format(counts.messages - pausedAt)})` : 'Pause';
  $('fps').textContent = frames.measured ? ` · ${frames.drawFps} frames/s` : '';
  if (counts.links && counts.packets === 0) {
    $('empty-text').textContent = 'This stream carries links without packet columns (HAR or demo): graph only.';
  }
  const d = body.dataset;
  d.messages = counts.messages;
  d.packets = counts.packets;
  d.links = counts.links;
  d.bad = counts.bad;
  d.rows = shown;
  d.nodes = graph.nodes.size;
  d.conversations = graph.links.size;
  d.rate = Math.round(rate.value);
  d.fps = frames.fps;
  d.drawFps = frames.drawFps;
  d.frameMs = frames.workMs.toFixed(2);
  d.paused = paused;
  if (conn.state === 'closed') showStatus();
  updateLegend();
}

let legendKey = '';
function updateLegend() {
  const top = [...counts.kinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  const key = top.map(([k, c]) => k + c).join('|');
  if (key === legendKey) return;
  legendKey = key;
  $('legend').replaceChildren(...top.map(([k, c]) => {
    const row = document.createElement('div');
    const sw = document.createElement('i');
    sw.style.background = colour(k);
    const name = document.createElement('span');
    name.textContent = k || '(no group)';
    const n = document.createElement('b');
    n.textContent = fmt.format(c);
    row.append(sw, name, n);
    return row;
  }));
}

// Metrics from the server: clients, packet drops, clients cut off.
async function pollMetrics() {
  // Only while connected: with no stream there is no server to ask, and
  // the last figures stay up.
  if (!metricsURL || document.hidden || conn.state !== 'open') return;
  let m;
  try {
    const r = await fetch(metricsURL, { cache: 'no-store' });
    if (!r.ok) throw new Error(String(r.status));
    m = parseMetrics(await r.text());
  } catch (_) {
    return; // the last figures stay up; the next poll tries again
  }
  showMetrics(m);
}

function showMetrics(m) {
  const get = (k) => m.get(k) || 0;
  const clients = get('sniffws_ws_clients');
  const drops = get('sniffws_packets_dropped_kernel_total') + get('sniffws_packets_dropped_interface_total');
  const cut = get('sniffws_ws_disconnects_total{reason="queue_overflow"}') + get('sniffws_ws_disconnects_total{reason="stalled"}');
  $('c-clients').textContent = fmt.format(clients);
  $('c-drops').textContent = fmt.format(drops);
  $('c-cut').textContent = fmt.format(cut);
  body.dataset.serverClients = clients;
  body.dataset.serverDrops = drops;
}

// One loop at a fixed frame rate does all drawing; messages only update
// the model, so the cost of a frame does not grow with the packet rate.
let lastFrame = 0;
function frame(t) {
  requestAnimationFrame(frame);
  frames.count++;
  if (t - lastFrame < 1000 / opts.fps - 1) return;
  lastFrame = t;
  const t0 = performance.now();
  if (graph.frame(t0)) frames.draws++;
  table.render(t0);
  frames.workMs = frames.workMs * 0.9 + (performance.now() - t0) * 0.1;
  if (t - frames.at >= 1000) {
    frames.fps = Math.round((frames.count * 1000) / (t - frames.at));
    frames.drawFps = Math.round((frames.draws * 1000) / (t - frames.at));
    frames.count = 0;
    frames.draws = 0;
    frames.at = t;
    frames.measured = true;
  }
}

function setPaused(on) {
  paused = on;
  pausedAt = counts.messages;
  graph.freeze(on);
  table.freeze(on);
  body.classList.toggle('paused', on);
  updateCounters();
}

function setFilter(text) {
  filterText = text;
  if ($('filter').value !== text) $('filter').value = text;
  table.setFilter(text);
  const f = parseFilter(text);
  graph.lit = f ? (id) => table.hosts.has(id) || matchText(id.toLowerCase(), f) : null;
  graph.needsDraw = true;
  const u = new URL(location.href);
  if (text) u.searchParams.set('filter', text); else u.searchParams.delete('filter');
  history.replaceState(null, '', u);
}

let filterTimer = 0;
$('filter').addEventListener('input', (ev) => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => setFilter(ev.target.value), 120);
});
$('pause').addEventListener('click', () => setPaused(!paused));
$('clear').addEventListener('click', () => {
  graph.clear();
  table.clear();
  counts.kinds.clear();
  updateCounters();
});
graph.onNodeClick = (id) => {
  graph.selected = new Set(id ? [id] : []);
  setFilter(id && filterText !== id ? id : '');
};
table.onSelect = (row) => {
  graph.selected = new Set(row ? [row.src, row.dst] : []);
  graph.needsDraw = true;
};
document.addEventListener('keydown', (ev) => {
  const typing = ev.target instanceof HTMLInputElement;
  if (ev.key === '/' && !typing) {
    ev.preventDefault();
    $('filter').focus();
  } else if (ev.key === 'Escape' && typing) {
    setFilter('');
    ev.target.blur();
  } else if (ev.key === ' ' && !typing && !(ev.target instanceof HTMLButtonElement)) {
    ev.preventDefault();
    setPaused(!paused);
  }
});

if (params.get('filter')) setFilter(params.get('filter'));
setInterval(updateCounters, 250);
setInterval(pollMetrics, 2000);
requestAnimationFrame(frame);
connect(wsURL, { maxRows: opts.maxRows, flushMs: 50, onBatch, onState });
body.dataset.ready = 'true';
// For the console: the live model, to inspect or script.
window.sniffws = { graph, table, counts, setFilter, setPaused, fmtBytes };
