package decode

// IETF QUIC over UDP, as packet-quic.c shows it without a key log: the
// packet type and connection IDs of long headers, "Protected Payload (KP0)"
// for short headers, and, for Initial packets, whose keys come from the
// client's first Destination Connection ID, the packet number and the
// list of frames. A datagram may hold several coalesced packets; each one
// rewrites Info, so the last one shows.
//
// Connections are tracked by connection ID across the capture, as
// Wireshark does, so that short-header packets find their connection.

// QUIC versions with a meaning of their own.
const (
	quicVersionV1   = 0x00000001
	quicVersionV2   = 0x6b3343cf
	quicVersionQ050 = 0x51303530
	quicVersionT050 = 0x54303530
	quicVersionT051 = 0x54303531
)

// Long packet types, in Wireshark's version-independent numbering.
const (
	quicInitial   = 0
	quic0RTT      = 1
	quicHandshake = 2
	quicRetry     = 3
	quicVerNeg    = 0xfe
	quicShort     = 0xff
)

const quicMaxCIDLength = 20

// Limits on the connection table.
const (
	quicMaxConnections  = 4096
	quicMaxCIDsPerSide  = 16
	quicMaxCryptoBuffer = 1 << 16
	quicMaxCryptoPieces = 64
)

// quicDraftVersion is quic_draft_version: the IETF draft a version follows
// (34 for v1, 100 for v2), 0 when unknown.
func quicDraftVersion(v uint32) uint8 {
	switch {
	case v>>8 == 0xff0000:
		return uint8(v)
	case v == 0xfaceb001:
		return 22
	case v == 0xfaceb002 || v == 0xfaceb00e:
		return 27
	case v == quicVersionQ050 || v == quicVersionT050 || v == quicVersionT051:
		return 27
	case v&0x0f0f0f0f == 0x0a0a0a0a:
		return 29
	case v == quicVersionV1:
		return 34
	case v == quicVersionV2:
		return 100
	}
	return 0
}

func quicIsV2(v uint32) bool { return v == quicVersionV2 }

func quicIsDraftMax(v uint32, max uint8) bool {
	d := quicDraftVersion(v)
	return d != 0 && d <= max
}

// quicLongPacketType maps the type bits of a long header (v2 reorders them).
func quicLongPacketType(firstByte uint8, version uint32) uint8 {
	bits := (firstByte & 0x30) >> 4
	if quicIsV2(version) {
		return [4]uint8{quicRetry, quicInitial, quic0RTT, quicHandshake}[bits]
	}
	return bits
}

func quicLongPacketTypeName(t uint8) string {
	switch t {
	case quicInitial:
		return "Initial"
	case quic0RTT:
		return "0-RTT"
	case quicHandshake:
		return "Handshake"
	case quicRetry:
		return "Retry"
	}
	return "Long Header"
}

// quicCID is a connection ID (usable as a map key).
type quicCID struct {
	len uint8
	b   [quicMaxCIDLength]byte
}

func (c quicCID) bytes() []byte { return c.b[:c.len] }

func makeQUICCID(b []byte) quicCID {
	var c quicCID
	c.len = uint8(copy(c.b[:], b))
	return c
}

// quicCIDList is a side's connection IDs; the first may be empty (a peer
// that uses none), and an empty one matches any packet.
type quicCIDList []quicCID

func (l quicCIDList) first() quicCID {
	if len(l) == 0 {
		return quicCID{}
	}
	return l[0]
}

// hasMatch accepts any known CID that is a prefix of raw (a short header's
// DCID comes with the packet's following bytes).
func (l quicCIDList) hasMatch(raw quicCID) bool {
	if len(l) == 0 {
		return true // the unset first entry is an empty CID
	}
	for _, c := range l {
		if raw.len >= c.len && string(raw.b[:c.len]) == string(c.b[:c.len]) {
			return true
		}
	}
	return false
}

// quicConn is quic_info_data_t: one connection.
type quicConn struct {
	number     uint32
	version    uint32
	serverAddr address
	serverPort uint16

	clientDCIDSet     bool
	clientDCIDInitial quicCID
	clientCIDs        quicCIDList
	serverCIDs        quicCIDList

	haveInitialKeys bool
	keysDCID        quicCID // the keys below derive from this DCID
	keysVersion     uint32  // and this version
	clientInitial   quicKeys
	serverInitial   quicKeys

	maxClientPN, maxServerPN [3]uint64

	// crypto reassembles the Initial CRYPTO stream of each side.
	crypto [2]quicCryptoStream
}

