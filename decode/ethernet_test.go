package decode

import (
	"encoding/binary"
	"testing"
)

func TestLinkLayers(t *testing.T) {
	ip := testIPv4(1, "10.0.0.1", "10.0.0.2", 64, testICMP(8, 0, [4]byte{0, 5, 0, 5}, nil))
	echo := testRow{"10.0.0.1", "10.0.0.2", "ICMP", "Echo (ping) request  id=0x0005, seq=5/1280, ttl=64"}
	vlan := func(tci, etype uint16, payload []byte) []byte {
		b := binary.BigEndian.AppendUint16(nil, tci)
		return append(binary.BigEndian.AppendUint16(b, etype), payload...)
	}
	sll := func(pkttype, proto uint16, payload []byte) []byte {
		b := []byte{byte(pkttype >> 8), byte(pkttype), 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 1, 0, 0, byte(proto >> 8), byte(proto)}
		return append(b, payload...)
	}
	le32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	cases := []struct {
		name  string
		link  LinkType
		frame []byte
		want  testRow
	}{
		{"VLAN", LinkEthernet, testEther(0x8100, vlan(0x2005, 0x0800, ip)), echo},
		{"VLAN unknown type", LinkEthernet, testEther(0x8100, vlan(0x0005, 0x1234, make([]byte, 30))),
			testRow{"02:00:00:00:00:01", "02:00:00:00:00:02", "0x1234", "PRI: 0  DEI: 0  ID: 5"}},
		{"unknown Ethernet type", LinkEthernet, testEther(0x88b5, make([]byte, 46)),
			testRow{"02:00:00:00:00:01", "02:00:00:00:00:02", "0x88b5", "Local Experimental Ethertype 1"}},
		{"invalid length/type", LinkEthernet, testEther(0x05ef, make([]byte, 46)),
			testRow{"02:00:00:00:00:01", "02:00:00:00:00:02", "Ethernet", "Ethernet Unknown: Invalid length/type: 0x05ef (1519)"}},
		{"short frame", LinkEthernet, testEther(0x0800, nil)[:13],
			testRow{"02:00:00:00:00:01", "02:00:00:00:00:02", "Ethernet", "[Malformed Packet]"}},
		{"loop reply", LinkEthernet, testEther(0x9000, append([]byte{0, 0, 1, 0}, make([]byte, 42)...)),
			testRow{"02:00:00:00:00:01", "02:00:00:00:00:02", "LOOP", "Reply"}},
		{"SLL", LinkLinuxSLL, sll(4, 0x0800, ip), echo},
		{"SLL unknown type", LinkLinuxSLL, sll(7, 0x1234, make([]byte, 10)),
			testRow{"02:00:00:00:00:01", "", "0x1234", "Unknown (7)"}},
		{"null IPv4", LinkNull, append(le32(2), ip...), echo},
		{"null unknown family", LinkNull, append(le32(99), make([]byte, 10)...),
			testRow{"N/A", "N/A", "N/A", "Null/Loopback"}},
		{"raw, not IP", LinkRaw, append([]byte{0x55}, make([]byte, 19)...),
			testRow{"N/A", "N/A", "N/A", "Raw packet data"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := decodeTestFrames(t, c.link, c.frame)[0]
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}
