package decode

// ARP opcodes and types (packet-arp.c).
const (
	arpRequest      = 1
	arpReply        = 2
	rarpRequest     = 3
	rarpReply       = 4
	drarpRequest    = 5
	drarpReply      = 6
	drarpError      = 7
	inarpRequest    = 8
	inarpReply      = 9
	atmarpNAK       = 10
	arpMAPOSUnarp   = 23
	arpExp1         = 24
	arpExp2         = 25
	arpHrdEthernet  = 1
	arpHrdAX25      = 3
	arpHrdIEEE802   = 6
	arpHrdATM2225   = 19
	arpProtoIPv4    = 0x0800
	arpProtoAX25IP  = 0xcc
	arpMaxAddrBytes = 36
)

// marsInfo is the Info text of the MARS opcodes (11-22), each followed
// by " from HW at PROTO".
var marsInfo = map[uint16]string{
	11: "MARS request", 12: "MARS MULTI request", 13: "MARS MSERV request", 14: "MARS JOIN request",
	15: "MARS LEAVE", 16: "MARS NAK", 17: "MARS UNSERV request", 18: "MARS SJOIN request",
	19: "MARS SLEAVE", 20: "MARS grouplist request", 21: "MARS grouplist reply", 22: "MARS redirect map",
}

// arpTable remembers which MAC last used each IPv4 address, to flag
// "duplicate use of IP detected" as tshark does by default. Bounded.
type arpTable struct {
	byIP map[uint32]arpEntry
}

type arpEntry struct {
	mac   [6]byte
	frame uint64
}

const maxARPEntries = 1 << 16

func (a *arpTable) init() { a.byIP = make(map[uint32]arpEntry) }

// check is check_for_duplicate_addresses: it reports whether ip is known
// with another MAC from an earlier frame; a known pair is refreshed, a
// new one recorded, a conflicting one left as it was.
func (a *arpTable) check(ip uint32, mac []byte, frame uint64) bool {
	var m [6]byte
	copy(m[:], mac)
	e, ok := a.byIP[ip]
	if !ok {
		if len(a.byIP) >= maxARPEntries {
			a.byIP = make(map[uint32]arpEntry)
		}
		a.byIP[ip] = arpEntry{mac: m, frame: frame}
		return false
	}
	if frame <= e.frame {
		return false
	}
	if e.mac == m {
		a.byIP[ip] = arpEntry{mac: m, frame: frame}
		return false
	}
	return true
}

