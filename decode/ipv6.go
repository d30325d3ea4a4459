package decode

import "strconv"

// IPv6 option types and sizes (packet-ipv6.c).
const (
	ipv6HeaderLen   = 40
	ipv6FragHdrLen  = 8
	ipv6OptPad1     = 0x00
	ipv6OptPadN     = 0x01
	ipv6OptJumbo    = 0xc2
	ipProtoMobility = 135
	ipProtoShim6    = 140
)

// ipv6State is what the IPv6 header shares with its extension headers
// (ipv6_pinfo_t): the payload length left for fragment reassembly.
type ipv6State struct {
	fragPlen int
}

// dissectIPv6 is packet-ipv6.c's dissect_ipv6 with the extension header
// chain. It declines (false) a packet of another version, after writing
// the Protocol column, as the dissector does by returning 0.
func dissectIPv6(p *packet, t tvb) bool {
	p.setProto("IPv6")
	p.clearInfo()
	version := t.u8(0) >> 4
	if version != 6 {
		p.setInfo("Bogus IPv6 version (" + strconv.Itoa(int(version)) + ", must be 6)")
		return false
	}
	if t.reported < ipv6HeaderLen {
		p.setInfo("Invalid IPv6 header (" + strconv.Itoa(t.reported) + " bytes, need exactly 40)")
	}
	t.ensure(0, 4)
	plen := int(t.u16(4))
	nxt := t.u8(6)
	hlim := t.u8(7)
	src := ipv6Addr(t.bytes(8, 16))
	p.netSrc, p.src = src, src
	dst := ipv6Addr(t.bytes(24, 16))
	p.netDst, p.dst = dst, dst

	st := ipv6State{fragPlen: plen}
	if plen == 0 && nxt == ipProtoHopOpts {
		if jumbo := ipv6JumboLength(t, ipv6HeaderLen); jumbo != 0 {
			plen = jumbo
		} else {
			p.setInfo("Invalid IPv6 payload length")
		}
	}
	t = t.setActualLength(ipv6HeaderLen + plen)
	p.ipTTL = hlim
	hdr := ipHeader{version: 6, ttl: hlim, src: src, dst: dst}

	saveFragmented := p.fragmented
	ipv6Next(p, t.sub(ipv6HeaderLen), nxt, hdr, &st)
	p.fragmented = saveFragmented
	return true
}

// ipv6JumboLength reads a Jumbo Payload option in the Hop-by-Hop header
// at off; 0 when there is none or its value would fit the header's field.
func ipv6JumboLength(t tvb, off int) int {
	if !t.has(off, 2) {
		return 0
	}
	end := off + (int(t.u8(off+1))+1)*8
	off += 2
	for off < end && t.has(off, 6) {
		typ := t.u8(off)
		off++
		if typ == ipv6OptPad1 {
			continue
		}
		l := int(t.u8(off))
		off++
		if typ == ipv6OptJumbo && l == 4 {
			if v := t.u32(off); v > 0xffff {
				return int(v)
			}
			return 0
		}
		off += l
	}
	return 0
}

// ipv6Next is ipv6_dissect_next: extension headers in turn, then the
// upper-layer protocol.
func ipv6Next(p *packet, t tvb, nxt uint8, ip ipHeader, st *ipv6State) {
	for {
		switch nxt {
		case ipProtoHopOpts, ipProtoDstOpts:
			if nxt == ipProtoHopOpts {
				p.appendInfoSep(" , ", "IPv6 hop-by-hop options")
			} else {
				p.appendInfoSep(" , ", "IPv6 destination options")
			}
			n, hlen := ipv6Options(t)
			st.fragPlen -= hlen
			nxt, t = n, t.sub(hlen)
			continue
		case ipProtoRouting:
			p.appendInfoSep(" , ", "IPv6 routing")
			n, hlen := ipv6Routing(p, t, &ip)
			st.fragPlen -= hlen
			nxt, t = n, t.sub(hlen)
			continue
		case ipProtoFragment:
			n, next, done := ipv6Fragment(p, t, ip, st)
			if done {
				return
			}
			nxt, t = n, next
			continue
		case ipProtoAH:
			n, hlen := dissectAH(p, t)
			st.fragPlen -= hlen
			nxt, t = n, t.sub(hlen)
			continue
		}
		break
	}
	if nxt == ipProtoNone {
		p.setInfo("IPv6 no next header")
		return
	}
	ip.proto = nxt
	p.ipProto = nxt
	if !dispatchIPProto(p, t, ip) {
		p.setInfo("Unknown IP Protocol: " + ipProtoName(nxt) + " (" + strconv.Itoa(int(nxt)) + ")")
	}
}

// ipv6Options walks a Hop-by-Hop or Destination Options header (as far as
// its reads may fail) and returns the next header and its length.
func ipv6Options(t tvb) (uint8, int) {
	nxt := t.u8(0)
	hlen := (int(t.u8(1)) + 1) * 8
	for off := 2; off < hlen; {
		typ := t.u8(off)
		l := int(t.u8(off + 1))
		if typ == ipv6OptPad1 {
			off++
			continue
		}
		start := off + 2
		end := start + l
		switch typ {
		case ipv6OptJumbo:
			t.ensure(start, 4)
		case 0x05: // router alert
			t.ensure(start, 2)
		default:
			t.ensure(start, l)
		}
		t.ensure(start, l) // unknown data up to the option's end
		off = end
	}
	return nxt, hlen
}

