package decode

import "strconv"

// LLC SAPs with special handling (llcsaps.h).
const (
	sapIP   = 0x06
	sapBPDU = 0x42
	sapSNAP = 0xaa
)

// SNAP OUIs with special handling (oui.h).
const (
	ouiEncapEther = 0x000000
	ouiCisco      = 0x00000c
	ouiCisco90    = 0x0000f8
	ouiIEEE8021   = 0x0080c2
)

// llcSAPNames is packet-llc.c's sap_vals, by the SAP with its low bit cleared.
var llcSAPNames = map[uint8]string{
	0x00: "NULL LSAP",
	0x02: "LLC Sub-Layer Management",
	0x04: "SNA Path Control",
	0x06: "TCP/IP",
	0x08: "SNA",
	0x0c: "SNA",
	0x0e: "PROWAY (IEC955) Network Management and Initialization",
	0x10: "NetWare (unofficial?)",
	0x14: "ISO Network Layer (OSLAN 1)",
	0x18: "Texas Instruments",
	0x20: "ISO Network Layer (unofficial?)",
	0x34: "ISO Network Layer (unofficial?)",
	0x42: "Spanning Tree BPDU",
	0x4e: "EIA RS-511 Manufacturing Message Service",
	0x54: "ISO Network Layer (OSLAN 2)",
	0x7e: "ISO 8208 (X.25 over 802.2)",
	0x80: "XNS",
	0x82: "BACnet",
	0x86: "Nestar",
	0x8e: "PROWAY (IEC955) Active Station List Maintenance",
	0x98: "ARP",
	0xaa: "SNAP",
	0xb4: "HP JetDirect Printer",
	0xba: "Banyan Vines",
	0xbc: "Banyan Vines",
	0xe0: "NetWare",
	0xf0: "NetBIOS",
	0xf4: "IBM Net Management",
	0xf8: "HP Extended LLC",
	0xfa: "Ungermann-Bass",
	0xfc: "Remote Program Load",
	0xfe: "ISO Network Layer",
}

// snapOUINames are the long vendor names (Wireshark's manuf file, third
// column) that LLC prints for the SNAP OUIs one meets in practice.
var snapOUINames = map[uint32]string{
	0x000000: "Officially Xerox, but 0:0:0:0:0:0 is more common",
	0x00000c: "Cisco Systems, Inc",
	0x0000f8: "Digital Equipment Corporation",
	0x0080c2: "IEEE",
	0x00e02b: "Extreme Networks Headquarters",
	0x080007: "Apple, Inc.",
	0x000142: "Cisco Systems, Inc",
	0x0019a7: "Itu-T",
	0x00e052: "Brocade Communications Systems LLC",
	0x000081: "Bay Networks",
	0x000fac: "Ieee 802.11",
	0x0050f2: "Microsoft Corp.",
	0x506f9a: "Wi-Fi Alliance",
}

// XDLC U-frame modifiers (xdlc.c), command and response forms.
var (
	xdlcUCommands = map[uint8]string{
		0x00: "UI", 0x20: "UP", 0x40: "DISC", 0x60: "UA", 0x80: "SNRM", 0xcc: "SNRME",
		0xe0: "TEST", 0x04: "SIM", 0x84: "FRMR", 0xc4: "CFGR", 0x0c: "SARM", 0x2c: "SABM",
		0x4c: "SARME", 0x6c: "SABME", 0x8c: "RESET", 0xac: "XID", 0xec: "BCN",
	}
	xdlcUResponses = map[uint8]string{
		0x00: "UI", 0x20: "UP", 0x40: "RD", 0x60: "UA", 0x80: "SNRM", 0xe0: "TEST",
		0x04: "RIM", 0x84: "FRMR", 0xc4: "CFGR", 0x0c: "DM", 0x2c: "SABM", 0x4c: "SARME",
		0x6c: "SABME", 0x8c: "RESET", 0xac: "XID", 0xcc: "SNRME", 0xec: "BCN",
	}
	xdlcSTypes = [4]string{"RR", "RNR", "REJ", "SREJ"}
)

const (
	xdlcUModifierMask = 0xec
	xdlcXID           = 0xac
)

// xdlcControl is dissect_xdlc_control for LLC (extended operation): it
// sets Info to the control field's summary and returns the control value
// and its length.
func xdlcControl(p *packet, t tvb, off int, isResponse bool) (control uint16, n int) {
	pf := func(set bool) string {
		switch {
		case !set:
			return ""
		case isResponse:
			return " F"
		}
		return " P"
	}
	var info string
	switch t.u8(off) & 0x03 {
	case 0x01: // supervisory
		control = t.le16(off)
		info = "S" + pf(control&0x0100 != 0) + ", func=" + xdlcSTypes[(control&0x0c)>>2] +
			", N(R)=" + strconv.Itoa(int(control>>9))
		n = 2
	case 0x03: // unnumbered
		control = uint16(t.u8(off))
		names := xdlcUCommands
		if isResponse {
			names = xdlcUResponses
		}
		name, ok := names[uint8(control)&xdlcUModifierMask]
		if !ok {
			name = "Unknown"
		}
		info = "U" + pf(control&0x10 != 0) + ", func=" + name
		n = 1
	default: // information
		control = t.le16(off)
		p := ""
		if control&0x0100 != 0 {
			p = " P"
		}
		info = "I" + p + ", N(R)=" + strconv.Itoa(int(control>>9)) + ", N(S)=" + strconv.Itoa(int(control&0xfe)>>1)
		n = 2
	}
	if !p.readOnly {
		p.info.set(info)
	}
	return control, n
}

