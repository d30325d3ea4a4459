package decode

import (
	"bytes"
	"math"
	"strconv"
	"unicode/utf8"
)

// SIP (packet-sip.c) with SDP bodies (packet-sdp.c adds "/SDP" to the
// Protocol column). Per message Info is "Request: <line without the
// version>", "Unknown request: ..." or "Status: <code> <reason>", then
// ", in-dialog", REGISTER binding counts and the CSeq method of a 200,
// and always " | " followed by a fence, so that several messages in one
// segment line up.

func init() {
	registerUDPPort(dissectSIPUDP, 5060)
	registerTCPPort(dissectSIPTCP, 5060)
	registerUDPHeuristic("sip", sipHeuristicUDP)
	registerTCPHeuristic("sip", sipHeuristicTCP)
	registerMediaType(dissectSDPMedia, "application/sdp")
}

const (
	sipVersion         = "SIP/2.0"
	sipMaxCSeqMethod   = 16 // MAX_CSEQ_METHOD_SIZE, terminator included
	sipTCPLineSearch   = 1500
	sipNotSIP          = -2
	sipNeedMore        = -1
	sipMethodInvite    = "INVITE"
	sipMethodSubscribe = "SUBSCRIBE"
	sipMethodRefer     = "REFER"
	sipMethodRegister  = "REGISTER"
)

var sipMethods = [...]string{"ACK", "BYE", "CANCEL", "DO", "INFO", "INVITE", "MESSAGE",
	"NOTIFY", "OPTIONS", "PRACK", "QAUTH", "REFER", "REGISTER", "SPRACK", "SUBSCRIBE",
	"UPDATE", "PUBLISH"}

type sipLineType uint8

const (
	sipOtherLine sipLineType = iota
	sipRequestLine
	sipStatusLine
)

func dissectSIPUDP(p *packet, t tvb) int {
	if t.u8(0)&0xf8 == 0xf8 { // SigComp-compressed: not decoded here
		return 0
	}
	n := p.sipMessage(t, 0, t.reported, false, false)
	if n < 0 {
		return 0
	}
	return max(n, 1)
}

func sipHeuristicUDP(p *packet, t tvb) bool {
	return p.sipMessage(t, 0, t.len(), false, false) > 0
}

// dissectSIPTCP is dissect_sip_tcp: messages one after the other, each
// complete (headers, then a body of Content-Length bytes).
func dissectSIPTCP(p *packet, t tvb) int {
	octet := t.u8(0)
	if octet&0xf8 == 0xf8 {
		return 0
	}
	remaining := t.reported
	if remaining == 1 && (octet < 0x20 || octet >= 0x7f) {
		return 0
	}
	off := 0
	for first := true; first || remaining > 0; first = false {
		if remaining < sipTCPLineSearch && sipLineEnd(t, off, remaining) < 0 {
			p.desegmentOffset, p.desegmentLen = off, desegmentOneMoreSegment
			return max(off, 1)
		}
		n := p.sipMessage(t, off, remaining, true, true)
		if n <= 0 {
			return max(off, 1)
		}
		off += n
		remaining -= n
	}
	return max(off, 1)
}

func sipHeuristicTCP(p *packet, t tvb) bool {
	off, remaining := 0, t.len()
	for first := true; remaining > 0; first = false {
		n := p.sipMessage(t, off, remaining, !first, true)
		if n == sipNotSIP {
			return !first
		}
		if n == sipNeedMore {
			break
		}
		off += n
		remaining -= n
	}
	return true
}

// sipLineEnd is the length of the line at off when it is terminated
// within n bytes, else -1.
func sipLineEnd(t tvb, off, n int) int {
	b := t.b[off:min(off+n, len(t.b))]
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		return i
	}
	return -1
}

