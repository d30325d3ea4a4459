package decode

import "sort"

// DTLS over UDP, as packet-dtls.c shows it: the TLS record types with a
// 13-byte header (epoch and sequence number), and handshake messages
// that carry their own fragment offset, reassembled per message sequence
// number and marked " (Fragment)" / " (Reassembled)" in Info.

// dtlsAssociations are the ports of the "dtls.port" table.
var dtlsAssociations = map[uint16]bool{853: true, 2221: true, 5684: true, 5868: true}

// Bounds on the handshake fragments kept per direction.
const (
	dtlsMaxMessages     = 64
	dtlsMaxMessageBytes = 1 << 24
	dtlsMaxFragments    = 1024
)

func init() {
	for port := range dtlsAssociations {
		registerUDPPort(dissectDTLS, port)
	}
	registerUDPHeuristic("dtls", dissectDTLSHeuristic)
}

// dtlsState is a DTLS conversation: the session as TLS keeps it, plus the
// handshake messages being reassembled in each direction.
type dtlsState struct {
	tlsSession
	messages [2][]*dtlsMessage
	count    uint64
}

// dtlsMessage is one handshake message being reassembled (a fragment_head
// keyed by message_seq).
type dtlsMessage struct {
	seq          uint16
	totLen       int
	totLenSet    bool
	pieces       []reasmPiece
	bytes        int
	defragmented bool
	data         []byte
	order        uint64
}

func newDTLSState() *dtlsState { return &dtlsState{} }

// looksLikeDTLS is looks_like_dtls: a valid content type and a DTLS version.
func looksLikeDTLS(t tvb, offset int) bool {
	if !tlsValidContentType(t.u8(offset)) {
		return false
	}
	switch t.u16(offset + 1) {
	case dtlsVersion10, dtlsVersion12, dtlsVersion10OpenSSL:
		return true
	}
	return false
}

// dissectDTLSHeuristic is dissect_dtls_heur: the records must fill the
// datagram exactly (or reach past a snaplen cut).
func dissectDTLSHeuristic(p *packet, t tvb) bool {
	length := t.len()
	offset := 0
	if t.reported == length {
		for offset+13 <= length && looksLikeDTLS(t, offset) {
			if t.u8(offset) == tlsCID {
				// The CID's length is what the session negotiated.
				if st := p.d.state.dtls.bySessionCID(t, offset+11); st != nil {
					offset += st.cidLength(st.fromServer(p, dtlsAssociations))
				}
			}
			offset += int(t.u16(offset+11)) + 13
			if offset == length {
				dissectDTLS(p, t)
				return true
			}
		}
		if p.fragmented && offset >= 13 {
			dissectDTLS(p, t)
			return true
		}
		return false
	}
	for length-offset >= 3 {
		if !looksLikeDTLS(t, offset) {
			return false
		}
		offset += 3
		if length-offset >= 10 {
			offset += int(t.u16(offset+8)) + 10
		} else {
			dissectDTLS(p, t)
			return true
		}
		if offset == length {
			dissectDTLS(p, t)
			return true
		}
	}
	if length >= 3 && (offset <= t.reported || p.fragmented) {
		dissectDTLS(p, t)
		return true
	}
	return false
}

// dissectDTLS is dissect_dtls.
func dissectDTLS(p *packet, t tvb) (consumed int) {
	if p.conv == nil {
		return 0
	}
	var st *dtlsState
	if t.u8(0) == tlsCID {
		// A CID record names its session, whatever the addresses.
		if st = p.d.state.dtls.bySessionCID(t, 11); st != nil {
			appState(p.conv, "dtls", newDTLSState)
			p.conv.app["dtls"] = st
		}
	}
	if st == nil {
		st = appState(p.conv, "dtls", newDTLSState)
	}
	s := &st.tlsSession
	if s.lastNonTLSFrame != 0 && s.lastNonTLSFrame >= p.num {
		return 0
	}
	fromServer := s.fromServer(p, dtlsAssociations)
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(dtlsReassemblyError)
			if !ok {
				panic(r)
			}
			if !p.readOnly {
				p.d.stats.Malformed++
				p.appendInfo("[Reassembly error, protocol DTLS: " + string(e) + "]")
			}
			consumed = t.len()
		}
	}()
	p.setProto("DTLS")
	p.clearInfo()
	offset := 0
	for t.reportedRemaining(offset) != 0 {
		switch s.version {
		case dtlsVersion10, dtlsVersion10OpenSSL, dtlsVersion12:
			offset = st.dissectRecord(p, t, offset, fromServer)
		default:
			if looksLikeDTLS(t, offset) {
				offset = st.dissectRecord(p, t, offset, fromServer)
			} else {
				offset = t.reported
				p.appendInfoSep(", ", "Continuation Data")
				p.setProto("DTLS")
			}
		}
	}
	return t.len()
}

