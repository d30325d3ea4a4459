package decode

import "testing"

func dhcpv6Option(code uint16, data []byte) []byte {
	return cat(be16(code), be16(uint16(len(data))), data)
}

var dhcpv6LinkAddr = []byte{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0x10, 0x02}

var dhcpv6Cases = []appCase{
	{
		name: "solicit and advertise",
		dgram: []testDatagram{
			{sport: 546, dport: 547, payload: cat([]byte{1, 0x9d, 0xe0, 0x3f}, dhcpv6Option(1, []byte{0, 1, 0, 1, 0x1d, 0xef, 0x69, 0xbd, 0, 0x0c, 0x29, 0x5e, 0x77, 0x44}), dhcpv6Option(8, []byte{0, 0}))},
			{sport: 547, dport: 546, reply: true, payload: cat([]byte{2, 0x9d, 0xe0, 0x3f}, dhcpv6Option(3, cat(make([]byte, 12), dhcpv6Option(5, cat(dhcpv6LinkAddr, make([]byte, 8))))), dhcpv6Option(1, []byte{0, 3, 0, 1, 1, 2, 3, 4, 5, 6}))},
		},
		want: []string{
			"DHCPv6|Solicit XID: 0x9de03f CID: 000100011def69bd000c295e7744 ",
			"DHCPv6|Advertise XID: 0x9de03f IAA: 2001:db8:1:2::1002 CID: 00030001010203040506 ",
		},
	},
	{
		name:  "relay with the relayed message",
		dgram: []testDatagram{{sport: 547, dport: 547, payload: cat([]byte{12, 0}, dhcpv6LinkAddr, make([]byte, 16), dhcpv6Option(9, []byte{11, 0, 0, 1}))}},
		want:  []string{"DHCPv6|Relay-forw L: 2001:db8:1:2::1002 Information-request XID: 0x000001 "},
	},
	{
		name:  "domain name notes",
		dgram: []testDatagram{{sport: 546, dport: 547, payload: cat([]byte{11, 0, 0, 2}, dhcpv6Option(24, []byte{0}), dhcpv6Option(24, []byte{5, 'a', 'b'}))}},
		want:  []string{"DHCPv6|Information-request XID: 0x000002  [ROOT-ONLY DOMAIN NAME] [DOMAIN FIELD LEN EXCEEDED]"},
	},
	{
		name:  "unknown message type",
		dgram: []testDatagram{{sport: 546, dport: 547, payload: []byte{99, 0, 0, 3}}},
		want:  []string{"DHCPv6|Message Type 99 XID: 0x000003 "},
	},
}

func TestDHCPv6(t *testing.T) { runAppCases(t, dhcpv6Cases) }
