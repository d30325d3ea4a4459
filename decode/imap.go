package decode

import "bytes"

// IMAP, as packet-imap.c shows it: "Request: "/"Response: " and the first
// line of the segment that does not start with '*' (or, when every line
// does, the first bytes of the segment as long as its last line). It waits
// for whole lines, and for whole FETCH literals, which go to IMF.

// imapSession is imap_state_t.
type imapSession struct {
	sslRequested bool
	// sslHeurTriesLeft counts the first segments checked for being TLS
	// already (a capture that starts after STARTTLS).
	sslHeurTriesLeft int
}

func init() {
	registerTCPPort(dissectIMAP, 143)
}

// imapTokenLen is tvb_get_token_len without desegmentation, over
// b[off:off+n]: the token ends at a blank, CR or LF; next is past that byte.
func imapTokenLen(b []byte, off, n int) (tokenLen, next int) {
	end := min(off+n, len(b))
	if off > end {
		return 0, end
	}
	for i := off; i < end; i++ {
		if c := b[i]; c == ' ' || c == '\r' || c == '\n' {
			return i - off, i + 1
		}
	}
	return end - off, end
}

// dissectIMAP is dissect_imap.
func dissectIMAP(p *packet, t tvb) int {
	if p.conv == nil {
		return 0
	}
	s := appState(p.conv, "imap", func() *imapSession { return &imapSession{sslHeurTriesLeft: 2} })
	if s.sslHeurTriesLeft > 0 {
		s.sslHeurTriesLeft--
		if t.has(0, 5) && !imapPrintable(t.b[:5]) && tlsHandoffDissector != nil {
			s.sslHeurTriesLeft = 0
			imapStartTLS(p, true)
			return tlsHandoffDissector(p, t)
		}
	}
	p.setProto("IMAP")
	isRequest := p.matchPort == p.dstPort
	if n, _ := findTextLine(t, 0, true); n == -1 {
		p.desegmentOffset = 0
		p.desegmentLen = desegmentOneMoreSegment
		return t.len()
	}
	firstLine := true
	offset := 0
	lineLen := 0
	for t.has(offset, 1) {
		var next int
		lineLen, next = findTextLine(t, offset, true)
		if lineLen == -1 {
			p.desegmentOffset = offset
			p.desegmentLen = desegmentOneMoreSegment
			return t.len()
		}
		if t.b[offset] == '*' {
			var needMore bool
			if next, needMore = imapUntaggedLine(p, t, offset, next, &firstLine); needMore {
				p.desegmentOffset = offset
				p.desegmentLen = desegmentOneMoreSegment
				return t.len()
			}
		} else {
			if firstLine {
				p.imapSetInfo(isRequest, t.b[offset:offset+lineLen])
				firstLine = false
			}
			s.taggedLine(p, t, offset, lineLen, isRequest)
		}
		offset = next
	}
	if firstLine {
		// Every line was untagged: tshark shows as many bytes of the
		// segment as its last line has.
		p.imapSetInfo(isRequest, t.bytes(0, lineLen))
	}
	return t.len()
}

func (p *packet) imapSetInfo(isRequest bool, line []byte) {
	if isRequest {
		p.setInfo("Request: ")
	} else {
		p.setInfo("Response: ")
	}
	p.appendInfoText(line)
}

