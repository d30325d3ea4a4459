package decode

// NetBIOS over TCP/IP (packet-nbt.c): the name service (NBNS, UDP 137),
// the datagram service (NBDS, UDP 138) and the session service (NBSS,
// TCP 139 and 445). NetBIOS payloads (SMB and its relatives) are offered
// to no further dissector here and stay data.

func init() {
	registerUDPPort(dissectNBNS, 137)
	registerUDPPort(dissectNBDS, 138)
	registerTCPPort(dissectNBSS, 139, 445)
}

const (
	nbnsFlagResponse   = 0x8000
	nbnsOpcodeWACK     = 7
	nbnsTypeNB         = 0x20
	nbnsTypeNBSTAT     = 0x21
	netbiosNameLen     = 16
	nbnsMaxName        = (netbiosNameLen-1)*4 + dnsMaxNameLen + 64 // MAX_NAME_LEN
	nbssCIFSPort       = 445
	nbssSessionMessage = 0x00
	nbssSessionRequest = 0x81
	nbssPositive       = 0x82
	nbssNegative       = 0x83
	nbssRetarget       = 0x84
	nbssKeepAlive      = 0x85
)

var nbnsOpcodes = map[uint16]string{0: "Name query", 5: "Registration", 6: "Release",
	7: "Wait for acknowledgment", 8: "Refresh", 9: "Refresh (alternate opcode)",
	15: "Multi-homed registration"}

var nbnsRcodes = [...]string{1: "Request was invalidly formatted", 2: "Server failure",
	3: "Requested name does not exist", 4: "Request is not implemented",
	5: "Request was refused", 6: "Name is owned by another node", 7: "Name is in conflict"}

func dissectNBNS(p *packet, t tvb) int {
	p.setProto("NBNS")
	p.clearInfo()
	t.u16(0)
	flags := t.u16(2)
	opcode := flags >> 11 & 0xf
	response := flags&nbnsFlagResponse != 0
	if s, ok := nbnsOpcodes[opcode]; ok {
		p.appendInfo(s)
	} else {
		p.appendInfo("Unknown operation (")
		p.appendInfoUint(uint64(opcode))
		p.appendInfo(")")
	}
	if response {
		p.appendInfo(" response")
		if rc := flags & 0xf; rc != 0 {
			p.appendInfo(", ")
			if int(rc) < len(nbnsRcodes) {
				p.appendInfo(nbnsRcodes[rc])
			} else {
				p.appendInfo("Unknown error")
			}
		}
	}
	quest, ans, auth, add := int(t.u16(4)), int(t.u16(6)), int(t.u16(8)), int(t.u16(10))
	off := 12
	var name [nbnsMaxName]byte
	for ; quest > 0; quest-- {
		n, typ, used := nbnsNameTypeClass(t, off, 0, name[:0])
		if !response {
			p.appendInfo(" ")
			p.appendInfo(nbnsTypeName(typ))
			p.appendInfo(" ")
			p.appendInfoBytes(n)
		}
		off += used
	}
	for i, count := range [3]int{ans, auth, add} {
		for ; count > 0; count-- {
			off += p.nbnsAnswer(t, off, opcode, response && i == 0, name[:0])
		}
	}
	return max(t.len(), 1)
}

// nbnsAnswer is dissect_nbns_answer; show says the record goes to Info.
func (p *packet) nbnsAnswer(t tvb, off int, opcode uint16, show bool, buf []byte) int {
	start := off
	_, typ, used := nbnsNameTypeClass(t, off, 0, buf)
	off += used
	t.u32(off)
	dataLen := int(t.u16(off + 4))
	off += 6
	// Each record's subtree spans it whole, checked once its text is out.
	whole := off - start + dataLen
	switch typ {
	case nbnsTypeNB:
		if show && opcode != nbnsOpcodeWACK {
			t.ensureItem(off+2, 4)
			p.appendInfo(" NB ")
			p.appendInfoAddr4(t.bytes(off+2, 4))
		}
		t.ensureItem(start, whole)
		for dataLen > 0 {
			if opcode == nbnsOpcodeWACK {
				if dataLen < 2 {
					break
				}
				t.ensureItem(off, 2)
				off += 2
				dataLen -= 2
				continue
			}
			if dataLen < 2 {
				break
			}
			t.ensureItem(off, 2)
			off += 2
			dataLen -= 2
			if dataLen < 4 {
				break
			}
			t.ensureItem(off, 4)
			off += 4
			dataLen -= 4
		}
	case nbnsTypeNBSTAT:
		if show {
			p.appendInfo(" NBSTAT")
		}
		t.ensureItem(start, whole)
		off += nbnsStatistics(t, off, dataLen)
	default:
		if show {
			p.appendInfo(" Unknown")
		}
		t.ensureItem(start, whole)
		t.ensureItem(off, dataLen)
		off += dataLen
	}
	return off - start
}

