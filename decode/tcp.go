package decode

import (
	"strconv"
	"strings"
)

// TCP header flags.
const (
	thFIN = 0x001
	thSYN = 0x002
	thRST = 0x004
	thPSH = 0x008
	thACK = 0x010
	thURG = 0x020
	thECE = 0x040
	thCWR = 0x080
	thAE  = 0x100
	thRES = 0xe00
)

// tcpHeader is the decoded fixed header of the segment being dissected.
type tcpHeader struct {
	sport, dport uint16
	seq, ack     uint32 // relative once the segment length is known
	rawSeq       uint32
	rawAck       uint32
	flags        uint16
	win          uint32 // scaled once known
	rawWin       uint16
	hlen         int
	seglen       uint32
	haveSeglen   bool
	useACE       bool
	mptcp        bool
	sackLeft     [4]uint32
	sackRight    [4]uint32
	numSACK      int
}

// tcpInfo is what TCP tells the application dissectors (struct tcpinfo).
type tcpInfo struct {
	seq           uint32
	nxtseq        uint32
	lastAckSeq    uint32
	isReassembled bool
	urgentPtr     uint16
	flags         uint16
}

// dissectTCP is packet-tcp.c's dissect_tcp.
func dissectTCP(p *packet, t tvb, ip ipHeader) {
	var th tcpHeader
	th.sport = t.u16(0)
	th.dport = t.u16(2)
	p.setProto("TCP")
	p.clearInfo()
	p.appendPorts(th.sport, th.dport)
	p.ptype, p.srcPort, p.dstPort = portTCP, th.sport, th.dport

	th.rawSeq = t.u32(4)
	th.seq = th.rawSeq
	th.rawAck = t.u32(8)
	th.ack = th.rawAck
	offX2 := t.u8(12)
	th.flags = t.u16(12) & 0x0fff
	th.rawWin = t.u16(14)
	th.win = uint32(th.rawWin)
	th.hlen = int(offX2>>4) * 4

	// The conversation, and a SYN that starts a new one on the same ports.
	conv, fwd, rev := p.tcpConversation(ip, &th)
	tc := conv.tcp
	p.conv = conv
	ta := &tc.ta
	*ta = tcpAnalysis{}
	if th.flags&(thSYN|thACK) == thSYN {
		if fwd.baseSet {
			if th.seq != fwd.baseSeq {
				conv = p.d.flows.create(conv.key, p.ts)
				conv.tcp = newTCPConversation()
				p.conv = conv
				tc = conv.tcp
				fwd, rev = tc.dirs(p, ip, &th)
				ta = &tc.ta
				*ta = tcpAnalysis{}
				ta.flags |= tcpReusedPorts
			} else {
				fwd.nextSeq = fwd.maxSeqToBeAcked
			}
		}
		tc.accECNSyn = th.flags&(thAE|thCWR|thECE) == (thAE | thCWR | thECE)
	}
	if th.flags&(thSYN|thACK) == (thSYN | thACK) {
		if fwd.baseSet && th.seq != fwd.baseSeq {
			fwd.baseSeq = th.seq
			ta.flags |= tcpReusedPorts
		}
		tc.accECNSynAck = th.flags&(thAE|thCWR) == thCWR || th.flags&(thAE|thECE) == thAE
	}

	reported := t.reported
	if !p.fragmented && !p.inErrorPkt {
		if reported >= th.hlen {
			th.seglen = uint32(reported - th.hlen)
			th.haveSeglen = true
			if !fwd.baseSet {
				if th.flags&thSYN != 0 {
					fwd.baseSeq = th.seq
				} else {
					fwd.baseSeq = th.seq - 1
				}
				fwd.baseSet = true
			}
			if !rev.baseSet && th.flags&thACK != 0 {
				rev.baseSeq = th.ack - 1
				rev.baseSet = true
			}
			tc.analyzeSequence(p, fwd, rev, th.seq, th.ack, th.seglen, th.flags, uint32(th.rawWin))
			th.seq -= fwd.baseSeq
			if th.flags&thACK != 0 {
				th.ack -= rev.baseSeq
			}
			if th.flags&thSYN == 0 && fwd.winScale >= 0 {
				th.win <<= uint(fwd.winScale)
			}
		}
	}
	nxtseq := th.seq + th.seglen

	th.useACE = th.flags&thSYN == 0 && ((tc.accECNSyn && tc.accECNSynAck) || tc.accECNOption)
	if !p.readOnly {
		p.info.appendStr(" [")
		p.info.buf = appendTCPFlags(p.info.buf, th.flags, th.useACE)
		p.info.appendStr("]")
	}
	p.appendInfo(" Seq=")
	p.appendInfoUint(uint64(th.seq))
	if th.flags&thACK != 0 {
		p.appendInfo(" Ack=")
		p.appendInfoUint(uint64(th.ack))
	}
	p.appendInfo(" Win=")
	p.appendInfoUint(uint64(th.win))

	if th.hlen < 20 {
		p.appendInfo(", bogus TCP header length (" + strconv.Itoa(th.hlen) + ", must be at least 20)")
		return
	}

	if th.flags&thSYN != 0 {
		if th.flags&thACK != 0 {
			tc.serverPort = th.sport
		} else {
			tc.serverPort = th.dport
			tc.tsSyn = p.ts
			tc.haveTSSyn = true
		}
		fwd.isFirstAck = true
	}
	if th.flags&(thSYN|thACK) == thACK {
		if tc.haveTSSyn && tc.firstRTT == 0 {
			tc.firstRTT = p.ts - tc.tsSyn
		}
		fwd.isFirstAck = false
	}

	// The segment's description lives in the packet so that handing its
	// address to application dissectors costs no allocation; a TCP header
	// quoted in an ICMP error nests, so the outer one is put back after.
	info := &p.tcpSlot
	saved := *info
	*info = tcpInfo{seq: th.seq, nxtseq: nxtseq, lastAckSeq: th.ack, flags: th.flags}
	defer func() { p.tcpSlot = saved }()
	p.canDesegment = 0
	t.ensure(16, 2) // checksum
	if !p.fragmented && t.has(0, reported) && !p.inErrorPkt {
		p.canDesegment = 2
	}
	urp := t.u16(18)
	if th.flags&thURG != 0 {
		info.urgentPtr = urp
		p.appendInfo(" Urg=")
		p.appendInfoUint(uint64(urp))
	}
	if th.haveSeglen {
		p.appendInfo(" Len=")
		p.appendInfoUint(uint64(th.seglen))
	}

	if optlen := th.hlen - 20; optlen > 0 {
		p.tcpOptions(t, 20, optlen, &th, tc, fwd, rev)
	}
	tc.printAnalysis(p)

	if th.flags&thSYN != 0 {
		verifyWindowScaling(th.flags&thACK != 0, fwd, rev)
	}

	offset := th.hlen
	capRemaining := t.remaining(offset)

	// A FIN ends a PDU that was to be reassembled until the end of the stream.
	if th.haveSeglen && th.flags&thFIN != 0 && p.canDesegment != 0 && fwd.untilFIN {
		if fwd.finFrame == 0 || fwd.finFrame == p.num {
			fwd.finFrame = p.num
			if msp := fwd.msps.lookupLE(th.seq - 1); msp != nil {
				if data, ok := msp.add(p, t, offset, th.seq-msp.seq, th.seglen, false); ok {
					p.canDesegment = 0
					processTCPPayload(p, newRealTvb(data), 0, conv, info, th.sport, th.dport)
					msp.frag.release()
					return
				}
			}
		}
	}

	if capRemaining != 0 && th.flags&thRST == 0 {
		seq, nxt := th.seq, nxtseq
		if th.flags&thSYN != 0 {
			seq, nxt = seq+1, nxt+1
		}
		dissectTCPPayload(p, t, offset, seq, nxt, conv, info, th.sport, th.dport)
	}
}

