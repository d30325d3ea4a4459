package decode

import "strconv"

// ICMPv6 message types (packet-icmpv6.c).
const (
	icmp6DstUnreach      = 1
	icmp6PacketTooBig    = 2
	icmp6TimeExceeded    = 3
	icmp6ParamProblem    = 4
	icmp6EchoRequest     = 128
	icmp6EchoReply       = 129
	icmp6MLDQuery        = 130
	icmp6MLDReport       = 131
	icmp6MLDDone         = 132
	icmp6RouterSolicit   = 133
	icmp6RouterAdvert    = 134
	icmp6NeighborSolicit = 135
	icmp6NeighborAdvert  = 136
	icmp6Redirect        = 137
	icmp6RouterRenumber  = 138
	icmp6NIQuery         = 139
	icmp6NIReply         = 140
	icmp6INDSolicit      = 141
	icmp6INDAdvert       = 142
	icmp6MLDv2Report     = 143
	icmp6DHAADRequest    = 144
	icmp6DHAADReply      = 145
	icmp6MPS             = 146
	icmp6MPA             = 147
	icmp6CertPathSol     = 148
	icmp6CertPathAd      = 149
	icmp6ExpMobility     = 150
	icmp6McastRtrAdvert  = 151
	icmp6FMIPv6          = 154
	icmp6RPLControl      = 155
	icmp6ILNPv6          = 156
	icmp6DAR             = 157
	icmp6DAC             = 158
	icmp6ExtEcho         = 160
	icmp6ExtEchoReply    = 161

	mldv2QueryMinLen = 28
	teredoPort       = 3544
)

var icmp6TypeNames = map[uint8]string{
	1:   "Destination Unreachable",
	2:   "Packet Too Big",
	3:   "Time Exceeded",
	4:   "Parameter Problem",
	100: "Private experimentation",
	101: "Private experimentation",
	127: "Reserved for expansion of ICMPv6 error messages",
	128: "Echo (ping) request",
	129: "Echo (ping) reply",
	130: "Multicast Listener Query",
	131: "Multicast Listener Report",
	132: "Multicast Listener Done",
	133: "Router Solicitation",
	134: "Router Advertisement",
	135: "Neighbor Solicitation",
	136: "Neighbor Advertisement",
	137: "Redirect",
	138: "Router Renumbering",
	139: "Node Information Query",
	140: "Node Information Reply",
	141: "Inverse Neighbor Discovery Solicitation",
	142: "Inverse Neighbor Discovery Advertisement",
	143: "Multicast Listener Report Message v2",
	144: "Home Agent Address Discovery Request",
	145: "Home Agent Address Discovery Reply",
	146: "Mobile Prefix Solicitation",
	147: "Mobile Prefix Advertisement",
	148: "Certification Path Solicitation",
	149: "Certification Path Advertisement",
	150: "Experimental Mobility",
	151: "Multicast Router Advertisement",
	152: "Multicast Router Solicitation",
	153: "Multicast Router Termination",
	154: "FMIPv6",
	155: "RPL Control",
	156: "Locator Update",
	157: "Duplicate Address Request",
	158: "Duplicate Address Confirmation",
	159: "MPL Control Message",
	160: "Extended Echo request",
	161: "Extended Echo reply",
	200: "Private experimentation",
	201: "Private experimentation",
	255: "Reserved for expansion of ICMPv6 informational messages",
}

