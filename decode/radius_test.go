package decode

import "testing"

func radiusPacket(code, id byte, auth byte, attrs []byte) []byte {
	b := cat([]byte{code, id}, be16(uint16(20+len(attrs))), make([]byte, 16), attrs)
	b[4] = auth
	return b
}

var radiusCases = []appCase{
	{
		name: "request, duplicate, challenge, duplicate response",
		dgram: []testDatagram{
			{sport: 40000, dport: 1812, payload: radiusPacket(1, 5, 1, []byte{1, 5, 'b', 'o', 'b'})},
			{sport: 40000, dport: 1812, payload: radiusPacket(1, 5, 1, []byte{1, 5, 'b', 'o', 'b'})},
			{sport: 1812, dport: 40000, reply: true, payload: radiusPacket(11, 5, 9, nil)},
			{sport: 1812, dport: 40000, reply: true, payload: radiusPacket(11, 5, 9, nil)},
			{sport: 40000, dport: 1812, payload: radiusPacket(1, 6, 2, nil)},
			{sport: 1812, dport: 40000, reply: true, payload: radiusPacket(2, 6, 3, nil)},
		},
		want: []string{
			"RADIUS|Access-Request id=5",
			"RADIUS|Access-Request id=5, Duplicate Request",
			"RADIUS|Access-Challenge id=5",
			"RADIUS|Access-Challenge id=5, Duplicate Response",
			"RADIUS|Access-Request id=6",
			"RADIUS|Access-Accept id=6",
		},
	},
	{
		name: "accounting and bad lengths",
		dgram: []testDatagram{
			{sport: 40000, dport: 1813, payload: radiusPacket(4, 1, 0, []byte{40, 6, 0, 0, 0, 1})},
			{sport: 40000, dport: 1813, payload: cat([]byte{4, 2}, be16(10), make([]byte, 16))},
			{sport: 40000, dport: 1813, payload: cat([]byte{5, 3}, be16(40), make([]byte, 16))},
		},
		want: []string{
			"RADIUS|Accounting-Request id=1",
			"UDP|40000 → 1813 Len=20",
			"RADIUS|Accounting-Response id=3[Malformed Packet]",
		},
	},
}

func TestRADIUS(t *testing.T) { runAppCases(t, radiusCases) }
