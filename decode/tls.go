package decode

// TLS and SSL over TCP, as packet-tls.c's dissect_ssl shows them: one item
// per record (or per handshake message) in Info, separated by ", ", and the
// Protocol column named after the version the conversation settled on.
// Records split over segments are reassembled by TCP: TLS clears Info and
// then asks for the rest of the record, so a first segment shows only
// "[TCP segment of a reassembled PDU]".
//
// With a key log (Options.KeyLog) records are decrypted (tls_keys.go,
// tls_decrypt.go) and what they carry is dissected in their place:
// handshake messages, alerts, and application data handed to the protocol
// ALPN or a heuristic names (tls_app.go).

// Protocol versions as they appear on the wire.
const (
	tlsVersionUnknown    = 0
	sslVersion2          = 0x0002
	sslVersion3          = 0x0300
	tlsVersion10         = 0x0301
	tlsVersion11         = 0x0302
	tlsVersion12         = 0x0303
	tlsVersion13         = 0x0304
	gmtlsVersion1        = 0x0101
	dtlsVersion10        = 0xfeff
	dtlsVersion12        = 0xfefd
	dtlsVersion10OpenSSL = 0x0100
)

// Record content types.
const (
	tlsChangeCipherSpec = 20
	tlsAlert            = 21
	tlsHandshake        = 22
	tlsApplicationData  = 23
	tlsHeartbeat        = 24
	tlsCID              = 25
)

// tlsMaxRecordLength is 2^14, the plaintext limit.
const tlsMaxRecordLength = 0x4000

// tlsVersionName is ssl_version_short_names, with def for other values.
func tlsVersionName(v uint16, def string) string {
	switch v {
	case sslVersion2:
		return "SSLv2"
	case sslVersion3:
		return "SSLv3"
	case tlsVersion10:
		return "TLSv1"
	case gmtlsVersion1:
		return "GMTLSv1"
	case tlsVersion11:
		return "TLSv1.1"
	case tlsVersion12:
		return "TLSv1.2"
	case tlsVersion13:
		return "TLSv1.3"
	case dtlsVersion10:
		return "DTLSv1.0"
	case dtlsVersion12:
		return "DTLSv1.2"
	case dtlsVersion10OpenSSL:
		return "DTLS 1.0 (OpenSSL pre 0.9.8f)"
	}
	return def
}

func tlsValidContentType(ct uint8) bool {
	return ct >= tlsChangeCipherSpec && ct <= tlsCID
}

// tlsSession is the per-conversation state of packet-tls-utils.c's
// SslSession plus what its SslDecryptSession records on the first pass.
type tlsSession struct {
	version    uint16 // negotiated or learnt; tlsVersionUnknown at first
	tls13Draft uint8  // TLS 1.3 draft number, 0 for the final version

	// The server side, learnt from the ClientHello (ssl_set_server).
	serverSet  bool
	serverAddr address
	serverPort uint16

	// First frame in which each side sent ChangeCipherSpec (0: none yet):
	// later handshake records of that side are encrypted.
	clientCCSFrame, serverCCSFrame uint64

	// lastNonTLSFrame is the last frame before STARTTLS took effect.
	lastNonTLSFrame uint64
	// appProto names the protocol inside, as STARTTLS callers say it.
	appProto string

	// What a key log will need to decrypt this session (issue 9).
	cipherSuite      uint16
	compression      uint8
	clientRandom     [32]byte
	serverRandom     [32]byte
	haveClientRandom bool
	haveServerRandom bool
	sessionID        [32]byte
	sessionIDLen     uint8
	hasEarlyData     bool

	// DTLS connection IDs from the hellos' connection_id extensions: the
	// client's is in the records the server sends, and the other way round.
	clientCIDPresent, serverCIDPresent bool
	clientCID, serverCID               []byte
	sessionResumed                     bool

	// Handshake messages spanning records, per direction (client, server).
	hs [2]tlsHandshakeReassembly

	// dec is the decryption state, nil without a key log.
	dec *tlsDecryptState
	// appHandle is the dissector of the application data (session
	// app_handle): from ALPN, a heuristic or the port.
	appHandle appDissector
}

func newTLSSession() *tlsSession { return &tlsSession{} }

// tlsSessionOf returns the TLS state of the packet's conversation.
func tlsSessionOf(p *packet) *tlsSession {
	return appState(p.conv, "tls", newTLSSession)
}

