package decode

import "testing"

func TestARP(t *testing.T) {
	m1 := []byte{0x00, 0x1b, 0x21, 0x3a, 0x4b, 0x5c}
	m2 := []byte{0x00, 0x14, 0x6c, 0xab, 0x96, 0x16}
	m3 := []byte{0x00, 0x1f, 0xf3, 0x78, 0x6c, 0x9c}
	zero := make([]byte, 6)
	arp := func(op byte, sha []byte, spa string, tha []byte, tpa string) []byte {
		b := []byte{0, 1, 8, 0, 6, 4, 0, op}
		b = append(b, sha...)
		b = append(b, testIPv4Addr(spa)...)
		b = append(b, tha...)
		return append(b, testIPv4Addr(tpa)...)
	}
	frames := [][]byte{
		testEther(0x0806, arp(1, m1, "10.0.0.1", zero, "10.0.0.2")),
		testEther(0x0806, arp(2, m2, "10.0.0.2", m1, "10.0.0.1")),
		testEther(0x0806, arp(2, m3, "10.0.0.9", m1, "10.0.0.2")),
		testEther(0x0806, arp(1, m1, "10.0.0.1", zero, "10.0.0.1")),
		testEther(0x0806, arp(1, m1, "0.0.0.0", zero, "10.0.0.7")),
		testEther(0x8035, arp(3, m1, "0.0.0.0", m1, "0.0.0.0")),
		testEther(0x0806, arp(99, m1, "10.0.0.1", m2, "10.0.0.2")),
		testEther(0x0806, arp(1, m1, "10.0.0.1", zero, "10.0.0.2")[:20]),
	}
	want := []testRow{
		{"02:00:00:00:00:01", "02:00:00:00:00:02", "ARP", "Who has 10.0.0.2? Tell 10.0.0.1"},
		{"02:00:00:00:00:01", "02:00:00:00:00:02", "ARP", "10.0.0.2 is at 00:14:6c:ab:96:16"},
		{"02:00:00:00:00:01", "02:00:00:00:00:02", "ARP", "10.0.0.9 is at 00:1f:f3:78:6c:9c (duplicate use of 10.0.0.2 detected!)"},
		{"02:00:00:00:00:01", "02:00:00:00:00:02", "ARP", "ARP Announcement for 10.0.0.1"},
		{"02:00:00:00:00:01", "02:00:00:00:00:02", "ARP", "Who has 10.0.0.7? (ARP Probe)"},
		{"02:00:00:00:00:01", "02:00:00:00:00:02", "RARP", "Who is 00:1b:21:3a:4b:5c? Tell 00:1b:21:3a:4b:5c"},
		{"02:00:00:00:00:01", "02:00:00:00:00:02", "ARP", "Unknown ARP opcode 0x0063"},
		{"02:00:00:00:00:01", "02:00:00:00:00:02", "ARP", "[Malformed Packet]"},
	}
	got := decodeTestFrames(t, LinkEthernet, frames...)
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("frame %d:\ngot  %q\nwant %q", i+1, got[i], want[i])
		}
	}
}