// quicCryptoStream is one side's CRYPTO stream at the Initial level.
type quicCryptoStream struct {
	contiguous uint64 // bytes delivered in order so far
	pending    []quicCryptoPiece
	buffered   int
}

type quicCryptoPiece struct {
	off  uint64
	data []byte
}

// quicTable is the capture-wide connection state (packet-quic.c's maps).
type quicTable struct {
	initial    map[quicCID]*quicConn // Initial DCID of the client
	client     map[quicCID]*quicConn // CIDs chosen by clients
	server     map[quicCID]*quicConn // CIDs chosen by servers
	cidLengths uint32                // bitmap of CID lengths seen
	conns      []*quicConn
	count      uint32
	scratch    []byte
}

func (q *quicTable) init() {
	if q.initial == nil {
		q.initial = map[quicCID]*quicConn{}
		q.client = map[quicCID]*quicConn{}
		q.server = map[quicCID]*quicConn{}
	}
}

func (q *quicTable) knownLength(c quicCID) bool { return q.cidLengths&(1<<c.len) != 0 }

// insert is quic_cids_insert.
func (q *quicTable) insert(c quicCID, conn *quicConn, fromServer bool) {
	if fromServer {
		q.server[c] = conn
	} else {
		q.client[c] = conn
	}
	q.cidLengths |= 1 << c.len
}

// quicConvState links a UDP conversation to the connection it carries.
type quicConvState struct{ conn *quicConn }

func newQUICConvState() *quicConvState { return &quicConvState{} }

func init() {
	registerUDPHeuristic("quic", dissectQUICHeuristic)
}

// connFromConv is quic_connection_from_conv.
func (q *quicTable) connFromConv(p *packet) *quicConn {
	if p.conv == nil || p.conv.app == nil {
		return nil
	}
	if v, ok := p.conv.app["quic"]; ok {
		return v.(*quicConvState).conn
	}
	return nil
}

func (c *quicConn) isFromServer(p *packet) bool {
	return c.serverPort == p.srcPort && c.serverAddr == p.src
}

// findDCID is quic_connection_find_dcid (dcid nil: by conversation only).
func (q *quicTable) findDCID(p *packet, dcid *quicCID, fromServer *bool) *quicConn {
	var conn *quicConn
	checkPorts := false
	if dcid != nil && dcid.len > 0 {
		if !q.knownLength(*dcid) {
			return nil
		}
		if conn = q.client[*dcid]; conn != nil {
			*fromServer = true
			_, checkPorts = q.server[*dcid]
		} else if conn = q.server[*dcid]; conn != nil {
			*fromServer = false
		}
	} else {
		conn = q.connFromConv(p)
		checkPorts = conn != nil
	}
	if checkPorts {
		*fromServer = conn.isFromServer(p)
	}
	return conn
}

// find is quic_connection_find. For short headers dcid is shortened to
// the length that matched.
func (q *quicTable) find(p *packet, longType uint8, dcid *quicCID, fromServer *bool) *quicConn {
	var conn *quicConn
	if longType == quic0RTT && dcid.len > 0 {
		conn = q.initial[*dcid]
		*fromServer = false
	} else {
		conn = q.findDCID(p, dcid, fromServer)
		if longType == quicInitial && conn == nil && dcid.len > 0 {
			if conn = q.initial[*dcid]; conn != nil {
				*fromServer = false
			}
		}
		if longType == quicInitial && conn != nil && !*fromServer && dcid.len > 0 &&
			*dcid != conn.clientDCIDInitial && !conn.serverCIDs.hasMatch(*dcid) {
			// A fresh client Initial (after Version Negotiation, say).
			conn = nil
		}
	}
	if longType == quicShort && conn == nil {
		conn = q.findDCID(p, nil, fromServer)
		if conn != nil {
			if (*fromServer && !conn.clientCIDs.hasMatch(*dcid)) || (!*fromServer && !conn.serverCIDs.hasMatch(*dcid)) {
				conn = nil
			}
		}
		// Migrated: the DCID length is unknown, try the lengths in use.
		for conn == nil && dcid.len > 1 {
			dcid.len--
			if q.knownLength(*dcid) {
				conn = q.findDCID(p, dcid, fromServer)
			}
		}
		if conn == nil {
			dcid.len = 0
		}
	}
	return conn
}

