package decode

import (
	"math/bits"
	"strconv"
)

func init() {
	extraLinkTypes[LinkFDDI] = dissectFDDI
}

// dissectFDDI is packet-fddi.c for LINKTYPE_FDDI, which tshark reads as
// WTAP_ENCAP_FDDI_BITSWAPPED: each address byte is bit-reversed before it
// is shown. Only asynchronous LLC frames carry a payload it dissects.
func dissectFDDI(p *packet, t tvb) {
	p.setProto("FDDI")
	fc := t.u8(0)
	p.setInfo(fddiFCText(fc))
	p.dlDst, p.dlSrc = fddiAddr(t.bytes(1, 6)), fddiAddr(t.bytes(7, 6))
	p.setSrcDst(p.dlSrc, p.dlDst)
	next := t.sub(13)
	if fc&0xf0 == 0x50 { // async LLC, any priority
		dissectLLC(p, next)
	}
}

// fddiAddr is a MAC address with each byte's bits reversed.
func fddiAddr(b []byte) address {
	a := etherAddr(b)
	for i := 0; i < 6; i++ {
		a.b[i] = bits.Reverse8(a.b[i])
	}
	return a
}

// fddiFCText is fddifc_to_str: the frame control byte in words.
func fddiFCText(fc uint8) string {
	hexZ := func() string { return strconv.FormatUint(uint64(fc&0x0f), 16) }
	switch fc {
	case 0x00:
		return "Void frame"
	case 0x80:
		return "Nonrestricted token"
	case 0xc0:
		return "Restricted token"
	case 0x41:
		return "SMT info"
	case 0x4f:
		return "SMT Next station address"
	case 0xc2:
		return "MAC beacon"
	case 0xc3:
		return "MAC claim token"
	}
	switch fc & 0xf0 {
	case 0xc0:
		return "MAC frame, control " + hexZ()
	case 0x40:
		return "SMT frame, control " + hexZ()
	case 0x50:
		if fc&0x08 != 0 {
			return "Async LLC frame, control " + hexZ()
		}
		return "Async LLC frame, priority " + strconv.Itoa(int(fc&0x07))
	case 0xd0:
		if fc&0x0f != 0 {
			return "Sync LLC frame, control " + hexZ()
		}
		return "Sync LLC frame"
	case 0x60:
		return "Implementor async frame, control " + hexZ()
	case 0xe0:
		return "Implementor sync frame, control " + hexZ()
	}
	return "Unknown frame type"
}
