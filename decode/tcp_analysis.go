package decode

// tcpAnalysisFlags are the sequence-analysis findings for one segment
// (TCP_A_* in packet-tcp.c).
type tcpAnalysisFlags uint32

const (
	tcpRetransmission tcpAnalysisFlags = 1 << iota
	tcpLostPacket
	tcpAckLostPacket
	tcpKeepAlive
	tcpDuplicateAck
	tcpZeroWindow
	tcpZeroWindowProbe
	tcpZeroWindowProbeAck
	tcpKeepAliveAck
	tcpOutOfOrder
	tcpFastRetransmission
	tcpWindowUpdate
	tcpWindowFull
	tcpReusedPorts
	tcpSpuriousRetransmission
)

// tcpAnalysis is the per-segment result (struct tcp_acked).
type tcpAnalysis struct {
	flags       tcpAnalysisFlags
	dupAckNum   uint32
	dupAckFrame uint64
}

// maxUnackedSegments is Wireshark's TCP_MAX_UNACKED_SEGMENTS.
const maxUnackedSegments = 10000

// tcpDirection is the state of one direction of a TCP conversation
// (struct tcp_flow with its tcp_analyze_seq_info). Fields are ordered to
// pack: a long capture keeps one pair per conversation.
type tcpDirection struct {
	baseSeq          uint32
	nextSeq          uint32
	maxSeqToBeAcked  uint32
	lastAck          uint32
	window           uint32
	dupAckNum        uint32
	lastSegmentFlags tcpAnalysisFlags
	baseSet          bool
	// winScale: -1 not known yet, -2 no scaling, else the shift.
	winScale   int8
	isFirstAck bool
	// untilFIN: a PDU of this direction ends with the stream.
	untilFIN bool

	nextSeqTime   int64
	lastAckTime   int64
	lastNonDupAck uint64
	// unacked holds the end (nextSeq) of each segment sent and not yet
	// acknowledged: a segment is forgotten once an ACK reaches its end,
	// whatever its start, so the start need not be kept.
	unacked []uint32

	// Reassembly. msps is created on first use (pdus): most
	// conversations never reassemble.
	finFrame uint64
	msps     *mspList
}

// pdus returns the direction's MSPs, creating the list on first use.
func (d *tcpDirection) pdus() *mspList {
	if d.msps == nil {
		d.msps = &mspList{}
	}
	return d.msps
}

// tcpConversation is TCP's state for one conversation (struct tcp_analysis).
type tcpConversation struct {
	d        [2]tcpDirection
	firstSrc [16]byte

	ta tcpAnalysis // the current segment's findings

	tsSyn      int64
	firstRTT   int64
	firstSport uint16
	serverPort uint16
	haveFirst  bool
	haveTSSyn  bool

	accECNSyn, accECNSynAck, accECNOption bool
}

func newTCPConversation() *tcpConversation {
	tc := &tcpConversation{}
	for i := range tc.d {
		tc.d[i].winScale = -1
		tc.d[i].window = 0xffffffff
	}
	return tc
}

