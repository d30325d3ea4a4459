package decode

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Builders for TLS records and handshake messages.

func tlsRec(contentType byte, version uint16, body ...[]byte) string {
	var b []byte
	for _, x := range body {
		b = append(b, x...)
	}
	out := []byte{contentType, byte(version >> 8), byte(version)}
	out = binary.BigEndian.AppendUint16(out, uint16(len(b)))
	return string(append(out, b...))
}

func tlsHs(msgType byte, body []byte) []byte {
	out := []byte{msgType, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}
	return append(out, body...)
}

func tlsExt(extType uint16, data []byte) []byte {
	out := binary.BigEndian.AppendUint16(nil, extType)
	out = binary.BigEndian.AppendUint16(out, uint16(len(data)))
	return append(out, data...)
}

func tlsRandom(seed byte) []byte {
	r := make([]byte, 32)
	for i := range r {
		r[i] = seed + byte(i)
	}
	return r
}

// tlsClientHelloBody is a ClientHello offering two suites.
func tlsClientHelloBody(version uint16, exts ...[]byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, version)
	b = append(b, tlsRandom(1)...)
	b = append(b, 0)                         // session id
	b = append(b, 0, 4, 0x13, 1, 0xc0, 0x2f) // cipher suites
	b = append(b, 1, 0)                      // compression
	if len(exts) > 0 {
		var e []byte
		for _, x := range exts {
			e = append(e, x...)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
		b = append(b, e...)
	}
	return b
}

func tlsServerHelloBody(version uint16, random []byte, exts ...[]byte) []byte {
	b := binary.BigEndian.AppendUint16(nil, version)
	b = append(b, random...)
	b = append(b, 0)          // session id
	b = append(b, 0xc0, 0x2f) // cipher suite
	b = append(b, 0)          // compression
	if len(exts) > 0 {
		var e []byte
		for _, x := range exts {
			e = append(e, x...)
		}
		b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
		b = append(b, e...)
	}
	return b
}

// tlsDraftServerHelloBody is a TLS 1.3 draft ServerHello: no session ID
// and no compression method.
func tlsDraftServerHelloBody(version uint16) []byte {
	b := binary.BigEndian.AppendUint16(nil, version)
	b = append(b, tlsRandom(0x40)...)
	b = append(b, 0x13, 0x01)
	e := tlsExt(40, append([]byte{0, 29, 0, 32}, repeat(3, 32)...))
	b = binary.BigEndian.AppendUint16(b, uint16(len(e)))
	return append(b, e...)
}

func repeat(b byte, n int) []byte { return []byte(strings.Repeat(string([]byte{b}), n)) }

var (
	tlsCH12 = tlsRec(22, 0x0301, tlsHs(1, tlsClientHelloBody(0x0303)))
	tlsSH12 = tlsRec(22, 0x0303, tlsHs(2, tlsServerHelloBody(0x0303, tlsRandom(0x40))),
		tlsHs(11, []byte{0, 0, 0}), tlsHs(14, nil))
	tlsCCS12 = tlsRec(20, 0x0303, []byte{1})
	// An encrypted Finished: the explicit nonce of AES-GCM starts it.
	tlsFin12 = tlsRec(22, 0x0303, repeat(0, 8), repeat(0x5a, 32))
	tlsApp12 = tlsRec(23, 0x0303, repeat(0xa5, 40))
)

// The expected lines come from tshark 4.0.17 run on the same frames
// (written as pcaps by TestWriteSyntheticCaptures).
var tlsCH = tlsHs(1, tlsClientHelloBody(0x0303))

