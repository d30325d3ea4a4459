package decode

// decoderState is the per-capture state of the protocols below the
// transport layer (the transport flows live in flowTable).
type decoderState struct {
	ipFrags ipFragTable
	arp     arpTable
	icmp    icmpEchoTable
	// expect holds conversations announced by FTP (expect.go).
	expect expectTable
	// quic tracks QUIC connections by connection ID (quic.go).
	quic quicTable
	// dtls lists the DTLS sessions with connection IDs (dtls.go).
	dtls dtlsTable
	// wlanFrags reassembles fragmented 802.11 frames (ieee80211.go).
	wlanFrags wlanFragTable
	// tlsKeys caches master secrets by session ID and ticket (tls_keys.go).
	tlsKeys tlsKeyCache
}

func (s *decoderState) init() {
	s.ipFrags.init()
	s.arp.init()
	s.icmp.init()
}
