package decode

import "strconv"

// dissectUDP is packet-udp.c's dissect: the ports line, then the payload
// to a conversation dissector, the port table (lower port first) or the
// heuristics.
func dissectUDP(p *packet, t tvb, ip ipHeader) {
	sport := t.u16(0)
	dport := t.u16(2)
	p.setProto("UDP")
	p.clearInfo()
	p.appendPorts(sport, dport)
	reported := t.reported
	ulen := int(t.u16(4))
	jumbogram := false
	if ulen == 0 && p.src.typ == addrIPv6 {
		ulen = reported // RFC 2675 jumbogram
		jumbogram = true
	}
	if ulen < 8 {
		p.appendInfo(" [BAD UDP LENGTH " + strconv.Itoa(ulen) + " < 8]")
		return
	}
	if ulen > reported && !p.fragmented && !p.inErrorPkt {
		p.appendInfo(" [BAD UDP LENGTH " + strconv.Itoa(ulen) + " > IP PAYLOAD LENGTH]")
	}
	p.appendInfo(" Len=")
	p.appendInfoUint(uint64(ulen - 8))
	if jumbogram {
		p.appendInfo(" [Jumbogram]")
	}
	// A zero checksum means "none" over IPv4 but is illegal over IPv6
	// (udp.ignore_ipv6_zero_checksum is off by default).
	if t.u16(6) == 0 && p.src.typ != addrIPv4 && !p.inErrorPkt {
		p.appendInfo(" [ILLEGAL CHECKSUM (0)]")
	}

	p.ptype, p.srcPort, p.dstPort = portUDP, sport, dport
	conv := p.udpConversation(ip)
	p.conv = conv

	if ulen == 8 {
		return // empty payload: no subdissector is called
	}
	if p.inErrorPkt && t.len() <= 8 {
		return
	}
	if t.remaining(8) == 0 {
		// The "UDP payload" item (length -1) needs a captured byte.
		t.ensure(8, 1)
	}
	capLen := t.remaining(8)
	repLen := t.reportedRemaining(8)
	if ulen-8 < repLen {
		repLen = ulen - 8
	}
	if capLen > repLen {
		capLen = repLen
	}
	next := t.subCap(8, capLen, repLen)
	decodeUDPPorts(p, next, conv, sport, dport)
}

// udpConversation finds or creates the conversation of this datagram.
func (p *packet) udpConversation(ip ipHeader) *conversation {
	k, _ := makeFlowKey(ipProtoUDP, ip.src, ip.dst, p.srcPort, p.dstPort)
	if c := p.d.flows.lookup(k, p.ts); c != nil {
		return c
	}
	return p.d.flows.create(k, p.ts)
}

// decodeUDPPorts hands a UDP payload on (decode_udp_ports).
func decodeUDPPorts(p *packet, t tvb, conv *conversation, sport, dport uint16) {
	if conv != nil && conv.dissector != nil {
		if conv.dissector(p, t) != 0 {
			return
		}
	}
	low, high := sport, dport
	if sport > dport {
		low, high = dport, sport
	}
	if low != 0 && tryPort(udpPortTable, p, t, low) {
		return
	}
	if high != 0 && tryPort(udpPortTable, p, t, high) {
		return
	}
	if tryHeuristics(udpHeuristics, p, t) {
		return
	}
	// Nobody took it: it stays data, with UDP's columns.
}

// appendPorts appends "SPORT → DPORT" (col_append_ports).
func (p *packet) appendPorts(sport, dport uint16) {
	if p.readOnly {
		return
	}
	p.info.appendUint(uint64(sport))
	p.info.appendStr(" → ")
	p.info.appendUint(uint64(dport))
}
