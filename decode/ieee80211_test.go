package decode

import (
	"encoding/binary"
	"testing"
)

// testRadiotap wraps an 802.11 frame in a radiotap header with the Flags
// field; with fcs set the frame gets four trailing FCS bytes.
func testRadiotap(frame []byte, fcs bool) []byte {
	flags := byte(0)
	if fcs {
		flags = radiotapFlagFCS
	}
	h := []byte{0, 0, 9, 0, 2, 0, 0, 0, flags}
	f := append(h, frame...)
	if fcs {
		f = append(f, 0xde, 0xad, 0xbe, 0xef)
	}
	return f
}

func testWLANHeader(typ, sub int, flags byte, addrs ...[]byte) []byte {
	h := []byte{byte(typ<<2 | sub<<4), flags, 0, 0}
	for _, a := range addrs {
		h = append(h, a...)
	}
	return h
}

func TestIEEE80211(t *testing.T) {
	apple := []byte{0x00, 0x1f, 0xf3, 0x78, 0x6c, 0x9c}
	netgear := []byte{0x00, 0x14, 0x6c, 0xab, 0x96, 0x16}
	bcast := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	seq := func(n int) []byte { return binary.LittleEndian.AppendUint16(nil, uint16(n<<4)) }
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	beaconBody := cat(make([]byte, 8), []byte{100, 0, 1, 4}, []byte{0, 5}, []byte("TESLA"))
	icmp := testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(8, 0, [4]byte{0, 1, 0, 1}, nil))
	cases := []struct {
		name  string
		frame []byte
		want  testRow
	}{
		{
			name:  "acknowledgement",
			frame: testRadiotap(testWLANHeader(1, 13, 0, apple), true),
			want:  testRow{"", "Apple_78:6c:9c (00:1f:f3:78:6c:9c) (RA)", "802.11", "Acknowledgement, Flags=........C"},
		},
		{
			name:  "request to send",
			frame: testRadiotap(testWLANHeader(1, 11, 0, apple, netgear), true),
			want:  testRow{"Netgear_ab:96:16 (00:14:6c:ab:96:16) (TA)", "Apple_78:6c:9c (00:1f:f3:78:6c:9c) (RA)", "802.11", "Request-to-send, Flags=........C"},
		},
		{
			name:  "beacon",
			frame: testRadiotap(cat(testWLANHeader(0, 8, 0, bcast, netgear, netgear), seq(5), beaconBody), true),
			want:  testRow{"Netgear_ab:96:16", "Broadcast", "802.11", `Beacon frame, SN=5, FN=0, Flags=........C, BI=100, SSID="TESLA"`},
		},
		{
			name:  "beacon without FCS",
			frame: testRadiotap(cat(testWLANHeader(0, 8, 0, bcast, netgear, netgear), seq(5), beaconBody), false),
			want:  testRow{"Netgear_ab:96:16", "Broadcast", "802.11", `Beacon frame, SN=5, FN=0, Flags=........, BI=100, SSID="TESLA"`},
		},
		{
			name:  "SSID that is not text",
			frame: testRadiotap(cat(testWLANHeader(0, 8, 0, bcast, netgear, netgear), seq(5), make([]byte, 8), []byte{100, 0, 1, 4, 0, 3, 'a', 0xff, 'c'}), true),
			want:  testRow{"Netgear_ab:96:16", "Broadcast", "802.11", "Beacon frame, SN=5, FN=0, Flags=........C, BI=100, SSID=61ff63"},
		},
		{
			name:  "element past the end",
			frame: testRadiotap(cat(testWLANHeader(0, 8, 0, bcast, netgear, netgear), seq(5), make([]byte, 8), []byte{100, 0, 1, 4, 0, 16, 'a', 'b', 'c'}), true),
			want:  testRow{"Netgear_ab:96:16", "Broadcast", "802.11", "Beacon frame, SN=5, FN=0, Flags=........C, BI=100[Malformed Packet: length of contained item exceeds length of containing item]"},
		},
		{
			name:  "data to the DS",
			frame: testRadiotap(cat(testWLANHeader(2, 0, 0x01, netgear, apple, bcast), seq(7), []byte{0xaa, 0xaa, 3, 0, 0, 0, 8, 0}, icmp), true),
			want:  testRow{"10.0.0.1", "10.0.0.2", "ICMP", "Echo (ping) request  id=0x0001, seq=1/256, ttl=64"},
		},
		{
			name:  "protected data",
			frame: testRadiotap(cat(testWLANHeader(2, 0, 0x41, netgear, apple, bcast), seq(7), []byte{1, 2, 3, 0x20, 0, 0, 0, 0}, make([]byte, 40)), true),
			want:  testRow{"Apple_78:6c:9c", "Broadcast", "802.11", "Data, SN=7, FN=0, Flags=.p.....TC"},
		},
		{
			name:  "null function",
			frame: testRadiotap(cat(testWLANHeader(2, 4, 0x11, netgear, apple, netgear), seq(7)), true),
			want:  testRow{"Apple_78:6c:9c", "Netgear_ab:96:16", "802.11", "Null function (No data), SN=7, FN=0, Flags=...P...TC"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodeTestFrames(t, LinkRadiotap, c.frame)[0]
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestIEEE80211Fragments(t *testing.T) {
	apple := []byte{0x00, 0x1f, 0xf3, 0x78, 0x6c, 0x9c}
	netgear := []byte{0x00, 0x14, 0x6c, 0xab, 0x96, 0x16}
	bcast := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	payload := append([]byte{0xaa, 0xaa, 3, 0, 0, 0, 8, 0}, testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(8, 0, [4]byte{0, 1, 0, 1}, nil))...)
	first := append(testWLANHeader(2, 0, 0x05, netgear, apple, bcast), 9<<4, 0)
	last := append(testWLANHeader(2, 0, 0x01, netgear, apple, bcast), 9<<4|1, 0)
	rows := decodeTestFrames(t, LinkRadiotap,
		testRadiotap(append(first, payload[:20]...), true),
		testRadiotap(append(last, payload[20:]...), true))
	want := []testRow{
		{"Apple_78:6c:9c", "Broadcast", "802.11", "Fragmented IEEE 802.11 frame"},
		{"10.0.0.1", "10.0.0.2", "ICMP", "Echo (ping) request  id=0x0001, seq=1/256, ttl=64"},
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("frame %d:\ngot  %q\nwant %q", i+1, rows[i], want[i])
		}
	}
}
