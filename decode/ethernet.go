package decode

import "strconv"

const ieee8023MaxLen = 1500

// dissectEthernet is Ethernet II and IEEE 802.3 framing (packet-eth.c),
// without an FCS (as libpcap delivers frames).
func dissectEthernet(p *packet, t tvb) {
	p.setProto("Ethernet")
	p.dlDst = etherAddr(t.bytes(0, 6))
	p.dst = p.dlDst
	p.dlSrc = etherAddr(t.bytes(6, 6))
	p.src = p.dlSrc
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
		dissect8023(p, t, int(etype), 14, is8022)
	default:
		p.setInfo("Ethernet II")
		dissectEthertype(p, t, etype, 14)
	}
}

// dissect8023 is packet-ieee8023.c: the payload is cut to the length
// field (the rest is trailer) and handed to LLC, or to IPX/CCSDS when it
// has no 802.2 header. An exception in the payload is shown and the
// trailer still checked, which may raise again for a cut capture.
func dissect8023(p *packet, t tvb, length int, off int, is8022 bool) {
	if reported := t.reportedRemaining(off); length > reported {
		length = reported
	}
	capLen := min(max(t.len()-off, 0), length)
	next := t.subCap(off, capLen, length)
	p.try(func() {
		switch {
		case is8022:
			dissectLLC(p, next)
		case next.u8(0)>>5 == 7:
			p.setProto("IPX")
			p.clearInfo()
		default:
			p.setProto("CCSDS")
		}
	})
	t.sub(off + length)
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
		if name, ok := etypeNames[etype]; ok {
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
		return dissectIPv6(p, t)
	case 0x0806:
		dissectARP(p, t)
	case 0x8035:
		dissectARP(p, t)
	case 0x8100, 0x88a8, 0x9100:
		dissectVLAN(p, t)
	case 0x9000:
		dissectLoop(p, t)
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

// etypeNames is Wireshark's etype_vals: the descriptions tshark puts in
// Info for Ethernet types it has no dissector for.
var etypeNames = map[uint16]string{
	0x0800: "IPv4",
	0x86dd: "IPv6",
	0x8100: "802.1Q Virtual LAN",
	0x8102: "Simple Loop Protection Protocol",
	0x8103: "Virtual LACP",
	0x8104: "Simple Loop Protection Protocol (old)",
	0x0806: "ARP",
	0x872d: "Cisco Wireless Lan Context Control Protocol",
	0x8783: "Motorola Media Independent Network Transport",
	0x2452: "IEEE 802.11 (Centrino promiscuous)",
	0x0600: "XNS Internet Datagram Protocol",
	0x0805: "X.25 Layer 3",
	0x0842: "Wake on LAN",
	0x08f0: "WiMax Mac-to-Mac",
	0x3e3f: "EPL_V1",
	0x8035: "RARP",
	0x8038: "DEC LanBridge",
	0x809b: "AppleTalk LLAP bridging",
	0x80d5: "SNA-over-Ethernet",
	0x80e1: "EtherNet/IP Device Level Ring",
	0x80f3: "AARP",
	0x8137: "Netware IPX/SPX",
	0x0bad: "Vines IP",
	0x0baf: "Vines Echo",
	0x1984: "Netmon Train",
	0x9000: "Loopback",
	0x885a: "Foundry proprietary",
	0x80ff: "Wellfleet Compression Protocol",
	0x8181: "Spanning Tree Protocol",
	0x81fd: "Cabletron Interswitch Message Protocol",
	0x81ff: "Cabletron SFVLAN 1.8 Tag-Based Flood",
	0x8204: "QNX 6 QNET protocol",
	0x8863: "PPPoE Discovery",
	0x8864: "PPPoE Session",
	0x886c: "HomePNA, wlan link local tunnel",
	0x886d: "Intel ANS probe",
	0x886f: "MS NLB heartbeat",
	0x8870: "Jumbo LLC",
	0x8874: "Broadcom tag",
	0x887b: "Homeplug",
	0x88e1: "Homeplug AV",
	0x88e3: "MRP",
	0x88a8: "802.1ad Provider Bridge (Q-in-Q)",
	0x88e5: "802.1AE (MACsec)",
	0x893a: "1905.1a Convergent Digital Home Network for Heterogenous Technologies",
	0x88e7: "802.1ah Provider Backbone Bridge (mac-in-mac)",
	0x893f: "802.1br Bridge Port Extension E-Tag",
	0x888e: "802.1X Authentication",
	0x88c7: "802.11i Pre-Authentication",
	0x8847: "MPLS label switched packet",
	0x8848: "MPLS multicast label switched packet",
	0x3c07: "3Com NBP Datagram",
	0x6000: "DEC proto",
	0x6001: "DEC DNA Dump/Load",
	0x6002: "DEC DNA Remote Console",
	0x6003: "DEC DNA Routing",
	0x6004: "DEC LAT",
	0x6005: "DEC Diagnostics",
	0x6006: "DEC Customer use",
	0x6007: "DEC LAVC/SCA",
	0x8041: "DEC LAST",
	0x6558: "Transparent Ethernet bridging",
	0x2001: "Cisco Group Management Protocol",
	0x22e5: "Gigamon Header",
	0x22ea: "802.1Qat Multiple Stream Reservation Protocol",
	0x88f6: "802.1ak Multiple Mac Registration Protocol",
	0x894f: "Network Service Header",
	0x8988: "PA HB Backup",
	0x22f0: "IEEE 1722 Audio Video Transport Protocol",
	0x22f1: "Robust Header Compression(RoHC)",
	0x22f3: "Transparent Interconnection of Lots of Links",
	0x22f4: "Intermediate System to Intermediate System",
	0x8808: "MAC Control",
	0x8809: "Slow Protocols",
	0x9021: "Real-Time Media Access Control",
	0x9022: "Real-Time Configuration Protocol",
	0x8881: "CDMA2000 A10 Unstructured byte stream",
	0x8884: "ATM over Ethernet",
	0x8892: "PROFINET",
	0x8899: "Realtek Layer 2 Protocols",
	0x88a2: "ATA over Ethernet",
	0x88a4: "EtherCAT frame",
	0x88a1: "Telkonet powerline",
	0x88ab: "ETHERNET Powerlink v2",
	0x88ad: "XiMeta Technology",
	0x889b: "CSM_ENCAPS Protocol",
	0x88b5: "Local Experimental Ethertype 1",
	0x88b6: "Local Experimental Ethertype 2",
	0x88b7: "IEEE 802a OUI Extended Ethertype",
	0x88b8: "IEC 61850/GOOSE",
	0x88b9: "IEC 61850/GSE management services",
	0x88ba: "IEC 61850/SV (Sampled Value Transmission",
	0x88ca: "Transparent Inter Process Communication",
	0x88cc: "802.1 Link Layer Discovery Protocol (LLDP)",
	0x88d2: "CDMA2000 A10 3GPP2 Packet",
	0x891d: "TTEthernet Protocol Control Frame",
	0x88d8: "Circuit Emulation Services over Ethernet (MEF8)",
	0x88d9: "Link Layer Topology Discovery (LLTD)",
	0x88dc: "(WAVE) Short Message Protocol (WSM)",
	0x88de: "VMware Lab Manager",
	0x8819: "Cirrus Cobranet Packet",
	0x8133: "Juniper Netscreen Redundant Protocol",
	0x9104: "EERO Broadcast Packet",
	0xcafe: "Veritas Low Latency Transport (not officially registered)",
	0x8902: "IEEE 802.1ag Connectivity Fault Management (CFM) protocol",
	0x8903: "Data Center Ethernet (DCE) protocol(Cisco)",
	0x8906: "Fibre Channel over Ethernet",
	0x890d: "IEEE 802.11 data encapsulation",
	0x8911: "LINX IPC Protocol",
	0x8914: "FCoE Initialization Protocol",
	0x8917: "Media Independent Handover Protocol",
	0x88ee: "Ethernet Local Management Interface (MEF16)",
	0x88f7: "PTPv2 over Ethernet (IEEE1588)",
	0x88f8: "Network Controller Sideband Interface",
	0x88fb: "Parallel Redundancy Protocol (PRP) and HSR Supervision (IEC62439 Part 3)",
	0x8901: "Flow Layer Internal Protocol",
	0x8915: "RDMA over Converged Ethernet",
	0xd00d: "Digium TDM over Ethernet Protocol",
	0x88b4: "WAI Authentication Protocol",
	0x8926: "VN-Tag",
	0x892b: "Schweitzer Engineering Labs Layer 2 Protocol",
	0x892f: "High-availability Seamless Redundancy (IEC62439 Part 3)",
	0x08ff: "AX.25",
	0x8909: "CiscoMetaData",
	0x8947: "GeoNetworking",
	0xc0de: "eXpressive Internet Protocol",
	0xc0df: "Neighborhood Watch Protocol",
	0x892d: "bluecom Protocol",
	0x9100: "QinQ: old non-standard 802.1ad",
	0x99fe: "Technically Enhanced Capture Module Protocol (TECMP)",
	0xa0ed: "6LoWPAN",
	0xd28b: "Arista Timestamp",
	0xaefe: "eCPRI",
	0xb4e3: "CableLabs Layer-3 Protocol",
	0xe555: "EXos internal Extra Header",
	0xfff2: "Cisco ACI ARP gleaning",
	0xf1c1: "802.1CB Frame Replication and Elimination for Reliability",
}

// dissectVLAN is an 802.1Q/802.1ad tag (packet-vlan.c).
func dissectVLAN(p *packet, t tvb) {
	p.setProto("VLAN")
	p.clearInfo()
	tci := t.u16(0)
	if p.vlanID == 0 {
		p.vlanID = tci & 0xfff
	}
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
		dissect8023(p, t, int(encap), 4, is8022)
		return
	}
	dissectEthertype(p, t, encap, 4)
}

// dissectLoop is the Ethernet configuration testing protocol (0x9000):
// Info names the function the skip count points at.
func dissectLoop(p *packet, t tvb) {
	p.setProto("LOOP")
	p.clearInfo()
	skip := 2 + int(t.le16(0))
	off := 2
	set := true
	for {
		fn := t.le16(off)
		if off == skip {
			switch fn {
			case 1:
				p.setInfo("Reply")
			case 2:
				p.setInfo("Forward Data")
			default:
				p.setInfo("Unknown function (" + strconv.Itoa(int(fn)) + ")")
			}
			set = false
		}
		off += 2
		if fn == 1 {
			t.ensure(off, 2)
			off += 2
		}
		if fn != 2 {
			break
		}
		t.ensure(off, 6)
		off += 6
	}
	if set {
		p.setInfo("No valid function found")
	}
	if t.reportedRemaining(off) > 0 {
		t.sub(off)
	}
}

// Linux cooked-capture constants (packet-sll.c, arptypes.h).
const (
	sllProto8023     = 0x0001
	sllProtoEthernet = 0x0003
	sllProto8022     = 0x0004
	arphrdRadiotap   = 803
	arphrdNetlink    = 824
)

// dissectSLL is Linux cooked capture v1 (packet-sll.c): only the source
// link-layer address is known.
func dissectSLL(p *packet, t tvb) {
	pkttype := t.u16(0)
	hatype := t.u16(2)
	if hatype == arphrdNetlink {
		p.setProto("Netlink")
		return
	}
	p.setProto("SLL")
	p.clearInfo()
	p.setInfo(sllPacketType(pkttype))
	sllAddress(p, t, int(t.u16(4)), 6)
	sllPayload(p, t, 16, hatype, t.u16(14))
}

// dissectSLL2 is Linux cooked capture v2 (`-i any` on libpcap >= 1.10).
// Wireshark 4.0 reads the packet type as a 16-bit field, taking the
// address length with it; Info shows what that gives.
func dissectSLL2(p *packet, t tvb) {
	pkttype := t.u16(10)
	hatype := t.u16(8)
	if hatype == arphrdNetlink {
		p.setProto("Netlink")
		return
	}
	p.setProto("SLL")
	p.clearInfo()
	p.setInfo(sllPacketType(pkttype))
	protocol := t.u16(0)
	t.ensure(4, 4)
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
	case 0:
	default:
		t.ensure(off, min(halen, 8))
	}
	if halen < 8 {
		t.ensure(off+halen, 8-halen)
	}
}