// appendTCPFlags writes the flags list ("SYN, ACK", "<None>") as tshark does.
func appendTCPFlags(dst []byte, flags uint16, useACE bool) []byte {
	names := [...]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"}
	start := len(dst)
	n := 9
	if useACE {
		n = 6
	}
	for i := 0; i < n; i++ {
		if flags&(1<<i) != 0 {
			if len(dst) > start {
				dst = append(dst, ", "...)
			}
			dst = append(dst, names[i]...)
		}
	}
	if useACE {
		ace := (flags>>6)&1 | (flags>>7)&1<<1 | (flags>>8)&1<<2
		dst = append(dst, ", ACE="...)
		dst = append(dst, byte('0'+ace))
	}
	if flags&thRES != 0 {
		if len(dst) > start {
			dst = append(dst, ", "...)
		}
		dst = append(dst, "Reserved"...)
	}
	if len(dst) == start {
		dst = append(dst, "<None>"...)
	}
	return dst
}

// verifyWindowScaling settles the scale state after a SYN's options
// (verify_tcp_window_scaling).
func verifyWindowScaling(synAck bool, fwd, rev *tcpDirection) {
	if fwd.winScale == -1 {
		fwd.winScale = -2
		rev.winScale = -2
	} else if synAck && rev.winScale == -2 {
		fwd.winScale = -2
	}
}