// sipFindLine is tvb_find_line_end without the "must be complete" rule:
// the line's length and the offset after its terminator.
func sipFindLine(b []byte, off int) (int, int) {
	i := bytes.IndexAny(b[off:], "\r\n")
	if i < 0 {
		return len(b) - off, len(b)
	}
	next := off + i + 1
	if b[off+i] == '\r' && next < len(b) && b[next] == '\n' {
		next++
	}
	return i, next
}

// sipFindLineEnd is tvb_find_line_end (no desegmentation) over n bytes
// from off, searched as far as they are captured: a line without a
// terminator runs to off+n, captured or not, and a CR with more bytes
// reported after it reads the next byte.
func sipFindLineEnd(t tvb, off, n int) (int, int) {
	i := bytes.IndexAny(t.b[off:min(len(t.b), off+n)], "\r\n")
	if i < 0 {
		return n, off + n
	}
	eol := off + i
	if t.b[eol] == '\r' && eol+1 < off+n && t.u8(eol+1) == '\n' {
		eol++
	}
	return i, eol + 1
}

// sipParseLine is sip_parse_line; like Wireshark it looks for the spaces
// beyond the line itself.
func sipParseLine(b []byte, off, lineLen int) (sipLineType, int) {
	sp := bytes.IndexByte(b[off:], ' ')
	if sp <= 0 {
		return sipOtherLine, 0
	}
	tok1 := sp
	tok2Start := off + sp + 1
	sp = bytes.IndexByte(b[tok2Start:], ' ')
	if sp < 0 {
		return sipOtherLine, tok1
	}
	tok2Len := sp
	tok3Start := tok2Start + sp + 1
	tok3Len := off + lineLen - tok3Start
	if tok1 == len(sipVersion) && string(b[off:off+tok1]) == sipVersion {
		if tok2Len != 3 {
			return sipOtherLine, tok1
		}
		for i := 0; i < 3; i++ {
			if c := b[tok2Start+i]; c < '0' || c > '9' {
				return sipOtherLine, tok1
			}
		}
		return sipStatusLine, tok1
	}
	if tok2Len < 3 {
		return sipOtherLine, tok1
	}
	colon := bytes.IndexByte(b[tok2Start+1:], ':')
	if colon < 0 || tok2Start+1+colon >= tok3Start {
		return sipOtherLine, tok1
	}
	if tok3Len != len(sipVersion) || tok3Start+tok3Len > len(b) || string(b[tok3Start:tok3Start+tok3Len]) != sipVersion {
		return sipOtherLine, tok1
	}
	return sipRequestLine, tok1
}

