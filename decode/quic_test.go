package decode

import (
	"encoding/binary"
	"testing"
	"time"
)

// QUIC packet builders: long-header packets are protected with the real
// Initial keys (so tshark decrypts them too), others carry opaque bytes.

func quicVarintBytes(v uint64) []byte {
	switch {
	case v < 1<<6:
		return []byte{byte(v)}
	case v < 1<<14:
		return binary.BigEndian.AppendUint16(nil, uint16(v)|0x4000)
	case v < 1<<30:
		return binary.BigEndian.AppendUint32(nil, uint32(v)|0x80000000)
	}
	return binary.BigEndian.AppendUint64(nil, v|0xc000000000000000)
}

func quicFrames(frames ...[]byte) []byte {
	var b []byte
	for _, f := range frames {
		b = append(b, f...)
	}
	return b
}

// quicFrame is a frame type followed by its fields, each a varint unless
// given as raw bytes.
func quicFrame(frameType uint64, fields ...any) []byte {
	b := quicVarintBytes(frameType)
	for _, f := range fields {
		switch v := f.(type) {
		case int:
			b = append(b, quicVarintBytes(uint64(v))...)
		case []byte:
			b = append(b, v...)
		case string:
			b = append(b, v...)
		}
	}
	return b
}

// quicTypeBits is the inverse of quicLongPacketType.
func quicTypeBits(typ uint8, version uint32) byte {
	if quicIsV2(version) {
		return [4]byte{quicInitial: 1, quic0RTT: 2, quicHandshake: 3, quicRetry: 0}[typ]
	}
	return typ
}

// quicLong builds a long-header packet. With keys the payload is sealed
// and the header protected; without, plain is sent as it is.
func quicLong(version uint32, typ uint8, dcid, scid, token []byte, pn uint64, pnLen int, plain []byte, keys *quicKeys) []byte {
	h := []byte{0xc0 | quicTypeBits(typ, version)<<4 | byte(pnLen-1)}
	h = binary.BigEndian.AppendUint32(h, version)
	h = append(h, byte(len(dcid)))
	h = append(h, dcid...)
	h = append(h, byte(len(scid)))
	h = append(h, scid...)
	if typ == quicInitial {
		h = append(h, quicVarintBytes(uint64(len(token)))...)
		h = append(h, token...)
	}
	length := pnLen + len(plain)
	if keys != nil {
		length += 16
	}
	h = binary.BigEndian.AppendUint16(h, uint16(length)|0x4000)
	pnOffset := len(h)
	for i := pnLen - 1; i >= 0; i-- {
		h = append(h, byte(pn>>(8*i)))
	}
	if keys == nil {
		return append(h, plain...)
	}
	nonce := keys.iv
	for i := 0; i < 8; i++ {
		nonce[11-i] ^= byte(pn >> (8 * i))
	}
	ct := keys.aead.Seal(nil, nonce[:], plain, h)
	var mask [16]byte
	keys.hp.Encrypt(mask[:], ct[4-pnLen:4-pnLen+16])
	h[0] ^= mask[0] & 0x0f
	for i := 0; i < pnLen; i++ {
		h[pnOffset+i] ^= mask[1+i]
	}
	return append(h, ct...)
}

func quicShortPacket(dcid []byte, n int) []byte {
	b := append([]byte{0x41}, dcid...)
	return append(b, repeat(0x6c, n)...)
}

func quicCat(parts ...[]byte) []byte { return quicFrames(parts...) }

var (
	quicDCID      = []byte{1, 2, 3, 4, 5, 6, 7, 8}
	quicClientCID = []byte{0xaa, 0xbb, 0xcc, 0xdd}
	quicServerCID = []byte{0x51, 0x52, 0x53, 0x54, 0x55}
	quicCH        = tlsHs(1, tlsClientHelloBody(0x0303, tlsExt(43, []byte{2, 3, 4})))
	quicSH        = tlsHs(2, tlsServerHelloBody(0x0303, tlsRandom(0x40), tlsExt(43, []byte{3, 4})))
)

