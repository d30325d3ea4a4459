package decode

//go:generate go run ./internal/oidgen -o oid_table.go

// Object identifiers as Wireshark's OID registry (epan/oids.c) shows them.
// The registry is a tree holding every OID some dissector registered, with
// unnamed nodes for the prefixes in between; oid_table.go lists the
// registrations of the reference tshark.

type oidEntry struct {
	oid   string
	name  string
	named bool
}

type oidNode struct {
	name   string
	named  bool
	parent *oidNode
	kids   map[uint32]*oidNode
}

// oidRoot is the registry tree, built once from oidTable.
var oidRoot = buildOIDTree()

func buildOIDTree() *oidNode {
	root := &oidNode{}
	for _, e := range oidTable {
		n := root
		var arc uint32
		for i := 0; i <= len(e.oid); i++ {
			if i < len(e.oid) && e.oid[i] != '.' {
				arc = arc*10 + uint32(e.oid[i]-'0')
				continue
			}
			next := n.kids[arc]
			if next == nil {
				if n.kids == nil {
					n.kids = map[uint32]*oidNode{}
				}
				next = &oidNode{parent: n}
				n.kids[arc] = next
			}
			n, arc = next, 0
		}
		n.name, n.named = e.name, e.named
	}
	return root
}

// oidLookup is oid_get: the deepest registered node on the OID's path and
// how many arcs led there.
func oidLookup(subids []uint32) (*oidNode, int) {
	n := oidRoot
	if len(subids) == 0 || subids[0] > 2 {
		return n, 0
	}
	i := 0
	for ; i < len(subids); i++ {
		next := n.kids[subids[i]]
		if next == nil {
			break
		}
		n = next
	}
	return n, i
}

// oidDecode is oid_encoded2subid: the arcs of a BER-encoded OID, the first
// byte split into two. ok is false when an arc does not fit in 32 bits.
// Trailing bytes with the continuation bit set are ignored.
func oidDecode(b []byte, dst []uint32) (subids []uint32, ok bool) {
	dst = dst[:0]
	n := 1
	for _, c := range b {
		if c&0x80 == 0 {
			n++
		}
	}
	if n == 1 {
		return append(dst, 0), true
	}
	first := true
	var v uint64
	for _, c := range b {
		v = v<<7 | uint64(c&0x7f)
		if c&0x80 != 0 {
			continue
		}
		if first {
			var arc0 uint32
			if v >= 40 {
				arc0++
				v -= 40
			}
			if v >= 40 {
				arc0++
				v -= 40
			}
			dst = append(dst, arc0)
			first = false
		}
		if len(dst) >= n || v > 0xffffffff {
			return nil, false
		}
		dst = append(dst, uint32(v))
		v = 0
	}
	return dst, true
}

// appendOIDNumeric is oid_subid2string: dotted decimal.
func appendOIDNumeric(dst []byte, subids []uint32) []byte {
	if len(subids) == 0 {
		return append(dst, "*** Empty OID ***"...)
	}
	for i, s := range subids {
		if i > 0 {
			dst = append(dst, '.')
		}
		dst = appendUintBytes(dst, uint64(s))
	}
	return dst
}

// appendOIDResolved is oid_resolved: the nearest named node on the path
// and the remaining arcs in decimal.
func appendOIDResolved(dst []byte, subids []uint32) []byte {
	if len(subids) == 0 || subids[0] > 2 {
		return append(dst, "*** Malformed OID ***"...)
	}
	n, matched := oidLookup(subids)
	for !n.named {
		if n.parent == nil {
			return appendOIDNumeric(dst, subids)
		}
		n = n.parent
		matched--
	}
	dst = append(dst, n.name...)
	if matched < len(subids) {
		dst = append(dst, '.')
		dst = appendOIDNumeric(dst, subids[matched:])
	}
	return dst
}
