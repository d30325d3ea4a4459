package decode

import "bytes"

// SMTP, as packet-smtp.c shows it with default preferences (reassembly of
// lines and of message bodies on, AUTH parameters not base64-decoded):
// client segments as "C: line | line", message bodies as "C: DATA
// fragment, N bytes" until the segment with the end-of-message mark,
// which shows the message through IMF (Protocol "SMTP/IMF"), and server
// segments as "S: 250-first | rest | rest".

// Most message bytes collected for IMF; a longer message is not shown.
const smtpMaxMessage = 8 << 20

type smtpPhase uint8

const (
	smtpStart smtpPhase = iota
	smtpReadingCmds
	smtpReadingData
	smtpAwaitingStartTLS
)

type smtpAuthState uint8

const (
	smtpAuthNone smtpAuthState = iota
	smtpAuthStart
	smtpAuthUsernameReq
	smtpAuthUsernameRsp
	smtpAuthPasswordReq
	smtpAuthPasswordRsp
	smtpAuthPlainStartReq
	smtpAuthPlainCredReq
	smtpAuthPlainReq
	smtpAuthPlainRsp
	smtpAuthNTLMReq
	smtpAuthNTLMChallenge
	smtpAuthNTLMRsp
	smtpAuthSuccess
	smtpAuthFailed
)

type smtpPDU uint8

const (
	smtpPDUCmd smtpPDU = iota
	smtpPDUMessage
	smtpPDUEOM
)

// smtpSession is struct smtp_session_state, plus the message being
// collected (fragment_add_seq_next).
type smtpSession struct {
	phase            smtpPhase
	auth             smtpAuthState
	firstAuthFrame   uint64
	usernameFrame    uint64
	passwordFrame    uint64
	lastAuthFrame    uint64
	crlfSeen         bool
	dataSeen         bool
	msgReadLen       uint32
	msgTotLen        uint32
	msgLast          bool
	usernameCmdFrame uint64
	userPassCmdFrame uint64
	userPassFrame    uint64
	ntlmReqFrame     uint64
	ntlmRspFrame     uint64

	msg       []byte
	msgParts  int
	msgFrame  uint64 // frame of the last part added
	msgTooBig bool
}

func init() {
	registerTCPPort(dissectSMTP, 25, 587)
}

// smtpIsCommand is line_is_smtp_command.
func smtpIsCommand(cmd []byte) bool {
	if len(cmd) == 4 && isASCIIAlpha(cmd[0]) && isASCIIAlpha(cmd[1]) && isASCIIAlpha(cmd[2]) && isASCIIAlpha(cmd[3]) {
		return true
	}
	for _, c := range [...]string{"STARTTLS", "X-EXPS", "X-LINK2STATE", "XEXCH50"} {
		if len(cmd) == len(c) && bytes.EqualFold(cmd, []byte(c)) {
			return true
		}
	}
	return false
}

func isASCIIAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// hasPrefixFold is g_ascii_strncasecmp(b, s, len(s)) == 0 (a shorter b
// compares its end against s's next byte, so it never matches).
func hasPrefixFold(b []byte, s string) bool {
	return len(b) >= len(s) && bytes.EqualFold(b[:len(s)], []byte(s))
}

