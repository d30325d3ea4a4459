package sniff

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"sniffws/decode"
)

// The mutation test damages every capture it can find (the shared corpus
// when present, plus testdata/ and samples/) in three ways: bits flipped
// at a random offset, the file cut at a random offset, and random bytes
// instead of the records. Reading and decoding the damaged file must not
// panic, hang or hit a dissector bug; whatever cannot be read must be
// reported as a *FileError (file, byte offset, cause); and every frame
// recorded wholly before the damage must still decode to the same row.
//
// By default every file gets one mutation of each kind (about a second
// for the 225 corpus captures and testdata/, three under -race; files are
// left out past mutationBudget on a slow machine); SNIFFWS_LONG=1
// (make mutate) gives each SNIFFWS_MUTATIONS (default 20) of each kind.
// The seed changes daily; SNIFFWS_MUTATION_SEED repeats a run.
const mutationBudget = 15 * time.Second

// perFileTimeout bounds reading and decoding one damaged file: a hang is
// a failure, not a stuck test run.
const perFileTimeout = 60 * time.Second

func mutationFiles(t *testing.T) []string {
	var paths []string
	for _, pat := range []string{"../../shared/corpus/pcaps/*", "../testdata/*/*.pcap*", "../samples/*.pcap*"} {
		m, _ := filepath.Glob(pat)
		for _, p := range m {
			if filepath.Ext(p) != ".csv" {
				paths = append(paths, p)
			}
		}
	}
	if len(paths) == 0 {
		t.Skip("no captures found")
	}
	return paths
}

// decoded is one read of a capture: a row per frame, the byte offset at
// which each frame's record ends, and how the read ended.
type decoded struct {
	rows []string
	ends []int64
	err  error // nil at a clean end of file
	bugs []string
}

// decodeCapture reads and decodes data as sniffws -r does.
func decodeCapture(name string, data []byte) decoded {
	var out decoded
	src, err := NewFileSource(name, bytes.NewReader(data), nil)
	if err != nil {
		out.err = err
		return out
	}
	dec := decode.New(decode.Options{OnBug: func(n uint64, msg string) {
		out.bugs = append(out.bugs, fmt.Sprintf("frame %d: %s", n, msg))
	}})
	var f decode.Frame
	var rec decode.Record
	var row []byte
	for {
		err := src.Next(&f)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			out.err = err
			return out
		}
		dec.Decode(&f, &rec)
		row = rec.AppendCSV(row[:0])
		out.rows = append(out.rows, string(row))
		out.ends = append(out.ends, src.off)
	}
}

// decodeBounded is decodeCapture with a time limit.
func decodeBounded(t *testing.T, name string, data []byte) decoded {
	t.Helper()
	ch := make(chan decoded, 1)
	go func() { ch <- decodeCapture(name, data) }()
	select {
	case d := <-ch:
		return d
	case <-time.After(perFileTimeout):
		t.Fatalf("%s: reading and decoding took more than %v: a hang", name, perFileTimeout)
		return decoded{}
	}
}

type mutation struct {
	kind  string
	data  []byte
	first int // offset of the first damaged byte; frames ending at or before it are intact
	cut   bool
}

// mutate returns the three kinds of damage for one seed.
func mutate(orig []byte, rng *rand.Rand) []mutation {
	var ms []mutation
	if len(orig) > 0 {
		// Flip 1 to 8 bits within a 64-byte window.
		d := bytes.Clone(orig)
		at := rng.IntN(len(d))
		first := len(d)
		for i := 0; i < 1+rng.IntN(8); i++ {
			o := min(len(d)-1, at+rng.IntN(64))
			d[o] ^= 1 << rng.IntN(8)
			first = min(first, o)
		}
		if !bytes.Equal(d, orig) {
			ms = append(ms, mutation{kind: "flip", data: d, first: first})
		}
		cut := rng.IntN(len(orig))
		ms = append(ms, mutation{kind: fmt.Sprintf("cut@%d", cut), data: orig[:cut], first: cut, cut: true})
	}
	// The header kept, random bytes instead of the records; or nothing but
	// random bytes.
	hdr := min(len(orig), 24)
	if bytes.HasPrefix(orig, []byte{0x0a, 0x0d, 0x0d, 0x0a}) && len(orig) >= 12 {
		hdr = min(len(orig), int(leOrBE(orig[4:8], orig[8:12])))
	}
	body := make([]byte, rng.IntN(8192))
	for i := range body {
		body[i] = byte(rng.Uint32())
	}
	ms = append(ms, mutation{kind: "random body", data: append(bytes.Clone(orig[:hdr]), body...), first: hdr})
	ms = append(ms, mutation{kind: "random file", data: body, first: 0})
	return ms
}

