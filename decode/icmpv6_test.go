package decode

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

// testIPv6 builds an IPv6 packet around payload.
func testIPv6(nxt uint8, src, dst string, hlim uint8, payload []byte) []byte {
	h := make([]byte, 40, 40+len(payload))
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
	h[6] = nxt
	h[7] = hlim
	s, d := netip.MustParseAddr(src).As16(), netip.MustParseAddr(dst).As16()
	copy(h[8:], s[:])
	copy(h[24:], d[:])
	return append(h, payload...)
}

func TestICMPv6(t *testing.T) {
	target := netip.MustParseAddr("2001:db8::5").As16()
	mac := []byte{2, 0, 0, 0, 0, 1}
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	cases := []struct {
		name   string
		frames [][]byte
		want   []testRow
	}{
		{
			name:   "neighbor solicitation",
			frames: [][]byte{cat([]byte{135, 0, 0, 0, 0, 0, 0, 0}, target[:], []byte{1, 1}, mac)},
			want:   []testRow{{"fe80::1", "ff02::1", "ICMPv6", "Neighbor Solicitation for 2001:db8::5 from 02:00:00:00:00:01"}},
		},
		{
			name:   "neighbor advertisement",
			frames: [][]byte{cat([]byte{136, 0, 0, 0, 0x60, 0, 0, 0}, target[:], []byte{2, 1}, mac)},
			want:   []testRow{{"fe80::1", "ff02::1", "ICMPv6", "Neighbor Advertisement 2001:db8::5 (sol, ovr) is at 02:00:00:00:00:01"}},
		},
		{
			name:   "neighbor advertisement without flags",
			frames: [][]byte{cat([]byte{136, 0, 0, 0, 0, 0, 0, 0}, target[:])},
			want:   []testRow{{"fe80::1", "ff02::1", "ICMPv6", "Neighbor Advertisement 2001:db8::5 (none)"}},
		},
		{
			name:   "router advertisement with a cut prefix option",
			frames: [][]byte{{134, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 4, 64, 0xc0, 0, 0, 1, 0}},
			want:   []testRow{{"fe80::1", "ff02::1", "ICMPv6", "Router Advertisement[Malformed Packet]"}},
		},
		{
			name:   "MLDv2 report with a missing source",
			frames: [][]byte{cat([]byte{143, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 1}, target[:])},
			want:   []testRow{{"fe80::1", "ff02::1", "ICMPv6", "Multicast Listener Report Message v2[Malformed Packet]"}},
		},
		{
			name: "echo request and reply",
			frames: [][]byte{
				{128, 0, 0x12, 0x34, 0, 1, 0, 1, 1, 2, 3, 4},
				{129, 0, 0x11, 0x34, 0, 1, 0, 1, 1, 2, 3, 4},
			},
			want: []testRow{
				{"fe80::1", "ff02::1", "ICMPv6", "Echo (ping) request id=0x0001, seq=1, hop limit=255"},
				{"fe80::1", "ff02::1", "ICMPv6", "Echo (ping) reply id=0x0001, seq=1, hop limit=255 (request in 1)"},
			},
		},
		{
			name:   "unknown type",
			frames: [][]byte{{99, 0, 0, 0, 1, 2, 3, 4}},
			want:   []testRow{{"fe80::1", "ff02::1", "ICMPv6", "Unknown (99)"}},
		},
		{
			name:   "unreachable with unknown code and nothing quoted",
			frames: [][]byte{{1, 9, 0, 0, 0, 0, 0, 0}},
			want:   []testRow{{"fe80::1", "ff02::1", "ICMPv6", "Destination Unreachable (Unknown)[Malformed Packet]"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var frames [][]byte
			for _, f := range c.frames {
				frames = append(frames, testIPv6(58, "fe80::1", "ff02::1", 255, f))
			}
			got := decodeTestFrames(t, LinkRaw, frames...)
			for i := range c.want {
				if got[i] != c.want[i] {
					t.Errorf("frame %d:\ngot  %q\nwant %q", i+1, got[i], c.want[i])
				}
			}
		})
	}
}