// dissectRecord is dissect_dtls_record.
func (st *dtlsState) dissectRecord(p *packet, t tvb, offset int, fromServer bool) int {
	s := &st.tlsSession
	contentType := t.u8(offset)
	version := t.u16(offset + 1)
	t.ensure(offset+3, 8) // epoch and sequence number
	cidLen := 0
	if contentType == tlsCID {
		cidLen = st.cidLength(fromServer)
		t.ensure(offset+11, cidLen)
	}
	recordLen := int(t.u16(offset + 11 + cidLen))
	if !tlsValidContentType(contentType) {
		p.appendInfoSep(", ", "Continuation Data")
		p.setProto("DTLS")
		return offset + 13 + recordLen
	}
	offset += 13 + cidLen
	nextByte := t.u8(offset)
	if s.version == tlsVersionUnknown {
		s.trySetVersion(contentType, nextByte, true, version)
	}
	p.setProto(tlsVersionName(s.version, "DTLS"))

	// The record may reach past the datagram: the bytes are then missing
	// only where an item covers them, after its Info text is written.
	switch contentType {
	case tlsCID:
		// No keys, so the content stays hidden.
		p.appendInfoSep(", ", "Connection ID")
		t.ensure(offset, recordLen)
	case tlsChangeCipherSpec:
		p.appendInfoSep(", ", "Change Cipher Spec")
		if s.version != tlsVersion13 {
			ccs := &s.clientCCSFrame
			if fromServer {
				ccs = &s.serverCCSFrame
			}
			if *ccs == 0 {
				*ccs = p.num
			}
		}
		if fromServer {
			s.sessionResumed = false
		}
	case tlsAlert:
		tlsAlertItem(p, t, offset, recordLen, true)
	case tlsHandshake:
		st.dissectHandshake(p, t, offset, recordLen, fromServer)
	case tlsApplicationData:
		p.appendInfoSep(", ", "Application Data")
		t.ensure(offset, recordLen)
	case tlsHeartbeat:
		dtlsHeartbeat(p, t, offset, uint32(recordLen))
	}
	return offset + recordLen
}

// dtlsHeartbeat is dissect_dtls_heartbeat. The arithmetic is unsigned, as
// in Wireshark: a record shorter than 19 bytes lets any length pass.
func dtlsHeartbeat(p *packet, t tvb, offset int, recordLen uint32) {
	typ := t.u8(offset)
	payloadLen := uint32(t.u16(offset + 1))
	if (typ != 1 && typ != 2) || payloadLen > recordLen-16-3 {
		p.appendInfoSep(", ", "Encrypted Heartbeat")
		return
	}
	if typ == 1 {
		p.appendInfoSep(", ", "Heartbeat Request")
	} else {
		p.appendInfoSep(", ", "Heartbeat Response")
	}
	padding := int(uint16(recordLen - 3 - payloadLen))
	t.ensure(offset+3, int(payloadLen))
	t.ensure(offset+3+int(payloadLen), padding)
}

// dtlsReassemblyError is a ReassemblyError raised while adding a handshake
// fragment; it ends the frame's dissection like any exception.
type dtlsReassemblyError string

// dissectHandshake is dissect_dtls_handshake for the handshake record at
// offset (the bytes may be ciphertext).
func (st *dtlsState) dissectHandshake(p *packet, t tvb, offset, recordLen int, fromServer bool) {
	s := &st.tlsSession
	end := offset + recordLen
	first := true
	// The name survives from one message to the next, as in Wireshark, when
	// a later one looks encrypted.
	name := ""
	for fragLen := 0; offset < end; offset, first = offset+fragLen, false {
		msgType := t.u8(offset)
		fragLen = int(t.u24(offset + 9))
		if offset+fragLen <= end {
			name = tlsHandshakeName(msgType)
		}
		if name == "" && !first {
			return
		}
		if name == "" {
			p.appendInfoSep(", ", "Encrypted Handshake Message")
			return
		}
		p.appendInfoSep(", ", name)
		length := int(t.u24(offset + 1))
		msgSeq := t.u16(offset + 4)
		fragOffset := int(t.u24(offset + 6))
		offset += 12

		fragmented := false
		var msg tvb
		haveMsg := false
		switch {
		case fragLen+fragOffset > length:
			fragmented = fragOffset != 0
		case fragOffset > 0 && fragLen == 0:
			continue
		case fragLen < length:
			fragmented = true
			if tlsValidHandshakeType(msgType, true) {
				p.fragmented = true
				t.ensure(offset, fragLen)
				data, done := st.addFragment(p, msgSeq, fragOffset, t.b[offset:offset+fragLen], length)
				if done && fragLen+fragOffset == length {
					msg, haveMsg = newRealTvb(data), true
					p.appendInfo(" (Reassembled)")
				} else {
					p.appendInfo(" (Fragment)")
				}
			}
		}
		if fragmented && !haveMsg {
			continue
		}
		if !haveMsg {
			msg = t.subLen(offset, fragLen)
		}
		switch msgType {
		case tlsHsClientHello:
			s.resetForHello(true)
			s.setServer(p)
			s.clientHello(msg, 0, length, true)
			p.d.state.dtls.addCIDSession(st)
		case tlsHsServerHello:
			s.resetForHello(false)
			s.trySetVersion(tlsHandshake, tlsHsServerHello, true, msg.u16(0))
			s.serverHello(p, msg, 0, length)
			p.d.state.dtls.addCIDSession(st)
		case tlsHsServerHelloDone:
			s.sessionResumed = false
		}
		if tlsReadsWholeMessage(msgType, true, s.cipherSuite != 0) {
			msg.ensure(0, length)
		}
	}
}

