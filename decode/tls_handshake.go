package decode

// TLS handshake messages (dissect_tls_handshake): several per record, or
// one message spread over several records, which Wireshark reassembles
// per direction before naming it.

// Handshake message types.
const (
	tlsHsHelloRequest          = 0
	tlsHsClientHello           = 1
	tlsHsServerHello           = 2
	tlsHsHelloVerifyRequest    = 3
	tlsHsNewSessionTicket      = 4
	tlsHsEndOfEarlyData        = 5
	tlsHsHelloRetryRequest     = 6
	tlsHsEncryptedExtensions   = 8
	tlsHsCertificate           = 11
	tlsHsServerKeyExchange     = 12
	tlsHsCertificateRequest    = 13
	tlsHsServerHelloDone       = 14
	tlsHsCertificateVerify     = 15
	tlsHsClientKeyExchange     = 16
	tlsHsFinished              = 20
	tlsHsCertificateURL        = 21
	tlsHsCertificateStatus     = 22
	tlsHsSupplementalData      = 23
	tlsHsKeyUpdate             = 24
	tlsHsCompressedCertificate = 25
	tlsHsNPNEncryptedExtension = 67
)

// Hello extensions that change what is shown.
const (
	tlsExtALPN                   = 16
	tlsExtEncryptThenMAC         = 22
	tlsExtSessionTicket          = 35
	tlsExtEarlyData              = 42
	tlsExtSupportedVersions      = 43
	tlsExtConnectionIDDeprecated = 53 // draft-ietf-tls-dtls-connection-id-07
	tlsExtConnectionID           = 54 // RFC 9146
)

// tlsMaxHandshakeMessage bounds the bytes kept for one message being
// reassembled (a handshake length field is 24 bits).
const tlsMaxHandshakeMessage = 1 << 24

// tlsHandshakeName is ssl_31_handshake_type; "" for unknown types.
func tlsHandshakeName(t uint8) string {
	switch t {
	case tlsHsHelloRequest:
		return "Hello Request"
	case tlsHsClientHello:
		return "Client Hello"
	case tlsHsServerHello:
		return "Server Hello"
	case tlsHsHelloVerifyRequest:
		return "Hello Verify Request"
	case tlsHsNewSessionTicket:
		return "New Session Ticket"
	case tlsHsEndOfEarlyData:
		return "End of Early Data"
	case tlsHsHelloRetryRequest:
		return "Hello Retry Request"
	case tlsHsEncryptedExtensions, tlsHsNPNEncryptedExtension:
		return "Encrypted Extensions"
	case tlsHsCertificate:
		return "Certificate"
	case tlsHsServerKeyExchange:
		return "Server Key Exchange"
	case tlsHsCertificateRequest:
		return "Certificate Request"
	case tlsHsServerHelloDone:
		return "Server Hello Done"
	case tlsHsCertificateVerify:
		return "Certificate Verify"
	case tlsHsClientKeyExchange:
		return "Client Key Exchange"
	case tlsHsFinished:
		return "Finished"
	case tlsHsCertificateURL:
		return "Client Certificate URL"
	case tlsHsCertificateStatus:
		return "Certificate Status"
	case tlsHsSupplementalData:
		return "Supplemental Data"
	case tlsHsKeyUpdate:
		return "Key Update"
	case tlsHsCompressedCertificate:
		return "Compressed Certificate"
	}
	return ""
}

// tlsValidHandshakeType is ssl_is_valid_handshake_type.
func tlsValidHandshakeType(t uint8, isDTLS bool) bool {
	if t == tlsHsHelloVerifyRequest {
		return isDTLS
	}
	return tlsHandshakeName(t) != ""
}

// tlsHandshakeReassembly is a handshake message being collected from
// consecutive records of one direction.
type tlsHandshakeReassembly struct {
	active bool
	data   []byte // the message bytes so far, header included
}