// sllPayload hands on the payload: protocols up to 1536 are Linux's own
// numbers (tried by the link-layer address type first), larger ones are
// Ethernet types.
func sllPayload(p *packet, t tvb, hdrLen int, hatype, protocol uint16) {
	if protocol > 1536 {
		dissectEthertype(p, t, protocol, hdrLen)
		return
	}
	next := t.sub(hdrLen)
	if hatype == arphrdRadiotap {
		dissectRadiotap(p, next)
		return
	}
	switch protocol {
	case sllProto8023:
		p.setProto("IPX")
		p.clearInfo()
	case sllProtoEthernet:
		dissectEthernet(p, next)
	case sllProto8022:
		dissectLLC(p, next)
	}
}

// naAddress is what null, loopback and raw links put in the address
// columns until a network layer sets them: "N/A".
var naAddress = address{typ: addrText, b: [16]byte{6: wlanRoleNA}}

// dissectNull is the BSD loopback header (packet-null.c): a 4-byte address
// family in host order (LinkNull) or network order (LinkLoop).
func dissectNull(p *packet, t tvb, networkOrder bool) {
	if !networkOrder && t.u16(0) == 0xff03 {
		p.setProto("PPP") // PPP in HDLC-like framing, not dissected further
		return
	}
	p.setSrcDst(naAddress, naAddress)
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
	next := t.sub(4)
	if !networkOrder && family > ieee8023MaxLen {
		dispatchEthertype(p, next, uint16(family))
		return
	}
	switch family {
	case 2:
		dissectIP(p, next)
	case 24, 28, 30:
		dissectIPv6(p, next)
	}
}

// dissectRawIP is a link type carrying bare IPv4 or IPv6 (packet-raw.c),
// after its checks for the PPP framing some drivers leave in place.
func dissectRawIP(p *packet, t tvb) {
	p.setSrcDst(naAddress, naAddress)
	p.setProto("N/A")
	p.setInfo("Raw packet data")
	switch {
	case t.u16(0) == 0xff03, t.u16(6) == 0xff03, t.u16(1) == 0xff03:
		p.setProto("PPP")
		return
	case t.has(0, 10) && isZero(t.bytes(0, 10)):
		dissectIPv4(p, t.sub(10))
		return
	}
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
