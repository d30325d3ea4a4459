package decode

import "sort"

// TCP reassembly, as packet-tcp.c's desegment_tcp does it with default
// preferences (no out-of-order reassembly): an application dissector that
// needs more bytes says so through p.desegmentOffset/Len; TCP collects the
// following segments of that direction into a multi-segment PDU (MSP) and
// calls the dissector again, on the reassembled bytes, in the segment that
// completes it. Segments in the middle are labelled
// "[TCP segment of a reassembled PDU]".

// mspFlags are MSP_FLAGS_*.
type mspFlags uint8

const mspEntireSegment mspFlags = 1 // the dissector asked for "one more segment"

// Limits that keep a hostile or endless stream bounded.
const (
	maxMSPsPerDirection = 256
	maxMSPBytes         = 16 << 20
	untilFINSpan        = 0x40000000
	maxDesegmentSpan    = 1024 * 1024
)

// tcpMSP is a higher-level PDU spanning segments (tcp_multisegment_pdu).
type tcpMSP struct {
	seq, nxtpdu uint32
	firstFrame  uint64
	lastFrame   uint64
	flags       mspFlags
	frag        reasmHead
	order       uint64 // insertion order, for eviction
}

// reasmHead holds the collected fragments of one PDU (fragment_head).
type reasmHead struct {
	pieces        []reasmPiece // sorted by offset
	datalen       uint32
	datalenSet    bool
	defragmented  bool
	partial       bool
	frame         uint64 // highest frame that added a fragment
	reassembledIn uint64
	bytes         int
	// contig holds the pieces' bytes back to back while they arrive in
	// order without gaps or overlaps (the usual case): the pieces are views
	// into it, and the whole PDU is handed out as a view too, instead of
	// being copied again at every reassembly of a growing PDU. Bytes once
	// written are never changed, so views stay valid. scattered is set
	// for good once a piece breaks the order.
	contig    []byte
	scattered bool
}

type reasmPiece struct {
	off   uint32
	data  []byte
	frame uint64
}

// reassemblyError is Wireshark's ReassemblyError, shown as
// "[Reassembly error, protocol PROTO: MSG]", PROTO being the protocol
// whose dissector was running.
type reassemblyError struct {
	proto, msg string
}

// add is fragment_add for TCP: it records length bytes of t at offset as
// the fragment at fragOff, and returns the whole PDU when it is complete.
func (m *tcpMSP) add(p *packet, t tvb, offset int, fragOff, length uint32, more bool) ([]byte, bool) {
	h := &m.frag
	if len(h.pieces) > 0 && p.num <= h.frame {
		for _, pc := range h.pieces {
			if pc.frame == p.num && pc.off == fragOff {
				if h.defragmented {
					panic(reassemblyError{"TCP", "Frame already added in first pass"})
				}
				return nil, false
			}
		}
	}
	if h.defragmented {
		if fragOff+length >= h.datalen {
			if h.partial {
				h.defragmented, h.partial, h.datalenSet = false, false, false
				h.datalen, h.reassembledIn = 0, 0
			} else if fragOff >= h.datalen {
				panic(reassemblyError{"TCP", "New fragment past old data limits"})
			} else {
				panic(reassemblyError{"TCP", "New fragment overlaps old data (retransmission?)"})
			}
		} else {
			panic(reassemblyError{"TCP", "New fragment overlaps old data (retransmission?)"})
		}
	}
	if p.num > h.frame {
		h.frame = p.num
	}
	if !more && !h.datalenSet {
		h.datalen = fragOff + length
		h.datalenSet = true
	}
	if !t.has(offset, int(length)) {
		panic(excBounds)
	}
	if h.bytes+int(length) > maxMSPBytes {
		// Too big to keep: behave as if the rest never arrives.
		return nil, false
	}
	data := h.keep(fragOff, t.b[offset:offset+int(length)], m.nxtpdu-m.seq)
	h.bytes += len(data)
	i := sort.Search(len(h.pieces), func(i int) bool { return h.pieces[i].off >= fragOff })
	h.pieces = append(h.pieces, reasmPiece{})
	copy(h.pieces[i+1:], h.pieces[i:])
	h.pieces[i] = reasmPiece{off: fragOff, data: data, frame: p.num}
	if !h.datalenSet {
		return nil, false
	}
	var covered uint32
	for _, pc := range h.pieces {
		if pc.off <= covered && pc.off+uint32(len(pc.data)) > covered {
			covered = pc.off + uint32(len(pc.data))
		}
	}
	if covered < h.datalen {
		return nil, false
	}
	if !h.scattered && len(h.contig) >= int(h.datalen) {
		h.defragmented = true
		h.reassembledIn = p.num
		return h.contig[:h.datalen:h.datalen], true
	}
	out := make([]byte, h.datalen)
	var pos uint32
	for _, pc := range h.pieces {
		n := uint32(len(pc.data))
		if n == 0 || pc.off >= h.datalen {
			continue
		}
		if pc.off+n > h.datalen {
			n = h.datalen - pc.off
		}
		if pc.off+n > pos {
			copy(out[pos:], pc.data[pos-pc.off:n])
			pos = pc.off + n
		}
	}
	h.defragmented = true
	h.reassembledIn = p.num
	return out, true
}

