package sniff

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"testing"

	"sniffws/decode"
)

// readAll reads every frame; it returns the frames' link types, their time
// digits and the error that ended reading (nil at a clean end).
func readAll(t *testing.T, src FrameSource) (n int, linkTypes map[decode.LinkType]int, digits map[int]int, err error) {
	t.Helper()
	linkTypes = map[decode.LinkType]int{}
	digits = map[int]int{}
	var f decode.Frame
	for {
		err = src.Next(&f)
		if errors.Is(err, io.EOF) {
			return n, linkTypes, digits, nil
		}
		if err != nil {
			return n, linkTypes, digits, err
		}
		if f.WireLen < len(f.Data) {
			t.Errorf("frame %d: wire length %d below captured %d", n+1, f.WireLen, len(f.Data))
		}
		n++
		linkTypes[f.LinkType]++
		digits[f.TimeDigits]++
	}
}

func TestFileSourceFormats(t *testing.T) {
	tests := []struct {
		name      string
		path      string
		frames    int
		linkTypes map[decode.LinkType]int
		digits    int
	}{
		{
			name:      "pcap microseconds",
			path:      "../testdata/sniff/usec.pcap",
			frames:    82,
			linkTypes: map[decode.LinkType]int{decode.LinkEthernet: 82},
			digits:    6,
		},
		{
			name:      "pcap nanoseconds",
			path:      "../testdata/sniff/nsec.pcap",
			frames:    82,
			linkTypes: map[decode.LinkType]int{decode.LinkEthernet: 82},
			digits:    9,
		},
		{
			name:      "pcapng with two link types",
			path:      "../testdata/sniff/two-links.pcapng",
			frames:    8,
			linkTypes: map[decode.LinkType]int{decode.LinkEthernet: 4, decode.LinkLinuxSLL: 4},
			digits:    9,
		},
		{
			name:      "pcapng sample",
			path:      "../samples/loopback-mix.pcapng",
			frames:    82,
			linkTypes: map[decode.LinkType]int{decode.LinkEthernet: 82},
			digits:    9,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := OpenFile(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			n, lts, digits, err := readAll(t, src)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if n != tc.frames {
				t.Errorf("frames = %d, want %d", n, tc.frames)
			}
			for lt, want := range tc.linkTypes {
				if lts[lt] != want {
					t.Errorf("link type %d: %d frames, want %d (all: %v)", lt, lts[lt], want, lts)
				}
			}
			if digits[tc.digits] != n {
				t.Errorf("time digits %v, want all %d", digits, tc.digits)
			}
		})
	}
}