// dissectHandshake is dissect_tls_handshake for the records of one
// record-layer record [offset, end). maybeEncrypted is true when the bytes
// were not decrypted, so they may be ciphertext.
func (s *tlsSession) dissectHandshake(p *packet, t tvb, offset, end int, maybeEncrypted, fromServer bool, version uint16) {
	dir := 0
	if fromServer {
		dir = 1
	}
	r := &s.hs[dir]
	isFirstMsg := true

	continued := false
	if r.active {
		// The record continues a message: take what it still needs.
		fragsLen := len(r.data)
		var hdr [4]byte
		n := copy(hdr[:], r.data)
		if n < 4 {
			n += copy(hdr[n:], t.b[min(offset, len(t.b)):])
		}
		subsetLen := end - offset
		msgLen := 0
		if n >= 4 {
			msgLen = 4 + (int(hdr[1])<<16 | int(hdr[2])<<8 | int(hdr[3]))
			// Unsigned in Wireshark: a length below what is already
			// collected leaves the record whole.
			if msgLen >= fragsLen && subsetLen > msgLen-fragsLen {
				subsetLen = msgLen - fragsLen
			}
		}
		if t.len() < offset+subsetLen {
			// Data missing from the capture: give up on this message.
			*r = tlsHandshakeReassembly{}
		} else {
			continued = true
			if len(r.data)+subsetLen <= tlsMaxHandshakeMessage {
				r.data = append(r.data, t.b[offset:offset+subsetLen]...)
			}
			if fragsLen+subsetLen != msgLen {
				// A middle piece adds nothing to Info.
				return
			}
			msg := r.data
			*r = tlsHandshakeReassembly{}
			offset += subsetLen
			if len(msg) == msgLen { // else too large to have been kept
				s.handshakeMessage(p, newRealTvb(msg), 0, true, fromServer, version)
			}
			isFirstMsg = false
		}
	}
	if !continued && s.isEncryptedHandshake(p, t, offset, end, maybeEncrypted, fromServer) {
		p.appendInfoSep(", ", "Encrypted Handshake Message")
		return
	}

	for offset < end {
		subsetLen := end - offset
		msgLen := 0
		if subsetLen >= 4 {
			msgLen = 4 + int(t.u24(offset+1))
		}
		if msgLen == 0 || subsetLen < msgLen {
			// The message continues in a later record.
			msgType := t.u8(offset)
			t.ensure(offset, subsetLen)
			*r = tlsHandshakeReassembly{active: true, data: append([]byte(nil), t.b[offset:offset+subsetLen]...)}
			if isFirstMsg && !p.readOnly {
				name := tlsHandshakeName(msgType)
				if name == "" {
					name = "Encrypted Handshake Message"
				}
				p.appendInfoSep(", ", "[")
				p.appendInfo(name)
				p.appendInfo(" Fragment]")
			}
			return
		}
		s.handshakeMessage(p, t, offset, isFirstMsg, fromServer, version)
		offset += msgLen
		isFirstMsg = false
	}
}

// isEncryptedHandshake is is_encrypted_handshake_message: without keys a
// handshake record after ChangeCipherSpec is ciphertext, and so is one
// whose first message makes no sense.
func (s *tlsSession) isEncryptedHandshake(p *packet, t tvb, offset, end int, maybeEncrypted, fromServer bool) bool {
	if end-offset < 16 {
		return false
	}
	if maybeEncrypted {
		// An all-zero start is the explicit nonce of AES-GCM/CCM.
		t.ensure(offset, 5)
		maybeEncrypted = t.b[offset]|t.b[offset+1]|t.b[offset+2]|t.b[offset+3]|t.b[offset+4] == 0
		if !maybeEncrypted {
			ccs := s.clientCCSFrame
			if fromServer {
				ccs = s.serverCCSFrame
			}
			maybeEncrypted = ccs != 0 && p.num > ccs
		}
	}
	if !maybeEncrypted {
		maybeEncrypted = tlsHandshakeName(t.u8(offset)) == "" || t.u24(offset+1) >= 0x010000
	}
	return maybeEncrypted
}