// keep stores a new piece's bytes at fragOff: appended to contig while
// the pieces stay in order, else in a copy of their own. expected is where
// the PDU is due to end, if known.
func (h *reasmHead) keep(fragOff uint32, b []byte, expected uint32) []byte {
	if !h.scattered && int(fragOff) == len(h.contig) {
		if cap(h.contig)-len(h.contig) < len(b) {
			// Double (append grows large slices by only a quarter, which
			// copies a long PDU many times over), but not past the PDU's
			// expected end: growth stays bounded by the bytes that arrived.
			need := len(h.contig) + len(b)
			size := max(2*cap(h.contig), need)
			if int(expected) >= need && int(expected) < size {
				size = int(expected)
			}
			grown := make([]byte, len(h.contig), size)
			copy(grown, h.contig)
			h.contig = grown
			// Let the pieces see the new array, so the old one can go.
			for i := range h.pieces {
				pc := &h.pieces[i]
				pc.data = h.contig[pc.off : pc.off+uint32(len(pc.data)) : pc.off+uint32(len(pc.data))]
			}
		}
		h.contig = append(h.contig, b...)
		return h.contig[fragOff:len(h.contig):len(h.contig)]
	}
	h.scattered = true
	return append([]byte(nil), b...)
}

// release drops the bytes of a PDU that was reassembled for good (not
// partial): a defragmented head only ever raises on new fragments, so its
// bytes are never read again, and a long capture need not keep them.
func (h *reasmHead) release() {
	if !h.defragmented || h.partial {
		return
	}
	for i := range h.pieces {
		h.pieces[i].data = nil
	}
	h.contig = nil
	h.scattered = true
}

// truncate keeps only the first n bytes (fragment_truncate).
func (h *reasmHead) truncate(n uint32) {
	h.partial = false
	if n == h.datalen {
		return
	}
	h.datalen = n
	// The split-off rest shares these bytes: never append over them.
	h.contig = h.contig[:min(int(n), len(h.contig)):min(int(n), len(h.contig))]
	keep := h.pieces[:0]
	for _, pc := range h.pieces {
		if pc.off >= n {
			continue
		}
		if pc.off+uint32(len(pc.data)) > n {
			pc.data = pc.data[:n-pc.off]
		}
		keep = append(keep, pc)
	}
	h.pieces = keep
}

// mspList is a direction's MSPs by starting sequence number, like the
// wmem_tree Wireshark uses (plain unsigned order, no wraparound).
type mspList struct {
	items []*tcpMSP
	count uint64
}

func (l *mspList) index(seq uint32) int {
	return sort.Search(len(l.items), func(i int) bool { return l.items[i].seq >= seq })
}

// lookup finds the MSP starting exactly at seq.
func (l *mspList) lookup(seq uint32) *tcpMSP {
	if l == nil {
		return nil
	}
	i := l.index(seq)
	if i < len(l.items) && l.items[i].seq == seq {
		return l.items[i]
	}
	return nil
}

// lookupLE finds the MSP with the greatest start <= seq.
func (l *mspList) lookupLE(seq uint32) *tcpMSP {
	if l == nil {
		return nil
	}
	i := l.index(seq)
	if i < len(l.items) && l.items[i].seq == seq {
		return l.items[i]
	}
	if i == 0 {
		return nil
	}
	return l.items[i-1]
}