// create is quic_connection_create plus quic_connection_update_initial.
func (q *quicTable) create(p *packet, version uint32, scid, dcid quicCID) *quicConn {
	if len(q.conns) >= quicMaxConnections {
		q.evictOldest()
	}
	conn := &quicConn{number: q.count, version: version, serverAddr: p.dst, serverPort: p.dstPort}
	q.count++
	q.conns = append(q.conns, conn)
	if p.conv != nil {
		appState(p.conv, "quic", newQUICConvState).conn = conn
	}
	q.updateInitial(conn, scid, dcid)
	return conn
}

func (q *quicTable) updateInitial(conn *quicConn, scid, dcid quicCID) {
	if scid.len > 0 {
		if len(conn.clientCIDs) == 0 {
			conn.clientCIDs = append(conn.clientCIDs, scid)
		} else {
			conn.clientCIDs[0] = scid
		}
		q.insert(scid, conn, false)
	}
	if dcid.len > 0 {
		conn.clientDCIDInitial = dcid
		q.initial[dcid] = conn
		conn.clientDCIDSet = true
		conn.deriveInitialKeys(dcid)
	}
}

// deriveInitialKeys makes the Initial keys for dcid, unless they exist.
func (c *quicConn) deriveInitialKeys(dcid quicCID) {
	if c.haveInitialKeys && c.keysDCID == dcid && c.keysVersion == c.version {
		return
	}
	c.clientInitial, c.serverInitial = quicInitialKeys(dcid.bytes(), c.version)
	c.haveInitialKeys, c.keysDCID, c.keysVersion = true, dcid, c.version
}

func (q *quicTable) evictOldest() {
	old := q.conns[0]
	q.conns = q.conns[1:]
	for k, c := range q.initial {
		if c == old {
			delete(q.initial, k)
		}
	}
	for _, c := range old.clientCIDs {
		if q.client[c] == old {
			delete(q.client, c)
		}
	}
	for _, c := range old.serverCIDs {
		if q.server[c] == old {
			delete(q.server, c)
		}
	}
}

// addCID is quic_connection_add_cid (a NEW_CONNECTION_ID frame).
func (q *quicTable) addCID(conn *quicConn, cid quicCID, fromServer bool) {
	items := &conn.clientCIDs
	if fromServer {
		items = &conn.serverCIDs
	}
	if len(*items) > 0 && items.hasMatch(cid) {
		return
	}
	if len(*items) >= quicMaxCIDsPerSide {
		return
	}
	if len(*items) == 0 {
		*items = append(*items, quicCID{}) // the unset first entry
	}
	// After the first entry, which other tables may use as a key.
	*items = append(*items, quicCID{})
	copy((*items)[2:], (*items)[1:])
	(*items)[1] = cid
	q.insert(cid, conn, fromServer)
}

// createOrUpdate is quic_connection_create_or_update.
func (q *quicTable) createOrUpdate(conn *quicConn, p *packet, longType uint8, version uint32, scid, dcid quicCID, fromServer bool) *quicConn {
	switch longType {
	case quicInitial:
		if !fromServer {
			if conn == nil {
				return q.create(p, version, scid, dcid)
			}
			if !conn.clientDCIDSet && dcid.len > 0 {
				// The client's answer to a Retry: new Initial keys, and
				// the server's next Initial names the server CID again.
				q.updateInitial(conn, scid, dcid)
				if len(conn.serverCIDs) > 0 {
					delete(q.server, conn.serverCIDs[0])
					conn.serverCIDs[0] = quicCID{}
				}
			}
			return conn
		}
		fallthrough
	case quicRetry, quicHandshake:
		if fromServer && conn != nil {
			if longType == quicRetry {
				delete(q.initial, conn.clientDCIDInitial)
				conn.clientDCIDInitial = quicCID{}
				conn.clientDCIDSet = false
			}
			if conn.serverCIDs.first().len == 0 && scid.len > 0 {
				if len(conn.serverCIDs) == 0 {
					conn.serverCIDs = append(conn.serverCIDs, scid)
				} else {
					conn.serverCIDs[0] = scid
				}
				q.insert(scid, conn, true)
			}
		}
	}
	return conn
}

