package decode

import (
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"math/big"
	"strings"
	"testing"
	"time"
)

// A UDP exchange builder, shared by the DTLS and QUIC tests.

type udpDatagram struct {
	fromClient bool
	data       []byte
}

type udpCase struct {
	name       string
	serverPort uint16
	datagrams  []udpDatagram
	// want holds "Protocol|Info" for each datagram, in order.
	want []string
}

func udpTestFrame(src, dst [4]byte, sport, dport uint16, payload []byte) []byte {
	f := make([]byte, 14+20+8+len(payload))
	copy(f[0:6], []byte{0, 1, 2, 3, 4, 5})
	copy(f[6:12], []byte{0, 1, 2, 3, 4, 6})
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	ip := f[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+8+len(payload)))
	ip[8] = 64
	ip[9] = 17
	copy(ip[12:16], src[:])
	copy(ip[16:20], dst[:])
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp[0:], sport)
	binary.BigEndian.PutUint16(udp[2:], dport)
	binary.BigEndian.PutUint16(udp[4:], uint16(8+len(payload)))
	copy(udp[8:], payload)
	return f
}

func udpCaseFrames(c udpCase) [][]byte {
	client, server := [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}
	const cport = 50000
	var frames [][]byte
	for _, d := range c.datagrams {
		if d.fromClient {
			frames = append(frames, udpTestFrame(client, server, cport, c.serverPort, d.data))
		} else {
			frames = append(frames, udpTestFrame(server, client, c.serverPort, cport, d.data))
		}
	}
	return frames
}

func checkUDPCases(t *testing.T, cases []udpCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := New(Options{OnBug: func(n uint64, msg string) { t.Fatalf("frame %d: dissector bug: %s", n, msg) }})
			ts := time.Unix(1700000000, 0)
			var rec Record
			var got []string
			for _, b := range udpCaseFrames(c) {
				f := Frame{Data: b, WireLen: len(b), Timestamp: ts, TimeDigits: 6, LinkType: LinkEthernet}
				ts = ts.Add(time.Millisecond)
				d.Decode(&f, &rec)
				got = append(got, string(rec.Protocol)+"|"+string(rec.Info))
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d rows, want %d: %q", len(got), len(c.want), got)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("datagram %d:\n got  %q\n want %q", i, got[i], c.want[i])
				}
			}
		})
	}
}

func registerSynthUDP(prefix string, cases []udpCase) {
	for _, c := range cases {
		synthCaptures[prefix+strings.ReplaceAll(c.name, " ", "-")] = func() [][]byte { return udpCaseFrames(c) }
	}
}

// DTLS builders.

func dtlsRec(contentType byte, version uint16, seq uint64, body ...[]byte) []byte {
	var b []byte
	for _, x := range body {
		b = append(b, x...)
	}
	out := []byte{contentType, byte(version >> 8), byte(version), 0, 0}
	out = append(out, byte(seq>>40), byte(seq>>32), byte(seq>>24), byte(seq>>16), byte(seq>>8), byte(seq))
	out = binary.BigEndian.AppendUint16(out, uint16(len(b)))
	return append(out, b...)
}

// dtlsHs is a handshake message fragment: the message's full length, its
// sequence number, and the fragment [off, off+len(frag)).
func dtlsHs(msgType byte, length int, msgSeq uint16, off int, frag []byte) []byte {
	out := []byte{msgType, byte(length >> 16), byte(length >> 8), byte(length)}
	out = binary.BigEndian.AppendUint16(out, msgSeq)
	out = append(out, byte(off>>16), byte(off>>8), byte(off))
	out = append(out, byte(len(frag)>>16), byte(len(frag)>>8), byte(len(frag)))
	return append(out, frag...)
}

func dtlsWhole(msgType byte, msgSeq uint16, body []byte) []byte {
	return dtlsHs(msgType, len(body), msgSeq, 0, body)
}

