package decode

// DNS, mDNS and LLMNR (packet-dns.c). The three share one message grammar;
// they differ in the Protocol column, the mDNS class top bit (QU/QM in
// questions, cache flush in records) and the port they are found on.
// Over TCP a 2-byte length prefixes each message (tcp_dissect_pdus).

func init() {
	registerUDPPort(dissectDNSUDP, 53)
	registerUDPPort(dissectMDNS, 5353)
	registerUDPPort(dissectLLMNR, 5355)
	registerTCPPort(dissectDNSTCP, 53, 5353)
	registerUDPHeuristic("dns", dnsHeuristic)
}

type dnsFlavor uint8

const (
	dnsPlain dnsFlavor = iota
	dnsMulticast
	dnsLinkLocal
)

// Header layout and flag bits.
const (
	dnsHeaderLen   = 12
	dnsFlagQR      = 1 << 15
	dnsOpcodeShift = 11
	dnsClassTopBit = 1 << 15 // mDNS: QU in questions, cache flush in records
	dnsMaxNameLen  = 255     // MAX_DNAME_LEN: text buffer incl. terminator
	dnsMinNameLen  = 2       // MIN_DNAME_LEN
	dnsMaxPointers = 255     // beyond this many pointers a name is a loop
	dnsOpcodeQuery = 0
	dnsOpcodeDSO   = 6
	// dnsNameBudget is the number of labels and pointers the names of one
	// message may walk (see expandDNSName).
	dnsNameBudget = 1 << 20
)

// Name texts Wireshark substitutes for names it cannot show.
var (
	dnsRootName       = []byte("<Root>")
	dnsLoopName       = []byte("<Name contains a pointer that loops>")
	dnsTooLongName    = []byte("<Name too long>")
	dnsUnknownExtName = []byte("<Unknown extended label>")
)

func dissectDNSUDP(p *packet, t tvb) int {
	p.setProto("DNS")
	dissectDNSMessage(p, t, 0, dnsPlain)
	return max(t.len(), 1)
}

func dissectMDNS(p *packet, t tvb) int {
	p.setProto("MDNS")
	dissectDNSMessage(p, t, 0, dnsMulticast)
	return max(t.len(), 1)
}

func dissectLLMNR(p *packet, t tvb) int {
	p.setProto("LLMNR")
	dissectDNSMessage(p, t, 0, dnsLinkLocal)
	return max(t.len(), 1)
}

// dissectDNSTCP splits the stream into length-prefixed messages.
func dissectDNSTCP(p *packet, t tvb) int {
	tcpDissectPDUs(p, t, true, 2, dnsPDULen, dissectDNSTCPMessage)
	return max(t.reported, 1)
}

func dnsPDULen(p *packet, t tvb, off int) int { return int(t.u16(off)) + 2 }

func dissectDNSTCPMessage(p *packet, t tvb) {
	p.setProto("DNS")
	dissectDNSMessage(p, t, 2, dnsPlain)
}

// dnsHeuristic is dissect_dns_heur: a standard query or response with
// plausible section counts.
func dnsHeuristic(p *packet, t tvb) bool {
	if t.reported <= dnsHeaderLen {
		return false
	}
	flags := t.u16(2)
	if flags&(0xf<<dnsOpcodeShift) != 0 {
		return false
	}
	quest, ans, auth := t.u16(4), t.u16(6), t.u16(8)
	if flags&dnsFlagQR == 0 {
		if quest != 1 || ans != 0 || auth != 0 {
			return false
		}
	} else if quest > 1 || ans > 100 || auth > 10 {
		return false
	}
	if t.u16(10) > 10 {
		return false
	}
	dissectDNSUDP(p, t)
	return true
}

