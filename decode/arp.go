package decode

// ARP opcodes (packet-arp.c).
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
	arpNAK          = 10
	arpHrdEthernet  = 1
	arpHrdIEEE802   = 6
	arpProtoIPv4    = 0x0800
	arpMaxAddrBytes = 36
)

// arpTable remembers which MAC last used each IPv4 address, to flag
// "duplicate use of IP detected" as tshark does by default. Bounded.
type arpTable struct {
	byIP map[[4]byte]arpEntry
}

type arpEntry struct {
	mac   [6]byte
	frame uint64
}

const maxARPEntries = 1 << 16

func (a *arpTable) init() { a.byIP = make(map[[4]byte]arpEntry) }

// check looks ip up: it returns true when ip was seen with another MAC.
// Otherwise it records (refreshes) the pair.
func (a *arpTable) check(ip [4]byte, mac [6]byte, frame uint64) bool {
	if e, ok := a.byIP[ip]; ok {
		if e.mac != mac {
			return true
		}
		a.byIP[ip] = arpEntry{mac: mac, frame: frame}
		return false
	}
	if len(a.byIP) >= maxARPEntries {
		a.byIP = make(map[[4]byte]arpEntry)
	}
	a.byIP[ip] = arpEntry{mac: mac, frame: frame}
	return false
}

// dissectARP is ARP/RARP over Ethernet types 0x0806/0x8035 (packet-arp.c).
func dissectARP(p *packet, t tvb, reverse bool) {
	hrd := t.u16(0)
	pro := t.u16(2)
	hln := int(t.u8(4))
	pln := int(t.u8(5))
	op := t.u16(6)
	tot := 8 + 2*hln + 2*pln
	t.ensure(0, tot)
	if t.reported > tot {
		t = t.setLength(tot)
	}
	spa, tpa := 8+hln, 8+2*hln+pln
	sha, tha := 8, 8+hln+pln

	switch op {
	case arpRequest, arpReply:
		if reverse {
			p.setProto("RARP")
		} else {
			p.setProto("ARP")
		}
	case rarpRequest, rarpReply:
		p.setProto("RARP")
	case drarpRequest, drarpReply, drarpError:
		p.setProto("DRARP")
	case inarpRequest, inarpReply:
		p.setProto("Inverse ARP")
	case arpNAK:
		p.setProto("ARP")
	default:
		p.setProto("ARP")
	}

	isIPv4 := pro == arpProtoIPv4 && pln == 4
	isEther := (hrd == arpHrdEthernet || hrd == arpHrdIEEE802) && hln == 6
	proto := func(off int) string { return arpProtoText(t, off, pln, isIPv4) }
	hw := func(off int) string { return arpHardwareText(t, off, hln, isEther) }

	var info string
	switch op {
	case arpRequest:
		switch {
		case isIPv4 && t.u32(spa) == t.u32(tpa):
			if isEther && isZero(t.bytes(tha, 6)) {
				info = "ARP Announcement for " + proto(tpa)
			} else {
				info = "Gratuitous ARP for " + proto(tpa) + " (Request)"
			}
		case isIPv4 && isEther && isZero(t.bytes(tha, 6)) && t.u32(spa) == 0:
			info = "Who has " + proto(tpa) + "? (ARP Probe)"
		default:
			info = "Who has " + proto(tpa) + "? Tell " + proto(spa)
		}
	case arpReply:
		if isIPv4 && t.u32(spa) == t.u32(tpa) {
			info = "Gratuitous ARP for " + proto(spa) + " (Reply)"
		} else {
			info = proto(spa) + " is at " + hw(sha)
		}
	case rarpRequest, inarpRequest, drarpRequest:
		info = "Who is " + hw(tha) + "? Tell " + hw(sha)
	case rarpReply, drarpReply:
		info = hw(tha) + " is at " + proto(tpa)
	case inarpReply:
		info = hw(sha) + " is at " + proto(spa)
	case drarpError:
		info = "DRARP Error"
	case arpNAK:
		info = "ARP NAK"
	default:
		info = "Unknown ARP opcode 0x" + string(appendHex(nil, uint64(op), 4))
	}
	p.setInfo(info)

	// Duplicate address detection, for request/reply of IPv4 over Ethernet.
	if (op == arpRequest || op == arpReply) && isIPv4 && isEther && p.dlSrc.typ == addrEther {
		var dup [4]byte
		flagged := false
		var smac, tmac [6]byte
		var sip, tip [4]byte
		copy(smac[:], t.bytes(sha, 6))
		copy(tmac[:], t.bytes(tha, 6))
		copy(sip[:], t.bytes(spa, 4))
		copy(tip[:], t.bytes(tpa, 4))
		if isUnicastMAC(smac) && sip != [4]byte{} {
			if p.d.state.arp.check(sip, smac, p.num) {
				dup, flagged = sip, true
			}
		}
		if op == arpReply && isUnicastMAC(tmac) && tip != [4]byte{} && !(flagged && tip == dup) {
			flagged = false
			if p.d.state.arp.check(tip, tmac, p.num) {
				dup, flagged = tip, true
			}
		}
		if flagged {
			p.appendInfo(" (duplicate use of " + string(appendIPv4(nil, dup[:])) + " detected!)")
		}
	}
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func isUnicastMAC(m [6]byte) bool {
	return m[0]&1 == 0 && m != [6]byte{}
}

func arpProtoText(t tvb, off, n int, isIPv4 bool) string {
	if isIPv4 {
		return string(appendIPv4(nil, t.bytes(off, 4)))
	}
	return arpHexText(t.bytes(off, n))
}

func arpHardwareText(t tvb, off, n int, isEther bool) string {
	if isEther {
		return string(appendMAC(nil, t.bytes(off, 6)))
	}
	return arpHexText(t.bytes(off, n))
}

// arpHexText prints an address of unusual length as hex, at most 36 bytes
// followed by an ellipsis (tvb_bytes_to_str).
func arpHexText(b []byte) string {
	if len(b) == 0 {
		return "<No address>"
	}
	var out []byte
	n := len(b)
	if n > arpMaxAddrBytes {
		n = arpMaxAddrBytes
	}
	for _, c := range b[:n] {
		out = append(out, hexDigits[c>>4], hexDigits[c&0xf])
	}
	if len(b) > arpMaxAddrBytes {
		out = append(out, "…"...)
	}
	return string(out)
}