// nbnsStatistics reads an NBSTAT record's names and statistics as far as
// its length allows, and returns the bytes it read.
func nbnsStatistics(t tvb, off, dataLen int) int {
	start := off
	if dataLen < 1 {
		return 0
	}
	names := int(t.u8(off))
	off++
	dataLen--
	for ; names > 0; names-- {
		if dataLen < netbiosNameLen {
			return off - start
		}
		t.ensureItem(off, netbiosNameLen)
		off += netbiosNameLen
		dataLen -= netbiosNameLen
		if dataLen < 2 {
			return off - start
		}
		t.ensureItem(off, 2)
		off += 2
		dataLen -= 2
	}
	// Unit id 6, jumpers 1, test result 1, then 2-byte counters.
	for _, n := range [...]int{6, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2} {
		if dataLen < n {
			return off - start
		}
		t.ensureItem(off, n)
		off += n
		dataLen -= n
	}
	return off - start
}

func nbnsTypeName(typ uint16) string {
	switch typ {
	case nbnsTypeNB:
		return "NB"
	case nbnsTypeNBSTAT:
		return "NBSTAT"
	}
	return "Unknown"
}

// nbnsNameTypeClass reads a name, its type and class: the name as shown,
// the type, and the bytes used.
func nbnsNameTypeClass(t tvb, off, base int, buf []byte) ([]byte, uint16, int) {
	name, used := nbnsName(t, off, base, buf)
	typ := t.u16(off + used)
	t.u16(off + used + 2)
	return name, typ, used + 4
}

// nbnsName is get_nbns_name: a DNS-encoded name whose first label is a
// first-level-encoded NetBIOS name, shown as its 15 printable characters
// (others as <xx>, trailing blanks dropped), <type>, and the scope.
func nbnsName(t tvb, off, base int, buf []byte) ([]byte, int) {
	var raw [dnsMaxNameLen + 8]byte
	budget := dnsNameBudget
	name, _, used := getDNSName(t, off, base, raw[:0], &budget)
	name = dnsCString(name)
	var nb [netbiosNameLen]byte
	idx, i := 0, 0
	bad := ""
	for {
		if i >= len(name) || name[i] == '.' {
			break
		}
		c := name[i]
		if c < 'A' || c > 'Z' {
			bad = "Illegal NetBIOS name (1st character not between A and Z in first-level encoding)"
			break
		}
		v := (c - 'A') << 4
		i++
		if i >= len(name) || name[i] == '.' {
			bad = "Illegal NetBIOS name (odd number of bytes)"
			break
		}
		c = name[i]
		if c < 'A' || c > 'Z' {
			bad = "Illegal NetBIOS name (2nd character not between A and Z in first-level encoding)"
			break
		}
		v |= c - 'A'
		i++
		if idx < netbiosNameLen {
			nb[idx] = v
			idx++
		}
	}
	if bad == "" && idx != netbiosNameLen {
		buf = append(buf, "Illegal NetBIOS name ("...)
		buf = appendUintBytes(buf, uint64(idx))
		return append(buf, " bytes long)"...), used
	}
	if bad != "" {
		return append(buf, bad...), used
	}
	start := len(buf)
	for _, c := range nb[:netbiosNameLen-1] {
		if c >= ' ' && c <= '~' {
			buf = append(buf, c)
		} else {
			buf = append(buf, '<', hexDigits[c>>4], hexDigits[c&0xf], '>')
		}
	}
	for len(buf) > start && buf[len(buf)-1] == ' ' {
		buf = buf[:len(buf)-1]
	}
	buf = append(buf, '<', hexDigits[nb[15]>>4], hexDigits[nb[15]&0xf], '>')
	if i < len(name) { // the scope, with its leading dot
		buf = append(buf, name[i:]...)
	}
	if len(buf) > nbnsMaxName-1 {
		buf = buf[:nbnsMaxName-1]
	}
	return buf, used
}

var nbdsTypes = map[uint8]string{0x10: "Direct_unique datagram", 0x11: "Direct_group datagram",
	0x12: "Broadcast datagram", 0x13: "Datagram error", 0x14: "Datagram query request",
	0x15: "Datagram positive query response", 0x16: "Datagram negative query response"}

func dissectNBDS(p *packet, t tvb) int {
	p.setProto("NBDS")
	p.clearInfo()
	typ := t.u8(0)
	if s, ok := nbdsTypes[typ]; ok {
		p.appendInfo(s)
	} else {
		p.appendInfo("Unknown message type (0x")
		var tmp [4]byte
		b := appendHex(tmp[:0], uint64(typ), 2)
		for i := range b {
			if b[i] >= 'a' {
				b[i] -= 'a' - 'A'
			}
		}
		p.appendInfoBytes(b)
		p.appendInfo(")")
	}
	t.ensureItem(1, 9)
	off := 10
	var buf [nbnsMaxName]byte
	switch typ {
	case 0x10, 0x11, 0x12:
		t.ensureItem(off, 4)
		off += 4
		for i := 0; i < 2; i++ { // source and destination names
			_, used := nbnsName(t, off, off, buf[:0])
			off += used
		}
	case 0x13:
		t.ensureItem(off, 1)
	case 0x14, 0x15, 0x16:
		nbnsName(t, off, off, buf[:0])
	}
	return max(t.len(), 1)
}

