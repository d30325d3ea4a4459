package decode

import (
	"strconv"
	"unicode/utf8"
)

// 802.11 frame types and the subtypes handled specially
// (packet-ieee80211.h; a subtype key is type<<4 | subtype).
const (
	wlanMgt       = 0
	wlanControl   = 1
	wlanData      = 2
	wlanExtension = 3

	wlanAssocReq    = 0x00
	wlanAssocResp   = 0x01
	wlanReassocReq  = 0x02
	wlanReassocResp = 0x03
	wlanProbeReq    = 0x04
	wlanProbeResp   = 0x05
	wlanMeasPilot   = 0x06
	wlanBeacon      = 0x08
	wlanATIM        = 0x09
	wlanDisassoc    = 0x0a
	wlanAuth        = 0x0b
	wlanDeauth      = 0x0c
	wlanAction      = 0x0d
	wlanActionNoAck = 0x0e

	wlanTrigger     = 0x12
	wlanTACK        = 0x13
	wlanBeamRptPoll = 0x14
	wlanVHTNDPAnnc  = 0x15
	wlanCtrlWrapper = 0x17
	wlanBlockAckReq = 0x18
	wlanBlockAck    = 0x19
	wlanPSPoll      = 0x1a
	wlanRTS         = 0x1b
	wlanCTS         = 0x1c
	wlanAck         = 0x1d
	wlanCFEnd       = 0x1e
	wlanCFEndAck    = 0x1f
	wlanPoll        = 0x162
	wlanSPR         = 0x163
	wlanGrant       = 0x164
	wlanDMGCTS      = 0x165
	wlanDMGDTS      = 0x166
	wlanGrantAck    = 0x167
	wlanSSW         = 0x168
	wlanSSWFeedback = 0x169
	wlanSSWAck      = 0x16a

	wlanS1GBeacon = 0x31

	wlanFlagToDS      = 0x01
	wlanFlagFromDS    = 0x02
	wlanFlagMoreFrags = 0x04
	wlanFlagProtected = 0x40
	wlanFlagOrder     = 0x80
)

var wlanFrameNames = map[int]string{
	0x00: "Association Request", 0x01: "Association Response", 0x02: "Reassociation Request",
	0x03: "Reassociation Response", 0x04: "Probe Request", 0x05: "Probe Response",
	0x06: "Measurement Pilot", 0x08: "Beacon frame", 0x09: "ATIM", 0x0a: "Disassociate",
	0x0b: "Authentication", 0x0c: "Deauthentication", 0x0d: "Action", 0x0e: "Action No Ack",
	0x0f: "Aruba Management",
	0x12: "Trigger", 0x14: "Beamforming Report Poll", 0x15: "VHT/HE NDP Announcement",
	0x17: "Control Wrapper", 0x18: "802.11 Block Ack Req", 0x19: "802.11 Block Ack",
	0x1a: "Power-Save poll", 0x1b: "Request-to-send", 0x1c: "Clear-to-send",
	0x1d: "Acknowledgement", 0x1e: "CF-End (Control-frame)", 0x1f: "CF-End + CF-Ack (Control-frame)",
	0x20: "Data", 0x21: "Data + CF-Ack", 0x22: "Data + CF-Poll", 0x23: "Data + CF-Ack + CF-Poll",
	0x24: "Null function (No data)", 0x25: "Acknowledgement (No data)", 0x26: "CF-Poll (No data)",
	0x27: "CF-Ack/Poll (No data)", 0x28: "QoS Data", 0x29: "QoS Data + CF-Acknowledgment",
	0x2a: "QoS Data + CF-Poll", 0x2b: "QoS Data + CF-Ack + CF-Poll", 0x2c: "QoS Null function (No data)",
	0x2e: "QoS CF-Poll (No Data)", 0x2f: "QoS CF-Ack + CF-Poll (No data)",
	0x30: "DMG Beacon", 0x31: "S1G Beacon",
	0x162: "Poll", 0x163: "Service Period Request", 0x164: "Grant", 0x165: "DMG Clear-to-send",
	0x166: "DMG Denial-to-send", 0x167: "Grant Acknowledgment", 0x168: "Sector Sweep",
	0x169: "Sector Sweep Feedback", 0x16a: "Sector Sweep Acknowledgment",
}

