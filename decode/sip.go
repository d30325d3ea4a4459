package decode

import (
	"bytes"
	"strconv"
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
	lineLen, next := sipFindLine(b[:min(len(b), off+remaining)], off)
	if lineLen == 0 {
		return sipNotSIP
	}
	if bytes.IndexByte(b[off:off+lineLen], 0) >= 0 {
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
		if known {
			p.setInfo("Request: ")
		} else {
			p.setInfo("Unknown request: ")
			method = ""
		}
		p.appendInfoText(b[off : off+lineLen-len(sipVersion)-1])
	case sipStatusLine:
		p.setInfo("Status: ")
		p.appendInfoText(b[off+len(sipVersion)+1 : off+lineLen])
		status, _ = strconv.Atoi(string(b[off+len(sipVersion)+1 : off+len(sipVersion)+4]))
	default:
		p.setInfo("Continuation")
		return remaining
	}
	start := off
	off = next

	var (
		contacts, contactsExp0, contactsExpUnknown int
		contactStar, expires0                      bool
		cseqMethod                                 string
		contentLength                              = -1
		mediaType                                  string
		mediaParams                                []byte
	)
	end := min(len(b), start+remaining)
	for off < end {
		lineLen, next := sipFindLine(b[:end], off)
		if lineLen == 0 {
			off = next
			break
		}
		lineEnd := off + lineLen
		for next < end && (b[next] == ' ' || b[next] == '\t') { // folded header
			l, n := sipFindLine(b[:end], next)
			lineEnd = next + l
			next = n
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
				rest := value
				if i := bytes.IndexByte(rest, '>'); i >= 0 {
					rest = rest[i+1:]
				}
				if bytes.Contains(rest, []byte("tag=")) {
					p.appendInfo(", in-dialog")
				}
			}
		case "cseq":
			i := 0
			for i < len(value) && value[i] >= '0' && value[i] <= '9' {
				i++
			}
			for i < len(value) && !sipIsAlpha(value[i]) {
				i++
			}
			if i == len(value) || len(value)-i > sipMaxCSeqMethod {
				return off - start // no usable method: the message stops here
			}
			cseqMethod = string(value[i:min(len(value), i+sipMaxCSeqMethod-1)])
		case "expires":
			if string(value) == "0" {
				expires0 = true
			}
		case "contact", "m":
			if len(value) > 0 && value[0] == '*' {
				contactStar = true
				break
			}
			n, zero, unknown := sipCountContacts(value)
			contacts += n
			contactsExp0 += zero
			contactsExpUnknown += unknown
		case "content-length", "l":
			if v, err := strconv.ParseUint(string(value), 10, 32); err == nil {
				contentLength = int(v)
			} else {
				contentLength = 0
			}
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

// sipCountContacts counts the contacts of one Contact header value and
// how many carry expires=0 or no expires parameter at all.
func sipCountContacts(v []byte) (n, zero, unknown int) {
	for len(v) > 0 && n < 255 {
		v = bytes.TrimLeft(v, " \t")
		if len(v) == 0 {
			break
		}
		// The item runs to a comma outside quotes and angle brackets.
		i, inQuote, inAngle := 0, false, false
		for ; i < len(v); i++ {
			switch c := v[i]; {
			case c == '"':
				inQuote = !inQuote
			case c == '<' && !inQuote:
				inAngle = true
			case c == '>' && !inQuote:
				inAngle = false
			case c == ',' && !inQuote && !inAngle:
				goto done
			}
		}
	done:
		item := v[:i]
		n++
		params := item
		if j := bytes.LastIndexByte(item, '>'); j >= 0 {
			params = item[j+1:]
		}
		found := false
		for _, prm := range bytes.Split(params, []byte(";"))[1:] {
			prm = bytes.TrimSpace(prm)
			if len(prm) >= 8 && bytes.EqualFold(prm[:8], []byte("expires=")) {
				found = true
				if x, err := strconv.ParseInt(string(prm[8:]), 10, 32); err == nil && x == 0 {
					zero++
				}
				break
			}
		}
		if !found {
			unknown++
		}
		if i >= len(v) {
			break
		}
		v = v[i+1:]
	}
	return n, zero, unknown
}

func sipBindings(n int) string {
	if n == 1 {
		return "1 binding"
	}
	return strconv.Itoa(n) + " bindings"
}

func sipIsAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// sipAppendProto appends to the Protocol column (col_append_str).
func (p *packet) sipAppendProto(s string) {
	if !p.readOnly && !p.protoReadOnly {
		p.proto.appendStr(s)
	}
}
