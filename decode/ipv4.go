package decode

import "strconv"

// IP protocol numbers dispatched below.
const (
	ipProtoHopOpts  = 0
	ipProtoICMP     = 1
	ipProtoIGMP     = 2
	ipProtoIPIP     = 4
	ipProtoTCP      = 6
	ipProtoUDP      = 17
	ipProtoIPv6     = 41
	ipProtoRouting  = 43
	ipProtoFragment = 44
	ipProtoGRE      = 47
	ipProtoESP      = 50
	ipProtoAH       = 51
	ipProtoICMPv6   = 58
	ipProtoNone     = 59
	ipProtoDstOpts  = 60
)

// ipHeader is what an IP layer tells the protocol it carries.
type ipHeader struct {
	version  uint8
	ttl      uint8
	proto    uint8
	id       uint32
	src, dst address
}

// dissectIP is packet-ip.c's "ip" dissector, used everywhere but for
// Ethernet type 0x0800: it picks IPv4 or IPv6 by the version nibble.
func dissectIP(p *packet, t tvb) {
	switch version := t.u8(0) >> 4; version {
	case 4:
		dissectIPv4(p, t)
	case 6:
		dissectIPv6(p, t)
	default:
		p.setProto("IP")
		p.clearInfo()
		p.setInfo("Bogus IP version (" + strconv.Itoa(int(version)) + ")")
	}
}

// dissectIPv4 is packet-ip.c's dissect_ip_v4, with reassembly of
// fragments (and no header checksum check, tshark's default).
func dissectIPv4(p *packet, t tvb) {
	p.setProto("IPv4")
	p.clearInfo()
	version := t.u8(0) >> 4
	hlen := int(t.u8(0)&0x0f) * 4
	if version != 4 {
		p.setInfo("Bogus IPv4 version (" + strconv.Itoa(int(version)) + ", must be 4)")
		if version == 6 {
			dissectIPv6(p, t)
		}
		return
	}
	if hlen < 20 {
		p.setInfo("Bogus IP header length (" + strconv.Itoa(hlen) + ", must be at least 20)")
		return
	}
	t.ensure(1, 1)
	ipLen := int(t.u16(2))
	if ipLen < hlen {
		if ipLen != 0 {
			p.setInfo("Bogus IP length (" + strconv.Itoa(ipLen) + ", less than header length " + strconv.Itoa(hlen) + ")")
			return
		}
		// TCP segmentation offload: the frame's length stands in.
		ipLen = t.reported
	} else {
		t = t.setActualLength(ipLen)
	}
	id := t.u16(4)
	off := t.u16(6)
	ttl := t.u8(8)
	proto := t.u8(9)
	t.ensure(10, 2)
	src := ipv4Addr(t.bytes(12, 4))
	p.netSrc, p.src = src, src
	dstOff := 0
	if hlen > 20 {
		dstOff = ipv4SourceRouteDst(t, hlen)
	}
	dst := ipv4Addr(t.bytes(16+dstOff, 4))
	p.netDst, p.dst = dst, dst
	if hlen > 20 {
		t.ensure(20, hlen-20) // the options' subtree
	}
	p.ipTTL, p.ipProto = ttl, proto
	hdr := ipHeader{version: 4, ttl: ttl, proto: proto, id: uint32(id), src: src, dst: dst}

	const mf, offMask = 0x2000, 0x1fff
	fragOff := int(off&offMask) * 8
	// Restored only on a normal return: an exception must still see the
	// flag, as in Wireshark.
	saveFragmented := p.fragmented
	var next tvb
	haveNext, showInfo := false, true
	switch {
	case off&(mf|offMask) != 0 && ipLen > hlen && t.has(hlen, ipLen-hlen):
		var illegal bool
		next, haveNext, illegal = p.d.state.ipFrags.add(p, hdr, t.bytes(hlen, ipLen-hlen), fragOff, off&mf != 0)
		if haveNext {
			p.fragmented = false
			if illegal {
				p.setInfo("[Illegal IPv4 fragments]")
				showInfo = false
			}
		}
	case off&offMask != 0:
	default:
		next, haveNext = t.sub(hlen), true
		p.fragmented = off&mf != 0
	}
	if !haveNext {
		if !p.readOnly {
			p.info.set("Fragmented IP protocol (proto=")
			p.info.appendStr(ipProtoName(proto))
			p.info.appendStr(" ")
			p.info.appendUint(uint64(proto))
			p.info.appendStr(", off=")
			p.info.appendUint(uint64(fragOff))
			p.info.appendStr(", ID=")
			p.info.buf = appendHex(p.info.buf, uint64(id), 4)
			p.info.appendStr(")")
		}
		t.sub(hlen) // shown as data
		p.fragmented = saveFragmented
		return
	}
	if next.reported > 0 {
		if !dispatchIPProto(p, next, hdr) && showInfo {
			p.setInfo(ipProtoName(proto) + " (" + strconv.Itoa(int(proto)) + ")")
		}
	}
	p.fragmented = saveFragmented
}

// ipv4SourceRouteDst looks for a strict or loose source route option
// (get_dst_offset): its last address is the final destination, and the
// return value is that address's offset from the header's destination field.
func ipv4SourceRouteDst(t tvb, hlen int) int {
	const (
		eol  = 0
		nop  = 1
		lsrr = 0x83
		ssrr = 0x89
	)
	off := 20
	length := hlen - 20
	for length > 0 {
		opt := t.u8(off)
		length--
		if opt == eol {
			return 0
		}
		if opt == nop {
			off++
			continue
		}
		if length == 0 {
			return 0
		}
		optLen := int(t.u8(off + 1))
		length--
		if optLen < 2 || optLen-2 > length {
			return 0
		}
		if opt == lsrr || opt == ssrr {
			ptr := int(t.u8(off + 2))
			if ptr < 4 || ptr&3 != 0 || ptr > optLen {
				return 0
			}
			return off - 20 + optLen
		}
		off += optLen
		length -= optLen - 2
	}
	return 0
}

// dispatchIPProto hands an IP payload to the protocol it carries; false
// when sniffws has no dissector for it (the caller labels it).
func dispatchIPProto(p *packet, t tvb, ip ipHeader) bool {
	switch ip.proto {
	case ipProtoTCP:
		dissectTCP(p, t, ip)
	case ipProtoUDP:
		dissectUDP(p, t, ip)
	case ipProtoICMP:
		dissectICMP(p, t, ip)
	case ipProtoIPIP:
		dissectIP(p, t)
	case ipProtoIPv6:
		return dissectIPv6(p, t)
	default:
		if fn, ok := extraIPProtos[ip.proto]; ok {
			return fn(p, t, ip)
		}
		return false
	}
	return true
}

// extraIPProtos holds dissectors for further IP protocols (IGMP, ICMPv6,
// GRE, ...) registered by their files at init; read-only afterwards.
var extraIPProtos = map[uint8]func(p *packet, t tvb, ip ipHeader) bool{}

// appendInfoIPv4 appends a dotted-quad address to Info.
func (p *packet) appendInfoIPv4(b []byte) {
	if !p.readOnly {
		p.info.buf = appendIPv4(p.info.buf, b)
		if len(p.info.buf) > p.info.max {
			p.info.buf = p.info.buf[:p.info.max]
		}
	}
}