// quicExtractHeader is quic_extract_header.
func quicExtractHeader(t tvb) (longType uint8, version uint32, dcid, scid quicCID) {
	first := t.u8(0)
	if first&0x80 == 0 {
		// Short header: the DCID length is unknown, take the most.
		dcid = makeQUICCID(t.bytes(1, quicMaxCIDLength))
		return quicShort, 0, dcid, scid
	}
	version = t.u32(1)
	longType = quicLongPacketType(first, version)
	if version == 0 {
		longType = quicVerNeg
	}
	offset := 5
	dcil := int(t.u8(offset))
	offset++
	if dcil > 0 && dcil <= quicMaxCIDLength {
		dcid = makeQUICCID(t.bytes(offset, dcil))
	}
	offset += dcil
	scil := int(t.u8(offset))
	offset++
	if scil > 0 && scil <= quicMaxCIDLength {
		scid = makeQUICCID(t.bytes(offset, scil))
	}
	return longType, version, dcid, scid
}

// quicVarint reads a variable-length integer (tvb_get_varint).
func quicVarint(t tvb, offset int) (uint64, int) {
	b := t.u8(offset)
	switch b >> 6 {
	case 0:
		return uint64(b & 0x3f), 1
	case 1:
		return uint64(t.u16(offset) & 0x3fff), 2
	case 2:
		return uint64(t.u32(offset) & 0x3fffffff), 4
	}
	return t.u64(offset) & 0x3fffffffffffffff, 8
}

// dissectQUICHeuristic is dissect_quic_heur.
func dissectQUICHeuristic(p *packet, t tvb) bool {
	if t.len() < 13 {
		return false
	}
	if t.b[0]&0x80 == 0 {
		return dissectQUICShortHeuristic(p, t)
	}
	version := uint32(t.b[1])<<24 | uint32(t.b[2])<<16 | uint32(t.b[3])<<8 | uint32(t.b[4])
	if quicDraftVersion(version) < 11 {
		return false
	}
	offset := 5
	dcil := int(t.b[offset])
	if dcil > quicMaxCIDLength {
		return false
	}
	offset += 1 + dcil
	if offset >= t.len() {
		return false
	}
	if int(t.b[offset]) > quicMaxCIDLength {
		return false
	}
	if p.conv != nil {
		p.conv.dissector = dissectQUIC
	}
	dissectQUIC(p, t)
	return true
}

// dissectQUICShortHeuristic picks up a short-header packet of a known
// connection on a new address (migration).
func dissectQUICShortHeuristic(p *packet, t tvb) bool {
	q := &p.d.state.quic
	if q.cidLengths == 0 || t.len() < 1+1+1+16 {
		return false
	}
	dcid := makeQUICCID(t.b[1 : 1+min(quicMaxCIDLength, t.len()-1-1-16)])
	q.init()
	var fromServer bool
	if q.find(p, quicShort, &dcid, &fromServer) == nil {
		return false
	}
	if p.conv != nil {
		p.conv.dissector = dissectQUIC
	}
	dissectQUIC(p, t)
	return true
}

// quicDatagram is what dissect_quic learns about one datagram.
type quicDatagram struct {
	conn       *quicConn
	fromServer bool
}

// dissectQUIC is dissect_quic.
func dissectQUIC(p *packet, t tvb) int {
	q := &p.d.state.quic
	q.init()
	p.setProto("QUIC")

	longType, version, dcid, scid := quicExtractHeader(t)
	var dg quicDatagram
	conn := q.find(p, longType, &dcid, &dg.fromServer)
	dg.conn = q.createOrUpdate(conn, p, longType, version, scid, dcid, dg.fromServer)

	offset := 0
	var firstDCID quicCID
	for {
		next := quicMessageTvb(t, offset)
		if !quicCheckCoalescedDCID(next, &dg, offset == 0, &firstDCID) {
			break // random padding after the last packet
		}
		first := next.u8(0)
		if first&0x80 != 0 {
			v := next.u32(1)
			if v == 0 {
				quicVersionNegotiation(p, next)
				break
			}
			if quicLongPacketType(first, v) == quicRetry {
				quicRetryPacket(p, next, v)
			} else {
				q.longHeader(p, next, &dg)
			}
		} else {
			q.shortHeader(p, next, &dg)
		}
		offset += next.reported
		if t.reportedRemaining(offset) == 0 {
			break
		}
	}
	return t.len()
}