var (
	icmp6UnreachCodes    = []string{"no route to destination", "Administratively prohibited", "Beyond scope of source address", "Address unreachable", "Port unreachable", "Source address failed ingress/egress policy", "Reject route to destination", "Error in Source Routing Header"}
	icmp6TimeExCodes     = []string{"hop limit exceeded in transit", "fragment reassembly time exceeded"}
	icmp6ParamProbCodes  = []string{"erroneous header field encountered", "unrecognized Next Header type encountered", "unrecognized IPv6 option encountered", "IPv6 First Fragment has incomplete IPv6 Header Chain"}
	icmp6NIQueryCodes    = []string{"Query subject = IPv6 addresses", "Query subject = DNS name or empty", "Query subject = IPv4 addresses"}
	icmp6NIReplyCodes    = []string{"Successful", "Refused", "Unknown query type"}
	icmp6FMIPv6Subtypes  = map[uint8]string{2: "Router Solicitation for Proxy Advertisement", 3: "Proxy Router Advertisement", 4: "Handover Initiate", 5: "Handover Acknowledge"}
	icmp6RPLCodes        = map[uint8]string{0x00: "DODAG Information Solicitation", 0x01: "DODAG Information Object", 0x02: "Destination Advertisement Object", 0x03: "Destination Advertisement Object Acknowledgment", 0x80: "Secure DODAG Information Solicitation", 0x81: "Secure DODAG Information Object", 0x82: "Secure Destination Advertisement Object", 0x83: "Secure Destination Advertisement Object Acknowledgment", 0x8a: "Consistency Check", 0x04: "P2P Discovery Reply Object", 0x84: "P2P Secure Discovery Reply Object", 0x05: "P2P Discovery Reply Object Acknowledgement", 0x85: "P2P Secure Discovery Reply Object Acknowledgement"}
	icmp6RouterRenumCode = map[uint8]string{0: "Command", 1: "Result", 255: "Sequence number reset"}
)

func init() {
	extraIPProtos[ipProtoICMPv6] = func(p *packet, t tvb, ip ipHeader) bool {
		dissectICMPv6(p, t, ip)
		return true
	}
}

// icmp6CodeText is the "(code)" part of Info for the types that have one.
func icmp6CodeText(typ, code uint8) (string, bool) {
	unknown := func() string { return "Unknown (" + strconv.Itoa(int(code)) + ")" }
	fromList := func(names []string) string {
		if int(code) < len(names) {
			return names[code]
		}
		return unknown()
	}
	fromMap := func(names map[uint8]string) string {
		if s, ok := names[code]; ok {
			return s
		}
		return unknown()
	}
	switch typ {
	case icmp6DstUnreach:
		if int(code) < len(icmp6UnreachCodes) {
			return icmp6UnreachCodes[code], true
		}
		return "Unknown", true
	case icmp6TimeExceeded:
		return fromList(icmp6TimeExCodes), true
	case icmp6ParamProblem:
		return fromList(icmp6ParamProbCodes), true
	case icmp6RouterRenumber:
		return fromMap(icmp6RouterRenumCode), true
	case icmp6NIQuery:
		return fromList(icmp6NIQueryCodes), true
	case icmp6NIReply:
		return fromList(icmp6NIReplyCodes), true
	case icmp6RPLControl:
		return fromMap(icmp6RPLCodes), true
	case icmp6ExtEcho:
		return fromList(icmpExtEchoCodes), true
	case icmp6ExtEchoReply:
		return fromList(icmpExtEchoReplyCodes), true
	}
	return "", false
}

