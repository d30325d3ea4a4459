package wsserver

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

func TestAppendTextFrame(t *testing.T) {
	tests := []struct {
		name   string
		size   int
		header []byte
	}{
		{
			name:   "empty",
			size:   0,
			header: []byte{0x81, 0},
		},
		{
			name:   "7-bit length",
			size:   125,
			header: []byte{0x81, 125},
		},
		{
			name:   "16-bit length",
			size:   126,
			header: []byte{0x81, 126, 0, 126},
		},
		{
			name:   "largest 16-bit length",
			size:   65535,
			header: []byte{0x81, 126, 0xff, 0xff},
		},
		{
			name:   "64-bit length",
			size:   65536,
			header: []byte{0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := bytes.Repeat([]byte{'z'}, tt.size)
			f := AppendTextFrame(nil, payload)
			if len(f) != FrameSize(tt.size) {
				t.Errorf(
					"frame length %d, FrameSize %d",
					len(f), FrameSize(tt.size))
			}
			if !bytes.HasPrefix(f, tt.header) || !bytes.Equal(f[len(tt.header):], payload) {
				t.Errorf(
					"frame starts % x, want % x",
					f[:min(len(f), 10)], tt.header)
			}
			// gobwas/ws reads it back as the same message.
			fr, err := readTestFrame(bytes.NewReader(f))
			if err != nil || fr.Header.OpCode != ws.OpText || !fr.Header.Fin || !bytes.Equal(fr.Payload, payload) {
				t.Errorf(
					"reading the frame back: %+v, %v",
					fr.Header, err)
			}
		})
	}
}

func TestCloseFrameReasonIsCut(t *testing.T) {
	tests := []struct {
		name   string
		reason string
	}{
		{
			name:   "short",
			reason: "end of input",
		},
		{
			name:   "long ascii",
			reason: strings.Repeat("a", 300),
		},
		{
			name:   "long multibyte",
			reason: strings.Repeat("é", 100),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := closeFrame(StatusNormalClosure, tt.reason)
			fr, err := readTestFrame(bytes.NewReader(f))
			if err != nil {
				t.Fatal(err)
			}
			if fr.Header.Length > ws.MaxControlFramePayloadSize {
				t.Errorf(
					"payload %d bytes",
					fr.Header.Length)
			}
			code, reason := ws.ParseCloseFrameData(fr.Payload)
			if code != StatusNormalClosure || !utf8.ValidString(reason) || !strings.HasPrefix(tt.reason, reason) {
				t.Errorf(
					"close %d %q",
					code, reason)
			}
		})
	}
}

func TestParseHeaderNeverAllocatesOnDeclaredLength(t *testing.T) {
	b := []byte{0x82, 0x80 | 127, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	allocs := testing.AllocsPerRun(100, func() {
		h, _, err := parseHeader(b)
		if err != errShortFrame || h.Length != 1<<63-1 {
			t.Fatalf(
				"parseHeader: %+v %v",
				h, err)
		}
	})
	if allocs != 0 {
		t.Errorf(
			"%v allocations",
			allocs)
	}
}
