package decode

import (
	"encoding/binary"
	"testing"
)

func TestGRE(t *testing.T) {
	inner := testIPv4(1, "192.168.0.1", "192.168.0.2", 64, testICMP(8, 0, [4]byte{0, 5, 0, 5}, nil))
	gre := func(flags, typ uint16, rest ...[]byte) []byte {
		b := binary.BigEndian.AppendUint16(nil, flags)
		b = binary.BigEndian.AppendUint16(b, typ)
		for _, r := range rest {
			b = append(b, r...)
		}
		return testIPv4(47, "10.0.0.1", "10.0.0.2", 64, b)
	}
	cases := []struct {
		name  string
		frame []byte
		want  testRow
	}{
		{"IPv4 inside", gre(0, 0x0800, inner), testRow{"192.168.0.1", "192.168.0.2", "ICMP", "Echo (ping) request  id=0x0005, seq=5/1280, ttl=64"}},
		{"with key", gre(0x2000, 0x0800, []byte{0, 0, 0, 7}, inner), testRow{"192.168.0.1", "192.168.0.2", "ICMP", "Echo (ping) request  id=0x0005, seq=5/1280, ttl=64"}},
		{"keepalive", gre(0, 0x0000), testRow{"10.0.0.1", "10.0.0.2", "GRE", "Encapsulated Possible GRE keepalive packet"}},
		{"unknown type", gre(0, 0x1234, []byte("abc")), testRow{"10.0.0.1", "10.0.0.2", "GRE", "Encapsulated 0x1234 (unknown)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodeTestFrames(t, LinkRaw, c.frame)[0]
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