// analyzeSequence is tcp_analyze_sequence_number, on raw numbers.
func (tc *tcpConversation) analyzeSequence(p *packet, fwd, rev *tcpDirection, seq, ack, seglen uint32, flags uint16, window uint32) {
	ta := &tc.ta
	const noSFR = thSYN | thFIN | thRST
	now := p.ts

	if seglen == 1 && seq == fwd.nextSeq && rev.window == 0 {
		ta.flags |= tcpZeroWindowProbe
		goto finishedFwd
	}
	if window == 0 && flags&noSFR == 0 {
		ta.flags |= tcpZeroWindow
	}
	if fwd.nextSeq != 0 && seqGT(seq, fwd.nextSeq) && flags&thRST == 0 {
		ta.flags |= tcpLostPacket
	}
	if (seglen == 0 || seglen == 1) && seq == fwd.nextSeq-1 && flags&noSFR == 0 {
		ta.flags |= tcpKeepAlive
	}
	if seglen == 0 && window != 0 && window != fwd.window && seq == fwd.nextSeq &&
		ack == fwd.lastAck && flags&noSFR == 0 {
		ta.flags |= tcpWindowUpdate
	}
	if seglen > 0 && rev.winScale != -1 && flags&noSFR == 0 {
		shift := uint(0)
		if !rev.isFirstAck && rev.winScale != -2 {
			shift = uint(rev.winScale)
		}
		if seq+seglen == rev.lastAck+rev.window<<shift {
			ta.flags |= tcpWindowFull
		}
	}
	if seglen == 0 && window != 0 && window == fwd.window && seq == fwd.nextSeq &&
		ack == fwd.lastAck && rev.lastSegmentFlags&tcpKeepAlive != 0 && flags&noSFR == 0 {
		ta.flags |= tcpKeepAliveAck
		goto finishedFwd
	}
	if seglen == 0 && window == 0 && window == fwd.window && seq == fwd.nextSeq &&
		ack == fwd.lastAck && rev.lastSegmentFlags&tcpZeroWindowProbe != 0 && flags&noSFR == 0 {
		ta.flags |= tcpZeroWindowProbeAck
		goto finishedFwd
	}
	if seglen == 0 && window != 0 && window == fwd.window && seq == fwd.nextSeq &&
		ack == fwd.lastAck && flags&noSFR == 0 {
		if fwd.dupAckNum == 0xffffffff {
			fwd.dupAckNum = 1
		} else {
			fwd.dupAckNum++
		}
		ta.flags |= tcpDuplicateAck
		ta.dupAckNum = fwd.dupAckNum
		ta.dupAckFrame = fwd.lastNonDupAck
	}

finishedFwd:
	if ack != fwd.lastAck {
		fwd.lastNonDupAck = p.num
		fwd.dupAckNum = 0
	}
	if rev.maxSeqToBeAcked != 0 && seqGT(ack, rev.maxSeqToBeAcked) && flags&thACK != 0 {
		if seqLT(rev.maxSeqToBeAcked, rev.nextSeq) {
			rev.maxSeqToBeAcked = rev.nextSeq
			ta.flags |= tcpAckLostPacket
		} else {
			if rev.dupAckNum == 0 {
				ta.flags |= tcpAckLostPacket
			}
			rev.dupAckNum = 0xffffffff
		}
	}

	if seglen > 0 || flags&(thSYN|thFIN) != 0 {
		notAdvanced := fwd.nextSeq != 0 && seqLT(seq, fwd.nextSeq)
		if ta.flags&tcpKeepAlive != 0 {
			goto finishedRetransmission
		}
		if seglen > 1 && fwd.nextSeq-1 == seq {
			notAdvanced = false
		}
		if seglen > 0 && rev.lastAck != 0 && seqLE(seq+seglen, rev.lastAck) {
			ta.flags |= tcpSpuriousRetransmission
			goto finishedRetransmission
		}
		// Fast retransmission is tested before out-of-order (the default
		// tcp.fastrt_supersedes_ooo). Time differences are unsigned in
		// Wireshark: a clock going backwards never counts as "recent".
		if notAdvanced && rev.dupAckNum >= 2 && rev.lastAck == seq && recent(now, rev.lastAckTime, 20e6) {
			ta.flags |= tcpFastRetransmission
			goto finishedRetransmission
		}
		threshold := int64(3e6)
		if tc.firstRTT != 0 {
			threshold = tc.firstRTT
		}
		extra := uint32(0)
		if flags&(thSYN|thFIN) != 0 {
			extra = 1
		}
		if notAdvanced && recent(now, fwd.nextSeqTime, threshold) && fwd.nextSeq != seq+seglen+extra {
			ta.flags |= tcpOutOfOrder
			goto finishedRetransmission
		}
		if notAdvanced {
			ta.flags |= tcpRetransmission
		}
	}

finishedRetransmission:
	nextSeq := seq + seglen
	if (seglen != 0 || flags&(thSYN|thFIN) != 0) && len(fwd.unacked) < maxUnackedSegments {
		if flags&(thSYN|thFIN) != 0 {
			nextSeq++
		}
		fwd.unacked = append(fwd.unacked, nextSeq)
	}
	if seqGT(nextSeq, fwd.nextSeq) || fwd.nextSeq == 0 {
		if ta.flags&tcpZeroWindowProbe == 0 {
			fwd.nextSeq = nextSeq
			fwd.nextSeqTime = now
		}
	}
	if seq == fwd.maxSeqToBeAcked || fwd.maxSeqToBeAcked == 0 {
		if ta.flags&tcpZeroWindowProbe == 0 {
			fwd.maxSeqToBeAcked = fwd.nextSeq
		}
	}
	fwd.window = window
	fwd.lastAck = ack
	fwd.lastAckTime = now
	fwd.lastSegmentFlags = ta.flags

	// Forget the peer's segments this acknowledges (only the count matters:
	// it caps the list, and a SYN or FIN beyond the cap does not advance
	// nextSeq, as in Wireshark).
	if len(rev.unacked) > 0 {
		keep := rev.unacked[:0]
		for _, next := range rev.unacked {
			if seqGT(next, ack) {
				keep = append(keep, next)
			}
		}
		rev.unacked = keep
	}
}