var nbssTypes = map[uint8]string{nbssSessionMessage: "Session message",
	nbssSessionRequest: "Session request", nbssPositive: "Positive session response",
	nbssNegative: "Negative session response", nbssRetarget: "Retarget session response",
	nbssKeepAlive: "Session keep-alive"}

var nbssErrors = map[uint8]string{0x80: "Not listening on called name",
	0x81: "Not listening for calling name", 0x82: "Called name not present",
	0x83: "Called name present, but insufficient resources", 0x8f: "Unspecified error"}

// dissectNBSS is dissect_nbss: one or more session messages, each a
// 4-byte header (type, flags with the 17th length bit, length; over port
// 445 a 24-bit length) and its data.
func dissectNBSS(p *packet, t tvb) int {
	if p.tcp == nil {
		return 0
	}
	p.setProto("NBSS")
	p.clearInfo()
	msgType := t.u8(0)
	cifs := p.matchPort == nbssCIFSPort
	if !p.tcp.isReassembled {
		if t.len() < 4 {
			return nbssContinuation(p, t)
		}
		cifs = t.len() >= 8 && t.b[0] == nbssSessionMessage && t.b[5] == 'S' && t.b[6] == 'M' && t.b[7] == 'B'
		flags, length := uint8(0), 0
		if cifs {
			length = int(t.u24(1))
		} else {
			flags, length = t.u8(1), int(t.u16(2))
			if flags&1 != 0 {
				length += 0x10000
			}
		}
		if flags&^1 != 0 {
			return nbssContinuation(p, t)
		}
		ok := false
		switch msgType {
		case nbssSessionMessage:
			ok = length != 0
		case nbssSessionRequest:
			ok = length >= 2 && length <= 256
		case nbssPositive, nbssKeepAlive:
			ok = length == 0
		case nbssNegative:
			ok = length == 1
		case nbssRetarget:
			ok = length == 6
		}
		if !ok {
			return nbssContinuation(p, t)
		}
	}
	if s, ok := nbssTypes[msgType]; ok {
		p.setInfo(s)
	} else {
		p.setInfo("Unknown (")
		p.appendInfoHexWidth(uint64(msgType), 2)
		p.appendInfo(")")
	}
	off := 0
	for {
		remaining := t.reportedRemaining(off)
		if remaining <= 0 {
			break
		}
		if p.canDesegment > 0 && remaining < 4 {
			p.desegmentOffset, p.desegmentLen = off, desegmentOneMoreSegment
			return max(t.len(), 1)
		}
		var length int
		if cifs {
			length = int(t.u24(off + 1))
		} else {
			length = int(t.u16(off + 2))
			if t.u8(off+1)&1 != 0 {
				length += 0x10000
			}
		}
		plen := length + 4
		if p.canDesegment > 0 && remaining < plen {
			p.desegmentOffset, p.desegmentLen = off, plen-remaining
			return max(t.len(), 1)
		}
		p.nbssPacket(t.subLen(off, plen), cifs)
		off += plen
	}
	return max(t.len(), 1)
}

func nbssContinuation(p *packet, t tvb) int {
	p.setInfo("NBSS Continuation Message")
	return max(t.len(), 1)
}

// nbssPacket is dissect_nbss_packet for one message.
func (p *packet) nbssPacket(t tvb, cifs bool) {
	msgType := t.u8(0)
	if cifs {
		t.ensureItem(1, 3)
	} else {
		t.ensureItem(1, 3)
	}
	off := 4
	var buf [nbnsMaxName]byte
	switch msgType {
	case nbssSessionRequest:
		called, used := nbnsName(t, off, off, buf[:0])
		p.appendInfo(", to ")
		p.appendInfoBytes(called)
		p.appendInfo(" ")
		off += used
		calling, _ := nbnsName(t, off, off, buf[:0])
		p.appendInfo("from ")
		p.appendInfoBytes(calling)
	case nbssNegative:
		code := t.u8(off)
		p.appendInfo(", ")
		if s, ok := nbssErrors[code]; ok {
			p.appendInfo(s)
		} else {
			p.appendInfo("Unknown (")
			p.appendInfoHexWidth(uint64(code), 1)
			p.appendInfo(")")
		}
	case nbssRetarget:
		t.ensureItem(off, 6)
	case nbssSessionMessage:
		// The payload goes to NetBIOS heuristics (SMB ...), none here;
		// errors in it would be caught per message.
	}
}
