package decode

import "strconv"

// dissectIPv6 is packet-ipv6.c's dissect_ipv6 with the extension header
// chain.
func dissectIPv6(p *packet, t tvb) {
	p.setProto("IPv6")
	p.clearInfo()
	version := t.u8(0) >> 4
	if version != 6 {
		p.setInfo("Bogus IPv6 version (" + strconv.Itoa(int(version)) + ", must be 6)")
		return
	}
	if t.reported < 40 {
		p.setInfo("Invalid IPv6 header (" + strconv.Itoa(t.reported) + " bytes, need exactly 40)")
	}
	plen := int(t.u16(4))
	nxt := t.u8(6)
	hlim := t.u8(7)
	src := ipv6Addr(t.bytes(8, 16))
	dst := ipv6Addr(t.bytes(24, 16))
	p.netSrc, p.netDst = src, dst
	p.setSrcDst(src, dst)
	if plen == 0 && nxt == ipProtoHopOpts {
		if jumbo := ipv6JumboLength(t); jumbo != 0 {
			plen = jumbo
		} else {
			p.setInfo("Invalid IPv6 payload length")
		}
	}
	if 40+plen < t.reported {
		t = t.setLength(40 + plen)
	}
	p.ipTTL = hlim
	hdr := ipHeader{version: 6, ttl: hlim, src: src, dst: dst}

	saveFragmented := p.fragmented
	ipv6Next(p, t.sub(40), nxt, hdr, plen)
	p.fragmented = saveFragmented
}

// ipv6JumboLength reads a Jumbo Payload option at the start of a
// Hop-by-Hop header, 0 when there is none.
func ipv6JumboLength(t tvb) int {
	if !t.has(40, 2) {
		return 0
	}
	hlen := (int(t.u8(41)) + 1) * 8
	for off := 42; off+2 <= 40+hlen && t.has(off, 2); {
		typ := t.u8(off)
		if typ == 0 { // Pad1
			off++
			continue
		}
		l := int(t.u8(off + 1))
		if typ == 0xc2 && l == 4 && t.has(off+2, 4) {
			return int(t.u32(off + 2))
		}
		off += 2 + l
	}
	return 0
}

// ipv6Next walks extension headers and hands the payload on
// (ipv6_dissect_next). fragPlen is the payload length left for fragment
// reassembly.
func ipv6Next(p *packet, t tvb, nxt uint8, ip ipHeader, fragPlen int) {
	for {
		switch nxt {
		case ipProtoHopOpts, ipProtoDstOpts, ipProtoRouting:
			n := t.u8(0)
			hlen := (int(t.u8(1)) + 1) * 8
			t.ensure(0, hlen)
			fragPlen -= hlen
			t = t.sub(hlen)
			nxt = n
			continue
		case ipProtoAH:
			n := t.u8(0)
			hlen := (int(t.u8(1)) + 2) * 4
			t.ensure(0, hlen)
			fragPlen -= hlen
			t = t.sub(hlen)
			nxt = n
			continue
		case ipProtoFragment:
			n := t.u8(0)
			offlg := t.u16(2)
			ident := t.u32(4)
			fragOff := int(offlg & 0xfff8)
			more := offlg&1 != 0
			p.setInfo("IPv6 fragment (off=" + strconv.Itoa(fragOff) + " more=")
			if more {
				p.appendInfo("y")
			} else {
				p.appendInfo("n")
			}
			p.appendInfo(" ident=0x")
			if !p.readOnly {
				p.info.buf = appendHex(p.info.buf, uint64(ident), 8)
			}
			p.appendInfo(" nxt=" + strconv.Itoa(int(n)) + ")")
			fragPlen -= 8
			if fragPlen > 0 && (fragOff != 0 || more) {
				dataLen := fragPlen
				if t.has(8, dataLen) {
					ip.id = ident
					whole, ok := p.d.state.ipFrags.add(p, ip, t.bytes(8, dataLen), fragOff, more)
					if !ok {
						return // shown as data: Info stays "IPv6 fragment (...)"
					}
					t, nxt, fragPlen = whole, n, 0
					continue
				}
				p.fragmented = true
				if fragOff != 0 {
					return
				}
			}
			t = t.sub(8)
			nxt = n
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

// appendInfoIPv6 appends an IPv6 address to Info.
func (p *packet) appendInfoIPv6(b []byte) {
	if !p.readOnly {
		p.info.buf = appendIPv6(p.info.buf, b)
		if len(p.info.buf) > p.info.max {
			p.info.buf = p.info.buf[:p.info.max]
		}
	}
}
