package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDecryptAndExport runs sniffws on a TLS 1.2 capture with its key log
// in both spellings and checks the rows and the exported objects against
// tshark's.
func TestDecryptAndExport(t *testing.T) {
	base := "../../testdata/tlsdecrypt/tls12-gcm-h1"
	want, err := os.ReadFile(base + ".pcap.keylog.csv")
	if err != nil {
		t.Skip("capture missing")
	}
	tests := []struct {
		name string
		args []string
	}{
		{
			name: "tshark preference",
			args: []string{"-o", "tls.keylog_file:" + base + ".keylog"},
		},
		{
			name: "-keylog",
			args: []string{"-keylog", base + ".keylog"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "objects")
			var out, errb bytes.Buffer
			args := append([]string{"-r", base + ".pcap", "-print", "csv", "--export-objects", "http," + dir}, tc.args...)
			if code := run(args, strings.NewReader(""), &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			if out.String() != string(want) {
				t.Errorf("rows differ from tshark's with the key log")
			}
			ents, _ := os.ReadDir(base + ".export")
			for _, e := range ents {
				w, _ := os.ReadFile(filepath.Join(base+".export", e.Name()))
				g, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil || !bytes.Equal(g, w) {
					t.Errorf("%s: differs from tshark's export (%v)", e.Name(), err)
				}
			}
			if !strings.Contains(errb.String(), "exported 9 HTTP objects") {
				t.Errorf("summary: %q", errb.String())
			}
		})
	}
}

func TestDecryptFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{
			name: "unknown preference",
			args: []string{"-r", "x.pcap", "-o", "tcp.analyze_sequence_numbers:FALSE"},
			want: "unknown preference",
		},
		{
			name: "export needs a directory",
			args: []string{"-r", "x.pcap", "--export-objects", "http"},
			want: "want http,DIR",
		},
		{
			name: "only http objects",
			args: []string{"-r", "x.pcap", "--export-objects", "smb,out"},
			want: "only http objects",
		},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		if code := run(tc.args, strings.NewReader(""), &out, &errb); code != 2 {
			t.Errorf("%s: exit %d, want 2", tc.name, code)
		}
		if !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%s: %q does not say %q", tc.name, errb.String(), tc.want)
		}
	}
}
