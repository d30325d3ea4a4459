package decode

import "strconv"

// LLDP TLV types (packet-lldp.c).
const (
	lldpEnd         = 0
	lldpChassisID   = 1
	lldpPortID      = 2
	lldpTTL         = 3
	lldpPortDesc    = 4
	lldpSystemName  = 5
	lldpSystemDesc  = 6
	lldpEthertype   = 0x88cc
	lldpMaxIDLength = 256
)

func init() {
	extraEthertypes[lldpEthertype] = dissectLLDP
}

// lldpTLV splits a TLV header word into type and length.
func lldpTLV(v uint16) (typ uint8, length int) { return uint8(v >> 9), int(v & 0x01ff) }

// dissectLLDP is the Link Layer Discovery Protocol: Info shows the
// chassis and port IDs, the TTL, and the system name and description.
func dissectLLDP(p *packet, t tvb) {
	p.setProto("LLDP")
	p.clearInfo()
	off := 0
	for i, step := range []func(p *packet, t tvb) int{lldpChassis, lldpPort, lldpTimeToLive} {
		_, l := lldpTLV(t.u16(off))
		n := step(p, t.subLen(off, l+2))
		if n < 0 {
			p.setInfo([...]string{"Invalid Chassis ID TLV", "Invalid Port ID TLV", "Invalid Time-to-Live TLV"}[i])
			return
		}
		off += n
	}
	for off < t.len() {
		typ, l := lldpTLV(t.u16(off))
		tlv := t.subLen(off, l+2)
		n := 0
		switch typ {
		case lldpChassisID:
			lldpChassis(p, tlv)
			p.setInfo("Duplicate Chassis ID TLV")
			n = -1
		case lldpPortID:
			lldpPort(p, tlv)
			p.setInfo("Duplicate Port ID TLV")
			n = -1
		case lldpTTL:
			lldpTimeToLive(p, tlv)
			p.setInfo("Duplicate Time-To-Live TLV")
			n = -1
		case lldpEnd:
			tlv.ensure(0, l+2)
			n = -1
		case lldpPortDesc:
			tlv.ensure(0, l+2)
			n = l + 2
		case lldpSystemName, lldpSystemDesc:
			s := stringzPad(tlv.bytes(2, l))
			tlv.ensure(0, l+2)
			if typ == lldpSystemName {
				p.appendInfo("SysN=")
			} else {
				p.appendInfo("SysD=")
			}
			p.appendInfoText(s)
			p.appendInfo(" ")
			n = l + 2
		default:
			tlv.ensure(0, l+2)
			n = l + 2
		}
		if n < 0 {
			return
		}
		off += n
	}
}

// lldpIDSubtypes says how a chassis or port ID shows for each subtype:
// its label and whether the id is text (else hex bytes). The MAC and
// network-address subtypes are handled on their own.
type lldpIDSubtypes struct {
	tlvType      uint8
	mac, address uint8
	labels       map[uint8]string
	hex          uint8 // the subtype shown as hex bytes
}

var (
	lldpChassisSubtypes = lldpIDSubtypes{
		tlvType: lldpChassisID, mac: 4, address: 5, hex: 3,
		labels: map[uint8]string{1: "CC", 2: "IA", 3: "PC", 6: "IN", 7: "LA"},
	}
	lldpPortSubtypes = lldpIDSubtypes{
		tlvType: lldpPortID, mac: 3, address: 4, hex: 2,
		labels: map[uint8]string{1: "IA", 2: "PC", 5: "IN", 6: "AC", 7: "LA"},
	}
)

func lldpChassis(p *packet, t tvb) int { return lldpID(p, t, &lldpChassisSubtypes) }

func lldpPort(p *packet, t tvb) int { return lldpID(p, t, &lldpPortSubtypes) }

// lldpID appends "XX/id " for a chassis or port ID; the id is text,
// hex bytes, a MAC or an address depending on the subtype.
func lldpID(p *packet, t tvb, st *lldpIDSubtypes) int {
	v := t.u16(0)
	typ, l := lldpTLV(v)
	if typ != st.tlvType {
		return -1
	}
	sub := t.u8(2)
	t.ensure(0, l+2)
	if l < 2 {
		return -1
	}
	var kind, id string
	switch sub {
	case st.mac:
		if l != 7 {
			return -1
		}
		kind, id = "MA", string(appendMAC(nil, t.bytes(3, 6)))
	case st.address:
		var ok bool
		if kind, id, ok = lldpNetworkAddress(t, l); !ok {
			return -1
		}
	default:
		if l > lldpMaxIDLength {
			return -1
		}
		label, known := st.labels[sub]
		switch {
		case !known:
			kind, id = "Rs", "Reserved"
		case sub == st.hex:
			kind, id = label, lldpBytes(t, 3, l-1)
		default:
			kind, id = label, lldpText(t, l-1)
		}
		t.ensure(3, l-1)
	}
	p.appendInfo(kind + "/" + id + " ")
	return l + 2
}

// lldpNetworkAddress is the "NA" subtype: an address family and address.
func lldpNetworkAddress(t tvb, l int) (kind, id string, ok bool) {
	family := t.u8(3)
	switch family {
	case 1:
		if l != 6 {
			return "", "", false
		}
		return "NA", string(appendIPv4(nil, t.bytes(4, 4))), true
	case 2:
		if l != 18 {
			return "", "", false
		}
		return "NA", string(appendIPv6(nil, t.bytes(4, 16))), true
	}
	id = lldpBytes(t, 4, l-2)
	t.ensure(4, l-2)
	return "NA", id, true
}

func lldpTimeToLive(p *packet, t tvb) int {
	typ, l := lldpTLV(t.u16(0))
	if typ != lldpTTL {
		return -1
	}
	ttl := t.u16(2)
	p.appendInfo(strconv.Itoa(int(ttl)) + " ")
	t.ensure(0, l+2)
	return 4
}

// lldpText is tvb_format_stringzpad at offset 3.
func lldpText(t tvb, n int) string {
	return string(appendFormatText(nil, stringzPad(t.bytes(3, n)), false))
}

// lldpBytes is tvb_bytes_to_str: hex, at most 36 bytes and an ellipsis.
func lldpBytes(t tvb, off, n int) string {
	b := t.bytes(off, n)
	var out []byte
	for i, c := range b {
		if i == 36 {
			out = append(out, "…"...)
			break
		}
		out = append(out, hexDigits[c>>4], hexDigits[c&0xf])
	}
	return string(out)
}