// store creates an MSP for the PDU starting at seq and ending before
// nxtpdu (pdu_store_sequencenumber_of_next_pdu), replacing one that
// started at the same place.
func (l *mspList) store(p *packet, seq, nxtpdu uint32) *tcpMSP {
	l.count++
	m := &tcpMSP{seq: seq, nxtpdu: nxtpdu, firstFrame: p.num, lastFrame: p.num, order: l.count}
	i := l.index(seq)
	if i < len(l.items) && l.items[i].seq == seq {
		l.items[i] = m
		return m
	}
	if len(l.items) >= maxMSPsPerDirection {
		l.evictOldest()
		i = l.index(seq)
	}
	l.items = append(l.items, nil)
	copy(l.items[i+1:], l.items[i:])
	l.items[i] = m
	return m
}

func (l *mspList) evictOldest() {
	oldest := 0
	for i, m := range l.items {
		if m.order < l.items[oldest].order {
			oldest = i
		}
	}
	l.items = append(l.items[:oldest], l.items[oldest+1:]...)
}

// dissectTCPPayload is dissect_tcp_payload.
func dissectTCPPayload(p *packet, t tvb, offset int, seq, nxtseq uint32, conv *conversation, info *tcpInfo, sport, dport uint16) {
	if p.canDesegment != 0 {
		desegmentTCP(p, t, offset, seq, nxtseq, conv, info, sport, dport)
		return
	}
	// Without reassembly an exception in the application is reported as
	// an unreassembled fragment, not as a malformed packet.
	save := p.fragmented
	p.fragmented = true
	processTCPPayload(p, t, offset, conv, info, sport, dport)
	p.fragmented = save
}

// tcpSenderDirection returns the sending direction's state of the
// current segment.
func (p *packet) tcpSenderDirection(conv *conversation) *tcpDirection {
	tc := conv.tcp
	if p.netSrc.b == tc.firstSrc && p.srcPort == tc.firstSport {
		return &tc.d[0]
	}
	return &tc.d[1]
}

// desegmentTCP is desegment_tcp (first pass, in-order reassembly).
func desegmentTCP(p *packet, t tvb, offset int, seq, nxtseq uint32, conv *conversation, info *tcpInfo, sport, dport uint16) {
	tc := conv.tcp
	fwd := p.tcpSenderDirection(conv)
	protoWasWritable := !p.protoReadOnly
	firstPDU := true

	for {
		var reassembled []byte
		var msp *tcpMSP
		haveReassembled := false
		lastFragmentLen := uint32(0)
		mustDesegment := false
		calledDissector := false
		anotherPDUFollows := uint32(0)
		p.desegmentOffset, p.desegmentLen = 0, 0
		desegOffset := offset

		if m := fwd.msps.lookup(seq); m != nil && nxtseq <= m.nxtpdu && m.lastFrame != p.num {
			return // a retransmission of the start of a known PDU
		}
		if tc.ta.flags&(tcpSpuriousRetransmission|tcpRetransmission) != 0 {
			return
		}
		msp = fwd.msps.lookupLE(seq - 1)

		if msp != nil && seqLE(msp.seq, seq) && seqGT(msp.nxtpdu, seq) {
			msp.lastFrame = p.num
			var length uint32
			if msp.flags&mspEntireSegment != 0 {
				length = uint32(t.remaining(offset))
			} else {
				length = min(nxtseq-seq, msp.nxtpdu-seq)
			}
			lastFragmentLen = length
			reassembled, haveReassembled = msp.add(p, t, offset, seq-msp.seq, length, seqLT(nxtseq, msp.nxtpdu))
			if haveReassembled && msp.flags&mspEntireSegment != 0 {
				msp.flags &^= mspEntireSegment
				if seqLT(msp.nxtpdu, nxtseq) {
					msp.nxtpdu = nxtseq
				}
			}
			if msp.nxtpdu < nxtseq && msp.nxtpdu >= seq && length > 0 {
				anotherPDUFollows = msp.nxtpdu - seq
			}
		} else {
			info.seq = seq
			processTCPPayload(p, t, offset, conv, info, sport, dport)
			calledDissector = true
			if p.desegmentLen != 0 {
				mustDesegment = true
				desegOffset = offset + p.desegmentOffset
			}
		}

		if haveReassembled {
			info.seq = msp.seq
			info.isReassembled = true
			processTCPPayload(p, newRealTvb(reassembled), 0, conv, info, sport, dport)
			info.isReassembled = false
			calledDissector = true
			if p.desegmentLen != 0 {
				if p.desegmentOffset == 0 {
					msp.frag.partial = true
				} else if seqLE(msp.seq+uint32(p.desegmentOffset), seq) {
					msp.frag.partial = true
				} else {
					msp = splitMSP(p, msp, fwd)
				}
				switch p.desegmentLen {
				case desegmentOneMoreSegment:
					end := seq + uint32(t.reportedRemaining(offset))
					msp.nxtpdu = max(end, msp.nxtpdu) + 1
					msp.flags |= mspEntireSegment
				case desegmentUntilFIN:
					fwd.untilFIN = true
					msp.nxtpdu = msp.seq + untilFINSpan
				default:
					if seq+lastFragmentLen >= msp.nxtpdu {
						msp.nxtpdu = seq + lastFragmentLen + uint32(p.desegmentLen)
					} else {
						msp.nxtpdu += uint32(p.desegmentLen)
					}
				}
				anotherPDUFollows = 0
				offset += int(lastFragmentLen)
				seq += lastFragmentLen
				if t.remaining(offset) > 0 {
					continue
				}
			} else {
				msp.frag.release()
			}
		}

		if mustDesegment {
			desegSeq := seq + uint32(desegOffset-offset)
			if p.desegmentLen == desegmentUntilFIN {
				fwd.untilFIN = true
			}
			if nxtseq-desegSeq <= maxDesegmentSpan {
				var m *tcpMSP
				switch p.desegmentLen {
				case desegmentOneMoreSegment:
					m = fwd.pdus().store(p, desegSeq, nxtseq+1)
					m.flags |= mspEntireSegment
				case desegmentUntilFIN:
					m = fwd.pdus().store(p, desegSeq, nxtseq+untilFINSpan)
				default:
					m = fwd.pdus().store(p, desegSeq, nxtseq+uint32(p.desegmentLen))
				}
				m.add(p, t, desegOffset, 0, nxtseq-desegSeq, seqLT(nxtseq, m.nxtpdu))
			}
		}

		if !calledDissector || p.desegmentLen != 0 {
			if p.desegmentOffset == 0 {
				p.setProto("TCP")
				if firstPDU {
					p.appendInfoSep(" ", "[TCP segment of a reassembled PDU]")
				}
			}
		}
		p.canDesegment = 0
		p.desegmentOffset, p.desegmentLen = 0, 0
		if anotherPDUFollows > 0 {
			p.canDesegment = 2
			p.info.setFence()
			p.protoReadOnly = true
			firstPDU = false
			offset += int(anotherPDUFollows)
			seq += anotherPDUFollows
			continue
		}
		if protoWasWritable {
			p.protoReadOnly = false
		}
		return
	}
}

