// The host graph: a model aggregated on the client (one node per address,
// one link per conversation, whatever the packet rate), a force layout in
// the style of d3-force, and a canvas renderer. Node and link counts are
// bounded: past the bound the least recently seen are evicted.

import { colour } from './colors.js';

const repulsion = -90; // many-body strength (d3's default is -30)
const maxRepulsionDist2 = 500 * 500;
const velocityDecay = 0.4;
const alphaDecay = 0.02;
const alphaMin = 0.003;
const centreStrength = 0.04;
const freshMs = 1500; // links and nodes glow this long after traffic

export class Graph {
  constructor(canvas, tip, { maxNodes, maxLinks }) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.tip = tip;
    this.maxNodes = maxNodes;
    this.maxLinks = maxLinks;
    this.nodes = new Map(); // address -> node
    this.links = new Map(); // "a\nb" (sorted) -> link
    this.nodeList = [];
    this.linkList = [];
    this.structDirty = false;
    this.seq = 0; // recency for eviction: bigger is more recent
    this.alpha = 1;
    this.evictedNodes = 0;
    this.evictedLinks = 0;
    this.width = 1;
    this.height = 1;
    this.dpr = 1;
    this.view = { k: 1, x: 0, y: 0 }; // screen = world * k + (x, y)
    this.autoFit = true;
    this.frozenSeq = 0; // while paused: nodes and links born after it stay hidden
    this.needsDraw = true;
    this.hover = null;
    this.selected = new Set(); // addresses of the selected packet or node
    this.lit = null; // predicate(address) while the quick filter is set
    this.labelled = new Set();
    this.labelsAt = 0;
    this.onNodeClick = null;
    this.bindEvents();
    new ResizeObserver(() => this.resize()).observe(canvas.parentElement);
    this.resize();
  }

  get frozen() {
    return this.frozenSeq > 0;
  }

  // add records count messages between two nodes: packets (kind =
  // protocol family, weight = bytes) or links (kind = group, weight =
  // value).
  add(src, dst, kind, count, weight, srcGroup, dstGroup, isPacket, now) {
    const seq = ++this.seq;
    const a = this.node(src, srcGroup, null, isPacket, now, seq);
    const b = src === dst ? a : this.node(dst, dstGroup, a, isPacket, now, seq);
    touch(a, kind, count, weight, now, seq);
    if (b !== a) touch(b, kind, count, weight, now, seq);
    const key = src < dst ? src + '\n' + dst : dst + '\n' + src;
    let l = this.links.get(key);
    if (!l) {
      l = { a, b, kind, kinds: new Map(), top: 0, bytes: 0, count: 0, last: now, seq, born: seq };
      this.links.set(key, l);
      a.deg++;
      if (b !== a) b.deg++;
      this.structDirty = true;
      this.reheat(0.2);
    }
    touch(l, kind, count, weight, now, seq);
    if (this.nodes.size > this.maxNodes) this.evictNodes();
    if (this.links.size > this.maxLinks) this.evictLinks();
    this.needsDraw = true;
  }

  node(id, group, peer, isPacket, now, seq) {
    let n = this.nodes.get(id);
    if (n) {
      if (n.group == null && group != null) n.group = group;
      return n;
    }
    // A new host starts next to the one it talks to, so the layout
    // does not jump.
    const cx = peer ? peer.x : this.centre().x;
    const cy = peer ? peer.y : this.centre().y;
    const spread = peer ? 30 : 120;
    n = {
      id, group: group ?? null, isPacket,
      x: cx + (Math.random() - 0.5) * spread, y: cy + (Math.random() - 0.5) * spread,
      vx: 0, vy: 0, fx: null, fy: null,
      kind: '', kinds: new Map(), top: 0, bytes: 0, count: 0, deg: 0,
      last: now, seq, born: seq, r: 4,
    };
    this.nodes.set(id, n);
    this.structDirty = true;
    this.reheat(0.3);
    return n;
  }

  centre() {
    if (this.nodeList.length === 0) return { x: 0, y: 0 };
    let x = 0, y = 0;
    for (const n of this.nodeList) { x += n.x; y += n.y; }
    return { x: x / this.nodeList.length, y: y / this.nodeList.length };
  }

  reheat(a) {
    if (this.alpha < a) this.alpha = a;
  }

  // evictNodes drops the least recently seen hosts (and their links) in a
  // batch, down to 90% of the bound, so eviction is amortised.
  evictNodes() {
    const keep = Math.max(2, Math.floor(this.maxNodes * 0.9));
    const all = [...this.nodes.values()].sort((p, q) => p.seq - q.seq);
    const gone = new Set();
    for (let i = 0; i < all.length - keep; i++) {
      gone.add(all[i]);
      this.nodes.delete(all[i].id);
      if (this.hover === all[i]) this.hover = null;
    }
    this.evictedNodes += gone.size;
    for (const [key, l] of this.links) {
      if (gone.has(l.a) || gone.has(l.b)) {
        this.links.delete(key);
        l.a.deg--;
        if (l.b !== l.a) l.b.deg--;
      }
    }
    this.structDirty = true;
  }

  evictLinks() {
    const keep = Math.max(1, Math.floor(this.maxLinks * 0.9));
    const all = [...this.links.entries()].sort((p, q) => p[1].seq - q[1].seq);
    for (let i = 0; i < all.length - keep; i++) {
      const [key, l] = all[i];
      this.links.delete(key);
      l.a.deg--;
      if (l.b !== l.a) l.b.deg--;
    }
    this.evictedLinks += Math.max(0, all.length - keep);
    this.structDirty = true;
  }

  clear() {
    this.nodes.clear();
    this.links.clear();
    this.structDirty = true;
    this.hover = null;
    this.selected = new Set();
    this.alpha = 1;
    this.autoFit = true;
    this.needsDraw = true;
  }

  freeze(on) {
    this.frozenSeq = on ? this.seq : 0;
    if (!on) this.reheat(0.1);
    this.needsDraw = true;
  }

  rebuild() {
    if (!this.structDirty) return false;
    this.structDirty = false;
    this.nodeList = [...this.nodes.values()];
    this.linkList = [...this.links.values()];
    return true;
  }

  // sizeNodes sets radii by traffic relative to the busiest node (area
  // proportional to bytes, or to link values), smaller when there are many.
  sizeNodes() {
    const list = this.nodeList;
    let max = 1;
    for (const n of list) if (n.bytes > max) max = n.bytes;
    const rMax = Math.max(5, Math.min(24, 24 * Math.sqrt(20 / Math.max(20, list.length))));
    for (const n of list) n.r = 3 + (rMax - 3) * Math.sqrt(n.bytes / max);
  }

  // tick advances the layout one step, as d3-force does: many-body
  // repulsion, link springs, a pull to the centre, then velocity decay.
  tick() {
    const nodes = this.nodeList;
    const alpha = this.alpha;
    if (alpha < alphaMin) return false;
    const n = nodes.length;
    for (let i = 0; i < n; i++) {
      const a = nodes[i];
      for (let j = i + 1; j < n; j++) {
        const b = nodes[j];
        let dx = b.x - a.x, dy = b.y - a.y;
        let d2 = dx * dx + dy * dy;
        if (d2 > maxRepulsionDist2) continue;
        if (d2 < 1) {
          dx = Math.random() - 0.5;
          dy = Math.random() - 0.5;
          d2 = 1;
        }
        const w = (repulsion * alpha) / d2;
        a.vx += dx * w; a.vy += dy * w;
        b.vx -= dx * w; b.vy -= dy * w;
        // Collision: circles that overlap are pushed apart at any alpha.
        const rr = a.r + b.r + 3;
        if (d2 < rr * rr) {
          const d = Math.sqrt(d2);
          const k = ((rr - d) / d) * 0.3;
          a.vx -= dx * k; a.vy -= dy * k;
          b.vx += dx * k; b.vy += dy * k;
        }
      }
    }
    for (const l of this.linkList) {
      const a = l.a, b = l.b;
      if (a === b) continue;
      let dx = b.x + b.vx - a.x - a.vx, dy = b.y + b.vy - a.y - a.vy;
      let d = Math.sqrt(dx * dx + dy * dy) || 1;
      const want = 40 + a.r + b.r;
      const k = ((d - want) / d) * alpha / Math.max(1, Math.min(a.deg, b.deg));
      dx *= k; dy *= k;
      const bias = a.deg / (a.deg + b.deg);
      b.vx -= dx * bias; b.vy -= dy * bias;
      a.vx += dx * (1 - bias); a.vy += dy * (1 - bias);
    }
    for (const p of nodes) {
      p.vx -= p.x * centreStrength * alpha;
      p.vy -= p.y * centreStrength * alpha;
      if (p.fx != null) {
        p.x = p.fx; p.y = p.fy; p.vx = 0; p.vy = 0;
        continue;
      }
      p.vx *= 1 - velocityDecay;
      p.vy *= 1 - velocityDecay;
      p.x += p.vx;
      p.y += p.vy;
    }
    this.alpha += (0 - this.alpha) * alphaDecay;
    return true;
  }

  // frame runs one fixed-rate frame: layout (unless paused) and drawing
  // when anything changed.
  frame(now) {
    if (!this.frozen) {
      if (this.rebuild()) this.pickLabels(now);
      this.sizeNodes();
      if (this.tick()) this.needsDraw = true;
      if (this.autoFit && this.fit()) this.needsDraw = true;
      if (now - this.labelsAt > 500) this.pickLabels(now);
      // Fresh traffic fades: keep drawing while anything glows.
      if (now - this.lastTraffic() < freshMs) this.needsDraw = true;
    }
    if (!this.needsDraw) return false;
    this.needsDraw = false;
    this.draw(now);
    return true;
  }

  lastTraffic() {
    let t = 0;
    for (const n of this.nodeList) if (n.last > t) t = n.last;
    return t;
  }

  pickLabels(now) {
    this.labelsAt = now;
    const list = this.nodeList;
    if (list.length <= 40) {
      this.labelled = new Set(list);
      return;
    }
    this.labelled = new Set([...list].sort((p, q) => q.bytes + q.count - p.bytes - p.count).slice(0, 20));
  }

  resize() {
    const box = this.canvas.parentElement.getBoundingClientRect();
    this.dpr = window.devicePixelRatio || 1;
    this.width = Math.max(1, box.width);
    this.height = Math.max(1, box.height);
    this.canvas.width = Math.round(this.width * this.dpr);
    this.canvas.height = Math.round(this.height * this.dpr);
    this.canvas.style.width = this.width + 'px';
    this.canvas.style.height = this.height + 'px';
    this.needsDraw = true;
  }

  // fit eases the view toward the bounding box of the graph; it stops once
  // the user pans or zooms, and double-click turns it back on.
  fit() {
    const list = this.nodeList;
    if (list.length === 0) return false;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const n of list) {
      x0 = Math.min(x0, n.x - n.r); x1 = Math.max(x1, n.x + n.r);
      y0 = Math.min(y0, n.y - n.r); y1 = Math.max(y1, n.y + n.r);
    }
    const pad = 60;
    const k = Math.min(1.5, (this.width - pad) / Math.max(1, x1 - x0), (this.height - pad) / Math.max(1, y1 - y0));
    const tx = this.width / 2 - ((x0 + x1) / 2) * k;
    const ty = this.height / 2 - ((y0 + y1) / 2) * k;
    const v = this.view;
    const dk = k - v.k, dx = tx - v.x, dy = ty - v.y;
    if (Math.abs(dk) < 1e-3 && Math.abs(dx) < 0.5 && Math.abs(dy) < 0.5) return false;
    const ease = 0.15;
    v.k += dk * ease; v.x += dx * ease; v.y += dy * ease;
    return true;
  }

  visible(o) {
    return !this.frozen || o.born <= this.frozenSeq;
  }

  draw(now) {
    const ctx = this.ctx, v = this.view;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    const lit = this.lit;
    const isLit = (n) => !lit || lit(n.id) || this.selected.has(n.id);
    // Shapes of one style go into one path: a few dozen strokes and fills
    // per frame instead of one per link and node.
    const batches = new Map();
    const batch = (kind, style, alpha, width) => {
      const key = kind + style + alpha + '|' + width;
      let b = batches.get(key);
      if (!b) {
        b = { kind, style, alpha, width, shapes: [] };
        batches.set(key, b);
      }
      return b.shapes;
    };
    const bucket = (f) => Math.round(f * 4) / 4; // freshness in 5 steps
    for (const l of this.linkList) {
      if (!this.visible(l) || !this.nodes.has(l.a.id) || !this.nodes.has(l.b.id)) continue;
      const fresh = bucket(Math.max(0, 1 - (now - l.last) / freshMs));
      const on = isLit(l.a) && isLit(l.b);
      const width = Math.round(Math.min(8, 0.8 + 0.6 * Math.log2(1 + l.count)) * 2) / 2;
      const ax = l.a.x * v.k + v.x, ay = l.a.y * v.k + v.y;
      if (l.a === l.b) {
        const r = l.a.r * v.k;
        batch('stroke', colour(l.kind), on ? 0.3 + 0.6 * fresh : 0.06, width)
          .push([ax + r * 0.8, ay - r * 0.8, Math.max(5, r * 0.7)]);
      } else {
        batch('stroke', colour(l.kind), on ? 0.3 + 0.6 * fresh : 0.06, width)
          .push([ax, ay, 0, l.b.x * v.k + v.x, l.b.y * v.k + v.y]);
      }
    }
    const rings = [];
    for (const n of this.nodeList) {
      if (!this.visible(n)) continue;
      const x = n.x * v.k + v.x, y = n.y * v.k + v.y;
      const r = Math.max(2.5, n.r * v.k);
      const on = isLit(n);
      const fresh = bucket(Math.max(0, 1 - (now - n.last) / freshMs));
      const c = colour(n.group != null ? n.group : n.kind);
      if (fresh > 0 && on) batch('fill', c, 0.35 * fresh, 0).push([x, y, r + 3 + 5 * fresh]);
      batch('fill', c, on ? 1 : 0.18, 1).push([x, y, r]);
      if (n === this.hover || this.selected.has(n.id)) rings.push([x, y, r]);
    }
    ctx.lineCap = 'round';
    // Glows (width 0) under nodes (width 1): insertion order already
    // puts links first; sort the fills so that no glow covers a node.
    const list = [...batches.values()].sort((p, q) => (p.kind === q.kind ? p.width - q.width : p.kind === 'stroke' ? -1 : 1));
    for (const b of list) {
      ctx.globalAlpha = b.alpha;
      ctx.beginPath();
      for (const sh of b.shapes) {
        if (sh.length === 5) {
          ctx.moveTo(sh[0], sh[1]);
          ctx.lineTo(sh[3], sh[4]);
        } else {
          ctx.moveTo(sh[0] + sh[2], sh[1]);
          ctx.arc(sh[0], sh[1], sh[2], 0, 2 * Math.PI);
        }
      }
      if (b.kind === 'stroke') {
        ctx.strokeStyle = b.style;
        ctx.lineWidth = b.width;
        ctx.stroke();
      } else {
        ctx.fillStyle = b.style;
        ctx.fill();
      }
    }
    ctx.globalAlpha = 1;
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#ffffff';
    for (const [x, y, r] of rings) {
      ctx.beginPath();
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    for (const n of this.nodeList) {
      if (!this.visible(n)) continue;
      const chosen = this.labelled.has(n) || n === this.hover || this.selected.has(n.id) || (lit && lit(n.id));
      if (!chosen) continue;
      const x = n.x * v.k + v.x, y = n.y * v.k + v.y;
      const r = Math.max(2.5, n.r * v.k);
      const text = n.id.length > 48 ? n.id.slice(0, 47) + '…' : n.id;
      ctx.lineWidth = 3;
      ctx.strokeStyle = 'rgba(13,17,23,0.85)';
      ctx.strokeText(text, x + r + 4, y);
      ctx.fillStyle = isLit(n) ? '#e6edf3' : 'rgba(230,237,243,0.3)';
      ctx.fillText(text, x + r + 4, y);
    }
  }

  // Interaction: hover shows a host's totals, click selects it (the page
  // filters the table on it), drag moves a host or pans, wheel zooms,
  // double-click returns to fitting the whole graph.
  bindEvents() {
    const c = this.canvas;
    let drag = null;
    const at = (ev) => {
      const b = c.getBoundingClientRect();
      return { x: ev.clientX - b.left, y: ev.clientY - b.top };
    };
    c.addEventListener('pointerdown', (ev) => {
      const p = at(ev);
      const n = this.pick(p.x, p.y);
      c.setPointerCapture(ev.pointerId);
      drag = { node: n, x: p.x, y: p.y, moved: false, vx: this.view.x, vy: this.view.y };
      if (n) { n.fx = n.x; n.fy = n.y; }
    });
    c.addEventListener('pointermove', (ev) => {
      const p = at(ev);
      if (drag) {
        if (Math.abs(p.x - drag.x) + Math.abs(p.y - drag.y) > 3) drag.moved = true;
        if (!drag.moved) return;
        if (drag.node) {
          drag.node.fx = (p.x - this.view.x) / this.view.k;
          drag.node.fy = (p.y - this.view.y) / this.view.k;
          drag.node.x = drag.node.fx; drag.node.y = drag.node.fy;
          this.reheat(0.1);
        } else {
          this.autoFit = false;
          this.view.x = drag.vx + p.x - drag.x;
          this.view.y = drag.vy + p.y - drag.y;
        }
        this.needsDraw = true;
        return;
      }
      const n = this.pick(p.x, p.y);
      if (n !== this.hover) {
        this.hover = n;
        this.needsDraw = true;
      }
      c.style.cursor = n ? 'pointer' : 'grab';
      this.showTip(n, p);
    });
    const end = (ev) => {
      if (!drag) return;
      const d = drag;
      drag = null;
      if (d.node) { d.node.fx = null; d.node.fy = null; }
      if (!d.moved && ev.type === 'pointerup' && this.onNodeClick) this.onNodeClick(d.node ? d.node.id : null);
    };
    c.addEventListener('pointerup', end);
    c.addEventListener('pointercancel', end);
    c.addEventListener('pointerleave', () => {
      this.hover = null;
      this.showTip(null);
      this.needsDraw = true;
    });
    c.addEventListener('wheel', (ev) => {
      ev.preventDefault();
      const p = at(ev);
      const v = this.view;
      const k = Math.min(20, Math.max(0.05, v.k * Math.exp(-ev.deltaY * 0.0015)));
      v.x = p.x - ((p.x - v.x) * k) / v.k;
      v.y = p.y - ((p.y - v.y) * k) / v.k;
      v.k = k;
      this.autoFit = false;
      this.needsDraw = true;
    }, { passive: false });
    c.addEventListener('dblclick', () => {
      this.autoFit = true;
      this.needsDraw = true;
    });
  }

  pick(sx, sy) {
    const v = this.view;
    let best = null, bestD = Infinity;
    for (const n of this.nodeList) {
      if (!this.visible(n)) continue;
      const dx = n.x * v.k + v.x - sx, dy = n.y * v.k + v.y - sy;
      const d = dx * dx + dy * dy;
      const r = Math.max(6, n.r * v.k + 2);
      if (d <= r * r && d < bestD) { best = n; bestD = d; }
    }
    return best;
  }

  showTip(n, p) {
    const tip = this.tip;
    if (!n) {
      tip.hidden = true;
      return;
    }
    const kinds = [...n.kinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 4)
      .map(([k, c]) => `${k || '?'} ${c}`).join(', ');
    const lines = [
      n.id,
      n.group != null ? `group ${n.group}` : null,
      n.isPacket ? `${n.count} packets, ${fmtBytes(n.bytes)}` : `${n.count} links, value ${n.bytes}`,
      `${n.deg} peer${n.deg === 1 ? '' : 's'}`,
      kinds,
    ].filter(Boolean);
    tip.replaceChildren(...lines.map((t, i) => {
      const d = document.createElement('div');
      d.textContent = t;
      if (i === 0) d.className = 'tip-title';
      return d;
    }));
    tip.hidden = false;
    const w = this.width;
    tip.style.left = Math.min(p.x + 14, w - tip.offsetWidth - 4) + 'px';
    tip.style.top = p.y + 14 + 'px';
  }
}

function touch(o, kind, count, weight, now, seq) {
  o.bytes += weight;
  o.count += count;
  o.last = now;
  o.seq = seq;
  const c = (o.kinds.get(kind) || 0) + count;
  o.kinds.set(kind, c);
  // Colour is the most frequent kind; counts only grow, so comparing with
  // the current top is enough.
  if (kind === o.kind) o.top = c;
  else if (c > o.top) { o.kind = kind; o.top = c; }
}

export function fmtBytes(b) {
  if (b < 1024) return b + ' B';
  if (b < 1 << 20) return (b / 1024).toFixed(1) + ' KiB';
  if (b < 1 << 30) return (b / (1 << 20)).toFixed(1) + ' MiB';
  return (b / (1 << 30)).toFixed(2) + ' GiB';
}