// dissectDNSMessage is dissect_dns_common: the message starts at off (2
// over TCP, after the length), which is also the base of name pointers.
func dissectDNSMessage(p *packet, t tvb, off int, flavor dnsFlavor) {
	base := off
	p.clearInfo()
	id := t.u16(off)
	flags := t.u16(off + 2)
	opcode := flags >> dnsOpcodeShift & 0xf
	rcode := flags & 0xf
	p.appendDNSOpcode(opcode)
	if flags&dnsFlagQR != 0 {
		p.appendInfo(" response")
	}
	p.appendInfo(" 0x")
	p.appendInfoHexWidth(uint64(id), 4)
	if flags&dnsFlagQR != 0 && rcode != 0 {
		p.appendInfo(" ")
		p.appendDNSRcode(rcode)
	}
	quest := int(t.u16(off + 4))
	ans := int(t.u16(off + 6))
	auth := int(t.u16(off + 8))
	add := int(t.u16(off + 10))
	cur := off + dnsHeaderLen
	mdns := flavor == dnsMulticast
	if opcode == dnsOpcodeDSO && quest == 0 && ans == 0 && auth == 0 && add == 0 {
		cur += dnsDSOData(t, cur)
	}
	budget := dnsNameBudget
	for ; quest > 0; quest-- {
		cur += p.dnsQuestion(t, cur, base, mdns, &budget)
	}
	for _, n := range [3]int{ans, auth, add} {
		for ; n > 0; n-- {
			cur += p.dnsRecord(t, cur, base, mdns, &budget)
		}
	}
}

// dnsDSOData walks DSO TLVs (RFC 8490) for the bounds they would raise.
func dnsDSOData(t tvb, off int) int {
	start := off
	if t.len() > 0 && t.remaining(off) == 0 { // the DSO item runs to the end
		t.ensureItem(off, 1)
	}
	for t.reportedRemaining(off) >= 4 {
		typ := t.u16(off)
		n := int(t.u16(off + 2))
		t.ensureItem(off, n+4)
		off += 4
		switch typ {
		case 1: // keepalive: two 32-bit timers whatever the length says
			t.ensureItem(off, 8)
			off += 8
		case 2: // retry delay
			t.ensureItem(off, 4)
			off += 4
		default:
			off += n
		}
	}
	return off - start
}

// dnsQuestion adds " TYPE NAME" for one question and returns its size.
func (p *packet) dnsQuestion(t tvb, off, base int, mdns bool, budget *int) int {
	var nb [dnsMaxNameLen + 8]byte
	name, nameLen, used := getDNSName(t, off, base, nb[:0], budget)
	typ := t.u16(off + used)
	class := t.u16(off + used + 2)
	p.appendInfo(" ")
	p.appendDNSType(typ)
	p.appendInfo(" ")
	p.appendInfoText(name[:nameLen])
	if mdns {
		if class&dnsClassTopBit != 0 {
			p.appendInfo(`, "QU" question`)
		} else {
			p.appendInfo(`, "QM" question`)
		}
	}
	return used + 4
}