// xdlcIsInformation is XDLC_IS_INFORMATION: I frames and UI frames.
func xdlcIsInformation(control uint16) bool {
	return control&0x01 == 0 || control&0xef == 0x03
}

// dissectLLC is IEEE 802.2 LLC (packet-llc.c).
func dissectLLC(p *packet, t tvb) {
	p.setProto("LLC")
	p.clearInfo()
	dsap := t.u8(0)
	ssap := t.u8(1)
	control, clen := xdlcControl(p, t, 2, ssap&0x01 != 0)
	hlen := 2 + clen
	if dsap == sapSNAP && ssap == sapSNAP {
		dissectSNAP(p, t, hlen, control)
		return
	}
	p.appendInfo("; DSAP " + llcSAPText(dsap) + " " + pick(dsap&0x01 != 0, "Group", "Individual") +
		", SSAP " + llcSAPText(ssap) + " " + pick(ssap&0x01 != 0, "Response", "Command"))
	if t.reportedRemaining(hlen) <= 0 {
		return
	}
	next := t.sub(hlen)
	switch {
	case xdlcIsInformation(control):
		switch dsap {
		case sapIP:
			dissectIP(p, next)
		case sapBPDU:
			dissectBPDU(p, next, false)
		}
	case control&(xdlcUModifierMask|0x03) == xdlcXID|0x03:
		if next.u8(0) == 0x81 {
			dissectBasicXID(p, next)
		}
	}
}

func llcSAPText(sap uint8) string {
	if name, ok := llcSAPNames[sap&0xfe]; ok {
		return name
	}
	return "0x" + string(appendHex(nil, uint64(sap&0xfe), 2))
}

// llcXIDTypes names the LLC classes an XID frame offers.
var llcXIDTypes = [8]string{
	1: "Type 1 LLC (Class I LLC)",
	2: "Type 2 LLC",
	3: "Type 1 and Type 2 LLCs (Class II LLC)",
	4: "Type 3 LLC",
	5: "Type 1 and Type 3 LLCs (Class III LLC)",
	6: "Type 2 and Type 3 LLCs",
	7: "Type 1 and Type 2 and Type 3 LLCs (Class IV LLC)",
}

// dissectBasicXID is an LLC XID frame in the basic format.
func dissectBasicXID(p *packet, t tvb) {
	p.setProto("XID")
	p.clearInfo()
	p.appendInfo("Basic Format")
	types := t.u8(1) & 0x1f
	if int(types) < len(llcXIDTypes) && llcXIDTypes[types] != "" {
		name := llcXIDTypes[types]
		p.appendInfo("; " + name)
	} else {
		p.appendInfo("; 0x" + string(appendHex(nil, uint64(types), 2)))
	}
	p.appendInfo("; Window Size " + strconv.Itoa(int(t.u8(2)&0xfe)>>1))
}

// dissectSNAP is the SNAP header after LLC AA-AA-03 (dissect_snap).
func dissectSNAP(p *packet, t tvb, off int, control uint16) {
	etype := t.u16(off + 3)
	oui := t.u24(off)
	if !p.readOnly {
		p.info.appendStr("; SNAP, OUI 0x")
		p.info.buf = appendHexUpper(p.info.buf, uint64(oui), 6)
		p.info.appendStr(" (")
		if name, ok := snapOUINames[oui]; ok {
			p.info.appendStr(name)
		} else if name, ok := lookupOUI(oui); ok {
			p.info.appendStr(name) // the short name; the long one is not in sniffws's table
		} else {
			p.info.appendStr("Unknown")
		}
		p.info.appendStr("), PID 0x")
		p.info.buf = appendHexUpper(p.info.buf, uint64(etype), 4)
	}
	info := xdlcIsInformation(control)
	switch oui {
	case ouiEncapEther, ouiCisco90:
		next := t.sub(off + 5)
		if info {
			dispatchEthertype(p, next, etype)
		}
	case ouiIEEE8021:
		switch etype {
		case 0x0001, 0x0007: // bridged Ethernet, with or without FCS
			next := t.sub(off + 5 + 2)
			if etype == 0x0001 {
				next = next.withoutFCS()
			}
			dissectEthernet(p, next)
		case 0x000e: // BPDU
			dissectBPDU(p, t.sub(off+5), false)
		default:
			t.sub(off + 5)
		}
	case ouiCisco:
		next := t.sub(off + 5)
		if !info {
			return
		}
		switch etype {
		case 0x2000:
			dissectCDP(p, next)
		case 0x010b: // PVST+
			dissectBPDU(p, next, true)
		}
	default:
		t.sub(off + 5)
	}
}

// withoutFCS drops the last four bytes (a trailing frame check sequence).
func (t tvb) withoutFCS() tvb {
	if t.reported < 4 {
		return t
	}
	return t.setLength(t.reported - 4)
}

// appendHexUpper appends v in upper-case hex, zero-padded to width digits.
func appendHexUpper(dst []byte, v uint64, width int) []byte {
	start := len(dst)
	dst = appendHex(dst, v, width)
	for i := start; i < len(dst); i++ {
		if c := dst[i]; c >= 'a' && c <= 'f' {
			dst[i] = c - 'a' + 'A'
		}
	}
	return dst
}