// sipMessage is dissect_sip_common on the message at off: the bytes it
// used, sipNotSIP or sipNeedMore.
func (p *packet) sipMessage(t tvb, off, remaining int, otherAsContinuation, reassemble bool) int {
	b := t.b
	if off > len(b) {
		return sipNotSIP
	}
	if !otherAsContinuation {
		if remaining < 1 {
			return sipNotSIP
		}
		if c := t.u8(off); c < 0x20 || c >= 0x7f {
			return sipNotSIP
		}
	}
	lineLen, next := sipFindLineEnd(t, off, remaining)
	if lineLen == 0 {
		return sipNotSIP
	}
	if bytes.IndexByte(b[off:min(len(b), off+lineLen)], 0) >= 0 {
		return sipNotSIP
	}
	lineType, tok1 := sipParseLine(b, off, lineLen)
	if lineType == sipOtherLine {
		if !otherAsContinuation {
			return sipNotSIP
		}
	} else if reassemble && p.ptype == portTCP && p.canDesegment > 0 {
		if need := sipNeedsMore(b, off); need != 0 {
			p.desegmentOffset, p.desegmentLen = off, need
			return sipNeedMore
		}
	}
	p.setProto("SIP")
	method := ""
	status := 0
	switch lineType {
	case sipRequestLine:
		method = string(b[off : off+tok1])
		known := false
		for _, m := range sipMethods {
			if m == method {
				known = true
			}
		}
		t.ensureItem(off, lineLen-len(sipVersion)-1) // read before Info is set
		if known {
			p.setInfo("Request: ")
		} else {
			p.setInfo("Unknown request: ")
			method = ""
		}
		p.appendInfoText(b[off : off+lineLen-len(sipVersion)-1])
	case sipStatusLine:
		t.ensureItem(off+len(sipVersion)+1, lineLen-len(sipVersion)-1)
		p.setInfo("Status: ")
		p.appendInfoText(b[off+len(sipVersion)+1 : off+lineLen])
		status, _ = strconv.Atoi(string(b[off+len(sipVersion)+1 : off+len(sipVersion)+4]))
	default:
		p.setInfo("Continuation")
		t.ensureItem(off, lineLen)
		t.ensureItem(off, next) // the subtree's length is next's offset (sic)
		t.ensureItem(off, 1)    // "Continuation data", to the end
		return remaining
	}
	start := off
	off = next
	// The "Message Header" item spans the rest of the message as reported.
	t.ensureItem(off, remaining-(off-start))

	var (
		contacts, contactsExp0, contactsExpUnknown uint8 // guchar, as in Wireshark
		contactStar, expires0                      bool
		cseqMethod                                 string
		contentLength                              = -1
		mediaType                                  string
		mediaParams                                []byte
	)
	end := min(len(b), start+remaining)
	unterminatedEnd := -1
	for off < end {
		lineLen, next := sipFindLine(b[:end], off)
		if lineLen == 0 {
			off = next
			break
		}
		lineEnd := off + lineLen
		// The last line of the packet gets a "not terminated" expert item
		// of length -1 at its end, which needs a byte there.
		unterminated := next >= t.reported
		for !unterminated && next < end && (b[next] == ' ' || b[next] == '\t') { // folded header
			l, n := sipFindLine(b[:end], next)
			lineEnd = next + l
			next = n
		}
		if unterminated {
			unterminatedEnd = lineEnd
		}
		line := b[off:lineEnd]
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			off = next
			continue
		}
		name := string(bytes.ToLower(line[:colon]))
		value := bytes.TrimLeft(line[colon+1:], " \t")
		switch name {
		case "to", "t":
			if method == sipMethodInvite || method == sipMethodSubscribe || method == sipMethodRefer {
				// "tag=" is looked for after the name-addr, or from the
				// header's start when it does not parse.
				from := off
				if _, nameAddrEnd := sipNameAddrOrAddrSpec(t, lineEnd-len(value), lineEnd+2); nameAddrEnd != -1 {
					from = nameAddrEnd + 1
				}
				for from < lineEnd && !(from+4 <= len(b) && string(b[from:from+4]) == "tag=") {
					from++
				}
				if from < lineEnd {
					p.appendInfo(", in-dialog")
				}
			}
		case "cseq":
			// The value is scanned as tvb_get_string_enc returns it (invalid
			// UTF-8 bytes become U+FFFD), for as many bytes as the header has.
			v := sipUTF8(value)
			i := 0
			for i < len(value) && v[i] >= '0' && v[i] <= '9' {
				i++
			}
			for i < len(value) && !sipIsAlpha(v[i]) {
				i++
			}
			if i == len(value) || len(value)-i > sipMaxCSeqMethod {
				return off - start // no usable method: the message stops here
			}
			m := v[i:]
			if z := bytes.IndexByte(m, 0); z >= 0 {
				m = m[:z]
			}
			cseqMethod = string(m[:min(len(m), sipMaxCSeqMethod-1)])
		case "expires":
			// tvb_strneql(value, "0", len(value)): strncmp stops at the NUL.
			if len(value) == 0 || value[0] == '0' && (len(value) == 1 || value[1] == 0) {
				expires0 = true
			}
		case "contact", "m":
			valueOff := lineEnd - len(value)
			if t.u8(valueOff) == '*' {
				contactStar = true
				break
			}
			for item := valueOff; ; item++ {
				item = sipContactItem(t, item, next, &contactsExp0, &contactsExpUnknown)
				if item == -1 {
					break
				}
				contacts++
				if item == next || t.u8(item) != ',' {
					break
				}
			}
		case "content-length", "l":
			contentLength = int(int32(sipStrtou32(sipUTF8(value))))
		case "content-type", "c":
			mt := value
			if i := bytes.IndexByte(mt, ';'); i >= 0 {
				mt = bytes.TrimRight(mt[:i], " \t")
				mediaParams = bytes.TrimLeft(value[i+1:], " \t")
			}
			mediaType = string(bytes.ToLower(mt))
		}
		off = next
	}
	if unterminatedEnd >= 0 {
		t.ensureItem(unterminatedEnd, 1)
	}
	if expires0 {
		contactsExp0 += contactsExpUnknown
	}
	if method == sipMethodRegister {
		switch {
		case contactStar && expires0:
			p.appendInfo("  (remove all bindings)")
		case contactsExp0 > 0:
			p.appendInfo("  (remove " + sipBindings(contactsExp0) + ")")
			if contacts > contactsExp0 {
				p.appendInfo(" (add " + sipBindings(contacts-contactsExp0) + ")")
			}
		case contacts == 0:
			p.appendInfo("  (fetch bindings)")
		default:
			p.appendInfo("  (" + sipBindings(contacts) + ")")
		}
	}
	if lineType == sipStatusLine {
		if status == 200 {
			p.appendInfo(" (" + cseqMethod + ")")
		}
		if cseqMethod == sipMethodRegister && status > 199 && status < 300 {
			if contactsExp0 > 0 {
				p.appendInfo("  (removed " + sipBindings(contactsExp0) + ")")
				if contacts > contactsExp0 {
					p.appendInfo(" (" + sipBindings(contacts-contactsExp0) + " kept)")
				}
			} else {
				p.appendInfo("  (" + sipBindings(contacts) + ")")
			}
		}
	}
	p.appendInfo(" | ")
	if !p.readOnly {
		p.info.setFence()
	}

	bodyLen := t.reportedRemaining(off)
	capLen := t.remaining(off)
	if contentLength >= 0 {
		bodyLen = min(bodyLen, contentLength)
		capLen = min(capLen, contentLength)
	}
	if bodyLen > 0 && mediaType != "" {
		// The body goes to the "media_type" table (SDP, text, XML ...);
		// unlike HTTP, SIP has no default media dissector after it.
		body := t.subCap(off, min(capLen, bodyLen), bodyLen)
		mi := mediaInfo{match: mediaType, params: mediaParams}
		fn := lookupMediaType(mediaType)
		if fn == nil && len(mediaType) >= 10 && mediaType[:10] == "multipart/" {
			fn = lookupMediaType("multipart/")
		}
		if fn != nil {
			fn(p, body, &mi)
		}
	}
	return off + bodyLen - start
}

