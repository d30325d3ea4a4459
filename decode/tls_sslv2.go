package decode

// SSL 2.0 records (dissect_ssl2_record): a two- or three-byte length
// header, then one handshake message, or encrypted data.

// SSLv2 message types.
const (
	ssl2Error              = 0
	ssl2ClientHello        = 1
	ssl2ClientMasterKey    = 2
	ssl2ClientFinished     = 3
	ssl2ServerHello        = 4
	ssl2ServerVerify       = 5
	ssl2ServerFinished     = 6
	ssl2RequestCertificate = 7
	ssl2ClientCertificate  = 8
)

func ssl2MessageName(t uint8) string {
	switch t {
	case ssl2Error:
		return "Error"
	case ssl2ClientHello:
		return "Client Hello"
	case ssl2ClientMasterKey:
		return "Client Master Key"
	case ssl2ClientFinished:
		return "Client Finished"
	case ssl2ServerHello:
		return "Server Hello"
	case ssl2ServerVerify:
		return "Server Verify"
	case ssl2ServerFinished:
		return "Server Finished"
	case ssl2RequestCertificate:
		return "Request Certificate"
	case ssl2ClientCertificate:
		return "Client Certificate"
	}
	return ""
}

// sslKnownVersion is ssl_is_valid_ssl_version (the ssl_versions table).
func sslKnownVersion(v uint16) bool {
	switch v {
	case sslVersion2, sslVersion3, tlsVersion10, gmtlsVersion1, tlsVersion11, tlsVersion12, tlsVersion13, 0x01:
		return true
	}
	return v >= 0x7f0e && v <= 0x7f18
}

// dissectSSL2Record returns the offset after the record, or asks TCP for
// more data.
func (s *tlsSession) dissectSSL2Record(p *packet, t tvb, offset int) (int, bool) {
	start := offset
	b := t.u8(offset)
	headerLen := 3
	if b&0x80 != 0 {
		headerLen = 2
	}
	avail := t.reportedRemaining(offset)
	if avail < headerLen {
		return tlsShortHeader(p, t, offset)
	}
	var recordLen int
	if headerLen == 2 {
		recordLen = int(b&0x7f)<<8 | int(t.u8(offset+1))
	} else {
		recordLen = int(b&0x3f)<<8 | int(t.u8(offset+1))
		t.u8(offset + 2) // padding length
	}
	if avail < headerLen+recordLen {
		if p.canDesegment > 0 {
			p.desegmentOffset = offset
			p.desegmentLen = headerLen + recordLen - avail
			return offset, true
		}
		return offset + avail, false
	}
	end := start + headerLen + recordLen
	offset += headerLen

	msgType := t.u8(offset)
	if s.version == tlsVersionUnknown && msgType >= 2 && msgType <= 8 {
		// Only an SSLv2 peer sends the later messages in v2 format.
		s.version = sslVersion2
	}
	p.setProto("SSLv2")

	name := ssl2MessageName(msgType)
	if name == "" || !ssl2LooksLikeValidHandshake(t, offset, recordLen) {
		p.appendInfoSep(", ", "Encrypted Data")
		return end, false
	}
	p.appendInfoSep(", ", name)
	t.ensure(start, headerLen) // the record length item
	offset++
	switch msgType {
	case ssl2ClientHello:
		s.ssl2ClientHello(p, t, offset)
	case ssl2ClientMasterKey:
		ssl2ClientMasterKeyFields(t, offset)
	case ssl2ServerHello:
		ssl2ServerHelloFields(t, offset)
	}
	return end, false
}

// ssl2LooksLikeValidHandshake is ssl_looks_like_valid_v2_handshake.
func ssl2LooksLikeValidHandshake(t tvb, offset, recordLen int) bool {
	switch t.u8(offset) {
	case ssl2ClientHello:
		return sslKnownVersion(t.u16(offset + 1))
	case ssl2ServerHello:
		return sslKnownVersion(t.u16(offset + 3))
	case ssl2ClientMasterKey:
		sum := int(t.u16(offset+4)) + int(t.u16(offset+6)) + int(t.u16(offset+8))
		return sum <= recordLen
	}
	return false
}

// ssl2ClientHello reads the fields dissect_ssl2_hnd_client_hello reads,
// raising where it would, and keeps the challenge as the client random.
func (s *tlsSession) ssl2ClientHello(p *packet, t tvb, offset int) {
	if !sslKnownVersion(t.u16(offset)) {
		return
	}
	s.setServer(p)
	offset += 2
	cipherSpecLen := int(t.u16(offset))
	sessionIDLen := int(t.u16(offset + 2))
	if sessionIDLen > 16 {
		return
	}
	challengeLen := int(t.u16(offset + 4))
	offset += 6
	t.ensure(offset, cipherSpecLen)
	if cipherSpecLen%3 != 0 {
		// The 16-bit countdown wraps and walks off the end of the data.
		panic(t.errAt(offset + 0x10000))
	}
	offset += cipherSpecLen
	if sessionIDLen > 0 {
		copy(s.sessionID[:], t.bytes(offset, sessionIDLen))
		s.sessionIDLen = uint8(sessionIDLen)
		offset += sessionIDLen
	}
	if challengeLen > 0 {
		c := t.bytes(offset, challengeLen)
		n := min(challengeLen, 32)
		s.clientRandom = [32]byte{}
		copy(s.clientRandom[32-n:], c[:n])
		s.haveClientRandom = true
	}
}

func ssl2ClientMasterKeyFields(t tvb, offset int) {
	t.ensure(offset, 3)
	clearLen := int(t.u16(offset + 3))
	encLen := int(t.u16(offset + 5))
	argLen := int(t.u16(offset + 7))
	t.ensure(offset+9, clearLen+encLen+argLen)
}

func ssl2ServerHelloFields(t tvb, offset int) {
	if !sslKnownVersion(t.u16(offset + 2)) {
		return
	}
	// session_id_hit, certificate_type, version, then three lengths.
	certLen := int(t.u16(offset + 4))
	cipherLen := int(t.u16(offset + 6))
	connIDLen := int(t.u16(offset + 8))
	t.ensure(offset+10, certLen+cipherLen+connIDLen)
}