// quicMessageTvb is quic_get_message_tvb: one packet of the datagram.
func quicMessageTvb(t tvb, offset int) tvb {
	first := t.u8(offset)
	if first&0x80 != 0 {
		version := t.u32(offset + 1)
		if quicLongPacketType(first, version) != quicRetry && version != 0 {
			// 32-bit arithmetic, as in Wireshark.
			length := uint32(5)
			length += 1 + uint32(t.u8(offset+int(length)))
			length += 1 + uint32(t.u8(offset+int(length)))
			if quicLongPacketType(first, version) == quicInitial {
				tokenLen, n := quicVarint(t, offset+int(length))
				length += uint32(n) + uint32(tokenLen)
			}
			payloadLen, n := quicVarint(t, offset+int(length))
			length += uint32(n) + uint32(payloadLen)
			if payloadLen <= 0x7fffffff && length < uint32(t.reportedRemaining(offset)) {
				return t.subLen(offset, int(length))
			}
		}
	}
	return t.sub(offset)
}

// quicCheckCoalescedDCID is check_dcid_on_coalesced_packet: every packet of
// a datagram has the first one's DCID.
func quicCheckCoalescedDCID(t tvb, dg *quicDatagram, isFirst bool, firstDCID *quicCID) bool {
	var dcid quicCID
	first := t.u8(0)
	if first&0x80 != 0 {
		n := int(t.u8(5))
		if n > 0 && n <= quicMaxCIDLength {
			dcid = makeQUICCID(t.bytes(6, n))
		}
	} else {
		if dg.conn == nil {
			return true
		}
		n := dg.conn.serverCIDs.first().len
		if dg.fromServer {
			n = dg.conn.clientCIDs.first().len
		}
		if n > 0 {
			dcid = makeQUICCID(t.bytes(1, int(n)))
		}
	}
	if isFirst {
		*firstDCID = dcid
		return true
	}
	return dcid == *firstDCID
}

// quicLongHeaderCommon reads the version and connection IDs after the
// first byte and appends ", DCID=..." and ", SCID=..." as the long header
// has them (dissect_quic_long_header_common); it returns the offset after
// them.
func quicLongHeaderCommon(p *packet, t tvb, offset int) int {
	t.ensure(offset, 4)
	offset += 4
	var dcid, scid quicCID
	dcil := int(t.u8(offset))
	offset++
	if dcil > 0 {
		b := t.bytes(offset, dcil)
		if dcil <= quicMaxCIDLength {
			dcid = makeQUICCID(b)
		}
		offset += dcil
	}
	scil := int(t.u8(offset))
	offset++
	if scil > 0 {
		b := t.bytes(offset, scil)
		if scil <= quicMaxCIDLength {
			scid = makeQUICCID(b)
		}
		offset += scil
	}
	if !p.readOnly {
		if dcid.len > 0 {
			p.appendInfo(", DCID=")
			p.appendInfoHex(dcid.bytes())
		}
		if scid.len > 0 {
			p.appendInfo(", SCID=")
			p.appendInfoHex(scid.bytes())
		}
	}
	return offset
}

// appendInfoHex appends bytes as lowercase hex.
func (p *packet) appendInfoHex(b []byte) {
	if p.readOnly {
		return
	}
	buf := p.scratch[:0]
	for _, c := range b {
		buf = append(buf, hexDigits[c>>4], hexDigits[c&0xf])
	}
	p.scratch = buf
	p.info.appendBytes(buf)
}

func quicVersionNegotiation(p *packet, t tvb) {
	p.setInfo("Version Negotiation")
	offset := quicLongHeaderCommon(p, t, 1)
	for t.reportedRemaining(offset) > 0 {
		t.ensure(offset, 4)
		offset += 4
	}
}

// quicRetryPacket is dissect_quic_retry_packet. Checking the integrity tag
// changes no column, so it is not done.
func quicRetryPacket(p *packet, t tvb, version uint32) {
	p.setInfo("Retry")
	offset := quicLongHeaderCommon(p, t, 1)
	if quicIsDraftMax(version, 24) {
		n := int(t.u8(offset))
		offset++
		t.ensure(offset, n)
		offset += n
	}
	tokenLen := t.reportedRemaining(offset)
	if !quicIsDraftMax(version, 24) && tokenLen >= 16 {
		tokenLen -= 16
	}
	t.ensure(offset, tokenLen)
	offset += tokenLen
	if !quicIsDraftMax(version, 24) {
		t.ensure(offset, 16) // the integrity tag
	}
}