// tcpConversation finds or creates the conversation of a segment and
// returns its directions: fwd is the sender's.
func (p *packet) tcpConversation(ip ipHeader, th *tcpHeader) (*conversation, *tcpDirection, *tcpDirection) {
	k, _ := makeFlowKey(ipProtoTCP, ip.src, ip.dst, th.sport, th.dport)
	c := p.d.flows.lookup(k, p.ts)
	if c == nil || c.tcp == nil {
		c = p.d.flows.create(k, p.ts)
		c.tcp = newTCPConversation()
	}
	fwd, rev := c.tcp.dirs(p, ip, th)
	return c, fwd, rev
}

// dirs picks the sender's direction by comparing with the endpoint that
// opened the conversation.
func (tc *tcpConversation) dirs(p *packet, ip ipHeader, th *tcpHeader) (*tcpDirection, *tcpDirection) {
	if !tc.haveFirst {
		tc.haveFirst = true
		tc.firstSrc, tc.firstSport = ip.src.b, th.sport
	}
	if ip.src.b == tc.firstSrc && th.sport == tc.firstSport {
		return &tc.d[0], &tc.d[1]
	}
	return &tc.d[1], &tc.d[0]
}

// tcpOptions parses the option bytes (tcp_dissect_options), appending each
// option's Info text.
func (p *packet) tcpOptions(t tvb, offset, length int, th *tcpHeader, tc *tcpConversation, fwd, rev *tcpDirection) {
	eolSeen := false
	for length > 0 {
		opt := t.u8(offset)
		if eolSeen && opt != 0 {
			return
		}
		length--
		if opt == 0 || opt == 1 {
			offset++
			if opt == 0 {
				eolSeen = true
			}
			continue
		}
		if length == 0 {
			return
		}
		optlen := int(t.u8(offset + 1))
		length--
		if optlen < 2 || optlen-2 > length {
			return
		}
		ot := t.subLen(offset, optlen)
		p.tcpOption(ot, opt, optlen, th, tc, fwd, rev)
		offset += optlen
		length -= optlen - 2
	}
}

var quickStartRates = [...]string{
	"0 bit/s", "80 Kbit/s", "160 Kbit/s", "320 Kbit/s", "640 Kbit/s", "1.28 Mbit/s",
	"2.56 Mbit/s", "5.12 Mbit/s", "10.24 Mbit/s", "20.48 Mbit/s", "40.96 Mbit/s",
	"81.92 Mbit/s", "163.84 Mbit/s", "327.68 Mbit/s", "655.36 Mbit/s", "1.31072 Gbit/s",
}

