package decode

import "testing"

const sdpBody = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"

var sipCases = []appCase{
	{
		name: "invite with SDP, ringing, 200",
		dgram: []testDatagram{
			{sport: 5060, dport: 5060, payload: []byte("INVITE sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1\r\nTo: <sip:bob@10.0.0.2>\r\nFrom: <sip:alice@10.0.0.1>;tag=1\r\nCall-ID: x@y\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: 85\r\n\r\n" + sdpBody)},
			{sport: 5060, dport: 5060, reply: true, payload: []byte("SIP/2.0 180 Ringing\r\nTo: <sip:bob@10.0.0.2>;tag=2\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")},
			{sport: 5060, dport: 5060, reply: true, payload: []byte("SIP/2.0 200 OK\r\nTo: <sip:bob@10.0.0.2>;tag=2\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n")},
			{sport: 5060, dport: 5060, payload: []byte("INVITE sip:bob@10.0.0.2 SIP/2.0\r\nTo: <sip:bob@10.0.0.2>;tag=2\r\nCSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n")},
		},
		want: []string{
			"SIP/SDP|Request: INVITE sip:bob@10.0.0.2 | ",
			"SIP|Status: 180 Ringing | ",
			"SIP|Status: 200 OK (INVITE) | ",
			"SIP|Request: INVITE sip:bob@10.0.0.2, in-dialog | ",
		},
	},
	{
		name: "register bindings",
		dgram: []testDatagram{
			{sport: 5060, dport: 5060, payload: []byte("REGISTER sip:x SIP/2.0\r\nContact: <sip:a@1.2.3.4>\r\nCSeq: 1 REGISTER\r\n\r\n")},
			{sport: 5060, dport: 5060, reply: true, payload: []byte("SIP/2.0 200 OK\r\nContact: <sip:a@1.2.3.4>;expires=3600, <sip:b@1.2.3.4>;expires=0\r\nCSeq: 1 REGISTER\r\n\r\n")},
			{sport: 5060, dport: 5060, payload: []byte("REGISTER sip:x SIP/2.0\r\nContact: *\r\nExpires: 0\r\nCSeq: 2 REGISTER\r\n\r\n")},
			{sport: 5060, dport: 5060, payload: []byte("REGISTER sip:x SIP/2.0\r\nCSeq: 3 REGISTER\r\n\r\n")},
		},
		want: []string{
			"SIP|Request: REGISTER sip:x  (1 binding) | ",
			"SIP|Status: 200 OK (REGISTER)  (removed 1 binding) (1 binding kept) | ",
			"SIP|Request: REGISTER sip:x  (remove all bindings) | ",
			"SIP|Request: REGISTER sip:x  (fetch bindings) | ",
		},
	},
	{
		name: "unknown method, heuristic, not SIP",
		dgram: []testDatagram{
			{sport: 5060, dport: 5060, payload: []byte("FOO sip:bob@10.0.0.2 SIP/2.0\r\nCSeq: 1 FOO\r\n\r\n")},
			{sport: 40000, dport: 40002, payload: []byte("OPTIONS sip:bob@10.0.0.2 SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n")},
			{sport: 5060, dport: 5060, payload: []byte("hello there\r\n")},
		},
		want: []string{
			"SIP|Unknown request: FOO sip:bob@10.0.0.2 | ",
			"SIP|Request: OPTIONS sip:bob@10.0.0.2 | ",
			"UDP|5060 → 5060 Len=13",
		},
	},
}

// Headers Wireshark parses its own way, and captures cut short.
var sipOddCases = []appCase{
	{
		name: "contacts, CSeq and Content-Length as Wireshark parses them",
		dgram: []testDatagram{
			{sport: 5060, dport: 5060, payload: []byte("REGISTER sip:x SIP/2.0\r\nContact: <sip:a@1.2.3.4.\r\nCSeq: 1 REGISTER\r\n\r\n")},
			{sport: 5060, dport: 5060, reply: true, payload: []byte("SIP/2.0 200 OK\r\nContact: <sip:a@1.2.3.4>;expires=3u00, <sip:b@1.2.3.4>;expires=0\r\nCSeq: 1 REGISTER\r\n\r\n")},
			{sport: 5060, dport: 5060, reply: true, payload: []byte("SIP/2.0 200 OK\r\nContact: sip:a@1.2.3.4;expires=0,\"b\" <sip:b@1.2.3.4>;q=\"x;y\";expires=0 , <sip:c@1.2.3.4>\r\nCSeq: 1 REGISTER\r\n\r\n")},
			{sport: 5060, dport: 5060, payload: []byte("FOO sip:bob@10.0.0.3 SIP/2.0\r\nCSeq: 1 \xd8OO\r\n\r\n")},
			{sport: 5060, dport: 5060, payload: []byte("INVITE sip:bob@10.0.0.2 SIP/2.0\r\nTo: sip:bob@10.0.0.2;tag=7\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: 85\f\r\n\r\n" + sdpBody)},
		},
		want: []string{
			"SIP|Request: REGISTER sip:x  (fetch bindings) | ",
			"SIP|Status: 200 OK (REGISTER)  (1 binding) | ",
			"SIP|Status: 200 OK (REGISTER)  (removed 1 binding) (1 binding kept) | ",
			"SIP|Unknown request: FOO sip:bob@10.0.0.3",
			"SIP|Request: INVITE sip:bob@10.0.0.2, in-dialog | ",
		},
	},
	{
		name: "unterminated and cut",
		dgram: []testDatagram{
			{sport: 5060, dport: 5060, payload: []byte("OPTIONS sip:bob@10.0.0.2 SIP/2.0\r\nCSeq: 1 OPTIONS")},
			{sport: 5060, dport: 5060, payload: []byte("OPTIONS sip:bob@10.0.0.2 SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n"), cut: 10},
			{sport: 5060, dport: 5060, reply: true, payload: []byte("SIP/2.0 180 Ringing\r\nCSeq: 1 INVITE\r\n\r\n"), cut: 26},
			{sport: 5060, dport: 5060, reply: true, payload: []byte("SIP/2.0 180 Ringing\r\nCSeq: 1 INVITE\r\n\r\n"), cut: 19},
		},
		want: []string{
			"SIP|Request: OPTIONS sip:bob@10.0.0.2[Malformed Packet]",
			"SIP|Request: OPTIONS sip:bob@10.0.0.2[Packet size limited during capture]",
			"SIP|5060 → 5060 Len=39[Packet size limited during capture]",
			"UDP|5060 → 5060 Len=39[Packet size limited during capture]",
		},
	},
}

func TestSIPOdd(t *testing.T) { runAppCases(t, sipOddCases) }

func TestSIP(t *testing.T) { runAppCases(t, sipCases) }
