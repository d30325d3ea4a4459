package decode

import (
	"encoding/binary"
	"testing"
	"time"
)

// A small TCP conversation builder for the text-protocol tests: each
// segment becomes an Ethernet/IPv4/TCP frame with consistent sequence
// numbers, after a three-way handshake, and the test looks at the columns
// of the data frames only.

type textSegment struct {
	fromClient bool
	data       string
}

type textStreamCase struct {
	name       string
	serverPort uint16
	segments   []textSegment
	// want holds "Protocol|Info" for each segment, in order.
	want []string
}

func textTCPFrame(src, dst [4]byte, sport, dport uint16, seq, ack uint32, flags uint8, payload []byte) []byte {
	f := make([]byte, 14+20+20+len(payload))
	copy(f[0:6], []byte{0, 1, 2, 3, 4, 5})
	copy(f[6:12], []byte{0, 1, 2, 3, 4, 6})
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	ip := f[14:]
	ip[0] = 0x45
	binary.BigEndian.PutUint16(ip[2:], uint16(20+20+len(payload)))
	ip[8] = 64
	ip[9] = 6
	copy(ip[12:16], src[:])
	copy(ip[16:20], dst[:])
	tcp := ip[20:]
	binary.BigEndian.PutUint16(tcp[0:], sport)
	binary.BigEndian.PutUint16(tcp[2:], dport)
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12] = 5 << 4
	tcp[13] = flags
	binary.BigEndian.PutUint16(tcp[14:], 65535)
	copy(tcp[20:], payload)
	return f
}

// runTextStream decodes the case's conversation and returns "Protocol|Info"
// of each data segment.
func runTextStream(t *testing.T, c textStreamCase) []string {
	t.Helper()
	client, server := [4]byte{10, 0, 0, 1}, [4]byte{10, 0, 0, 2}
	const cport = 40000
	cseq, sseq := uint32(1000), uint32(5000)
	d := New(Options{OnBug: func(n uint64, msg string) { t.Fatalf("frame %d: dissector bug: %s", n, msg) }})
	ts := time.Unix(1700000000, 0)
	var rec Record
	decode := func(b []byte) {
		f := Frame{Data: b, WireLen: len(b), Timestamp: ts, TimeDigits: 6, LinkType: LinkEthernet}
		ts = ts.Add(time.Millisecond)
		d.Decode(&f, &rec)
	}
	const syn, ack, psh = 0x02, 0x10, 0x08
	decode(textTCPFrame(client, server, cport, c.serverPort, cseq, 0, syn, nil))
	decode(textTCPFrame(server, client, c.serverPort, cport, sseq, cseq+1, syn|ack, nil))
	cseq++
	sseq++
	decode(textTCPFrame(client, server, cport, c.serverPort, cseq, sseq, ack, nil))
	var got []string
	for _, s := range c.segments {
		if s.fromClient {
			decode(textTCPFrame(client, server, cport, c.serverPort, cseq, sseq, psh|ack, []byte(s.data)))
			cseq += uint32(len(s.data))
		} else {
			decode(textTCPFrame(server, client, c.serverPort, cport, sseq, cseq, psh|ack, []byte(s.data)))
			sseq += uint32(len(s.data))
		}
		got = append(got, string(rec.Protocol)+"|"+string(rec.Info))
	}
	return got
}

func checkTextStreams(t *testing.T, cases []textStreamCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := runTextStream(t, c)
			if len(got) != len(c.want) {
				t.Fatalf("got %d rows, want %d: %q", len(got), len(c.want), got)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("segment %d:\n got  %q\n want %q", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestFindTextLine(t *testing.T) {
	cases := []struct {
		name      string
		data      string
		off       int
		desegment bool
		wantLen   int
		wantNext  int
	}{
		{name: "crlf", data: "ab\r\ncd", off: 0, desegment: false, wantLen: 2, wantNext: 4},
		{name: "lf", data: "ab\ncd", off: 0, desegment: true, wantLen: 2, wantNext: 3},
		{name: "cr alone", data: "ab\rcd", off: 0, desegment: true, wantLen: 2, wantNext: 3},
		{name: "no end", data: "abcd", off: 1, desegment: false, wantLen: 3, wantNext: 4},
		{name: "no end desegment", data: "abcd", off: 0, desegment: true, wantLen: -1, wantNext: 4},
		{name: "cr last desegment", data: "ab\r", off: 0, desegment: true, wantLen: -1, wantNext: 3},
		{name: "cr last", data: "ab\r", off: 0, desegment: false, wantLen: 2, wantNext: 3},
	}
	for _, c := range cases {
		n, next := findTextLine(newRealTvb([]byte(c.data)), c.off, c.desegment)
		if n != c.wantLen || (n >= 0 && next != c.wantNext) {
			t.Errorf("%s: got (%d, %d), want (%d, %d)", c.name, n, next, c.wantLen, c.wantNext)
		}
	}
}

// TestTextProtocolsRandomInput feeds the text-protocol dissectors random
// segments built from protocol fragments and noise: any panic that is not a
// dissection exception fails (runTextStream's OnBug).
func TestTextProtocolsRandomInput(t *testing.T) {
	pieces := []string{"SSH-2.0-x\r\n", "SSH-1.5-y\n", "\x00\x00\x00\x0c\x0a\x14", "\x00\x00\x01\x00\x04\x1e",
		"220 ", "227 (1,2,3,4,5,6)", "229 (|||77|)", "PORT 1,2,3,4,0,20", "EPRT |1|1.2.3.4|5|", "AUTH TLS", "234 ok",
		"DATA\r\n", "BDAT 5 LAST\r\n", "AUTH LOGIN\r\n", "AUTH PLAIN x\r\n", "334 x\r\n", "\r\n.\r\n", ".\r\n", "STARTTLS\r\n",
		"+OK 10 octets\r\n", "RETR 1\r\n", "-ERR\r\n", "* 1 FETCH (BODY {5}\r\n", "a LOGIN u\r\n", "a1 OK\r\n", "* OK\r\n",
		"*2\r\n", "$3\r\nabc\r\n", "$-1\r\n", ":12\r\n", "-E\r\n", "+P\r\n", "*-1\r\n", "$200\r\n",
		":p PRIVMSG #c :\x01ACTION\x01\r\n", ":x\r\n", "<iq type='get'><query xmlns='jabber:iq:roster'/>", "</iq>", "<?xml?>",
		"</stream:stream>", "<a b='c' d=\"e\"/>", "\r", "\n", " ", "\xff\xfe", "\x16\x03\x01\x00\x05"}
	seed := uint32(1)
	rnd := func(n int) int {
		seed = seed*1664525 + 1013904223
		return int(seed>>8) % n
	}
	for _, port := range []uint16{22, 20, 21, 25, 110, 143, 6379, 6667, 5222} {
		for round := 0; round < 40; round++ {
			c := textStreamCase{name: "random", serverPort: port}
			for s := rnd(8) + 1; s > 0; s-- {
				var b []byte
				for k := rnd(6) + 1; k > 0; k-- {
					b = append(b, pieces[rnd(len(pieces))]...)
				}
				c.segments = append(c.segments, textSegment{fromClient: rnd(2) == 0, data: string(b)})
			}
			runTextStream(t, c)
		}
	}
}