// wlanRoles are the labels tshark appends to the addresses of control
// frames, which have no source/destination in the Ethernet sense.
var wlanRoles = [...]string{"RA", "TA", "BSSID", "SA"}

const (
	wlanRoleRA = iota
	wlanRoleTA
	wlanRoleBSSID
	wlanRoleSA
	// wlanRoleNA marks the fixed text "N/A" (naAddress), no MAC.
	wlanRoleNA
)

// wlanRoleAddress is an address shown as "Name (aa:bb:cc:dd:ee:ff) (RA)",
// which is how set_src_addr_cols/set_dst_addr_cols fill the columns.
func wlanRoleAddress(mac []byte, role int) address {
	a := etherAddr(mac)
	a.typ = addrText
	a.b[6] = byte(role)
	return a
}

// appendRoleAddress prints an addrText address: one made by
// wlanRoleAddress, or naAddress.
func (d *Decoder) appendRoleAddress(dst []byte, a address) []byte {
	if a.b[6] == wlanRoleNA {
		return append(dst, "N/A"...)
	}
	dst = d.names.appendEther(dst, a.mac())
	dst = append(dst, " ("...)
	dst = appendMAC(dst, a.b[:6])
	dst = append(dst, ") ("...)
	if int(a.b[6]) < len(wlanRoles) {
		dst = append(dst, wlanRoles[a.b[6]]...)
	}
	return append(dst, ')')
}

// wlanFrameKey is COMPOSE_FRAME_TYPE: type<<4 | subtype, with the control
// frame extension folded in.
func wlanFrameKey(fcf uint16) int {
	typ, sub := int(fcf>>2&3), int(fcf>>4&0xf)
	if typ == wlanControl && sub == 6 {
		return int(fcf&0x0c)<<6 + int(fcf&0xf0) + int(fcf&0xf00)>>8
	}
	return typ<<4 + sub
}

// wlanFlags is FCF_FLAGS.
func wlanFlags(fcf uint16) uint8 {
	if fcf>>2&3 == wlanControl && fcf>>4&0xf == 6 {
		return uint8(fcf >> 12)
	}
	return uint8(fcf >> 8)
}