// imapPrintable is tvb_ascii_isprint.
func imapPrintable(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// imapStartTLS is where IMAP hands the conversation to TLS: after an OK to
// STARTTLS (this frame is the last plain one), or when a segment already
// looks like TLS (postAck: this frame is TLS).
func imapStartTLS(p *packet, postAck bool) { textStartTLS(p, "imap", postAck) }

// imapUntaggedLine looks at a line starting with '*': a FETCH response
// needs its whole literal, which goes to IMF. It returns where the next
// line starts, or that more data is needed.
func imapUntaggedLine(p *packet, t tvb, offset, next int, firstLine *bool) (int, bool) {
	type token struct{ start, end int }
	var tokens [3]token
	count := 0
	pattern := offset
	for {
		start := pattern + 1
		pattern = -1
		for i := start; i < next; i++ {
			if c := t.b[i]; c == ' ' || c == '\t' || c == '\r' || c == '\n' {
				pattern = i
				break
			}
		}
		if pattern > start {
			tokens[count] = token{start, pattern}
			count++
		}
		if pattern == -1 || count >= len(tokens) {
			break
		}
	}
	if count < 2 {
		return next, false
	}
	for _, tk := range tokens[:count] {
		word := t.b[tk.start:tk.end]
		if len(word) > 5 || !bytes.EqualFold(word, []byte("FETCH")[:len(word)]) {
			continue
		}
		return imapFetch(p, t, tk.end, next, firstLine)
	}
	return next, false
}

// imapFetch is dissect_imap_fetch.
func imapFetch(p *packet, t tvb, fetchOffset, next int, firstLine *bool) (int, bool) {
	paren := t.indexByte(fetchOffset, '(')
	if paren < 0 {
		return next, true
	}
	remaining := t.reportedRemaining(paren + 1)
	if remaining <= 0 {
		return next, true
	}
	sizeStart := imapFindByte(t, paren, remaining, '{')
	if sizeStart < 0 {
		if n, nx := findTextLine(t, paren, true); n >= 0 {
			return nx, false
		}
		return next, true
	}
	sizeEnd := imapFindByte(t, sizeStart+1, remaining-(sizeStart-paren), '}')
	if sizeEnd <= 0 {
		return next, true
	}
	size, ok := ftpParseUint32(t.b[sizeStart+1 : sizeEnd])
	if !ok {
		return next, true
	}
	litEnd := sizeEnd + int(size)
	if litEnd < sizeEnd || t.reportedRemaining(litEnd) <= 0 {
		return next, true
	}
	if imapFindByte(t, litEnd, t.reportedRemaining(litEnd), ')') < 0 {
		return next, true
	}
	*firstLine = false
	mailHandToIMF(p, t.subLen(next, int(size)))
	if next+int(size) > next {
		next += int(size)
	}
	return next, false
}

// imapFindByte is tvb_find_guint8 limited to n bytes from off.
func imapFindByte(t tvb, off, n int, c byte) int {
	if off < 0 || off > len(t.b) || n <= 0 {
		return -1
	}
	end := min(off+n, len(t.b))
	if i := bytes.IndexByte(t.b[off:end], c); i >= 0 {
		return off + i
	}
	return -1
}

// ftpParseUint32 is ws_strtou32 on a whole string.
func ftpParseUint32(s []byte) (uint32, bool) {
	if len(s) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range s {
		if !isASCIIDigit(c) {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
		if v > 0xffffffff {
			return 0, false
		}
	}
	return uint32(v), true
}

// imapFolderCommands are the commands packet-imap.c compares against, in
// its order: the first whose start equals the command wins.
var imapFolderCommands = [...]string{"select", "examine", "create", "delete", "rename",
	"subscribe", "unsubscribe", "status", "append", "search"}

// imapCommandIs is strncmp(command, name, len(command)) == 0.
func imapCommandIs(cmd []byte, name string) bool {
	return len(cmd) <= len(name) && string(cmd) == name[:len(cmd)]
}

// taggedLine follows the tag and command of a line that is not untagged:
// STARTTLS and its OK, and LOGIN's password (which can raise).
func (s *imapSession) taggedLine(p *packet, t tvb, offset, lineLen int, isRequest bool) {
	b := t.b
	tokenLen, nextToken := imapTokenLen(b, offset, lineLen)
	if tokenLen != 0 {
		lineLen -= nextToken - offset
		offset = nextToken
	}
	tokenLen, nextToken = imapTokenLen(b, offset, lineLen)
	if tokenLen == 0 {
		return
	}
	token := bytes.ToLower(b[offset : offset+tokenLen])
	var cmd []byte
	if isRequest && len(token) <= 3 && string(token) == "uid"[:len(token)] {
		uidLen := lineLen - (nextToken - offset)
		if n, _ := imapTokenLen(b, nextToken, uidLen); n != 0 {
			cmd = bytes.ToLower(b[nextToken : nextToken+n])
		}
	} else if isRequest {
		cmd = token
	}
	if len(cmd) > 0 {
		folder := false
		for _, c := range imapFolderCommands {
			if imapCommandIs(cmd, c) {
				folder = true
				break
			}
		}
		switch {
		case folder:
		case lineLen > 0 && imapCommandIs(cmd, "copy"):
		case imapCommandIs(cmd, "starttls"):
			s.sslRequested = true
		case imapCommandIs(cmd, "login"):
			// The user name follows the command token (the one after a
			// UID prefix is not skipped here, as in packet-imap.c).
			userLen := lineLen - (nextToken - offset)
			_, userNext := imapTokenLen(b, nextToken, userLen)
			passLen := lineLen - (userNext - offset)
			passTokenLen, _ := imapTokenLen(b, userNext, passLen)
			if passTokenLen-2 < -1 {
				panic(excReported)
			}
			if passTokenLen-2 >= 0 {
				t.ensure(userNext+1, passTokenLen-2)
			}
		}
	}
	if s.sslRequested && !isRequest && len(token) <= 2 && string(token) == "ok"[:len(token)] {
		imapStartTLS(p, false)
		if s.sslHeurTriesLeft > 0 {
			s.sslHeurTriesLeft = 0
		}
		s.sslRequested = false
	}
}
