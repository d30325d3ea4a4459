package decode

// ipFragTable reassembles IPv4 and IPv6 fragments as Wireshark's
// fragment_add_check does with default preferences, in one pass: a
// datagram is handed up, whole, in the frame that completes it, and is
// forgotten then (a later copy of a fragment starts a new datagram).
// Fragments are kept sorted by offset; the first tail fixes the length;
// overlaps keep the bytes that arrived first at each offset, and a
// conflicting overlap, a second tail of another length or a fragment
// past the end make the datagram "illegal" (tshark's
// "[Illegal IPv4 fragments]"). Memory is bounded: at most
// maxFragDatagrams pending, the oldest dropped first, and at most
// maxFragBytes held per datagram.
type ipFragTable struct {
	pending map[fragKey]*fragDatagram
	order   []fragKey // insertion order, for eviction
	buf     []byte    // the last reassembled payload
}

const (
	maxFragDatagrams = 4096
	maxFragBytes     = 1 << 20
)

type fragKey struct {
	v6       bool
	src, dst [16]byte
	id       uint32
	proto    uint8
}

type fragPiece struct {
	off  int
	data []byte
}

type fragDatagram struct {
	pieces   []fragPiece // sorted by offset, newest first among equals
	datalen  int
	haveLen  bool
	illegal  bool
	heldSize int
}

func (f *ipFragTable) init() {
	f.pending = make(map[fragKey]*fragDatagram)
}

// add records one fragment. When it completes its datagram, add returns
// the reassembled payload, true, and whether the fragments disagreed.
func (f *ipFragTable) add(p *packet, ip ipHeader, data []byte, off int, more bool) (tvb, bool, bool) {
	key := fragKey{v6: ip.version == 6, src: ip.src.b, dst: ip.dst.b, id: ip.id}
	if ip.version == 4 {
		key.proto = ip.proto
		// Private and link-local datagrams are told apart by VLAN too.
		if ipv4PrivateOrLinkLocal(ip.src.b) || ipv4PrivateOrLinkLocal(ip.dst.b) {
			key.id ^= uint32(p.vlanID)
		}
	}
	dg := f.pending[key]
	if dg == nil {
		if len(f.pending) >= maxFragDatagrams {
			f.evict()
		}
		dg = &fragDatagram{}
		f.pending[key] = dg
		if len(f.order) >= 2*maxFragDatagrams {
			f.compact()
		}
		f.order = append(f.order, key)
	}
	if dg.heldSize+len(data) > maxFragBytes {
		return tvb{}, false, false
	}
	if !more {
		if dg.haveLen {
			if dg.datalen != off+len(data) {
				dg.illegal = true // multiple tails
			}
		} else {
			dg.datalen, dg.haveLen = off+len(data), true
		}
	}
	piece := fragPiece{off: off, data: append([]byte(nil), data...)}
	dg.heldSize += len(data)
	i := 0
	for i < len(dg.pieces) && dg.pieces[i].off < off {
		i++
	}
	dg.pieces = append(dg.pieces, fragPiece{})
	copy(dg.pieces[i+1:], dg.pieces[i:])
	dg.pieces[i] = piece
	if !dg.haveLen {
		return tvb{}, false, false
	}
	// Complete when the pieces cover [0, datalen) without a gap.
	covered := 0
	for _, pc := range dg.pieces {
		if pc.off <= covered && pc.off+len(pc.data) > covered {
			covered = pc.off + len(pc.data)
		}
	}
	if covered < dg.datalen {
		return tvb{}, false, false
	}
	// A fresh buffer: the payload may itself carry fragments (tunnels).
	f.buf = make([]byte, dg.datalen)
	pos := 0
	for _, pc := range dg.pieces {
		if len(pc.data) == 0 {
			continue
		}
		if pc.off >= dg.datalen {
			dg.illegal = true // starts past the end
			continue
		}
		n := len(pc.data)
		if pc.off+n > dg.datalen {
			dg.illegal = true // runs past the end
			n = dg.datalen - pc.off
		}
		if overlap := pos - pc.off; overlap > 0 {
			cmp := min(overlap, n)
			if string(f.buf[pc.off:pc.off+cmp]) != string(pc.data[:cmp]) {
				dg.illegal = true
			}
		}
		if pc.off+n > pos {
			from := max(pos-pc.off, 0)
			copy(f.buf[pc.off+from:], pc.data[from:n])
			pos = pc.off + n
		}
	}
	illegal := dg.illegal
	delete(f.pending, key)
	return newRealTvb(f.buf), true, illegal
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

// ipv4PrivateOrLinkLocal is in4_addr_is_private || in4_addr_is_link_local:
// 10/8, 172.16/12, 192.168/16 and 169.254/16.
func ipv4PrivateOrLinkLocal(a [16]byte) bool {
	return a[0] == 10 || a[0] == 172 && a[1]&0xf0 == 16 || a[0] == 192 && a[1] == 168 || a[0] == 169 && a[1] == 254
}
