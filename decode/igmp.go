package decode

// IGMP message types (packet-igmp.h).
const (
	igmpV1Query        = 0x11
	igmpV1Report       = 0x12
	igmpDVMRP          = 0x13
	igmpPIMv1          = 0x14
	igmpV2Report       = 0x16
	igmpV2Leave        = 0x17
	igmpTraceResponse  = 0x1e
	igmpTraceQueryReq  = 0x1f
	igmpV3Report       = 0x22
	igmpTraceHeaderLen = 24
	igmpTraceBlockLen  = 32
)

// igmpCommandName is the "commands" value string of packet-igmp.c.
func igmpCommandName(typ uint8) (string, bool) {
	switch typ {
	case 0x01:
		return "Create Group Request", true
	case 0x02:
		return "Create Group Reply", true
	case 0x03:
		return "Join Group Request", true
	case 0x04:
		return "Join Group Reply", true
	case 0x05:
		return "Leave Group Request", true
	case 0x06:
		return "Leave Group Reply", true
	case 0x07:
		return "Confirm Group Request", true
	case 0x08:
		return "Confirm Group Reply", true
	case igmpV1Query:
		return "Membership Query", true
	case igmpV1Report, igmpV2Report, igmpV3Report:
		return "Membership Report", true
	case igmpDVMRP:
		return "DVMRP Protocol", true
	case igmpPIMv1:
		return "PIM Routing Message", true
	case igmpV2Leave:
		return "Leave Group", true
	case igmpTraceResponse:
		return "Traceroute Response", true
	case igmpTraceQueryReq:
		return "Traceroute Query or Request", true
	}
	return "", false
}

func init() {
	extraIPProtos[ipProtoIGMP] = func(p *packet, t tvb, _ ipHeader) bool {
		dissectIGMP(p, t)
		return true
	}
}

// dissectIGMP dispatches on the message type as the "igmp.type" table does.
func dissectIGMP(p *packet, t tvb) {
	typ := t.u8(0)
	switch {
	case typ <= 0x0f:
		igmpCommon(p, typ, 0)
		t.ensure(1, 19)
	case typ == igmpV1Report:
		igmpCommon(p, typ, 1)
		t.ensure(1, 7)
	case typ == igmpV2Report || typ == igmpV2Leave:
		dissectIGMPv2(p, t, typ)
	case typ == igmpV1Query:
		switch {
		case t.reported >= 12:
			dissectIGMPv3Query(p, t)
		case t.u8(1) != 0:
			dissectIGMPv2(p, t, typ)
		default:
			igmpCommon(p, typ, 1)
			t.ensure(1, 7)
		}
	case typ == igmpV3Report:
		dissectIGMPv3Report(p, t)
	case typ == igmpTraceResponse || typ == igmpTraceQueryReq:
		dissectIGMPTrace(p, t, typ)
	default:
		p.setProto("IGMP")
		p.clearInfo()
		igmpSetType(p, typ)
	}
}

// igmpCommon is dissect_igmp_common: Protocol "IGMPvN" and the type name.
func igmpCommon(p *packet, typ uint8, version int) {
	if !p.readOnly && !p.protoReadOnly {
		p.proto.set("IGMPv")
		p.proto.appendUint(uint64(version))
	}
	p.clearInfo()
	igmpSetType(p, typ)
}

func igmpSetType(p *packet, typ uint8) {
	if name, ok := igmpCommandName(typ); ok {
		p.setInfo(name)
		return
	}
	p.setInfo("Unknown Type:0x")
	if !p.readOnly {
		p.info.buf = appendHex(p.info.buf, uint64(typ), 2)
	}
}

// dissectIGMPv2 is a v2 query, report or leave (RFC 2236).
func dissectIGMPv2(p *packet, t tvb, typ uint8) {
	igmpCommon(p, typ, 2)
	t.ensure(1, 3)
	group := t.bytes(4, 4)
	switch {
	case isZero(group):
		p.appendInfo(", general")
	case typ == igmpV2Leave:
		p.appendInfo(" ")
		p.appendInfoIPv4(group)
	case typ == igmpV1Query:
		p.appendInfo(", specific for group ")
		p.appendInfoIPv4(group)
	default:
		p.appendInfo(" group ")
		p.appendInfoIPv4(group)
	}
}