var tlsStreamCases = []textStreamCase{
	{
		name:       "tls 1.2 handshake and data",
		serverPort: 443,
		segments: []textSegment{
			{fromClient: true, data: tlsCH12},
			{fromClient: false, data: tlsSH12},
			{fromClient: true, data: tlsCCS12 + tlsFin12},
			{fromClient: false, data: tlsCCS12 + tlsFin12},
			{fromClient: true, data: tlsApp12 + tlsApp12},
			{fromClient: false, data: tlsRec(21, 0x0303, []byte{1, 0})},
			{fromClient: true, data: tlsRec(21, 0x0303, repeat(7, 26))},
		},
		want: []string{
			"TLSv1|Client Hello",
			"TLSv1.2|Server Hello, Certificate, Server Hello Done",
			"TLSv1.2|Change Cipher Spec, Encrypted Handshake Message",
			"TLSv1.2|Change Cipher Spec, Encrypted Handshake Message",
			"TLSv1.2|Application Data, Application Data",
			"TLSv1.2|Alert (Level: Warning, Description: Close Notify)",
			"TLSv1.2|Encrypted Alert",
		},
	},
	{
		name:       "sslv3",
		serverPort: 443,
		segments: []textSegment{
			{fromClient: true, data: tlsRec(22, 0x0300, tlsHs(1, tlsClientHelloBody(0x0300)))},
			{fromClient: false, data: tlsRec(22, 0x0300, tlsHs(2, tlsServerHelloBody(0x0300, tlsRandom(0x40))), tlsHs(14, nil))},
			{fromClient: true, data: tlsRec(23, 0x0300, repeat(1, 20))},
		},
		want: []string{
			"SSLv3|Client Hello",
			"SSLv3|Server Hello, Server Hello Done",
			"SSLv3|Application Data",
		},
	},
	{
		name:       "records split over segments",
		serverPort: 443,
		segments: []textSegment{
			{fromClient: true, data: tlsCH12[:3]},
			{fromClient: true, data: tlsCH12[3:20]},
			{fromClient: true, data: tlsCH12[20:35]},
			{fromClient: true, data: tlsCH12[35:] + tlsApp12[:10]},
			{fromClient: true, data: tlsApp12[10:] + tlsApp12},
		},
		want: []string{
			"TCP|[TCP segment of a reassembled PDU]",
			"TCP|[TCP segment of a reassembled PDU]",
			"TCP|40000 → 443 [PSH, ACK] Seq=21 Ack=1 Win=65535 Len=15 [TCP segment of a reassembled PDU]",
			"TLSv1|Client Hello",
			"TLSv1.2|Application Data, Application Data",
		},
	},
	{
		name:       "handshake message over records",
		serverPort: 443,
		segments: []textSegment{
			{fromClient: true, data: tlsRec(22, 0x0301, tlsCH[:20]) + tlsRec(22, 0x0301, tlsCH[20:40])},
			{fromClient: true, data: tlsRec(22, 0x0301, tlsCH[40:])},
			{fromClient: false, data: tlsRec(22, 0x0303, tlsHs(2, tlsServerHelloBody(0x0303, tlsRandom(0x40))), []byte{11, 0, 0})},
			{fromClient: false, data: tlsRec(22, 0x0303, []byte{3, 0, 0, 0}, tlsHs(14, nil))},
		},
		want: []string{
			"TLSv1|[Client Hello Fragment]",
			"TLSv1|Client Hello",
			"TLSv1.2|Server Hello",
			"TLSv1.2|Certificate, Server Hello Done",
		},
	},
	{
		name:       "heartbeats and unknown records",
		serverPort: 443,
		segments: []textSegment{
			{fromClient: true, data: tlsCH12},
			{fromClient: false, data: tlsRec(22, 0x0302, tlsHs(2, tlsServerHelloBody(0x0302, tlsRandom(0x40))))},
			{fromClient: true, data: tlsRec(24, 0x0302, []byte{1, 0, 3, 'a', 'b', 'c'}, repeat(0, 16))},
			{fromClient: false, data: tlsRec(24, 0x0302, []byte{2, 0, 3, 'a', 'b', 'c'}, repeat(0, 16))},
			{fromClient: true, data: tlsRec(24, 0x0302, repeat(0x99, 40))},
			{fromClient: false, data: "\x30\x31\x00\x01\x02\x03"},
			{fromClient: true, data: tlsRec(21, 0x0302, []byte{9, 200})},
		},
		want: []string{
			"TLSv1|Client Hello",
			"TLSv1.1|Server Hello",
			"TLSv1.1|Heartbeat Request",
			"TLSv1.1|Heartbeat Response",
			"TLSv1.1|Encrypted Heartbeat",
			"TLSv1.1|Ignored Unknown Record",
			"TLSv1.1|Alert (Level: Unknown, Description: Unknown)",
		},
	},
	{
		name:       "continuation data without a version",
		serverPort: 443,
		segments: []textSegment{
			{fromClient: false, data: "\x01\x02\x03\x04\x05\x06\x07\x08\x09"},
		},
		want: []string{
			"SSL|Continuation Data",
		},
	},
	{
		name:       "tls 1.3 and a hello retry request",
		serverPort: 443,
		segments: []textSegment{
			{fromClient: true, data: tlsCH12},
			{fromClient: false, data: tlsRec(22, 0x0303, tlsHs(2, tlsServerHelloBody(0x0303, []byte(tls13HRRRandom), tlsExt(43, []byte{3, 4})))) + tlsCCS12},
			{fromClient: true, data: tlsCCS12 + tlsCH12},
			{fromClient: false, data: tlsRec(22, 0x0303, tlsHs(2, tlsServerHelloBody(0x0303, tlsRandom(0x40), tlsExt(43, []byte{3, 4})))) + tlsCCS12 + tlsApp12},
			{fromClient: true, data: tlsRec(24, 0x0303, []byte{1, 0, 3, 'a', 'b', 'c'}, repeat(0, 16)) + "\x30\x31\x00\x01\x02\x03"},
		},
		want: []string{
			"TLSv1|Client Hello",
			"TLSv1.3|Hello Retry Request, Change Cipher Spec",
			"TLSv1.3|Change Cipher Spec, Client Hello",
			"TLSv1.3|Server Hello, Change Cipher Spec, Application Data",
			"TLSv1.3|Continuation Data",
		},
	},
	{
		name:       "tls 1.3 draft 18 has no ChangeCipherSpec",
		serverPort: 443,
		segments: []textSegment{
			{fromClient: true, data: tlsRec(22, 0x0301, tlsHs(1, tlsClientHelloBody(0x0303, tlsExt(43, []byte{2, 0x7f, 0x12}))))},
			{fromClient: false, data: tlsRec(22, 0x0301, tlsHs(2, tlsDraftServerHelloBody(0x7f12))) + tlsCCS12 + tlsApp12},
		},
		want: []string{
			"TLSv1|Client Hello",
			"TLSv1.3|Server Hello, Application Data",
		},
	},
	{
		name:       "early data makes it TLS 1.3 at once",
		serverPort: 443,
		segments: []textSegment{
			{fromClient: true, data: tlsRec(22, 0x0301, tlsHs(1, tlsClientHelloBody(0x0303, tlsExt(42, nil)))) + tlsApp12},
			{fromClient: true, data: tlsApp12},
		},
		want: []string{
			"TLSv1|Client Hello, Application Data",
			"TLSv1.3|Application Data",
		},
	},
	{
		name:       "sslv2 hellos",
		serverPort: 443,
		segments: []textSegment{
			{fromClient: true, data: sslv2ClientHello()},
			{fromClient: false, data: tlsRec(22, 0x0301, tlsHs(2, tlsServerHelloBody(0x0301, tlsRandom(0x40))))},
			{fromClient: true, data: sslv2ClientHello()},
			{fromClient: true, data: "\x80\x05\x04\x00\x01\x00\x02"},
		},
		want: []string{
			"SSLv2|Client Hello",
			"TLSv1|Server Hello",
			"SSLv2|Client Hello",
			"TLSv1|Ignored Unknown Record",
		},
	},
	{
		name:       "zero-length record at the end",
		serverPort: 443,
		segments: []textSegment{
			{fromClient: true, data: tlsCH12},
			{fromClient: false, data: tlsSH12},
			{fromClient: true, data: tlsApp12 + tlsRec(23, 0x0303)},
		},
		want: []string{
			"TLSv1|Client Hello",
			"TLSv1.2|Server Hello, Certificate, Server Hello Done",
			"TLSv1.2|Application Data[Malformed Packet]",
		},
	},
	{
		name:       "plain text on the port is not TLS",
		serverPort: 993,
		segments: []textSegment{
			{fromClient: false, data: "* OK ready\r\n"},
		},
		want: []string{
			"TCP|993 → 40000 [PSH, ACK] Seq=1 Ack=1 Win=65535 Len=12",
		},
	},
	{
		name:       "heuristic on another port",
		serverPort: 8443,
		segments: []textSegment{
			{fromClient: true, data: tlsCH12},
			{fromClient: false, data: tlsSH12},
			{fromClient: false, data: "\x01\x02\x03\x04\x05\x06"},
		},
		want: []string{
			"TLSv1|Client Hello",
			"TLSv1.2|Server Hello, Certificate, Server Hello Done",
			"TLSv1.2|Ignored Unknown Record",
		},
	},
}

