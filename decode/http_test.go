package decode

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"os"
	"testing"
	"time"
)

func TestFindLineEnd(t *testing.T) {
	cases := []struct {
		name      string
		data      string
		off       int
		length    int
		desegment bool
		linelen   int
		next      int
	}{
		{
			name:      "crlf",
			data:      "GET / HTTP/1.1\r\nHost: x\r\n",
			length:    -1,
			desegment: true,
			linelen:   14,
			next:      16,
		},
		{
			name:      "lone lf",
			data:      "abc\ndef",
			length:    -1,
			desegment: true,
			linelen:   3,
			next:      4,
		},
		{
			name:      "no end, desegment",
			data:      "abc",
			length:    -1,
			desegment: true,
			linelen:   -1,
		},
		{
			name:    "no end, to the end",
			data:    "abc",
			length:  -1,
			linelen: 3,
			next:    3,
		},
		{
			name:      "cr last, desegment",
			data:      "abc\r",
			length:    -1,
			desegment: true,
			linelen:   -1,
		},
		{
			name:    "cr last",
			data:    "abc\r",
			length:  -1,
			linelen: 3,
			next:    4,
		},
		{
			name:      "from an offset",
			data:      "a\r\nbc\r\n",
			off:       3,
			length:    -1,
			desegment: true,
			linelen:   2,
			next:      7,
		},
	}
	for _, c := range cases {
		tv := newRealTvb([]byte(c.data))
		linelen, next := findLineEnd(tv, c.off, c.length, c.desegment)
		if linelen != c.linelen || (linelen >= 0 && next != c.next) {
			t.Errorf("%s: got (%d, %d), want (%d, %d)", c.name, linelen, next, c.linelen, c.next)
		}
	}
}

func TestCNumberParsers(t *testing.T) {
	cases := []struct {
		name  string
		in    string
		base  int
		want  int64
		end   int
		ok    bool
		uwant uint64
	}{
		{
			name:  "decimal",
			in:    "  123abc",
			base:  10,
			want:  123,
			end:   5,
			ok:    true,
			uwant: 123,
		},
		{
			name:  "negative",
			in:    "-5",
			base:  10,
			want:  -5,
			end:   2,
			ok:    true,
			uwant: ^uint64(4),
		},
		{
			name:  "hex prefix",
			in:    "0x1F;ext",
			base:  16,
			want:  31,
			end:   4,
			ok:    true,
			uwant: 31,
		},
		{
			name:  "hex overflow",
			in:    "10000000000000000",
			base:  16,
			want:  1<<63 - 1,
			end:   17,
			ok:    false,
			uwant: ^uint64(0),
		},
		{
			name: "nothing",
			in:   "zz",
			base: 16,
			ok:   true,
		},
	}
	for _, c := range cases {
		v, end, ok := cStrtoll([]byte(c.in), c.base)
		if v != c.want || end != c.end || ok != c.ok {
			t.Errorf("%s: strtoll = (%d, %d, %v), want (%d, %d, %v)", c.name, v, end, ok, c.want, c.end, c.ok)
		}
		if u := cStrtoul([]byte(c.in), c.base); u != c.uwant {
			t.Errorf("%s: strtoul = %d, want %d", c.name, u, c.uwant)
		}
	}
	if v, ok := cScanfHex([]byte("10000000000000000")); !ok || v != 0xffffffff {
		t.Errorf("scanf overflow = %#x %v", v, ok)
	}
	if _, ok := cScanfHex([]byte("\r")); ok {
		t.Errorf("scanf of no digits succeeded")
	}
}

func TestHTTPRequestOrReply(t *testing.T) {
	cases := []struct {
		line   string
		typ    httpType
		ok     bool
		method string
	}{
		{
			line:   "GET / HTTP/1.1",
			typ:    httpRequest,
			ok:     true,
			method: "GET",
		},
		{
			line: "HTTP/1.0 200 OK",
			typ:  httpResponse,
			ok:   true,
		},
		{
			line: "ICY 200 OK",
			typ:  httpResponse,
			ok:   true,
		},
		{
			line:   "M-SEARCH * HTTP/1.1",
			typ:    httpRequest,
			ok:     true,
			method: "SEARCH",
		},
		{
			line:   "NOTIFY * HTTP/1.1",
			typ:    httpNotification,
			ok:     true,
			method: "NOTIFY",
		},
		{
			line: "get /lower HTTP/1.1",
		},
		{
			line: "QUERY / HTTP/1.1",
		},
		{
			line:   "PUT",
			typ:    httpRequest,
			ok:     true,
			method: "PUT",
		},
	}
	for _, c := range cases {
		typ, ok, method := httpRequestOrReply([]byte(c.line), len(c.line))
		if typ != c.typ || ok != c.ok || method != c.method {
			t.Errorf("%q: got (%d, %v, %q), want (%d, %v, %q)", c.line, typ, ok, method, c.typ, c.ok, c.method)
		}
	}
}