func quicKeysFor(dcid []byte, version uint32) (client, server *quicKeys) {
	c, s := quicInitialKeys(dcid, version)
	return &c, &s
}

func quicCases() []udpCase {
	ck, sk := quicKeysFor(quicDCID, quicVersionV1)
	ck2, sk2 := quicKeysFor(quicDCID, quicVersionV2)
	ckd, _ := quicKeysFor(quicDCID, 0xff00001d)
	retryDCID := []byte{0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78}
	rck, rsk := quicKeysFor(retryDCID, quicVersionV1)
	ek, esk := quicKeysFor(nil, quicVersionV1)
	padding := repeat(0, 40)
	return []udpCase{
		{
			name:       "v1 handshake",
			serverPort: 443,
			datagrams: []udpDatagram{
				{fromClient: true, data: quicLong(quicVersionV1, quicInitial, quicDCID, quicClientCID, nil, 0, 1,
					quicCat(quicFrame(6, 0, len(quicCH[:30]), quicCH[:30]), padding), ck)},
				{fromClient: true, data: quicLong(quicVersionV1, quicInitial, quicDCID, quicClientCID, nil, 1, 2,
					quicCat(quicFrame(6, 30, len(quicCH[30:]), quicCH[30:]), quicFrame(1), padding), ck)},
				{fromClient: false, data: quicCat(
					quicLong(quicVersionV1, quicInitial, quicClientCID, quicServerCID, nil, 0, 1,
						quicCat(quicFrame(2, 1, 0, 0, 1), quicFrame(6, 0, len(quicSH), quicSH)), sk),
					quicLong(quicVersionV1, quicHandshake, quicClientCID, quicServerCID, nil, 0, 1, repeat(9, 60), nil))},
				{fromClient: true, data: quicCat(
					quicLong(quicVersionV1, quicInitial, quicServerCID, quicClientCID, nil, 2, 1, quicCat(quicFrame(2, 0, 0, 0, 0), padding), ck),
					quicLong(quicVersionV1, quicHandshake, quicServerCID, quicClientCID, nil, 0, 1, repeat(9, 60), nil),
					quicShortPacket(quicServerCID, 40))},
				{fromClient: false, data: quicShortPacket(quicClientCID, 50)},
				{fromClient: true, data: quicShortPacket([]byte{9, 9, 9, 9, 9}, 50)},
				{fromClient: true, data: quicCat(quicShortPacket(quicServerCID, 30))},
			},
			want: []string{
				"QUIC|Initial, DCID=0102030405060708, SCID=aabbccdd, PKN: 0, CRYPTO, PADDING",
				"QUIC|Initial, DCID=0102030405060708, SCID=aabbccdd, PKN: 1, CRYPTO, PING, PADDING",
				"QUIC|Handshake, DCID=aabbccdd, SCID=5152535455",
				"QUIC|Protected Payload (KP0), DCID=5152535455",
				"QUIC|Protected Payload (KP0), DCID=aabbccdd",
				"QUIC|Protected Payload (KP0)",
				"QUIC|Protected Payload (KP0), DCID=5152535455",
			},
		},
		{
			name:       "frames in an initial packet",
			serverPort: 4433,
			datagrams: []udpDatagram{
				{fromClient: true, data: quicLong(quicVersionV1, quicInitial, quicDCID, quicClientCID, []byte("tok"), 300, 2, quicCat(
					quicFrame(3, 10, 1, 1, 0, 1, 1, 5, 6, 7),
					quicFrame(4, 4, 0, 100),
					quicFrame(5, 8, 1),
					quicFrame(7, 3, "abc"),
					quicFrame(0x0e, 4, 5, 5, "hello"),
					quicFrame(0x0a, 8, 2, "hi"),
					quicFrame(0x10, 1000),
					quicFrame(0x11, 12, 2000),
					quicFrame(0x12, 100), quicFrame(0x13, 100),
					quicFrame(0x14, 5), quicFrame(0x15, 16, 5), quicFrame(0x16, 3), quicFrame(0x17, 3),
					quicFrame(0x18, 1, 0, []byte{4, 1, 2, 3, 4}, repeat(0xee, 16)),
					quicFrame(0x19, 0),
					quicFrame(0x1a, repeat(1, 8)), quicFrame(0x1b, repeat(2, 8)),
					quicFrame(0x1c, 0x10a, 6, 4, "oops"),
					quicFrame(0x1d, 7, 0),
					quicFrame(0x1e),
					quicFrame(0x31, 3, "dgm"),
					quicFrame(0xac), quicFrame(0xaf, 1, 2, 3, []byte{0}), quicFrame(0x2f5, 9),
					quicFrame(0x21),
					quicFrame(0x0c, 20, 0, "rest of the packet"),
				), ck)},
			},
			want: []string{
				"QUIC|Initial, DCID=0102030405060708, SCID=aabbccdd, PKN: 300, ACK_ECN, RS(4), SS(8), NT, STREAM(4), STREAM(8), MD, MSD(12), MS, MS, DB, SDB(16), SB, SB, NCI, RC, PC, PR, CC, CC, DONE, DG, IA, AF, TS, STREAM(20)",
			},
		},
		{
			name:       "retry and version negotiation",
			serverPort: 443,
			datagrams: []udpDatagram{
				{fromClient: true, data: quicLong(quicVersionV1, quicInitial, quicDCID, quicClientCID, nil, 0, 1, quicCat(quicFrame(1), padding), ck)},
				{fromClient: false, data: quicCat([]byte{0xf0, 0, 0, 0, 1, 4}, quicClientCID, []byte{8}, retryDCID, []byte("token"), repeat(0x3c, 16))},
				{fromClient: true, data: quicLong(quicVersionV1, quicInitial, retryDCID, quicClientCID, []byte("token"), 1, 1, quicCat(quicFrame(1), padding), rck)},
				{fromClient: false, data: quicLong(quicVersionV1, quicInitial, quicClientCID, quicServerCID, nil, 0, 1, quicCat(quicFrame(2, 1, 0, 0, 0), padding), rsk)},
				{fromClient: false, data: quicCat([]byte{0x80, 0, 0, 0, 0, 4}, quicClientCID, []byte{8}, quicDCID, []byte{0, 0, 0, 1, 0x6b, 0x33, 0x43, 0xcf})},
				{fromClient: false, data: quicCat([]byte{0x80, 0, 0, 0, 0, 4}, quicClientCID, []byte{0}, []byte{0, 0, 0, 1, 0x6b})},
			},
			want: []string{
				"QUIC|Initial, DCID=0102030405060708, SCID=aabbccdd, PKN: 0, PING, PADDING",
				"QUIC|Retry, DCID=aabbccdd, SCID=7172737475767778",
				"QUIC|Initial, DCID=7172737475767778, SCID=aabbccdd, PKN: 1, PING, PADDING",
				"QUIC|Initial, DCID=aabbccdd, SCID=5152535455, PKN: 0, ACK, PADDING",
				"QUIC|Version Negotiation, DCID=aabbccdd, SCID=0102030405060708",
				"QUIC|Version Negotiation, DCID=aabbccdd[Malformed Packet]",
			},
		},
		{
			name:       "versions 2 and draft 29",
			serverPort: 443,
			datagrams: []udpDatagram{
				{fromClient: true, data: quicLong(quicVersionV2, quicInitial, quicDCID, nil, nil, 7, 4, quicCat(quicFrame(1), padding), ck2)},
				{fromClient: false, data: quicLong(quicVersionV2, quicInitial, nil, quicServerCID, nil, 0, 1, quicCat(quicFrame(2, 7, 0, 0, 0), padding), sk2)},
				{fromClient: true, data: quicLong(quicVersionV2, quic0RTT, quicDCID, nil, nil, 0, 1, repeat(3, 40), nil)},
				{fromClient: true, data: quicShortPacket(quicServerCID, 30)},
				{fromClient: false, data: quicShortPacket(nil, 30)},
			},
			want: []string{
				"QUIC|Initial, DCID=0102030405060708, PKN: 7, PING, PADDING",
				"QUIC|Initial, SCID=5152535455, PKN: 0, ACK, PADDING",
				"QUIC|0-RTT, DCID=0102030405060708",
				"QUIC|Protected Payload (KP0), DCID=5152535455",
				"QUIC|Protected Payload (KP0)",
			},
		},
		{
			name:       "compatible version negotiation and an empty DCID",
			serverPort: 443,
			datagrams: []udpDatagram{
				{fromClient: true, data: quicLong(quicVersionV1, quicInitial, quicDCID, quicClientCID, nil, 0, 1, quicCat(quicFrame(1), padding), ck)},
				{fromClient: false, data: quicLong(quicVersionV2, quicInitial, quicClientCID, quicServerCID, nil, 0, 1, quicCat(quicFrame(2, 0, 0, 0, 0), padding), sk2)},
				{fromClient: true, data: quicLong(quicVersionV2, quicInitial, quicServerCID, quicClientCID, nil, 1, 1, quicCat(quicFrame(1), padding), ck2)},
				{fromClient: true, data: quicLong(quicVersionV1, quicInitial, nil, []byte{0xe1}, nil, 0, 1, quicCat(quicFrame(1), padding), ek)},
				{fromClient: false, data: quicLong(quicVersionV1, quicInitial, []byte{0xe1}, nil, nil, 0, 1, quicCat(quicFrame(2, 0, 0, 0, 0), padding), esk)},
			},
			want: []string{
				"QUIC|Initial, DCID=0102030405060708, SCID=aabbccdd, PKN: 0, PING, PADDING",
				"QUIC|Initial, DCID=aabbccdd, SCID=5152535455, PKN: 0, ACK, PADDING",
				"QUIC|Initial, DCID=5152535455, SCID=aabbccdd, PKN: 1, PING, PADDING",
				// Same addresses and no DCID: the first connection's keys.
				"QUIC|Initial, SCID=e1, PKN: 3443637",
				"QUIC|Initial, DCID=e1, PKN: 471370",
			},
		},
		{
			name:       "draft 29, padding and damage",
			serverPort: 8443,
			datagrams: []udpDatagram{
				{fromClient: true, data: quicCat(
					quicLong(0xff00001d, quicInitial, quicDCID, quicClientCID, nil, 0, 1, quicCat(quicFrame(1), padding), ckd),
					[]byte{0xc3, 0xff, 0, 0, 0x1d, 3, 1, 2, 3}, repeat(0x11, 30))},
				{fromClient: true, data: quicLong(0xff00001d, quicInitial, quicDCID, quicClientCID, nil, 1, 1, quicCat(quicFrame(1), padding), ck)},
				{fromClient: true, data: quicLong(0xff00001d, quicInitial, quicDCID, quicClientCID, nil, 2, 1, quicCat(quicFrame(1), padding), ckd)[:40]},
				{fromClient: true, data: quicLong(0xff00001d, quicInitial, quicDCID, quicClientCID, nil, 3, 1, quicCat(quicFrame(6, 0, 100, "short")), ckd)},
			},
			want: []string{
				"QUIC|Initial, DCID=0102030405060708, SCID=aabbccdd, PKN: 0, PING, PADDING[Malformed Packet]",
				"QUIC|Initial, DCID=0102030405060708, SCID=aabbccdd, PKN: 21986",
				"QUIC|50000 → 8443 Len=40[Malformed Packet]",
				"QUIC|Initial, DCID=0102030405060708, SCID=aabbccdd, PKN: 3, CRYPTO",
			},
		},
	}
}

