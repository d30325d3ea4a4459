package decode

import "strconv"

// ICMP types with special handling (packet-icmp.c).
const (
	icmpEchoReply     = 0
	icmpUnreach       = 3
	icmpSourceQuench  = 4
	icmpRedirect      = 5
	icmpAltHost       = 6
	icmpEcho          = 8
	icmpRouterAdvert  = 9
	icmpTimeExceeded  = 11
	icmpParamProblem  = 12
	icmpTstamp        = 13
	icmpTstampReply   = 14
	icmpIReq          = 15
	icmpIReqReply     = 16
	icmpMaskReq       = 17
	icmpMaskReply     = 18
	icmpPhoturis      = 40
	icmpExtEcho       = 42
	icmpExtEchoReply  = 43
	icmpFragNeeded    = 4 // unreachable code
	icmpMPLSThreshold = 128
)

var icmpTypeNames = map[uint8]string{
	0:  "Echo (ping) reply",
	1:  "Reserved",
	2:  "Reserved",
	3:  "Destination unreachable",
	4:  "Source quench (flow control)",
	5:  "Redirect",
	6:  "Alternate host address",
	8:  "Echo (ping) request",
	9:  "Router advertisement",
	10: "Router solicitation",
	11: "Time-to-live exceeded",
	12: "Parameter problem",
	13: "Timestamp request",
	14: "Timestamp reply",
	15: "Information request",
	16: "Information reply",
	17: "Address mask request",
	18: "Address mask reply",
	19: "Reserved (for security)",
	30: "Traceroute",
	31: "Datagram Conversion Error",
	32: "Mobile Host Redirect",
	33: "IPv6 Where-Are-You",
	34: "IPv6 I-Am-Here",
	35: "Mobile Registration Request",
	36: "Mobile Registration Reply",
	37: "Domain Name Request",
	38: "Domain Name Reply",
	39: "SKIP",
	40: "Photuris",
	41: "Experimental mobility protocols",
	42: "Extended Echo request",
	43: "Extended Echo reply",
}

var icmpUnreachCodes = []string{
	"Network unreachable", "Host unreachable", "Protocol unreachable", "Port unreachable",
	"Fragmentation needed", "Source route failed", "Destination network unknown",
	"Destination host unknown", "Source host isolated", "Network administratively prohibited",
	"Host administratively prohibited", "Network unreachable for TOS", "Host unreachable for TOS",
	"Communication administratively filtered", "Host precedence violation", "Precedence cutoff in effect",
}

var (
	icmpRedirectCodes     = []string{"Redirect for network", "Redirect for host", "Redirect for TOS and network", "Redirect for TOS and host"}
	icmpTimeExceededCodes = []string{"Time to live exceeded in transit", "Fragment reassembly time exceeded"}
	icmpParamProblemCodes = []string{"Pointer indicates the error", "Required option missing", "Bad length"}
	icmpAltHostCodes      = []string{"Alternate address for host"}
	icmpPhoturisCodes     = []string{"Bad SPI", "Authentication Failed", "Decompression Failed", "Decryption Failed", "Need Authentication", "Need Authorization"}
	icmpExtEchoCodes      = []string{"No error"}
	icmpExtEchoReplyCodes = []string{"No error", "Malformed Query", "No Such Interface", "No Such Table Entry", "Multiple Interfaces Satisfy Query"}
)

// icmpCodeText is the "(code)" part of Info for the types that have one.
func icmpCodeText(typ, code uint8) (string, bool) {
	var names []string
	switch typ {
	case icmpUnreach:
		names = icmpUnreachCodes
	case icmpRedirect:
		names = icmpRedirectCodes
	case icmpTimeExceeded:
		names = icmpTimeExceededCodes
	case icmpParamProblem:
		names = icmpParamProblemCodes
	case icmpAltHost:
		names = icmpAltHostCodes
	case icmpRouterAdvert:
		switch code {
		case 0:
			return "Normal router advertisement", true
		case 16:
			return "Does not route common traffic", true
		}
		return "Unknown code: " + strconv.Itoa(int(code)), true
	case icmpPhoturis:
		names = icmpPhoturisCodes
	case icmpExtEcho:
		names = icmpExtEchoCodes
	case icmpExtEchoReply:
		names = icmpExtEchoReplyCodes
	default:
		return "", false
	}
	if int(code) < len(names) {
		return names[code], true
	}
	return "Unknown code: " + strconv.Itoa(int(code)), true
}

// icmpEchoTable matches echo replies to requests in tshark's single pass
// (transaction_start/transaction_end): the key is the address pair plus
// the checksum a reply would carry and the identifier/sequence word, so a
// reply whose data differs from the request's is not matched. A reply is
// matched once. Bounded: the table is dropped when full.
type icmpEchoTable struct {
	requests map[icmpEchoKey]uint64
}