func TestTLSStreams(t *testing.T) { checkTextStreams(t, tlsStreamCases) }

func init() {
	for _, c := range tlsStreamCases {
		synthCaptures["tls-"+strings.ReplaceAll(c.name, " ", "-")] = func() [][]byte { return textStreamFrames(c) }
	}
}

// sslv2ClientHello is an SSL 2.0 compatible ClientHello for TLS 1.0.
func sslv2ClientHello() string {
	body := []byte{1, 3, 1, 0, 6, 0, 0, 0, 32, 0, 0, 0x2f, 0, 0, 0x35}
	body = append(body, tlsRandom(9)...)
	return string(append([]byte{0x80 | byte(len(body)>>8), byte(len(body))}, body...))
}

func TestStartTLS(t *testing.T) {
	d := New(Options{})
	p := &d.pkt
	p.conv = &conversation{}
	p.num = 7
	startTLS(p, "smtp", false)
	s := tlsSessionOf(p)
	if s.lastNonTLSFrame != 7 || s.appProto != "smtp" || p.conv.dissector == nil {
		t.Fatalf("after startTLS: last %d, app %q, dissector set %v", s.lastNonTLSFrame, s.appProto, p.conv.dissector != nil)
	}
	p.num = 9
	startTLS(p, "imap", true)
	if s.lastNonTLSFrame != 7 || s.appProto != "smtp" {
		t.Errorf("a second startTLS changed the session: last %d, app %q", s.lastNonTLSFrame, s.appProto)
	}
	// The frame that agreed to STARTTLS is not TLS yet.
	p.num = 7
	if n := dissectTLS(p, newRealTvb([]byte(tlsCH12))); n != 0 {
		t.Errorf("frame 7 dissected as TLS")
	}
	p.num = 8
	if n := dissectTLS(p, newRealTvb([]byte(tlsCH12))); n == 0 || p.info.String() != "Client Hello" {
		t.Errorf("frame 8: n %d, info %q", n, p.info.String())
	}
}