func TestHTTPStatusCode(t *testing.T) {
	cases := []struct {
		line string
		code int
	}{
		{
			line: "HTTP/1.1 200 OK",
			code: 200,
		},
		{
			line: "HTTP/1.1 101 Switching Protocols",
			code: 101,
		},
		{
			line: "HTTP/1.1 2000 Odd",
			code: 0,
		},
		{
			line: "HTTP/1.1",
			code: 0,
		},
	}
	for _, c := range cases {
		if got := httpStatusCode([]byte(c.line)); got != c.code {
			t.Errorf("%q: %d, want %d", c.line, got, c.code)
		}
	}
}

func TestZlibUncompress(t *testing.T) {
	text := bytes.Repeat([]byte("hello, world\n"), 50)
	var gz, zl bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(text)
	w.Close()
	z := zlib.NewWriter(&zl)
	z.Write(text)
	z.Close()
	cases := []struct {
		name    string
		in      []byte
		ok      bool
		prefix  []byte
		fullLen int
	}{
		{
			name:    "gzip",
			in:      gz.Bytes(),
			ok:      true,
			prefix:  text[:20],
			fullLen: len(text),
		},
		{
			name:    "zlib",
			in:      zl.Bytes(),
			ok:      true,
			prefix:  text[:20],
			fullLen: len(text),
		},
		{
			name:   "truncated gzip",
			in:     gz.Bytes()[:len(gz.Bytes())/2],
			ok:     true,
			prefix: text[:5],
		},
		{
			name: "not compressed",
			in:   []byte("plain text that is not deflate data at all"),
			ok:   false,
		},
	}
	for _, c := range cases {
		out, ok := zlibUncompress(c.in)
		if ok != c.ok {
			t.Errorf("%s: ok = %v, want %v", c.name, ok, c.ok)
			continue
		}
		if ok && !bytes.HasPrefix(out, c.prefix) {
			t.Errorf("%s: output %q does not start with %q", c.name, out, c.prefix)
		}
		if c.fullLen != 0 && len(out) != c.fullLen {
			t.Errorf("%s: %d bytes, want %d", c.name, len(out), c.fullLen)
		}
	}
}

func TestHTTPDechunk(t *testing.T) {
	cases := []struct {
		name     string
		body     string
		data     string
		consumed int
		panics   bool
	}{
		{
			name:     "two chunks",
			body:     "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
			data:     "hello world",
			consumed: 26,
		},
		{
			name:     "extension and trailer",
			body:     "3;x=y\r\nabc\r\n0\r\nT: v\r\n\r\nNEXT",
			data:     "abc",
			consumed: 23,
		},
		{
			name:   "huge size",
			body:   "10000000000000000\r\n\r\nGET / HTTP/1.1\r\n",
			panics: true,
		},
	}
	for _, c := range cases {
		func() {
			defer func() {
				r := recover()
				if (r != nil) != c.panics {
					t.Errorf("%s: panic %v", c.name, r)
				}
			}()
			out, n := httpDechunk(newRealTvb([]byte(c.body)))
			if string(out.b) != c.data || n != c.consumed {
				t.Errorf("%s: got (%q, %d), want (%q, %d)", c.name, out.b, n, c.data, c.consumed)
			}
		}()
	}
}

