package decode

import "testing"

func TestFDDI(t *testing.T) {
	ip := testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(8, 0, [4]byte{0, 1, 0, 1}, nil))
	hdr := []byte{0x50, 0x08, 0, 0x20, 1, 2, 3, 0x02, 0, 0, 0, 0, 1} // addresses as captured, bit-swapped
	cases := []struct {
		name  string
		frame []byte
		want  testRow
	}{
		{
			name:  "IPv4 over SNAP",
			frame: append(append(append([]byte{}, hdr...), 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00), ip...),
			want:  testRow{"10.0.0.1", "10.0.0.2", "ICMP", "Echo (ping) request  id=0x0001, seq=1/256, ttl=64"},
		},
		{
			name:  "token",
			frame: append([]byte{0x80}, hdr[1:]...),
			want:  testRow{"40:00:00:00:00:80", "10:00:04:80:40:c0", "FDDI", "Nonrestricted token"},
		},
		{
			name:  "SMT",
			frame: append([]byte{0x41}, hdr[1:]...),
			want:  testRow{"40:00:00:00:00:80", "10:00:04:80:40:c0", "FDDI", "SMT info"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodeTestFrames(t, LinkFDDI, c.frame)[0]
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