func TestTLSScanServerHello(t *testing.T) {
	cases := []struct {
		name    string
		body    []byte
		version uint16
		hrr     bool
	}{
		{
			name:    "tls 1.2",
			body:    tlsServerHelloBody(0x0303, tlsRandom(0)),
			version: 0x0303,
		},
		{
			name:    "tls 1.3 by supported_versions",
			body:    tlsServerHelloBody(0x0303, tlsRandom(0), tlsExt(51, repeat(1, 36)), tlsExt(43, []byte{3, 4})),
			version: 0x0304,
		},
		{
			name:    "hello retry request",
			body:    tlsServerHelloBody(0x0303, []byte(tls13HRRRandom), tlsExt(43, []byte{3, 4})),
			version: 0x0304,
			hrr:     true,
		},
		{
			name:    "tls 1.0 is taken as is",
			body:    tlsServerHelloBody(0x0301, []byte(tls13HRRRandom), tlsExt(43, []byte{3, 4})),
			version: 0x0301,
		},
		{
			name:    "truncated extension",
			body:    append(tlsServerHelloBody(0x0303, tlsRandom(0)), 0, 43, 0, 2, 3),
			version: 0x0303,
		},
	}
	for _, c := range cases {
		v, hrr := tlsScanServerHello(newRealTvb(c.body), 0, len(c.body))
		if v != c.version || hrr != c.hrr {
			t.Errorf("%s: got %#04x hrr=%v, want %#04x hrr=%v", c.name, v, hrr, c.version, c.hrr)
		}
	}
}

// TestWriteSyntheticCaptures writes the synthetic streams and datagrams of
// these tests as pcaps, to check the expectations with tshark:
//
//	SNIFFWS_SYNTH_DIR=/tmp/synth go test ./decode/ -run TestWriteSyntheticCaptures
//	for f in /tmp/synth/*.pcap; do ../shared/tools/tshark-columns $f; done
func TestWriteSyntheticCaptures(t *testing.T) {
	dir := os.Getenv("SNIFFWS_SYNTH_DIR")
	if dir == "" {
		t.Skip("SNIFFWS_SYNTH_DIR not set")
	}
	for name, frames := range synthCaptures {
		if err := writeTestPcap(filepath.Join(dir, name+".pcap"), frames()); err != nil {
			t.Fatal(err)
		}
	}
}

// synthCaptures are filled by the tests' init functions.
var synthCaptures = map[string]func() [][]byte{}

// writeTestPcap writes Ethernet frames a millisecond apart.
func writeTestPcap(path string, frames [][]byte) error {
	b := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0}
	ts := time.Unix(1700000000, 0)
	for _, f := range frames {
		b = binary.LittleEndian.AppendUint32(b, uint32(ts.Unix()))
		b = binary.LittleEndian.AppendUint32(b, uint32(ts.Nanosecond()/1000))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
		ts = ts.Add(time.Millisecond)
	}
	return os.WriteFile(path, b, 0o644)
}

// textStreamFrames builds the frames runTextStream decodes.
func textStreamFrames(c textStreamCase) [][]byte {
	client, server := [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}
	const cport = 40000
	cseq, sseq := uint32(1000), uint32(5000)
	const syn, ack, psh = 0x02, 0x10, 0x08
	frames := [][]byte{
		textTCPFrame(client, server, cport, c.serverPort, cseq, 0, syn, nil),
		textTCPFrame(server, client, c.serverPort, cport, sseq, cseq+1, syn|ack, nil),
	}
	cseq++
	sseq++
	frames = append(frames, textTCPFrame(client, server, cport, c.serverPort, cseq, sseq, ack, nil))
	for _, s := range c.segments {
		if s.fromClient {
			frames = append(frames, textTCPFrame(client, server, cport, c.serverPort, cseq, sseq, psh|ack, []byte(s.data)))
			cseq += uint32(len(s.data))
		} else {
			frames = append(frames, textTCPFrame(server, client, c.serverPort, cport, sseq, cseq, psh|ack, []byte(s.data)))
			sseq += uint32(len(s.data))
		}
	}
	return frames
}