// dissectSDPMedia is the SDP dissector as far as the columns go: it adds
// "/SDP" to the Protocol column.
func dissectSDPMedia(p *packet, t tvb, mi *mediaInfo) int {
	p.sipAppendProto("/SDP")
	return max(t.len(), 1)
}

// sipNeedsMore is req_resp_hdrs_do_reassembly for a message at off: how
// many more bytes TCP must collect (0 when the message is complete).
func sipNeedsMore(b []byte, off int) int {
	end := bytes.Index(b[off:], []byte("\r\n\r\n"))
	sep := 4
	if e2 := bytes.Index(b[off:], []byte("\n\n")); e2 >= 0 && (end < 0 || e2 < end) {
		end, sep = e2, 2
	}
	if end < 0 {
		return desegmentOneMoreSegment
	}
	headers := b[off : off+end]
	bodyStart := off + end + sep
	for _, line := range bytes.Split(headers, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			continue
		}
		name := string(bytes.ToLower(bytes.TrimSpace(line[:colon])))
		if name != "content-length" && name != "l" {
			continue
		}
		v, err := strconv.ParseUint(string(bytes.TrimSpace(line[colon+1:])), 10, 31)
		if err != nil {
			return 0
		}
		if have := len(b) - bodyStart; have < int(v) {
			return int(v) - have
		}
		return 0
	}
	return 0
}

