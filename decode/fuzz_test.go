package decode_test

import (
	"encoding/binary"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"sniffws/decode"
	"sniffws/sniff"
)

var fuzzLinkTypes = []decode.LinkType{
	decode.LinkEthernet, decode.LinkRaw, decode.LinkLinuxSLL, decode.LinkLinuxSLL2,
	decode.LinkNull, decode.LinkIEEE80211, decode.LinkRadiotap, decode.LinkFDDI,
}

// encodeFuzzInput packs frames as the fuzz target reads them: a link type
// selector, then frames as 2-byte big-endian length + bytes.
func encodeFuzzInput(sel byte, frames [][]byte) []byte {
	out := []byte{sel}
	for _, f := range frames {
		out = binary.BigEndian.AppendUint16(out, uint16(len(f)))
		out = append(out, f...)
	}
	return out
}

// FuzzDecode feeds sequences of arbitrary frames through one Decoder (so
// flow state, reassembly and fragment tables are exercised too). Any panic
// that is not a dissection exception fails.
func FuzzDecode(f *testing.F) {
	seedFromCaptures(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		lt := fuzzLinkTypes[int(in[0])%len(fuzzLinkTypes)]
		d := decode.New(decode.Options{OnBug: func(n uint64, msg string) {
			t.Fatalf("frame %d: dissector bug: %s", n, msg)
		}})
		var rec decode.Record
		rest := in[1:]
		ts := time.Unix(1700000000, 0)
		for i := 0; len(rest) >= 2 && i < 64; i++ {
			n := int(binary.BigEndian.Uint16(rest))
			rest = rest[2:]
			if n > len(rest) {
				n = len(rest)
			}
			frame := decode.Frame{Data: rest[:n], WireLen: n + int(in[0]>>4), Timestamp: ts, TimeDigits: 6, LinkType: lt}
			ts = ts.Add(time.Millisecond)
			d.Decode(&frame, &rec)
			rest = rest[n:]
		}
	})
}

// seedFromCaptures adds the first frames of each capture in testdata/ (and
// of the shared corpus when present) as seeds.
func seedFromCaptures(f *testing.F) {
	var paths []string
	for _, pat := range []string{"../testdata/*/*.pcap*", "../../shared/corpus/pcaps/*"} {
		m, _ := filepath.Glob(pat)
		paths = append(paths, m...)
	}
	for _, path := range paths {
		if filepath.Ext(path) == ".csv" {
			continue
		}
		src, err := sniff.OpenFile(path)
		if err != nil {
			continue
		}
		var frames [][]byte
		sel := byte(0)
		var fr decode.Frame
		for len(frames) < 16 {
			err := src.Next(&fr)
			if errors.Is(err, io.EOF) || err != nil {
				break
			}
			for i, lt := range fuzzLinkTypes {
				if lt == fr.LinkType {
					sel = byte(i)
				}
			}
			frames = append(frames, append([]byte(nil), fr.Data...))
		}
		src.Close()
		if len(frames) > 0 {
			f.Add(encodeFuzzInput(sel, frames))
		}
	}
}
