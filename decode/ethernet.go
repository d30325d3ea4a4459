package decode

import "strconv"

const ieee8023MaxLen = 1500

// dissectEthernet is Ethernet II and IEEE 802.3 framing (packet-eth.c),
// without an FCS (as libpcap delivers frames).
func dissectEthernet(p *packet, t tvb) {
	p.setProto("Ethernet")
	dst, src := t.bytes(0, 6), t.bytes(6, 6)
	p.dlDst, p.dlSrc = etherAddr(dst), etherAddr(src)
	p.setSrcDst(p.dlSrc, p.dlDst)
	etype := t.u16(12)

	switch {
	case etype > ieee8023MaxLen && etype < 1536:
		p.setInfo("Ethernet Unknown: Invalid length/type: 0x")
		p.appendInfoHex16(etype)
		p.appendInfo(" (")
		p.appendInfoUint(uint64(etype))
		p.appendInfo(")")
	case etype <= ieee8023MaxLen && etype != 0:
		is8022 := !(t.has(14, 2) && t.u16(14) == 0xffff)
		if is8022 {
			p.setInfo("IEEE 802.3 Ethernet ")
		} else {
			p.setInfo("IEEE 802.3 Ethernet Raw ")
		}
		dissect8023(p, t, etype, is8022)
	default:
		p.setInfo("Ethernet II")
		dissectEthertype(p, t, etype, 14)
	}
}

// dissect8023 handles an 802.3 length field: the payload is cut to that
// length (the rest is trailer) and handed to LLC, or to IPX when raw.
func dissect8023(p *packet, t tvb, length uint16, is8022 bool) {
	reported := t.reportedRemaining(14)
	n := int(length)
	if n > reported {
		n = reported
	}
	next := t.subLen(14, n)
	if is8022 {
		dissectLLC(p, next)
		return
	}
	p.setProto("IPX")
}

// dissectEthertype dispatches the payload after a 2-byte Ethernet type
// (packet-ethertype.c): known types go to their dissector, others are
// labelled with the type number.
func dissectEthertype(p *packet, t tvb, etype uint16, offset int) {
	next := t.subCap(offset, t.remaining(offset), t.reportedRemaining(offset))
	found := true
	if p.try(func() { found = dispatchEthertype(p, next, etype) }) {
		return
	}
	if !found {
		p.setProto("0x")
		p.appendProtoHex16(etype)
		if name, ok := etherTypeNames[etype]; ok {
			p.setInfo(name)
		}
	}
}

// dispatchEthertype calls the dissector registered for etype; false when
// there is none.
func dispatchEthertype(p *packet, t tvb, etype uint16) bool {
	switch etype {
	case 0x0800:
		dissectIPv4(p, t)
	case 0x86dd:
		dissectIPv6(p, t)
	case 0x0806:
		dissectARP(p, t, false)
	case 0x8035:
		dissectARP(p, t, true)
	case 0x8100, 0x88a8, 0x9100:
		dissectVLAN(p, t)
	default:
		if fn, ok := extraEthertypes[etype]; ok {
			fn(p, t)
			return true
		}
		return false
	}
	return true
}

// extraEthertypes holds dissectors registered by other files (LLDP,
// EAPOL, ...), filled at init and read-only afterwards.
var extraEthertypes = map[uint16]func(p *packet, t tvb){}

// etherTypeNames are the descriptions tshark puts in Info for Ethernet
// types it has no dissector for (a subset of etype_vals).
var etherTypeNames = map[uint16]string{
	0x0800: "IPv4",
	0x86dd: "IPv6",
	0x0806: "ARP",
	0x8035: "RARP",
	0x8100: "802.1Q Virtual LAN",
	0x88a8: "802.1ad Provider Bridge (Q-in-Q)",
	0x9100: "VLAN-tagged frame (Q-in-Q)",
	0x8863: "PPPoE Discovery",
	0x8864: "PPPoE Session",
	0x888e: "802.1X Authentication",
	0x88cc: "802.1 Link Layer Discovery Protocol (LLDP)",
	0x8847: "MPLS label switched packet",
	0x8848: "MPLS multicast label switched packet",
	0x88e5: "802.1AE (MACsec)",
	0x88f7: "PTPv2 over Ethernet (IEEE1588)",
	0x8892: "PROFINET",
	0x893a: "IEEE 1905.1a",
	0x9000: "Loopback",
	0x88b5: "Local Experimental Ethertype 1",
	0x88b6: "Local Experimental Ethertype 2",
}

