// The WebSocket stream, read in a worker: a browser spends real time on
// each message event, so at thousands of packets per second the page's own
// thread would have none left to draw. Here every message is parsed and
// aggregated, and the page receives one batch per flush: the packet rows
// (at most the table's size) and one entry per conversation and kind.
//
// Messages are read as DynaGraph reads them: one JSON object per text
// message, source and target are the nodes; packets carry the seven
// tshark columns, links (HAR, demo) sourceGroup/targetGroup/group and value.
// The connection comes back by itself after any close, with exponential
// backoff and jitter so that many pages do not all knock at once when
// sniffws restarts.

const firstDelay = 500;
const maxDelay = 15000;

let url = '';
let maxRows = 10000;
let attempt = 0;
let batch = newBatch();

function newBatch() {
  return { rows: [], dropped: 0, edges: new Map(), messages: 0, packets: 0, links: 0, bad: 0 };
}

self.onmessage = (ev) => {
  const m = ev.data;
  if (m.type !== 'start') return;
  url = m.url;
  maxRows = m.maxRows;
  setInterval(flush, m.flushMs);
  open();
};

function flush() {
  if (batch.messages === 0) return;
  const b = batch;
  batch = newBatch();
  self.postMessage({
    type: 'batch', rows: b.rows, dropped: b.dropped, edges: [...b.edges.values()],
    messages: b.messages, packets: b.packets, links: b.links, bad: b.bad,
  });
}

function state(s) {
  flush(); // what came before a close is shown before it
  self.postMessage({ type: 'state', ...s });
}

function open() {
  state({ state: 'connecting', url });
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (err) {
    // A malformed ?ws= URL: retrying cannot help.
    state({ state: 'failed', url, reason: String(err.message || err) });
    return;
  }
  let opened = false;
  ws.onopen = () => {
    opened = true;
    attempt = 0;
    state({ state: 'open', url });
  };
  ws.onmessage = (ev) => {
    if (typeof ev.data === 'string') add(ev.data);
  };
  ws.onclose = (ev) => {
    const delay = Math.min(maxDelay, firstDelay * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt = Math.min(attempt + 1, 16);
    state({ state: 'closed', url, opened, code: ev.code, reason: ev.reason, retryAt: Date.now() + delay });
    setTimeout(open, delay);
  };
  // An error is always followed by close, which does the rest.
  ws.onerror = () => {};
}

const str = (v) => (v == null ? '' : String(v));

function add(text) {
  const b = batch;
  b.messages++;
  let m;
  try {
    m = JSON.parse(text);
  } catch (_) {
    b.bad++;
    return;
  }
  if (m === null || typeof m !== 'object' || m.source == null || m.target == null) {
    b.bad++;
    return;
  }
  const src = String(m.source), dst = String(m.target);
  if ('wsColNo' in m) {
    b.packets++;
    const proto = str(m.wsColProtocol);
    const len = str(m.wsColLength);
    b.rows.push({ no: str(m.wsColNo), time: str(m.wsColTime), src, dst, proto, len, info: str(m.wsColInfo) });
    // Rows past the table's size would be evicted at once: drop them here.
    if (b.rows.length >= 2 * maxRows) {
      const n = b.rows.length - maxRows;
      b.rows.splice(0, n);
      b.dropped += n;
    }
    edge(src, dst, proto, parseInt(len, 10) || 0, null, null, true);
    return;
  }
  b.links++;
  const g = m.group != null ? String(m.group) : null;
  const sg = m.sourceGroup != null ? String(m.sourceGroup) : g;
  const tg = m.targetGroup != null ? String(m.targetGroup) : g;
  const value = Number(m.value) > 0 ? Number(m.value) : 1;
  edge(src, dst, tg ?? sg ?? '', value, sg, tg, false);
}

// edge aggregates one message into its conversation and kind (protocol
// or group) for this batch.
function edge(src, dst, kind, weight, sg, tg, isPacket) {
  const key = src + '\n' + dst + '\n' + kind;
  let e = batch.edges.get(key);
  if (!e) {
    e = { src, dst, kind, count: 0, weight: 0, sg, tg, isPacket };
    batch.edges.set(key, e);
  }
  e.count++;
  e.weight += weight;
  if (e.sg == null) e.sg = sg;
  if (e.tg == null) e.tg = tg;
}
