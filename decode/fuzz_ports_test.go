package decode

import (
	"encoding/binary"
	"slices"
	"testing"
	"time"
)

// The port fuzzers reach every dissector registered by port (and the
// heuristics, through a port nobody registered) with arbitrary payloads,
// inside a well-formed IPv4 conversation: FuzzDecode has to invent the
// link, IP and transport headers too, and seldom gets that far.

// fuzzPorts lists a table's ports in order, then 40001, which no table
// holds, so the heuristics are tried.
func fuzzPorts(table map[uint16]appDissector) []uint16 {
	var ports []uint16
	for p := range table {
		ports = append(ports, p)
	}
	slices.Sort(ports)
	return append(ports, 40001)
}

// fuzzIPv4 wraps a transport header and payload in a raw IPv4 packet
// between 192.0.2.1 (the client) and 192.0.2.2.
func fuzzIPv4(fromClient bool, proto byte, l4 []byte) []byte {
	b := make([]byte, 20, 20+len(l4))
	b[0] = 0x45
	binary.BigEndian.PutUint16(b[2:], uint16(20+len(l4)))
	b[8], b[9] = 64, proto
	src, dst := []byte{192, 0, 2, 1}, []byte{192, 0, 2, 2}
	if !fromClient {
		src, dst = dst, src
	}
	copy(b[12:], src)
	copy(b[16:], dst)
	var sum uint32
	for i := 0; i < 20; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	binary.BigEndian.PutUint16(b[10:], ^uint16(sum))
	return append(b, l4...)
}

// fuzzSegments cuts in into chunks: each is a control byte, a one-byte
// length and that many bytes (fewer at the end).
func fuzzSegments(in []byte, max int, each func(ctl byte, data []byte)) {
	for k := 0; len(in) >= 2 && k < max; k++ {
		ctl, n := in[0], int(in[1])
		in = in[2:]
		n = min(n, len(in))
		each(ctl, in[:n])
		in = in[n:]
	}
}

func fuzzDecoder(t *testing.T) (*Decoder, func(data []byte)) {
	d := New(Options{OnBug: func(n uint64, msg string) {
		t.Fatalf("frame %d: dissector bug: %s", n, msg)
	}})
	var rec Record
	ts := time.Unix(1700000000, 0)
	return d, func(data []byte) {
		fr := Frame{Data: data, WireLen: len(data), Timestamp: ts, TimeDigits: 6, LinkType: LinkRaw}
		ts = ts.Add(time.Millisecond)
		d.Decode(&fr, &rec)
	}
}

// FuzzUDPPorts: datagrams both ways between a client port and a port
// chosen from the UDP table. Input: port selector (2 bytes), then
// datagrams as [direction bit in the control byte][length][bytes].
func FuzzUDPPorts(f *testing.F) {
	ports := fuzzPorts(udpPortTable)
	for i, p := range ports {
		if p == 53 || p == 67 || p == 123 || p == 5060 || p == 1900 || p == 40001 {
			f.Add(append([]byte{byte(i >> 8), byte(i), 0, 12}, "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"...))
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 2 {
			return
		}
		port := ports[int(binary.BigEndian.Uint16(in))%len(ports)]
		_, send := fuzzDecoder(t)
		fuzzSegments(in[2:], 16, func(ctl byte, data []byte) {
			fromClient := ctl&1 == 0
			sport, dport := uint16(40000), port
			if !fromClient {
				sport, dport = dport, sport
			}
			if ctl&2 != 0 {
				sport = dport // both ends on the service port, as NTP and SIP do
			}
			udp := make([]byte, 8, 8+len(data))
			binary.BigEndian.PutUint16(udp[0:], sport)
			binary.BigEndian.PutUint16(udp[2:], dport)
			binary.BigEndian.PutUint16(udp[4:], uint16(8+len(data)))
			send(fuzzIPv4(fromClient, 17, append(udp, data...)))
		})
	})
}

// FuzzTCPPorts: a TCP conversation with a port chosen from the TCP table:
// handshake, then segments both ways as the input says, some of them
// retransmitted or sent after a gap (out of order), then FINs. Input:
// port selector (2 bytes), then segments as [control][length][bytes]:
// control bit 0 the direction, bit 1 a retransmission of the previous
// segment, bit 2 a gap of 1..64 bytes before it, bit 3 FIN.
func FuzzTCPPorts(f *testing.F) {
	ports := fuzzPorts(tcpPortTable)
	seed := func(port uint16, msgs ...string) {
		if i := slices.Index(ports, port); i >= 0 {
			in := []byte{byte(i >> 8), byte(i)}
			for k, m := range msgs {
				in = append(in, byte(k&1), byte(len(m)))
				in = append(in, m...)
			}
			f.Add(in)
		}
	}
	seed(80, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")
	seed(21, "USER anonymous\r\n", "331 Password required\r\n")
	seed(25, "EHLO x\r\n", "250-x\r\n250 STARTTLS\r\n")
	seed(443, "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00")
	seed(53, "\x00\x0c\x12\x34\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00")
	seed(6379, "*1\r\n$4\r\nPING\r\n", "+PONG\r\n")
	seed(40001, "SSH-2.0-OpenSSH_9.0\r\n", "SSH-2.0-x\r\n")
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 2 {
			return
		}
		port := ports[int(binary.BigEndian.Uint16(in))%len(ports)]
		_, send := fuzzDecoder(t)
		seq := [2]uint32{1000, 5000} // client, server: next sequence number
		var last struct {
			dir  int
			seq  uint32
			data []byte
		}
		segment := func(dir int, s uint32, flags byte, data []byte) {
			fromClient := dir == 0
			sport, dport := uint16(40000), port
			if !fromClient {
				sport, dport = dport, sport
			}
			tcp := make([]byte, 20, 20+len(data))
			binary.BigEndian.PutUint16(tcp[0:], sport)
			binary.BigEndian.PutUint16(tcp[2:], dport)
			binary.BigEndian.PutUint32(tcp[4:], s)
			binary.BigEndian.PutUint32(tcp[8:], seq[1-dir])
			tcp[12] = 5 << 4
			tcp[13] = flags
			binary.BigEndian.PutUint16(tcp[14:], 0xffff)
			send(fuzzIPv4(fromClient, 6, append(tcp, data...)))
		}
		const fin, syn, psh, ack = 0x01, 0x02, 0x08, 0x10
		segment(0, seq[0]-1, syn, nil)
		segment(1, seq[1]-1, syn|ack, nil)
		segment(0, seq[0], ack, nil)
		fuzzSegments(in[2:], 48, func(ctl byte, data []byte) {
			dir := int(ctl & 1)
			switch {
			case ctl&2 != 0 && last.data != nil:
				segment(last.dir, last.seq, psh|ack, last.data)
				return
			case ctl&4 != 0:
				seq[dir] += uint32(1 + int(ctl>>4)*4)
			}
			flags := byte(psh | ack)
			if ctl&8 != 0 {
				flags |= fin
			}
			segment(dir, seq[dir], flags, data)
			last.dir, last.seq, last.data = dir, seq[dir], data
			seq[dir] += uint32(len(data))
			if flags&fin != 0 {
				seq[dir]++
			}
		})
		segment(0, seq[0], fin|ack, nil)
		segment(1, seq[1], fin|ack, nil)
	})
}
