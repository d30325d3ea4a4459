package decode

import "strconv"

// BPDU types (packet-bpdu.c).
const (
	bpduConfig   = 0x00
	bpduRST      = 0x02
	bpduTopology = 0x80
)

// dissectBPDU is the Spanning Tree Protocol (packet-bpdu.c), with
// Wireshark's default of showing bridge IDs with system ID extensions.
// pvst marks Cisco's PVST+ BPDUs, which carry TLVs after the BPDU.
func dissectBPDU(p *packet, t tvb, pvst bool) {
	if p.dlDst.typ == addrEther {
		d := p.dlDst.b
		if d[0] == 0x01 && d[1] == 0x80 && d[2] == 0xc2 && d[3] == 0 && d[4] == 0 && (d[5] == 0x0d || d[5]&0xf0 == 0x20) {
			// GARP applications (GMRP, GVRP and others) share these addresses.
			switch d[5] {
			case 0x20:
				p.setProto("GMRP")
				p.setInfo("GMRP")
			case 0x21, 0x0d:
				p.setProto("GVRP")
				p.setInfo("GVRP")
			default:
				p.setProto("GARP")
				p.setInfo("Unknown GARP application (0x" + string(appendHexUpper(nil, uint64(d[5]), 2)) + ")")
			}
			return
		}
	}
	p.setProto("STP")
	p.clearInfo()
	typ := t.u8(3)
	version := t.u8(2)
	switch typ {
	case bpduConfig, bpduRST:
		flags := t.u8(4)
		prio := t.u16(5)
		mac := t.bytes(7, 6)
		cost := t.u32(13)
		port := t.u16(25)
		var b []byte
		switch {
		case typ == bpduConfig:
			b = append(b, "Conf. "...)
		case version == 3:
			b = append(b, "MST. "...)
		case version == 4:
			b = append(b, "SPT. "...)
		default:
			b = append(b, "RST. "...)
		}
		if flags&0x01 != 0 {
			b = append(b, "TC + "...)
		}
		b = append(b, "Root = "...)
		b = strconv.AppendUint(b, uint64(prio&0xf000), 10)
		b = append(b, '/')
		b = strconv.AppendUint(b, uint64(prio&0x0fff), 10)
		b = append(b, '/')
		b = appendMAC(b, mac)
		b = append(b, "  Cost = "...)
		b = strconv.AppendUint(b, uint64(cost), 10)
		b = append(b, "  Port = 0x"...)
		b = appendHex(b, uint64(port), 4)
		p.setInfo(string(b))
	case bpduTopology:
		p.setInfo("Topology Change Notification")
	default:
		p.setInfo("Unknown BPDU type (" + strconv.Itoa(int(typ)) + ")")
	}
	// The rest of the BPDU only reaches the tree; its reads may still fail.
	t.ensure(0, 3)
	switch typ {
	case bpduTopology:
		return
	case bpduConfig:
		t.ensure(4, 31)
	case bpduRST:
		t.ensure(4, 32)
		if version >= 3 && t.u8(35) == 0 {
			v3 := int(t.u16(36))
			t.ensure(38, v3)
		}
	default:
		return
	}
	if pvst {
		for off := 36; t.reportedRemaining(off) >= 4; {
			l := int(t.u16(off + 2))
			t.ensure(off, 4+l)
			if t.reportedRemaining(off+4) < l {
				break
			}
			off += 4 + l
		}
	}
}
