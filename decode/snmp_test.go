package decode

import (
	"strconv"
	"strings"
	"testing"
)

// tlv encodes one BER element (definite length).
func tlv(tag byte, parts ...[]byte) []byte {
	body := cat(parts...)
	n := len(body)
	switch {
	case n < 0x80:
		return cat([]byte{tag, byte(n)}, body)
	case n < 0x100:
		return cat([]byte{tag, 0x81, byte(n)}, body)
	default:
		return cat([]byte{tag, 0x82, byte(n >> 8), byte(n)}, body)
	}
}

// berOID encodes a dotted OID's contents.
func berOID(s string) []byte {
	var arcs []uint64
	for _, a := range strings.Split(s, ".") {
		v, _ := strconv.ParseUint(a, 10, 32)
		arcs = append(arcs, v)
	}
	out := []byte{byte(arcs[0]*40 + arcs[1])}
	for _, a := range arcs[2:] {
		var tmp []byte
		for tmp = []byte{byte(a & 0x7f)}; a >= 0x80; {
			a >>= 7
			tmp = append([]byte{byte(a&0x7f) | 0x80}, tmp...)
		}
		out = append(out, tmp...)
	}
	return out
}

func snmpVarBind(oid string, value []byte) []byte { return tlv(0x30, tlv(0x06, berOID(oid)), value) }

// snmpV1 wraps a PDU in a v1/v2c message with community "public".
func snmpMessage(version byte, pdu []byte) []byte {
	return tlv(0x30, tlv(0x02, []byte{version}), tlv(0x04, []byte("public")), pdu)
}

func snmpPDU(tag byte, binds ...[]byte) []byte {
	return tlv(tag, tlv(0x02, []byte{1}), tlv(0x02, []byte{0}), tlv(0x02, []byte{0}), tlv(0x30, binds...))
}

var snmpNull = []byte{0x05, 0}