// dissectIEEE80211 is packet-ieee80211.c's dissect_ieee80211_common with
// default preferences (no FCS unless the radio header says so, no
// decryption keys, reassembly of fragments).
func dissectIEEE80211(p *packet, t tvb, radio wlanRadio) {
	p.setProto("802.11")
	p.clearInfo()
	fcf := t.le16(0)
	if pv := fcf & 3; pv != 0 {
		p.setInfo("Unknown protocol version: " + strconv.Itoa(int(pv)))
		return
	}
	key := wlanFrameKey(fcf)
	ftype := int(fcf >> 2 & 3)
	name, ok := wlanFrameNames[key]
	if !ok {
		name = "Unrecognized (Reserved frame)"
	}
	p.setInfo(name)
	flags := wlanFlags(fcf)
	var flagText [9]byte
	for i := 0; i < 8; i++ {
		flagText[i] = "opmPRMFTC"[i]
		if flags&(0x80>>i) == 0 {
			flagText[i] = '.'
		}
	}
	flagText[8] = 'C'

	// Header length, as the dissector computes it before reading addresses.
	hdrLen := 4
	htc := false
	var qos uint16
	isQoS := ftype == wlanData && key&0x08 != 0
	switch ftype {
	case wlanMgt:
		hdrLen = 24
		if flags&wlanFlagOrder != 0 {
			hdrLen += 4
			htc = true
		}
	case wlanControl:
		base, cw := 0, key
		if key == wlanCtrlWrapper {
			base, cw = 6, wlanFrameKey(t.le16(10))
		}
		switch cw {
		case wlanTrigger:
			base = 16
		case wlanTACK:
			base = 22
		case wlanBeamRptPoll:
			base += 17
		case wlanVHTNDPAnnc:
			base += 19
		case wlanCTS, wlanAck:
			base += 10
		case wlanPoll:
			base += 18
		case wlanSPR, wlanGrant, wlanGrantAck:
			base += 23
		case wlanDMGCTS:
			base += 16
		case wlanDMGDTS, wlanSSW:
			base += 22
		case wlanSSWFeedback, wlanSSWAck:
			base += 24
		case wlanRTS, wlanPSPoll, wlanCFEnd, wlanCFEndAck, wlanBlockAckReq, wlanBlockAck:
			base += 16
		default:
			base += 4
		}
		hdrLen = base
	case wlanData:
		hdrLen = 24
		if flags&(wlanFlagToDS|wlanFlagFromDS) == wlanFlagToDS|wlanFlagFromDS {
			hdrLen = 30
		}
		if isQoS {
			qos = t.le16(hdrLen)
			hdrLen += 2
			if flags&wlanFlagOrder != 0 {
				hdrLen += 4
				htc = true
			}
		}
	case wlanExtension:
		hdrLen = 10
	}
	_ = htc
	if radio.dataPad {
		hdrLen = (hdrLen + 3) &^ 3
	}
	if ftype == wlanData && t.has(hdrLen, 1) {
		hdrLen += wlanMeshControlLength(t, fcf, flags, hdrLen, isQoS, qos)
	}

	t.ensure(0, 4)  // frame control, duration
	t.ensure(4, 6)  // address 1
	seqControl := 0 // management and data frames only
	isAMSDU := false
	switch ftype {
	case wlanMgt:
		p.dlSrc, p.dlDst = etherAddr(t.bytes(10, 6)), etherAddr(t.bytes(4, 6))
		p.setSrcDst(p.dlSrc, p.dlDst)
		t.ensure(16, 6)
		seqControl = int(t.le16(22))
		p.wlanAppendSequence(seqControl)
	case wlanControl:
		wlanControlAddresses(p, t, key)
	case wlanData:
		if isQoS && key&0x04 == 0 && qos&0x0080 != 0 {
			isAMSDU = true
		}
		srcOff, dstOff := 10, 4
		switch flags & (wlanFlagToDS | wlanFlagFromDS) {
		case wlanFlagFromDS:
			srcOff = 16
			if isAMSDU {
				srcOff = 0
			}
		case wlanFlagToDS:
			dstOff = 16
			if isAMSDU {
				dstOff = 0
			}
		case wlanFlagToDS | wlanFlagFromDS:
			srcOff, dstOff = 24, 16
			if isAMSDU {
				srcOff, dstOff = 10, 4
			}
		}
		if srcOff != 0 {
			p.dlSrc = etherAddr(t.bytes(srcOff, 6))
			p.src = p.dlSrc
		}
		if dstOff != 0 {
			p.dlDst = etherAddr(t.bytes(dstOff, 6))
			p.dst = p.dlDst
		}
		t.ensure(10, 6)
		seqControl = int(t.le16(22))
		p.wlanAppendSequence(seqControl)
	case wlanExtension:
		switch key {
		case 0x30: // DMG beacon
			p.dst = wlanRoleAddress(t.bytes(4, 6), wlanRoleBSSID)
		case wlanS1GBeacon:
			p.src = wlanRoleAddress(t.bytes(4, 6), wlanRoleSA)
		}
	}

	// The FCS, when there is one, is not part of the body.
	capLen := max(t.len()-hdrLen, 0)
	repLen := t.reportedRemaining(hdrLen)
	if radio.fcsLen == 4 {
		switch {
		case repLen < 4:
		case capLen < repLen:
			repLen -= 4
			capLen = min(capLen, repLen)
		default:
			capLen -= 4
			repLen -= 4
		}
		p.appendInfo(", Flags=")
		p.appendInfoBytes(flagText[:])
	} else {
		p.appendInfo(", Flags=")
		p.appendInfoBytes(flagText[:8])
	}

	switch ftype {
	case wlanControl:
		return
	case wlanData:
		if key&0x04 != 0 { // no data
			return
		}
	case wlanMgt, wlanExtension:
	default:
		return
	}

	if flags&wlanFlagProtected != 0 && key != wlanS1GBeacon {
		// Encrypted and no keys: the payload stays data. Only the reads
		// of the security header may fail.
		keyByte := t.u8(hdrLen + 3)
		if keyByte&0x20 != 0 && capLen >= 8 {
			t.ensure(hdrLen, 8)
		} else {
			t.ensure(hdrLen, 3)
		}
		return
	}

	seq, frag := seqControl>>4, seqControl&0xf
	more := flags&wlanFlagMoreFrags != 0
	var body tvb
	if more || frag != 0 {
		whole, ok := p.d.state.wlanFrags.add(p, t, hdrLen, capLen, repLen, seq, frag, more)
		if !ok {
			p.setInfo("Fragmented IEEE 802.11 frame")
			return
		}
		body = whole
	} else {
		body = t.subCap(hdrLen, capLen, repLen)
	}

	switch ftype {
	case wlanMgt:
		wlanManagement(p, body, key)
	case wlanData:
		if isAMSDU && body.reportedRemaining(0) > 4 {
			wlanAMSDU(p, body)
			return
		}
		wlanDataPayload(p, body, seqControl)
	}
}