func dtlsClientHelloBody(cookie []byte) []byte {
	b := []byte{0xfe, 0xfd}
	b = append(b, tlsRandom(1)...)
	b = append(b, 0, byte(len(cookie)))
	b = append(b, cookie...)
	b = append(b, 0, 2, 0xc0, 0x2b, 1, 0)
	return b
}

var (
	dtlsCert        = tlsCertificateBody()
	dtlsServerHello = tlsServerHelloBody(0xfefd, tlsRandom(0x40))
)

// tlsCertificateBody is a Certificate message body with one small,
// well-formed certificate (Wireshark parses it).
func tlsCertificateBody() []byte {
	key := ed25519.NewKeyFromSeed(repeat(7, ed25519.SeedSize))
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test"},
		NotBefore:    time.Unix(1700000000, 0),
		NotAfter:     time.Unix(1800000000, 0),
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
	if err != nil {
		panic(err)
	}
	n := len(der)
	b := []byte{byte((n + 3) >> 16), byte((n + 3) >> 8), byte(n + 3), byte(n >> 16), byte(n >> 8), byte(n)}
	return append(b, der...)
}

var dtlsCases = []udpCase{
	{
		name:       "dtls 1.2 handshake",
		serverPort: 4433,
		datagrams: []udpDatagram{
			{fromClient: true, data: dtlsRec(22, 0xfeff, 0, dtlsWhole(1, 0, dtlsClientHelloBody(nil)))},
			{fromClient: false, data: dtlsRec(22, 0xfeff, 0, dtlsWhole(3, 0, []byte{0xfe, 0xff, 4, 1, 2, 3, 4}))},
			{fromClient: true, data: dtlsRec(22, 0xfeff, 1, dtlsWhole(1, 1, dtlsClientHelloBody([]byte{1, 2, 3, 4})))},
			{fromClient: false, data: append(dtlsRec(22, 0xfefd, 1, dtlsWhole(2, 1, dtlsServerHello)),
				dtlsRec(22, 0xfefd, 2, dtlsHs(11, len(dtlsCert), 2, 0, dtlsCert[:100]))...)},
			{fromClient: false, data: dtlsRec(22, 0xfefd, 3, dtlsHs(11, len(dtlsCert), 2, 100, dtlsCert[100:]), dtlsWhole(14, 3, nil))},
			{fromClient: true, data: append(dtlsRec(20, 0xfefd, 2, []byte{1}), dtlsRec(22, 0xfefd, 3, repeat(0x77, 48))...)},
			{fromClient: true, data: dtlsRec(23, 0xfefd, 4, repeat(0x31, 30))},
			{fromClient: false, data: dtlsRec(21, 0xfefd, 4, []byte{2, 40})},
			{fromClient: true, data: dtlsRec(21, 0xfefd, 5, repeat(0x31, 26))},
			{fromClient: true, data: dtlsRec(24, 0xfefd, 6, []byte{1, 0, 2, 'h', 'i'}, repeat(0, 16))},
			{fromClient: true, data: dtlsRec(24, 0xfefd, 7, repeat(0x44, 40))},
			{fromClient: true, data: dtlsRec(25, 0xfefd, 8, repeat(0x44, 20))},
			{fromClient: true, data: append(dtlsRec(23, 0xfefd, 9, repeat(0x31, 30)), 0x40, 1, 2, 3)},
		},
		want: []string{
			"DTLS|Client Hello",
			"DTLSv1.0|Hello Verify Request",
			"DTLSv1.0|Client Hello",
			"DTLSv1.2|Server Hello, Certificate (Fragment)",
			"DTLSv1.2|Certificate (Reassembled), Server Hello Done",
			"DTLSv1.2|Change Cipher Spec, Encrypted Handshake Message",
			"DTLSv1.2|Application Data",
			"DTLSv1.2|Alert (Level: Fatal, Description: Handshake Failure)",
			"DTLSv1.2|Encrypted Alert",
			"DTLSv1.2|Heartbeat Request",
			"DTLSv1.2|Encrypted Heartbeat",
			"DTLSv1.2|Connection ID",
			"UDP|50000 → 4433 Len=47",
		},
	},
	{
		name:       "fragments out of order and again",
		serverPort: 4433,
		datagrams: []udpDatagram{
			{fromClient: false, data: dtlsRec(22, 0xfefd, 2, dtlsHs(11, len(dtlsCert), 2, 100, dtlsCert[100:]))},
			{fromClient: false, data: dtlsRec(22, 0xfefd, 3, dtlsHs(11, len(dtlsCert), 2, 0, dtlsCert[:100]))},
			{fromClient: false, data: dtlsRec(22, 0xfefd, 4, dtlsHs(11, len(dtlsCert), 2, 100, dtlsCert[100:]))},
		},
		want: []string{
			"DTLSv1.2|Certificate (Fragment)",
			"DTLSv1.2|Certificate (Fragment)",
			"DTLSv1.2|Certificate[Reassembly error, protocol DTLS: New fragment overlaps old data (retransmission?)]",
		},
	},
	{
		name:       "dns port without dtls",
		serverPort: 853,
		datagrams: []udpDatagram{
			{fromClient: true, data: []byte("hello there")},
			{fromClient: true, data: dtlsRec(23, 0xfefd, 1, repeat(1, 10))[:20]},
		},
		want: []string{
			"DTLS|Continuation Data",
			"DTLSv1.2|Application Data[Malformed Packet]",
		},
	},
}