func TestQUICDatagrams(t *testing.T) { checkUDPCases(t, quicCases()) }

func init() { registerSynthUDP("quic-", quicCases()) }

func TestQUICDraftVersion(t *testing.T) {
	cases := []struct {
		version uint32
		draft   uint8
	}{
		{version: 1, draft: 34},
		{version: 0x6b3343cf, draft: 100},
		{version: 0xff00001d, draft: 29},
		{version: 0xfaceb002, draft: 27},
		{version: 0x1a2a3a4a, draft: 29},
		{version: 0x51303530, draft: 27},
		{version: 0x51303436, draft: 0},
		{version: 0, draft: 0},
	}
	for _, c := range cases {
		if got := quicDraftVersion(c.version); got != c.draft {
			t.Errorf("%#08x: got %d, want %d", c.version, got, c.draft)
		}
	}
}

func TestQUICAdjustPacketNumber(t *testing.T) {
	cases := []struct {
		max, pn uint64
		bits    uint
		want    uint64
	}{
		{max: 0, pn: 0, bits: 8, want: 0},
		{max: 0, pn: 5, bits: 8, want: 5},
		{max: 0xa82f30ea, pn: 0x9b32, bits: 16, want: 0xa82f9b32}, // RFC 9000 A.3
		{max: 255, pn: 1, bits: 8, want: 257},
		{max: 1000, pn: 0xe6, bits: 8, want: 998},
	}
	for _, c := range cases {
		if got := quicAdjustPacketNumber(c.max, c.pn, c.bits); got != c.want {
			t.Errorf("max %d pn %#x/%d: got %d, want %d", c.max, c.pn, c.bits, got, c.want)
		}
	}
}

