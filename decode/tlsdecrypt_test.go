package decode_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sniffws/decode"
	"sniffws/export"
)

// decodeWithKeys is decodeFile with a key log and an object sink.
func decodeWithKeys(t testing.TB, path string, kl *decode.KeyLog, onObject func(decode.ExportObject)) []byte {
	t.Helper()
	return decodeFileWith(t, path, decode.Options{KeyLog: kl, OnObject: onObject})
}

// TestGoldenKeyLog decodes the captures under testdata/tlsdecrypt with
// their key logs (NAME.keylog) and compares every row with tshark's
// output with the same key log (NAME.pcap.keylog.csv, made by
// testdata/tlsdecrypt/make-captures.sh).
func TestGoldenKeyLog(t *testing.T) {
	files, _ := filepath.Glob("../testdata/tlsdecrypt/*.pcap")
	if len(files) == 0 {
		t.Skip("no captures")
	}
	for _, path := range files {
		name := strings.TrimSuffix(path, ".pcap")
		t.Run(filepath.Base(name), func(t *testing.T) {
			want, err := os.ReadFile(path + ".keylog.csv")
			if err != nil {
				t.Skip("no keylog csv")
			}
			kl, err := decode.OpenKeyLog(name + ".keylog")
			if err != nil {
				t.Fatal(err)
			}
			compareCSV(t, want, decodeWithKeys(t, path, kl, nil))
		})
	}
}

// TestExportObjectsKeyLog exports the HTTP objects of each capture under
// testdata/tlsdecrypt, decrypted with its key log, and compares them with
// what tshark -o tls.keylog_file:NAME.keylog --export-objects http,DIR
// wrote (NAME.export/): the same file names, byte for byte.
func TestExportObjectsKeyLog(t *testing.T) {
	files, _ := filepath.Glob("../testdata/tlsdecrypt/*.pcap")
	if len(files) == 0 {
		t.Skip("no captures")
	}
	for _, path := range files {
		name := strings.TrimSuffix(path, ".pcap")
		t.Run(filepath.Base(name), func(t *testing.T) {
			wantDir := name + ".export"
			if _, err := os.Stat(wantDir); err != nil {
				t.Skip("no export directory")
			}
			kl, err := decode.OpenKeyLog(name + ".keylog")
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			w, err := export.NewWriter(dir)
			if err != nil {
				t.Fatal(err)
			}
			decodeWithKeys(t, path, kl, func(obj decode.ExportObject) {
				if _, err := w.Write(obj); err != nil {
					t.Error(err)
				}
			})
			compareDirs(t, wantDir, dir)
		})
	}
}

// compareDirs checks that two directories hold the same files.
func compareDirs(t *testing.T, want, got string) {
	t.Helper()
	list := func(dir string) map[string][]byte {
		m := map[string][]byte{}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ents {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			m[e.Name()] = b
		}
		return m
	}
	w, g := list(want), list(got)
	for name, data := range w {
		gd, ok := g[name]
		switch {
		case !ok:
			t.Errorf("%s: not exported", name)
		case string(gd) != string(data):
			t.Errorf("%s: %d bytes differ from tshark's %d", name, len(gd), len(data))
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: exported, tshark has no such object", name)
		}
	}
}