type icmpEchoKey struct {
	v6    bool
	a, b  [16]byte // the two addresses, lower first
	key0  uint32
	idSeq uint32
}

const maxICMPEchoes = 1 << 16

func (e *icmpEchoTable) init() { e.requests = make(map[icmpEchoKey]uint64) }

func icmpKey(v6 bool, src, dst address, key0, idSeq uint32) icmpEchoKey {
	k := icmpEchoKey{v6: v6, key0: key0, idSeq: idSeq}
	k.a, k.b = src.b, dst.b
	if string(k.b[:]) < string(k.a[:]) {
		k.a, k.b = k.b, k.a
	}
	return k
}

func (e *icmpEchoTable) request(k icmpEchoKey, frame uint64) {
	if len(e.requests) >= maxICMPEchoes {
		e.requests = make(map[icmpEchoKey]uint64)
	}
	e.requests[k] = frame
}

// reply returns the request's frame number, once.
func (e *icmpEchoTable) reply(k icmpEchoKey) (uint64, bool) {
	n, ok := e.requests[k]
	if ok {
		delete(e.requests, k)
	}
	return n, ok
}

// onesSum16 adds two 16-bit words in one's complement.
func onesSum16(a, b uint32) uint32 {
	s := a + b
	return (s & 0xffff) + s>>16
}

// icmpEchoRequestKey is the checksum the reply to an echo request with
// checksum ck carries (the type byte changes by typeDelta), as
// packet-icmp.c/packet-icmpv6.c compute it with ip_checksum.
func icmpEchoRequestKey(ck uint16, typeDelta uint32) uint32 {
	return ^onesSum16(uint32(^ck), typeDelta^0xffff) & 0xffff
}

// appendPadded20 appends s left-justified in 20 columns ("%-20s").
func (p *packet) appendInfoPadded(s string, width int) {
	if p.readOnly {
		return
	}
	p.info.appendStr(s)
	for i := len(s); i < width; i++ {
		p.info.appendStr(" ")
	}
}

// dissectICMP is packet-icmp.c's dissect_icmp.
func dissectICMP(p *packet, t tvb, ip ipHeader) {
	p.setProto("ICMP")
	p.clearInfo()
	typ := t.u8(0)
	code := t.u8(1)
	origLen := int(t.u8(5)) // RFC 4884, in 32-bit words
	typeName, ok := icmpTypeNames[typ]
	if !ok {
		typeName = "Unknown ICMP (obsolete or malformed?)"
	}
	switch typ {
	case icmpAltHost:
		origLen = 0
	case icmpRouterAdvert:
		if code == 0 || code == 16 {
			typeName = "Mobile IP Advertisement"
		}
	}
	p.clearInfo()
	p.appendInfoPadded(typeName, 20)
	if codeText, ok := icmpCodeText(typ, code); ok {
		p.appendInfo(" (" + codeText + ")")
	}
	t.ensure(2, 2)

	// The second four bytes.
	var numAddrs, addrEntrySize int
	switch typ {
	case icmpEchoReply, icmpEcho, icmpTstamp, icmpTstampReply, icmpIReq, icmpIReqReply, icmpMaskReq, icmpMaskReply:
		t.ensure(4, 4)
		id, seq := t.u16(4), t.u16(6)
		if !p.readOnly {
			p.info.appendStr(" id=0x")
			p.info.buf = appendHex(p.info.buf, uint64(id), 4)
			p.info.appendStr(", seq=")
			p.info.appendUint(uint64(seq))
			p.info.appendStr("/")
			p.info.appendUint(uint64(seq>>8 | seq<<8))
			if ip.version == 4 {
				p.info.appendStr(", ttl=")
				p.info.appendUint(uint64(ip.ttl))
			}
		}
	case icmpRouterAdvert:
		t.ensure(4, 4)
		numAddrs, addrEntrySize = int(t.u8(4)), int(t.u8(5))
	case icmpUnreach, icmpParamProblem, icmpRedirect, icmpTimeExceeded, icmpExtEcho, icmpExtEchoReply:
		t.ensure(4, 4)
	}

	switch typ {
	case icmpUnreach, icmpTimeExceeded, icmpParamProblem, icmpSourceQuench, icmpRedirect:
		saveErr := p.inErrorPkt
		p.inErrorPkt = true
		next := t.sub(8)
		if typ == icmpRedirect {
			next = next.setActualLength(int(t.u8(8)&0x0f)*4 + 8)
		} else if origLen > 0 && t.reported > 8+origLen*4 && int(t.u16(10)) > origLen*4 {
			next = next.setActualLength((int(t.u8(8)&0x0f) + origLen) * 4)
		}
		p.callErrorPacket(func() { dissectIPv4(p, next) })
		p.inErrorPkt = saveErr
		// RFC 4884 / MPLS extensions after the quoted datagram.
		if t.reported > 8+icmpMPLSThreshold && t.u16(10) <= icmpMPLSThreshold {
			extOff := 8 + icmpMPLSThreshold
			if origLen > 0 {
				extOff = 8 + origLen*4
			}
			icmpExtension(t.sub(extOff))
		}
	case icmpEchoReply, icmpEcho:
		p.icmpEcho(t, typ == icmpEcho, false)
		icmpEchoData(p, t, 8)
	case icmpRouterAdvert:
		if addrEntrySize == 2 {
			off := 8
			for i := 0; i < numAddrs; i++ {
				t.ensure(off, 8)
				off += 8
			}
			if code == 0 || code == 16 {
				icmpMobileIPExtensions(t, off)
			}
		} else {
			t.sub(8)
		}
	case icmpTstamp, icmpTstampReply:
		t.ensure(8, 12)
	case icmpMaskReq, icmpMaskReply:
		t.ensure(8, 4)
	case icmpExtEcho:
		if t.reported > 8 {
			icmpExtension(t.sub(8))
		}
	}
}

