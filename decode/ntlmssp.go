package decode

// NTLMSSP blobs carried in HTTP authentication headers ("NTLM " or
// "Negotiate " + base64), as packet-ntlmssp.c writes Info: ", " and the
// message type, and for an AUTHENTICATE message ", User: DOMAIN\user".
// Only what reaches the columns is decoded.

const (
	ntlmsspNegotiate = 1
	ntlmsspChallenge = 2
	ntlmsspAuth      = 3
	ntlmsspUnknown   = 4

	ntlmsspNegotiateUnicode = 0x00000001
)

// ntlmsspConv remembers the flags of the last CHALLENGE of a conversation,
// which say whether an AUTHENTICATE without flags uses Unicode strings.
type ntlmsspConv struct {
	sawChallenge bool
	flags        uint32
}

func ntlmsspTypeName(ty uint32) string {
	switch ty {
	case ntlmsspNegotiate:
		return "NTLMSSP_NEGOTIATE"
	case ntlmsspChallenge:
		return "NTLMSSP_CHALLENGE"
	case ntlmsspAuth:
		return "NTLMSSP_AUTH"
	case ntlmsspUnknown:
		return "NTLMSSP_UNKNOWN"
	}
	return "Unknown NTLMSSP message type"
}

// httpAuthNTLMSSP is check_auth_ntlmssp: an "NTLM " or "Negotiate " value
// is base64 NTLMSSP (or GSSAPI, not decoded here).
func httpAuthNTLMSSP(p *packet, value []byte) {
	var rest []byte
	switch {
	case len(value) >= 5 && string(value[:5]) == "NTLM ":
		rest = value[5:]
	case len(value) >= 10 && string(value[:10]) == "Negotiate ":
		rest = value[10:]
	default:
		return
	}
	blob := imfBase64(rest)
	if len(blob) >= 7 && string(blob[:7]) == "NTLMSSP" {
		dissectNTLMSSP(p, newRealTvb(blob))
	}
}

// dissectNTLMSSP is dissect_ntlmssp: errors inside the blob are shown
// but do not stop the enclosing dissector.
func dissectNTLMSSP(p *packet, t tvb) {
	p.try(func() {
		t.ensure(0, 8)
		ty := t.le32(8)
		p.appendInfoSep(", ", ntlmsspTypeName(ty))
		switch ty {
		case ntlmsspNegotiate:
			ntlmsspNegotiateMsg(t, 12)
		case ntlmsspChallenge:
			unicode := t.has(20, 4) && t.le32(20)&ntlmsspNegotiateUnicode != 0
			_, _, _ = ntlmsspString(t, 12, unicode)
			flags := t.le32(20)
			t.ensure(24, 8) // the server challenge
			if p.conv != nil {
				nc := appState(p.conv, "ntlmssp", func() *ntlmsspConv { return &ntlmsspConv{} })
				nc.sawChallenge, nc.flags = true, flags
			}
		case ntlmsspAuth:
			ntlmsspAuthUser(p, t, 12)
		}
	})
}

// ntlmsspAuthUser follows dissect_ntlmssp_auth as far as the user name.
func ntlmsspAuthUser(p *packet, t tvb, offset int) {
	unicode := false
	haveFlags := false
	if t.has(offset+48, 4) {
		dataStart := t.le32(offset + 4)
		for i := 1; i <= 4; i++ {
			dataStart = min(dataStart, t.le32(offset+8*i+4))
		}
		if uint32(offset+40) < dataStart {
			haveFlags = true
			unicode = t.le32(offset+48)&ntlmsspNegotiateUnicode != 0
		}
	}
	if !haveFlags && p.conv != nil {
		if nc, ok := p.conv.app["ntlmssp"].(*ntlmsspConv); ok && nc.sawChallenge {
			unicode = nc.flags&ntlmsspNegotiateUnicode != 0
		}
	}
	offset = ntlmsspBlob(t, offset) // LM response
	offset = ntlmsspBlob(t, offset) // NT response
	domain, offset, _ := ntlmsspString(t, offset, unicode)
	user, _, _ := ntlmsspString(t, offset, unicode)
	p.appendInfoSep(", ", "User: "+domain+"\\"+user)
}

// ntlmsspBlob checks a length/offset blob header and its data.
func ntlmsspBlob(t tvb, offset int) int {
	length := int(t.le16(offset))
	t.le16(offset + 2)
	at := t.le32(offset + 4)
	if length != 0 {
		t.ensure(int(at), length)
	}
	return offset + 8
}

// ntlmsspNegotiateMsg follows dissect_ntlmssp_negotiate: flags, the
// domain and workstation strings, and the version when there is room.
func ntlmsspNegotiateMsg(t tvb, offset int) {
	flags := t.le32(offset)
	offset += 4
	_, offset, dataStart := ntlmsspString(t, offset, false)
	_, offset, itemStart := ntlmsspString(t, offset, false)
	dataStart = min(dataStart, itemStart)
	if offset < dataStart && flags&0x02000000 != 0 {
		t.ensure(offset, 8) // the version
	}
}

// ntlmsspString reads a length/offset string (UTF-16LE or ASCII); start
// is where its data begins (the end of the blob when that is not after
// the header).
func ntlmsspString(t tvb, offset int, unicode bool) (s string, next, start int) {
	length := int(int16(t.le16(offset)))
	t.le16(offset + 2)
	at := int(int32(t.le32(offset + 4)))
	start = t.reported
	if at > offset+8 {
		start = at
	}
	if length == 0 {
		return "", offset + 8, start
	}
	if unicode && at&1 != 0 {
		at++
	}
	if length < 0 || at < 0 {
		panic(excReported)
	}
	b := t.bytes(at, length)
	var r []rune
	if unicode {
		for i := 0; i+1 < len(b); i += 2 {
			u := rune(b[i]) | rune(b[i+1])<<8
			if u >= 0xd800 && u < 0xdc00 && i+3 < len(b) {
				if lo := rune(b[i+2]) | rune(b[i+3])<<8; lo >= 0xdc00 && lo < 0xe000 {
					r = append(r, 0x10000+(u-0xd800)<<10+(lo-0xdc00))
					i += 2
					continue
				}
			}
			if u >= 0xd800 && u < 0xe000 {
				u = 0xfffd
			}
			r = append(r, u)
		}
		if len(b)%2 == 1 {
			r = append(r, 0xfffd)
		}
	} else {
		for _, c := range b {
			if c >= 0x80 {
				r = append(r, 0xfffd)
			} else {
				r = append(r, rune(c))
			}
		}
	}
	for i, c := range r {
		if c == 0 {
			r = r[:i] // printed with %s: a NUL ends it
			break
		}
	}
	return string(r), offset + 8, start
}
