package decode

import "testing"

func TestCDP(t *testing.T) {
	cdpDst := []byte{0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc}
	snap := []byte{0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00}
	cases := []struct {
		name string
		body []byte
		want testRow
	}{
		{
			name: "device and port",
			body: []byte{2, 180, 0, 0, 0, 1, 0, 10, 'S', 'w', 'i', 't', 'c', 'h', 0, 3, 0, 10, 'G', 'i', '0', '/', '1', 0, 0, 5, 0, 6, 'a', 'b'},
			want: testRow{"02:00:00:00:00:01", "CDP/VTP/DTP/PAgP/UDLD", "CDP", "Device ID: Switch  Port ID: Gi0/1  "},
		},
		{
			name: "bad TLV length stops",
			body: []byte{2, 180, 0, 0, 0, 1, 0, 2},
			want: testRow{"02:00:00:00:00:01", "CDP/VTP/DTP/PAgP/UDLD", "CDP", ""},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodeTestFrames(t, LinkEthernet, test8023(cdpDst, append(snap, c.body...)))[0]
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
