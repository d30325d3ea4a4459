package decode

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"testing"
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
