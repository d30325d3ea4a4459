package decode

import "bytes"

// POP, as packet-pop.c shows it: "C: line" / "S: line" for commands and
// status replies, "S: DATA fragment, N bytes" for message text, and the
// message through IMF (Protocol "POP/IMF") once the size announced by the
// "+OK n octets" reply to RETR or TOP has arrived.

// popSession is struct pop_data_val, plus the message being collected.
type popSession struct {
	msgRequest  bool
	stlsRequest bool
	msgReadLen  uint32
	msgTotLen   uint32

	msg       []byte
	msgParts  int
	msgTooBig bool
}

func init() {
	registerTCPPort(dissectPOP, 110)
}

// dissectPOP is dissect_pop.
func dissectPOP(p *packet, t tvb) int {
	p.setProto("POP")
	if p.conv == nil {
		return 0
	}
	s := appState(p.conv, "pop", func() *popSession { return &popSession{} })
	lineLen, _ := findTextLine(t, 0, false)
	line := t.bytes(0, lineLen)
	isRequest := p.matchPort == p.dstPort
	// The line is copied as a C string: "+OK"/"-ERR" are compared up to a NUL.
	cline := line
	if i := bytes.IndexByte(cline, 0); i >= 0 {
		cline = cline[:i]
	}
	isContinuation := !isRequest && !bytes.HasPrefix(cline, []byte("+OK")) && !bytes.HasPrefix(cline, []byte("-ERR"))

	if isContinuation {
		n := t.reportedRemaining(0)
		p.setInfo("S: DATA fragment, ")
		p.appendInfoUint(uint64(n))
		if n == 1 {
			p.appendInfo(" byte")
		} else {
			p.appendInfo(" bytes")
		}
		s.msgReadLen += uint32(t.reported)
		more := s.msgReadLen < s.msgTotLen
		if msg, ok := s.addPart(t, more); ok {
			mailHandToIMF(p, newRealTvb(msg))
			s.msgReadLen, s.msgTotLen = 0, 0
		}
		return t.len()
	}
	if isRequest {
		p.setInfo("C: ")
	} else {
		p.setInfo("S: ")
	}
	p.appendInfoText(line)

	if ftpTokenLen(cline) == 0 {
		return t.len()
	}
	if isRequest {
		if hasPrefixFold(cline, "RETR") || hasPrefixFold(cline, "TOP") {
			s.msgRequest = true
		}
		if hasPrefixFold(cline, "STLS") {
			s.stlsRequest = true
		}
		return t.len()
	}
	if s.msgRequest {
		if len(cline) > 4 && hasPrefixFold(cline, "+OK ") {
			s.msgReadLen, s.msgTotLen = 0, 0
			if n, ok := popOctets(cline); ok {
				s.msgTotLen = n
			}
		}
		s.msgRequest = false
	}
	if s.stlsRequest {
		if hasPrefixFold(cline, "+OK ") {
			popStartTLS(p)
		}
		s.stlsRequest = false
	}
	return t.len()
}

// popStartTLS is where POP hands the conversation to TLS after "+OK" to
// STLS (ssl_starttls_ack: this frame is the last plain one).
func popStartTLS(p *packet) { textStartTLS(p, "pop", false) }

// popOctets is sscanf(line, "%*s %u %*s"): the second word as a number.
func popOctets(line []byte) (uint32, bool) {
	isSpace := func(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }
	i := 0
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	if i == len(line) {
		return 0, false
	}
	for i < len(line) && !isSpace(line[i]) {
		i++
	}
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	neg := false
	if i < len(line) && (line[i] == '+' || line[i] == '-') {
		neg = line[i] == '-'
		i++
	}
	start := i
	var v uint64
	for ; i < len(line) && isASCIIDigit(line[i]); i++ {
		if v < 1<<40 {
			v = v*10 + uint64(line[i]-'0')
		}
	}
	if i == start {
		return 0, false
	}
	if v > 0xffffffff {
		v = 0xffffffff
	}
	if neg {
		v = -v
	}
	return uint32(v), true
}

// addPart is fragment_add_seq_next plus process_reassembled_data: the
// whole segment joins the message; when it is the last part the message
// comes back (a one-part message is the segment itself).
func (s *popSession) addPart(t tvb, more bool) ([]byte, bool) {
	if !s.msgTooBig && len(s.msg)+len(t.b) <= smtpMaxMessage {
		s.msg = append(s.msg, t.b...)
	} else {
		s.msgTooBig = true
	}
	s.msgParts++
	if more {
		return nil, false
	}
	msg, parts, tooBig := s.msg, s.msgParts, s.msgTooBig
	s.msg, s.msgParts, s.msgTooBig = nil, 0, false
	if tooBig {
		return nil, false
	}
	if parts == 1 {
		return t.b, true
	}
	return msg, true
}