// ipv6Routing is a Routing header: segments left moves the destination
// shown to the final one for the types that name it.
func ipv6Routing(p *packet, t tvb, ip *ipHeader) (uint8, int) {
	nxt := t.u8(0)
	lenField := int(t.u8(1))
	hlen := (lenField + 1) * 8
	typ := t.u8(2)
	segLeft := t.u8(3)
	data := t.subLen(4, hlen-4)
	var final []byte
	switch typ {
	case 0:
		data.ensure(0, 4)
		for i := 0; i < lenField/2; i++ {
			final = data.bytes(4+16*i, 16)
		}
	case 2:
		data.ensure(0, 4)
		final = data.bytes(4, 16)
	case 3:
		data.ensure(0, 4) // RPL compressed addresses are left as they are
	case 4:
		last := int(data.u8(0))
		data.ensure(1, 3)
		if segLeft > 0 {
			final = data.bytes(4, 16)
		}
		for i := 0; i <= last; i++ {
			data.ensure(4+16*i, 16)
		}
	default:
		t.ensure(4, hlen-4)
	}
	if final != nil && segLeft > 0 && p.dst.typ == addrIPv6 {
		p.dst = ipv6Addr(final)
		ip.dst = p.dst
	}
	return nxt, hlen
}

// ipv6Fragment is the Fragment header. It returns the next header and
// payload to go on with, or done when the fragment is shown as such.
func ipv6Fragment(p *packet, t tvb, ip ipHeader, st *ipv6State) (uint8, tvb, bool) {
	nxt := t.u8(0)
	offlg := t.u16(2)
	ident := t.u32(4)
	fragOff := int(offlg & 0xfff8)
	more := offlg&1 != 0
	if !p.readOnly {
		p.info.set("IPv6 fragment (off=")
		p.info.appendUint(uint64(fragOff))
		p.info.appendStr(pick(more, " more=y", " more=n"))
		p.info.appendStr(" ident=0x")
		p.info.buf = appendHex(p.info.buf, uint64(ident), 8)
		p.info.appendStr(" nxt=")
		p.info.appendUint(uint64(nxt))
		p.info.appendStr(")")
	}
	st.fragPlen -= ipv6FragHdrLen
	t.ensure(0, ipv6FragHdrLen)
	if st.fragPlen > 0 && (fragOff != 0 || more) {
		p.fragmented = true
		if t.has(ipv6FragHdrLen, st.fragPlen) {
			ip.id = ident
			whole, ok, illegal := p.d.state.ipFrags.add(p, ip, t.bytes(ipv6FragHdrLen, st.fragPlen), fragOff, more)
			if ok {
				if illegal {
					p.setInfo("[Illegal IPv6 fragments]")
				}
				st.fragPlen = 0
				p.fragmented = false
				return nxt, whole, false
			}
		}
		t.sub(ipv6FragHdrLen) // shown as data
		return 0, tvb{}, true
	}
	return nxt, t.sub(ipv6FragHdrLen), false
}

// dissectAH is an IPsec Authentication Header (packet-ipsec.c): it names
// the SPI and returns the next header and its own length.
func dissectAH(p *packet, t tvb) (uint8, int) {
	p.setProto("AH")
	p.clearInfo()
	nxt := t.u8(0)
	l := int(t.u8(1))
	hlen := (l + 2) * 4
	icvLen := 0
	if l > 0 {
		icvLen = (l - 1) * 4
	}
	t.ensure(2, 2)
	spi := t.u32(4)
	if !p.readOnly {
		p.info.set("AH (SPI=0x")
		p.info.buf = appendHex(p.info.buf, uint64(spi), 8)
		p.info.appendStr(")")
	}
	t.ensure(8, 4)
	t.ensure(12, icvLen)
	return nxt, hlen
}

// dissectESP is an IPsec Encapsulating Security Payload: without keys
// only the SPI is shown.
func dissectESP(p *packet, t tvb) {
	p.setProto("ESP")
	p.clearInfo()
	spi := t.u32(0)
	if !p.readOnly {
		p.info.set("ESP (SPI=0x")
		p.info.buf = appendHex(p.info.buf, uint64(spi), 8)
		p.info.appendStr(")")
	}
	t.ensure(4, 4)
}

func init() {
	extraIPProtos[ipProtoESP] = func(p *packet, t tvb, _ ipHeader) bool {
		dissectESP(p, t)
		return true
	}
	extraIPProtos[ipProtoAH] = func(p *packet, t tvb, ip ipHeader) bool {
		n, hlen := dissectAH(p, t)
		next := t.sub(hlen)
		if ip.version == 6 {
			ipv6Next(p, next, n, ip, &ipv6State{})
			return true
		}
		// Over IPv4 the next protocol gets no IP header (so ICMP shows
		// no TTL).
		ip.proto, ip.version = n, 0
		dispatchIPProto(p, next, ip)
		return true
	}
}

// appendInfoIPv6 appends an IPv6 address to Info.
func (p *packet) appendInfoIPv6(b []byte) {
	if !p.readOnly {
		p.info.buf = appendIPv6(p.info.buf, b)
		if len(p.info.buf) > p.info.max {
			p.info.buf = p.info.buf[:p.info.max]
		}
	}
}
