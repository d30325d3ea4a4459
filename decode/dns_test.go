package decode

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"time"
)

// appCase is a sequence of datagrams of one UDP conversation and, per
// datagram, the Protocol and Info tshark 4.0.17 shows ("PROTO|INFO").
type appCase struct {
	name  string
	dgram []testDatagram
	want  []string
}

// testDatagram is one UDP datagram between 10.0.0.1 and 10.0.0.2;
// reply sends it the other way; cut leaves that many bytes at its end
// out of the capture.
type testDatagram struct {
	sport, dport uint16
	reply        bool
	payload      []byte
	cut          int
}

func (d testDatagram) frame() []byte {
	u := make([]byte, 8, 8+len(d.payload))
	binary.BigEndian.PutUint16(u, d.sport)
	binary.BigEndian.PutUint16(u[2:], d.dport)
	binary.BigEndian.PutUint16(u[4:], uint16(8+len(d.payload)))
	u = append(u, d.payload...)
	src, dst := "10.0.0.1", "10.0.0.2"
	if d.reply {
		src, dst = dst, src
	}
	return testIPv4(17, src, dst, 64, u)
}

// runAppCases decodes each case's datagrams as raw IPv4 frames.
func runAppCases(t *testing.T, cases []appCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := New(Options{OnBug: func(n uint64, msg string) { t.Errorf("frame %d: dissector bug: %s", n, msg) }})
			ts := time.Unix(1700000000, 0)
			var rec Record
			for i, dg := range c.dgram {
				f := dg.frame()
				d.Decode(&Frame{Data: f[:len(f)-dg.cut], WireLen: len(f), Timestamp: ts, TimeDigits: 6, LinkType: LinkRaw}, &rec)
				ts = ts.Add(time.Millisecond)
				if got := string(rec.Protocol) + "|" + string(rec.Info); i < len(c.want) && got != c.want[i] {
					t.Errorf("datagram %d:\n got  %q\n want %q", i+1, got, c.want[i])
				}
			}
		})
	}
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// dnsName encodes a dotted name as DNS labels ("" is the root).
func dnsName(s string) []byte {
	var b []byte
	if s != "" {
		for _, l := range strings.Split(s, ".") {
			b = append(b, byte(len(l)))
			b = append(b, l...)
		}
	}
	return append(b, 0)
}

func dnsHeader(id, flags uint16, qd, an, ns, ar int) []byte {
	return cat(be16(id), be16(flags), be16(uint16(qd)), be16(uint16(an)), be16(uint16(ns)), be16(uint16(ar)))
}

func dnsQuestion(name []byte, typ, class uint16) []byte { return cat(name, be16(typ), be16(class)) }

func dnsRR(name []byte, typ, class uint16, rdata []byte) []byte {
	return cat(name, be16(typ), be16(class), be32(300), be16(uint16(len(rdata))), rdata)
}

