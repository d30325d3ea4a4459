package decode

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

func TestKeyLogParse(t *testing.T) {
	cr := "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	ms := bytes.Repeat([]byte("ab"), 48)
	tests := []struct {
		name  string
		line  string
		label keyLogLabel
		id    string
		want  string // hex; "" when the line must be ignored
	}{
		{
			name:  "client random",
			line:  "CLIENT_RANDOM " + cr + " " + string(ms),
			label: klMasterSecret,
			id:    cr,
			want:  string(ms),
		},
		{
			name:  "client random, CRLF and trailing text",
			line:  "CLIENT_RANDOM " + cr + " " + string(ms) + " junk\r",
			label: klMasterSecret,
			id:    cr,
			want:  string(ms),
		},
		{
			name:  "client random, master secret too short",
			line:  "CLIENT_RANDOM " + cr + " abcd",
			label: klMasterSecret,
			id:    cr,
		},
		{
			name:  "upper-case hex",
			line:  "CLIENT_RANDOM " + "AABB" + cr[4:] + " " + string(ms),
			label: klMasterSecret,
			id:    "aabb" + cr[4:],
			want:  string(ms),
		},
		{
			name:  "TLS 1.3 handshake secret",
			line:  "SERVER_HANDSHAKE_TRAFFIC_SECRET " + cr + " 010203040",
			label: klServerHandshake,
			id:    cr,
			want:  "01020304",
		},
		{
			name:  "TLS 1.3 traffic secret",
			line:  "CLIENT_TRAFFIC_SECRET_0 " + cr + " " + cr,
			label: klClientTraffic0,
			id:    cr,
			want:  cr,
		},
		{
			name:  "session ID",
			line:  "RSA Session-ID:0102 Master-Key:" + string(ms),
			label: klSessionID,
			id:    "0102",
			want:  string(ms),
		},
		{
			name:  "short client random",
			line:  "CLIENT_HANDSHAKE_TRAFFIC_SECRET " + cr[2:] + " 0102",
			label: klClientHandshake,
			id:    cr[2:],
		},
		{
			name:  "comment",
			line:  "# CLIENT_RANDOM " + cr + " " + string(ms),
			label: klMasterSecret,
			id:    cr,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := NewKeyLog()
			k.Parse([]byte(tc.line + "\n"))
			id, _ := hex.DecodeString(tc.id)
			got := hex.EncodeToString(k.lookup(tc.label, id))
			if got != tc.want {
				t.Errorf("secret = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestKeyLogAppend checks that secrets appended to the file after it was
// opened, even a line written in two pieces, are found when needed, and
// that a replaced file is read from its start.
func TestKeyLogAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.log")
	// A key log that does not exist yet is read once it appears.
	early, err := OpenKeyLog(path)
	if err != nil {
		t.Fatalf("missing file: %v", err)
	}
	cr1 := bytes.Repeat([]byte("11"), 32)
	cr2 := bytes.Repeat([]byte("22"), 32)
	cr3 := bytes.Repeat([]byte("33"), 32)
	secret := "0a0b0c0d"
	if err := os.WriteFile(path, []byte("SERVER_TRAFFIC_SECRET_0 "+string(cr1)+" "+secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := OpenKeyLog(path)
	if err != nil {
		t.Fatal(err)
	}
	id := func(h []byte) []byte { b, _ := hex.DecodeString(string(h)); return b }
	if k.lookup(klServerTraffic0, id(cr1)) == nil {
		t.Fatal("first secret not read")
	}
	if early.lookup(klServerTraffic0, id(cr1)) == nil {
		t.Fatal("file created after opening not read")
	}
	if k.lookup(klServerTraffic0, id(cr2)) != nil {
		t.Fatal("secret found before it was written")
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("SERVER_TRAFFIC_SECRET_0 " + string(cr2[:20]))
	if k.lookup(klServerTraffic0, id(cr2)) != nil {
		t.Fatal("half-written line taken")
	}
	f.WriteString(string(cr2[20:]) + " " + secret + "\n")
	f.Close()
	if got := hex.EncodeToString(k.lookup(klServerTraffic0, id(cr2))); got != secret {
		t.Fatalf("appended secret = %q, want %q", got, secret)
	}
	// A new, shorter file replaces the old one.
	os.Remove(path)
	if err := os.WriteFile(path, []byte("SERVER_TRAFFIC_SECRET_0 "+string(cr3)+" "+secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if k.lookup(klServerTraffic0, id(cr3)) == nil {
		t.Fatal("replaced file not read again")
	}
	if k.lookup(klServerTraffic0, id(cr1)) == nil {
		t.Fatal("secrets read before are forgotten")
	}
}