// TestFileSourceDamage checks that damaged files yield every good frame
// before the damage, then an error naming the file and the offset of the
// bad record.
func TestFileSourceDamage(t *testing.T) {
	pcap, err := os.ReadFile("../testdata/sniff/usec.pcap")
	if err != nil {
		t.Fatal(err)
	}
	ng, err := os.ReadFile("../samples/loopback-mix.pcapng")
	if err != nil {
		t.Fatal(err)
	}
	// Offsets of the records, found by walking the files.
	pcapRecords := pcapRecordOffsets(pcap)
	ngBlocks := pcapngBlockOffsets(ng)

	hugeCaplen := bytes.Clone(pcap)
	binary.LittleEndian.PutUint32(hugeCaplen[pcapRecords[5]+8:], 1<<30)
	badTrailer := bytes.Clone(ng)
	badTrailer[ngBlocks[7].end-4] ^= 0xff
	badLength := bytes.Clone(ng)
	binary.LittleEndian.PutUint32(badLength[ngBlocks[7].start+4:], 0x7ffffff0)

	tests := []struct {
		name       string
		data       []byte
		goodFrames int
		wantErr    error
		wantOffset int64
	}{
		{
			name:       "pcap cut inside a packet header",
			data:       pcap[:pcapRecords[10]+7],
			goodFrames: 10,
			wantErr:    ErrTruncated,
			wantOffset: int64(pcapRecords[10]),
		},
		{
			name:       "pcap cut inside packet data",
			data:       pcap[:pcapRecords[10]+20],
			goodFrames: 10,
			wantErr:    ErrTruncated,
			wantOffset: int64(pcapRecords[10]),
		},
		{
			name:       "pcap with an impossible captured length",
			data:       hugeCaplen,
			goodFrames: 5,
			wantErr:    ErrCorrupt,
			wantOffset: int64(pcapRecords[5]),
		},
		{
			name:       "pcapng cut inside a block",
			data:       ng[:ngBlocks[7].start+30],
			goodFrames: 5, // blocks 0 and 1 are the section and interface headers
			wantErr:    ErrTruncated,
			wantOffset: int64(ngBlocks[7].start),
		},
		{
			name:       "pcapng block trailer disagrees",
			data:       badTrailer,
			goodFrames: 5,
			wantErr:    ErrCorrupt,
			wantOffset: int64(ngBlocks[7].start),
		},
		{
			name:       "pcapng block claims 2 GiB",
			data:       badLength,
			goodFrames: 5,
			wantErr:    ErrCorrupt,
			wantOffset: int64(ngBlocks[7].start),
		},
		{
			name:       "not a capture",
			data:       []byte("GET / HTTP/1.1\r\n\r\n"),
			goodFrames: -1,
			wantErr:    ErrNotCapture,
		},
		{
			name:       "empty",
			data:       nil,
			goodFrames: -1,
			wantErr:    ErrNotCapture,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, err := NewFileSource("damaged.cap", bytes.NewReader(tc.data), nil)
			if tc.goodFrames < 0 {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("open: got %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			n, _, _, err := readAll(t, src)
			if n != tc.goodFrames {
				t.Errorf("good frames = %d, want %d", n, tc.goodFrames)
			}
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want a FileError with %v", err, tc.wantErr)
			}
			if fe.Name != "damaged.cap" || fe.Offset != tc.wantOffset {
				t.Errorf("error at %s offset %d, want damaged.cap offset %d (%v)", fe.Name, fe.Offset, tc.wantOffset, err)
			}
		})
	}
}

// TestFileSourceStdin reads a capture the way -r - does, through a pipe.
func TestFileSourceStdin(t *testing.T) {
	data, err := os.ReadFile("../testdata/sniff/usec.pcap")
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	go func() {
		// Dribble the bytes to exercise short reads.
		for i := 0; i < len(data); i += 333 {
			pw.Write(data[i:min(i+333, len(data))])
		}
		pw.Close()
	}()
	src, err := NewFileSource("standard input", pr, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, _, _, err := readAll(t, src)
	if err != nil || n != 82 {
		t.Fatalf("read %d frames, err %v; want 82, nil", n, err)
	}
}

func pcapRecordOffsets(b []byte) []int {
	var offs []int
	for off := 24; off+16 <= len(b); {
		offs = append(offs, off)
		off += 16 + int(binary.LittleEndian.Uint32(b[off+8:]))
	}
	return offs
}

type blockSpan struct{ start, end int }

func pcapngBlockOffsets(b []byte) []blockSpan {
	var spans []blockSpan
	for off := 0; off+12 <= len(b); {
		l := int(binary.LittleEndian.Uint32(b[off+4:]))
		spans = append(spans, blockSpan{off, off + l})
		off += l
	}
	return spans
}

// FuzzFileSource reads arbitrary bytes as a capture: it must end with
// io.EOF or an error, never a panic, and never allocate for lengths the
// input only claims.
func FuzzFileSource(f *testing.F) {
	for _, p := range []string{"../testdata/sniff/usec.pcap", "../testdata/sniff/nsec.pcap", "../testdata/sniff/two-links.pcapng"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b[:min(len(b), 2048)])
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := NewFileSource("fuzz", bytes.NewReader(data), nil)
		if err != nil {
			return
		}
		var fr decode.Frame
		for i := 0; i < 10000; i++ {
			if err := src.Next(&fr); err != nil {
				return
			}
			if len(fr.Data) > maxBlockLen {
				t.Fatalf("frame of %d bytes", len(fr.Data))
			}
		}
	})
}