// handshakeMessage is dissect_tls_handshake_full for the complete message
// at offset.
func (s *tlsSession) handshakeMessage(p *packet, t tvb, offset int, isFirstMsg, fromServer bool, version uint16) {
	msgType := t.u8(offset)
	length := int(t.u24(offset + 1))
	name := tlsHandshakeName(msgType)
	if name == "" && !isFirstMsg {
		return
	}
	body, end := offset+4, offset+4+length
	if isFirstMsg && msgType == tlsHsServerHello && length > 2 {
		serverVersion, hrr := tlsScanServerHello(t, body, end)
		s.trySetVersion(tlsHandshake, tlsHsServerHello, false, serverVersion)
		if hrr {
			name = "Hello Retry Request"
		}
	}
	if name == "" {
		p.appendInfoSep(", ", "Encrypted Handshake Message")
		return
	}
	p.appendInfoSep(", ", name)

	switch msgType {
	case tlsHsClientHello:
		s.resetForHello(true)
		s.resetDecryption(true)
		s.setServer(p)
		s.clientHello(t, body, end, false)
		if s.hasEarlyData {
			s.version = tlsVersion13 // early data is TLS 1.3 only
		}
	case tlsHsServerHello:
		s.resetForHello(false)
		s.resetDecryption(false)
		s.serverHello(p, t, body, end)
		if s.decryption(p) != nil {
			// TLS 1.3: both sides switch to the handshake secrets.
			if !s.hasEarlyData || (s.dec.seen0RTT && s.dec.client == nil) {
				s.tls13ChangeKey(p, false, tls13SecretHandshake)
			}
			s.tls13ChangeKey(p, true, tls13SecretHandshake)
		}
	case tlsHsServerHelloDone:
		s.sessionResumed = false
	case tlsHsEncryptedExtensions:
		if msgType == tlsHsEncryptedExtensions && body < end {
			s.helloExtensions(t, body, end, tlsHsEncryptedExtensions)
		}
	case tlsHsNewSessionTicket:
		if s.dec != nil && s.version != tlsVersion13 {
			s.newSessionTicket(p, t, body, end)
		}
	case tlsHsEndOfEarlyData:
		if !fromServer && s.dec != nil {
			s.tls13ChangeKey(p, false, tls13SecretHandshake)
			s.hasEarlyData = false
		}
	case tlsHsFinished:
		s.tls13ChangeKey(p, fromServer, tls13SecretApp)
	case tlsHsKeyUpdate:
		s.tls13KeyUpdate(fromServer)
	}
	if tlsReadsWholeMessage(msgType, false, s.cipherSuite != 0) {
		// Wireshark reads every field; the bytes must have been captured.
		t.ensure(body, length)
	}
}

// tlsReadsWholeMessage says whether Wireshark's dissection of a handshake
// message reads all of its body (so a capture cut short raises there).
// The key exchange messages are read only when the cipher suite is known.
func tlsReadsWholeMessage(msgType uint8, dtls, cipherKnown bool) bool {
	switch msgType {
	case tlsHsHelloVerifyRequest:
		return dtls
	case tlsHsEndOfEarlyData, tlsHsSupplementalData, tlsHsHelloRequest, tlsHsServerHelloDone:
		return false
	case tlsHsServerKeyExchange, tlsHsClientKeyExchange:
		return cipherKnown
	case tlsHsCertificateURL, tlsHsKeyUpdate, tlsHsNPNEncryptedExtension, tlsHsCompressedCertificate, tlsHsEncryptedExtensions:
		return !dtls
	}
	return tlsHandshakeName(msgType) != ""
}

// resetForHello is ssl_reset_session: a new hello starts a new handshake.
func (s *tlsSession) resetForHello(client bool) {
	if client {
		s.sessionIDLen = 0
		s.haveClientRandom = false
		s.hasEarlyData = false
	} else {
		s.haveServerRandom = false
		s.compression = 0
	}
}

