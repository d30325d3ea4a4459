package decode

import "testing"

func TestXMPPStreams(t *testing.T) {
	checkTextStreams(t, []textStreamCase{
		{
			name:       "stanzas",
			serverPort: 5222,
			segments: []textSegment{
				{fromClient: true, data: "<?xml version='1.0'?><stream:stream to='ex.org' version='1.0'>"},
				{fromClient: false, data: "<stream:stream from='ex.org'><stream:features/>"},
				{fromClient: true, data: "<iq type='get' to='ex.org'><vCard/><query xmlns='jabber:iq:version'/><x/></iq>"},
				{fromClient: true, data: "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"},
				{fromClient: false, data: "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>\n"},
				{fromClient: true, data: "<message to='a@b'><body>x"},
				{fromClient: false, data: "<what/>"},
			},
			want: []string{
				"XMPP/XML|STREAM > ex.org ",
				"XMPP/XML|STREAM < ex.org ",
				"XMPP/XML|IQ(get) VCARD QUERY(jabber:iq:version) X > ex.org ",
				"XMPP/XML|STARTTLS ",
				"XMPP/XML|PROCEED ",
				"TCP|40000 → 5222 [PSH, ACK] Seq=192 Ack=99 Win=65535 Len=25 [TCP segment of a reassembled PDU]",
				"XMPP/XML|UNKNOWN PACKET ",
			},
		},
	})
}

func TestXMPPStreamEnd(t *testing.T) {
	cases := []struct {
		data string
		want bool
	}{
		{data: "</stream:stream>", want: true},
		{data: " \r\n</stream>", want: true},
		{data: "</stream:stream >", want: false},
		{data: "<stream:stream>", want: false},
	}
	for _, c := range cases {
		if got := xmppStreamEnd([]byte(c.data)); got != c.want {
			t.Errorf("%q: got %v", c.data, got)
		}
	}
}
