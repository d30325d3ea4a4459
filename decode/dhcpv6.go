package decode

// DHCPv6 (packet-dhcpv6.c). Info is a token stream, each token followed by
// a space: the message type, "XID: 0x..." (or "L: <link address>" for
// relay messages and then the relayed message's tokens), and per option
// met in packet order "CID: <hex>" and "IAA: <address>", plus notes on
// malformed domain names.

func init() {
	registerUDPPort(dissectDHCPv6, 546, 547)
}

const (
	dhcpv6RelayForw       = 12
	dhcpv6RelayReply      = 13
	dhcpv6MaxDepth        = 499 // prefs.gui_max_tree_depth (500) less the first level
	dhcpv6OptClientID     = 1
	dhcpv6OptIANA         = 3
	dhcpv6OptIATA         = 4
	dhcpv6OptIAAddr       = 5
	dhcpv6OptRelayMsg     = 9
	dhcpv6OptVendorOpts   = 17
	dhcpv6OptSIPServerD   = 21
	dhcpv6OptDomainList   = 24
	dhcpv6OptIAPD         = 25
	dhcpv6OptIAPrefix     = 26
	dhcpv6OptNISDomain    = 29
	dhcpv6OptNISPDomain   = 30
	dhcpv6OptBCMCSServerD = 33
	dhcpv6OptClientFQDN   = 39
	dhcpv6OptLQQuery      = 44
	dhcpv6OptClientData   = 45
	dhcpv6OptNTPServer    = 56
	dhcpv6OptAFTRName     = 64
	dhcpv6OptS46ContMapE  = 94
	dhcpv6OptS46ContLW    = 96
)

var dhcpv6MessageTypes = [...]string{
	1: "Solicit", 2: "Advertise", 3: "Request", 4: "Confirm", 5: "Renew", 6: "Rebind",
	7: "Reply", 8: "Release", 9: "Decline", 10: "Reconfigure", 11: "Information-request",
	12: "Relay-forw", 13: "Relay-reply", 14: "Leasequery", 15: "Leasequery-reply",
	16: "Leasequery-done", 17: "Leasequery-data", 18: "Reconfigure-request",
	19: "Reconfigure-reply",
}

func dissectDHCPv6(p *packet, t tvb) int {
	p.setProto("DHCPv6")
	p.clearInfo()
	p.dhcpv6Message(t, 0, t.reported, 0)
	return max(t.len(), 1)
}

// dhcpv6Message is dissect_dhcpv6 for the message in [off, end).
func (p *packet) dhcpv6Message(t tvb, off, end, depth int) {
	msgType := t.u8(off)
	if int(msgType) < len(dhcpv6MessageTypes) && dhcpv6MessageTypes[msgType] != "" {
		p.appendInfo(dhcpv6MessageTypes[msgType])
	} else {
		p.appendInfo("Message Type ")
		p.appendInfoUint(uint64(msgType))
	}
	p.appendInfo(" ")
	if msgType == dhcpv6RelayForw || msgType == dhcpv6RelayReply {
		t.ensureItem(off, 2)
		t.ensureItem(off+2, 16)
		t.ensureItem(off+18, 16)
		p.appendInfo("L: ")
		p.appendInfoAddr6(t.bytes(off+2, 16))
		p.appendInfo(" ")
		off += 34
	} else {
		t.ensureItem(off, 4)
		p.appendInfo("XID: 0x")
		p.appendInfoHexWidth(uint64(t.u24(off+1)), 6)
		p.appendInfo(" ")
		off += 4
	}
	p.dhcpv6Options(t, off, end, depth)
}

// dhcpv6Options walks a message's options in [off, end) until one does
// not fit, there or in an option nested in it (Wireshark shares one
// at_end flag between a message and its nested options).
func (p *packet) dhcpv6Options(t tvb, off, end, depth int) {
	atEnd := false
	for off < end && !atEnd {
		off += p.dhcpv6Option(t, off, end, depth, &atEnd)
	}
}