// icmpEcho does the echo request/reply matching and appends
// " (request in N)" to a matched reply. v6 selects ICMPv6's key rule.
func (p *packet) icmpEcho(t tvb, request, v6 bool) {
	if p.inErrorPkt {
		return
	}
	ck := t.u16(2)
	idSeq := t.u32(4)
	// ICMP keys on the checksum the reply will carry, ICMPv6 on the one
	// the request carried; the other side is derived by adding (or
	// removing) the type difference in one's complement.
	derived := request != v6
	var key0 uint32
	switch {
	case derived && !v6:
		key0 = icmpEchoRequestKey(ck, 0x0800) // echo 8 → reply 0
	case derived:
		key0 = ^onesSum16(uint32(^ck), 0x0100^0xffff) & 0xffff // reply 129 → echo 128
	default:
		key0 = uint32(ck)
		if key0 == 0xffff {
			key0 = 0
		}
	}
	k := icmpKey(v6, p.src, p.dst, key0, idSeq)
	if request {
		p.d.state.icmp.request(k, p.num)
		return
	}
	if n, ok := p.d.state.icmp.reply(k); ok {
		p.appendInfo(" (request in ")
		p.appendInfoUint(n)
		p.appendInfo(")")
	}
}

// icmpEchoData is what follows an echo header: a timestamp or data, after
// the heuristic dissectors (HiPerConTracer) had their look.
func icmpEchoData(p *packet, t tvb, off int) {
	rest := t.len() - off
	if rest < 8 {
		return
	}
	if !icmpLooksLikeTimestamp(p, t, off) {
		hiPerConTracer(p, t.sub(off))
	}
}

// icmpLooksLikeTimestamp is the check that the first 8 data bytes are a
// struct timeval within a day of the frame's time, big or little endian.
func icmpLooksLikeTimestamp(p *packet, t tvb, off int) bool {
	frameSecs := p.ts / 1e9
	if p.ts < 0 && p.ts%1e9 != 0 {
		frameSecs--
	}
	ok := func(secs, usecs uint32) bool {
		d := int32(int64(secs) - frameSecs)
		if d < 0 {
			d = -d
		}
		return d < 3600*24 && usecs < 1000000
	}
	if ok(t.u32(off), t.u32(off+4)) {
		return true
	}
	return ok(t.le32(off), t.le32(off+4))
}

// hiPerConTracer is the HiPerConTracer heuristic on ICMP/ICMPv6 payloads.
func hiPerConTracer(p *packet, t tvb) bool {
	if t.len() < 16 {
		return false
	}
	sendTTL := t.u8(4)
	if sendTTL < 1 {
		return false
	}
	ts := t.u64(8) + 212803200000000
	if ts < 1451602800000000 || ts > 4102441199999999 {
		return false
	}
	if !p.readOnly && !p.protoReadOnly {
		p.proto.appendSep(", ", "HiPerConTracer")
	}
	p.appendInfo(" (SendTTL=")
	p.appendInfoUint(uint64(sendTTL))
	p.appendInfo(", Round=")
	p.appendInfoUint(uint64(t.u8(5)))
	p.appendInfo(")")
	return true
}

