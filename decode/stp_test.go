package decode

import "testing"

func TestSTP(t *testing.T) {
	stpDst := []byte{0x01, 0x80, 0xc2, 0, 0, 0}
	conf := []byte{0, 0, 0, 0, 0x01, 0x80, 0x00, 0, 0x1b, 0x21, 0, 0, 1, 0, 0, 0, 4, 0x80, 0x01,
		0, 0x1b, 0x21, 0, 0, 2, 0x80, 0x02, 0, 0, 0x14, 0, 2, 0, 0x0f, 0}
	rst := []byte{0, 0, 2, 2, 0x3c, 0x10, 0x01, 0, 0x1b, 0x21, 0, 0, 1, 0, 0, 0, 4, 0x80, 0x01,
		0, 0x1b, 0x21, 0, 0, 2, 0x80, 0x02, 0, 0, 0x14, 0, 2, 0, 0x0f, 0, 0}
	llc := []byte{0x42, 0x42, 0x03}
	cases := []struct {
		name string
		dst  []byte
		bpdu []byte
		want testRow
	}{
		{
			name: "configuration",
			dst:  stpDst,
			bpdu: conf,
			want: testRow{"02:00:00:00:00:01", "Spanning-tree-(for-bridges)_00", "STP", "Conf. TC + Root = 32768/0/00:1b:21:00:00:01  Cost = 4  Port = 0x8002"},
		},
		{
			name: "rapid",
			dst:  stpDst,
			bpdu: rst,
			want: testRow{"02:00:00:00:00:01", "Spanning-tree-(for-bridges)_00", "STP", "RST. Root = 4096/1/00:1b:21:00:00:01  Cost = 4  Port = 0x8002"},
		},
		{
			name: "topology change",
			dst:  stpDst,
			bpdu: []byte{0, 0, 0, 0x80},
			want: testRow{"02:00:00:00:00:01", "Spanning-tree-(for-bridges)_00", "STP", "Topology Change Notification"},
		},
		{
			name: "cut short",
			dst:  stpDst,
			bpdu: conf[:20],
			want: testRow{"02:00:00:00:00:01", "Spanning-tree-(for-bridges)_00", "STP", "[Malformed Packet]"},
		},
		{
			name: "GARP application",
			dst:  []byte{0x01, 0x80, 0xc2, 0, 0, 0x2f},
			bpdu: conf,
			want: testRow{"02:00:00:00:00:01", "Spanning-tree-(for-bridges)_2f", "GARP", "Unknown GARP application (0x2F)"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodeTestFrames(t, LinkEthernet, test8023(c.dst, append(llc, c.bpdu...)))[0]
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