// splitMSP divides a reassembled MSP whose dissector consumed only part of
// it: the rest becomes a new MSP starting at the first unconsumed byte.
func splitMSP(p *packet, msp *tcpMSP, fwd *tcpDirection) *tcpMSP {
	split := uint32(p.desegmentOffset)
	h := &msp.frag
	var firstFrame uint64
	haveFirst := false
	firstIdx := -1
	i := 0
	for ; i < len(h.pieces) && h.pieces[i].off < split; i++ {
		pc := h.pieces[i]
		if pc.off+uint32(len(pc.data)) >= split {
			if firstIdx < 0 {
				firstIdx = i
				firstFrame = pc.frame
				haveFirst = true
			} else if pc.frame < firstFrame {
				firstFrame = pc.frame
			}
		}
	}
	for ; i < len(h.pieces); i++ {
		pc := h.pieces[i]
		if split <= pc.off+uint32(len(pc.data)) && (!haveFirst || pc.frame < firstFrame) {
			firstFrame = pc.frame
			haveFirst = true
		}
	}
	newSeq := msp.seq + split
	nm := fwd.pdus().store(p, newSeq, newSeq+1)
	nm.frag.scattered = true // its pieces are views into msp's bytes
	nm.firstFrame = firstFrame
	nm.nxtpdu = msp.nxtpdu
	if firstIdx >= 0 {
		for _, pc := range h.pieces[firstIdx:] {
			off, data := pc.off, pc.data
			if split < off+uint32(len(data)) {
				if off < split {
					data = data[split-off:]
					off = split
				}
				nh := &nm.frag
				piece := reasmPiece{off: off - split, data: data, frame: pc.frame}
				j := sort.Search(len(nh.pieces), func(i int) bool { return nh.pieces[i].off >= piece.off })
				nh.pieces = append(nh.pieces, reasmPiece{})
				copy(nh.pieces[j+1:], nh.pieces[j:])
				nh.pieces[j] = piece
				nh.bytes += len(data)
				if pc.frame > nh.frame {
					nh.frame = pc.frame
				}
			}
		}
	}
	h.truncate(split)
	msp.nxtpdu = msp.seq + split
	return nm
}

