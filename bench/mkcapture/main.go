// Command mkcapture builds a large, reproducible Ethernet capture for the
// benchmarks by concatenating real captures again and again:
//
//	go run ./bench/mkcapture -packets 206290 -o /tmp/big.pcap /work/shared/corpus/pcaps
//
// Every Ethernet frame of every input (files taken in name order) is
// written to one microsecond pcap. Copy k of the set is shifted in time to
// start 1 ms after copy k-1 ends (inputs whose clocks jump by more than an
// hour count as an hour long), so the Time column keeps growing, and its
// unicast IP addresses are changed (third byte of IPv4 XOR k, sixth byte of
// IPv6 XOR k; the second byte of IPv4 and the fifth of IPv6 XOR k>>8), so
// the copies are distinct conversations rather than retransmissions of the
// first. The IPv4 header, TCP, UDP and ICMPv6 checksums are updated for the
// new addresses (RFC 1624), so tools that check them see what the
// original showed. Copy 0 is the inputs unchanged. Broadcast, multicast,
// loopback, link-local and unspecified addresses are kept, and nothing
// inside tunnels, ICMP quotes or ARP is touched.
//
// The output depends only on the inputs and the flags.
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"sniffws/decode"
	"sniffws/sniff"
)

func main() {
	out := flag.String("o", "", "output pcap `file`")
	packets := flag.Int("packets", 0, "stop after this many frames (0: one copy of the inputs)")
	copies := flag.Int("copies", 0, "write this many copies of the inputs (instead of -packets)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: mkcapture -o OUT.pcap [-packets N | -copies N] DIR|FILE...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *out == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	files, err := inputs(flag.Args())
	if err != nil {
		fail(err)
	}
	set, err := load(files)
	if err != nil {
		fail(err)
	}
	if len(set) == 0 {
		fail(errors.New("no Ethernet frames in the inputs"))
	}
	n, err := write(*out, set, *packets, *copies)
	if err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "mkcapture: %s: %d frames from %d captures\n", *out, n, len(files))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mkcapture:", err)
	os.Exit(1)
}

// inputs lists the capture files named or found in the directories named.
func inputs(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		for _, pat := range []string{"*.pcap", "*.pcapng", "*.cap"} {
			m, _ := filepath.Glob(filepath.Join(a, pat))
			files = append(files, m...)
		}
	}
	sort.Strings(files)
	return files, nil
}

// frame is one input frame kept in memory (the inputs are small).
type frame struct {
	ts      time.Time
	wireLen int
	data    []byte
}

// capture is one input file's Ethernet frames, with its time span.
type capture struct {
	frames     []frame
	first, end time.Time
}

func load(files []string) ([]capture, error) {
	var set []capture
	for _, name := range files {
		src, err := sniff.OpenFile(name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "mkcapture: skipping %s: %v\n", name, err)
			continue
		}
		var c capture
		var f decode.Frame
		for {
			err := src.Next(&f)
			if err == io.EOF {
				break
			}
			if err != nil {
				// Keep the good frames before the damage, as the tools do.
				fmt.Fprintf(os.Stderr, "mkcapture: %s: %v\n", name, err)
				break
			}
			if f.LinkType != decode.LinkEthernet {
				continue
			}
			if len(c.frames) == 0 || f.Timestamp.Before(c.first) {
				c.first = f.Timestamp
			}
			if f.Timestamp.After(c.end) || len(c.frames) == 0 {
				c.end = f.Timestamp
			}
			c.frames = append(c.frames, frame{ts: f.Timestamp, wireLen: f.WireLen, data: append([]byte(nil), f.Data...)})
		}
		src.Close()
		if len(c.frames) > 0 {
			set = append(set, c)
		}
	}
	return set, nil
}

