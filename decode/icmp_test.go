package decode

import (
	"encoding/binary"
	"testing"
)

// testICMP builds an ICMP message with a correct checksum.
func testICMP(typ, code uint8, rest [4]byte, body []byte) []byte {
	b := append([]byte{typ, code, 0, 0}, rest[:]...)
	b = append(b, body...)
	binary.BigEndian.PutUint16(b[2:], testChecksum(b))
	return b
}

func testChecksum(b []byte) uint16 {
	var s uint32
	for i := 0; i+1 < len(b); i += 2 {
		s += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		s += uint32(b[len(b)-1]) << 8
	}
	for s>>16 != 0 {
		s = s&0xffff + s>>16
	}
	return ^uint16(s)
}

func TestICMP(t *testing.T) {
	data := []byte("0123456789abcdef")
	udp := []byte{0x14, 0xe9, 0x82, 0x9a, 0, 16, 0, 0, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'}
	inner := testIPv4(17, "10.0.0.2", "10.0.0.1", 64, udp)
	cases := []struct {
		name   string
		frames [][]byte
		want   []testRow
	}{
		{
			name: "echo request, reply, duplicate reply",
			frames: [][]byte{
				testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(8, 0, [4]byte{0, 1, 0, 1}, data)),
				testIPv4(1, "10.0.0.2", "10.0.0.1", 63, testICMP(0, 0, [4]byte{0, 1, 0, 1}, data)),
				testIPv4(1, "10.0.0.2", "10.0.0.1", 63, testICMP(0, 0, [4]byte{0, 1, 0, 1}, data)),
			},
			want: []testRow{
				{"10.0.0.1", "10.0.0.2", "ICMP", "Echo (ping) request  id=0x0001, seq=1/256, ttl=64"},
				{"10.0.0.2", "10.0.0.1", "ICMP", "Echo (ping) reply    id=0x0001, seq=1/256, ttl=63 (request in 1)"},
				{"10.0.0.2", "10.0.0.1", "ICMP", "Echo (ping) reply    id=0x0001, seq=1/256, ttl=63"},
			},
		},
		{
			name: "reply with other data is not matched",
			frames: [][]byte{
				testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(8, 0, [4]byte{0, 1, 0, 1}, data)),
				testIPv4(1, "10.0.0.2", "10.0.0.1", 64, testICMP(0, 0, [4]byte{0, 1, 0, 1}, data[1:])),
			},
			want: []testRow{
				{"10.0.0.1", "10.0.0.2", "ICMP", "Echo (ping) request  id=0x0001, seq=1/256, ttl=64"},
				{"10.0.0.2", "10.0.0.1", "ICMP", "Echo (ping) reply    id=0x0001, seq=1/256, ttl=64"},
			},
		},
		{
			name:   "port unreachable",
			frames: [][]byte{testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(3, 3, [4]byte{}, inner))},
			want:   []testRow{{"10.0.0.1", "10.0.0.2", "ICMP", "Destination unreachable (Port unreachable)"}},
		},
		{
			name:   "redirect",
			frames: [][]byte{testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(5, 1, [4]byte{10, 0, 0, 254}, inner[:28]))},
			want:   []testRow{{"10.0.0.1", "10.0.0.2", "ICMP", "Redirect             (Redirect for host)"}},
		},
		{
			name:   "router solicitation pads its type",
			frames: [][]byte{testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(10, 0, [4]byte{}, nil))},
			want:   []testRow{{"10.0.0.1", "10.0.0.2", "ICMP", "Router solicitation "}},
		},
		{
			name:   "unknown code",
			frames: [][]byte{testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(3, 20, [4]byte{}, inner))},
			want:   []testRow{{"10.0.0.1", "10.0.0.2", "ICMP", "Destination unreachable (Unknown code: 20)"}},
		},
		{
			name:   "truncated echo",
			frames: [][]byte{testIPv4(1, "10.0.0.1", "10.0.0.2", 64, []byte{8, 0, 0, 0, 0, 1})},
			want:   []testRow{{"10.0.0.1", "10.0.0.2", "ICMP", "Echo (ping) request [Malformed Packet]"}},
		},
		{
			name:   "timestamp cut short",
			frames: [][]byte{testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(13, 0, [4]byte{0, 7, 0, 2}, make([]byte, 8)))},
			want:   []testRow{{"10.0.0.1", "10.0.0.2", "ICMP", "Timestamp request    id=0x0007, seq=2/512, ttl=64[Malformed Packet]"}},
		},
		{
			name: "RFC 4884 length beyond the message",
			frames: [][]byte{testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(11, 0, [4]byte{0, 0x5d, 0, 0},
				append(append(inner, make([]byte, 120)...), 0x20, 0, 0, 0)))},
			want: []testRow{{"10.0.0.1", "10.0.0.2", "ICMP", "Time-to-live exceeded (Time to live exceeded in transit)[Malformed Packet]"}},
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
