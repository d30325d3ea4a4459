package decode

import "testing"

func TestSMTPStreams(t *testing.T) {
	checkTextStreams(t, []textStreamCase{
		{
			name:       "session with a message",
			serverPort: 25,
			segments: []textSegment{
				{fromClient: false, data: "220 mail ESMTP\r\n"},
				{fromClient: true, data: "EHLO client\r\n"},
				{fromClient: false, data: "250-mail\r\n250-PIPELINING\r\n250 DSN\r\n"},
				{fromClient: true, data: "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n"},
				{fromClient: false, data: "354 End data with <CR><LF>.<CR><LF>\r\n"},
				{fromClient: true, data: "Subject: hi\r\n\r\nbody\r\n"},
				{fromClient: true, data: ".\r\n"},
				{fromClient: false, data: "250 2.0.0 Ok: queued\r\n"},
				{fromClient: true, data: "QUIT\r\n"},
			},
			want: []string{
				"SMTP|S: 220 mail ESMTP",
				"SMTP|C: EHLO client",
				"SMTP|S: 250-mail | PIPELINING | DSN",
				"SMTP|C: MAIL FROM:<a@b> | RCPT TO:<c@d> | DATA",
				"SMTP|S: 354 End data with <CR><LF>.<CR><LF>",
				"SMTP|C: DATA fragment, 21 bytes",
				"SMTP/IMF|subject: hi, , body  ",
				"SMTP|S: 250 2.0.0 Ok: queued",
				"SMTP|C: QUIT",
			},
		},
		{
			name:       "auth login",
			serverPort: 587,
			segments: []textSegment{
				{fromClient: true, data: "AUTH LOGIN\r\n"},
				{fromClient: false, data: "334 VXNlcm5hbWU6\r\n"},
				{fromClient: true, data: "dXNlcg==\r\n"},
				{fromClient: false, data: "334 UGFzc3dvcmQ6\r\n"},
				{fromClient: true, data: "cGFzcw==\r\n"},
				{fromClient: false, data: "235 ok\r\n"},
				{fromClient: false, data: "x\r\n"},
			},
			want: []string{
				"SMTP|C: AUTH LOGIN",
				"SMTP|S: 334 VXNlcm5hbWU6",
				"SMTP|C: User: dXNlcg==",
				"SMTP|S: 334 UGFzc3dvcmQ6",
				"SMTP|C: Pass: cGFzcw==",
				"SMTP|S: 235 ok",
				"SMTP|S: ",
			},
		},
	})
}

func TestSMTPIsCommand(t *testing.T) {
	cases := []struct {
		cmd  string
		want bool
	}{
		{cmd: "MAIL", want: true},
		{cmd: "ehlo", want: true},
		{cmd: "STARTTLS", want: true},
		{cmd: "x-link2state", want: true},
		{cmd: "MAI1", want: false},
		{cmd: "QUITS", want: false},
	}
	for _, c := range cases {
		if got := smtpIsCommand([]byte(c.cmd)); got != c.want {
			t.Errorf("%q: got %v", c.cmd, got)
		}
	}
}
