package decode

// Key management for TLS decryption, as packet-tls-utils.c does it with a
// key log: TLS 1.0-1.2 look up the master secret at each ChangeCipherSpec
// (ssl_finalize_decryption) and switch that side's decoder
// (ssl_change_cipher); TLS 1.3 load a traffic secret at ServerHello
// (handshake), at each side's Finished (application) and at KeyUpdate.

// tlsDecryptState is what a session keeps for decryption (the parts of
// SslDecryptSession beyond what dissection needs). It exists only when the
// Decoder has a key log.
type tlsDecryptState struct {
	client, server       *tlsDecoder // active decoders
	clientNew, serverNew *tlsDecoder // ready for the next ChangeCipherSpec
	haveSessionKey       bool
	masterSecret         []byte
	encryptThenMAC       bool
	sessionTicket        []byte
	newSessionTicket     bool // the server sent a ticket in this handshake
	seen0RTT             bool
	// late are the sides whose secret was missing when tshark looks it
	// up (client, server), for keys a live capture sees later.
	late [2]tlsLateKey
	// flows are the decrypted application data streams (client, server).
	flows [2]tlsFlow
}

// tlsLateKey is a side waiting for a secret that was not in the key log
// when it was needed. In a live capture the client often writes it a
// moment after the packet that needs it; once the file brings new
// secrets, the records that follow are tried with them, at each sequence
// number the skipped records may have used. A key log that does not grow
// (reading a file) never gets here, so the output stays tshark's.
type tlsLateKey struct {
	pending bool
	tls13   tls13SecretKind // the secret expected; 0 for TLS 1.2
	gen     uint64          // key log generation when it was missing
	skipped int             // records not decrypted since
}

// maxLateRecords bounds the sequence numbers tried for a late key.
const maxLateRecords = 64

// maxTLSKeyCache bounds the master secrets remembered by session ID and
// by ticket for resumed sessions.
const maxTLSKeyCache = 4096

// maxTLSKeyCacheID bounds a ticket kept as a key (they are a few hundred
// bytes in practice).
const maxTLSKeyCacheID = 2048

// tlsKeyCache holds the master secrets of the sessions decrypted so far,
// by session ID and by ticket, for resumptions later in the capture
// (ssl_save_master_key into the key map).
type tlsKeyCache struct {
	bySessionID map[string][]byte
	byTicket    map[string][]byte
}

func (c *tlsKeyCache) save(m *map[string][]byte, id, secret []byte) {
	if len(id) == 0 || len(id) > maxTLSKeyCacheID || len(secret) == 0 {
		return
	}
	if *m == nil {
		*m = make(map[string][]byte)
	}
	if len(*m) >= maxTLSKeyCache {
		for k := range *m { // forget an arbitrary one
			delete(*m, k)
			break
		}
	}
	(*m)[string(id)] = append([]byte(nil), secret...)
}

// decryption returns the session's decryption state, nil without a key
// log.
func (s *tlsSession) decryption(p *packet) *tlsDecryptState {
	// QUIC runs the TLS handshake without the record layer: nothing to
	// decrypt here (tls13_change_key's SSL_QUIC_RECORD_LAYER).
	if s.dec == nil && p.d.opts.KeyLog != nil && p.ptype == portTCP {
		s.dec = &tlsDecryptState{}
	}
	return s.dec
}