var snmpCases = []appCase{
	{
		name: "get-request and get-response",
		dgram: []testDatagram{
			{sport: 40000, dport: 161, payload: snmpMessage(1, snmpPDU(0xa0, snmpVarBind("1.3.6.1.2.1.1.5.0", snmpNull), snmpVarBind("1.3.6.1.2.1.1.6.0", snmpNull)))},
			{sport: 161, dport: 40000, reply: true, payload: snmpMessage(1, snmpPDU(0xa2, snmpVarBind("1.3.6.1.2.1.1.5.0", tlv(0x04, []byte("host"))), snmpVarBind("1.3.6.1.2.1.1.3.0", tlv(0x43, []byte{1, 2, 3}))))},
		},
		want: []string{"SNMP|get-request 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.6.0", "SNMP|get-response 1.3.6.1.2.1.1.5.0 1.3.6.1.2.1.1.3.0"},
	},
	{
		name: "names from the OID registry",
		dgram: []testDatagram{
			{sport: 40000, dport: 161, payload: snmpMessage(0, snmpPDU(0xa1, snmpVarBind("0.1", snmpNull), snmpVarBind("2.5.4.3", snmpNull), snmpVarBind("2.5.4.3.7", snmpNull)))},
		},
		want: []string{"SNMP|get-next-request itu-t.1 id-at-commonName id-at-commonName.7"},
	},
	{
		name: "v1 trap and bulk request",
		dgram: []testDatagram{
			{sport: 40000, dport: 162, payload: snmpMessage(0, tlv(0xa4, tlv(0x06, berOID("1.3.6.1.4.1.31337.0")), tlv(0x40, []byte{10, 0, 0, 1}), tlv(0x02, []byte{6}), tlv(0x02, []byte{1}), tlv(0x43, []byte{5}), tlv(0x30, snmpVarBind("1.3.6.1.2.1.2.1.0", tlv(0x02, []byte{3})))))},
			{sport: 40000, dport: 161, payload: snmpMessage(1, snmpPDU(0xa5, snmpVarBind("1.3.6.1.2.1.1.5.0", snmpNull)))},
		},
		want: []string{"SNMP|trap iso.3.6.1.4.1.31337.0 1.3.6.1.2.1.2.1.0", "SNMP|getBulkRequest 1.3.6.1.2.1.1.5.0"},
	},
	{
		name: "v3 plaintext report and encrypted",
		dgram: []testDatagram{
			{sport: 161, dport: 40000, payload: tlv(0x30, tlv(0x02, []byte{3}), tlv(0x30, tlv(0x02, []byte{1}), tlv(0x02, []byte{0x05, 0xdc}), tlv(0x04, []byte{0}), tlv(0x02, []byte{3})), tlv(0x04, tlv(0x30, tlv(0x04), tlv(0x02, []byte{0}), tlv(0x02, []byte{0}), tlv(0x04), tlv(0x04), tlv(0x04))), tlv(0x30, tlv(0x04), tlv(0x04), snmpPDU(0xa8, snmpVarBind("1.3.6.1.6.3.15.1.1.4.0", tlv(0x41, []byte{1})))))},
			{sport: 40000, dport: 161, payload: tlv(0x30, tlv(0x02, []byte{3}), tlv(0x30, tlv(0x02, []byte{1}), tlv(0x02, []byte{0x05, 0xdc}), tlv(0x04, []byte{7}), tlv(0x02, []byte{3})), tlv(0x04, tlv(0x30, tlv(0x04, []byte{1, 2}), tlv(0x02, []byte{0}), tlv(0x02, []byte{0}), tlv(0x04, []byte("u")), tlv(0x04, make([]byte, 12)), tlv(0x04, make([]byte, 8)))), tlv(0x04, make([]byte, 20)))},
		},
		want: []string{"SNMP|report 1.3.6.1.6.3.15.1.1.4.0", "SNMP|encryptedPDU: privKey Unknown"},
	},
	{
		name: "not SNMP and unknown version",
		dgram: []testDatagram{
			{sport: 40000, dport: 161, payload: []byte("hello")},
			{sport: 40000, dport: 161, payload: snmpMessage(9, snmpPDU(0xa0))},
		},
		want: []string{"UDP|40000 → 161 Len=5", "SNMP|40000 → 161 Len=26"},
	},
	{
		name: "truncated varbind list",
		dgram: []testDatagram{
			{sport: 40000, dport: 161, payload: snmpMessage(1, tlv(0xa0, tlv(0x02, []byte{1}), tlv(0x02, []byte{0}), tlv(0x02, []byte{0}), []byte{0x30, 0x20}, snmpVarBind("1.3.6.1.2.1.1.5.0", snmpNull)))},
		},
		want: []string{"SNMP|[Malformed Packet]"},
	},
	{
		// The version is first read without an item (a long integer is
		// skipped), so Protocol is set before the message item raises.
		name: "over-long version cut",
		dgram: []testDatagram{
			{sport: 40000, dport: 161, payload: tlv(0x30, tlv(0x02, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})), cut: 6},
		},
		want: []string{"SNMP|40000 → 161 Len=14[Packet size limited during capture]"},
	},
}

func TestSNMP(t *testing.T) { runAppCases(t, snmpCases) }

func TestOIDDecode(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want string
		ok   bool
	}{
		{name: "common", in: berOID("1.3.6.1.2.1"), want: "1.3.6.1.2.1", ok: true},
		{name: "first arc 2", in: []byte{0x88, 0x37, 1}, want: "2.999.1", ok: true},
		{name: "empty", in: nil, want: "0", ok: true},
		{name: "unterminated tail ignored", in: []byte{0x2b, 6, 0x81}, want: "1.3.6", ok: true},
		{name: "arc over 32 bits", in: []byte{0x2b, 0x90, 0x80, 0x80, 0x80, 0}, ok: false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			arcs, ok := oidDecode(c.in, nil)
			if ok != c.ok {
				t.Fatalf("ok = %v, want %v", ok, c.ok)
			}
			if ok {
				if got := string(appendOIDNumeric(nil, arcs)); got != c.want {
					t.Errorf("got %q, want %q", got, c.want)
				}
			}
		})
	}
}