// tlsAssociations are the ports of the "tls.port" table (protocols that
// run over TLS on a port of their own); without a ClientHello they decide
// which side is the server.
var tlsAssociations = map[uint16]bool{
	324: true, 443: true, 465: true, 636: true, 802: true, 853: true, 993: true,
	995: true, 1300: true, 2221: true, 2443: true, 3249: true, 3250: true,
	3251: true, 3252: true, 3389: true, 3496: true, 5061: true, 5671: true,
	5684: true, 5868: true, 8883: true, 11207: true, 19999: true, 27017: true,
}

func init() {
	// Every tls.port association but RDP's registers TLS on the TCP port too.
	for port := range tlsAssociations {
		if port != 3389 {
			registerTCPPort(dissectTLS, port)
		}
	}
	registerTCPHeuristic("ssl", dissectTLSHeuristic)
	// The text protocols' STARTTLS seams (textline.go).
	startTLSHandoff = startTLS
	tlsHandoffDissector = dissectTLS
}

// fromServer is ssl_packet_from_server.
func (s *tlsSession) fromServer(p *packet, associations map[uint16]bool) bool {
	if s.serverSet {
		return s.serverPort == p.srcPort && s.serverAddr == p.src
	}
	return associations[p.srcPort]
}

// setServer is ssl_set_server: the destination of a ClientHello is the server.
func (s *tlsSession) setServer(p *packet) {
	s.serverSet = true
	s.serverAddr = p.dst
	s.serverPort = p.dstPort
}

// StartTLS hands the rest of the conversation to TLS, as ssl_starttls_ack
// does: a protocol that negotiated STARTTLS calls it in the frame that
// carries the go-ahead (postAck false: TLS starts in the next frame) or
// in the first frame after it (postAck true: TLS starts in this one).
// appProto names the protocol carried inside, for decryption later. A
// second call for the same conversation changes nothing.
func startTLS(p *packet, appProto string, postAck bool) {
	if p.conv == nil {
		return
	}
	s := tlsSessionOf(p)
	if s.lastNonTLSFrame != 0 {
		return
	}
	s.appProto = appProto
	p.conv.dissector = dissectTLS
	s.lastNonTLSFrame = p.num
	if postAck {
		s.lastNonTLSFrame = p.num - 1
	}
}

// isSSLv3OrTLS is the TCP heuristic's record-header test.
func isSSLv3OrTLS(t tvb) bool {
	if t.len() < 5 {
		return false
	}
	ct := t.b[0]
	if ct != tlsHandshake && ct != tlsApplicationData {
		return false
	}
	switch uint16(t.b[1])<<8 | uint16(t.b[2]) {
	case sslVersion3, tlsVersion10, tlsVersion11, tlsVersion12, gmtlsVersion1:
	default:
		return false
	}
	n := int(t.b[3])<<8 | int(t.b[4])
	return n != 0 && n < tlsMaxRecordLength+2048
}

// isSSLv2ClientHello matches the SSL 2.0 compatible ClientHello of SSLv3
// and TLS clients.
func isSSLv2ClientHello(t tvb) bool {
	if t.len() < 46 || t.b[0] != 0x80 || t.b[2] != 1 {
		return false
	}
	cs := int(t.b[5])<<8 | int(t.b[6])
	sid := int(t.b[7])<<8 | int(t.b[8])
	challenge := int(t.b[9])<<8 | int(t.b[10])
	return cs != 0 && cs%3 == 0 && (sid == 0 || sid == 16) && challenge == 32
}

// dissectTLSHeuristic is dissect_ssl_heur: a hit binds the conversation.
func dissectTLSHeuristic(p *packet, t tvb) bool {
	if !isSSLv3OrTLS(t) && !isSSLv2ClientHello(t) {
		return false
	}
	if p.conv != nil {
		p.conv.dissector = dissectTLS
	}
	dissectTLS(p, t)
	return true
}

func isASCIIPrint(c byte) bool { return c >= 0x20 && c < 0x7f }