// dissectSMTP is dissect_smtp.
func dissectSMTP(p *packet, t tvb) int {
	if p.conv == nil {
		return 0
	}
	s := appState(p.conv, "smtp", func() *smtpSession { return &smtpSession{msgLast: true} })
	request := p.dstPort == p.matchPort
	canDeseg := p.canDesegment != 0

	pdu := smtpPDUCmd
	eomSeen := false
	moreFrags := true
	// The ASCII copy of the last line read in the AUTH exchange, and that
	// line's length.
	var decrypt []byte
	decryptLen := -1
	loffset := 0
	for t.has(loffset, 1) {
		lineLen, next := findTextLine(t, loffset, canDeseg)
		if lineLen == -1 {
			if loffset == 0 {
				p.desegmentOffset = 0
				p.desegmentLen = desegmentOneMoreSegment
				return t.len()
			}
			lineLen = t.reportedRemaining(loffset)
			next = loffset + lineLen
		}
		if s.phase == smtpReadingData {
			if (s.crlfSeen && smtpAt(t, loffset, ".\r\n")) || smtpAt(t, loffset, "\r\n.\r\n") {
				eomSeen = true
			}
			rem := t.remaining(loffset)
			s.crlfSeen = rem == t.reportedRemaining(loffset) && smtpAt(t, loffset+rem-2, "\r\n")
		}
		if request {
			if s.phase == smtpReadingData {
				if eomSeen {
					pdu = smtpPDUEOM
					s.phase = smtpReadingCmds
					break
				}
				pdu = smtpPDUMessage
				if s.msgTotLen > 0 {
					s.msgReadLen += uint32(t.reportedRemaining(loffset))
					next = t.reported
					if s.msgReadLen == s.msgTotLen {
						s.phase = smtpReadingCmds
						if s.msgLast {
							moreFrags = false
						}
						break
					}
				}
			} else {
				line := t.b[loffset : loffset+min(lineLen, t.remaining(loffset))]
				if s.auth != smtpAuthNone && p.num >= s.firstAuthFrame && (s.lastAuthFrame == 0 || p.num <= s.lastAuthFrame) {
					decrypt = appendASCIIString(decrypt[:0], line)
					decryptLen = len(line)
				}
				cmdLen := bytes.IndexByte(line, ' ')
				if cmdLen < 0 {
					cmdLen = len(line)
				}
				switch {
				case smtpIsCommand(line[:cmdLen]):
					pdu = smtpPDUCmd
					switch {
					case hasPrefixFold(line, "DATA"):
						s.phase = smtpReadingData
						s.dataSeen = true
					case hasPrefixFold(line, "BDAT"):
						msgLen := smtpStrtoul(line[min(5, len(line)):])
						s.dataSeen = true
						s.msgTotLen += msgLen
						if msgLen == 0 {
							s.phase = smtpReadingCmds
						} else {
							s.phase = smtpReadingData
						}
						if len(line) >= 4 && hasPrefixFold(line[len(line)-4:], "LAST") {
							s.msgLast = true
							if msgLen == 0 {
								moreFrags = false
							}
						} else {
							s.msgLast = false
						}
					case hasPrefixFold(line, "AUTH LOGIN") && len(line) <= 11:
						s.phase = smtpReadingCmds
						s.auth = smtpAuthStart
						s.firstAuthFrame = p.num
					case hasPrefixFold(line, "AUTH LOGIN"):
						s.phase = smtpReadingCmds
						s.auth = smtpAuthUsernameRsp
						s.firstAuthFrame = p.num
						s.usernameCmdFrame = p.num
					case hasPrefixFold(line, "AUTH PLAIN") && len(line) <= 11:
						s.phase = smtpReadingCmds
						s.auth = smtpAuthPlainStartReq
						s.firstAuthFrame = p.num
					case hasPrefixFold(line, "AUTH PLAIN"):
						s.phase = smtpReadingCmds
						s.auth = smtpAuthPlainCredReq
						s.firstAuthFrame = p.num
						s.userPassCmdFrame = p.num
					case hasPrefixFold(line, "AUTH NTLM") && len(line) > 10:
						s.phase = smtpReadingCmds
						s.auth = smtpAuthNTLMReq
						s.ntlmReqFrame = p.num
					case hasPrefixFold(line, "STARTTLS"):
						s.phase = smtpAwaitingStartTLS
					}
				case s.auth == smtpAuthUsernameReq:
					s.auth = smtpAuthUsernameRsp
					s.usernameFrame = p.num
				case s.auth == smtpAuthPasswordReq:
					s.auth = smtpAuthPasswordRsp
					s.passwordFrame = p.num
				case s.auth == smtpAuthPlainReq:
					s.auth = smtpAuthPlainRsp
					s.userPassFrame = p.num
				case s.auth == smtpAuthNTLMChallenge:
					s.auth = smtpAuthNTLMRsp
					s.ntlmRspFrame = p.num
				default:
					if s.dataSeen || s.phase == smtpStart {
						pdu = smtpPDUMessage
					} else {
						pdu = smtpPDUCmd
					}
				}
			}
		}
		if next <= loffset {
			break
		}
		loffset = next
	}

	p.setProto("SMTP")
	p.clearInfo()
	if !request {
		s.dissectResponse(p, t)
		return t.len()
	}

	var message []byte
	haveMessage := false
	switch pdu {
	case smtpPDUMessage:
		n := t.reportedRemaining(0)
		p.setInfo("C: DATA fragment, ")
		p.appendInfoUint(uint64(n))
		if n == 1 {
			p.appendInfo(" byte")
		} else {
			p.appendInfo(" bytes")
		}
		s.addPart(p, t, t.reported)
		if !moreFrags {
			message, haveMessage = s.endMessage(p, t)
		}
	case smtpPDUEOM:
		p.setInfo("C: .")
		if loffset > 0 {
			s.addPart(p, t, loffset)
		}
		message, haveMessage = s.endMessage(p, t)
	default:
		s.showCommands(p, t, decrypt, decryptLen)
		if !moreFrags {
			message, haveMessage = s.endMessage(p, t)
		}
	}
	if haveMessage {
		mailHandToIMF(p, newRealTvb(message))
	}
	return t.len()
}

