package decode

import "bytes"

// IRC, as packet-irc.c shows it: "Request" or "Response", then the command
// of every line in parentheses. Wireshark 4.0 has no STARTTLS for IRC, so
// TLS records on an IRC port are read as lines too.

func init() {
	registerTCPPort(dissectIRC, 6667, 57000)
}

// dissectIRC is dissect_irc.
func dissectIRC(p *packet, t tvb) int {
	p.setProto("IRC")
	isRequest := p.matchPort == p.dstPort
	if isRequest {
		p.setInfo("Request")
	} else {
		p.setInfo("Response")
	}
	for offset := 0; t.has(offset, 1); {
		lineLen, next := findTextLine(t, offset, false)
		if next == offset {
			break
		}
		if lineLen != 0 {
			p.ircLine(t.b[offset : offset+lineLen])
		}
		offset = next
	}
	return t.len()
}

// ircLine appends " (COMMAND)" for one line: after an optional ":prefix "
// and blanks, up to the next blank. The command is shown as Wireshark's
// ASCII string: up to a NUL, high bytes as U+FFFD, control bytes as they are.
func (p *packet) ircLine(line []byte) {
	i := 0
	if line[0] == ':' {
		sp := bytes.IndexByte(line[1:], ' ')
		if sp < 0 {
			return
		}
		i = sp + 2
	}
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i == len(line) {
		return
	}
	cmd := line[i:]
	if sp := bytes.IndexByte(cmd, ' '); sp >= 0 {
		cmd = cmd[:sp]
	}
	if z := bytes.IndexByte(cmd, 0); z >= 0 {
		cmd = cmd[:z]
	}
	if p.readOnly {
		return
	}
	p.info.appendStr(" (")
	p.scratch = appendASCIIString(p.scratch[:0], cmd)
	p.info.appendBytes(p.scratch)
	p.info.appendStr(")")
}