// wlanAppendSequence appends ", SN=n, FN=n" from the sequence control.
func (p *packet) wlanAppendSequence(seqControl int) {
	p.appendInfo(", SN=")
	p.appendInfoUint(uint64(seqControl >> 4))
	p.appendInfo(", FN=")
	p.appendInfoUint(uint64(seqControl & 0xf))
}

// wlanMeshControlLength guesses whether a mesh control field follows the
// data header, as the dissector's heuristics do.
func wlanMeshControlLength(t tvb, fcf uint16, flags uint8, off int, isQoS bool, qos uint16) int {
	meshFlags := t.u8(off)
	n := 6 + 6*int(meshFlags&3)
	ds := flags & (wlanFlagToDS | wlanFlagFromDS)
	legal := (ds == wlanFlagToDS|wlanFlagFromDS || ds == wlanFlagFromDS) && meshFlags&^3 == 0 && meshFlags&3 != 3
	if t.has(off, n+2) {
		if legal && t.le16(off+n) == 0xaaaa {
			return n
		}
		return 0
	}
	if isQoS && legal && qos&0x0100 != 0 {
		return n
	}
	return 0
}

// wlanControlAddresses fills the columns of a control frame: the receiver
// as Destination and, for most subtypes, the transmitter as Source, each
// labelled with its role.
func wlanControlAddresses(p *packet, t tvb, key int) {
	sub, off := key, 10
	if key == wlanCtrlWrapper {
		sub = wlanFrameKey(t.le16(10))
	}
	role := wlanRoleRA
	if sub == wlanPSPoll {
		role = wlanRoleBSSID
	}
	p.dst = wlanRoleAddress(t.bytes(4, 6), role)
	if key == wlanCtrlWrapper {
		t.ensure(10, 6)
		off += 6
	}
	switch sub {
	case wlanPSPoll, wlanCFEndAck, wlanTrigger, wlanTACK, wlanBeamRptPoll, wlanVHTNDPAnnc,
		wlanGrantAck, wlanSSW, wlanSSWFeedback, wlanSSWAck, wlanDMGCTS, wlanGrant, wlanSPR, wlanPoll, wlanRTS:
		p.src = wlanRoleAddress(t.bytes(off, 6), wlanRoleTA)
	case wlanCFEnd:
		p.src = wlanRoleAddress(t.bytes(off, 6), wlanRoleBSSID)
	case wlanBlockAckReq, wlanBlockAck:
		p.src = wlanRoleAddress(t.bytes(off, 6), wlanRoleTA)
		wlanBlockAckBody(t, off+6, sub == wlanBlockAckReq)
	}
}

// wlanBlockAckBody reads a Block Ack (Request) body as far as the common
// variants go, for the reads that may fail.
func wlanBlockAckBody(t tvb, off int, isReq bool) {
	control := t.le16(off)
	off += 2
	switch control & 0x1e >> 1 {
	case 0: // basic
		t.ensure(off, 2)
		if !isReq {
			t.ensure(off+2, 128)
		}
	case 2: // compressed
		ssc := t.le16(off)
		t.ensure(off, 2)
		if !isReq {
			switch frag := ssc & 0x0f; {
			case frag&0x06 == 0:
				t.ensure(off+2, 8)
			case frag&0x06>>1 == 2:
				t.ensure(off+2, 32)
			}
		}
	}
}

