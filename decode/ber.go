package decode

// BER (X.690) reading as Wireshark's packet-ber.c does it, for the
// protocols whose columns come out of ASN.1 structures (SNMP). Only what
// decides the columns and where tshark raises exceptions is kept: the tag
// and length octets, the subset each element is dissected in, and the
// items whose extent must be present.

const (
	berClassUniversal   = 0
	berClassApplication = 1
	berClassContext     = 2
	berClassPrivate     = 3

	berTagEOC         = 0
	berTagInteger     = 2
	berTagOctetString = 4
	berTagNull        = 5
	berTagOID         = 6
	berTagUTF8String  = 12
	berTagSequence    = 16
	berTagNumericStr  = 18

	berMaxNesting = 500 // BER_MAX_NESTING
)

// berHeader is one element's identifier and length octets.
type berHeader struct {
	class  uint8
	pc     bool // constructed
	tag    int32
	length int
	ind    bool // indefinite length (length then includes the EOC)
	start  int  // offset of the identifier
	body   int  // offset of the contents
}

func (h berHeader) end() int { return h.body + h.length }

// berIdentifier is get_ber_identifier.
func berIdentifier(t tvb, off int) (class uint8, pc bool, tag int32, next int) {
	id := t.u8(off)
	off++
	class, pc, tag = id>>6, id&0x20 != 0, int32(id&0x1f)
	if tag == 0x1f {
		tag = 0
		for t.reportedRemaining(off) > 0 {
			c := t.u8(off)
			off++
			tag = tag<<7 | int32(c&0x7f)
			if c&0x80 == 0 {
				break
			}
		}
	}
	return class, pc, tag, off
}

// berLength is get_ber_length; an indefinite length is measured by
// walking the contents up to the end-of-contents octets.
func berLength(t tvb, off int) (length int, ind bool, next int) {
	return berLengthNested(t, off, 1)
}

func berLengthNested(t tvb, off, nest int) (int, bool, int) {
	if nest > berMaxNesting {
		panic(excReported)
	}
	oct := t.u8(off)
	off++
	var length uint64
	ind := false
	switch {
	case oct&0x80 == 0:
		length = uint64(oct)
	case oct&0x7f != 0:
		for n := oct & 0x7f; n > 0; n-- {
			length = length<<8 + uint64(t.u8(off))
			length &= 0xffffffff
			off++
		}
	default:
		start := off
		for t.u8(off) != 0 || t.u8(off+1) != 0 {
			s := off
			_, _, _, off = berIdentifier(t, off)
			n, _, next := berLengthNested(t, off, nest+1)
			length += uint64(n + (next - s))
			length &= 0xffffffff
			off = next + n
			if off <= s {
				panic(excReported)
			}
		}
		length += 2
		ind = true
		off = start
	}
	if length > 0x7fffffff {
		length = 0x7fffffff
	}
	return int(length), ind, off
}

// berReadHeader reads the identifier and length at off.
func berReadHeader(t tvb, off int) berHeader {
	h := berHeader{start: off}
	h.class, h.pc, h.tag, off = berIdentifier(t, off)
	h.length, h.ind, h.body = berLength(t, off)
	return h
}

// berSubset is ber_tvb_new_subset_length: n bytes from off, cut to what
// the buffer reports.
func berSubset(t tvb, off, n int) tvb {
	if r := t.reportedRemaining(off); r < n {
		n = r
	}
	return t.subLen(off, n)
}

// berField describes one element of a SEQUENCE as asn2wrs tables do:
// the class and tag expected (checked unless anyTag) and the element's
// dissector, called with the protocol's context on the element's own
// subset, starting at its tag.
type berField[C any] struct {
	class  uint8
	tag    int32
	anyTag bool // BER_FLAGS_NOTCHKTAG (a CHOICE)
	fn     func(c C, t tvb)
}