// sipFind is tvb_find_guint8 over the captured bytes: n bytes from off
// (to the end when n is negative or runs past it).
func sipFind(b []byte, off, n int, c byte) int {
	end := len(b)
	if n >= 0 && off+n < end {
		end = off + n
	}
	if off >= end {
		return -1
	}
	if i := bytes.IndexByte(b[off:end], c); i >= 0 {
		return off + i
	}
	return -1
}

// sipPbrk is tvb_ws_mempbrk_pattern_guint8: the first of set within n
// bytes from off, and which it is.
func sipPbrk(b []byte, off, n int, set string) (int, byte) {
	end := len(b)
	if n >= 0 && off+n < end {
		end = off + n
	}
	if off >= end {
		return -1, 0
	}
	if i := bytes.IndexAny(b[off:end], set); i >= 0 {
		return off + i, b[off+i]
	}
	return -1, 0
}

// sipSkipWSP is tvb_skip_wsp: past spaces and tabs, within n bytes.
func sipSkipWSP(b []byte, off, n int) int {
	end := min(off+n, len(b))
	for off < end && (b[off] == ' ' || b[off] == '\t') {
		off++
	}
	return off
}

// sipNameAddrOrAddrSpec is dissect_sip_name_addr_or_addr_spec with
// dissect_sip_uri, for where the URI and the name-addr end (-1, -1 when
// it does not parse).
func sipNameAddrOrAddrSpec(t tvb, start, end int) (uriEnd, nameAddrEnd int) {
	b := t.b
	cur := sipSkipWSP(b, start, end-start)
	if cur >= end {
		return -1, -1
	}
	withoutAngles := false
	switch t.u8(cur) {
	case '"': // a display name: up to the next unescaped quote, then '<'
		for {
			q := sipFind(b, cur+1, end-(cur+1), '"')
			if q == -1 {
				return -1, -1
			}
			cur = q
			i := 1
			for b[q-i] == '\\' {
				i++
			}
			if (i-1)%2 == 0 || cur >= end {
				break
			}
		}
		if cur >= end {
			return -1, -1
		}
		q := sipFind(b, cur, end-cur, '<')
		if q == -1 {
			return -1, -1
		}
		cur = q + 1
	case '<':
		cur++
	default:
		q := sipFind(b, cur, end-cur, '<')
		colon := sipFind(b, cur, end-cur, ':')
		switch {
		case q != -1 && colon != -1 && q < colon, q != -1 && colon == -1:
			cur = q + 1
		case colon != -1:
			withoutAngles = true
		default:
			return -1, -1
		}
	}
	uriEnd, nameAddrEnd = -1, -1
	if !withoutAngles {
		q := sipFind(b, cur, end-cur, '>')
		if q == -1 {
			return -1, -1
		}
		uriEnd, nameAddrEnd = q-1, q
	}
	cur = sipSkipWSP(b, cur, end-cur)
	if cur >= end {
		return -1, -1
	}
	if !(cur+3 <= len(b) && string(b[cur:cur+3]) == "sip") {
		if uriEnd != -1 {
			return uriEnd, nameAddrEnd
		}
		return -1, -1
	}
	if uriEnd == -1 {
		if e, _ := sipPbrk(b, cur, end-cur, ",;"); e != -1 {
			uriEnd = e - 1
		} else {
			uriEnd = end - 3 // without the CRLF
		}
		nameAddrEnd = uriEnd
	}
	return uriEnd, nameAddrEnd
}