// wlanManagement is dissect_ieee80211_mgt: the fixed fields, of which the
// beacon interval reaches Info, then the tagged parameters.
func wlanManagement(p *packet, t tvb, key int) {
	fixed := 0
	switch key {
	case wlanProbeReq:
	case wlanAssocReq:
		fixed = 4
	case wlanAssocResp, wlanReassocResp:
		fixed = 6
	case wlanReassocReq:
		fixed = 10
	case wlanProbeResp, wlanBeacon:
		t.ensure(0, 8)
		p.appendInfo(", BI=" + strconv.Itoa(int(t.le16(8))))
		t.ensure(10, 2)
		fixed = 12
	case wlanMeasPilot:
		t.ensure(0, 9) // timestamp, pilot interval
		p.appendInfo(", BI=" + strconv.Itoa(int(t.le16(9))))
		fixed = 20 // then capabilities, country, three powers, noise floor
	case wlanDisassoc, wlanDeauth:
		t.ensure(0, 2)
		if t.reportedRemaining(2) <= 0 {
			return
		}
		fixed = 2
	case wlanAuth:
		t.ensure(0, 6)
		fixed = 6
		if t.reportedRemaining(6) <= 0 {
			return
		}
	case wlanAction, wlanActionNoAck:
		fixed = wlanActionFixed(p, t)
		if t.reportedRemaining(fixed) <= 0 {
			return
		}
	case wlanATIM:
		return
	default:
		return
	}
	if fixed > 0 {
		t.ensure(0, fixed)
	}
	wlanTaggedParameters(p, t, fixed, t.reportedRemaining(fixed))
}

// wlanActionFixed reads the fixed fields of the common action frames;
// Block Ack and spectrum management requests carry a dialog token that
// reaches Info.
func wlanActionFixed(p *packet, t tvb) int {
	category := t.u8(0) & 0x7f
	switch category {
	case 0: // spectrum management
		switch t.u8(1) {
		case 0, 1, 2, 3:
			p.appendInfo(", Dialog Token=" + strconv.Itoa(int(t.u8(2))))
			return 3
		}
		return 2
	case 3: // block ack
		switch t.u8(1) {
		case 0, 0x80, 0x82: // ADDBA request
			t.ensure(0, 2)
			p.appendInfo(", Dialog Token=" + strconv.Itoa(int(t.u8(2))))
			t.ensure(3, 6)
			return 9
		case 1, 0x81, 0x83: // ADDBA response
			t.ensure(0, 2)
			p.appendInfo(", Dialog Token=" + strconv.Itoa(int(t.u8(2))))
			t.ensure(3, 6)
			return 9
		case 2, 0x84: // DELBA
			t.ensure(0, 6)
			return 6
		}
		return 0
	}
	t.ensure(0, 1)
	return 1
}

// wlanTaggedParameters walks the information elements; the first SSID
// reaches Info.
func wlanTaggedParameters(p *packet, t tvb, off, length int) {
	seenSSID := false
	for length > 0 {
		tag := t.u8(off)
		tagLen := int(t.u8(off + 1))
		// The element is dissected in a buffer of the length it claims,
		// so reading one that runs past the body is a contained-length
		// error. Its tree item alone (FT_NONE) never fails.
		elem := t.subLen(off+2, tagLen)
		if tag == 0 && !seenSSID {
			seenSSID = true
			wlanSSID(p, elem)
		} else {
			elem.ensure(0, tagLen)
		}
		n := tagLen + 2
		if n > length {
			n = length
		}
		off += n
		length -= n
	}
}

// wlanSSID is ieee80211_tag_ssid's Info text: the SSID quoted when it is
// printable UTF-8, in hex otherwise, or the wildcard.
func wlanSSID(p *packet, t tvb) {
	ssid := t.bytes(0, t.reported)
	if len(ssid) == 0 {
		p.appendInfo(", SSID=Wildcard (Broadcast)")
		return
	}
	if p.readOnly {
		return
	}
	p.info.appendStr(", SSID=")
	if isPrintableUTF8(ssid) {
		p.info.appendStr("\"")
		p.info.appendBytes(ssid)
		p.info.appendStr("\"")
		return
	}
	p.scratch = p.scratch[:0]
	for i, c := range ssid {
		if i == 36 {
			p.scratch = append(p.scratch, "…"...)
			break
		}
		p.scratch = append(p.scratch, hexDigits[c>>4], hexDigits[c&0xf])
	}
	p.info.appendBytes(p.scratch)
}

// isPrintableUTF8 is isprint_utf8_string: valid UTF-8 of printable runes.
func isPrintableUTF8(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if !isPrintRune(r) {
			return false
		}
	}
	return true
}