// smtpAt is tvb_strneql(t, off, s, len(s)) == 0: false when out of range.
func smtpAt(t tvb, off int, s string) bool {
	return off >= 0 && t.has(off, len(s)) && string(t.b[off:off+len(s)]) == s
}

// smtpStrtoul is strtoul(s, NULL, 10) truncated to 32 bits.
func smtpStrtoul(s []byte) uint32 {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var v uint64
	for ; i < len(s) && isASCIIDigit(s[i]); i++ {
		if v < 1<<40 {
			v = v*10 + uint64(s[i]-'0')
		}
	}
	if v > 0xffffffff {
		v = 0xffffffff
	}
	if neg {
		v = -v
	}
	return uint32(v)
}

// addPart is fragment_add_seq_next: n bytes of this segment join the message.
func (s *smtpSession) addPart(p *packet, t tvb, n int) {
	n = min(n, len(t.b))
	if s.msgTooBig || len(s.msg)+n > smtpMaxMessage {
		s.msgTooBig = true
		return
	}
	s.msg = append(s.msg, t.b[:n]...)
	s.msgParts++
	s.msgFrame = p.num
}

// endMessage is fragment_end_seq_next followed by process_reassembled_data:
// the collected message, or with a single part the whole current segment.
func (s *smtpSession) endMessage(p *packet, t tvb) ([]byte, bool) {
	parts, msg, tooBig := s.msgParts, s.msg, s.msgTooBig
	s.msg, s.msgParts, s.msgTooBig = nil, 0, false
	if tooBig || parts == 0 {
		return nil, false
	}
	if parts == 1 {
		if s.msgFrame != p.num {
			// The one part came from an earlier segment.
			return msg, true
		}
		return t.b, true
	}
	return msg, true
}

// showCommands writes the Info of a command segment, a line at a time.
func (s *smtpSession) showCommands(p *packet, t tvb, decrypt []byte, decryptLen int) {
	for loffset := 0; t.has(loffset, 1); {
		lineLen, next := findTextLine(t, loffset, false)
		line := t.b[loffset : loffset+lineLen]
		if loffset == 0 {
			p.appendInfo("C: ")
		} else {
			p.appendInfo(" | ")
		}
		switch {
		case s.usernameFrame == p.num:
			p.appendInfo("User: ")
			p.smtpAppendDecrypt(line, decrypt, decryptLen)
		case s.passwordFrame == p.num:
			p.appendInfo("Pass: ")
			p.smtpAppendDecrypt(line, decrypt, decryptLen)
		case s.ntlmRspFrame == p.num, s.userPassFrame == p.num:
			p.smtpAppendASCII(line, len(line))
		case lineLen > 5 && s.usernameCmdFrame == p.num:
			if lineLen >= 11 {
				p.appendInfoText(line[:11])
				p.appendInfo("User: ")
				if decryptLen >= 0 {
					p.smtpAppendASCII(decrypt, decryptLen)
				} else {
					p.smtpAppendASCII(line[11:], lineLen-11)
				}
			}
		case lineLen > 5 && s.ntlmReqFrame == p.num:
			if lineLen >= 10 {
				p.appendInfoText(line[:10])
				p.smtpAppendASCII(line[10:], lineLen-10)
			}
		case lineLen > 5 && s.userPassCmdFrame == p.num:
			p.appendInfoText(t.bytes(loffset, 11))
			p.smtpAppendASCII(line[min(11, lineLen):], lineLen-11)
		default:
			p.appendInfoText(line)
		}
		loffset = next
	}
}

