package decode

import "testing"

func TestIRCStreams(t *testing.T) {
	checkTextStreams(t, []textStreamCase{
		{
			name:       "commands per line",
			serverPort: 6667,
			segments: []textSegment{
				{fromClient: true, data: "NICK a\r\nUSER a 0 * :A\r\n"},
				{fromClient: false, data: ":srv 001 a :Welcome\r\n\r\n:srv 002 a :x\r\n"},
				{fromClient: false, data: ":noprefixend\r\n   \r\nPING :1"},
				{fromClient: true, data: "\x16\x03\x01\xff x\r\n"},
			},
			want: []string{
				"IRC|Request (NICK) (USER)",
				"IRC|Response (001) (002)",
				"IRC|Response (PING)",
				"IRC|Request (\x16\x03\x01\uFFFD)",
			},
		},
	})
}