// dissectIGMPv3Query is a v3 membership query (RFC 3376).
func dissectIGMPv3Query(p *packet, t tvb) {
	igmpCommon(p, igmpV1Query, 3)
	num := int(t.u16(10))
	t.ensure(1, 3)
	group := t.bytes(4, 4)
	if isZero(group) {
		p.appendInfo(", general")
	} else {
		p.appendInfo(", specific for group ")
		p.appendInfoIPv4(group)
	}
	t.ensure(8, 4)
	if num > 0 {
		if num > 1 {
			p.appendInfo(", sources {")
		} else {
			p.appendInfo(", source {")
		}
	}
	igmpSources(p, t, 12, num)
}

// igmpSources appends "a, b, c}" for num source addresses at off,
// returning the offset after them.
func igmpSources(p *packet, t tvb, off, num int) int {
	for ; num > 0; num-- {
		p.appendInfoIPv4(t.bytes(off, 4))
		if num > 1 {
			p.appendInfo(", ")
		} else {
			p.appendInfo("}")
		}
		off += 4
	}
	return off
}

// dissectIGMPv3Report is a v3 membership report with its group records.
func dissectIGMPv3Report(p *packet, t tvb) {
	igmpCommon(p, igmpV3Report, 3)
	t.ensure(1, 5)
	num := int(t.u16(6))
	if num == 0 {
		p.appendInfo(" - General query")
	}
	off := 8
	for ; num > 0; num-- {
		off = igmpGroupRecord(p, t, off)
	}
}

func igmpGroupRecord(p *packet, t tvb, off int) int {
	t.ensure(off, 8)
	recType := t.u8(off)
	auxLen := int(t.u8(off + 1))
	num := int(t.u16(off + 2))
	group := t.bytes(off+4, 4)
	off += 8
	if num == 0 {
		switch recType {
		case 1, 3:
			p.appendInfo(" / Leave group ")
			p.appendInfoIPv4(group)
		case 2, 4:
			p.appendInfo(" / Join group ")
			p.appendInfoIPv4(group)
			p.appendInfo(" for any sources")
		case 5:
			p.appendInfo(" / Group ")
			p.appendInfoIPv4(group)
			p.appendInfo(", ALLOW_NEW_SOURCES but no source specified (?)")
		case 6:
			p.appendInfo(" / Group ")
			p.appendInfoIPv4(group)
			p.appendInfo(", BLOCK_OLD_SOURCES but no source specified (?)")
		default:
			p.appendInfo(" / Group ")
			p.appendInfoIPv4(group)
			p.appendInfo(", unknown record type (?)")
		}
	} else {
		plural := num > 1
		switch recType {
		case 1, 3:
			p.appendInfo(" / Join group ")
			p.appendInfoIPv4(group)
			p.appendInfo(pick(plural, " for sources in {", " for source {"))
		case 2, 4:
			p.appendInfo(" / Join group ")
			p.appendInfoIPv4(group)
			p.appendInfo(pick(plural, ", for sources not in {", ", for source not {"))
		case 5:
			p.appendInfo(" / Group ")
			p.appendInfoIPv4(group)
			p.appendInfo(pick(plural, ", new sources {", ", new source {"))
		case 6:
			p.appendInfo(" / Group ")
			p.appendInfoIPv4(group)
			p.appendInfo(pick(plural, ", block sources {", ", block source {"))
		default:
			p.appendInfo(" / Group ")
			p.appendInfoIPv4(group)
			p.appendInfo(", unknown record type (?), sources {")
		}
	}
	off = igmpSources(p, t, off, num)
	if auxLen > 0 {
		t.ensure(off, auxLen*4)
		off += auxLen * 4
	}
	return off
}

// dissectIGMPTrace is multicast traceroute: query, request or response.
func dissectIGMPTrace(p *packet, t tvb, typ uint8) {
	p.setProto("IGMP")
	p.clearInfo()
	rest := t.reportedRemaining(0)
	switch {
	case typ == igmpTraceResponse:
		blocks := (rest - igmpTraceHeaderLen) / igmpTraceBlockLen
		p.setInfo("Traceroute Response, ")
		if !p.readOnly {
			p.info.appendInt(int64(blocks))
		}
		p.appendInfo(pick(blocks == 1, " block", " blocks"))
	case rest == igmpTraceHeaderLen:
		p.setInfo("Traceroute Query")
	default:
		p.setInfo("Traceroute Request")
	}
	t.ensure(0, igmpTraceHeaderLen)
	for off := igmpTraceHeaderLen; t.reportedRemaining(off) >= igmpTraceBlockLen; off += igmpTraceBlockLen {
		t.ensure(off, igmpTraceBlockLen)
	}
}

// pick returns a when cond holds, b otherwise.
func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}