// smtpAppendDecrypt shows a credential line: the ASCII copy made while
// reading the AUTH exchange, else this line's own.
func (p *packet) smtpAppendDecrypt(line, decrypt []byte, decryptLen int) {
	if decryptLen >= 0 {
		p.smtpAppendASCII(decrypt, decryptLen)
		return
	}
	p.smtpAppendASCII(line, len(line))
}

// dissectResponse writes the Info of a server segment and follows the
// replies that change the session (STARTTLS, AUTH).
func (s *smtpSession) dissectResponse(p *packet, t tvb) {
	const (
		multiNone = iota
		multiStart
		multiContinue
		multiEnd
	)
	multi := multiNone
	for offset := 0; t.has(offset, 1); {
		lineLen, next := findTextLine(t, offset, false)
		line := t.b[offset : offset+lineLen]
		if offset == 0 {
			p.appendInfo("S: ")
		} else {
			p.appendInfo(" | ")
		}
		if lineLen >= 3 && isASCIIDigit(line[0]) && isASCIIDigit(line[1]) && isASCIIDigit(line[2]) {
			code := int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
			if lineLen > 3 && line[3] == '-' {
				if multi == multiNone {
					multi = multiStart
				} else {
					multi = multiContinue
				}
			} else if multi == multiStart || multi == multiContinue {
				multi = multiEnd
			}
			if s.phase == smtpAwaitingStartTLS {
				if code == 220 {
					smtpStartTLS(p)
				}
				s.phase = smtpReadingCmds
			}
			if code == 334 {
				switch s.auth {
				case smtpAuthStart:
					s.auth = smtpAuthUsernameReq
				case smtpAuthUsernameRsp:
					s.auth = smtpAuthPasswordReq
				case smtpAuthPlainReq:
					s.auth = smtpAuthPlainRsp
				case smtpAuthPlainStartReq:
					s.auth = smtpAuthPlainReq
				case smtpAuthNTLMReq:
					s.auth = smtpAuthNTLMChallenge
				}
			} else if s.auth == smtpAuthPasswordRsp || s.auth == smtpAuthPlainRsp ||
				s.auth == smtpAuthNTLMRsp || s.auth == smtpAuthPlainCredReq {
				if code == 235 {
					s.auth = smtpAuthSuccess
				} else {
					s.auth = smtpAuthFailed
				}
				s.lastAuthFrame = p.num
			}
			switch {
			case lineLen < 4:
				p.appendInfoText(line)
			case multi != multiContinue && multi != multiEnd:
				p.appendInfoText(line)
			default:
				p.appendInfoText(line[4:])
			}
			if multi == multiEnd {
				multi = multiNone
			}
		}
		offset = next
	}
}

// smtpStartTLS is where SMTP hands the conversation to TLS after a 220
// reply to STARTTLS (ssl_starttls_ack: this frame is the last plain one).
func smtpStartTLS(p *packet) { textStartTLS(p, "smtp", false) }

// appendASCIIString is tvb_get_string_enc(..., ENC_ASCII): bytes with the
// high bit set become U+FFFD.
func appendASCIIString(dst, b []byte) []byte {
	for _, c := range b {
		if c < 0x80 {
			dst = append(dst, c)
		} else {
			dst = append(dst, "\uFFFD"...)
		}
	}
	return dst
}

// smtpAppendASCII is format_text(tvb_get_string_enc(s, ENC_ASCII), n): the
// converted string is cut at the original length n.
func (p *packet) smtpAppendASCII(b []byte, n int) {
	if p.readOnly || n <= 0 {
		return
	}
	conv := appendASCIIString(nil, b)
	if n < len(conv) {
		conv = conv[:n]
	}
	p.appendInfoText(conv)
}