// recent reports now-then < limit with Wireshark's unsigned arithmetic:
// a negative difference is a huge number, never recent.
func recent(now, then, limit int64) bool {
	d := now - then
	return d >= 0 && d < limit
}

// printAnalysis puts the analysis tags in front of Info, fenced, in
// tshark's order (each prepend goes to the very front).
func (tc *tcpConversation) printAnalysis(p *packet) {
	f := tc.ta.flags
	if f == 0 || p.readOnly {
		return
	}
	pre := func(s string) { p.info.prependFence(s) }
	if f&tcpReusedPorts != 0 {
		pre("[TCP Port numbers reused] ")
	}
	if f&tcpRetransmission != 0 {
		pre("[TCP Retransmission] ")
	}
	if f&tcpFastRetransmission != 0 {
		pre("[TCP Fast Retransmission] ")
	}
	if f&tcpSpuriousRetransmission != 0 {
		pre("[TCP Spurious Retransmission] ")
	}
	if f&tcpOutOfOrder != 0 {
		pre("[TCP Out-Of-Order] ")
	}
	if f&tcpLostPacket != 0 {
		pre("[TCP Previous segment not captured] ")
	}
	if f&tcpAckLostPacket != 0 {
		pre("[TCP ACKed unseen segment] ")
	}
	if f&tcpWindowUpdate != 0 {
		pre("[TCP Window Update] ")
	}
	if f&tcpWindowFull != 0 {
		pre("[TCP Window Full] ")
	}
	if f&tcpKeepAlive != 0 {
		pre("[TCP Keep-Alive] ")
	}
	if f&tcpKeepAliveAck != 0 {
		pre("[TCP Keep-Alive ACK] ")
	}
	if f&tcpDuplicateAck != 0 {
		var b [48]byte
		s := append(b[:0], "[TCP Dup ACK "...)
		s = appendUintBytes(s, tc.ta.dupAckFrame)
		s = append(s, '#')
		s = appendUintBytes(s, uint64(tc.ta.dupAckNum))
		s = append(s, "] "...)
		pre(string(s))
	}
	if f&tcpZeroWindowProbe != 0 {
		pre("[TCP ZeroWindowProbe] ")
	}
	if f&tcpZeroWindow != 0 {
		pre("[TCP ZeroWindow] ")
	}
	if f&tcpZeroWindowProbeAck != 0 {
		pre("[TCP ZeroWindowProbeAck] ")
	}
}