// tlsScanServerHello is tls_scan_server_hello: the negotiated version,
// from supported_versions for TLS 1.3, and whether the random is the
// HelloRetryRequest marker.
func tlsScanServerHello(t tvb, offset, end int) (version uint16, hrr bool) {
	version = t.u16(offset)
	if version != tlsVersion12 || end-offset < 46 {
		return version, false
	}
	offset += 2
	hrr = t.has(offset, 32) && string(t.b[offset:offset+32]) == tls13HRRRandom
	offset += 32
	sidLen := int(t.u8(offset))
	offset++
	if end-offset < sidLen+5 {
		return version, hrr
	}
	offset += sidLen + 5
	for end-offset >= 6 {
		extType := t.u16(offset)
		extLen := int(t.u16(offset + 2))
		if end-offset < 4+extLen {
			break
		}
		if extType == tlsExtSupportedVersions && extLen == 2 {
			return t.u16(offset + 4), hrr
		}
		offset += 4 + extLen
	}
	return version, hrr
}

// tls13HRRRandom is SHA-256("HelloRetryRequest"), the random of an HRR.
const tls13HRRRandom = "\xcf\x21\xad\x74\xe5\x9a\x61\x11\xbe\x1d\x8c\x02\x1e\x65\xb8\x91" +
	"\xc2\xa2\x11\x16\x7a\xbb\x8c\x5e\x07\x9e\x09\xe2\xc8\xa8\x33\x9c"

// tlsVector reads a vector length of size bytes at offset, bounded by end
// (ssl_add_vector); ok is false when it does not fit, n then being what
// is left.
func tlsVector(t tvb, offset, end, size int) (n int, ok bool) {
	if offset > end || end-offset < size {
		return 0, false
	}
	switch size {
	case 1:
		n = int(t.u8(offset))
	case 2:
		n = int(t.u16(offset))
	default:
		n = int(t.u24(offset))
	}
	if end-offset-size < n {
		return end - offset - size, false
	}
	return n, true
}

// clientHello reads a ClientHello body (ssl_dissect_hnd_cli_hello) for
// what the session needs: the client random and early_data.
func (s *tlsSession) clientHello(t tvb, offset, end int, dtls bool) {
	t.ensure(offset, 2+32+1)
	offset += 2
	copy(s.clientRandom[:], t.b[offset:offset+32])
	s.haveClientRandom = true
	offset += 32
	sidLen := int(t.u8(offset))
	offset++
	t.ensure(offset, sidLen)
	offset += sidLen
	if dtls {
		n, ok := tlsVector(t, offset, end, 1)
		if !ok {
			return
		}
		offset++
		t.ensure(offset, n)
		offset += n
	}
	n, ok := tlsVector(t, offset, end, 2)
	if !ok {
		return
	}
	offset += 2 + n
	n, ok = tlsVector(t, offset, end, 1)
	if !ok {
		return
	}
	offset += 1 + n
	if offset < end {
		s.helloExtensions(t, offset, end, tlsHsClientHello)
	}
}

// serverHello reads a ServerHello body (ssl_dissect_hnd_srv_hello).
func (s *tlsSession) serverHello(p *packet, t tvb, offset, end int) {
	p.setProto(tlsVersionName(s.version, "SSL"))
	s.sessionResumed = true
	draft := s.tls13Draft
	t.ensure(offset, 2+32)
	offset += 2
	copy(s.serverRandom[:], t.b[offset:offset+32])
	s.haveServerRandom = true
	offset += 32
	if !(s.version == tlsVersion13 && draft > 0 && draft < 22) {
		sidLen := int(t.u8(offset))
		offset++
		if sidLen <= 32 {
			copy(s.sessionID[:], t.bytes(offset, sidLen))
			s.sessionIDLen = uint8(sidLen)
		}
		t.ensure(offset, sidLen)
		offset += sidLen
	}
	s.cipherSuite = t.u16(offset)
	offset += 2
	if !(s.version == tlsVersion13 && draft > 0 && draft < 22) {
		s.compression = t.u8(offset)
		offset++
	}
	if offset < end {
		s.helloExtensions(t, offset, end, tlsHsServerHello)
	}
}

