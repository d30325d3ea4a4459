package decode

import "testing"

func TestIGMP(t *testing.T) {
	cases := []struct {
		name    string
		payload []byte
		want    testRow
	}{
		{
			name:    "v2 report",
			payload: []byte{0x16, 0, 0, 0, 239, 1, 1, 1},
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMPv2", "Membership Report group 239.1.1.1"},
		},
		{
			name:    "v2 leave",
			payload: []byte{0x17, 0, 0, 0, 239, 1, 1, 1},
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMPv2", "Leave Group 239.1.1.1"},
		},
		{
			name:    "v2 general query",
			payload: []byte{0x11, 100, 0, 0, 0, 0, 0, 0},
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMPv2", "Membership Query, general"},
		},
		{
			name:    "v2 specific query",
			payload: []byte{0x11, 100, 0, 0, 239, 2, 3, 4},
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMPv2", "Membership Query, specific for group 239.2.3.4"},
		},
		{
			name:    "v1 query",
			payload: []byte{0x11, 0, 0, 0, 0, 0, 0, 0},
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMPv1", "Membership Query"},
		},
		{
			name:    "v1 report",
			payload: []byte{0x12, 0, 0, 0, 239, 1, 1, 1},
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMPv1", "Membership Report"},
		},
		{
			name:    "v3 general query",
			payload: []byte{0x11, 100, 0, 0, 0, 0, 0, 0, 2, 125, 0, 0},
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMPv3", "Membership Query, general"},
		},
		{
			name:    "v3 query with sources",
			payload: []byte{0x11, 100, 0, 0, 239, 1, 1, 1, 2, 125, 0, 2, 10, 0, 0, 5, 10, 0, 0, 6},
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMPv3", "Membership Query, specific for group 239.1.1.1, sources {10.0.0.5, 10.0.0.6}"},
		},
		{
			name: "v3 report",
			payload: []byte{0x22, 0, 0, 0, 0, 0, 0, 3,
				4, 0, 0, 0, 224, 0, 0, 251,
				3, 0, 0, 0, 239, 255, 255, 250,
				1, 0, 0, 1, 232, 1, 1, 1, 10, 0, 0, 9},
			want: testRow{"10.0.0.1", "224.0.0.22", "IGMPv3", "Membership Report / Join group 224.0.0.251 for any sources / Leave group 239.255.255.250 / Join group 232.1.1.1 for source {10.0.0.9}"},
		},
		{
			name:    "v3 report without records",
			payload: []byte{0x22, 0, 0, 0, 0, 0, 0, 0},
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMPv3", "Membership Report - General query"},
		},
		{
			name:    "v3 report cut short",
			payload: []byte{0x22, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0},
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMPv3", "Membership Report[Malformed Packet]"},
		},
		{
			name:    "unknown type",
			payload: []byte{0x99, 0, 0, 0, 0, 0, 0, 0},
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMP", "Unknown Type:0x99"},
		},
		{
			name:    "mtrace query",
			payload: make24(0x1f),
			want:    testRow{"10.0.0.1", "224.0.0.22", "IGMP", "Traceroute Query"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodeTestFrames(t, LinkRaw, testIPv4(2, "10.0.0.1", "224.0.0.22", 1, c.payload))[0]
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func make24(typ byte) []byte {
	b := make([]byte, 24)
	b[0] = typ
	return b
}