// icmpMobileIPExtensions walks Mobile IP extensions after a router
// advertisement, only for the reads that may fail.
func icmpMobileIPExtensions(t tvb, off int) {
	for t.reportedRemaining(off) > 0 {
		typ := t.u8(off)
		length := 0
		if typ != 0 {
			length = int(t.u8(off + 1))
		}
		off++
		if typ != 0 {
			off++
		}
		switch typ {
		case 0:
		case 16:
			t.ensure(off, 6)
			off += 6
			for i := 0; i < (length-6)/4; i++ {
				t.ensure(off, 4)
				off += 4
			}
		case 19:
			for i := 0; i < length; i++ {
				t.ensure(off, 1)
				off++
			}
		case 24:
			t.ensure(off, length)
			off += length
		default:
			if length != 0 {
				t.ensure(off, length-4)
				off += length
			}
		}
	}
}

// icmpExtension is dissect_icmp_extension (RFC 4884 multi-part
// extensions): nothing reaches the columns, but its reads may fail.
func icmpExtension(t tvb) {
	reported := t.reportedRemaining(0)
	t.ensure(0, 0)
	if reported < 4 {
		return
	}
	version := t.u8(0) >> 4
	t.ensure(0, 2)
	if t.u16(2) != 0 {
		t.ensure(0, reported) // the checksum covers it all
	}
	if version != 1 && version != 2 {
		return
	}
	off := 4
	infoObjects := 0
	for t.reportedRemaining(off) >= 4 {
		objLen := int(t.u16(off))
		trunc := min(objLen, t.reportedRemaining(off))
		end := off + trunc
		t.ensure(off, max(trunc, 4)) // the object's subtree
		class := t.u8(off + 2)
		cType := t.u8(off + 3)
		if objLen < 4 {
			break
		}
		unknown := false
		switch class {
		case 1: // MPLS stack entry
			if cType == 1 {
				o := off + 4
				for o+4 <= end && t.reportedRemaining(o) >= 4 {
					t.ensure(o, 4)
					o += 4
				}
				if o < end {
					t.ensure(o, end-o)
				}
			} else {
				unknown = true
			}
		case 2: // interface information
			infoObjects++
			unknown = icmpInterfaceInfo(t, off, end, cType)
		case 0: // MPLS extended payload
			if cType == 1 {
				if trunc > 4 {
					t.ensure(off+4, trunc-4)
				}
			} else {
				unknown = true
			}
		case 3: // interface identification
			unknown = icmpInterfaceIdent(t, off, objLen, cType)
		default:
			unknown = true
		}
		if unknown {
			t.ensure(off+3, 1)
			if trunc > 4 {
				t.ensure(off+4, trunc-4)
			}
		}
		off = end
	}
}

func icmpInterfaceInfo(t tvb, off, end int, cType uint8) bool {
	if t.reportedRemaining(off) < 4 {
		return true
	}
	off += 4
	if cType&0x08 != 0 {
		t.ensure(off, 4)
		off += 4
	}
	if cType&0x04 != 0 && end >= off+2 {
		afi := t.u16(off)
		t.ensure(off+2, 2)
		off += 4
		switch afi {
		case 1:
			t.ensure(off, 4)
			off += 4
		case 2:
			t.ensure(off, 16)
			off += 16
		default:
			n := off - end
			if n == -1 {
				n = t.remaining(off)
			}
			t.ensure(off, n)
			return false
		}
	}
	if cType&0x02 != 0 {
		nameLen := 0
		if end >= off+1 {
			nameLen = int(t.u8(off))
			off++
		}
		if end >= off+nameLen {
			n := nameLen - 1
			if n == -1 {
				n = t.remaining(off)
			}
			t.ensure(off, n)
			off += nameLen - 1
		}
	}
	if cType&0x01 != 0 {
		t.ensure(off, 4)
	}
	return false
}

func icmpInterfaceIdent(t tvb, off, objLen int, cType uint8) bool {
	if t.reportedRemaining(off) < 5 {
		return true
	}
	off += 4
	switch cType {
	case 1:
		n := objLen - 4
		if n == -1 {
			n = t.remaining(off)
		}
		t.ensure(off, n)
	case 2:
		t.ensure(off, 4)
	case 3:
		t.ensure(off, 4)
		afi := t.u16(off)
		addrLen := int(t.u8(off + 2))
		off += 4
		switch afi {
		case 1:
			for addrLen >= 4 && t.reportedRemaining(off) >= 4 {
				t.ensure(off, 4)
				off += 4
				addrLen -= 4
			}
		case 2:
			for addrLen >= 16 && t.reportedRemaining(off) >= 16 {
				t.ensure(off, 16)
				off += 16
				addrLen -= 16
			}
		default:
			t.ensure(off, t.reportedRemaining(off))
		}
	}
	return false
}

// setActualLength is set_actual_length: shrink only.
func (t tvb) setActualLength(n int) tvb {
	if n < t.reported {
		return t.setLength(n)
	}
	return t
}
