package decode

import "testing"

func TestIMAPStreams(t *testing.T) {
	checkTextStreams(t, []textStreamCase{
		{
			name:       "lines",
			serverPort: 143,
			segments: []textSegment{
				{fromClient: false, data: "* OK [CAPABILITY IMAP4rev1] ready\r\n"},
				{fromClient: true, data: "a1 LOGIN user pass\r\n"},
				{fromClient: false, data: "* 3 EXISTS\r\n* 10 RECENT\r\n"},
				{fromClient: false, data: "* 3 EXISTS\r\n* 1 R\r\n"},
				{fromClient: false, data: "* FLAGS (x)\r\nA1 OK done\r\n"},
			},
			want: []string{
				"IMAP|Response: * OK [CAPABILITY IMAP4rev1] ready",
				"IMAP|Request: a1 LOGIN user pass",
				"IMAP|Response: * 3 EXISTS\\r",
				"IMAP|Response: * 3 E",
				"IMAP|Response: A1 OK done",
			},
		},
		{
			name:       "login without password is malformed",
			serverPort: 143,
			segments: []textSegment{
				{fromClient: true, data: "a1 LOGIN user\r\n"},
			},
			want: []string{
				"IMAP|Request: a1 LOGIN user[Malformed Packet]",
			},
		},
	})
}