// sipContactItem is dissect_sip_contact_item for the item at start of a
// Contact header whose line (terminator included) ends at end: where
// parsing stopped, or -1. It counts expires=0 and unknown-expiry items.
func sipContactItem(t tvb, start, end int, exp0, expUnknown *uint8) int {
	b := t.b
	start = sipSkipWSP(b, start, end-start)
	if start >= end {
		return -1
	}
	uriEnd, nameAddrEnd := sipNameAddrOrAddrSpec(t, start, end)
	if nameAddrEnd == -1 {
		return -1
	}
	comma := sipFind(b, uriEnd, end-uriEnd, ',')
	paramStart := sipFind(b, uriEnd, end-uriEnd, ';')
	if comma != -1 && (comma < paramStart || paramStart == -1) {
		*expUnknown++
		return comma
	}
	if paramStart == -1 {
		*expUnknown++
		return end
	}
	paramStart++
	cur, q := paramStart, paramStart
	endOfHeader, hasExpires := false, false
	for cur < end {
		var c byte
		q++
		if q < end {
			q, c = sipPbrk(b, q, end-q, "\r\n,;\"")
		} else {
			q = -1
		}
		if q != -1 && (c == '\r' || c == '\n') {
			endOfHeader = true
		}
		switch {
		case q == -1:
			cur = end
		case c == '"':
			if q = sipFind(b, q+1, end-q, '"'); q == -1 {
				cur = end
			} else {
				var c2 byte
				if cur, c2 = sipPbrk(b, q+1, end-q, ",;"); cur == -1 {
					cur = end
				} else {
					c = c2
				}
			}
		default:
			cur = q
		}
		if paramStart+8 <= len(b) && bytes.EqualFold(b[paramStart:paramStart+8], []byte("expires=")) {
			v, ok := sipStrtoi32(sipUTF8(b[paramStart+8 : max(cur, paramStart+8)]))
			if !ok {
				return paramStart + 8
			}
			if v == 0 {
				*exp0++
			} else {
				hasExpires = true
			}
		}
		paramStart = cur + 1
		q = paramStart
		if endOfHeader {
			cur = end
		}
		if c == ',' {
			break
		}
	}
	if !hasExpires {
		*expUnknown++
	}
	return cur
}

// sipUTF8 is the string tvb_get_string_enc(ENC_UTF_8) returns: invalid
// bytes become U+FFFD.
func sipUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+8)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			out = append(out, "\uFFFD"...)
			i++
			continue
		}
		out = append(out, b[i:i+size]...)
		i += size
	}
	return out
}

// sipCString is a string as C sees it: up to its first NUL.
func sipCString(s []byte) []byte {
	if z := bytes.IndexByte(s, 0); z >= 0 {
		return s[:z]
	}
	return s
}

// sipStrtou32 is ws_strtou32 without an end pointer, for the value it
// leaves: the number when the whole string (up to a NUL) is one, the
// maximum when it is too large, else 0. Leading white space is skipped;
// a sign is refused.
func sipStrtou32(s []byte) uint32 {
	s = sipCString(s)
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		return 0
	}
	digits := i
	var v uint64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if v <= math.MaxUint32 {
			v = v*10 + uint64(s[i]-'0')
		}
	}
	if i == digits || i != len(s) {
		return 0
	}
	return uint32(min(v, math.MaxUint32))
}

// sipStrtoi32 is ws_strtoi32 without an end pointer: the whole string
// (up to a NUL) must be a decimal number in the int32 range.
func sipStrtoi32(s []byte) (int32, bool) {
	s = sipCString(s)
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	digits := i
	var v int64
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if v <= math.MaxInt32+1 {
			v = v*10 + int64(s[i]-'0')
		}
	}
	if i == digits || i != len(s) {
		return 0, false
	}
	if neg {
		v = -v
	}
	if v < math.MinInt32 || v > math.MaxInt32 {
		return 0, false
	}
	return int32(v), true
}

func sipBindings(n uint8) string {
	if n == 1 {
		return "1 binding"
	}
	return strconv.Itoa(int(n)) + " bindings"
}

func sipIsAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// sipAppendProto appends to the Protocol column (col_append_str).
func (p *packet) sipAppendProto(s string) {
	if !p.readOnly && !p.protoReadOnly {
		p.proto.appendStr(s)
	}
}
