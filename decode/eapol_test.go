package decode

import "testing"

func TestEAPOL(t *testing.T) {
	key := func(info uint16, dataLen int) []byte {
		b := []byte{2, 3, 0, 95 + byte(dataLen), 2, byte(info >> 8), byte(info)}
		b = append(b, make([]byte, 90)...)
		b = append(b, byte(dataLen>>8), byte(dataLen))
		return append(b, make([]byte, dataLen)...)
	}
	cases := []struct {
		name string
		body []byte
		want string
	}{
		{name: "start", body: []byte{1, 1, 0, 0}, want: "Start"},
		{name: "message 1", body: key(0x008a, 0), want: "Key (Message 1 of 4)"},
		{name: "message 2", body: key(0x010a, 22), want: "Key (Message 2 of 4)"},
		{name: "message 3", body: key(0x13ca, 56), want: "Key (Message 3 of 4)"},
		{name: "message 4", body: key(0x030a, 0), want: "Key (Message 4 of 4)"},
		{name: "group message 1", body: key(0x1382, 40), want: "Key (Group Message 1 of 2)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodeTestFrames(t, LinkEthernet, testEther(0x888e, c.body))[0]
			want := testRow{"02:00:00:00:00:01", "02:00:00:00:00:02", "EAPOL", c.want}
			if got != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
	eap := decodeTestFrames(t, LinkEthernet, testEther(0x888e, []byte{1, 0, 0, 5, 1, 1, 0, 5, 1}))[0]
	if want := (testRow{"02:00:00:00:00:01", "02:00:00:00:00:02", "EAP", "Request, Identity"}); eap != want {
		t.Errorf("EAP: got %q, want %q", eap, want)
	}
}
