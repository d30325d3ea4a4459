package decode

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/net/http2/hpack"
)

// tls13Conn builds a TLS 1.3 connection on port 443 whose records are
// really encrypted (TLS_AES_128_GCM_SHA256) with secrets from a key log,
// so that tests see decryption, TLS reassembly and what runs inside.
type tls13Conn struct {
	t      testing.TB
	d      *Decoder
	rec    Record
	ts     time.Time
	seq    [2]uint32 // TCP: client, server
	keys   [2]*tlsTestKey
	frames []string // "Protocol|Info" of each frame
}

type tlsTestKey struct {
	aead cipher.AEAD
	iv   []byte
	seq  uint64
}

func newTLSTestKey(secret []byte) *tlsTestKey {
	key := tls13ExpandLabel(sha256.New, secret, 0, "key", 16)
	iv := tls13ExpandLabel(sha256.New, secret, 0, "iv", 12)
	b, _ := aes.NewCipher(key)
	a, _ := cipher.NewGCM(b)
	return &tlsTestKey{aead: a, iv: iv}
}

// seal makes a TLS 1.3 record of inner content type ct.
func (k *tlsTestKey) seal(ct byte, data []byte) []byte {
	inner := append(append([]byte(nil), data...), ct)
	hdr := []byte{23, 3, 3, 0, 0}
	binary.BigEndian.PutUint16(hdr[3:], uint16(len(inner)+16))
	nonce := append([]byte(nil), k.iv...)
	s := binary.BigEndian.Uint64(nonce[4:]) ^ k.seq
	binary.BigEndian.PutUint64(nonce[4:], s)
	k.seq++
	return append(hdr, k.aead.Seal(nil, nonce, inner, hdr)...)
}

