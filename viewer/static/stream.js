// The page's side of the stream: stream-worker.js holds the WebSocket and
// hands over batches; this starts it and reads /metrics.

// connect starts the worker on url. onBatch receives aggregated messages
// every flushMs; onState each connection change.
export function connect(url, { maxRows, flushMs, onBatch, onState }) {
  const w = new Worker(new URL('./stream-worker.js', import.meta.url));
  w.onmessage = (ev) => {
    if (ev.data.type === 'batch') onBatch(ev.data);
    else if (ev.data.type === 'state') onState(ev.data);
  };
  w.onerror = (ev) => onState({ state: 'failed', url, reason: 'stream worker: ' + (ev.message || 'error') });
  w.postMessage({ type: 'start', url, maxRows, flushMs });
  return w;
}

// parseMetrics reads the Prometheus text of /metrics into a map from
// metric name (with its labels) to value.
export function parseMetrics(text) {
  const m = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sp = line.lastIndexOf(' ');
    if (sp <= 0) continue;
    const v = Number(line.slice(sp + 1));
    if (!Number.isNaN(v)) m.set(line.slice(0, sp), v);
  }
  return m;
}