// finalizeDecryption is ssl_finalize_decryption (TLS 1.2 and earlier):
// find the master secret and derive the keys, once per handshake.
func (s *tlsSession) finalizeDecryption(p *packet) {
	ds := s.decryption(p)
	if ds == nil || s.version == tlsVersion13 || ds.haveSessionKey {
		return
	}
	suite, ok := tlsSuites[s.cipherSuite]
	if !ok || suite.tls13 {
		return
	}
	if !s.haveClientRandom || !s.haveServerRandom {
		return
	}
	switch s.version {
	case tlsVersion10, tlsVersion11, tlsVersion12:
	default:
		return // SSLv3's MAC and key derivation differ, GM/T is not done
	}
	if s.compression != 0 {
		return
	}
	keys := &p.d.state.tlsKeys
	kl := p.d.opts.KeyLog
	sid := s.sessionID[:s.sessionIDLen]
	if ds.masterSecret == nil {
		switch {
		case len(sid) > 0 && keys.bySessionID[string(sid)] != nil:
			ds.masterSecret = keys.bySessionID[string(sid)]
		case len(sid) > 0 && kl.lookup(klSessionID, sid) != nil:
			ds.masterSecret = kl.lookup(klSessionID, sid)
		case s.sessionResumed && len(ds.sessionTicket) > 0 && keys.byTicket[string(ds.sessionTicket)] != nil:
			ds.masterSecret = keys.byTicket[string(ds.sessionTicket)]
		default:
			ds.masterSecret = kl.lookup(klMasterSecret, s.clientRandom[:])
		}
		if ds.masterSecret == nil {
			gen := kl.generation()
			for i := range ds.late {
				if !ds.late[i].pending {
					ds.late[i] = tlsLateKey{pending: true, gen: gen}
				}
			}
			return
		}
	}
	client, server := tlsKeyBlock(s.version, suite, ds.masterSecret, s.clientRandom[:], s.serverRandom[:])
	if client == nil {
		return
	}
	ds.clientNew, ds.serverNew = client, server
	ds.haveSessionKey = true
	keys.save(&keys.bySessionID, sid, ds.masterSecret)
	if ds.newSessionTicket {
		keys.save(&keys.byTicket, ds.sessionTicket, ds.masterSecret)
	}
}

// changeCipher is ssl_change_cipher: a side's ChangeCipherSpec makes its
// new keys the ones in use.
func (s *tlsSession) changeCipher(fromServer bool) {
	ds := s.dec
	if ds == nil {
		return
	}
	if fromServer {
		if ds.serverNew != nil {
			ds.server, ds.serverNew = ds.serverNew, nil
		}
	} else if ds.clientNew != nil {
		ds.client, ds.clientNew = ds.clientNew, nil
	}
}

// tls13SecretKind says which traffic secret tls13ChangeKey loads.
type tls13SecretKind uint8

const (
	tls13SecretHandshake tls13SecretKind = iota + 1
	tls13SecretApp
)

// tls13ChangeKey is tls13_change_key: load a traffic secret from the key
// log and make a decoder of it. A missing secret disables that side.
func (s *tlsSession) tls13ChangeKey(p *packet, fromServer bool, kind tls13SecretKind) {
	ds := s.decryption(p)
	if ds == nil || s.version != tlsVersion13 || !s.haveClientRandom {
		return
	}
	var label keyLogLabel
	switch {
	case kind == tls13SecretHandshake && fromServer:
		label = klServerHandshake
	case kind == tls13SecretHandshake:
		label = klClientHandshake
	case fromServer:
		label = klServerTraffic0
	default:
		label = klClientTraffic0
	}
	ds.haveSessionKey = false
	ds.masterSecret = nil
	secret := p.d.opts.KeyLog.lookup(label, s.clientRandom[:])
	dec := &ds.client
	if fromServer {
		dec = &ds.server
	}
	side := 0
	if fromServer {
		side = 1
	}
	if secret == nil {
		*dec = nil
		ds.late[side] = tlsLateKey{pending: true, tls13: kind, gen: p.d.opts.KeyLog.generation()}
		return
	}
	ds.late[side] = tlsLateKey{}
	suite, ok := tlsSuites[s.cipherSuite]
	if !ok || !suite.tls13 {
		return
	}
	d := tls13Decoder(suite, s.tls13Draft, secret)
	if d == nil {
		return
	}
	if kind == tls13SecretApp {
		d.appSecret = secret
	}
	*dec = d
}

// tls13KeyUpdate is tls13_key_update: the next application traffic
// secret of a side.
func (s *tlsSession) tls13KeyUpdate(fromServer bool) {
	ds := s.dec
	if ds == nil {
		return
	}
	dec := &ds.client
	if fromServer {
		dec = &ds.server
	}
	if *dec == nil || len((*dec).appSecret) == 0 {
		return
	}
	suite := (*dec).suite
	label := "traffic upd"
	if s.tls13Draft > 0 && s.tls13Draft < 20 {
		label = "application traffic secret"
	}
	next := tls13ExpandLabel(suite.newHash(), (*dec).appSecret, s.tls13Draft, label, len((*dec).appSecret))
	if next == nil {
		return
	}
	if d := tls13Decoder(suite, s.tls13Draft, next); d != nil {
		d.appSecret = next
		*dec = d
	}
}

// resetDecryption is the decryption part of ssl_reset_session: a new
// hello starts a new key exchange.
func (s *tlsSession) resetDecryption(client bool) {
	ds := s.dec
	if ds == nil {
		return
	}
	ds.haveSessionKey = false
	ds.masterSecret = nil
	if client {
		ds.sessionTicket = nil
	} else {
		ds.newSessionTicket = false
	}
}

