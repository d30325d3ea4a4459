package decode

import "strconv"

// ICMP types with special handling.
const (
	icmpEchoReply    = 0
	icmpUnreach      = 3
	icmpSourceQuench = 4
	icmpRedirect     = 5
	icmpEcho         = 8
	icmpTimeExceeded = 11
	icmpParamProblem = 12
	icmpTstamp       = 13
	icmpTstampReply  = 14
	icmpIReq         = 15
	icmpIReqReply    = 16
	icmpMaskReq      = 17
	icmpMaskReply    = 18
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

var icmpRedirectCodes = []string{
	"Redirect for network", "Redirect for host", "Redirect for TOS and network", "Redirect for TOS and host",
}

var icmpTimeExceededCodes = []string{"Time to live exceeded in transit", "Fragment reassembly time exceeded"}

var icmpParamProblemCodes = []string{"Pointer indicates the error", "Required option missing", "Bad length"}

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
	case 6:
		names = []string{"Alternate address for host"}
	case 9:
		switch code {
		case 0:
			return "Normal router advertisement", true
		case 16:
			return "Does not route common traffic", true
		}
		return "Unknown code: " + strconv.Itoa(int(code)), true
	case 40:
		names = []string{"Bad SPI", "Authentication Failed", "Decompression Failed", "Decryption Failed", "Need Authentication", "Need Authorization"}
	case 42:
		names = []string{"No error"}
	case 43:
		names = []string{"No error", "Malformed Query", "No Such Interface", "No Such Table Entry", "Multiple Interfaces Satisfy Query"}
	default:
		return "", false
	}
	if int(code) < len(names) {
		return names[code], true
	}
	return "Unknown code: " + strconv.Itoa(int(code)), true
}

// icmpEchoTable matches echo replies to requests in one pass: a reply gets
// "(request in N)" when an unanswered request with the same identifier and
// sequence number was seen. Bounded.
type icmpEchoTable struct {
	requests map[icmpEchoKey]uint64
}

type icmpEchoKey struct {
	v6       bool
	a, b     [16]byte // the two addresses, lower first
	id, seq  uint16
	checksum uint16
}

const maxICMPEchoes = 1 << 16

func (e *icmpEchoTable) init() { e.requests = make(map[icmpEchoKey]uint64) }

func icmpKey(v6 bool, src, dst address, id, seq uint16) icmpEchoKey {
	k := icmpEchoKey{v6: v6, id: id, seq: seq}
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

// dissectICMP is packet-icmp.c's dissect_icmp.
func dissectICMP(p *packet, t tvb, ip ipHeader) {
	p.setProto("ICMP")
	p.clearInfo()
	typ := t.u8(0)
	code := t.u8(1)
	origLen := t.u8(5)
	typeName, ok := icmpTypeNames[typ]
	if !ok {
		typeName = "Unknown ICMP (obsolete or malformed?)"
	}
	if typ == 9 && (code == 0 || code == 16) {
		typeName = "Mobile IP Advertisement"
	}
	if typ == 6 {
		origLen = 0
	}
	if !p.readOnly {
		p.info.set(typeName)
		for i := len(typeName); i < 20; i++ {
			p.info.appendStr(" ")
		}
	}
	if codeText, ok := icmpCodeText(typ, code); ok {
		p.appendInfo(" (" + codeText + ")")
	}
	t.ensure(2, 2)

	switch typ {
	case icmpEchoReply, icmpEcho, icmpTstamp, icmpTstampReply, icmpIReq, icmpIReqReply, icmpMaskReq, icmpMaskReply:
		id := t.u16(4)
		seq := t.u16(6)
		if !p.readOnly {
			p.info.appendStr(" id=0x")
			p.info.buf = appendHex(p.info.buf, uint64(id), 4)
			p.info.appendStr(", seq=")
			p.info.appendUint(uint64(seq))
			p.info.appendStr("/")
			p.info.appendUint(uint64(seq>>8 | seq<<8))
			p.info.appendStr(", ttl=")
			p.info.appendUint(uint64(ip.ttl))
		}
		if typ == icmpEcho || typ == icmpEchoReply {
			if p.inErrorPkt {
				break
			}
			k := icmpKey(false, p.src, p.dst, id, seq)
			if typ == icmpEcho {
				p.d.state.icmp.request(k, p.num)
			} else if n, ok := p.d.state.icmp.reply(k); ok {
				p.appendInfo(" (request in " + strconv.FormatUint(n, 10) + ")")
			}
		}
	case icmpUnreach, icmpTimeExceeded, icmpParamProblem, icmpSourceQuench, icmpRedirect:
		saveErr := p.inErrorPkt
		p.inErrorPkt = true
		next := t.sub(8)
		if typ == icmpRedirect {
			next = next.setActualLength(int(t.u8(8)&0x0f)*4 + 8)
		} else if origLen > 0 && t.reported > 8+int(origLen)*4 && int(t.u16(10)) > int(origLen)*4 {
			next = next.setActualLength((int(t.u8(8)&0x0f) + int(origLen)) * 4)
		}
		p.callErrorPacket(func() { dissectIPv4(p, next) })
		p.inErrorPkt = saveErr
	}
}

// setActualLength is set_actual_length: shrink only.
func (t tvb) setActualLength(n int) tvb {
	if n < t.reported {
		return t.setLength(n)
	}
	return t
}