// cidLength is dtls_cid_length: the CID in records from the server is the
// one the client asked for, and the other way round.
func (st *dtlsState) cidLength(fromServer bool) int {
	if fromServer {
		return len(st.clientCID)
	}
	return len(st.serverCID)
}

// dtlsTable is the capture-wide list of DTLS sessions that negotiated
// connection IDs (ssl_add_session_by_cid), so that a record whose
// addresses changed still finds its session.
type dtlsTable struct {
	cidSessions []*dtlsState
}

const dtlsMaxCIDSessions = 1024

func (d *dtlsTable) addCIDSession(st *dtlsState) {
	if len(st.clientCID) == 0 && len(st.serverCID) == 0 {
		return
	}
	for _, x := range d.cidSessions {
		if x == st {
			return
		}
	}
	if len(d.cidSessions) >= dtlsMaxCIDSessions {
		d.cidSessions = d.cidSessions[1:]
	}
	d.cidSessions = append(d.cidSessions, st)
}

// bySessionCID is ssl_get_session_by_cid: the first session one of whose
// CIDs starts at offset.
func (d *dtlsTable) bySessionCID(t tvb, offset int) *dtlsState {
	for _, st := range d.cidSessions {
		for _, cid := range [2][]byte{st.clientCID, st.serverCID} {
			if len(cid) > 0 && t.has(offset, len(cid)) && string(t.b[offset:offset+len(cid)]) == string(cid) {
				return st
			}
		}
	}
	return nil
}

// dtlsDirection is 0 or 1 for the two ends of the conversation.
func dtlsDirection(p *packet) int {
	if p.conv != nil && p.srcPort == p.conv.key.portA && p.netSrc.b == p.conv.key.addrA {
		return 0
	}
	return 1
}

// addFragment is fragment_add followed by fragment_set_tot_len on a new
// message: it returns the message once all of it has arrived.
func (st *dtlsState) addFragment(p *packet, seq uint16, fragOffset int, frag []byte, length int) ([]byte, bool) {
	dir := dtlsDirection(p)
	var m *dtlsMessage
	for _, x := range st.messages[dir] {
		if x.seq == seq {
			m = x
			break
		}
	}
	if m != nil && m.defragmented {
		// A fragment of a message that is already complete.
		if fragOffset+len(frag) >= m.totLen && fragOffset >= m.totLen {
			panic(dtlsReassemblyError("New fragment past old data limits"))
		}
		panic(dtlsReassemblyError("New fragment overlaps old data (retransmission?)"))
	}
	fresh := m == nil
	if fresh {
		st.count++
		m = &dtlsMessage{seq: seq, order: st.count}
		list := st.messages[dir]
		if len(list) >= dtlsMaxMessages {
			oldest := 0
			for i, x := range list {
				if x.order < list[oldest].order {
					oldest = i
				}
			}
			list = append(list[:oldest], list[oldest+1:]...)
		}
		st.messages[dir] = append(list, m)
	}
	if m.bytes+len(frag) <= dtlsMaxMessageBytes && len(m.pieces) < dtlsMaxFragments {
		i := sort.Search(len(m.pieces), func(i int) bool { return m.pieces[i].off >= uint32(fragOffset) })
		m.pieces = append(m.pieces, reasmPiece{})
		copy(m.pieces[i+1:], m.pieces[i:])
		m.pieces[i] = reasmPiece{off: uint32(fragOffset), data: append([]byte(nil), frag...), frame: p.num}
		m.bytes += len(frag)
	}
	if fresh {
		m.totLen, m.totLenSet = length, true
		return nil, false
	}
	if !m.totLenSet {
		return nil, false
	}
	covered := 0
	for _, pc := range m.pieces {
		if int(pc.off) > covered {
			return nil, false
		}
		covered = max(covered, int(pc.off)+len(pc.data))
	}
	if covered < m.totLen {
		return nil, false
	}
	out := make([]byte, m.totLen)
	for _, pc := range m.pieces {
		if int(pc.off) < m.totLen {
			copy(out[pc.off:], pc.data)
		}
	}
	m.defragmented = true
	m.data = out
	m.pieces = nil
	return out, true
}
