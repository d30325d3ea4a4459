// The packet table: the last maxRows records, a quick filter, and a
// virtualised list (only the rows on screen exist in the DOM), so its cost
// per frame does not depend on the packet rate or the number of rows kept.

import { colour } from './colors.js';

const columns = ['no', 'time', 'src', 'dst', 'proto', 'len', 'info'];

export class Table {
  constructor(scroller, { maxRows }) {
    this.scroller = scroller;
    this.spacer = scroller.querySelector('.spacer');
    this.layer = scroller.querySelector('.layer');
    this.empty = scroller.querySelector('.empty');
    this.maxRows = maxRows;
    // Rows are dropped in batches of slack, so eviction is amortised.
    this.slack = Math.max(1, Math.min(2048, Math.floor(maxRows / 8)));
    this.rowH = 20;
    this.rows = []; // oldest first
    this.seq = 0;
    this.evicted = 0;
    this.filter = null; // {pos, neg} lower-case terms
    this.view = this.rows; // rows matching the filter
    this.hosts = new Set(); // addresses in the matching rows
    this.frozen = null; // while paused: the rows as they were
    this.follow = true; // stick to the newest row
    this.selected = null;
    this.dirty = true; // redraw at the next frame (scroll, filter, pause)
    this.fresh = false; // new rows: redraw at most every freshMs
    this.freshMs = 100;
    this.drawnAt = 0;
    this.pool = [];
    this.onSelect = null;
    scroller.addEventListener('scroll', () => {
      const s = this.scroller;
      this.follow = s.scrollTop + s.clientHeight >= s.scrollHeight - this.rowH;
      this.dirty = true;
    }, { passive: true });
    new ResizeObserver(() => { this.dirty = true; }).observe(scroller);
  }

  push(row) {
    row.seq = ++this.seq;
    this.rows.push(row);
    if (this.filter && matches(row, this.filter)) {
      this.view.push(row);
      this.hosts.add(row.src);
      this.hosts.add(row.dst);
    }
    if (this.rows.length > this.maxRows + this.slack) this.trim();
    // Nobody reads rows that scroll by faster than this; sparing the DOM
    // leaves the frame to the graph.
    if (!this.frozen) this.fresh = true;
  }

  trim() {
    const drop = this.rows.length - this.maxRows;
    this.rows.splice(0, drop);
    this.evicted += drop;
    let gone = drop;
    if (this.filter) {
      const min = this.rows[0].seq;
      let i = 0;
      while (i < this.view.length && this.view[i].seq < min) i++;
      this.view.splice(0, i);
      gone = i;
    }
    // Keep the rows a reader is looking at in place.
    if (!this.follow && !this.frozen) this.scroller.scrollTop -= gone * this.rowH;
  }

  clear() {
    this.rows.length = 0;
    this.view = this.filter ? [] : this.rows;
    this.hosts = new Set();
    if (this.frozen) this.frozen = { rows: [], view: [] };
    this.selected = null;
    this.follow = true;
    this.dirty = true;
  }

  // setFilter takes the quick filter text: every word must occur in the
  // row (any column, any case); a word starting with ! must not.
  setFilter(text) {
    this.filter = parseFilter(text);
    this.refilter();
    this.follow = true;
  }

  refilter() {
    const src = this.frozen ? this.frozen.rows : this.rows;
    let view = src;
    const hosts = new Set();
    if (this.filter) {
      view = src.filter((r) => matches(r, this.filter));
      for (const r of view) { hosts.add(r.src); hosts.add(r.dst); }
    }
    if (this.frozen) this.frozen.view = view;
    else this.view = view;
    this.hosts = hosts;
    this.dirty = true;
  }

  freeze(on) {
    if (on) {
      this.frozen = { rows: this.rows.slice(), view: this.filter ? this.view.slice() : null };
    } else {
      this.frozen = null;
      this.refilter();
    }
    this.dirty = true;
  }

  // shown is the list on screen: the live rows, or those of the pause.
  shown() {
    if (!this.frozen) return this.view;
    return this.frozen.view || this.frozen.rows;
  }

  render(now) {
    if (!this.dirty && !(this.fresh && now - this.drawnAt >= this.freshMs)) return;
    this.dirty = false;
    this.fresh = false;
    this.drawnAt = now;
    const view = this.shown();
    const s = this.scroller, h = this.rowH;
    this.spacer.style.height = view.length * h + 'px';
    if (this.follow) s.scrollTop = s.scrollHeight;
    const first = Math.max(0, Math.floor(s.scrollTop / h) - 2);
    const count = Math.ceil(s.clientHeight / h) + 4;
    while (this.pool.length < count) this.pool.push(this.makeRow());
    for (let i = 0; i < this.pool.length; i++) {
      const el = this.pool[i];
      const idx = first + i;
      const r = i < count ? view[idx] : undefined;
      if (!r) {
        if (!el.hidden) el.hidden = true;
        el.row = null;
        continue;
      }
      if (el.row !== r) {
        el.row = r;
        const cells = el.children;
        for (let c = 0; c < columns.length; c++) cells[c].textContent = r[columns[c]];
        el.title = r.info;
        el.style.setProperty('--proto', colour(r.fam));
      }
      el.classList.toggle('selected', r === this.selected);
      el.classList.toggle('odd', idx % 2 === 1);
      el.style.transform = `translateY(${idx * h}px)`;
      el.hidden = false;
    }
    this.empty.hidden = view.length > 0;
  }

  makeRow() {
    const el = document.createElement('div');
    el.className = 'row';
    el.hidden = true;
    for (const c of columns) {
      const span = document.createElement('span');
      span.className = 'c-' + c;
      el.append(span);
    }
    el.addEventListener('click', () => {
      if (!el.row) return;
      this.selected = this.selected === el.row ? null : el.row;
      this.dirty = true;
      if (this.onSelect) this.onSelect(this.selected);
    });
    this.layer.append(el);
    return el;
  }
}

export function parseFilter(text) {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  const pos = words.filter((w) => !w.startsWith('!'));
  const neg = words.filter((w) => w.startsWith('!') && w.length > 1).map((w) => w.slice(1));
  if (pos.length === 0 && neg.length === 0) return null;
  return { pos, neg };
}

// matchText applies a parsed filter to one lower-case haystack.
export function matchText(hay, f) {
  for (const w of f.pos) if (!hay.includes(w)) return false;
  for (const w of f.neg) if (hay.includes(w)) return false;
  return true;
}

function matches(r, f) {
  if (r.hay === undefined) {
    r.hay = `${r.no}\t${r.time}\t${r.src}\t${r.dst}\t${r.proto}\t${r.len}\t${r.info}`.toLowerCase();
  }
  return matchText(r.hay, f);
}
