package decode

import "testing"

func TestPOPStreams(t *testing.T) {
	checkTextStreams(t, []textStreamCase{
		{
			name:       "retrieve",
			serverPort: 110,
			segments: []textSegment{
				{fromClient: false, data: "+OK POP3 ready\r\n"},
				{fromClient: true, data: "RETR 1\r\n"},
				{fromClient: false, data: "+OK 20 octets\r\n"},
				{fromClient: false, data: "Subject: x\r\n"},
				{fromClient: true, data: "QUIT\r\n"},
				{fromClient: false, data: "-ERR bye\r\n"},
			},
			want: []string{
				"POP|S: +OK POP3 ready",
				"POP|C: RETR 1",
				"POP|S: +OK 20 octets",
				"POP|S: DATA fragment, 12 bytes",
				"POP|C: QUIT",
				"POP|S: -ERR bye",
			},
		},
	})
}

func TestPOPOctets(t *testing.T) {
	cases := []struct {
		line string
		want uint32
		ok   bool
	}{
		{line: "+OK 120 octets", want: 120, ok: true},
		{line: "+OK 7", want: 7, ok: true},
		{line: "+OK message follows", ok: false},
		{line: "+OK", ok: false},
	}
	for _, c := range cases {
		got, ok := popOctets([]byte(c.line))
		if got != c.want || ok != c.ok {
			t.Errorf("%q: got (%d, %v)", c.line, got, ok)
		}
	}
}
