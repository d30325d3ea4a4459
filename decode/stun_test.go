package decode

import "testing"

// stunMessage builds a STUN message with the RFC 5389 cookie.
func stunMessage(typ uint16, attrs ...[]byte) []byte {
	body := cat(attrs...)
	return cat(be16(typ), be16(uint16(len(body))), be32(0x2112a442), []byte("0123456789ab"), body)
}

func stunAttr(typ uint16, value []byte) []byte {
	a := cat(be16(typ), be16(uint16(len(value))), value)
	for len(a)%4 != 0 {
		a = append(a, 0)
	}
	return a
}

var stunCases = []appCase{
	{
		name: "binding over the heuristic, then ChannelData on the bound conversation",
		dgram: []testDatagram{
			{sport: 50000, dport: 50001, payload: stunMessage(0x0001, stunAttr(0x0006, []byte("alice:bob")), stunAttr(0x8028, be32(1)))},
			{sport: 50001, dport: 50000, reply: true, payload: stunMessage(0x0101, stunAttr(0x0020, []byte{0, 1, 0x1a ^ 0x21, 0x2b ^ 0x12, 192 ^ 0x21, 0 ^ 0x12, 2 ^ 0xa4, 1 ^ 0x42}))},
			{sport: 50000, dport: 50001, payload: cat(be16(0x4001), be16(4), []byte{1, 2, 3, 4})},
		},
		want: []string{
			"STUN|Binding Request user: alice:bob",
			"STUN|Binding Success Response XOR-MAPPED-ADDRESS: 192.0.2.1:6699",
			"STUN|ChannelData TURN Message",
		},
	},
	{
		name: "TURN allocate error and parameters",
		dgram: []testDatagram{
			{sport: 50000, dport: 3478, payload: stunMessage(0x0003, stunAttr(0x0019, []byte{17, 0, 0, 0}), stunAttr(0x000d, be32(600)))},
			{sport: 3478, dport: 50000, reply: true, payload: stunMessage(0x0113, stunAttr(0x0009, []byte{0, 0, 4, 1, 'U', 'n', 'a', 'u', 't', 'h'}), stunAttr(0x0014, []byte("example.org")), stunAttr(0x0015, []byte("n0nce")))},
		},
		want: []string{
			"STUN|Allocate Request UDP lifetime: 600",
			"STUN|Allocate Error Response error-code: 401 (Unauthenticated) Unauth realm: example.org with nonce",
		},
	},
	{
		name:  "classic STUN without the cookie, then neither",
		dgram: []testDatagram{{sport: 50000, dport: 50001, payload: cat(be16(1), be16(0), make([]byte, 16))}, {sport: 50000, dport: 50001, payload: cat(be16(0x0999), be16(0), make([]byte, 16))}},
		want:  []string{"CLASSIC-STUN|Message: Binding Request", "UDP|50000 → 50001 Len=20"},
	},
}

func TestSTUN(t *testing.T) { runAppCases(t, stunCases) }
