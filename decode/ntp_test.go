package decode

import "testing"

func ntpPacket(flags byte) []byte {
	b := make([]byte, 48)
	b[0] = flags
	return b
}

var ntpCases = []appCase{
	{
		name:  "client and server",
		dgram: []testDatagram{{sport: 123, dport: 123, payload: ntpPacket(0x23)}, {sport: 123, dport: 123, reply: true, payload: ntpPacket(0x24)}},
		want:  []string{"NTP|NTP Version 4, client", "NTP|NTP Version 4, server"},
	},
	{
		name:  "reserved version, symmetric",
		dgram: []testDatagram{{sport: 123, dport: 123, payload: ntpPacket(0x39)}, {sport: 123, dport: 123, payload: ntpPacket(0x01)}},
		want:  []string{"NTP|reserved, symmetric active", "NTP|reserved, symmetric active"},
	},
	{
		name:  "private and control",
		dgram: []testDatagram{{sport: 40000, dport: 123, payload: []byte{0x17, 0x00, 0x03, 42, 0, 0, 0, 0}}, {sport: 123, dport: 40000, reply: true, payload: []byte{0x97, 0x00, 0x03, 99, 0, 0, 0, 0}}, {sport: 40000, dport: 123, payload: append([]byte{0x16, 2}, make([]byte, 10)...)}, {sport: 40000, dport: 123, payload: make([]byte, 12)}},
		want:  []string{"NTP|NTP Version 2, private, Request, MON_GETLIST_1", "NTP|NTP Version 2, private, Response, Unknown", "NTP|NTP Version 2, control", "NTP|reserved, reserved[Malformed Packet]"},
	},
	{
		name:  "short",
		dgram: []testDatagram{{sport: 123, dport: 123, payload: ntpPacket(0x1b)[:20]}},
		want:  []string{"NTP|NTP Version 3, client[Malformed Packet]"},
	},
}

func TestNTP(t *testing.T) { runAppCases(t, ntpCases) }