func write(name string, set []capture, packets, copies int) (int, error) {
	f, err := os.Create(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	var hdr [24]byte
	binary.LittleEndian.PutUint32(hdr[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(hdr[4:], 2)
	binary.LittleEndian.PutUint16(hdr[6:], 4)
	binary.LittleEndian.PutUint32(hdr[16:], 262144)
	binary.LittleEndian.PutUint32(hdr[20:], uint32(decode.LinkEthernet))
	w.Write(hdr[:])

	if packets <= 0 && copies <= 0 {
		copies = 1
	}
	cursor := set[0].first
	for _, c := range set {
		if c.first.Before(cursor) {
			cursor = c.first
		}
	}
	n := 0
	buf := make([]byte, 0, 1<<16)
	var rec [16]byte
	for k := 0; copies <= 0 || k < copies; k++ {
		for _, c := range set {
			shift := cursor.Sub(c.first)
			for _, fr := range c.frames {
				if packets > 0 && n >= packets {
					return n, flush(w)
				}
				ts := fr.ts.Add(shift)
				buf = append(buf[:0], fr.data...)
				if k > 0 {
					rewriteEthernet(buf, k)
				}
				usec := ts.UnixMicro()
				binary.LittleEndian.PutUint32(rec[0:], uint32(floorDiv(usec, 1e6)))
				binary.LittleEndian.PutUint32(rec[4:], uint32(usec-floorDiv(usec, 1e6)*1e6))
				binary.LittleEndian.PutUint32(rec[8:], uint32(len(buf)))
				binary.LittleEndian.PutUint32(rec[12:], uint32(fr.wireLen))
				w.Write(rec[:])
				if _, err := w.Write(buf); err != nil {
					return n, err
				}
				n++
			}
			// A few inputs jump years within themselves; the next one
			// starts at most an hour after such a file's first frame.
			cursor = cursor.Add(min(c.end.Sub(c.first), time.Hour) + time.Millisecond)
		}
	}
	return n, flush(w)
}

func flush(w *bufio.Writer) error { return w.Flush() }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// rewriteEthernet changes the IP addresses of an Ethernet frame for copy k.
func rewriteEthernet(b []byte, k int) {
	off := 12
	for {
		if len(b) < off+2 {
			return
		}
		et := binary.BigEndian.Uint16(b[off:])
		if et == 0x8100 || et == 0x88a8 || et == 0x9100 {
			off += 4
			continue
		}
		off += 2
		switch et {
		case 0x0800:
			rewriteIPv4(b[off:], k)
		case 0x86dd:
			rewriteIPv6(b[off:], k)
		}
		return
	}
}

func rewriteIPv4(b []byte, k int) {
	if len(b) < 20 || b[0]>>4 != 4 {
		return
	}
	ihl := int(b[0]&0x0f) * 4
	if ihl < 20 || len(b) < ihl {
		return
	}
	var old [8]byte
	copy(old[:], b[12:20])
	changed := mangle4(b[12:16], k)
	changed = mangle4(b[16:20], k) || changed
	if !changed {
		return
	}
	adjust(b[10:12], old[:], b[12:20])
	// Only a first fragment holds the transport header.
	if binary.BigEndian.Uint16(b[6:])&0x1fff != 0 {
		return
	}
	adjustTransport(b[ihl:], b[9], old[:], b[12:20], false)
}

func mangle4(a []byte, k int) bool {
	switch {
	case a[0] == 0, a[0] == 127, a[0] >= 224, a[0] == 169 && a[1] == 254:
		return false
	}
	a[2] ^= byte(k)
	a[1] ^= byte(k >> 8)
	return true
}

func rewriteIPv6(b []byte, k int) {
	if len(b) < 40 || b[0]>>4 != 6 {
		return
	}
	var old [32]byte
	copy(old[:], b[8:40])
	changed := mangle6(b[8:24], k)
	changed = mangle6(b[24:40], k) || changed
	if !changed {
		return
	}
	adjustTransport(b[40:], b[6], old[:], b[8:40], true)
}

func mangle6(a []byte, k int) bool {
	switch {
	case a[0] == 0xff, a[0] == 0xfe && a[1]&0xc0 == 0x80:
		return false
	}
	zero := true
	for _, c := range a[:15] {
		if c != 0 {
			zero = false
			break
		}
	}
	if zero { // :: and ::1
		return false
	}
	a[5] ^= byte(k)
	a[4] ^= byte(k >> 8)
	return true
}

// adjustTransport updates a TCP, UDP or ICMPv6 checksum, whose pseudo
// header holds the addresses.
func adjustTransport(b []byte, proto byte, old, cur []byte, v6 bool) {
	at := -1
	switch proto {
	case 6:
		at = 16
	case 17:
		at = 6
	case 58:
		if v6 {
			at = 2
		}
	}
	if at < 0 || len(b) < at+2 {
		return
	}
	if proto == 17 && !v6 && b[at] == 0 && b[at+1] == 0 {
		return // no checksum
	}
	adjust(b[at:at+2], old, cur)
	if proto == 17 && b[at] == 0 && b[at+1] == 0 {
		b[at], b[at+1] = 0xff, 0xff
	}
}

// adjust updates the ones'-complement checksum at sum for words old
// replaced by cur (RFC 1624, eqn. 3).
func adjust(sum, old, cur []byte) {
	acc := uint32(^binary.BigEndian.Uint16(sum))
	for i := 0; i+1 < len(old); i += 2 {
		acc += uint32(^binary.BigEndian.Uint16(old[i:]))
		acc += uint32(binary.BigEndian.Uint16(cur[i:]))
	}
	for acc>>16 != 0 {
		acc = acc&0xffff + acc>>16
	}
	binary.BigEndian.PutUint16(sum, ^uint16(acc))
}