// dissectTLS is dissect_ssl.
func dissectTLS(p *packet, t tvb) int {
	if t.len() > 4 && isASCIIPrint(t.b[0]) && isASCIIPrint(t.b[1]) && isASCIIPrint(t.b[2]) && isASCIIPrint(t.b[3]) {
		// Plain text, not a record: some other protocol's.
		return 0
	}
	if p.conv == nil {
		return 0
	}
	s := tlsSessionOf(p)
	fromServer := s.fromServer(p, tlsAssociations)
	if s.lastNonTLSFrame != 0 && s.lastNonTLSFrame >= p.num {
		return 0 // STARTTLS was agreed, but this frame is still the old protocol
	}
	p.setProto(tlsVersionName(s.version, "SSL"))
	p.clearInfo()

	offset := 0
	for t.reportedRemaining(offset) > 0 {
		needMore := false
		switch s.version {
		case sslVersion2:
			offset, needMore = s.dissectSSL2Record(p, t, offset)
		case sslVersion3, tlsVersion10, tlsVersion11, tlsVersion12, gmtlsVersion1:
			if t.reportedRemaining(offset) < 5 {
				offset, needMore = tlsShortHeader(p, t, offset)
				break
			}
			// A v2 ClientHello may still come after the version is known.
			if t.u8(offset) == 0x80 && t.u8(offset+2) == 1 {
				offset, needMore = s.dissectSSL2Record(p, t, offset)
			} else {
				offset, needMore = s.dissectSSL3Record(p, t, offset, fromServer)
			}
		default:
			if t.reportedRemaining(offset) < 5 {
				offset, needMore = tlsShortHeader(p, t, offset)
				break
			}
			switch {
			case sslLooksLikeSSLv2(t, offset):
				offset, needMore = s.dissectSSL2Record(p, t, offset)
			case sslLooksLikeSSLv3(t, offset):
				offset, needMore = s.dissectSSL3Record(p, t, offset, fromServer)
			default:
				offset = t.reported
				p.appendInfoSep(", ", "Continuation Data")
			}
		}
		if needMore {
			return t.len()
		}
	}
	if !p.readOnly {
		p.info.setFence()
	}
	return t.len()
}

// tlsShortHeader handles fewer than 5 bytes left: ask TCP for more, or stop.
func tlsShortHeader(p *packet, t tvb, offset int) (int, bool) {
	if p.canDesegment > 0 {
		p.desegmentOffset = offset
		p.desegmentLen = desegmentOneMoreSegment
		return offset, true
	}
	return t.reported, false
}

func sslLooksLikeSSLv2(t tvb, offset int) bool {
	if t.u8(offset) < 0x80 {
		return false
	}
	switch t.u8(offset + 2) {
	case ssl2Error, ssl2ClientHello, ssl2ClientMasterKey, ssl2ServerHello:
		return true
	}
	return false
}

func sslLooksLikeSSLv3(t tvb, offset int) bool {
	if !tlsValidContentType(t.u8(offset)) {
		return false
	}
	switch t.u16(offset + 1) {
	case sslVersion3, tlsVersion10, tlsVersion11, tlsVersion12, gmtlsVersion1:
		return true
	}
	return false
}

// trySetVersion is ssl_try_set_version: an authoritative record (anything
// but a ClientHello) fixes the conversation's version.
func (s *tlsSession) trySetVersion(contentType, handshakeType uint8, isDTLS bool, version uint16) {
	authoritative := (contentType == tlsHandshake && tlsValidHandshakeType(handshakeType, isDTLS) && handshakeType != tlsHsClientHello) ||
		(contentType != tlsHandshake && tlsValidContentType(contentType))
	if !authoritative {
		return
	}
	var draft uint8
	if handshakeType == tlsHsServerHello {
		if version&0xff00 == 0x7f00 {
			draft = uint8(version)
			version = tlsVersion13
		}
		if version == 0xfb17 || version == 0xfb1a {
			// Facebook's fizz, a TLS 1.3 draft of its own.
			draft = uint8(version)
			version = tlsVersion13
		}
	}
	switch version {
	case sslVersion3, tlsVersion10, tlsVersion11, tlsVersion12, tlsVersion13, gmtlsVersion1:
		if isDTLS {
			return
		}
	case dtlsVersion10, dtlsVersion10OpenSSL, dtlsVersion12:
		if !isDTLS {
			return
		}
	default:
		return
	}
	s.tls13Draft = draft
	s.version = version
}