// helloExtensions walks a hello's extension list for early_data and the
// TLS 1.3 draft versions a client offers.
func (s *tlsSession) helloExtensions(t tvb, offset, end int, hsType uint8) {
	n, ok := tlsVector(t, offset, end, 2)
	if !ok {
		return
	}
	offset += 2
	end = offset + n
	for end-offset >= 4 {
		extType := t.u16(offset)
		offset += 2
		extLen, ok := tlsVector(t, offset, end, 2)
		if !ok {
			return
		}
		offset += 2
		next := offset + extLen
		switch extType {
		case tlsExtEarlyData:
			if hsType == tlsHsClientHello {
				s.hasEarlyData = true
			}
		case tlsExtSupportedVersions:
			if hsType == tlsHsClientHello {
				s.offeredVersions(t, offset, next)
			}
		case tlsExtConnectionIDDeprecated, tlsExtConnectionID:
			s.connectionID(t, offset, hsType)
		case tlsExtALPN:
			if hsType == tlsHsServerHello || hsType == tlsHsEncryptedExtensions {
				s.alpn(t, offset, next)
			}
		case tlsExtEncryptThenMAC:
			if hsType == tlsHsServerHello && s.dec != nil {
				s.dec.encryptThenMAC = true
			}
		case tlsExtSessionTicket:
			if hsType == tlsHsClientHello && s.dec != nil && extLen > 0 && extLen <= maxTLSKeyCacheID && t.has(offset, extLen) {
				s.dec.sessionTicket = append(s.dec.sessionTicket[:0], t.b[offset:next]...)
			}
		}
		offset = next
	}
}

// alpn is ssl_dissect_hnd_hello_ext_alpn for a ServerHello or
// EncryptedExtensions: the one protocol named picks the dissector of the
// application data.
func (s *tlsSession) alpn(t tvb, offset, end int) {
	n, ok := tlsVector(t, offset, end, 2)
	if !ok {
		return
	}
	offset += 2
	listEnd := offset + n
	var name []byte
	for offset < listEnd {
		l, ok := tlsVector(t, offset, listEnd, 1)
		if !ok {
			return
		}
		offset++
		name = t.bytes(offset, l)
		offset += l
	}
	if name == nil {
		return
	}
	if h := tlsALPNDissector(name); h != nil {
		s.appHandle = h
	}
}

// newSessionTicket keeps a TLS 1.2 ticket with the session's master
// secret, for a resumption later in the capture
// (ssl_dissect_hnd_new_ses_ticket).
func (s *tlsSession) newSessionTicket(p *packet, t tvb, offset, end int) {
	if end-offset < 4 {
		return
	}
	n, ok := tlsVector(t, offset+4, end, 2)
	if !ok || !t.has(offset+6, n) || n > maxTLSKeyCacheID {
		return
	}
	s.dec.sessionTicket = append(s.dec.sessionTicket[:0], t.b[offset+6:offset+6+n]...)
	keys := &p.d.state.tlsKeys
	keys.save(&keys.byTicket, s.dec.sessionTicket, s.dec.masterSecret)
	s.dec.newSessionTicket = true
}

// offeredVersions remembers the newest TLS 1.3 draft a client offers.
func (s *tlsSession) offeredVersions(t tvb, offset, end int) {
	n, ok := tlsVector(t, offset, end, 1)
	if !ok {
		return
	}
	offset++
	var maxDraft uint8
	for i := offset; i+2 <= offset+n; i += 2 {
		if v := t.u16(i); v&0xff00 == 0x7f00 && uint8(v) > maxDraft {
			maxDraft = uint8(v)
		}
	}
	if maxDraft != 0 {
		s.tls13Draft = maxDraft
	}
}

// connectionID is ssl_dissect_hnd_hello_ext_connection_id: the CID a side
// asks its peer to put in DTLS records sent to it.
func (s *tlsSession) connectionID(t tvb, offset int, hsType uint8) {
	n := int(t.u8(offset))
	var cid []byte
	if n > 0 {
		cid = append([]byte(nil), t.bytes(offset+1, n)...)
	}
	switch hsType {
	case tlsHsClientHello:
		s.clientCIDPresent = true
		if n > 0 {
			s.clientCID = cid
		}
	case tlsHsServerHello:
		s.serverCIDPresent = true
		if n > 0 {
			s.serverCID = cid
		}
	}
}