// maxPN is the largest packet number seen in the space of the packet with
// this first byte, in one direction.
func (c *quicConn) maxPN(fromServer bool, first uint8) *uint64 {
	space := 2
	if first&0x80 != 0 {
		switch quicLongPacketType(first, c.version) {
		case quicInitial:
			space = 0
		case quicHandshake:
			space = 1
		}
	}
	if fromServer {
		return &c.maxServerPN[space]
	}
	return &c.maxClientPN[space]
}

// longHeader is dissect_quic_long_header.
func (q *quicTable) longHeader(p *packet, t tvb, dg *quicDatagram) {
	longType, version, dcid, scid := quicExtractHeader(t)
	conn := dg.conn
	fromServer := dg.fromServer

	// Packet protection: only Initial keys exist without a key log.
	var keys *quicKeys
	havePN := false
	var firstByte uint8
	var pn uint64
	if conn != nil && (longType == quicInitial || longType == quicHandshake || (longType == quic0RTT && !fromServer)) {
		ok := false
		if longType == quicInitial {
			if !fromServer && dcid == conn.clientDCIDInitial {
				conn.deriveInitialKeys(dcid)
			} else if fromServer && version != conn.version {
				// Compatible version negotiation changed the version.
				conn.version = version
				conn.deriveInitialKeys(conn.clientDCIDInitial)
			}
			keys = &conn.clientInitial
			if fromServer {
				keys = &conn.serverInitial
			}
			ok = conn.haveInitialKeys
		}
		if ok {
			pnOffset := 1 + 4 + 1 + int(dcid.len) + 1 + int(scid.len)
			tokenLen, n := quicVarint(t, pnOffset)
			pnOffset += n + int(uint32(tokenLen))
			_, n = quicVarint(t, pnOffset)
			pnOffset += n
			var pn32 uint32
			firstByte, pn32 = keys.unprotectHeader(t, pnOffset)
			pnLen := uint(firstByte&3) + 1
			pn = quicAdjustPacketNumber(*conn.maxPN(fromServer, firstByte), uint64(pn32), 8*pnLen)
			havePN = true
		}
	}

	p.setInfo(quicLongPacketTypeName(longType))
	offset := quicLongHeaderCommon(p, t, 1)
	if longType == quicInitial {
		tokenLen, n := quicVarint(t, offset)
		offset += n
		if tokenLen > 0 {
			l := int(int32(uint32(tokenLen)))
			if l < -1 {
				panic(excReported)
			}
			if l == -1 {
				l = t.remaining(offset)
			}
			t.ensure(offset, l)
			offset += int(uint32(tokenLen))
		}
	}
	_, n := quicVarint(t, offset)
	offset += n
	if !havePN {
		return
	}
	pnLen := int(firstByte&3) + 1
	offset += pnLen
	if !p.readOnly {
		p.appendInfo(", PKN: ")
		p.appendInfoUint(pn)
	}
	t.ensure(offset, 1) // the payload item: at least a byte
	payload, ok := keys.decrypt(t, offset, firstByte, pnLen, pn, &q.scratch)
	if !ok {
		return
	}
	// The packet number is now known to be genuine.
	*conn.maxPN(fromServer, firstByte) = pn
	plain := newRealTvb(payload)
	for off := 0; plain.reportedRemaining(off) > 0; {
		off = q.frame(p, plain, off, conn, fromServer, longType == quicInitial)
	}
}

// shortHeader is dissect_quic_short_header without 1-RTT keys.
func (q *quicTable) shortHeader(p *packet, t tvb, dg *quicDatagram) {
	var n uint8
	if dg.conn != nil {
		if dg.fromServer {
			n = dg.conn.clientCIDs.first().len
		} else {
			n = dg.conn.serverCIDs.first().len
		}
	}
	p.clearInfo()
	p.appendInfo("Protected Payload (KP0)")
	if n > 0 {
		b := t.bytes(1, int(n))
		if !p.readOnly {
			p.appendInfo(", DCID=")
			p.appendInfoHex(b)
		}
	}
}

