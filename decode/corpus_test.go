package decode_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corpusDir holds public captures with tshark 4.0.17's output for each; it
// lives outside the repository and the test skips when it is absent.
const corpusDir = "../../shared/corpus"

// floorFile keeps the lowest acceptable share of exact rows over the
// corpus, in percent. Raise it as decoding improves; never lower it.
const floorFile = "../testdata/conformance-floor.txt"

// TestCorpusConformance decodes every corpus capture and fails when the
// share of rows equal to tshark's drops below the floor.
func TestCorpusConformance(t *testing.T) {
	names, err := filepath.Glob(filepath.Join(corpusDir, "pcaps", "*"))
	if err != nil || len(names) == 0 {
		t.Skipf("no corpus at %s", corpusDir)
	}
	raw, err := os.ReadFile(floorFile)
	if err != nil {
		t.Fatal(err)
	}
	floor, err := strconv.ParseFloat(strings.TrimSpace(string(raw)), 64)
	if err != nil {
		t.Fatalf("%s: %v", floorFile, err)
	}
	rows, exact := 0, 0
	for _, path := range names {
		want, err := os.ReadFile(filepath.Join(corpusDir, "tshark", filepath.Base(path)+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		wl := splitLines(want)
		gl := splitLines(decodeFile(t, path))
		for i, w := range wl {
			rows++
			if i < len(gl) && gl[i] == w {
				exact++
			}
		}
		if len(gl) != len(wl) {
			t.Errorf("%s: %d rows, tshark has %d", filepath.Base(path), len(gl), len(wl))
		}
	}
	share := 100 * float64(exact) / float64(rows)
	t.Logf("exact rows: %d of %d (%.2f%%), floor %.2f%%", exact, rows, share, floor)
	if share < floor {
		t.Errorf("exact-row share %.2f%% is below the floor %.2f%%", share, floor)
	}
}