// processTCPPayload is process_tcp_payload: hand the bytes from offset to
// an application dissector.
func processTCPPayload(p *packet, t tvb, offset int, conv *conversation, info *tcpInfo, sport, dport uint16) {
	decodeTCPPorts(p, t, offset, conv, info, sport, dport)
}

// decodeTCPPorts is decode_tcp_ports: conversation dissector, then the
// server port learnt from the handshake, the lower and higher port, and
// the heuristics. It reports whether a dissector took the payload.
func decodeTCPPorts(p *packet, t tvb, offset int, conv *conversation, info *tcpInfo, sport, dport uint16) bool {
	tc := conv.tcp
	if tc.ta.flags&tcpKeepAlive != 0 {
		return true // keep-alive payload is garbage: shown as data
	}
	if tc.ta.flags&(tcpRetransmission|tcpOutOfOrder) != 0 {
		return false
	}
	next := t.sub(offset)
	saveInfo := p.tcp
	p.tcp = info
	defer func() { p.tcp = saveInfo }()
	if conv.dissector != nil && p.callApp(conv.dissector, next) != 0 {
		return true
	}
	if conv.dissector == nil {
		// A conversation another protocol announced (FTP data: expect.go).
		if fn := p.expectedDissector(); fn != nil && p.callApp(fn, next) != 0 {
			return true
		}
	}
	low, high := sport, dport
	if sport > dport {
		low, high = dport, sport
	}
	if tc.serverPort != 0 && p.tryAppPort(tcpPortTable, next, tc.serverPort) {
		return true
	}
	if low != 0 && p.tryAppPort(tcpPortTable, next, low) {
		return true
	}
	if high != 0 && p.tryAppPort(tcpPortTable, next, high) {
		return true
	}
	for _, h := range tcpHeuristics {
		if p.callHeuristic(h.fn, next) {
			return true
		}
	}
	return false
}

// callApp calls an application dissector as call_dissector does: the
// dissector sees can_desegment one lower than its caller.
func (p *packet) callApp(fn appDissector, t tvb) int {
	save := p.canDesegment
	if p.canDesegment > 0 {
		p.canDesegment--
	}
	n := fn(p, t)
	p.canDesegment = save
	return n
}

func (p *packet) callHeuristic(fn func(p *packet, t tvb) bool, t tvb) bool {
	save := p.canDesegment
	if p.canDesegment > 0 {
		p.canDesegment--
	}
	ok := fn(p, t)
	p.canDesegment = save
	return ok
}

// tryAppPort calls the dissector registered for port.
func (p *packet) tryAppPort(table map[uint16]appDissector, t tvb, port uint16) bool {
	fn, ok := table[port]
	if !ok {
		return false
	}
	save := p.matchPort
	p.matchPort = port
	n := p.callApp(fn, t)
	p.matchPort = save
	return n != 0
}

// tcpDissectPDUs is tcp_dissect_pdus: split a stream payload into PDUs of
// a length read from a fixed-size header, asking TCP for more data when a
// PDU is incomplete. getLen returns the PDU's total length (0: need more).
func tcpDissectPDUs(p *packet, t tvb, desegment bool, fixedLen int, getLen func(p *packet, t tvb, off int) int, dissect func(p *packet, t tvb)) {
	offset := 0
	for t.reportedRemaining(offset) > 0 {
		captured := t.remaining(offset)
		if captured == 0 {
			t.ensure(offset, 1)
		}
		canDeseg := desegment && p.canDesegment != 0
		if canDeseg && captured < fixedLen {
			p.desegmentOffset = offset
			p.desegmentLen = desegmentOneMoreSegment
			return
		}
		plen := getLen(p, t, offset)
		if plen == 0 {
			if !canDeseg {
				panic(excFragment)
			}
			p.desegmentOffset = offset
			p.desegmentLen = desegmentOneMoreSegment
			return
		}
		if plen < fixedLen {
			p.showException(excReported)
			return
		}
		if canDeseg && captured < plen {
			p.desegmentOffset = offset
			p.desegmentLen = plen - captured
			return
		}
		length := min(captured, plen)
		next := t.subCap(offset, length, plen)
		if !canDeseg && plen > length {
			next.fragment = true
		}
		p.try(func() { dissect(p, next) })
		before := offset
		offset += plen
		if offset <= before {
			break
		}
	}
}