func (p *packet) tcpOption(t tvb, opt uint8, optlen int, th *tcpHeader, tc *tcpConversation, fwd, rev *tcpDirection) {
	appendU := func(label string, v uint32) {
		p.appendInfo(label)
		p.appendInfoUint(uint64(v))
	}
	switch opt {
	case 2: // MSS
		if optlen != 4 {
			return
		}
		appendU(" MSS=", uint32(t.u16(2)))
	case 3: // window scale
		if optlen != 3 {
			return
		}
		shift := uint32(t.u8(2))
		if shift > 14 {
			shift = 14
		}
		appendU(" WS=", 1<<shift)
		fwd.winScale = int8(shift)
	case 4: // SACK permitted
		p.appendInfo(" SACK_PERM")
	case 5: // SACK
		p.tcpSACK(t, optlen, th, fwd, rev)
	case 6, 7: // echo, echo reply
		if optlen != 6 {
			return
		}
		appendU(" ECHO=", t.u32(2))
	case 8: // timestamps
		if optlen != 10 {
			return
		}
		tsval := t.u32(2)
		tsecr := t.u32(6)
		appendU(" TSval=", tsval)
		appendU(" TSecr=", tsecr)
	case 11, 12, 13: // CC
		if optlen != 6 {
			return
		}
		appendU(" CC=", t.u32(2))
	case 19: // MD5
		p.appendInfo(" MD5")
	case 29: // TCP-AO
		p.appendInfo("TCP AO")
	case 27: // Quick-Start
		if optlen != 8 {
			return
		}
		rate := t.u8(2) & 0x0f
		p.appendInfo(" QSresp=" + quickStartRates[rate])
	case 28: // user timeout
		if optlen != 4 {
			return
		}
		appendU(" USER_TO=", uint32(t.u16(2)&0x7fff))
	case 34: // TCP Fast Open
		if optlen == 2 {
			p.appendInfo(" TFO=R")
		} else if optlen > 2 {
			p.appendInfo(" TFO=C")
		}
	case 30: // MPTCP
		th.mptcp = true
		p.setProto("MPTCP")
	case 172, 174: // AccECN
		p.tcpAccECN(t, 2, optlen-2, opt == 174)
		tc.accECNOption = true
	case 253, 254: // experimental
		if optlen < 4 {
			return
		}
		exid := t.u16(2)
		switch exid {
		case 0x00ac:
			if optlen == 4 {
				p.appendInfo(" TARR")
			} else if optlen == 5 {
				appendU(" TARR=", uint32(t.u8(4)>>1))
			}
		case 0xacc0, 0xacc1:
			p.tcpAccECN(t, 4, optlen-4, exid == 0xacc1)
			tc.accECNOption = true
		case 0xf989:
			if optlen == 4 {
				p.appendInfo(" TFO=R")
			} else {
				p.appendInfo(" TFO=C")
			}
		default:
			p.appendInfo(" ExID=" + strings.ToUpper(strconv.FormatUint(uint64(exid), 16)))
		}
	}
}

// tcpAccECN appends the AccECN counters (EE0B/ECEB/EE1B in field order).
func (p *packet) tcpAccECN(t tvb, off, n int, order1 bool) {
	if n == 0 {
		p.appendInfo(" AccECN")
		return
	}
	names := [3]string{"EE0B", "ECEB", "EE1B"}
	if order1 {
		names = [3]string{"EE1B", "ECEB", "EE0B"}
	}
	for i := 0; i < 3 && n >= 3; i++ {
		p.appendInfo(" " + names[i] + "=")
		p.appendInfoUint(uint64(t.u24(off)))
		off += 3
		n -= 3
	}
}

// tcpSACK prints the SACK blocks relative to the peer's base sequence.
func (p *packet) tcpSACK(t tvb, optlen int, th *tcpHeader, fwd, rev *tcpDirection) {
	base := rev.baseSeq
	off := 2
	n := optlen - 2
	for n > 0 {
		if n < 4 {
			break
		}
		left := t.u32(off) - base
		n -= 4
		if n < 4 {
			break
		}
		right := t.u32(off+4) - base
		n -= 4
		p.appendInfo(" SLE=")
		p.appendInfoUint(uint64(left))
		p.appendInfo(" SRE=")
		p.appendInfoUint(uint64(right))
		if th.numSACK < len(th.sackLeft) {
			th.sackLeft[th.numSACK] = left
			th.sackRight[th.numSACK] = right
			th.numSACK++
		}
		off += 8
	}
	// D-SACK detection reads the first block again, even when there is
	// none, which tshark reports as malformed.
	if seqLE(th.sackRight[0], th.ack) ||
		(th.numSACK > 1 && seqLT(th.sackLeft[1], th.sackRight[0]) && seqGE(th.sackRight[1], th.sackRight[0])) {
		t.u32(2)
		t.u32(6)
	}
}

// Sequence number comparisons modulo 2^32.
func seqLT(a, b uint32) bool { return int32(a-b) < 0 }
func seqLE(a, b uint32) bool { return int32(a-b) <= 0 }
func seqGT(a, b uint32) bool { return int32(a-b) > 0 }
func seqGE(a, b uint32) bool { return int32(a-b) >= 0 }
