package decode

import (
	"encoding/binary"
	"testing"
)

// test8023 builds an IEEE 802.3 frame (length field) from our test MAC.
func test8023(dst []byte, payload []byte) []byte {
	f := append(append([]byte{}, dst...), 0x02, 0, 0, 0, 0, 1, 0, 0)
	binary.BigEndian.PutUint16(f[12:], uint16(len(payload)))
	return append(f, payload...)
}

var testBroadcast = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

func TestLLC(t *testing.T) {
	arp := []byte{0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 192, 168, 1, 1}
	cases := []struct {
		name    string
		payload []byte
		want    testRow
	}{
		{
			name:    "TEST frame",
			payload: []byte{0x00, 0x00, 0xf3},
			want:    testRow{"02:00:00:00:00:01", "Broadcast", "LLC", "U P, func=TEST; DSAP NULL LSAP Individual, SSAP NULL LSAP Command"},
		},
		{
			name:    "supervisory frame",
			payload: append([]byte{0x04, 0x05, 0x01, 0x22}, make([]byte, 10)...),
			want:    testRow{"02:00:00:00:00:01", "Broadcast", "LLC", "S, func=RR, N(R)=17; DSAP SNA Path Control Individual, SSAP SNA Path Control Response"},
		},
		{
			name:    "basic XID",
			payload: []byte{0x00, 0x01, 0xaf, 0x81, 0x01, 0x00},
			want:    testRow{"02:00:00:00:00:01", "Broadcast", "XID", "Basic Format; Type 1 LLC (Class I LLC); Window Size 0"},
		},
		{
			name:    "SNAP ARP",
			payload: append([]byte{0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x06}, arp...),
			want:    testRow{"02:00:00:00:00:01", "Broadcast", "ARP", "Who has 192.168.1.1? Tell 10.0.0.1"},
		},
		{
			name:    "SNAP unknown PID",
			payload: append([]byte{0xaa, 0xaa, 0x03, 0, 0, 0, 0x12, 0x34}, make([]byte, 20)...),
			want:    testRow{"02:00:00:00:00:01", "Broadcast", "LLC", "U, func=UI; SNAP, OUI 0x000000 (Officially Xerox, but 0:0:0:0:0:0 is more common), PID 0x1234"},
		},
		{
			name:    "SNAP cut short",
			payload: []byte{0xaa, 0xaa, 0x03, 0, 0},
			want:    testRow{"02:00:00:00:00:01", "Broadcast", "LLC", "U, func=UI[Malformed Packet]"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodeTestFrames(t, LinkEthernet, test8023(testBroadcast, c.payload))[0]
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