func TestIMFBase64(t *testing.T) {
	cases := []struct {
		in   string
		want string
	}{
		{
			in:   "aGVsbG8=",
			want: "hello",
		},
		{
			in:   "aGVs\r\nbG8h",
			want: "hello!",
		},
		{
			in:   "aGVsbG",
			want: "hel",
		},
	}
	for _, c := range cases {
		if got := string(imfBase64([]byte(c.in))); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

// tcpFrame builds an Ethernet/IPv4/TCP frame between 10.0.0.1:40000 (the
// client) and 10.0.0.2:port.
func tcpFrame(fromClient bool, port uint16, seq, ack uint32, flags uint16, payload []byte) []byte {
	f := make([]byte, 14+20+20, 14+20+20+len(payload))
	f[12], f[13] = 0x08, 0x00
	ip := f[14:]
	ip[0] = 0x45
	total := 40 + len(payload)
	ip[2], ip[3] = byte(total>>8), byte(total)
	ip[8], ip[9] = 64, 6
	src, dst := []byte{10, 0, 0, 1}, []byte{10, 0, 0, 2}
	sport, dport := uint16(40000), port
	if !fromClient {
		src, dst = dst, src
		sport, dport = dport, sport
	}
	copy(ip[12:], src)
	copy(ip[16:], dst)
	tcp := f[34:]
	tcp[0], tcp[1], tcp[2], tcp[3] = byte(sport>>8), byte(sport), byte(dport>>8), byte(dport)
	for i := 0; i < 4; i++ {
		tcp[4+i] = byte(seq >> (24 - 8*i))
		tcp[8+i] = byte(ack >> (24 - 8*i))
	}
	tcp[12] = 5 << 4
	tcp[13] = byte(flags)
	tcp[14], tcp[15] = 0xff, 0xff
	return append(f, payload...)
}

// FuzzHTTPStream cuts arbitrary bytes into TCP segments of an HTTP
// conversation (direction and size from the first two bytes) and checks
// that dissecting them raises nothing but dissection exceptions.
func FuzzHTTPStream(f *testing.F) {
	f.Add([]byte{7, 0x5a, 'G', 'E', 'T', ' ', '/', ' ', 'H', 'T', 'T', 'P', '/', '1', '.', '1', '\r', '\n', '\r', '\n'})
	f.Add(append([]byte{13, 0xaa}, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n10\r\n--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n0\r\n\r\n"...))
	f.Add(append([]byte{40, 0x01}, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\nHTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello\x89\x00"...))
	f.Add(append([]byte{20, 0x02}, "POST / HTTP/1.1\r\nContent-Type: message/rfc822\r\nContent-Length: 40\r\n\r\nFrom: a\r\nSubject: b\r\n\r\nbody line\r\n"...))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 2 {
			return
		}
		size := int(in[0]%64) + 1
		dirs := in[1]
		data := in[2:]
		d := New(Options{OnBug: func(n uint64, msg string) {
			t.Fatalf("frame %d: dissector bug: %s", n, msg)
		}})
		var rec Record
		ts := time.Unix(1700000000, 0)
		var seq [2]uint32
		seq[0], seq[1] = 1000, 5000
		feed := func(fromClient bool, flags uint16, payload []byte) {
			i := 0
			if !fromClient {
				i = 1
			}
			b := tcpFrame(fromClient, 80, seq[i], seq[1-i], flags, payload)
			seq[i] += uint32(len(payload))
			if flags&(thSYN|thFIN) != 0 {
				seq[i]++
			}
			fr := Frame{Data: b, WireLen: len(b), Timestamp: ts, TimeDigits: 6, LinkType: LinkEthernet}
			ts = ts.Add(time.Millisecond)
			d.Decode(&fr, &rec)
		}
		feed(true, thSYN, nil)
		feed(false, thSYN|thACK, nil)
		for k := 0; len(data) > 0 && k < 64; k++ {
			n := min(size, len(data))
			feed(dirs&(1<<(k%8)) == 0, thACK|thPSH, data[:n])
			data = data[n:]
		}
		feed(true, thFIN|thACK, nil)
		feed(false, thFIN|thACK, nil)
	})
}

// BenchmarkHTTPCapture decodes the HTTP captures of testdata/http, to
// watch the allocations of the HTTP path.
func BenchmarkHTTPCapture(b *testing.B) {
	var frames []Frame
	for _, name := range []string{"keepalive", "chunked", "pipeline", "post100", "websocket"} {
		frames = append(frames, readTestCapture(b, "../testdata/http/"+name+".pcap")...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		d := New(Options{})
		var rec Record
		for i := range frames {
			d.Decode(&frames[i], &rec)
		}
	}
}

// readTestCapture reads a little-endian microsecond pcap file.
func readTestCapture(b *testing.B, path string) []Frame {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var frames []Frame
	for off := 24; off+16 <= len(data); {
		sec := binary.LittleEndian.Uint32(data[off:])
		usec := binary.LittleEndian.Uint32(data[off+4:])
		incl := int(binary.LittleEndian.Uint32(data[off+8:]))
		orig := int(binary.LittleEndian.Uint32(data[off+12:]))
		off += 16
		if off+incl > len(data) {
			break
		}
		frames = append(frames, Frame{Data: data[off : off+incl], WireLen: orig,
			Timestamp: time.Unix(int64(sec), int64(usec)*1000), TimeDigits: 6, LinkType: LinkEthernet})
		off += incl
	}
	return frames
}
