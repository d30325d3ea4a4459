package decode

import "strconv"

// RESP (Redis), as packet-resp.c shows it: "Request:" followed by the
// words of the command array, "Response:" followed by simple strings,
// integers, errors, bulk strings and array sizes at the top level.

const (
	respMaxDepth       = 30  // MAX_ARRAY_DEPTH_TO_RECURSE
	respMaxBulkDisplay = 100 // BULK_STRING_MAX_DISPLAY
)

func init() {
	registerTCPPort(dissectRESP, 6379)
}

// respLine carries what the element functions need about the segment.
type respLine struct {
	p          *packet
	t          tvb
	isRequest  bool
	isResponse bool
	canDeseg   bool
}

// dissectRESP is dissect_resp.
func dissectRESP(p *packet, t tvb) int {
	p.setProto("RESP")
	p.clearInfo()
	r := respLine{
		p:          p,
		t:          t,
		isRequest:  p.matchPort == p.dstPort,
		isResponse: p.matchPort == p.srcPort,
		canDeseg:   p.canDesegment != 0,
	}
	if r.isResponse {
		p.appendInfo("Response:")
	} else {
		p.appendInfo("Request:")
	}
	n := r.loop(0, 0, -1)
	if n == -1 {
		p.appendInfo(" [continuation]")
		return t.len()
	}
	return n
}

// loop is dissect_resp_loop: elements from offset, at most expected of
// them (-1: all). It returns the offset reached, or -1 after asking TCP
// for more.
func (r *respLine) loop(offset, depth int, expected int64) int {
	done := int64(0)
	for r.t.has(offset, 1) {
		if expected >= 0 && done == expected {
			return offset
		}
		lineLen, _ := findTextLine(r.t, offset, r.canDeseg)
		if lineLen == -1 {
			r.p.desegmentOffset = offset
			r.p.desegmentLen = desegmentOneMoreSegment
			return -1
		}
		n := r.message(offset, lineLen, depth)
		if n == -1 {
			return -1
		}
		done++
		offset += n
	}
	return offset
}

// respString is tvb_get_string_enc(..., ENC_ASCII) as a C string: up to a
// NUL, high bytes as U+FFFD.
func respString(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	return appendASCIIString(nil, b)
}

// respStrtoll is g_ascii_strtoll(s, NULL, 10).
func respStrtoll(s []byte) int64 {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var v int64
	for ; i < len(s) && isASCIIDigit(s[i]); i++ {
		d := int64(s[i] - '0')
		if v > (1<<63-1-d)/10 {
			if neg {
				return -1 << 63
			}
			return 1<<63 - 1
		}
		v = v*10 + d
	}
	if neg {
		return -v
	}
	return v
}

// appendInfoSepBytes is col_append_sep_str(" ", s) for bytes.
func (r *respLine) appendSep(s []byte) {
	p := r.p
	if p.readOnly {
		return
	}
	if len(p.info.buf) > 0 {
		p.info.appendStr(" ")
	}
	p.info.appendBytes(s)
}

// message is dissect_resp_message: one element whose first line is
// lineLen bytes long.
func (r *respLine) message(offset, lineLen, depth int) int {
	t, p := r.t, r.p
	value := func() []byte { return t.bytes(offset+1, lineLen-1) }
	switch t.u8(offset) {
	case '+':
		s := respString(value())
		if r.isResponse && depth == 0 {
			r.appendSep(s)
		}
		return lineLen + 2
	case '-':
		s := respString(value())
		p.appendInfo(" Error: ")
		p.appendInfoBytes(s)
		return lineLen + 2
	case ':':
		v := respStrtoll(value())
		if r.isResponse && depth == 0 {
			p.appendInfo(" ")
			p.appendInfo(strconv.FormatInt(v, 10))
		}
		return lineLen + 2
	case '$':
		return r.bulkString(offset, lineLen, depth)
	case '*':
		return r.array(offset, lineLen, depth)
	}
	if lineLen == 0 {
		return 2
	}
	p.appendInfo(" [fragment]")
	t.ensure(offset, lineLen+2)
	return lineLen + 2
}

// bulkString is dissect_resp_bulk_string.
func (r *respLine) bulkString(offset, lineLen, depth int) int {
	t, p := r.t, r.p
	n := int(int32(respStrtoll(t.bytes(offset+1, lineLen-1))))
	if n < 0 {
		t.ensure(offset, lineLen+2)
		return lineLen + 2
	}
	dataOff := offset + lineLen + 2
	remaining := t.remaining(dataOff)
	capLen, capWithCRLF := n, n+2
	if remaining < n+2 {
		if r.canDeseg {
			p.desegmentOffset = offset
			p.desegmentLen = n + 2 - remaining
			return -1
		}
		capLen, capWithCRLF = remaining, remaining
		p.appendInfo(" [partial]")
	}
	t.ensure(offset, lineLen+2+capWithCRLF)
	s := respString(t.bytes(dataOff, capLen))
	ascii := true
	for _, c := range s {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	switch {
	case !ascii:
		if depth == 0 {
			p.appendInfo(" BulkString(")
			p.appendInfo(strconv.Itoa(n))
			p.appendInfo(")")
		}
	case r.isRequest && depth == 1:
		if n < respMaxBulkDisplay {
			r.appendSep(s)
		} else {
			p.appendInfo(" BulkString(")
			p.appendInfo(strconv.Itoa(n))
			p.appendInfo(")")
		}
	case r.isResponse && depth == 0 && n < respMaxBulkDisplay:
		r.appendSep(s)
	case depth == 0:
		p.appendInfo(" BulkString(")
		p.appendInfo(strconv.Itoa(n))
		p.appendInfo(")")
	}
	return lineLen + 2 + capWithCRLF
}

// array is dissect_resp_array.
func (r *respLine) array(offset, lineLen, depth int) int {
	t, p := r.t, r.p
	n := respStrtoll(t.bytes(offset+1, lineLen-1))
	t.ensure(offset, lineLen+2)
	if n <= 0 || depth > respMaxDepth {
		return lineLen + 2
	}
	if !t.has(offset+lineLen+2, 1) && r.canDeseg {
		p.desegmentOffset = offset
		p.desegmentLen = desegmentOneMoreSegment
		return -1
	}
	if r.isResponse && depth == 0 {
		p.appendInfo(" Array(")
		p.appendInfo(strconv.FormatInt(n, 10))
		p.appendInfo(")")
	}
	end := r.loop(offset+lineLen+2, depth+1, n)
	if end == -1 {
		p.desegmentOffset = offset
		p.desegmentLen = desegmentOneMoreSegment
		return -1
	}
	return end - offset
}