// dnsRecord adds " TYPE" and the record's summary for one resource record
// (dissect_dns_answer) and returns its size. Record data is read the way
// Wireshark reads it, so that a short record raises where tshark's does.
func (p *packet) dnsRecord(t tvb, off, base int, mdns bool, budget *int) int {
	var ob, nb [dnsMaxNameLen + 8]byte
	owner, _, used := getDNSName(t, off, base, ob[:0], budget)
	typ := t.u16(off + used)
	class := t.u16(off + used + 2)
	dataLen := int(t.u16(off + used + 8))
	cur := off + used + 10
	size := used + 10 + dataLen
	p.appendInfo(" ")
	p.appendDNSType(typ)
	if mdns && class&dnsClassTopBit != 0 {
		p.appendInfo(", cache flush")
	}
	// The record's subtree spans it whole: its bytes must be present
	// before any of its data is shown.
	t.ensureItem(off, size)
	if dataLen == 0 {
		return used + 10
	}
	// appendName adds " " and a name from the record data, escaped.
	appendName := func(at int) int {
		name, n, u := getDNSName(t, at, base, nb[:0], budget)
		p.appendInfo(" ")
		p.appendInfoText(name[:n])
		return u
	}
	// appendOwner adds " " and the owner name as is, up to a NUL (the
	// "%s" of the raw name that several record types print).
	appendOwner := func() {
		p.appendInfo(" ")
		p.appendInfoBytes(dnsCString(owner))
	}
	skipName := func(at int) int {
		_, _, u := getDNSName(t, at, base, nb[:0], budget)
		return u
	}
	switch typ {
	case 1: // A
		t.ensureItem(cur, 4)
		p.appendInfo(" ")
		p.appendInfoAddr4(t.bytes(cur, 4))
	case 2, 5, 12, 39: // NS, CNAME, PTR, DNAME
		appendName(cur)
	case 3, 4, 7, 8, 9, 23: // MD, MF, MB, MG, MR, NSAP-PTR
		appendOwner()
		skipName(cur)
	case 6: // SOA
		cur += appendName(cur)
		cur += skipName(cur)
		for i := 0; i < 5; i++ { // serial, refresh, retry, expire, minimum
			t.ensureItem(cur+4*i, 4)
		}
	case 10, 22: // NULL, NSAP
		appendOwner()
		t.ensureItem(cur, dataLen)
	case 11: // WKS
		t.ensureItem(cur, 4)
		p.appendInfo(" ")
		p.appendInfoAddr4(t.bytes(cur, 4))
		t.ensureItem(cur+4, 1)
		cur += 5
		// The bit map runs until the remaining length reaches exactly 0.
		for rest := dataLen - 5; rest != 0; rest-- {
			t.u8(cur)
			cur++
		}
	case 13: // HINFO
		cpuLen := int(t.u8(cur))
		cpu := t.bytes(cur+1, cpuLen)
		osOff := cur + 1 + cpuLen
		osLen := int(t.u8(osOff))
		os := t.bytes(osOff+1, osLen)
		p.appendInfo(" ")
		p.appendASCIIText(cpu, cpuLen)
		p.appendInfo(" ")
		p.appendASCIIText(os, osLen)
	case 14, 17: // MINFO, RP
		appendOwner()
		cur += skipName(cur)
		skipName(cur)
	case 15: // MX
		pref := t.u16(cur)
		name, n, _ := getDNSName(t, cur+2, base, nb[:0], budget)
		p.appendInfo(" ")
		p.appendInfoUint(uint64(pref))
		p.appendInfo(" ")
		p.appendInfoText(name[:n])
	case 16: // TXT: strings until the remaining length is exactly 0
		for rest := dataLen; rest != 0; {
			n := int(t.u8(cur))
			t.ensureItem(cur+1, n)
			cur += 1 + n
			rest -= 1 + n
		}
	case 18, 21: // AFSDB, RT
		appendOwner()
		skipName(cur + 2)
		t.ensureItem(cur, 2)
	case 19: // X25
		appendOwner()
		n := int(t.u8(cur))
		t.ensureItem(cur+1, n)
	case 20: // ISDN
		appendOwner()
		n := int(t.u8(cur))
		t.ensureItem(cur+1, n)
		cur += 1 + n
		if dataLen-1-n > 1 {
			sa := int(t.u8(cur))
			t.ensureItem(cur+1, sa)
		}
	case 26: // PX
		appendOwner()
		t.ensureItem(cur, 2)
		cur += 2
		cur += skipName(cur)
		skipName(cur)
	case 27: // GPOS: three length-prefixed strings
		appendOwner()
		for i := 0; i < 3; i++ {
			n := int(t.u8(cur))
			t.ensureItem(cur+1, n)
			cur += 1 + n
		}
	case 28: // AAAA
		t.ensureItem(cur, 16)
		p.appendInfo(" ")
		p.appendInfoAddr6(t.bytes(cur, 16))
	case 30: // NXT
		u := appendName(cur)
		dnsNXTBitmap(t, cur+u, dataLen-u)
	case 33: // SRV
		prio, weight, port := t.u16(cur), t.u16(cur+2), t.u16(cur+4)
		name, n, _ := getDNSName(t, cur+6, base, nb[:0], budget)
		p.appendInfo(" ")
		p.appendInfoUint(uint64(prio))
		p.appendInfo(" ")
		p.appendInfoUint(uint64(weight))
		p.appendInfo(" ")
		p.appendInfoUint(uint64(port))
		p.appendInfo(" ")
		p.appendInfoText(name[:n])
	case 35: // NAPTR
		order, pref := t.u16(cur), t.u16(cur+2)
		flagsLen := int(t.u8(cur + 4))
		flagText := t.bytes(cur+5, flagsLen)
		cur += 5 + flagsLen
		for i := 0; i < 2; i++ { // service, regex
			n := int(t.u8(cur))
			t.ensureItem(cur+1, n)
			cur += 1 + n
		}
		skipName(cur)
		p.appendInfo(" ")
		p.appendInfoUint(uint64(order))
		p.appendInfo(" ")
		p.appendInfoUint(uint64(pref))
		p.appendInfo(" ")
		p.appendASCIIText(flagText, -1)
	case 36: // KX
		name, n, _ := getDNSName(t, cur+2, base, nb[:0], budget)
		pref := t.u16(cur)
		p.appendInfo(" ")
		p.appendInfoUint(uint64(pref))
		p.appendInfo(" ")
		p.appendInfoText(name[:n])
	case 38: // A6
		p.dnsA6(t, cur, base, nb[:0], budget)
	case 41: // OPT
		for rest := dataLen; rest > 0; {
			t.u16(cur)
			n := int(t.u16(cur + 2))
			t.ensureItem(cur, 4+n)
			cur += 4 + n
			rest -= 4 + n
		}
	case 42: // APL
		appendOwner()
		for rest := dataLen; rest > 1; {
			t.ensureItem(cur, 4)
			n := int(t.u8(cur+3) & 0x7f)
			t.ensureItem(cur+4, n)
			cur += 4 + n
			rest -= 4 + n
		}
	case 47: // NSEC
		u := appendName(cur)
		dnsTypeBitmap(t, cur+u, dataLen-u)
	case 24, 46: // SIG, RRSIG
		rest := dataLen
		for _, n := range [...]int{2, 1, 1, 4, 4, 4, 2} {
			t.ensureItem(cur, n)
			cur += n
			rest -= n
		}
		u := skipName(cur)
		if rest -= u; rest != 0 {
			dnsField(t, cur+u, rest) // the signature
		}
	case 48, 60: // DNSKEY, CDNSKEY
		t.ensureItem(cur, 2)
		t.ensureItem(cur+2, 1)
		t.ensureItem(cur+3, 1)
		dnsField(t, cur+4, dataLen-4) // the public key
	case 43, 59, 32769: // DS, CDS, DLV
		t.ensureItem(cur, 2)
		t.ensureItem(cur+2, 1)
		t.ensureItem(cur+3, 1)
		dnsField(t, cur+4, dataLen-4) // the digest
	case 44: // SSHFP
		t.ensureItem(cur, 1)
		t.ensureItem(cur+1, 1)
		if dataLen != 2 {
			dnsField(t, cur+2, dataLen-2)
		}
	case 50: // NSEC3
		start := cur
		for _, n := range [...]int{1, 1, 2} { // algorithm, flags, iterations
			t.ensureItem(cur, n)
			cur += n
		}
		salt := int(t.u8(cur))
		t.ensureItem(cur+1, salt)
		cur += 1 + salt
		hash := int(t.u8(cur))
		cur++
		if hash > 0 {
			last := (hash*8 - 1) / 5 * 5 // the last 5-bit group's first bit
			t.ensureItem(cur, (last+4)/8+1)
			cur += hash
		}
		dnsTypeBitmap(t, cur, dataLen-(cur-start))
	case 49, 51, 52, 55: // DHCID, NSEC3PARAM, TLSA, HIP
		appendOwner()
		switch typ {
		case 51: // algorithm, flags, iterations, salt
			for _, n := range [...]int{1, 1, 2, 1} {
				t.ensureItem(cur, n)
				cur += n
			}
			t.ensureItem(cur, int(t.u8(cur-1)))
		case 52: // usage, selector, matching type, data
			t.ensureItem(cur, 1)
			t.ensureItem(cur+1, 1)
			t.ensureItem(cur+2, 1)
			dnsField(t, cur+3, dataLen-3)
		default:
			t.ensureItem(cur, dataLen)
		}
	case 65282: // WINS-R
		t.ensureItem(cur, 12)
		appendName(cur + 12)
	default:
		t.ensureItem(cur, dataLen)
	}
	return size
}

