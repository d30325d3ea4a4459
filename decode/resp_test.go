package decode

import "testing"

func TestRESPStreams(t *testing.T) {
	checkTextStreams(t, []textStreamCase{
		{
			name:       "commands and replies",
			serverPort: 6379,
			segments: []textSegment{
				{fromClient: true, data: "*1\r\n$4\r\nPING\r\n"},
				{fromClient: false, data: "+PONG\r\n"},
				{fromClient: true, data: "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"},
				{fromClient: false, data: ":5\r\n"},
				{fromClient: false, data: "-ERR nope\r\n"},
				{fromClient: false, data: "*2\r\n$1\r\na\r\n$1\r\nb\r\n"},
				{fromClient: false, data: "$-1\r\n"},
				{fromClient: true, data: "PING\r\n"},
			},
			want: []string{
				"RESP|Request: PING",
				"RESP|Response: PONG",
				"RESP|Request: SET k v",
				"RESP|Response: 5",
				"RESP|Response: Error: ERR nope",
				"RESP|Response: Array(2)",
				"RESP|Response:",
				"RESP|Request: [fragment]",
			},
		},
	})
}

func TestRESPStrtoll(t *testing.T) {
	cases := []struct {
		s    string
		want int64
	}{
		{s: "12", want: 12},
		{s: "-1", want: -1},
		{s: " 7x", want: 7},
		{s: "x", want: 0},
		{s: "99999999999999999999", want: 1<<63 - 1},
	}
	for _, c := range cases {
		if got := respStrtoll([]byte(c.s)); got != c.want {
			t.Errorf("%q: got %d", c.s, got)
		}
	}
}
