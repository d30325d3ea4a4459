package decode

import "testing"

func TestIPv4Fragments(t *testing.T) {
	msg := testICMP(8, 0, [4]byte{0, 5, 0, 5}, make([]byte, 92))
	frag := func(id, flagsOff uint16, b []byte) []byte {
		return testIPv4Frag(1, "10.0.0.1", "10.0.0.2", 64, id, flagsOff, b)
	}
	bad := append([]byte(nil), msg[48:]...)
	bad[2] ^= 0xff
	first := func(id uint16) testRow {
		return testRow{"10.0.0.1", "10.0.0.2", "IPv4", "Fragmented IP protocol (proto=ICMP 1, off=0, ID=" + string(appendHex(nil, uint64(id), 4)) + ")"}
	}
	echo := testRow{"10.0.0.1", "10.0.0.2", "ICMP", "Echo (ping) request  id=0x0005, seq=5/1280, ttl=64"}
	cases := []struct {
		name   string
		frames [][]byte
		want   []testRow
	}{
		{
			name:   "in order",
			frames: [][]byte{frag(1, 0x2000, msg[:48]), frag(1, 6, msg[48:])},
			want:   []testRow{first(1), echo},
		},
		{
			name:   "last first",
			frames: [][]byte{frag(2, 6, msg[48:]), frag(2, 0x2000, msg[:48])},
			want:   []testRow{{"10.0.0.1", "10.0.0.2", "IPv4", "Fragmented IP protocol (proto=ICMP 1, off=48, ID=0002)"}, echo},
		},
		{
			name:   "duplicate fragment",
			frames: [][]byte{frag(3, 0x2000, msg[:48]), frag(3, 0x2000, msg[:48]), frag(3, 6, msg[48:])},
			want:   []testRow{first(3), first(3), echo},
		},
		{
			name:   "overlap with other bytes",
			frames: [][]byte{frag(4, 0x2000, msg[:56]), frag(4, 6, bad)},
			want:   []testRow{{"10.0.0.1", "10.0.0.2", "IPv4", "Fragmented IP protocol (proto=ICMP 1, off=0, ID=0004)"}, echo},
		},
		{
			name:   "unknown protocol with a conflict",
			frames: [][]byte{testIPv4Frag(200, "10.0.0.1", "10.0.0.2", 64, 9, 0x2000, make([]byte, 16)), testIPv4Frag(200, "10.0.0.1", "10.0.0.2", 64, 9, 1, []byte("bbbbbbbbbbbbbbbb"))},
			want: []testRow{
				{"10.0.0.1", "10.0.0.2", "IPv4", "Fragmented IP protocol (proto=Unassigned 200, off=0, ID=0009)"},
				{"10.0.0.1", "10.0.0.2", "IPv4", "[Illegal IPv4 fragments]"},
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
