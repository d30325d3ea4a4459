package decode

import "encoding/binary"

// exception is what a read past the end of a buffer raises. Dissectors read
// through tvb accessors that panic with an exception, and the catch points
// (frame, TCP payload, ICMP quote, ...) turn it into the text tshark appends
// to Info. This mirrors Wireshark's THROW/TRY model on purpose: a dissector
// writes its columns in reading order, and whatever was written before the
// failing read stays, exactly as tshark shows it. Any other panic is a bug.
type exception uint8

const (
	// excBounds: past the captured bytes but within the reported length
	// (snaplen cut).
	excBounds exception = iota + 1
	// excContained: past what the enclosing protocol said it carries.
	excContained
	// excReported: past the length the packet itself declares.
	excReported
	// excFragment: past the end of an IP fragment that was not reassembled.
	excFragment
)

// suffix is the text tshark appends to Info for the exception.
func (e exception) suffix() string {
	switch e {
	case excBounds:
		return "[Packet size limited during capture]"
	case excContained:
		return "[Malformed Packet: length of contained item exceeds length of containing item]"
	case excFragment:
		return "[BoundErrorUnreassembled Packet]"
	default:
		return "[Malformed Packet]"
	}
}

// tvb is a view of packet bytes in the manner of Wireshark's tvbuff: the
// bytes that were captured, the length the enclosing layers allow
// (contained) and the length the packet reports for itself. Reads past the
// captured bytes panic with the exception that explains why they are missing.
type tvb struct {
	b         []byte
	contained int
	reported  int
	fragment  bool
}

// newTvb wraps a whole frame: captured bytes and its length on the wire.
func newTvb(b []byte, wireLen int) tvb {
	if wireLen < len(b) {
		wireLen = len(b)
	}
	return tvb{b: b, contained: wireLen, reported: wireLen}
}

// newRealTvb wraps bytes that are entirely present (reassembled data).
func newRealTvb(b []byte) tvb {
	return tvb{b: b, contained: len(b), reported: len(b)}
}

// errAt says why the byte before end is missing (validate_offset).
func (t tvb) errAt(end int) exception {
	switch {
	case end <= t.contained:
		return excBounds
	case t.fragment:
		return excFragment
	case end <= t.reported:
		return excContained
	default:
		return excReported
	}
}

// len is the captured length.
func (t tvb) len() int { return len(t.b) }

// ensure panics unless n bytes at off are captured.
func (t tvb) ensure(off, n int) {
	if off < 0 || n < 0 || off+n > len(t.b) || off+n < off {
		if off < 0 || n < 0 {
			panic(excReported)
		}
		panic(t.errAt(off + n))
	}
}

// ensureItem is check_offset_length, used by protocol-tree items and
// pointer reads: unlike the fast getters (ensure), an offset past the
// captured bytes decides the exception by itself (compute_offset).
func (t tvb) ensureItem(off, n int) {
	if off > len(t.b) && n >= 0 {
		panic(t.errAt(off))
	}
	t.ensure(off, n)
}

// has reports whether n bytes at off are captured, without raising.
func (t tvb) has(off, n int) bool {
	return off >= 0 && n >= 0 && off+n <= len(t.b) && off+n >= off
}

// remaining is the number of captured bytes from off (tvb_captured_length_remaining),
// raising when off itself is beyond them.
func (t tvb) remaining(off int) int {
	t.ensure(off, 0)
	return len(t.b) - off
}

// reportedRemaining is tvb_reported_length_remaining: never raises, and
// is 0 past the end. Like Wireshark's, it is 0 too for an offset beyond the
// captured bytes, even when the packet reports more.
func (t tvb) reportedRemaining(off int) int {
	if off < 0 || off > len(t.b) || off > t.reported {
		return 0
	}
	return t.reported - off
}

func (t tvb) u8(off int) uint8 {
	t.ensure(off, 1)
	return t.b[off]
}

func (t tvb) u16(off int) uint16 {
	t.ensure(off, 2)
	return binary.BigEndian.Uint16(t.b[off:])
}

func (t tvb) u24(off int) uint32 {
	t.ensure(off, 3)
	return uint32(t.b[off])<<16 | uint32(t.b[off+1])<<8 | uint32(t.b[off+2])
}

func (t tvb) u32(off int) uint32 {
	t.ensure(off, 4)
	return binary.BigEndian.Uint32(t.b[off:])
}

func (t tvb) u64(off int) uint64 {
	t.ensure(off, 8)
	return binary.BigEndian.Uint64(t.b[off:])
}

func (t tvb) le16(off int) uint16 {
	t.ensure(off, 2)
	return binary.LittleEndian.Uint16(t.b[off:])
}

func (t tvb) le32(off int) uint32 {
	t.ensure(off, 4)
	return binary.LittleEndian.Uint32(t.b[off:])
}

// bytes returns n captured bytes at off; n == -1 means to the end.
func (t tvb) bytes(off, n int) []byte {
	if n == -1 {
		n = t.remaining(off)
	}
	t.ensure(off, n)
	return t.b[off : off+n]
}

// sub is tvb_new_subset_remaining: everything from off on.
func (t tvb) sub(off int) tvb {
	t.ensure(off, 0)
	if t.reported < off {
		panic(excReported)
	}
	return t.subset(off, len(t.b)-off, t.reported-off)
}

// subLen is tvb_new_subset_length: from off, reportedLen bytes as the
// next layer's reported length (-1: as much as this one reports).
func (t tvb) subLen(off, reportedLen int) tvb {
	if reportedLen < -1 {
		panic(excReported)
	}
	if reportedLen == -1 {
		reportedLen = t.reported
	}
	t.ensure(off, 0)
	caplen := len(t.b) - off
	if caplen > reportedLen {
		caplen = reportedLen
	}
	return t.subset(off, caplen, reportedLen)
}

// subCap is tvb_new_subset_length_caplen with explicit captured and
// reported lengths (-1: the rest).
func (t tvb) subCap(off, caplen, reportedLen int) tvb {
	if reportedLen < -1 {
		panic(excReported)
	}
	if caplen == -1 {
		caplen = t.remaining(off)
	}
	t.ensure(off, caplen)
	if reportedLen == -1 {
		reportedLen = t.reported - off
	}
	return t.subset(off, caplen, reportedLen)
}

func (t tvb) subset(off, caplen, reportedLen int) tvb {
	contained := t.contained - off
	if reportedLen < contained {
		contained = reportedLen
	}
	return tvb{b: t.b[off : off+caplen], contained: contained, reported: reportedLen, fragment: t.fragment}
}

// indexByte finds c from off within the captured bytes; -1 when absent.
func (t tvb) indexByte(off int, c byte) int {
	if off < 0 || off > len(t.b) {
		return -1
	}
	for i := off; i < len(t.b); i++ {
		if t.b[i] == c {
			return i
		}
	}
	return -1
}

// setLength is set_actual_length: the buffer ends at n (a length field
// said so); the rest is trailer. Raises if n is beyond the reported length.
func (t tvb) setLength(n int) tvb {
	if n > t.reported || n < 0 {
		panic(excReported)
	}
	t.reported = n
	if n < len(t.b) {
		t.b = t.b[:n]
	}
	if n < t.contained {
		t.contained = n
	}
	return t
}
