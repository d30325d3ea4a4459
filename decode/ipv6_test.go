package decode

import (
	"net/netip"
	"testing"
)

func TestIPv6(t *testing.T) {
	udp := []byte{0, 1, 0, 2, 0, 10, 0x12, 0x34, 'z', 'z'}
	addr := func(s string) []byte { a := netip.MustParseAddr(s).As16(); return a[:] }
	rt0 := append(append([]byte{17, 4, 0, 2, 0, 0, 0, 0}, addr("2001:db8::a")...), addr("2001:db8::b")...)
	payload := append(udp, make([]byte, 30)...)
	payload[5] = 40
	cases := []struct {
		name   string
		frames [][]byte
		want   []testRow
	}{
		{
			name:   "hop-by-hop options",
			frames: [][]byte{testIPv6(0, "2001:db8::1", "2001:db8::2", 64, append([]byte{17, 0, 5, 2, 0, 0, 1, 0}, udp...))},
			want:   []testRow{{"2001:db8::1", "2001:db8::2", "UDP", "1 → 2 Len=2"}},
		},
		{
			name:   "routing header moves the destination",
			frames: [][]byte{testIPv6(43, "2001:db8::1", "2001:db8::2", 64, append(rt0, udp...))},
			want:   []testRow{{"2001:db8::1", "2001:db8::b", "UDP", "1 → 2 Len=2"}},
		},
		{
			name:   "truncated hop-by-hop header",
			frames: [][]byte{testIPv6(0, "2001:db8::1", "2001:db8::2", 64, []byte{17, 5, 0, 0, 0, 0})},
			want:   []testRow{{"2001:db8::1", "2001:db8::2", "IPv6", "IPv6 hop-by-hop options[Malformed Packet]"}},
		},
		{
			name:   "no next header",
			frames: [][]byte{testIPv6(59, "2001:db8::1", "2001:db8::2", 64, nil)},
			want:   []testRow{{"2001:db8::1", "2001:db8::2", "IPv6", "IPv6 no next header"}},
		},
		{
			name:   "unassigned protocol",
			frames: [][]byte{testIPv6(200, "2001:db8::1", "2001:db8::2", 64, []byte("abc"))},
			want:   []testRow{{"2001:db8::1", "2001:db8::2", "IPv6", "Unknown IP Protocol: Unassigned (200)"}},
		},
		{
			name: "fragments",
			frames: [][]byte{
				testIPv6(44, "2001:db8::1", "2001:db8::2", 64, append([]byte{17, 0, 0, 1, 0, 0, 0, 9}, payload[:24]...)),
				testIPv6(44, "2001:db8::1", "2001:db8::2", 64, append([]byte{17, 0, 0, 24, 0, 0, 0, 9}, payload[24:]...)),
			},
			want: []testRow{
				{"2001:db8::1", "2001:db8::2", "IPv6", "IPv6 fragment (off=0 more=y ident=0x00000009 nxt=17)"},
				{"2001:db8::1", "2001:db8::2", "UDP", "1 → 2 Len=32"},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodeTestFrames(t, LinkRaw, c.frames...)
			for i := range c.want {
				if got[i] != c.want[i] {
					t.Errorf("frame %d:\ngot  %q\nwant %q", i+1, got[i], c.want[i])
				}
			}
		})
	}
}