// frame is dissect_quic_frame_type: one frame of a decrypted payload.
func (q *quicTable) frame(p *packet, t tvb, offset int, conn *quicConn, fromServer bool, initial bool) int {
	frameType, n := quicVarint(t, offset)
	offset += n
	item := func(s string) {
		if !p.readOnly {
			p.appendInfo(s)
		}
	}
	varint := func() uint64 {
		v, n := quicVarint(t, offset)
		offset += n
		return v
	}
	streamID := func() {
		id := varint()
		if !p.readOnly {
			p.appendInfo("(")
			p.appendInfoUint(id)
			p.appendInfo(")")
		}
	}
	// data takes a length as proto_tree_add_item does with a 32-bit cast.
	data := func(length uint64) {
		l := int(int32(uint32(length)))
		if l < -1 {
			panic(excReported)
		}
		if l == -1 {
			l = t.remaining(offset)
		}
		t.ensure(offset, l)
		offset += int(uint32(length))
	}
	switch frameType {
	case 0x00:
		item(", PADDING")
		for offset < t.len() && t.b[offset] == 0 {
			offset++
		}
	case 0x01:
		item(", PING")
	case 0x02, 0x03, 0x42, 0x43:
		switch frameType {
		case 0x02:
			item(", ACK")
		case 0x03:
			item(", ACK_ECN")
		case 0x42:
			item(", MP_ACK")
			varint()
		case 0x43:
			item(", MP_ACK_ECN")
			varint()
		}
		varint() // largest acknowledged
		varint() // ack delay
		count := varint()
		varint() // first range
		for ; count > 0; count-- {
			varint()
			varint()
		}
		if frameType == 0x03 {
			varint()
			varint()
			varint()
		}
	case 0x04:
		item(", RS")
		streamID()
		varint()
		varint()
	case 0x05:
		item(", SS")
		streamID()
		varint()
	case 0x06:
		item(", CRYPTO")
		cryptoOffset := varint()
		length := varint()
		// The data item is a tree node that never raises; a frame that
		// claims more than the packet holds makes the TLS parser raise
		// later, with the columns read-only.
		l := int(uint32(length))
		if conn != nil && initial && cryptoOffset < conn.crypto[quicDir(fromServer)].contiguous {
			// A retransmission or overlap: an expert item covers it.
			t.ensure(offset, l)
		}
		if conn != nil && initial {
			end := min(offset+l, t.len())
			if offset+l > t.len() || l < 0 {
				if cryptoOffset+uint64(uint32(length)) > conn.crypto[quicDir(fromServer)].contiguous {
					q.cryptoData(p, conn, fromServer, cryptoOffset, t.b[min(offset, end):end])
					p.readOnly = true
					panic(t.errAt(t.len() + 1))
				}
			} else {
				q.cryptoData(p, conn, fromServer, cryptoOffset, t.b[offset:end])
			}
		}
		offset += l
	case 0x07:
		item(", NT")
		data(varint())
	case 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f:
		offset--
		item(", STREAM")
		flags := t.u8(offset)
		offset++
		streamID()
		if flags&0x04 != 0 {
			varint()
		}
		var length uint64
		if flags&0x02 != 0 {
			length = varint()
		} else {
			length = uint64(t.reportedRemaining(offset))
		}
		data(length)
	case 0x10:
		item(", MD")
		varint()
	case 0x11:
		item(", MSD")
		streamID()
		varint()
	case 0x12, 0x13:
		item(", MS")
		varint()
	case 0x14:
		item(", DB")
		varint()
	case 0x15:
		item(", SDB")
		streamID()
		varint()
	case 0x16, 0x17:
		item(", SB")
		varint()
	case 0x18, 0x40:
		if frameType == 0x18 {
			item(", NCI")
		} else {
			item(", MP_NCI")
			varint()
		}
		varint() // sequence
		varint() // retire prior to
		cidLen := int(t.u8(offset))
		offset++
		b := t.bytes(offset, cidLen)
		if cidLen >= 1 && cidLen <= quicMaxCIDLength && conn != nil {
			q.addCID(conn, makeQUICCID(b), fromServer)
		}
		offset += cidLen
		t.ensure(offset, 16) // stateless reset token
		offset += 16
	case 0x19, 0x41:
		if frameType == 0x19 {
			item(", RC")
		} else {
			item(", MP_RC")
			varint()
		}
		varint()
	case 0x1a:
		item(", PC")
		t.ensure(offset, 8)
		offset += 8
	case 0x1b:
		item(", PR")
		t.ensure(offset, 8)
		offset += 8
	case 0x1c, 0x1d:
		item(", CC")
		varint() // error code
		if frameType == 0x1c {
			varint() // frame type
		}
		data(varint())
	case 0x1e:
		item(", DONE")
	case 0x30, 0x31:
		item(", DG")
		if frameType == 0x31 {
			data(varint())
		} else {
			data(uint64(t.reportedRemaining(offset)))
		}
	case 0xac:
		item(", IA")
	case 0xaf:
		item(", AF")
		varint()
		varint()
		varint()
		t.ensure(offset, 1)
		offset++
	case 0x02f5:
		item(", TS")
		varint()
	case 0x44:
		item(", ADD_ADDRESS")
		bits := t.u8(offset)
		offset++
		t.ensure(offset, 1)
		offset++
		varint()
		t.ensure(offset, 1)
		offset++
		if bits&0x06 == 0x06 {
			t.ensure(offset, 16)
			offset += 16
		} else {
			t.ensure(offset, 4)
			offset += 4
		}
		if bits&0x10 != 0 {
			t.ensure(offset, 2)
			offset += 2
		}
	case 0x45:
		item(", REMOVE_ADDRESS")
		t.ensure(offset, 1)
		offset++
		varint()
	case 0x46:
		item(", UNIFLOWS")
		varint()
		receiving := varint()
		active := varint()
		for _, count := range [2]uint64{receiving, active} {
			for ; count > 0; count-- {
				varint()
				t.ensure(offset, 1)
				offset++
			}
		}
	}
	return offset
}