// dissectICMPv6 is packet-icmpv6.c's dissect_icmpv6.
func dissectICMPv6(p *packet, t tvb, ip ipHeader) {
	p.setProto("ICMPv6")
	p.clearInfo()
	typ := t.u8(0)
	if name, ok := icmp6TypeNames[typ]; ok {
		p.setInfo(name)
	} else {
		p.setInfo("Unknown (" + strconv.Itoa(int(typ)) + ")")
	}
	code := t.u8(1)
	if codeText, ok := icmp6CodeText(typ, code); ok {
		p.appendInfo(" (" + codeText + ")")
	}
	teredo := p.ptype == portUDP && p.dstPort == teredoPort && typ == icmp6EchoRequest
	if teredo {
		p.setProto("Teredo")
		p.setInfo("Direct IPv6 Connectivity Test")
	}
	t.ensure(2, 2)

	if typ == icmp6EchoRequest || typ == icmp6EchoReply {
		id, seq := t.u16(4), t.u16(6)
		if !p.readOnly {
			p.info.appendStr(" id=0x")
			p.info.buf = appendHex(p.info.buf, uint64(id), 4)
			p.info.appendStr(", seq=")
			p.info.appendUint(uint64(seq))
			if ip.version == 6 {
				p.info.appendStr(", hop limit=")
				p.info.appendUint(uint64(ip.ttl))
			}
		}
		if teredo {
			t.ensure(8, 4) // the nonce
		} else {
			p.icmpEcho(t, typ == icmp6EchoRequest, true)
			hiPerConTracer(p, t.sub(8))
		}
		return
	}

	switch typ {
	case icmp6DstUnreach, icmp6TimeExceeded:
		origLen := int(int8(t.u8(4))) // a signed char in packet-icmpv6.c
		t.ensure(4, 4)
		icmp6Contained(p, t.sub(8))
		if origLen != 0 {
			icmpExtension(t.sub(icmp6Offset(t, 8+8*origLen)))
		}
	case icmp6PacketTooBig, icmp6ParamProblem:
		t.ensure(4, 4)
		icmp6Contained(p, t.sub(8))
	case icmp6MLDQuery, icmp6MLDReport, icmp6MLDDone:
		if typ == icmp6MLDQuery && t.len() >= mldv2QueryMinLen {
			t.ensure(4, 24)
			n := int(t.u16(26))
			off := 28
			for i := 0; i < n; i++ {
				t.ensure(off, 16)
				off += 16
			}
		} else {
			t.ensure(4, 20)
		}
	case icmp6RouterSolicit, icmp6INDSolicit, icmp6INDAdvert:
		t.ensure(4, 4)
		icmp6NDOptions(p, t, 8)
	case icmp6RouterAdvert:
		t.ensure(4, 12)
		icmp6NDOptions(p, t, 16)
	case icmp6NeighborSolicit:
		t.ensure(4, 4)
		t.ensure(8, 16)
		p.appendInfo(" for ")
		p.appendInfoIPv6(t.bytes(8, 16))
		icmp6NDOptions(p, t, 24)
	case icmp6NeighborAdvert:
		t.ensure(4, 4)
		flags := t.u32(4)
		t.ensure(8, 16)
		p.appendInfo(" ")
		p.appendInfoIPv6(t.bytes(8, 16))
		p.appendInfo(" (")
		p.appendInfo(ndNAFlags(flags))
		p.appendInfo(")")
		icmp6NDOptions(p, t, 24)
	case icmp6Redirect:
		t.ensure(4, 36)
		icmp6NDOptions(p, t, 40)
	case icmp6MLDv2Report:
		t.ensure(4, 4)
		off := 8
		for off < t.reported {
			t.ensure(off, 4)
			aux := int(t.u8(off + 1))
			n := int(t.u16(off + 2))
			t.ensure(off+4, 16)
			off += 20
			for i := 0; i < n; i++ {
				t.ensure(off, 16)
				off += 16
			}
			if aux > 0 {
				t.ensure(off, aux*4)
				off += aux * 4
			}
		}
	case icmp6DHAADRequest, icmp6MPS:
		t.ensure(4, 4)
	case icmp6DHAADReply:
		t.ensure(4, 4)
		for off := 8; t.len() > off; off += 16 {
			t.ensure(off, 16)
		}
	case icmp6MPA, icmp6CertPathSol:
		t.ensure(4, 4)
		icmp6NDOptions(p, t, 8)
	case icmp6CertPathAd:
		t.ensure(4, 8)
		icmp6NDOptions(p, t, 12)
	case icmp6ExpMobility, icmp6FMIPv6:
		t.ensure(4, 1)
		sub := t.u8(4)
		p.appendInfo(" (")
		if name, ok := icmp6FMIPv6Subtypes[sub]; ok {
			p.appendInfo(name)
		} else {
			p.appendInfo("Unknown (" + strconv.Itoa(int(sub)) + ")")
		}
		p.appendInfo(")")
		if _, ok := icmp6FMIPv6Subtypes[sub]; ok {
			t.ensure(5, 1)
		}
		t.ensure(6, 2)
		icmp6NDOptions(p, t, 8)
	case icmp6McastRtrAdvert:
		t.ensure(4, 4)
	case icmp6ILNPv6:
		n := int(t.u8(4))
		t.ensure(4, 4)
		t.ensure(8, 12*n)
	case icmp6DAR, icmp6DAC:
		t.ensure(4, 28)
	case icmp6RPLControl:
		icmp6RPLBase(t, code)
	case icmp6ExtEcho:
		t.ensure(4, 4)
		icmpExtension(t.sub(8))
	case icmp6ExtEchoReply:
		t.ensure(4, 4)
	}
}

