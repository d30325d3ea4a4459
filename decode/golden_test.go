package decode_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sniffws/decode"
	"sniffws/sniff"
)

// decodeFile runs a capture through a fresh Decoder and returns the CSV
// sniffws -print csv would print.
func decodeFile(t testing.TB, path string) []byte {
	t.Helper()
	return decodeFileWith(t, path, decode.Options{})
}

// decodeFileWith is decodeFile with decoder options (a key log, an object
// sink); a dissector bug fails the test.
func decodeFileWith(t testing.TB, path string, opts decode.Options) []byte {
	t.Helper()
	src, err := sniff.OpenFile(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer src.Close()
	opts.OnBug = func(n uint64, msg string) {
		t.Errorf("%s: frame %d: dissector bug: %s", path, n, msg)
	}
	d := decode.New(opts)
	var f decode.Frame
	var rec decode.Record
	var out []byte
	for {
		err := src.Next(&f)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		d.Decode(&f, &rec)
		out = rec.AppendCSV(out)
	}
	return out
}

// TestGolden compares every capture under testdata/ and samples/ that has
// a .csv next to it (tshark's output for it) with what the decoder prints.
// Regenerate a golden file with:
//
//	../shared/tools/tshark-columns CAPTURE > CAPTURE.csv
func TestGolden(t *testing.T) {
	var captures []string
	for _, root := range []string{"../testdata", "../samples"} {
		filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".pcap") || strings.HasSuffix(path, ".pcapng")) {
				if _, err := os.Stat(path + ".csv"); err == nil {
					captures = append(captures, path)
				}
			}
			return nil
		})
	}
	if len(captures) == 0 {
		t.Skip("no golden captures under testdata/")
	}
	for _, path := range captures {
		t.Run(strings.TrimPrefix(path, "../"), func(t *testing.T) {
			want, err := os.ReadFile(path + ".csv")
			if err != nil {
				t.Fatal(err)
			}
			got := decodeFile(t, path)
			compareCSV(t, want, got)
		})
	}
}

func compareCSV(t *testing.T, want, got []byte) {
	t.Helper()
	wl := splitLines(want)
	gl := splitLines(got)
	bad := 0
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			bad++
			if bad <= 5 {
				t.Errorf("row %d:\n  tshark:  %s\n  sniffws: %s", i+1, w, g)
			}
		}
	}
	if bad > 5 {
		t.Errorf("%d rows differ in all", bad)
	}
}

func splitLines(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
