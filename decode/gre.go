package decode

// GRE header flags (packet-gre.h).
const (
	greChecksum = 0x8000
	greRouting  = 0x4000
	greKey      = 0x2000
	greSequence = 0x1000
	greAck      = 0x0080
	greVersion  = 0x0007

	greTypePPP      = 0x880b
	greTypeWCCP     = 0x883e
	greType3GPP2    = 0x88d2
	greTypeA10UBS   = 0x8881
	greTypeEthernet = 0x6558
	greTypeCDP      = 0x2000
)

// greTypeNames is gre_typevals: the Info text after "Encapsulated ".
var greTypeNames = map[uint16]string{
	0x0000: "Possible GRE keepalive packet", 0x880b: "PPP", 0x0800: "IP", 0x0806: "ARP", 0x00fe: "OSI",
	0x883e: "WCCP", 0x2000: "CDP (Cisco)", 0x2001: "NHRP", 0x88be: "ERSPAN", 0x22eb: "ERSPAN III",
	0x6400: "MIKROTIK EoIP", 0xfeae: "AIROHIVE AP AP", 0x8137: "IPX", 0x6558: "Transparent Ethernet bridging",
	0x6559: "Frame Relay", 0x86dd: "IPv6", 0x8847: "MPLS label switched packet", 0x894f: "Network Service Header",
	0x8881: "CDMA2000 A10 Unstructured byte stream", 0x88d2: "CDMA2000 A10 3GPP2 Packet", 0x8909: "CiscoMetaData",
	0xb7ea: "Huawei GRE bonding", 0x9000: "ARUBA WLAN",
}

func init() {
	extraIPProtos[ipProtoGRE] = func(p *packet, t tvb, _ ipHeader) bool {
		dissectGRE(p, t)
		return true
	}
}

// greTypeName names an encapsulated protocol type.
func greTypeName(typ uint16) string {
	if s, ok := greTypeNames[typ]; ok {
		return s
	}
	if typ >= 0x8200 && typ <= 0x8370 && typ&0x0f == 0 {
		return "ARUBA WLAN"
	}
	return "0x" + string(appendHexUpper(nil, uint64(typ), 4)) + " (unknown)"
}

// dissectGRE is Generic Routing Encapsulation (packet-gre.c): Info names
// what is carried, then the payload is dissected for the types sniffws
// knows (IPv4, IPv6, ARP, bridged Ethernet, CDP).
func dissectGRE(p *packet, t tvb) {
	flags := t.u16(0)
	typ := t.u16(2)
	p.setProto("GRE")
	p.setInfo("Encapsulated " + greTypeName(typ))
	isPPP, isWCCP2 := false, false
	switch typ {
	case greTypePPP:
		isPPP = flags&greVersion != 0
	case greType3GPP2, greTypeA10UBS:
		isPPP = true
	case greTypeWCCP:
		isWCCP2 = t.u8(4)&0xf0 != 0x40
	}
	off := 4
	if flags&(greChecksum|greRouting) != 0 {
		t.ensure(off, 4)
		off += 4
	}
	if flags&greKey != 0 {
		t.ensure(off, 4)
		off += 4
	}
	if flags&greSequence != 0 {
		t.ensure(off, 4)
		off += 4
	}
	if isPPP && flags&greAck != 0 {
		t.ensure(off, 4)
		off += 4
	}
	if flags&greRouting != 0 {
		for {
			af := t.u16(off)
			l := int(t.u8(off + 3))
			off += 4
			if af == 0 && l == 0 {
				break
			}
			t.ensure(off, l)
			off += l
		}
	}
	if isWCCP2 {
		t.ensure(off, 4)
		off += 4
	}
	if flags&greSequence == 0 && t.reportedRemaining(off) <= 0 {
		return
	}
	next := t.sub(off)
	switch typ {
	case 0x0800:
		dissectIP(p, next)
	case 0x86dd:
		dissectIPv6(p, next)
	case 0x0806:
		dissectARP(p, next)
	case greTypeEthernet:
		dissectEthernet(p, next)
	case greTypeCDP:
		dissectCDP(p, next)
	}
}
