package sniff

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// FuzzReadHAR parses arbitrary bytes as a HAR file and, when they parse,
// emits the links. It must never panic; every link must be one JSON object
// (Python's json.dumps also writes Infinity and NaN, which the old tool
// sent as they were) with the keys of SPEC §1.3; each kept entry yields at
// least its three links.
func FuzzReadHAR(f *testing.F) {
	if b, err := os.ReadFile("../samples/session.har"); err == nil {
		f.Add(b, int64(DefaultHARDelta))
		f.Add(b, int64(0))
	}
	f.Add([]byte(harDoc("Chrome", "2024-03-14T09:26:53.120+01:00", "2024-03-14 09:26:54Z", "2024-03-14T09:26:54.9999999-05:30:15")), int64(1))
	f.Add([]byte(`{"log":{"entries":[{"startedDateTime":"2024-02-29T00:00","serverIPAddress":1e999,"time":-0.0,"request":{"url":"\u00e9\ud83d\ude00"}}]}}`), int64(-1))
	f.Add([]byte(`{"log":{"browser":null,"entries":[{"serverIPAddress":null}]}}`), int64(50000))
	f.Fuzz(func(t *testing.T, data []byte, delta int64) {
		h, err := ReadHAR(bytes.NewReader(data))
		if err != nil {
			if h != nil {
				t.Fatalf("HAR and error %v", err)
			}
			return
		}
		n := 0
		err = h.Links(delta, func(msg []byte) error {
			n++
			var link map[string]any
			clean := bytes.ReplaceAll(bytes.ReplaceAll(msg, []byte("-Infinity"), []byte("0")), []byte("Infinity"), []byte("0"))
			clean = bytes.ReplaceAll(clean, []byte("NaN"), []byte("0"))
			if err := json.Unmarshal(clean, &link); err != nil {
				t.Fatalf("link is not JSON: %v: %s", err, msg)
			}
			for _, k := range []string{"source", "target", "time", "value"} {
				if _, ok := link[k]; !ok {
					t.Fatalf("link without %q: %s", k, msg)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatalf("Links: %v", err)
		}
		if n < 3*len(h.Entries) {
			t.Fatalf("%d links for %d entries", n, len(h.Entries))
		}
	})
}