// dnsField is a protocol-tree item of n bytes at off with Wireshark's
// length rules: -1 runs to the end of the data, a length left negative by
// inconsistent record fields raises.
func dnsField(t tvb, off, n int) {
	switch {
	case n == -1:
		if t.len() > 0 && t.remaining(off) == 0 {
			t.ensureItem(off, 1)
		}
	case n < -1:
		panic(excReported)
	default:
		t.ensureItem(off, n)
	}
}

// dnsA6 adds " PREFIXLEN SUFFIX PREFIXNAME" for an A6 record (RFC 2874).
func (p *packet) dnsA6(t tvb, cur, base int, nb []byte, budget *int) {
	preLen := int(t.u8(cur))
	cur++
	sufLen := uint16(128 - preLen)
	count := 0
	if sufLen != 0 {
		count = int(sufLen-1)/8 + 1
	}
	var suffix [16]byte
	for i := max(16-count, 0); i < 16; i++ {
		suffix[i] = t.u8(cur)
		cur++
	}
	var name []byte
	n := 0
	if preLen > 0 {
		name, n, _ = getDNSName(t, cur, base, nb, budget)
	}
	p.appendInfo(" ")
	p.appendInfoUint(uint64(preLen))
	p.appendInfo(" ")
	p.appendInfoAddr6(suffix[:])
	p.appendInfo(" ")
	p.appendInfoText(name[:n])
}