// wlanAMSDU dissects the subframes of an aggregate MSDU, each an LLC frame.
func wlanAMSDU(p *packet, t tvb) {
	off := 0
	for {
		n := int(t.u16(off + 12))
		t.ensure(off, 14)
		off += 14
		dissectLLC(p, t.subLen(off, n))
		off = (off + n + 3) &^ 3
		if t.reportedRemaining(off) <= 14 {
			return
		}
	}
}

// wlanDataPayload picks the payload's encapsulation as the dissector does:
// LLC/SNAP normally, an Ethernet frame when the payload repeats the
// addresses, IPX, two mysterious bytes, or a bare Ethernet type (EPD).
func wlanDataPayload(p *packet, t tvb, seqControl int) {
	const (
		encapLLC = iota
		encapEthernet
		encapIPX
		encapEPD
	)
	encap := encapLLC
	if t.has(0, 2) {
		o1, o2 := t.u8(0), t.u8(1)
		if o1 != 0xaa || o2 != 0xaa {
			src, dst := p.dlSrc.mac(), p.dlDst.mac()
			switch {
			case t.has(6, 6) && string(t.bytes(6, 6)) == string(src[:]),
				t.has(0, 6) && string(t.bytes(0, 6)) == string(dst[:]):
				encap = encapEthernet
			case o1 == 0xff && o2 == 0xff:
				encap = encapIPX
			case o1 == 0 && o2 == 0 && t.has(0, 18) && string(t.bytes(6, 6)) == string(dst[:]) && string(t.bytes(12, 6)) == string(src[:]):
				t = t.sub(6)
				encap = encapEthernet
			case o1 == 0 && o2 == 0 || int(o2)<<8|int(o1) == seqControl:
				t = t.sub(2)
			case int(o1)<<8|int(o2) > 1500 && knownEthertype(uint16(o1)<<8|uint16(o2)):
				encap = encapEPD
			}
		}
	}
	switch encap {
	case encapLLC:
		dissectLLC(p, t)
	case encapEthernet:
		dissectEthernet(p, t)
	case encapIPX:
		p.setProto("IPX")
	case encapEPD:
		p.setProto("LLC")
		p.clearInfo()
		etype := t.u16(0)
		next := t.sub(2)
		dispatchEthertype(p, next, etype)
	}
}

// knownEthertype reports whether sniffws has a dissector for etype.
func knownEthertype(etype uint16) bool {
	switch etype {
	case 0x0800, 0x86dd, 0x0806, 0x8035, 0x8100, 0x88a8, 0x9100:
		return true
	}
	_, ok := extraEthertypes[etype]
	return ok
}

// wlanFragTable reassembles fragmented 802.11 MSDUs
// (fragment_add_seq_802_11): keyed by transmitter, receiver and sequence
// number; bounded.
type wlanFragTable struct {
	pending map[wlanFragKey]*wlanFragment
	buf     []byte
}

type wlanFragKey struct {
	src, dst [6]byte
	seq      int
}

type wlanFragment struct {
	parts [16][]byte
	last  int // number of the fragment without "more", -1 until seen
}

const maxWLANFragments = 1024

// add stores one fragment; it returns the whole payload once complete.
func (w *wlanFragTable) add(p *packet, t tvb, hdrLen, capLen, repLen, seq, frag int, more bool) (tvb, bool) {
	if repLen < 0 {
		panic(excReported)
	}
	if capLen < repLen {
		return tvb{}, false // a short frame is not reassembled
	}
	if w.pending == nil || len(w.pending) >= maxWLANFragments {
		w.pending = make(map[wlanFragKey]*wlanFragment)
	}
	k := wlanFragKey{src: p.dlSrc.mac(), dst: p.dlDst.mac(), seq: seq}
	f := w.pending[k]
	if f == nil {
		f = &wlanFragment{last: -1}
		w.pending[k] = f
	}
	f.parts[frag] = append([]byte(nil), t.bytes(hdrLen, capLen)...)
	if !more {
		f.last = frag
	}
	if f.last < 0 {
		return tvb{}, false
	}
	w.buf = w.buf[:0]
	for i := 0; i <= f.last; i++ {
		if f.parts[i] == nil {
			return tvb{}, false
		}
		w.buf = append(w.buf, f.parts[i]...)
	}
	delete(w.pending, k)
	return newRealTvb(w.buf), true
}