// leOrBE reads a pcapng section header length with the byte order its
// magic says.
func leOrBE(length, magic []byte) uint32 {
	if magic[0] == 0x4d {
		return uint32(length[0])<<24 | uint32(length[1])<<16 | uint32(length[2])<<8 | uint32(length[3])
	}
	return uint32(length[0]) | uint32(length[1])<<8 | uint32(length[2])<<16 | uint32(length[3])<<24
}

func TestMutatedCaptures(t *testing.T) {
	paths := mutationFiles(t)
	long := os.Getenv("SNIFFWS_LONG") != ""
	perKind := 1
	if long {
		perKind = 20
		if n, err := strconv.Atoi(os.Getenv("SNIFFWS_MUTATIONS")); err == nil && n > 0 {
			perKind = n
		}
	}
	// A different selection each day, the same all day: a failure can be
	// rerun, and the corpus is covered over time.
	day := uint64(time.Now().Unix() / 86400)
	if s, err := strconv.ParseUint(os.Getenv("SNIFFWS_MUTATION_SEED"), 10, 64); err == nil {
		day = s
	}
	rng := rand.New(rand.NewPCG(day, 0x5eed))
	rng.Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	start := time.Now()
	var files, mutations, frames int
	for _, path := range paths {
		if !long && time.Since(start) > mutationBudget {
			break
		}
		orig, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		base := decodeBounded(t, path, orig)
		if base.err != nil {
			// A capture that is damaged already (some corpus files are
			// cut short on purpose) is still a fine base: its good prefix.
			var fe *FileError
			if !errors.As(base.err, &fe) {
				t.Errorf("%s: undamaged read failed without a FileError: %v", path, base.err)
			}
		}
		if len(base.bugs) > 0 {
			t.Errorf("%s: dissector bugs on the undamaged file: %v", path, base.bugs)
		}
		h := fnv.New64a()
		h.Write([]byte(filepath.Base(path)))
		frng := rand.New(rand.NewPCG(day, h.Sum64()))
		files++
		for k := 0; k < perKind; k++ {
			for _, m := range mutate(orig, frng) {
				mutations++
				got := decodeBounded(t, path, m.data)
				frames += len(got.rows)
				where := fmt.Sprintf("%s (%s, seed %d)", path, m.kind, day)
				checkMutation(t, where, base, got, m)
			}
		}
	}
	t.Logf("%d of %d captures, %d damaged copies, %d frames decoded in %v (seed %d; SNIFFWS_LONG=1 for all files, SNIFFWS_MUTATION_SEED to repeat)",
		files, len(paths), mutations, frames, time.Since(start).Round(time.Millisecond), day)
}

func checkMutation(t *testing.T, where string, base, got decoded, m mutation) {
	t.Helper()
	if len(got.bugs) > 0 {
		t.Errorf("%s: dissector bugs: %v", where, got.bugs)
	}
	if got.err != nil {
		var fe *FileError
		if !errors.As(got.err, &fe) {
			t.Errorf("%s: error without file and offset: %v", where, got.err)
		} else if fe.Offset < 0 || fe.Offset > int64(len(m.data)) || fe.Err == nil {
			t.Errorf("%s: error at offset %d of a %d-byte file: %v", where, fe.Offset, len(m.data), got.err)
		}
	}
	// Frames wholly before the damage decode as before.
	intact := sort.Search(len(base.ends), func(i int) bool { return base.ends[i] > int64(m.first) })
	if len(got.rows) < intact {
		t.Errorf("%s: %d frames read, but %d end before the damage at byte %d (%v)", where, len(got.rows), intact, m.first, got.err)
		intact = len(got.rows)
	}
	for i := 0; i < intact; i++ {
		if got.rows[i] != base.rows[i] {
			t.Errorf("%s: frame %d before the damage at byte %d decodes differently:\n was %s  now %s", where, i+1, m.first, base.rows[i], got.rows[i])
			break
		}
	}
	if m.cut && base.err == nil {
		// Cut: exactly the frames before the cut, then the end or an error.
		if len(got.rows) != intact {
			t.Errorf("%s: %d frames from a file cut after %d whole frames", where, len(got.rows), intact)
		}
		boundary := m.first == 0 || (m.first == 24 && !isPcapng(m.data)) || (intact > 0 && base.ends[intact-1] == int64(m.first))
		if !boundary && got.err == nil && !isPcapng(m.data) {
			t.Errorf("%s: a record cut in the middle read as a clean end of file", where)
		}
	}
}

func isPcapng(b []byte) bool { return bytes.HasPrefix(b, []byte{0x0a, 0x0d, 0x0d, 0x0a}) }