// dnsTypeBitmap reads an NSEC/NSEC3 type bit map; like Wireshark it stops
// only when the remaining length is exactly 0.
func dnsTypeBitmap(t tvb, cur, rest int) {
	for rest != 0 {
		t.u8(cur)
		size := int(t.u8(cur + 1))
		cur += 2
		rest -= 2
		for ; size > 0; size-- {
			t.u8(cur)
			cur++
			rest--
		}
	}
}

func dnsNXTBitmap(t tvb, cur, rest int) {
	for ; rest != 0; rest-- {
		t.u8(cur)
		cur++
	}
}

// getDNSName is get_dns_name: the name at off (pointers relative to
// base) written into buf, how many of its bytes make up the display text,
// and how many packet bytes it occupies in place. A name Wireshark cannot
// show comes back as its placeholder text.
func getDNSName(t tvb, off, base int, buf []byte, budget *int) (name []byte, nameLen, used int) {
	name, nameLen, used = expandDNSName(t, off, base, buf, budget)
	if (len(name) == 0 || name[0] == 0) && used <= dnsMinNameLen {
		return dnsRootName, len(dnsRootName), used
	}
	if used < dnsMinNameLen || (used > dnsMinNameLen && nameLen == 0) {
		panic(excReported)
	}
	return name, nameLen, used
}