// dissectSSL3Record is dissect_ssl3_record: one SSLv3/TLS record.
func (s *tlsSession) dissectSSL3Record(p *packet, t tvb, offset int, fromServer bool) (int, bool) {
	avail := t.reportedRemaining(offset)
	switch s.version {
	case tlsVersion10, tlsVersion11, tlsVersion12, gmtlsVersion1:
		// TLS 1.0-1.2 ignore records of unknown types (RFC 2246, 6).
		if avail >= 1 && !tlsValidContentType(t.u8(offset)) {
			t.ensure(offset, avail) // the expert item covers the rest
			p.appendInfoSep(", ", "Ignored Unknown Record")
			return offset + avail, false
		}
	}
	if avail < 5 {
		return tlsShortHeader(p, t, offset)
	}
	contentType := t.u8(offset)
	version := t.u16(offset + 1)
	version0 := version // the record's own, for the AEAD's additional data
	recordLen := int(t.u16(offset + 3))
	if !tlsValidContentType(contentType) {
		p.appendInfoSep(", ", "Continuation Data")
		return offset + 5 + recordLen, false
	}
	if avail < recordLen+5 {
		if p.canDesegment > 0 {
			p.desegmentOffset = offset
			p.desegmentLen = recordLen + 5 - avail
			return offset, true
		}
		return offset + avail, false
	}
	offset += 5

	nextByte := t.u8(offset)
	if s.version == tlsVersionUnknown {
		s.trySetVersion(contentType, nextByte, false, version)
		// The record's own version names it even when it did not count.
		p.setProto(tlsVersionName(version, "SSL"))
	} else {
		version = s.version
	}
	var decrypted tvb
	haveDecrypted := false
	var plainFlow *tlsFlow
	var plainSeq uint32
	if recordLen > 0 && (s.version != tlsVersion13 || contentType == tlsApplicationData) {
		// decrypt_ssl3_record keeps the record's last bytes for a later
		// IV, keys or not: a record cut by the snaplen raises here.
		n := min(recordLen, 24)
		t.ensure(offset+recordLen-n, n)
		if s.decryption(p) != nil {
			if s.version == tlsVersion13 && contentType == tlsApplicationData && s.hasEarlyData && !fromServer {
				// Early data is not decrypted: switch to the handshake
				// keys at once (decrypt_tls13_early_data failing).
				if !s.dec.seen0RTT {
					s.dec.seen0RTT = true
				}
				if s.haveServerRandom {
					s.tls13ChangeKey(p, false, tls13SecretHandshake)
				}
				s.hasEarlyData = false
			}
			plain, inner, ok := s.decryptRecord(p, t, offset, recordLen, contentType, version0, fromServer)
			if ok {
				decrypted = newRealTvb(plain)
				haveDecrypted = true
				if inner == tlsApplicationData && (contentType == tlsApplicationData || contentType == tlsHandshake) {
					dir := 0
					if fromServer {
						dir = 1
					}
					plainFlow = &s.dec.flows[dir]
					plainSeq = plainFlow.byteSeq
					plainFlow.byteSeq += uint32(len(plain))
				}
				if s.version == tlsVersion13 {
					contentType = inner
				}
			}
		}
	}

	switch contentType {
	case tlsChangeCipherSpec:
		if version == tlsVersion13 && s.tls13Draft > 0 && s.tls13Draft < 22 {
			break // CCS came back only in TLS 1.3 draft 22
		}
		p.appendInfoSep(", ", "Change Cipher Spec")
		t.ensure(offset, 1)
		if s.version != tlsVersion13 {
			ccs := &s.clientCCSFrame
			if fromServer {
				ccs = &s.serverCCSFrame
			}
			if *ccs == 0 {
				*ccs = p.num
			}
		}
		if version != tlsVersion13 && s.decryption(p) != nil {
			s.finalizeDecryption(p)
			s.changeCipher(fromServer)
		}
		if fromServer {
			s.sessionResumed = false
		}
	case tlsAlert:
		if haveDecrypted {
			tlsAlertItem(p, decrypted, 0, 2, false)
		} else {
			tlsAlertItem(p, t, offset, recordLen, false)
		}
	case tlsHandshake:
		if haveDecrypted {
			s.dissectHandshake(p, decrypted, 0, decrypted.reported, false, fromServer, version)
		} else {
			s.dissectHandshake(p, t, offset, offset+recordLen, true, fromServer, version)
		}
	case tlsApplicationData:
		p.appendInfoSep(", ", "Application Data")
		t.ensure(offset, recordLen) // the data item, short after a snaplen cut
		if haveDecrypted {
			portHandle := s.appHandle
			if portHandle == nil {
				portHandle = tlsPortDissector(p.srcPort)
				if portHandle == nil {
					portHandle = tlsPortDissector(p.dstPort)
				}
			}
			if plainFlow != nil {
				s.dissectDecryptedAppData(p, decrypted, plainFlow, plainSeq, portHandle, fromServer)
			}
		}
	case tlsHeartbeat:
		if version == tlsVersion13 {
			break
		}
		if haveDecrypted {
			tlsHeartbeatItem(p, decrypted, 0, decrypted.reported, true)
			break
		}
		// Before ChangeCipherSpec (and always without keys) the record
		// is plaintext and judged by its contents.
		plaintext := true
		if s.dec != nil {
			if fromServer {
				plaintext = s.dec.server == nil
			} else {
				plaintext = s.dec.client == nil
			}
		}
		tlsHeartbeatItem(p, t, offset, recordLen, plaintext)
	}
	return offset + recordLen, false
}

