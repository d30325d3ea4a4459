package decode

// ipFragTable reassembles IPv4 and IPv6 fragments as Wireshark's
// fragment_add_check does with default preferences: a datagram is handed
// up, whole, in the frame that completes it; until then every fragment is
// shown as a fragment. Memory is bounded: at most maxDatagrams pending, the
// oldest dropped first.
type ipFragTable struct {
	pending map[fragKey]*fragDatagram
	order   []fragKey // insertion order, for eviction
	buf     []byte    // reassembled bytes of the current frame
}

const (
	maxFragDatagrams = 4096
	maxFragBytes     = 1 << 20 // a datagram can be at most 64 KiB (jumbograms aside)
)

type fragKey struct {
	v6       bool
	src, dst [16]byte
	id       uint32
}

type fragPiece struct {
	off  int
	data []byte
}

type fragDatagram struct {
	pieces  []fragPiece
	total   int // -1 until the last fragment is seen
	done    bool
	doneNum uint64
}

func (f *ipFragTable) init() {
	f.pending = make(map[fragKey]*fragDatagram)
}

// add records one fragment. It returns the reassembled payload and true
// when this fragment completes the datagram.
func (f *ipFragTable) add(p *packet, ip ipHeader, data []byte, off int, more bool) (tvb, bool) {
	key := fragKey{v6: ip.version == 6, src: ip.src.b, dst: ip.dst.b, id: ip.id}
	if ip.version == 4 {
		key.id = ip.id ^ uint32(ip.proto)
	}
	dg := f.pending[key]
	if dg == nil || dg.done {
		if len(f.pending) >= maxFragDatagrams {
			f.evict()
		}
		dg = &fragDatagram{total: -1}
		f.pending[key] = dg
		if len(f.order) >= 2*maxFragDatagrams {
			f.compact()
		}
		f.order = append(f.order, key)
	}
	if off+len(data) > maxFragBytes {
		return tvb{}, false
	}
	dg.pieces = append(dg.pieces, fragPiece{off: off, data: append([]byte(nil), data...)})
	if !more {
		dg.total = off + len(data)
	}
	if dg.total < 0 {
		return tvb{}, false
	}
	// Complete when the pieces cover [0, total) without a gap.
	covered := 0
	for progress := true; progress && covered < dg.total; {
		progress = false
		for _, pc := range dg.pieces {
			if pc.off <= covered && pc.off+len(pc.data) > covered {
				covered = pc.off + len(pc.data)
				progress = true
			}
		}
	}
	if covered < dg.total {
		return tvb{}, false
	}
	if cap(f.buf) < dg.total {
		f.buf = make([]byte, dg.total)
	}
	f.buf = f.buf[:dg.total]
	for _, pc := range dg.pieces {
		end := min(pc.off+len(pc.data), dg.total)
		if pc.off < end {
			copy(f.buf[pc.off:end], pc.data)
		}
	}
	dg.done = true
	dg.doneNum = p.num
	dg.pieces = nil
	delete(f.pending, key)
	return newRealTvb(f.buf), true
}

func (f *ipFragTable) evict() {
	for len(f.order) > 0 && len(f.pending) >= maxFragDatagrams {
		delete(f.pending, f.order[0])
		f.order = f.order[1:]
	}
}

// compact drops finished datagrams from the eviction order.
func (f *ipFragTable) compact() {
	keep := f.order[:0]
	for _, k := range f.order {
		if _, ok := f.pending[k]; ok {
			keep = append(keep, k)
		}
	}
	f.order = keep
}