// expandDNSName is expand_dns_name. room mirrors Wireshark's maxname: the
// space left in its 255-byte buffer; label bytes that no longer fit are
// skipped without being read.
//
// budget bounds the labels and pointers a message's names may walk:
// crafted pointer chains could otherwise cost millions of steps per name.
// No real message comes near it; one that exhausts it is shown malformed.
func expandDNSName(t tvb, off, base int, buf []byte, budget *int) (name []byte, nameLen, used int) {
	start := off
	used = -1
	pointers := 0
	room := dnsMaxNameLen
	buf = buf[:0]
	// Pointer targets seen: coming back to one means the walk repeats
	// itself until Wireshark's pointer limit, which ends in the loop text
	// (the repeated walk reads nothing new, so it cannot raise instead).
	var targets [dnsMaxPointers + 1]int32
	for {
		if *budget--; *budget < 0 {
			panic(excReported)
		}
		c := int(t.u8(off))
		off++
		if c == 0 {
			break
		}
		switch c & 0xc0 {
		case 0x00:
			if len(buf) != 0 {
				if room > 0 {
					buf = append(buf, '.')
					nameLen++
					room--
				}
			} else {
				room--
			}
			n := min(c, max(room, 0))
			if !t.has(off, n) {
				for i := 0; i < n; i++ { // raise where the byte-wise read would
					t.u8(off + i)
				}
			}
			buf = append(buf, t.b[off:off+n]...)
			nameLen += n
			room -= n
			off += c // what no longer fits is skipped unread
		case 0x40:
			if c&0x3f != 1 {
				used = off - start
				if used < 1 {
					panic(excReported)
				}
				return dnsUnknownExtName, len(dnsUnknownExtName), used
			}
			// RFC 2673 bit-string label, shown as \[x<hex>/<bits>]; these
			// characters do not count in the display length (a Wireshark quirk).
			bits := int(t.u8(off))
			off++
			labelLen := (bits-1)/8 + 1
			if room > 0 {
				buf, room = dnsPrint(buf, room, `\[x`)
			}
			for ; labelLen > 0; labelLen-- {
				if room > 0 {
					var hx [2]byte
					v := t.u8(off)
					hx[0], hx[1] = hexDigits[v>>4], hexDigits[v&0xf]
					buf, room = dnsPrint(buf, room, string(hx[:]))
				}
				off++
			}
			if room > 0 {
				var tmp [16]byte
				s := append(tmp[:0], '/')
				s = appendUintBytes(s, uint64(bits))
				s = append(s, ']')
				buf, room = dnsPrint(buf, room, string(s))
			}
		case 0x80:
			panic(excReported)
		case 0xc0:
			target := base + ((c&0x3f)<<8 | int(t.u8(off)))
			off++
			pointers++
			if used < 0 {
				used = off - start
			}
			seen := false
			for _, v := range targets[:min(pointers-1, len(targets))] {
				if int(v) == target {
					seen = true
					break
				}
			}
			if target == off+2 || pointers > dnsMaxPointers || seen {
				if used < 1 {
					panic(excReported)
				}
				return dnsLoopName, len(dnsLoopName), used
			}
			targets[pointers-1] = int32(target)
			off = target
		}
	}
	if room <= 0 {
		name, nameLen = dnsTooLongName, len(dnsTooLongName)
	} else {
		name = buf
	}
	if used < 0 {
		used = off - start
	}
	return name, nameLen, used
}

// dnsPrint is snprintf(np, room, s) as expand_dns_name uses it: text that
// does not fit leaves the buffer as it is and uses up the room.
func dnsPrint(buf []byte, room int, s string) ([]byte, int) {
	if len(s) > room {
		return buf, 0
	}
	if len(s) == room { // snprintf kept room-1 bytes and its terminator
		buf = append(buf, s[:room-1]...)
		return append(buf, 0), 0
	}
	return append(buf, s...), room - len(s)
}

// dnsCString is the part of b before any NUL, as "%s" prints it.
func dnsCString(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// appendASCIIText appends packet bytes as "%.*s" (limit >= 0) or "%s"
// print a tvb_get_string_enc(ENC_ASCII) string: bytes above 0x7f become
// U+FFFD, a NUL ends the text, and at most limit bytes of the result show.
func (p *packet) appendASCIIText(b []byte, limit int) {
	var tmp [64]byte
	out := tmp[:0]
	for _, c := range b {
		if c == 0 {
			break
		}
		if c >= 0x80 {
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, c)
		}
	}
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	p.appendInfoBytes(out)
}

func (p *packet) appendInfoHexWidth(v uint64, width int) {
	if p.readOnly {
		return
	}
	var tmp [16]byte
	p.info.appendBytes(appendHex(tmp[:0], v, width))
}

func (p *packet) appendInfoAddr4(b []byte) {
	if p.readOnly {
		return
	}
	var tmp [16]byte
	p.info.appendBytes(appendIPv4(tmp[:0], b))
}

