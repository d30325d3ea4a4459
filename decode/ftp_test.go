package decode

import "testing"

func TestFTPStreams(t *testing.T) {
	checkTextStreams(t, []textStreamCase{
		{
			name:       "control connection",
			serverPort: 21,
			segments: []textSegment{
				{fromClient: false, data: "220 (vsFTPd 3.0.3)\r\n"},
				{fromClient: true, data: "USER anonymous\r\n"},
				{fromClient: false, data: "211-Features:\r\n EPRT\r\n211 End\r\n"},
				{fromClient: false, data: " EPSV\r\n"},
				{fromClient: true, data: "PASV\r\n"},
				{fromClient: false, data: "227 Entering Passive Mode (10,0,0,2,156,64).\r\n"},
			},
			want: []string{
				"FTP|Response: 220 (vsFTPd 3.0.3)",
				"FTP|Request: USER anonymous",
				"FTP|Response: 211-Features:",
				"FTP|Response:  EPSV",
				"FTP|Request: PASV",
				"FTP|Response: 227 Entering Passive Mode (10,0,0,2,156,64).",
			},
		},
		{
			name:       "port 20 without an announcement",
			serverPort: 20,
			segments: []textSegment{
				{fromClient: false, data: "some file data"},
			},
			want: []string{
				"FTP-DATA|FTP Data: 14 bytes",
			},
		},
	})
}

func TestFTPParsePortPASV(t *testing.T) {
	cases := []struct {
		name   string
		text   string
		wantIP [4]byte
		port   uint16
		ok     bool
	}{
		{name: "pasv reply", text: "Entering Passive Mode (127,0,0,1,156,153).", wantIP: [4]byte{127, 0, 0, 1}, port: 40089, ok: true},
		{name: "port command", text: "10,1,2,3,4,5", wantIP: [4]byte{10, 1, 2, 3}, port: 1029, ok: true},
		{name: "numbers before the address", text: "Mode 1 (192,168,0,1,0,21)", wantIP: [4]byte{192, 168, 0, 1}, port: 21, ok: true},
		{name: "too few numbers", text: "(1,2,3)", ok: false},
	}
	for _, c := range cases {
		ip, port, ok := ftpParsePortPASV([]byte(c.text))
		if ok != c.ok || (ok && (ip != c.wantIP || port != c.port)) {
			t.Errorf("%s: got (%v, %d, %v)", c.name, ip, port, ok)
		}
	}
}

func TestFTPParseEPSVAndEPRT(t *testing.T) {
	epsv := []struct {
		text string
		port uint16
		ok   bool
	}{
		{text: "Entering Extended Passive Mode (|||40060|)", port: 40060, ok: true},
		{text: "Extended Passive mode OK (|||63988|)", port: 63988, ok: true},
		{text: "no parenthesis", ok: false},
	}
	for _, c := range epsv {
		port, ok := ftpParseEPSV([]byte(c.text))
		if ok != c.ok || port != c.port {
			t.Errorf("EPSV %q: got (%d, %v)", c.text, port, ok)
		}
	}
	eprt := []struct {
		text string
		port uint16
		ok   bool
	}{
		{text: "|1|132.235.1.2|6275|", port: 6275, ok: true},
		{text: "|2|1080::8:800:200C:417A|5282|", port: 5282, ok: true},
		{text: "|3|x|1|", ok: false},
		{text: "|1|1.2.3.4|", ok: false},
	}
	for _, c := range eprt {
		_, port, ok := ftpParseEPRT([]byte(c.text))
		if ok != c.ok || port != c.port {
			t.Errorf("EPRT %q: got (%d, %v)", c.text, port, ok)
		}
	}
}
