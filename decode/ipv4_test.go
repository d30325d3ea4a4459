package decode

import (
	"encoding/binary"
	"net/netip"
	"testing"
	"time"
)

// testRow is what a test checks of a decoded frame.
type testRow struct {
	src, dst, proto, info string
}

// decodeTestFrames runs frames of one link type through a fresh Decoder.
func decodeTestFrames(t *testing.T, lt LinkType, frames ...[]byte) []testRow {
	t.Helper()
	d := New(Options{OnBug: func(n uint64, msg string) { t.Errorf("frame %d: dissector bug: %s", n, msg) }})
	ts := time.Unix(1700000000, 0)
	var rows []testRow
	var rec Record
	for _, b := range frames {
		d.Decode(&Frame{Data: b, WireLen: len(b), Timestamp: ts, TimeDigits: 6, LinkType: lt}, &rec)
		rows = append(rows, testRow{string(rec.Source), string(rec.Destination), string(rec.Protocol), string(rec.Info)})
		ts = ts.Add(time.Millisecond)
	}
	return rows
}

// testIPv4 builds an IPv4 datagram (no options) around payload.
func testIPv4(proto uint8, src, dst string, ttl uint8, payload []byte) []byte {
	return testIPv4Frag(proto, src, dst, ttl, 0x1234, 0, payload)
}

// testIPv4Frag builds an IPv4 datagram with the given ID and flags/offset word.
func testIPv4Frag(proto uint8, src, dst string, ttl uint8, id, flagsOff uint16, payload []byte) []byte {
	h := make([]byte, 20, 20+len(payload))
	h[0] = 0x45
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(payload)))
	binary.BigEndian.PutUint16(h[4:], id)
	binary.BigEndian.PutUint16(h[6:], flagsOff)
	h[8] = ttl
	h[9] = proto
	s, d := netip.MustParseAddr(src).As4(), netip.MustParseAddr(dst).As4()
	copy(h[12:], s[:])
	copy(h[16:], d[:])
	return append(h, payload...)
}

// testIPv4Addr is an address's four bytes.
func testIPv4Addr(s string) []byte {
	a := netip.MustParseAddr(s).As4()
	return a[:]
}

// testEther wraps payload in an Ethernet II header between two fixed
// locally administered addresses.
func testEther(etype uint16, payload []byte) []byte {
	h := []byte{0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, byte(etype >> 8), byte(etype)}
	return append(h, payload...)
}

func TestIPv4(t *testing.T) {
	cases := []struct {
		name  string
		frame []byte
		want  testRow
	}{
		{
			name:  "unknown protocol",
			frame: testIPv4(200, "10.0.0.1", "10.0.0.2", 64, []byte{1, 2, 3, 4}),
			want:  testRow{"10.0.0.1", "10.0.0.2", "IPv4", "Unassigned (200)"},
		},
		{
			name:  "bogus version",
			frame: testEther(0x0800, append([]byte{0x55}, make([]byte, 19)...)),
			want:  testRow{"02:00:00:00:00:01", "02:00:00:00:00:02", "IPv4", "Bogus IPv4 version (5, must be 4)"},
		},
		{
			name:  "bogus header length",
			frame: testEther(0x0800, append([]byte{0x44}, make([]byte, 19)...)),
			want:  testRow{"02:00:00:00:00:01", "02:00:00:00:00:02", "IPv4", "Bogus IP header length (16, must be at least 20)"},
		},
		{
			name:  "first fragment",
			frame: testIPv4Frag(17, "10.0.0.1", "10.0.0.2", 64, 0xabcd, 0x2000, make([]byte, 16)),
			want:  testRow{"10.0.0.1", "10.0.0.2", "IPv4", "Fragmented IP protocol (proto=UDP 17, off=0, ID=abcd)"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			lt := LinkRaw
			if c.frame[0]&0xf0 != 0x40 {
				lt = LinkEthernet
			}
			got := decodeTestFrames(t, lt, c.frame)[0]
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