// icmp6RPLBase reads the base object of a (non-secure) RPL control
// message as dissect_rpl_control does; its options are not walked.
func icmp6RPLBase(t tvb, code uint8) {
	switch code {
	case 0x00: // DIS
		t.ensure(4, 2)
	case 0x01, 0x8a: // DIO, consistency check
		t.ensure(4, 24)
	case 0x02: // DAO
		t.ensure(4, 4)
		if t.u8(5)&0x40 != 0 {
			t.ensure(8, 16)
		}
	case 0x03: // DAO-ACK
		t.ensure(4, 4)
		if t.u8(5)&0x80 != 0 {
			t.ensure(8, 16)
		}
	case 0x04, 0x05: // P2P DRO, DRO-ACK
		t.ensure(4, 20)
	}
}

// icmp6Offset resolves an offset as tvb_new_subset_remaining does: a
// negative one counts from the end.
func icmp6Offset(t tvb, off int) int {
	if off >= 0 {
		return off
	}
	if -off > t.len() {
		panic(t.errAt(-off))
	}
	return t.len() + off
}

// ndNAFlags is the "(rtr, sol, ovr)" text of a Neighbor Advertisement.
func ndNAFlags(flags uint32) string {
	s := ""
	add := func(name string) {
		if s != "" {
			s += ", "
		}
		s += name
	}
	if flags&0x80000000 != 0 {
		add("rtr")
	}
	if flags&0x40000000 != 0 {
		add("sol")
	}
	if flags&0x20000000 != 0 {
		add("ovr")
	}
	if s == "" {
		return "none"
	}
	return s
}

// icmp6Contained dissects the packet quoted in an ICMPv6 error or a
// Redirected Header option (dissect_contained_icmpv6).
func icmp6Contained(p *packet, t tvb) {
	saveErr := p.inErrorPkt
	p.inErrorPkt = true
	if t.u8(0)&0xf0 == 0x60 {
		p.callErrorPacket(func() { dissectIPv6(p, t) })
	}
	p.inErrorPkt = saveErr
}

// icmp6NDOptions walks Neighbor Discovery options (dissect_icmpv6_nd_opt):
// link-layer address options reach Info, the others only through the
// reads that may fail.
func icmp6NDOptions(p *packet, t tvb, off int) {
	for t.reported > off {
		optLen := int(t.u8(off+1)) * 8
		typ := t.u8(off)
		if optLen == 0 {
			return
		}
		body := off + 2
		end := off + optLen
		switch typ {
		case 1, 2: // source/target link-layer address
			switch {
			case optLen == 8:
				if typ == 1 {
					p.appendInfo(" from ")
				} else {
					p.appendInfo(" is at ")
				}
				if !p.readOnly {
					p.info.buf = appendMAC(p.info.buf, t.bytes(body, 6))
				}
			case optLen == 16 && t.u32(body+8) == 0 && t.u16(body+12) == 0:
				p.appendInfo(" from ")
				if !p.readOnly {
					p.info.buf = appendEUI64(p.info.buf, t.bytes(body, 8))
				}
			}
		case 3: // prefix information
			t.ensure(body, 30)
		case 4: // redirected header
			t.ensure(body, 6)
			if optLen > 8 {
				icmp6Contained(p, t.subLen(body+6, optLen-8))
			}
		case 5, 7, 8:
			t.ensure(body, 6)
		case 6:
			t.ensure(body, 5)
		case 9, 10: // address lists
			t.ensure(body, 6)
			for o := body + 6; o < end; o += 16 {
				t.ensure(o, 16)
			}
		case 24: // route information
			t.ensure(body, 6)
			switch optLen {
			case 16:
				t.ensure(body+6, 8)
			case 24:
				t.ensure(body+6, 16)
			}
		case 25: // recursive DNS server
			t.ensure(body, 6)
			for o := body + 6; o < end; o += 16 {
				t.ensure(o, 16)
			}
		case 26:
			t.ensure(body, 2)
		}
		// What the option's dissector left is shown as unknown data,
		// so the whole option is read in the end.
		t.ensure(off, optLen)
		off = end
	}
}

// appendEUI64 appends an EUI-64 as eight colon-separated hex bytes.
func appendEUI64(dst, b []byte) []byte {
	for i, c := range b[:8] {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return dst
}