// dissectARP is ARP and RARP (Ethernet types 0x0806 and 0x8035 share it,
// as in packet-arp.c): the opcode alone decides the Protocol column.
func dissectARP(p *packet, t tvb) {
	p.setProto("ARP")
	p.clearInfo()
	hrd := t.u16(0)
	if hrd == arpHrdATM2225 || hrd == arpHrdAX25 {
		return // dissected by the ATMARP and AX.25 variants, not in sniffws
	}
	pro := t.u16(2)
	hln := int(t.u8(4))
	pln := int(t.u8(5))
	op := t.u16(6)
	t = t.setLength(8 + 2*hln + 2*pln)

	switch op {
	case rarpRequest, rarpReply:
		p.setProto("RARP")
	case drarpRequest, drarpReply, drarpError:
		p.setProto("DRARP")
	case inarpRequest, inarpReply:
		p.setProto("Inverse ARP")
	case 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22:
		p.setProto("MARS")
	case arpMAPOSUnarp:
		p.setProto("MAPOS")
	}

	sha := 8
	spa := sha + hln
	tha := spa + pln
	tpa := tha + hln
	isEther := (hrd == arpHrdEthernet || hrd == arpHrdIEEE802) && hln == 6
	isIPv4 := (pro == arpProtoIPv4 || pro == arpProtoAX25IP) && pln == 4

	duplicate := false
	var duplicateIP uint32
	if (op == arpRequest || op == arpReply) && isEther && isIPv4 {
		arp := &p.d.state.arp
		ip, mac := t.u32(spa), t.bytes(sha, 6)
		if mac[0]&1 == 0 && !isZero(mac) && ip != 0 {
			if duplicate = arp.check(ip, mac, p.num); duplicate {
				duplicateIP = ip
			}
		}
		ip, mac = t.u32(tpa), t.bytes(tha, 6)
		if mac[0]&1 == 0 && !isZero(mac) && ip != 0 && op != arpRequest && duplicateIP != ip {
			if duplicate = arp.check(ip, mac, p.num); duplicate {
				duplicateIP = ip
			}
		}
	}

	gratuitous, announcement, probe := false, false, false
	if op == arpRequest || op == arpReply {
		target := t.bytes(tpa, pln)
		// tvb_memeql finds no zero-length match.
		if pln > 0 && t.has(spa, pln) && string(t.bytes(spa, pln)) == string(target) {
			gratuitous = true
			announcement = op == arpRequest && t.has(tha, 6) && isZero(t.bytes(tha, 6))
		} else if op == arpRequest && t.has(tha, 6) && isZero(t.bytes(tha, 6)) && t.u32(spa) == 0 {
			probe = true
		}
	}
	hw := func(off int) string { return arpHardwareText(t, off, hln, isEther) }
	proto := func(off int) string { return arpProtoText(t, off, pln, pro) }
	var info string
	switch op {
	case arpRequest:
		switch {
		case gratuitous && announcement:
			info = "ARP Announcement for " + proto(tpa)
		case gratuitous:
			info = "Gratuitous ARP for " + proto(tpa) + " (Request)"
		case probe:
			info = "Who has " + proto(tpa) + "? (ARP Probe)"
		default:
			target := proto(tpa)
			info = "Who has " + target + "? Tell " + proto(spa)
		}
	case arpReply:
		if gratuitous {
			info = "Gratuitous ARP for " + proto(spa) + " (Reply)"
		} else {
			addr := proto(spa)
			info = addr + " is at " + hw(sha)
		}
	case rarpRequest, inarpRequest, drarpRequest:
		who := hw(tha)
		info = "Who is " + who + "? Tell " + hw(sha)
	case rarpReply, drarpReply:
		who := hw(tha)
		info = who + " is at " + proto(tpa)
	case drarpError:
		info = "DRARP Error"
	case inarpReply:
		who := hw(sha)
		info = who + " is at " + proto(spa)
	case atmarpNAK:
		info = "ARP NAK"
	case arpMAPOSUnarp:
		who := hw(sha)
		info = "MAPOS UNARP request from " + who + " at " + proto(spa)
	case arpExp1, arpExp2:
		info = "Experimental " + string(rune('1'+op-arpExp1)) + " ( opcode " + itoa(int(op)) + " )"
	case 0, 65535:
		info = "Reserved opcode " + itoa(int(op))
	default:
		if s, ok := marsInfo[op]; ok {
			who := hw(sha)
			info = s + " from " + who + " at " + proto(spa)
		} else {
			info = "Unknown ARP opcode 0x" + string(appendHex(nil, uint64(op), 4))
		}
	}
	p.setInfo(info)
	// The address fields of the tree.
	if hln != 0 {
		t.ensure(sha, hln)
	}
	if pln != 0 {
		t.ensure(spa, pln)
	}
	if hln != 0 {
		t.ensure(tha, hln)
	}
	if pln != 0 {
		t.ensure(tpa, pln)
	}
	if duplicate {
		var b [4]byte
		b[0], b[1], b[2], b[3] = byte(duplicateIP>>24), byte(duplicateIP>>16), byte(duplicateIP>>8), byte(duplicateIP)
		p.appendInfo(" (duplicate use of " + string(appendIPv4(nil, b[:])) + " detected!)")
	}
}

func itoa(v int) string { return string(appendUintBytes(nil, uint64(v))) }

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// arpProtoText is tvb_arpproaddr_to_str.
func arpProtoText(t tvb, off, n int, pro uint16) string {
	b := t.bytes(off, n)
	if n == 0 {
		return "<No address>"
	}
	if (pro == arpProtoIPv4 || pro == arpProtoAX25IP) && n == 4 {
		return string(appendIPv4(nil, b))
	}
	return arpHexText(b)
}

// arpHardwareText is tvb_arphrdaddr_to_str.
func arpHardwareText(t tvb, off, n int, isEther bool) string {
	if n == 0 {
		return "<No address>"
	}
	if isEther {
		return string(appendMAC(nil, t.bytes(off, 6)))
	}
	return arpHexText(t.bytes(off, n))
}

// arpHexText prints an address of unusual length as hex, at most 36 bytes
// followed by an ellipsis (bytes_to_str).
func arpHexText(b []byte) string {
	var out []byte
	n := min(len(b), arpMaxAddrBytes)
	for _, c := range b[:n] {
		out = append(out, hexDigits[c>>4], hexDigits[c&0xf])
	}
	if len(b) > arpMaxAddrBytes {
		out = append(out, "…"...)
	}
	return string(out)
}