func testSecret(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// newTLS13Conn performs the handshake; alpn is the protocol the server
// picks ("" for none).
func newTLS13Conn(t testing.TB, alpn string) *tls13Conn {
	kl := NewKeyLog()
	kl.Parse(tls13TestKeyLog())
	return newTLS13ConnWith(t, alpn, kl, nil)
}

// tls13TestKeyLog is the key log of the test connections.
func tls13TestKeyLog() []byte {
	var b []byte
	for i, label := range []string{"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"} {
		b = append(b, label+" "+hex.EncodeToString(tlsRandom(1))+" "+hex.EncodeToString(testSecret(byte(i+1)))+"\n"...)
	}
	return b
}

// newTLS13ConnWith is newTLS13Conn with a key log of the caller's;
// afterServer runs once the server's first flight was decoded.
func newTLS13ConnWith(t testing.TB, alpn string, kl *KeyLog, afterServer func()) *tls13Conn {
	c := &tls13Conn{t: t, ts: time.Unix(1700000000, 0), seq: [2]uint32{1000, 5000}}
	c.d = New(Options{KeyLog: kl, OnBug: func(n uint64, msg string) {
		t.Fatalf("frame %d: dissector bug: %s", n, msg)
	}})
	c.segment(0, thSYN, nil)
	c.segment(1, thSYN|thACK, nil)
	c.segment(0, thACK|thPSH, []byte(tlsRec(tlsHandshake, tlsVersion10, tlsHs(tlsHsClientHello,
		tlsClientHelloBody(tlsVersion12, tlsExt(tlsExtSupportedVersions, []byte{2, 3, 4}))))))
	sh := binary.BigEndian.AppendUint16(nil, tlsVersion12)
	sh = append(sh, tlsRandom(2)...)
	sh = append(sh, 0, 0x13, 0x01, 0)
	ext := tlsExt(tlsExtSupportedVersions, []byte{3, 4})
	sh = binary.BigEndian.AppendUint16(sh, uint16(len(ext)))
	sh = append(sh, ext...)
	serverHS, clientHS := newTLSTestKey(testSecret(2)), newTLSTestKey(testSecret(1))
	var ee []byte
	if alpn != "" {
		list := append([]byte{byte(len(alpn))}, alpn...)
		ee = tlsExt(tlsExtALPN, binary.BigEndian.AppendUint16(nil, uint16(len(list))))
		ee = append(ee, list...)
	}
	eeBody := append(binary.BigEndian.AppendUint16(nil, uint16(len(ee))), ee...)
	flight := append(tlsHs(tlsHsEncryptedExtensions, eeBody), tlsHs(tlsHsFinished, make([]byte, 32))...)
	c.segment(1, thACK|thPSH, append([]byte(tlsRec(tlsHandshake, tlsVersion12, tlsHs(tlsHsServerHello, sh))),
		serverHS.seal(tlsHandshake, flight)...))
	if afterServer != nil {
		afterServer()
	}
	c.segment(0, thACK|thPSH, clientHS.seal(tlsHandshake, tlsHs(tlsHsFinished, make([]byte, 32))))
	c.keys = [2]*tlsTestKey{newTLSTestKey(testSecret(3)), newTLSTestKey(testSecret(4))}
	return c
}

// TestTLS13LateKeys is a live capture whose client writes its secrets
// just after the server's first flight went by: that flight stays
// encrypted, and everything after it is decrypted.
func TestTLS13LateKeys(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.log")
	kl, err := OpenKeyLog(path)
	if err != nil {
		t.Fatal(err)
	}
	c := newTLS13ConnWith(t, "h2", kl, func() {
		if err := os.WriteFile(path, tls13TestKeyLog(), 0o600); err != nil {
			t.Fatal(err)
		}
	})
	want := []string{
		"TLSv1.3|Server Hello, Application Data",
		"TLSv1.3|Finished",
	}
	for i, w := range want {
		if got := c.frames[3+i]; got != w {
			t.Errorf("frame %d: %q, want %q", 4+i, got, w)
		}
	}
	// ALPN went by in the encrypted flight: HTTP is found by the port.
	if got := c.send(0, []byte("GET / HTTP/1.1\r\nHost: a\r\n\r\n")); got != "HTTP|GET / HTTP/1.1 " {
		t.Errorf("client record after late keys: %q", got)
	}
	// The server's first application record; its handshake record was
	// skipped, so sequence numbers 0 and 1 are tried with each secret.
	if got := c.send(1, []byte("HTTP/1.1 204 No Content\r\n\r\n")); got != "HTTP|HTTP/1.1 204 No Content " {
		t.Errorf("server record after late keys: %q", got)
	}
}

func (c *tls13Conn) segment(dir int, flags uint16, payload []byte) {
	b := tcpFrame(dir == 0, 443, c.seq[dir], c.seq[1-dir], flags, payload)
	c.seq[dir] += uint32(len(payload))
	if flags&(thSYN|thFIN) != 0 {
		c.seq[dir]++
	}
	fr := Frame{Data: b, WireLen: len(b), Timestamp: c.ts, TimeDigits: 6, LinkType: LinkEthernet}
	c.ts = c.ts.Add(time.Millisecond)
	c.d.Decode(&fr, &c.rec)
	c.frames = append(c.frames, string(c.rec.Protocol)+"|"+string(c.rec.Info))
}

// send encrypts application data records (one per piece) into one segment.
func (c *tls13Conn) send(dir int, pieces ...[]byte) string {
	var seg []byte
	for _, p := range pieces {
		seg = append(seg, c.keys[dir].seal(tlsApplicationData, p)...)
	}
	c.segment(dir, thACK|thPSH, seg)
	return c.frames[len(c.frames)-1]
}

func TestTLS13DecryptHandshake(t *testing.T) {
	c := newTLS13Conn(t, "h2")
	want := []string{
		"TCP|", "TCP|",
		"TLSv1|Client Hello",
		"TLSv1.3|Server Hello, Encrypted Extensions, Finished",
		"TLSv1.3|Finished",
	}
	for i, w := range want {
		if i < 2 {
			continue
		}
		if c.frames[i] != w {
			t.Errorf("frame %d: %q, want %q", i+1, c.frames[i], w)
		}
	}
}

func h2Frame(typ, flags byte, stream uint32, payload []byte) []byte {
	b := []byte{byte(len(payload) >> 16), byte(len(payload) >> 8), byte(len(payload)), typ, flags}
	b = binary.BigEndian.AppendUint32(b, stream)
	return append(b, payload...)
}

func h2Block(fields ...string) []byte {
	var buf bytes.Buffer
	e := hpack.NewEncoder(&buf)
	for i := 0; i+1 < len(fields); i += 2 {
		e.WriteField(hpack.HeaderField{Name: fields[i], Value: fields[i+1]})
	}
	return buf.Bytes()
}

func TestHTTP2OverTLS(t *testing.T) {
	settings := h2Frame(h2Settings, 0, 0, []byte{0, 3, 0, 0, 0, 100})
	req := h2Block(":method", "GET", ":scheme", "https", ":authority", "x", ":path", "/a.json")
	resp := h2Block(":status", "404", "content-type", "application/json")
	tests := []struct {
		name string
		dir  int
		recs [][]byte
		want string
	}{
		{
			name: "preface",
			dir:  0,
			recs: [][]byte{append([]byte(h2Magic), settings...)},
			want: "HTTP2|Magic, SETTINGS[0]",
		},
		{
			name: "request",
			dir:  0,
			recs: [][]byte{h2Frame(h2Headers, h2FlagEndHeaders|h2FlagEndStream, 1, req)},
			want: "HTTP2|HEADERS[1]: GET /a.json",
		},
		{
			name: "response headers split over two records",
			dir:  1,
			recs: [][]byte{h2Frame(h2Headers, h2FlagEndHeaders, 1, resp)[:6], h2Frame(h2Headers, h2FlagEndHeaders, 1, resp)[6:]},
			want: "HTTP2|HEADERS[1]: 404 Not Found",
		},
		{
			name: "body in two frames",
			dir:  1,
			recs: [][]byte{h2Frame(h2Data, 0, 1, []byte(`{"a":`)), h2Frame(h2Data, h2FlagEndStream, 1, []byte(`1}`))},
			want: "HTTP2/JSON|DATA[1], JavaScript Object Notation (application/json)", // HTTP/2 clears Info for each record
		},
		{
			name: "unknown type",
			dir:  0,
			recs: [][]byte{h2Frame(0x42, 0, 7, nil)},
			want: "HTTP2|Unknown type (66)[7]",
		},
	}
	c := newTLS13Conn(t, "h2")
	for _, tc := range tests {
		if got := c.send(tc.dir, tc.recs...); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestHTTP1OverTLSReassembly(t *testing.T) {
	c := newTLS13Conn(t, "http/1.1")
	tests := []struct {
		name string
		dir  int
		recs [][]byte
		want string
	}{
		{
			name: "request",
			dir:  0,
			recs: [][]byte{[]byte("GET /x.txt HTTP/1.1\r\nHost: a\r\n\r\n")},
			want: "HTTP|GET /x.txt HTTP/1.1 ",
		},
		{
			name: "headers, body to come",
			dir:  1,
			recs: [][]byte{[]byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n01234")},
			want: "TLSv1.3|[TLS segment of a reassembled PDU]",
		},
		{
			name: "rest of the body",
			dir:  1,
			recs: [][]byte{[]byte("56789")},
			want: "HTTP|HTTP/1.1 200 OK  (text/plain)",
		},
	}
	for _, tc := range tests {
		if got := c.send(tc.dir, tc.recs...); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// FuzzTLS13AppData sends arbitrary application data through a decrypted
// TLS 1.3 connection (HTTP/2, HTTP/1.1 or no ALPN, from the first byte),
// cut into records and segments as the next bytes say, and checks that
// nothing but dissection exceptions is raised.
func FuzzTLS13AppData(f *testing.F) {
	f.Add(append([]byte{0, 0x40, 0x0f}, append([]byte(h2Magic), h2Frame(h2Headers, 5, 1, h2Block(":method", "GET", ":path", "/"))...)...))
	f.Add(append([]byte{1, 0x10, 0x33}, "GET / HTTP/1.1\r\nHost: a\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"...))
	f.Add(append([]byte{0, 0x08, 0x55}, h2Frame(h2Data, 1, 3, []byte("xyz"))...))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 3 {
			return
		}
		alpn := []string{"h2", "http/1.1", ""}[int(in[0])%3]
		size := int(in[1]%200) + 1
		dirs := in[2]
		data := in[3:]
		c := newTLS13Conn(t, alpn)
		for k := 0; len(data) > 0 && k < 64; k++ {
			n := min(size, len(data))
			dir := int(dirs>>(k%8)) & 1
			// Two records per segment now and then.
			if k%3 == 2 && n > 1 {
				c.send(dir, data[:n/2], data[n/2:n])
			} else {
				c.send(dir, data[:n])
			}
			data = data[n:]
		}
	})
}
