package decode

// DHCP and BOOTP (packet-dhcp.c): "BOOTP" with a Boot Request/Reply line,
// or, when option 53 carries a message type, "DHCP" with the type padded
// to eight characters and the transaction id.

func init() {
	registerUDPPort(dissectDHCP, 67, 68, dhcpProxyPort)
}

const (
	dhcpProxyPort   = 4011 // PXE proxyDHCP: the magic cookie is mandatory
	dhcpSnameOffset = 44
	dhcpFileOffset  = 108
	dhcpVendorInfo  = 236
	dhcpMagicCookie = 0x63825363
	// Option 52 (overload) bits.
	dhcpOverloadFile  = 1
	dhcpOverloadSname = 2
)

var dhcpMessageTypes = [...]string{
	1: "Discover", 2: "Offer", 3: "Request", 4: "Decline", 5: "ACK", 6: "NAK",
	7: "Release", 8: "Inform", 9: "Force Renew", 10: "Lease query",
	11: "Lease Unassigned", 12: "Lease Unknown", 13: "Lease Active",
	14: "Bulk Lease Query", 15: "Lease Query Done", 16: "Active LeaseQuery",
	17: "Lease Query Status", 18: "TLS",
}

func dissectDHCP(p *packet, t tvb) int {
	proxy := p.srcPort == dhcpProxyPort || p.dstPort == dhcpProxyPort
	if proxy && (!t.has(dhcpVendorInfo, 4) || t.u32(dhcpVendorInfo) != dhcpMagicCookie) {
		return 0
	}
	p.setProto("BOOTP")
	p.clearInfo()
	op, htype, hlen := t.u8(0), t.u8(1), int(t.u8(2))
	isEther := (htype == 1 || htype == 6) && hlen == 6 // ARPHRD_ETHER, ARPHRD_IEEE802
	switch op {
	case 1:
		// The address is read before anything is written (col_add_fstr).
		if hlen == 0 {
			p.appendInfo("Boot Request from <No address>")
		} else if isEther {
			t.ensureItem(28, 6) // tvb_get_ptr
			mac := t.bytes(28, 6)
			var tmp [64]byte
			p.appendInfo("Boot Request from ")
			p.appendInfoBytes(appendMAC(tmp[:0], mac))
			p.appendInfo(" (")
			p.appendInfoBytes(appendResolvedMAC(tmp[:0], [6]byte(mac)))
			p.appendInfo(")")
		} else {
			t.ensureItem(28, hlen)
			addr := arpHexText(t.bytes(28, hlen))
			p.appendInfo("Boot Request from ")
			p.appendInfo(addr)
		}
	case 2:
		p.appendInfo("Boot Reply")
	default:
		p.appendInfo("Unknown BOOTP message type (")
		p.appendInfoUint(uint64(op))
		p.appendInfo(")")
	}

	voff := dhcpVendorInfo + 64
	if t.has(dhcpVendorInfo, 4) && t.u32(dhcpVendorInfo) == dhcpMagicCookie {
		voff = dhcpVendorInfo + 4
	}
	eoff := t.reported

	// First pass: only the options the summary needs, reading nothing
	// that is not there (dhcp_option with first_pass set).
	msgType, haveType, overload := uint8(0), false, uint8(0)
	for off, atEnd := voff, false; off < eoff && !atEnd; {
		code := t.u8(off)
		switch code {
		case 0:
			off = dhcpSkipPad(t, off+1, eoff)
			continue
		case 255:
			atEnd = true
			off++
			continue
		}
		if !t.has(off+1, 1) {
			off++
			continue
		}
		n := int(t.u8(off + 1))
		if t.has(off+2, n) {
			switch code {
			case 52:
				overload = t.u8(off + 2)
			case 53:
				msgType, haveType = t.u8(off+2), true
			}
		}
		off += n + 2
	}
	if haveType {
		p.setProto("DHCP")
		p.clearInfo()
		if proxy {
			p.appendInfo("proxy")
		}
		p.appendInfo("DHCP ")
		name := ""
		if int(msgType) < len(dhcpMessageTypes) {
			name = dhcpMessageTypes[msgType]
		}
		if name == "" {
			var tmp [40]byte
			b := append(tmp[:0], "Unknown Message Type (0x"...)
			b = appendHex(b, uint64(msgType), 2)
			b = append(b, ')')
			p.appendInfoBytes(b)
		} else {
			p.appendInfo(name)
			for i := len(name); i < 8; i++ {
				p.appendInfo(" ")
			}
		}
		p.appendInfo(" - Transaction ID 0x")
		p.appendInfoHexWidth(uint64(t.u32(4)), 1)
	}

	// The protocol tree reads the fixed header and every option; a short
	// packet raises there, after the summary is written.
	t.ensureItem(1, 1)
	t.ensureItem(3, 1)
	t.ensureItem(4, 4)
	t.ensureItem(8, 2)
	t.ensureItem(10, 2)
	for off := 12; off < 28; off += 4 {
		t.ensureItem(off, 4)
	}
	if hlen > 0 && hlen <= 16 {
		if isEther {
			t.ensureItem(28, 6)
		} else {
			t.ensureItem(28, hlen)
			t.ensureItem(28, 16)
		}
		if hlen < 16 {
			t.ensureItem(28+hlen, 16-hlen)
		}
	} else {
		t.ensureItem(28, 0) // an expert item: only its start must be there
	}
	// The server name and boot file items (given or not) span the whole
	// field; an overloaded field is an expert item.
	if overload&dhcpOverloadSname != 0 {
		t.ensureItem(dhcpSnameOffset, 0)
	} else {
		t.u8(dhcpSnameOffset)
		t.ensureItem(dhcpSnameOffset, 64)
	}
	if overload&dhcpOverloadFile != 0 {
		t.ensureItem(dhcpFileOffset, 0)
	} else {
		t.u8(dhcpFileOffset)
		t.ensureItem(dhcpFileOffset, 128)
	}
	if t.has(dhcpVendorInfo, 4) && t.u32(dhcpVendorInfo) == dhcpMagicCookie {
		voff = dhcpVendorInfo + 4
	} else {
		t.ensureItem(dhcpVendorInfo, 64)
		voff = dhcpVendorInfo + 64
	}
	off, atEnd := voff, false
	for off < eoff && !atEnd {
		code := t.u8(off)
		switch code {
		case 0:
			off = dhcpSkipPad(t, off+1, eoff)
			continue
		case 255:
			atEnd = true
			off++
			continue
		}
		n := int(t.u8(off + 1))
		t.ensureItem(off+2, n)
		if code == 53 && n == 0 { // the message type read from an empty option
			panic(excReported)
		}
		off += n + 2
	}
	if off < eoff {
		t.ensureItem(off, eoff-off) // padding after the End option
	}
	return max(t.len(), 1)
}

// dhcpSkipPad returns the offset of the first byte at or after off that is
// not a Pad option (0), reading up to end.
func dhcpSkipPad(t tvb, off, end int) int {
	for off < end && t.u8(off) == 0 {
		off++
	}
	return off
}
