package decode_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"

	"sniffws/decode"
	"sniffws/sniff"
)

// Decoding benchmarks by protocol mix. One op is one frame, so ns/op is
// the cost of a frame and allocs/op its allocations; every pass over the
// mix starts with a fresh Decoder, as a new capture would.
//
//	go test -run '^$' -bench 'Decode|Record' -benchmem ./decode/
//
// The mixes come from the shared corpus when it is present (names
// matching the words below), else from testdata/.
var benchMixes = []struct {
	name     string
	corpus   []string // substrings of corpus capture names
	testdata []string // fallback: directories under testdata/
}{
	{"tcp", []string{"__tcp", "synscan", "tcp_ports", "ftp"}, []string{"ftp", "redis", "ssh"}},
	{"dns-udp", []string{"dns", "dhcp", "snmp", "ntp", "syslog", "radius"}, []string{"dns", "dhcp", "snmp", "ntp"}},
	{"http", []string{"http"}, []string{"http"}},
	{"tls", []string{"tls", "ssl", "https"}, []string{"tls"}},
	{"corpus", []string{""}, []string{""}},
}

// benchFrame is a frame read into memory, with its own copy of the bytes.
type benchFrame = decode.Frame

func loadBenchFrames(b *testing.B, paths []string) []benchFrame {
	b.Helper()
	var frames []benchFrame
	for _, path := range paths {
		src, err := sniff.OpenFile(path)
		if err != nil {
			continue
		}
		var f decode.Frame
		for {
			err := src.Next(&f)
			if err != nil {
				break
			}
			c := f
			c.Data = append([]byte(nil), f.Data...)
			frames = append(frames, c)
		}
		src.Close()
	}
	if len(frames) == 0 {
		b.Skip("no captures for this mix")
	}
	return frames
}

func mixPaths(corpus, testdata []string) []string {
	var paths []string
	names, _ := filepath.Glob(filepath.Join(corpusDir, "pcaps", "*"))
	for _, n := range names {
		for _, w := range corpus {
			if strings.Contains(filepath.Base(n), w) {
				paths = append(paths, n)
				break
			}
		}
	}
	if len(paths) > 0 {
		return paths
	}
	for _, dir := range testdata {
		filepath.WalkDir(filepath.Join("../testdata", dir), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".pcap") || strings.HasSuffix(p, ".pcapng")) {
				paths = append(paths, p)
			}
			return nil
		})
	}
	return paths
}

// BenchmarkDecode decodes each mix frame by frame into one reused Record.
func BenchmarkDecode(b *testing.B) {
	for _, mix := range benchMixes {
		b.Run(mix.name, func(b *testing.B) {
			frames := loadBenchFrames(b, mixPaths(mix.corpus, mix.testdata))
			var bytes int64
			for i := range frames {
				bytes += int64(len(frames[i].Data))
			}
			b.SetBytes(bytes / int64(len(frames)))
			b.ReportAllocs()
			b.ResetTimer()
			var d *decode.Decoder
			var rec decode.Record
			for i := range b.N {
				k := i % len(frames)
				if k == 0 {
					d = decode.New(decode.Options{})
				}
				d.Decode(&frames[k], &rec)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
		})
	}
}

// benchRecords decodes the corpus (or the sample capture) once and keeps
// every Record, for the encoding benchmarks.
func benchRecords(b *testing.B) []decode.Record {
	frames := loadBenchFrames(b, mixPaths([]string{""}, []string{"../samples"}))
	d := decode.New(decode.Options{})
	recs := make([]decode.Record, len(frames))
	for i := range frames {
		d.Decode(&frames[i], &recs[i])
	}
	return recs
}

// BenchmarkRecord encodes decoded records as CSV lines and JSON messages.
func BenchmarkRecord(b *testing.B) {
	recs := benchRecords(b)
	for _, enc := range []struct {
		name string
		fn   func(*decode.Record, []byte) []byte
	}{
		{"CSV", func(r *decode.Record, dst []byte) []byte { return r.AppendCSV(dst) }},
		{"JSON", func(r *decode.Record, dst []byte) []byte { return r.AppendJSON(dst) }},
	} {
		b.Run(enc.name, func(b *testing.B) {
			var buf []byte
			var n int64
			b.ReportAllocs()
			for i := range b.N {
				buf = enc.fn(&recs[i%len(recs)], buf[:0])
				n += int64(len(buf))
			}
			b.SetBytes(n / int64(max(b.N, 1)))
		})
	}
}

// BenchmarkDecodeFile runs a whole capture file through the reader, the
// decoder and the CSV encoder, as `sniffws -r FILE -print csv` does, for
// profiling on a large capture (bench/ builds one):
//
//	SNIFFWS_BENCH_FILE=/tmp/big.pcap SNIFFWS_BENCH_HEAP=/tmp/heap.out \
//	  go test -run '^$' -bench DecodeFile -benchtime 1x -cpuprofile /tmp/cpu.out ./decode/
//
// SNIFFWS_BENCH_HEAP, when set, receives a heap profile taken at the end
// of the file, while the decoder's state is still alive, and with
// SNIFFWS_BENCH_HEAP_EVERY=N one more every N frames (FILE.N).
func BenchmarkDecodeFile(b *testing.B) {
	path := os.Getenv("SNIFFWS_BENCH_FILE")
	if path == "" {
		b.Skip("set SNIFFWS_BENCH_FILE to a capture")
	}
	b.ReportAllocs()
	var frames int
	every, _ := strconv.Atoi(os.Getenv("SNIFFWS_BENCH_HEAP_EVERY"))
	for range b.N {
		src, err := sniff.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		d := decode.New(decode.Options{})
		var f decode.Frame
		var rec decode.Record
		out := make([]byte, 0, 1<<16)
		for {
			err := src.Next(&f)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			d.Decode(&f, &rec)
			out = rec.AppendCSV(out)
			if len(out) > 60<<10 {
				out = out[:0]
			}
			frames++
			if every > 0 && frames%every == 0 {
				writeHeap(fmt.Sprintf("%s.%d", os.Getenv("SNIFFWS_BENCH_HEAP"), frames))
			}
		}
		src.Close()
		if heap := os.Getenv("SNIFFWS_BENCH_HEAP"); heap != "" {
			writeHeap(heap)
		}
		runtime.KeepAlive(d)
	}
	b.ReportMetric(float64(frames)/b.Elapsed().Seconds(), "frames/s")
}

func writeHeap(name string) {
	runtime.GC()
	if w, err := os.Create(name); err == nil {
		pprof.WriteHeapProfile(w)
		w.Close()
	}
}