func (p *packet) appendInfoAddr6(b []byte) {
	if p.readOnly {
		return
	}
	var tmp [48]byte
	p.info.appendBytes(appendIPv6(tmp[:0], b))
}

func (p *packet) appendDNSOpcode(op uint16) {
	switch op {
	case 0:
		p.appendInfo("Standard query")
	case 1:
		p.appendInfo("Inverse query")
	case 2:
		p.appendInfo("Server status request")
	case 4:
		p.appendInfo("Zone change notification")
	case 5:
		p.appendInfo("Dynamic update")
	case 6:
		p.appendInfo("DNS Stateful operations (DSO)")
	default:
		p.appendInfo("Unknown operation (")
		p.appendInfoUint(uint64(op))
		p.appendInfo(")")
	}
}

var dnsRcodeNames = [...]string{
	1:  "Format error",
	2:  "Server failure",
	3:  "No such name",
	4:  "Not implemented",
	5:  "Refused",
	6:  "Name exists",
	7:  "RRset exists",
	8:  "RRset does not exist",
	9:  "Not authoritative",
	10: "Name out of zone",
	11: "DSO-Type not implemented",
}

func (p *packet) appendDNSRcode(rc uint16) {
	if int(rc) < len(dnsRcodeNames) && dnsRcodeNames[rc] != "" {
		p.appendInfo(dnsRcodeNames[rc])
		return
	}
	p.appendInfo("Unknown error (")
	p.appendInfoUint(uint64(rc))
	p.appendInfo(")")
}

// dnsTypeNames are the RR type mnemonics of dns_types_vals, including its
// swapped MAILA/MAILB.
var dnsTypeNames = [...]string{
	0: "Unused", 1: "A", 2: "NS", 3: "MD", 4: "MF", 5: "CNAME", 6: "SOA", 7: "MB", 8: "MG",
	9: "MR", 10: "NULL", 11: "WKS", 12: "PTR", 13: "HINFO", 14: "MINFO", 15: "MX", 16: "TXT",
	17: "RP", 18: "AFSDB", 19: "X25", 20: "ISDN", 21: "RT", 22: "NSAP", 23: "NSAP-PTR",
	24: "SIG", 25: "KEY", 26: "PX", 27: "GPOS", 28: "AAAA", 29: "LOC", 30: "NXT", 31: "EID",
	32: "NIMLOC", 33: "SRV", 34: "ATMA", 35: "NAPTR", 36: "KX", 37: "CERT", 38: "A6",
	39: "DNAME", 40: "SINK", 41: "OPT", 42: "APL", 43: "DS", 44: "SSHFP", 45: "IPSECKEY",
	46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 49: "DHCID", 50: "NSEC3", 51: "NSEC3PARAM",
	52: "TLSA", 55: "HIP", 57: "RKEY", 58: "TALINK", 59: "CDS", 60: "CDNSKEY",
	61: "OPENPGPKEY", 62: "CSYNC", 63: "ZONEMD", 64: "SVCB", 65: "HTTPS", 99: "SPF",
	100: "UINFO", 101: "UID", 102: "GID", 103: "UNSPEC", 104: "NID", 105: "L32", 106: "L64",
	107: "LP", 108: "EUI48", 109: "EUI64", 249: "TKEY", 250: "TSIG", 251: "IXFR", 252: "AXFR",
	253: "MAILA", 254: "MAILB", 255: "ANY", 256: "URI", 257: "CAA",
}

func dnsTypeName(typ uint16) string {
	if int(typ) < len(dnsTypeNames) {
		return dnsTypeNames[typ]
	}
	switch typ {
	case 32768:
		return "TA"
	case 32769:
		return "DLV"
	case 65281:
		return "WINS"
	case 65282:
		return "WINS-R"
	case 65422:
		return "XPF"
	}
	return ""
}

func (p *packet) appendDNSType(typ uint16) {
	if s := dnsTypeName(typ); s != "" {
		p.appendInfo(s)
		return
	}
	p.appendInfo("Unknown (")
	p.appendInfoUint(uint64(typ))
	p.appendInfo(")")
}