// dissectVLAN is an 802.1Q/802.1ad tag (packet-vlan.c).
func dissectVLAN(p *packet, t tvb) {
	p.setProto("VLAN")
	p.clearInfo()
	tci := t.u16(0)
	if !p.readOnly {
		p.info.set("PRI: ")
		p.info.appendUint(uint64(tci >> 13))
		p.info.appendStr("  DEI: ")
		p.info.appendUint(uint64((tci >> 12) & 1))
		p.info.appendStr("  ID: ")
		p.info.appendUint(uint64(tci & 0xfff))
	}
	encap := t.u16(2)
	if encap <= ieee8023MaxLen {
		is8022 := !(t.has(4, 2) && t.u16(4) == 0xffff)
		reported := t.reportedRemaining(4)
		n := int(encap)
		if n > reported {
			n = reported
		}
		next := t.subLen(4, n)
		if is8022 {
			dissectLLC(p, next)
		} else {
			p.setProto("IPX")
		}
		return
	}
	dissectEthertype(p, t, encap, 4)
}

// dissectSLL is Linux cooked capture v1 (packet-sll.c): only the source
// link-layer address is known.
func dissectSLL(p *packet, t tvb) {
	pkttype := t.u16(0)
	hatype := t.u16(2)
	p.setProto("SLL")
	p.clearInfo()
	p.setInfo(sllPacketType(pkttype))
	sllAddress(p, t, int(t.u16(4)), 6)
	sllPayload(p, t, 16, hatype, t.u16(14))
}

// dissectSLL2 is Linux cooked capture v2 (`-i any` on libpcap >= 1.10).
func dissectSLL2(p *packet, t tvb) {
	hatype := t.u16(8)
	p.setProto("SLL")
	p.clearInfo()
	p.setInfo(sllPacketType(uint16(t.u8(10))))
	protocol := t.u16(0)
	sllAddress(p, t, int(t.u8(11)), 12)
	sllPayload(p, t, 20, hatype, protocol)
}

func sllPacketType(v uint16) string {
	switch v {
	case 0:
		return "Unicast to us"
	case 1:
		return "Broadcast"
	case 2:
		return "Multicast"
	case 3:
		return "Unicast to another host"
	case 4:
		return "Sent by us"
	}
	return "Unknown (" + strconv.Itoa(int(v)) + ")"
}

func sllAddress(p *packet, t tvb, halen, off int) {
	switch halen {
	case 4:
		p.dlSrc = ipv4Addr(t.bytes(off, 4))
		p.src = p.dlSrc
	case 6:
		p.dlSrc = etherAddr(t.bytes(off, 6))
		p.src = p.dlSrc
	}
}

func sllPayload(p *packet, t tvb, hdrLen int, hatype, protocol uint16) {
	if protocol <= 1536 {
		// A Linux-internal protocol number, not an Ethernet type.
		next := t.sub(hdrLen)
		switch protocol {
		case 0x0004: // 802.2 LLC
			dissectLLC(p, next)
		}
		return
	}
	dissectEthertype(p, t, protocol, hdrLen)
}

// dissectNull is the BSD loopback header (packet-null.c): a 4-byte address
// family in host order (LinkNull) or network order (LinkLoop).
func dissectNull(p *packet, t tvb, networkOrder bool) {
	p.setProto("N/A")
	p.setInfo("Null/Loopback")
	var family uint32
	if networkOrder {
		family = t.u32(0)
	} else {
		family = t.le32(0)
		if family&0xffff0000 != 0 {
			if family&0xff000000 == 0 && family&0x00ff0000 < 0x00060000 {
				family >>= 16
			} else {
				family = family>>24 | family>>8&0xff00 | family<<8&0xff0000 | family<<24
			}
		} else if family&0xff == 0 && family&0xff00 < 0x0600 {
			family = (family&0xff)<<8 | (family>>8)&0xff
		}
	}
	if family > ieee8023MaxLen {
		next := t.sub(4)
		if !dispatchEthertype(p, next, uint16(family)) {
			return
		}
		return
	}
	next := t.sub(4)
	switch family {
	case 2:
		dissectIPv4(p, next)
	case 24, 28, 30:
		dissectIPv6(p, next)
	}
}

// dissectRawIP is a link type carrying bare IPv4 or IPv6 (packet-raw.c).
func dissectRawIP(p *packet, t tvb) {
	p.setProto("N/A")
	p.setInfo("Raw packet data")
	switch t.u8(0) & 0xf0 {
	case 0x40:
		dissectIPv4(p, t)
	case 0x60:
		dissectIPv6(p, t)
	}
}

func (p *packet) appendInfoHex16(v uint16) {
	if !p.readOnly {
		p.info.buf = appendHex(p.info.buf, uint64(v), 4)
	}
}

func (p *packet) appendProtoHex16(v uint16) {
	if !p.readOnly {
		p.proto.buf = appendHex(p.proto.buf, uint64(v), 4)
	}
}

// appendHex appends v in lower-case hex, zero-padded to width digits.
func appendHex(dst []byte, v uint64, width int) []byte {
	var tmp [16]byte
	i := len(tmp)
	for v > 0 || i == len(tmp) {
		i--
		tmp[i] = hexDigits[v&0xf]
		v >>= 4
	}
	for n := len(tmp) - i; n < width; n++ {
		dst = append(dst, '0')
	}
	return append(dst, tmp[i:]...)
}
