package decode

import "testing"

// netbiosName first-level encodes a 15-character name and its type.
func netbiosName(name string, typ byte, scope string) []byte {
	raw := []byte(name)
	for len(raw) < 15 {
		raw = append(raw, ' ')
	}
	raw = append(raw, typ)
	enc := []byte{32}
	for _, c := range raw {
		enc = append(enc, 'A'+c>>4, 'A'+c&0xf)
	}
	if scope == "" {
		return append(enc, 0)
	}
	return append(enc, dnsName(scope)...)
}

var nbnsCases = []appCase{
	{
		name: "query and response",
		dgram: []testDatagram{
			{sport: 137, dport: 137, payload: cat(dnsHeader(0x8001, 0x0110, 1, 0, 0, 0), netbiosName("WORKSTATION", 0x20, ""), be16(0x20), be16(1))},
			{sport: 137, dport: 137, reply: true, payload: cat(dnsHeader(0x8001, 0x8500, 0, 1, 0, 0), netbiosName("WORKSTATION", 0x20, ""), be16(0x20), be16(1), be32(300), be16(6), be16(0), []byte{10, 0, 0, 2})},
		},
		want: []string{"NBNS|Name query NB WORKSTATION<20>", "NBNS|Name query response NB 10.0.0.2"},
	},
	{
		name: "registration, status, scope, negative",
		dgram: []testDatagram{
			{sport: 137, dport: 137, payload: cat(dnsHeader(1, 0x2910, 1, 0, 0, 1), netbiosName("MYHOST", 0, ""), be16(0x20), be16(1), []byte{0xc0, 12}, be16(0x20), be16(1), be32(300), be16(6), be16(0), []byte{10, 0, 0, 9})},
			{sport: 137, dport: 137, payload: cat(dnsHeader(2, 0x0000, 1, 0, 0, 0), netbiosName("*\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 0, ""), be16(0x21), be16(1))},
			{sport: 137, dport: 137, payload: cat(dnsHeader(3, 0x0100, 1, 0, 0, 0), netbiosName("SCOPED", 0x1c, "corp.example"), be16(0x20), be16(1))},
			{sport: 137, dport: 137, reply: true, payload: cat(dnsHeader(4, 0x8503, 0, 1, 0, 0), netbiosName("GONE", 0x20, ""), be16(0x20), be16(1), be32(0), be16(0))},
		},
		want: []string{
			"NBNS|Registration NB MYHOST<00>",
			"NBNS|Name query NBSTAT *<00><00><00><00><00><00><00><00><00><00><00><00><00><00><00>",
			"NBNS|Name query NB SCOPED<1c>.corp.example",
			"NBNS|Name query response, Requested name does not exist[Malformed Packet]",
		},
	},
	{
		name: "datagram service",
		dgram: []testDatagram{
			{sport: 138, dport: 138, payload: cat([]byte{0x11, 0x02}, be16(7), []byte{10, 0, 0, 1}, be16(138), be16(80), be16(0), netbiosName("HOST", 0, ""), netbiosName("WORKGROUP", 0x1d, ""), []byte("payload"))},
		},
		want: []string{"NBDS|Direct_group datagram"},
	},
}

func TestNBNS(t *testing.T) { runAppCases(t, nbnsCases) }