// dtlsCIDHello is a hello body with a connection_id extension (RFC 9146).
func dtlsCIDHello(client bool, cid []byte) []byte {
	ext := tlsExt(54, append([]byte{byte(len(cid))}, cid...))
	var b []byte
	if client {
		b = append(dtlsClientHelloBody([]byte{1, 2, 3, 4}), 0, byte(len(ext)))
	} else {
		b = append(tlsServerHelloBody(0xfefd, tlsRandom(0x40)), 0, byte(len(ext)))
		// tlsServerHelloBody ends with the compression method.
	}
	return append(b, ext...)
}

// dtlsCIDRec is a tls12_cid record carrying cid.
func dtlsCIDRec(seq uint64, cid, body []byte) []byte {
	out := []byte{25, 0xfe, 0xfd, 0, 1}
	out = append(out, byte(seq>>40), byte(seq>>32), byte(seq>>24), byte(seq>>16), byte(seq>>8), byte(seq))
	out = append(out, cid...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(body)))
	return append(out, body...)
}

var dtlsCIDCases = []udpCase{
	{
		name:       "connection ids",
		serverPort: 5684,
		datagrams: []udpDatagram{
			{fromClient: true, data: dtlsRec(22, 0xfefd, 0, dtlsWhole(1, 0, dtlsCIDHello(true, []byte{0xc1, 0xc2, 0xc3, 0xc4})))},
			{fromClient: false, data: dtlsRec(22, 0xfefd, 0, dtlsWhole(2, 0, dtlsCIDHello(false, []byte{0x5e, 0x5f})), dtlsWhole(14, 1, nil))},
			{fromClient: true, data: append(dtlsCIDRec(1, []byte{0x5e, 0x5f}, repeat(7, 30)), dtlsCIDRec(2, []byte{0x5e, 0x5f}, repeat(8, 20))...)},
			{fromClient: false, data: dtlsCIDRec(1, []byte{0xc1, 0xc2, 0xc3, 0xc4}, repeat(9, 30))},
		},
		want: []string{
			"DTLS|Client Hello",
			"DTLSv1.2|Server Hello, Server Hello Done",
			"DTLSv1.2|Connection ID, Connection ID",
			"DTLSv1.2|Connection ID",
		},
	},
}

func TestDTLSDatagrams(t *testing.T) {
	checkUDPCases(t, dtlsCases)
	checkUDPCases(t, dtlsCIDCases)
}

func init() {
	registerSynthUDP("dtls-", dtlsCases)
	registerSynthUDP("dtls-", dtlsCIDCases)
}