// decryptRecord is decrypt_ssl3_record: the plaintext of the record at
// [offset, offset+n) and, for TLS 1.3, its inner content type. ok is false
// when there is no decoder or the record does not authenticate; a record
// that decrypts to nothing is not kept either (tls_save_decrypted_record).
func (s *tlsSession) decryptRecord(p *packet, t tvb, offset, n int, contentType uint8, recordVersion uint16, fromServer bool) (plain []byte, innerType uint8, ok bool) {
	ds := s.dec
	if ds == nil {
		return nil, 0, false
	}
	dec := ds.client
	side := 0
	if fromServer {
		dec = ds.server
		side = 1
	}
	if !t.has(offset, n) {
		return nil, 0, false
	}
	out := make([]byte, 0, n)
	in := t.b[offset : offset+n]
	if dec == nil {
		if !ds.late[side].pending {
			return nil, 0, false
		}
		plain, ok = s.lateDecrypt(p, side, contentType, recordVersion, in, out)
	} else {
		plain, ok = dec.decryptRecord(s.version, s.tls13Draft, contentType, recordVersion, in, ds.encryptThenMAC, out)
	}
	if !ok || len(plain) == 0 {
		return nil, 0, false
	}
	innerType = contentType
	if s.version == tlsVersion13 {
		// The content type follows the data, then zero padding.
		i := len(plain)
		for i > 0 && plain[i-1] == 0 {
			i--
		}
		if i == 0 {
			return nil, 0, false
		}
		innerType = plain[i-1]
		plain = plain[:i-1]
		if len(plain) == 0 {
			return nil, 0, false
		}
	}
	return plain, innerType, true
}

// lateDecrypt tries a record of a side waiting for a late secret with the
// secrets the key log brought since (tlsLateKey).
func (s *tlsSession) lateDecrypt(p *packet, side int, contentType uint8, recordVersion uint16, in, out []byte) ([]byte, bool) {
	ds := s.dec
	lk := &ds.late[side]
	n := lk.skipped
	lk.skipped++
	if n >= maxLateRecords {
		lk.pending = false
		return nil, false
	}
	kl := p.d.opts.KeyLog
	gen := kl.generation()
	if gen == lk.gen {
		return nil, false
	}
	try := func(d *tlsDecoder) ([]byte, bool) {
		for seq := 0; seq <= n; seq++ {
			d.seq = uint64(seq)
			if plain, ok := d.decryptRecord(s.version, s.tls13Draft, contentType, recordVersion, in, ds.encryptThenMAC, out); ok {
				return plain, true
			}
		}
		return nil, false
	}
	install := func(d *tlsDecoder) {
		if side == 1 {
			ds.server = d
		} else {
			ds.client = d
		}
		*lk = tlsLateKey{}
	}
	if s.version == tlsVersion13 {
		suite, ok := tlsSuites[s.cipherSuite]
		if !ok || !suite.tls13 || !s.haveClientRandom {
			return nil, false
		}
		labels := [2][2]keyLogLabel{{klClientHandshake, klClientTraffic0}, {klServerHandshake, klServerTraffic0}}[side]
		first := 0
		if lk.tls13 == tls13SecretApp {
			first = 1
		}
		for i := first; i < 2; i++ {
			secret := kl.lookup(labels[i], s.clientRandom[:])
			if secret == nil {
				continue
			}
			d := tls13Decoder(suite, s.tls13Draft, secret)
			if d == nil {
				continue
			}
			if i == 1 {
				d.appSecret = secret
			}
			if plain, ok := try(d); ok {
				install(d)
				return plain, true
			}
		}
		lk.gen = gen
		return nil, false
	}
	if s.version == tlsVersion10 {
		return nil, false // the IV chains from records not kept
	}
	ccs := s.clientCCSFrame
	if side == 1 {
		ccs = s.serverCCSFrame
	}
	if ccs == 0 {
		return nil, false
	}
	if !ds.haveSessionKey {
		s.finalizeDecryption(p)
	}
	d := ds.clientNew
	if side == 1 {
		d = ds.serverNew
	}
	if d != nil {
		if plain, ok := try(d); ok {
			if side == 1 {
				ds.serverNew = nil
			} else {
				ds.clientNew = nil
			}
			install(d)
			return plain, true
		}
	}
	lk.gen = gen
	return nil, false
}
