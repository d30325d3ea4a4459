package decode

import "testing"

func lldpTestTLV(typ int, v string) []byte {
	return append([]byte{byte(typ<<1 | len(v)>>8), byte(len(v))}, v...)
}

func TestLLDP(t *testing.T) {
	mac := "\x00\x1b\x21\x3a\x4b\x5c"
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	cases := []struct {
		name string
		body []byte
		want string
	}{
		{
			name: "system name and description",
			body: cat(lldpTestTLV(1, "\x04"+mac), lldpTestTLV(2, "\x05eth0"), lldpTestTLV(3, "\x00\x78"),
				lldpTestTLV(5, "host1"), lldpTestTLV(6, "Linux 6.1"), lldpTestTLV(0, "")),
			want: "MA/00:1b:21:3a:4b:5c IN/eth0 120 SysN=host1 SysD=Linux 6.1 ",
		},
		{
			name: "network address and NUL-padded name",
			body: cat(lldpTestTLV(1, "\x05\x01\x0a\x00\x00\x01"), lldpTestTLV(2, "\x07abc\x00\x00"), lldpTestTLV(3, "\x00\x14"), lldpTestTLV(0, "")),
			want: "NA/10.0.0.1 LA/abc 20 ",
		},
		{
			name: "short MAC chassis ID",
			body: cat(lldpTestTLV(1, "\x04"+mac[:5]), lldpTestTLV(2, "\x05eth0")),
			want: "Invalid Chassis ID TLV",
		},
		{
			name: "duplicate TTL",
			body: cat(lldpTestTLV(1, "\x02al\x01as"), lldpTestTLV(2, "\x02\x01\x02"), lldpTestTLV(3, "\x00\x78"), lldpTestTLV(3, "\x00\x78")),
			want: "Duplicate Time-To-Live TLV",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			frame := testEther(0x88cc, c.body)
			for len(frame) < 60 {
				frame = append(frame, 0)
			}
			got := decodeTestFrames(t, LinkEthernet, frame)[0]
			want := testRow{"02:00:00:00:00:01", "02:00:00:00:00:02", "LLDP", c.want}
			if got != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}