func quicDir(fromServer bool) int {
	if fromServer {
		return 1
	}
	return 0
}

// cryptoData takes the bytes of a CRYPTO frame in an Initial packet and
// hands what is contiguous to the TLS handshake parser, with the columns
// read-only as in Wireshark (desegment_quic_crypto, process_quic_crypto).
func (q *quicTable) cryptoData(p *packet, conn *quicConn, fromServer bool, off uint64, b []byte) {
	cs := &conn.crypto[quicDir(fromServer)]
	end := off + uint64(len(b))
	if end <= cs.contiguous {
		return // retransmitted
	}
	if off > cs.contiguous {
		// Out of order: keep it until the gap is filled.
		if cs.buffered+len(b) <= quicMaxCryptoBuffer && len(cs.pending) < quicMaxCryptoPieces {
			cs.pending = append(cs.pending, quicCryptoPiece{off: off, data: append([]byte(nil), b...)})
			cs.buffered += len(b)
		}
		return
	}
	b = b[cs.contiguous-off:]
	cs.contiguous = end
	q.tlsHandshake(p, fromServer, b)
	// Deliver any buffered pieces that now follow on.
	for progress := true; progress; {
		progress = false
		for i := 0; i < len(cs.pending); i++ {
			pc := cs.pending[i]
			if pc.off > cs.contiguous {
				continue
			}
			cs.pending = append(cs.pending[:i], cs.pending[i+1:]...)
			cs.buffered -= len(pc.data)
			i--
			pend := pc.off + uint64(len(pc.data))
			if pend > cs.contiguous {
				rest := pc.data[cs.contiguous-pc.off:]
				cs.contiguous = pend
				q.tlsHandshake(p, fromServer, rest)
				progress = true
			}
		}
	}
}

// tlsHandshake runs TLS 1.3 handshake messages (dissect_tls13_handshake)
// with the columns read-only; the session lives in the UDP conversation.
func (q *quicTable) tlsHandshake(p *packet, fromServer bool, b []byte) {
	if p.conv == nil || len(b) == 0 {
		return
	}
	s := tlsSessionOf(p)
	if s.version == tlsVersionUnknown {
		s.version = tlsVersion13
	}
	save := p.readOnly
	p.readOnly = true
	t := newRealTvb(b)
	s.dissectHandshake(p, t, 0, t.len(), false, fromServer, tlsVersion13)
	// An exception above leaves the columns read-only, as in Wireshark.
	p.readOnly = save
}