// tlsAlertItem writes an Alert record's item (dissect_ssl3_alert). DTLS
// names an alert only when both fields are known.
func tlsAlertItem(p *packet, t tvb, offset, recordLen int, dtls bool) {
	if !dtls && recordLen != 2 {
		p.appendInfoSep(", ", "Encrypted Alert")
		return
	}
	level := tlsAlertLevelName(t.u8(offset))
	desc := tlsAlertDescriptionName(t.u8(offset + 1))
	if dtls && (level == "" || desc == "") {
		p.appendInfoSep(", ", "Encrypted Alert")
		return
	}
	if level == "" {
		level = "Unknown"
	}
	if desc == "" {
		desc = "Unknown"
	}
	if p.readOnly {
		return
	}
	p.appendInfoSep(", ", "Alert (Level: ")
	p.appendInfo(level)
	p.appendInfo(", Description: ")
	p.appendInfo(desc)
	p.appendInfo(")")
}

// tlsHeartbeatItem is dissect_ssl3_heartbeat's Info item.
func tlsHeartbeatItem(p *packet, t tvb, offset, recordLen int, plaintext bool) {
	typ := t.u8(offset)
	payloadLen := int(t.u16(offset + 1))
	if recordLen <= 19 || 3+payloadLen+16 <= recordLen {
		plaintext = true
	}
	var name string
	switch typ {
	case 1:
		name = "Heartbeat Request"
	case 2:
		name = "Heartbeat Response"
	}
	if name == "" || !plaintext {
		p.appendInfoSep(", ", "Encrypted Heartbeat")
		return
	}
	p.appendInfoSep(", ", name)
	padding := int(uint16(recordLen - 3 - payloadLen))
	if 3+payloadLen+16 > recordLen {
		// The payload is cut to what the record holds; a record shorter
		// than its header makes that length wrap around.
		payloadLen = int(uint16(recordLen - 3))
		padding = 0
	}
	t.ensure(offset+3, payloadLen)
	if padding != 0 {
		t.ensure(offset+3+payloadLen, padding)
	}
}

func tlsAlertLevelName(v uint8) string {
	switch v {
	case 1:
		return "Warning"
	case 2:
		return "Fatal"
	}
	return ""
}

func tlsAlertDescriptionName(v uint8) string {
	switch v {
	case 0:
		return "Close Notify"
	case 1:
		return "End of Early Data"
	case 10:
		return "Unexpected Message"
	case 20:
		return "Bad Record MAC"
	case 21:
		return "Decryption Failed"
	case 22:
		return "Record Overflow"
	case 30:
		return "Decompression Failure"
	case 40:
		return "Handshake Failure"
	case 41:
		return "No Certificate"
	case 42:
		return "Bad Certificate"
	case 43:
		return "Unsupported Certificate"
	case 44:
		return "Certificate Revoked"
	case 45:
		return "Certificate Expired"
	case 46:
		return "Certificate Unknown"
	case 47:
		return "Illegal Parameter"
	case 48:
		return "Unknown CA"
	case 49:
		return "Access Denied"
	case 50:
		return "Decode Error"
	case 51:
		return "Decrypt Error"
	case 60:
		return "Export Restriction"
	case 70:
		return "Protocol Version"
	case 71:
		return "Insufficient Security"
	case 80:
		return "Internal Error"
	case 86:
		return "Inappropriate Fallback"
	case 90:
		return "User Canceled"
	case 100:
		return "No Renegotiation"
	case 109:
		return "Missing Extension"
	case 110:
		return "Unsupported Extension"
	case 111:
		return "Certificate Unobtainable"
	case 112:
		return "Unrecognized Name"
	case 113:
		return "Bad Certificate Status Response"
	case 114:
		return "Bad Certificate Hash Value"
	case 115:
		return "Unknown PSK Identity"
	case 116:
		return "Certificate Required"
	case 120:
		return "No application Protocol"
	case 121:
		return "ECH Required"
	}
	return ""
}
