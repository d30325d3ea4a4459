package sniff

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"sniffws/decode"
)

// seedCSV adds the first lines of every tshark CSV kept beside a capture.
func seedCSV(f *testing.F) {
	paths, _ := filepath.Glob("../testdata/*/*.csv")
	more, _ := filepath.Glob("../samples/*.csv")
	for _, p := range append(paths, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// A few lines are enough: the fuzzer mutates, the corpus need not be big.
		cut := 0
		for i := 0; i < 4; i++ {
			j := bytes.IndexByte(b[cut:], '\n')
			if j < 0 {
				cut = len(b)
				break
			}
			cut += j + 1
		}
		f.Add(byte(','), b[:cut])
	}
	f.Add(byte(';'), []byte("\"6\";\"0.4\";\"a\";\"b\";\"TCP\";\"54\";\"x, y; z\"\nq\n"))
	f.Add(byte(','), []byte("\"1\",\"0\",\"a\"\n\n,,,,,,\n\"\",\"\",\"\",\"\",\"\",\"\",\"\"\r\n\"\"\"\",\"\n"))
}

// FuzzCSVReader reads arbitrary bytes as tshark's seven-column CSV. It
// must never panic, must end (one Next per line at most, plus the final
// EOF), and every record it yields must be seven fields of the line they
// came from. A record tshark printed (AppendCSV) must come back unchanged.
func FuzzCSVReader(f *testing.F) {
	seedCSV(f)
	f.Fuzz(func(t *testing.T, sep byte, data []byte) {
		if sep == '\n' || sep == '\r' || sep == '"' || sep == 0 {
			sep = ','
		}
		r := NewCSVReader(bytes.NewReader(data), sep, "q", io.Discard)
		r.MaxLineBytes = 4096 // small, so the fuzzer reaches the over-long path
		lines := bytes.Count(data, []byte("\n")) + 1
		var rec decode.Record
		records := 0
		for calls := 0; ; calls++ {
			if calls > lines+1 {
				t.Fatalf("%d calls to Next for %d lines", calls, lines)
			}
			err := r.Next(&rec)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("unexpected error from a bytes.Reader: %v", err)
			}
			records++
			for i, col := range [][]byte{rec.No, rec.Time, rec.Source, rec.Destination, rec.Protocol, rec.Length, rec.Info} {
				if bytes.IndexByte(col, '\n') >= 0 {
					t.Fatalf("record %d column %d spans lines: %q", records, i, col)
				}
				if len(col) > r.MaxLineBytes {
					t.Fatalf("record %d column %d longer than the line limit", records, i)
				}
			}
		}
		if uint64(records)+r.Skipped() > uint64(lines) {
			t.Fatalf("%d records + %d skipped from %d lines", records, r.Skipped(), lines)
		}

		// Round trip: the fuzz input's fields, as tshark would print them.
		fields := bytes.SplitN(data, []byte{0}, 7)
		if len(fields) != 7 {
			return
		}
		var want decode.Record
		want.No, want.Time, want.Source, want.Destination = fields[0], fields[1], fields[2], fields[3]
		want.Protocol, want.Length, want.Info = fields[4], fields[5], fields[6]
		for _, col := range fields {
			// tshark's fields never hold a line break (AppendCSV escapes
			// control characters); the first six hold no `",` since
			// tshark does not escape quotes and the reader could not
			// tell where such a field ends.
			if bytes.ContainsAny(col, "\n\r") {
				return
			}
		}
		for _, col := range fields[:6] {
			if bytes.Contains(col, []byte{'"', ','}) || bytes.HasSuffix(col, []byte{'"'}) {
				return
			}
		}
		line := want.AppendCSV(nil)
		if bytes.Equal(bytes.TrimSuffix(line, []byte("\n")), []byte("q")) || len(line) > 4096 {
			return
		}
		r = NewCSVReader(bytes.NewReader(line), ',', "q", nil)
		var got decode.Record
		if err := r.Next(&got); err != nil {
			t.Fatalf("reading back %q: %v", line, err)
		}
		w, g := want.AppendCSV(nil), got.AppendCSV(nil)
		if !bytes.Equal(w, g) {
			t.Fatalf("round trip:\n in  %q\n out %q", w, g)
		}
	})
}