var dnsCases = []appCase{
	{
		name:  "query",
		dgram: []testDatagram{{sport: 40000, dport: 53, payload: cat(dnsHeader(0x1a16, 0x0100, 1, 0, 0, 0), dnsQuestion(dnsName("microsoft.com"), 1, 1))}},
		want:  []string{"DNS|Standard query 0x1a16 A microsoft.com"},
	},
	{
		name: "response with many record types",
		dgram: []testDatagram{{sport: 53, dport: 40000, payload: cat(dnsHeader(0x2222, 0x8180, 1, 9, 1, 1),
			dnsQuestion(dnsName("ex.com"), 255, 1),
			dnsRR([]byte{0xc0, 12}, 15, 1, cat(be16(10), dnsName("mx.ex.com"))),
			dnsRR([]byte{0xc0, 12}, 16, 1, []byte("\x05hello")),
			dnsRR([]byte{0xc0, 12}, 33, 1, cat(be16(1), be16(2), be16(443), dnsName("srv.ex.com"))),
			dnsRR([]byte{0xc0, 12}, 13, 1, []byte("\x03CPU\x02OS")),
			dnsRR([]byte{0xc0, 12}, 28, 1, []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}),
			dnsRR([]byte{0xc0, 12}, 2, 1, dnsName("ns1.ex.com")),
			dnsRR([]byte{0xc0, 12}, 12, 1, dnsName("ptr.ex.com")),
			dnsRR([]byte{0xc0, 12}, 999, 1, []byte{1, 2}),
			dnsRR([]byte{0xc0, 12}, 1, 1, []byte{192, 0, 2, 1}),
			dnsRR([]byte{0xc0, 12}, 6, 1, cat(dnsName(""), dnsName(""), make([]byte, 20))),
			dnsRR(dnsName(""), 41, 512, nil))}},
		want: []string{"DNS|Standard query response 0x2222 ANY ex.com MX 10 mx.ex.com TXT SRV 1 2 443 srv.ex.com HINFO CPU OS AAAA 2001:db8::1 NS ns1.ex.com PTR ptr.ex.com Unknown (999) A 192.0.2.1 SOA <Root> OPT"},
	},
	{
		name:  "no such name",
		dgram: []testDatagram{{sport: 53, dport: 40000, payload: cat(dnsHeader(0x521a, 0x8183, 1, 0, 0, 0), dnsQuestion(dnsName("nx.example"), 1, 1))}},
		want:  []string{"DNS|Standard query response 0x521a No such name A nx.example"},
	},
	{
		name:  "other opcodes and rcodes",
		dgram: []testDatagram{{sport: 53, dport: 40000, payload: cat(dnsHeader(0x3005, 0x800c, 1, 0, 0, 0), dnsQuestion(dnsName("ex.com"), 1, 1))}, {sport: 40000, dport: 53, payload: cat(dnsHeader(0x4004, 0x1800, 1, 0, 0, 0), dnsQuestion(dnsName("ex.com"), 1, 1))}},
		want:  []string{"DNS|Standard query response 0x3005 Unknown error (12) A ex.com", "DNS|Unknown operation (3) 0x4004 A ex.com"},
	},
	{
		name:  "truncated record",
		dgram: []testDatagram{{sport: 53, dport: 40000, payload: cat(dnsHeader(0x5002, 0x8180, 1, 1, 0, 0), dnsQuestion(dnsName("a"), 1, 1), []byte{0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 10})}},
		want:  []string{"DNS|Standard query response 0x5002 A a A[Malformed Packet]"},
	},
	{
		name:  "name with a pointer loop",
		dgram: []testDatagram{{sport: 40000, dport: 53, payload: cat(dnsHeader(0x0001, 0x0100, 1, 0, 0, 0), []byte{0xc0, 12, 0, 1, 0, 1})}},
		want:  []string{"DNS|Standard query 0x0001 A <Name contains a pointer that loops>"},
	},
	{
		name:  "escaped label",
		dgram: []testDatagram{{sport: 40000, dport: 53, payload: cat(dnsHeader(0x0002, 0x0100, 1, 0, 0, 0), []byte("\x03b\x01c\x03com\x00"), be16(1), be16(1))}},
		want:  []string{"DNS|Standard query 0x0002 A b\\001c.com"},
	},
	{
		name: "mDNS questions and cache flush",
		dgram: []testDatagram{
			{sport: 5353, dport: 5353, payload: cat(dnsHeader(0, 0, 2, 0, 0, 0), dnsQuestion(dnsName("_ipp._tcp.local"), 12, 1), dnsQuestion(dnsName("foo.local"), 255, 0x8001))},
			{sport: 5353, dport: 5353, payload: cat(dnsHeader(0, 0x8400, 0, 2, 0, 0), dnsRR(dnsName("foo.local"), 16, 0x8001, []byte{0}), dnsRR(dnsName("foo.local"), 1, 0x8001, nil))},
		},
		want: []string{
			`MDNS|Standard query 0x0000 PTR _ipp._tcp.local, "QM" question ANY foo.local, "QU" question`,
			"MDNS|Standard query response 0x0000 TXT, cache flush A, cache flush",
		},
	},
	{
		name: "LLMNR",
		dgram: []testDatagram{
			{sport: 50000, dport: 5355, payload: cat(dnsHeader(0x1234, 0, 1, 0, 0, 0), dnsQuestion(dnsName("host1"), 1, 1))},
			{sport: 5355, dport: 50000, reply: true, payload: cat(dnsHeader(0x1234, 0x8000, 1, 1, 0, 0), dnsQuestion(dnsName("host1"), 1, 1), dnsRR([]byte{0xc0, 12}, 1, 1, []byte{10, 0, 0, 2}))},
		},
		want: []string{"LLMNR|Standard query 0x1234 A host1", "LLMNR|Standard query response 0x1234 A host1 A 10.0.0.2"},
	},
	{
		name:  "heuristic on other ports",
		dgram: []testDatagram{{sport: 40000, dport: 40001, payload: cat(dnsHeader(0x0003, 0x0100, 1, 0, 0, 0), dnsQuestion(dnsName("x.org"), 28, 1))}},
		want:  []string{"DNS|Standard query 0x0003 AAAA x.org"},
	},
}

func TestDNS(t *testing.T) { runAppCases(t, dnsCases) }

func TestGetDNSName(t *testing.T) {
	cases := []struct {
		name    string
		msg     []byte
		off     int
		text    string
		used    int
		malform bool
	}{
		{name: "root", msg: []byte{0}, text: "<Root>", used: 1},
		{name: "compressed", msg: cat(dnsName("a.b"), []byte{1, 'c', 0xc0, 0}), off: 5, text: "c.a.b", used: 4},
		{name: "bit string label", msg: []byte{0x41, 8, 0xab, 0}, text: "", used: 0, malform: true},
		{name: "unknown extended label", msg: []byte{1, 'x', 0x42, 0}, text: "<Unknown extended label>", used: 3},
		{name: "reserved label type", msg: []byte{0x80, 0}, malform: true},
		{name: "too long", msg: bytes.Repeat([]byte{63, 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'}, 5), text: "<Name too long>", used: 321},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := append(c.msg, 0) // room past a too-long name's terminator
			var name []byte
			var n, used int
			caught := false
			func() {
				defer func() {
					if r := recover(); r != nil {
						caught = true
					}
				}()
				budget := dnsNameBudget
				name, n, used = getDNSName(newRealTvb(msg), c.off, 0, nil, &budget)
			}()
			if caught != c.malform {
				t.Fatalf("raised %v, want %v", caught, c.malform)
			}
			if !c.malform && (string(name[:n]) != c.text || used != c.used) {
				t.Errorf("got %q used %d, want %q used %d", name[:n], used, c.text, c.used)
			}
		})
	}
}

// BenchmarkUDPAppsCapture decodes the DNS, SNMP, DHCP and NTP captures of
// testdata, to watch the allocations of those paths.
func BenchmarkUDPAppsCapture(b *testing.B) {
	var frames []Frame
	for _, name := range []string{"dns/dig-dnsmasq", "dns/tcp-pipelined", "snmp/net-snmp-v1-v2c-v3", "dhcp/dnsmasq-dhclient", "ntp/chrony-ntpdate"} {
		frames = append(frames, readTestCapture(b, "../testdata/"+name+".pcap")...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		d := New(Options{})
		var rec Record
		for i := range frames {
			d.Decode(&frames[i], &rec)
		}
	}
}