// FuzzTLSQUICPayloads feeds arbitrary payloads to TLS (a TCP stream on 443),
// DTLS (UDP 853) and QUIC (UDP, through its heuristic), one Decoder each.
func FuzzTLSQUICPayloads(f *testing.F) {
	f.Add(byte(0), []byte(tlsCH12+tlsSH12))
	f.Add(byte(1), dtlsRec(22, 0xfefd, 1, dtlsHs(11, 300, 2, 100, repeat(1, 50))))
	ck, _ := quicKeysFor(quicDCID, quicVersionV1)
	f.Add(byte(2), quicLong(quicVersionV1, quicInitial, quicDCID, quicClientCID, nil, 0, 1, quicCat(quicFrame(6, 0, 10, "0123456789"), repeat(0, 30)), ck))
	f.Fuzz(func(t *testing.T, sel byte, data []byte) {
		d := New(Options{OnBug: func(n uint64, msg string) { t.Fatalf("frame %d: dissector bug: %s", n, msg) }})
		ts := time.Unix(1700000000, 0)
		var rec Record
		decode := func(b []byte) {
			fr := Frame{Data: b, WireLen: len(b), Timestamp: ts, TimeDigits: 6, LinkType: LinkEthernet}
			ts = ts.Add(time.Millisecond)
			d.Decode(&fr, &rec)
		}
		// Split the data in up to 8 pieces at the bytes the fuzzer chooses.
		var pieces [][]byte
		for len(data) > 0 && len(pieces) < 8 {
			n := int(data[0])%64 + 1
			data = data[1:]
			n = min(n*8, len(data))
			pieces = append(pieces, data[:n])
			data = data[n:]
		}
		switch sel % 3 {
		case 0:
			c := textStreamCase{serverPort: 443}
			for i, pc := range pieces {
				c.segments = append(c.segments, textSegment{fromClient: i%2 == 0, data: string(pc)})
			}
			for _, fr := range textStreamFrames(c) {
				decode(fr)
			}
		default:
			c := udpCase{serverPort: 853}
			if sel%3 == 2 {
				c.serverPort = 4433
			}
			for i, pc := range pieces {
				c.datagrams = append(c.datagrams, udpDatagram{fromClient: i%3 != 1, data: pc})
			}
			for _, fr := range udpCaseFrames(c) {
				decode(fr)
			}
		}
	})
}