// dhcpv6Option is dhcpv6_option: it sets atEnd when the option header or
// data does not fit in what is left.
func (p *packet) dhcpv6Option(t tvb, off, end, depth int, atEnd *bool) int {
	if end-off < 4 {
		*atEnd = true
		return 0
	}
	typ := t.u16(off)
	n := int(t.u16(off + 2))
	if end-off < 4+n {
		*atEnd = true
		return 0
	}
	t.ensureItem(off, 4+n) // the option's item (a string field) spans it
	if depth >= dhcpv6MaxDepth {
		panic(excReported)
	}
	depth++
	data := off + 4
	switch typ {
	case dhcpv6OptClientID:
		if n > 0 {
			b := t.bytes(data, n) // read before anything is written
			p.appendInfo("CID: ")
			p.appendInfoHexBytes(b)
			p.appendInfo(" ")
		}
	case dhcpv6OptIANA, dhcpv6OptIAPD:
		if n >= 12 {
			t.ensureItem(data, 12)
			p.dhcpv6Suboptions(t, data, 12, n, depth, atEnd)
		}
	case dhcpv6OptIATA:
		if n >= 4 {
			t.ensureItem(data, 4)
			p.dhcpv6Suboptions(t, data, 4, n, depth, atEnd)
		}
	case dhcpv6OptIAAddr:
		if n >= 24 {
			t.ensureItem(data, 16)
			p.appendInfo("IAA: ")
			p.appendInfoAddr6(t.bytes(data, 16))
			p.appendInfo(" ")
			t.ensureItem(data+16, 8)
			p.dhcpv6Suboptions(t, data, 24, n, depth, atEnd)
		}
	case dhcpv6OptIAPrefix:
		if n >= 25 {
			t.ensureItem(data, 25)
			p.dhcpv6Suboptions(t, data, 25, n, depth, atEnd)
		}
	case dhcpv6OptLQQuery:
		if n >= 17 {
			t.ensureItem(data, 17)
			p.dhcpv6Suboptions(t, data, 17, n, depth, atEnd)
		}
	case dhcpv6OptClientData:
		p.dhcpv6Suboptions(t, data, 0, n, depth, atEnd)
	case dhcpv6OptS46ContMapE, dhcpv6OptS46ContMapE + 1, dhcpv6OptS46ContLW:
		p.dhcpv6Suboptions(t, data, 0, n, depth, atEnd)
	case dhcpv6OptVendorOpts:
		// Enterprise number, then (code, length, data) sub-options, each
		// in a subtree that must be present (CableLabs' own format aside).
		if n >= 4 && t.u32(data) != 4491 {
			for o := 4; n-o > 0; {
				l := int(t.u16(data + o + 2))
				t.ensureItem(data+o, 4+l)
				o += 4 + l
			}
		}
	case dhcpv6OptRelayMsg:
		if n > 0 {
			p.dhcpv6Message(t, data, data+n, depth)
		}
	case dhcpv6OptSIPServerD, dhcpv6OptDomainList, dhcpv6OptNISDomain, dhcpv6OptNISPDomain,
		dhcpv6OptBCMCSServerD:
		if n > 0 {
			p.dhcpv6Domain(t, data, n)
		}
	case dhcpv6OptAFTRName:
		p.dhcpv6Domain(t, data, n)
	case dhcpv6OptClientFQDN:
		if n >= 1 {
			t.ensureItem(data, 1)
			p.dhcpv6Domain(t, data+1, n-1)
		}
	case dhcpv6OptNTPServer:
		if n >= 4 {
			for done := 0; n > done; {
				sub := t.u16(data + done)
				subLen := int(t.u16(data + done + 2))
				if subLen > n-done {
					break
				}
				done += 4
				switch sub {
				case 1, 2: // server or multicast address
					t.ensureItem(data+done, 16)
				case 3: // server FQDN
					p.dhcpv6Domain(t, data+done, subLen)
				}
				done += subLen
			}
		}
	}
	return 4 + n
}

// dhcpv6Suboptions walks the options nested in an option's data from skip
// on; a bad one ends the walk, and with it the enclosing message's.
func (p *packet) dhcpv6Suboptions(t tvb, data, skip, n, depth int, atEnd *bool) {
	for done := skip; n-done > 0; {
		done += p.dhcpv6Option(t, data+done, data+n, depth, atEnd)
		if *atEnd {
			return
		}
	}
}

// dhcpv6Domain is dhcpv6_domain: it only reaches Info when a name in the
// field is malformed.
func (p *packet) dhcpv6Domain(t tvb, off, n int) {
	if n == 0 {
		return
	}
	final := off + n - 1
	rem := n
	labels, dpos, firstLabel := 0, 0, off
	fqdnSeen := false
	for rem != 0 {
		l := int(t.u8(off))
		if l > 63 {
			return
		}
		if dpos == 0 {
			firstLabel = off
		}
		off++
		rem--
		if l > rem {
			p.appendInfo(" [DOMAIN FIELD LEN EXCEEDED]")
			return
		}
		if dpos+l+2 > 255 {
			p.appendInfo(" [FQDN > 255]")
			t.ensureItem(off, l)
			t.u8(off + l)
			return
		}
		if l == 0 {
			if labels == 0 {
				p.appendInfo(" [ROOT-ONLY DOMAIN NAME]")
				return
			}
			labels, dpos = 0, 0
			fqdnSeen = true
			continue
		}
		if off+l-1 == final {
			t.ensureItem(firstLabel+1, l) // (Wireshark copies from there)
			if fqdnSeen {
				p.appendInfo(" [PROTOCOL VIOLATION]")
			}
			return
		}
		if labels > 0 {
			dpos++
		}
		t.ensureItem(off, l)
		off += l
		rem -= l
		dpos += l
		labels++
	}
}

// appendInfoHexBytes appends bytes as tvb_bytes_to_str shows them: plain
// lower-case hex, at most 36 bytes and then an ellipsis.
func (p *packet) appendInfoHexBytes(b []byte) {
	const maxBytes = 36
	var tmp [2*maxBytes + 3]byte
	out := tmp[:0]
	for i, c := range b {
		if i == maxBytes {
			out = append(out, "…"...)
			break
		}
		out = append(out, hexDigits[c>>4], hexDigits[c&0xf])
	}
	p.appendInfoBytes(out)
}