// berSequence is dissect_ber_sequence for fields that all carry
// BER_FLAGS_NOOWNTAG (as asn2wrs emits them for SNMP). item says the
// sequence has a protocol-tree item of its own (hf_id >= 0): an FT_NONE
// item, which Wireshark cuts to the bytes present, so only its start must
// exist. It returns the offset after the sequence.
func berSequence[C any](c C, t tvb, off int, implicit, item bool, fields []berField[C]) int {
	hoff := off
	var end int
	ind := false
	if !implicit {
		h := berReadHeader(t, off)
		if item {
			t.ensureItem(hoff, 0) // an FT_NONE item: cut to the bytes present
		}
		off, ind = h.body, h.ind
		end = off + h.length
		if ind {
			end -= 2
		}
		if h.class != berClassApplication && h.class != berClassPrivate &&
			(!h.pc || h.class != berClassUniversal || h.tag != berTagSequence) {
			t.ensureItem(hoff, 2)
			return end
		}
	} else {
		n := t.reportedRemaining(off)
		end = off + n
		if item {
			t.ensureItem(off, 0)
		}
	}
	i := 0
	for off < end {
		if t.u8(off) == 0 && t.u8(off+1) == 0 {
			return end
		}
		h := berReadHeader(t, off)
		eoff := h.end()
		if eoff <= h.start {
			panic(excReported)
		}
		if i >= len(fields) {
			off = eoff // beyond the known definition: skipped
			continue
		}
		f := fields[i]
		if !f.anyTag && (f.class != h.class || f.tag != h.tag) {
			i++
			off = eoff
			continue
		}
		f.fn(c, berSubset(t, h.start, eoff-h.start))
		off = eoff
		i++
	}
	if off != end {
		t.ensureItem(off-2, 2)
	}
	if ind {
		end += 2
	}
	return end
}

// berInteger is dissect_ber_integer64 for a field read from t's start
// (or, implicit, the whole of t): the value, and whether it was read.
func berInteger(t tvb, off int, implicit bool) (int64, int) {
	return berIntegerItem(t, off, implicit, true)
}

// berIntegerItem is berInteger; hasItem false is an hf_index of -1, where
// an over-long integer is skipped without reading its bytes.
func berIntegerItem(t tvb, off int, implicit, hasItem bool) (int64, int) {
	var n int
	if !implicit {
		_, _, _, off = berIdentifier(t, off)
		n, _, off = berLength(t, off)
	} else {
		n = max(t.reportedRemaining(off), 0)
	}
	var v int64
	if n > 0 {
		first := t.u8(off)
		if n > 9 || (n == 9 && first != 0) {
			if hasItem {
				t.ensureItem(off, n) // shown as bytes
			}
			return 0, off + n
		}
		if first&0x80 != 0 {
			v = -1
		}
		for i := 0; i < n; i++ {
			v = v<<8 | int64(t.u8(off))
			off++
		}
	}
	return v, off
}

// berOctetString is dissect_ber_octet_string (with a protocol-tree item)
// for the element at off: the contents present (nil when there are none,
// or when they were reassembled from a constructed string) and the offset
// after the element.
func berOctetString(p *packet, t tvb, off int) ([]byte, int) {
	b, _, end := berOctetStringNested(p, t, off, 0)
	return b, end
}

// berOctetStringNested returns, besides the contents and end offset, the
// reported length of the string Wireshark hands on (-1: none).
func berOctetStringNested(p *packet, t tvb, off, nest int) ([]byte, int, int) {
	h := berReadHeader(t, off)
	end := h.end()
	if h.class != berClassApplication && h.class != berClassPrivate &&
		(h.class != berClassUniversal || (h.tag < berTagNumericStr && h.tag != berTagOctetString && h.tag != berTagUTF8String)) {
		t.ensureItem(h.start, 2)
		return nil, -1, end
	}
	if h.pc {
		if h.length == 0 {
			return nil, -1, h.body
		}
		return nil, 1, berReassembleOctetString(p, t, h.body, h.length, h.ind, nest)
	}
	n := t.reportedRemaining(h.body)
	if n < 1 {
		return nil, -1, end
	}
	n = min(n, h.length)
	return t.bytes(h.body, n), n, end
}

// berReassembleOctetString is reassemble_octet_string: the parts of a
// constructed string, each itself a string, until its length (or the
// end-of-contents octets) is reached. While it runs the packet counts as
// fragmented, so that a short part is reported as an unreassembled one.
func berReassembleOctetString(p *packet, t tvb, off, length int, ind bool, nest int) int {
	if nest > berMaxNesting {
		panic(excReported)
	}
	start := off
	p.fragmented = true
	for first := true; ; first = false {
		_, n, next := berOctetStringNested(p, t, off, nest+1)
		if n < 0 {
			panic(excReported)
		}
		off = next
		more := true
		if ind {
			if t.u8(off) == 0 && t.u8(off+1) == 0 {
				more = false
				off += 2
			}
		} else if off-start >= length {
			more = false
		}
		if !more && first {
			break
		}
		if n < 1 {
			panic(excReported)
		}
		if !more {
			break
		}
	}
	p.fragmented = false // (not restored: Wireshark clears it)
	return off
}
