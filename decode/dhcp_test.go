package decode

import "testing"

// bootp builds a BOOTP/DHCP message: op, the Ethernet client address,
// xid, and the options after the magic cookie (nil: no cookie at all).
func bootp(op byte, xid uint32, options []byte) []byte {
	b := make([]byte, 236)
	b[0], b[1], b[2] = op, 1, 6
	copy(b[4:], be32(xid))
	copy(b[28:], []byte{0x00, 0x0c, 0x29, 0x5e, 0x77, 0x44})
	if options != nil {
		b = append(b, 0x63, 0x82, 0x53, 0x63)
		b = append(b, options...)
	}
	return b
}

var dhcpCases = []appCase{
	{
		name:  "discover",
		dgram: []testDatagram{{sport: 68, dport: 67, payload: bootp(1, 0x696ddc66, []byte{53, 1, 1, 255})}},
		want:  []string{"DHCP|DHCP Discover - Transaction ID 0x696ddc66"},
	},
	{
		name:  "ack padded to eight, short xid",
		dgram: []testDatagram{{sport: 67, dport: 68, reply: true, payload: bootp(2, 0x1234, []byte{0, 0, 53, 1, 5, 255, 0, 0})}},
		want:  []string{"DHCP|DHCP ACK      - Transaction ID 0x1234"},
	},
	{
		name:  "long and unknown types",
		dgram: []testDatagram{{sport: 68, dport: 67, payload: bootp(1, 1, []byte{53, 1, 9, 255})}, {sport: 68, dport: 67, payload: bootp(1, 2, []byte{53, 1, 0x63, 255})}},
		want:  []string{"DHCP|DHCP Force Renew - Transaction ID 0x1", "DHCP|DHCP Unknown Message Type (0x63) - Transaction ID 0x2"},
	},
	{
		name:  "plain BOOTP",
		dgram: []testDatagram{{sport: 68, dport: 67, payload: bootp(1, 7, nil)}, {sport: 67, dport: 68, reply: true, payload: bootp(2, 7, []byte{255})}},
		want:  []string{"BOOTP|Boot Request from 00:0c:29:5e:77:44 (VMware_5e:77:44)[Malformed Packet]", "BOOTP|Boot Reply"},
	},
	{
		name:  "proxyDHCP needs the cookie",
		dgram: []testDatagram{{sport: 4011, dport: 68, payload: bootp(2, 0xabc, []byte{53, 1, 5, 255})}, {sport: 4011, dport: 40000, payload: bootp(2, 0xabc, nil)}},
		want:  []string{"DHCP|proxyDHCP ACK      - Transaction ID 0xabc", "UDP|4011 → 40000 Len=236"},
	},
	{
		name:  "short packet",
		dgram: []testDatagram{{sport: 68, dport: 67, payload: bootp(1, 7, nil)[:40]}},
		want:  []string{"BOOTP|Boot Request from 00:0c:29:5e:77:44 (VMware_5e:77:44)[Malformed Packet]"},
	},
	{
		// The client address is read before Info is written; a field
		// whose start is past the captured bytes raises by that start.
		name: "cut captures",
		dgram: []testDatagram{
			{sport: 68, dport: 67, payload: bootp(1, 7, nil), cut: 216},
			{sport: 68, dport: 67, payload: bootp(1, 7, []byte{53, 1, 1, 255})[:34], cut: 14},
			{sport: 68, dport: 67, payload: bootp(1, 7, nil), cut: 20},
			{sport: 67, dport: 68, reply: true, payload: bootp(2, 0x1234, []byte{53, 1, 5, 255, 0, 0}), cut: 2},
		},
		want: []string{
			"BOOTP|[Packet size limited during capture]",
			"BOOTP|[Packet size limited during capture]",
			"BOOTP|Boot Request from 00:0c:29:5e:77:44 (VMware_5e:77:44)[Packet size limited during capture]",
			"DHCP|DHCP ACK      - Transaction ID 0x1234[Packet size limited during capture]",
		},
	},
}

func TestDHCP(t *testing.T) { runAppCases(t, dhcpCases) }
