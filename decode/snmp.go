package decode

import "sync"

// SNMP v1, v2c and v3 (packet-snmp.c, asn2wrs-generated from the SNMP
// ASN.1). Info is the PDU name followed by one OID per variable binding,
// each shown through the OID registry (oid.go): "name.rest" when the
// deepest registered node on its path has a name, dotted decimal
// otherwise. A v1 trap first shows its enterprise OID resolved to the
// nearest named node. An encrypted v3 PDU shows only
// "encryptedPDU: privKey Unknown" (no users are configured).

func init() {
	registerUDPPort(dissectSNMP, 161, 162, 8161)
	registerTCPPort(dissectSNMPTCP, 161, 162)
}

var snmpPDUNames = [...]string{"get-request", "get-next-request", "get-response",
	"set-request", "trap", "getBulkRequest", "informRequest", "snmpV2-trap", "report"}

// snmpMaxArcs bounds the arcs kept for an OID; longer OIDs still print,
// through a heap buffer.
const snmpMaxArcs = 128

// snmpCtx is the state of one SNMP message being dissected; contexts are
// pooled so that a message costs no allocation.
type snmpCtx struct {
	p        *packet
	text     []byte
	arcs     [snmpMaxArcs]uint32
	secModel int64 // msgSecurityModel of the v3 header (3: USM)
}

var snmpCtxPool = sync.Pool{New: func() any { return new(snmpCtx) }}

// dissectSNMP is dissect_snmp: a SEQUENCE holding an INTEGER, or not SNMP.
func dissectSNMP(p *packet, t tvb) int {
	class, _, tag, off := berIdentifier(t, 0)
	if class != berClassUniversal || tag != berTagSequence {
		return 0
	}
	n, _, off := berLength(t, off)
	if p.ptype == portUDP {
		if n > t.reportedRemaining(off) {
			return 0
		}
	} else if n != t.reportedRemaining(off) {
		return 0
	}
	class, _, tag, _ = berIdentifier(t, off)
	if class != berClassUniversal || tag != berTagInteger {
		return 0
	}
	return max(dissectSNMPMessage(p, t, false), 1)
}

// dissectSNMPTCP is dissect_snmp_tcp (without the heuristic check).
func dissectSNMPTCP(p *packet, t tvb) int {
	dissectSNMPMessage(p, t, true)
	return max(t.len(), 1)
}

// dissectSNMPMessage is dissect_snmp_pdu.
func dissectSNMPMessage(p *packet, t tvb, tcp bool) int {
	remaining := t.remaining(0)
	if remaining == 0 {
		t.ensureItem(0, 1)
	}
	if tcp && p.canDesegment > 0 && remaining < 6 {
		p.desegmentOffset, p.desegmentLen = 0, desegmentOneMoreSegment
		return 0
	}
	_, _, _, off := berIdentifier(t, 0)
	n, _, off := berLength(t, off)
	msgLen := n + off
	version, _ := berIntegerItem(t, off, false, false)
	if tcp && p.canDesegment > 0 && remaining < msgLen {
		p.desegmentOffset, p.desegmentLen = 0, msgLen-remaining
		return 0
	}
	p.setProto("SNMP")
	c := snmpCtxPool.Get().(*snmpCtx)
	c.p, c.secModel = p, 0
	defer func() {
		c.p = nil
		snmpCtxPool.Put(c)
	}()
	var end int
	switch int32(version) {
	case 0, 1:
		end = berSequence(c, t, 0, false, false, snmpMessageFields[:])
	case 2:
		end = berSequence(c, t, 0, false, false, snmpV2uFields[:])
	case 3:
		end = berSequence(c, t, 0, false, false, snmpV3Fields[:])
	default:
		return remaining
	}
	return end
}

var snmpMessageFields = [...]berField[*snmpCtx]{
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassUniversal, tag: berTagOctetString, fn: (*snmpCtx).octetString},
	{anyTag: true, fn: (*snmpCtx).pdus},
}

var snmpV2uFields = [...]berField[*snmpCtx]{
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassUniversal, tag: berTagOctetString, fn: (*snmpCtx).octetString},
	{anyTag: true, fn: (*snmpCtx).v2uData},
}

var snmpV3Fields = [...]berField[*snmpCtx]{
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassUniversal, tag: berTagSequence, fn: (*snmpCtx).headerData},
	{class: berClassUniversal, tag: berTagOctetString, fn: (*snmpCtx).securityParameters},
	{anyTag: true, fn: (*snmpCtx).scopedPDUData},
}

var snmpHeaderDataFields = [...]berField[*snmpCtx]{
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassUniversal, tag: berTagOctetString, fn: (*snmpCtx).msgFlags},
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).securityModel},
}

// snmpUSMFields is UsmSecurityParameters (RFC 3414).
var snmpUSMFields = [...]berField[*snmpCtx]{
	{class: berClassUniversal, tag: berTagOctetString, fn: (*snmpCtx).octetString},
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassUniversal, tag: berTagOctetString, fn: (*snmpCtx).octetString},
	{class: berClassUniversal, tag: berTagOctetString, fn: (*snmpCtx).octetString},
	{class: berClassUniversal, tag: berTagOctetString, fn: (*snmpCtx).octetString},
}

var snmpScopedPDUFields = [...]berField[*snmpCtx]{
	{class: berClassUniversal, tag: berTagOctetString, fn: (*snmpCtx).octetString},
	{class: berClassUniversal, tag: berTagOctetString, fn: (*snmpCtx).octetString},
	{anyTag: true, fn: (*snmpCtx).pdus},
}

var snmpPDUFields = [...]berField[*snmpCtx]{
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassUniversal, tag: berTagSequence, fn: (*snmpCtx).varBindList},
}

var snmpTrapFields = [...]berField[*snmpCtx]{
	{class: berClassUniversal, tag: berTagOID, fn: (*snmpCtx).enterprise},
	{class: berClassApplication, tag: 0, fn: (*snmpCtx).implicitValue},
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassUniversal, tag: berTagInteger, fn: (*snmpCtx).integer},
	{class: berClassApplication, tag: 3, fn: (*snmpCtx).implicitValue},
	{class: berClassUniversal, tag: berTagSequence, fn: (*snmpCtx).varBindList},
}

func (c *snmpCtx) integer(t tvb) { berInteger(t, 0, false) }

func (c *snmpCtx) securityModel(t tvb) { c.secModel, _ = berInteger(t, 0, false) }

// msgFlags reads the flags byte of a non-empty flags string.
func (c *snmpCtx) msgFlags(t tvb) {
	if b, _ := berOctetString(c.p, t, 0); b != nil {
		t.u8(0)
	}
}

// securityParameters is the USM structure inside the OCTET STRING when
// the security model is USM, an opaque string otherwise.
func (c *snmpCtx) securityParameters(t tvb) {
	if int32(c.secModel) != 3 {
		berOctetString(c.p, t, 0)
		return
	}
	_, _, _, off := berIdentifier(t, 0)
	_, _, off = berLength(t, off)
	berSequence(c, t, off, false, false, snmpUSMFields[:])
}

func (c *snmpCtx) octetString(t tvb) { berOctetString(c.p, t, 0) }

// implicitValue is an [APPLICATION n] IMPLICIT value (IpAddress,
// TimeTicks): its contents must be present.
func (c *snmpCtx) implicitValue(t tvb) {
	h := berReadHeader(t, 0)
	sub := berSubset(t, h.body, h.length)
	sub.ensure(0, sub.reported)
}

func (c *snmpCtx) headerData(t tvb) {
	berSequence(c, t, 0, false, true, snmpHeaderDataFields[:])
}

// scopedPDUData is the ScopedPduData CHOICE: a plaintext ScopedPDU or an
// encrypted OCTET STRING, which no key opens here.
func (c *snmpCtx) scopedPDUData(t tvb) {
	if t.reportedRemaining(0) == 0 {
		return
	}
	h := berReadHeader(t, 0)
	if h.class != berClassUniversal {
		return
	}
	switch h.tag {
	case berTagSequence:
		berSequence(c, berSubset(t, 0, h.end()), 0, false, true, snmpScopedPDUFields[:])
	case berTagOctetString:
		berOctetString(c.p, berSubset(t, 0, h.end()), 0)
		c.p.setInfo("encryptedPDU: privKey Unknown")
	}
}

// v2uData is the SNMPv2u data CHOICE: [0] plaintext PDUs or [1] encrypted.
func (c *snmpCtx) v2uData(t tvb) {
	if t.reportedRemaining(0) == 0 {
		return
	}
	h := berReadHeader(t, 0)
	if h.class != berClassContext {
		return
	}
	sub := berSubset(t, h.body, h.length)
	switch h.tag {
	case 0:
		c.pdus(sub)
	case 1:
		sub.ensure(0, sub.reported)
	}
}

// pdus is dissect_snmp_PDUs: Info is cleared, the PDU dissected, and its
// name put in front only once the PDU is done.
func (c *snmpCtx) pdus(t tvb) {
	p := c.p
	p.clearInfo()
	if t.reportedRemaining(0) == 0 {
		return
	}
	h := berReadHeader(t, 0)
	if h.class != berClassContext || h.tag < 0 || int(h.tag) >= len(snmpPDUNames) {
		return
	}
	// The choice passes the element with its tag; the tagged type strips
	// it and dissects the contents as an implicit SEQUENCE.
	elem := berSubset(t, 0, h.end())
	th := berReadHeader(elem, 0)
	body := berSubset(elem, th.body, th.length)
	switch h.tag {
	case 4:
		berSequence(c, body, 0, true, true, snmpTrapFields[:])
	case 5: // GetBulkRequest: the same shape as the other PDUs
		berSequence(c, body, 0, true, true, snmpPDUFields[:])
	default:
		berSequence(c, body, 0, true, true, snmpPDUFields[:])
	}
	if !p.readOnly {
		p.info.prepend(snmpPDUNames[h.tag])
	}
}

// enterprise appends the v1 trap's enterprise OID, resolved.
func (c *snmpCtx) enterprise(t tvb) {
	h := berReadHeader(t, 0)
	if h.class != berClassUniversal || h.tag != berTagOID {
		t.ensureItem(0, 2)
		return
	}
	t.ensureItem(h.body, h.length)
	value := berSubset(t, h.body, h.length)
	b := value.bytes(0, value.reported)
	arcs, ok := oidDecode(b, c.arcs[:0])
	if len(b) == 0 || !ok {
		arcs = nil
	}
	c.text = append(c.text[:0], ' ')
	c.text = appendOIDResolved(c.text, arcs)
	c.p.appendInfoBytes(c.text)
}

// varBindList is the SEQUENCE OF VarBind (dissect_ber_sq_of).
func (c *snmpCtx) varBindList(t tvb) {
	h := berReadHeader(t, 0)
	off, end := h.body, h.end()
	if h.class != berClassApplication && h.class != berClassPrivate &&
		(!h.pc || h.class != berClassUniversal || h.tag != berTagSequence) {
		t.ensureItem(0, 2)
		return
	}
	// Items are first counted when the whole list was captured.
	if t.remaining(off) == t.reportedRemaining(off) {
		for o := off; o < end; {
			if t.u8(o) == 0 && t.u8(o+1) == 0 {
				break
			}
			ih := berReadHeader(t, o)
			next := ih.end()
			if next <= o {
				break
			}
			o = next
		}
	}
	for off < end {
		if t.u8(off) == 0 && t.u8(off+1) == 0 {
			return
		}
		ih := berReadHeader(t, off)
		eoff := ih.end()
		if eoff <= ih.start {
			panic(excReported)
		}
		if ih.class == berClassUniversal && ih.tag == berTagEOC {
			return
		}
		if ih.class == berClassUniversal && ih.tag == berTagSequence {
			c.varBind(berSubset(t, ih.start, eoff-ih.start))
		}
		off = eoff
	}
	if off != end {
		t.ensureItem(off-2, 2)
	}
}

// varBind is dissect_snmp_VarBind: the name's OID goes to Info once the
// value has been looked at.
func (c *snmpCtx) varBind(t tvb) {
	h := berReadHeader(t, 0)
	if !h.pc || h.ind {
		return // not a constructed sequence, or indefinite: shown as unknown BER
	}
	t.ensureItem(h.body, h.length) // the VarBind subtree
	nh := berReadHeader(t, h.body)
	if nh.pc || nh.class != berClassUniversal || nh.tag != berTagOID || nh.ind {
		return
	}
	t.ensureItem(nh.body, nh.length)
	vh := berReadHeader(t, nh.end())
	if vh.pc {
		return
	}
	arcs, ok := oidDecode(t.bytes(nh.body, nh.length), c.arcs[:0])
	if !ok {
		return // invalid OID
	}
	valueOff, valueLen := vh.body, vh.length
	switch {
	case vh.class == berClassContext:
		if vh.tag > 2 { // not noSuchObject, noSuchInstance, endOfMibView
			return
		}
		t.ensureItem(valueOff, 0) // FT_NONE items are cut to what is present
	case vh.class == berClassUniversal && vh.tag == berTagNull:
		t.ensureItem(valueOff, 0)
	case vh.class == berClassUniversal && vh.tag == berTagInteger:
		if valueLen >= 1 && valueLen <= 4 {
			for i := 0; i < valueLen; i++ {
				t.u8(valueOff + i)
			}
		} else if valueLen <= 8 && valueLen != 0 {
			t.ensureItem(valueOff, valueLen)
		}
	case vh.class == berClassApplication && vh.tag >= 1 && vh.tag <= 7 && vh.tag != 4:
		// Counter32, Gauge32, TimeTicks, NsapAddress, Counter64 and
		// Unsigned32 are 64-bit integer fields: empty or over-long values
		// are only flagged.
		unsigned := vh.tag != 2 && vh.tag != 7
		switch {
		case valueLen == 0:
		case valueLen > 8:
			if unsigned && valueLen == 9 && t.u8(valueOff) == 0 {
				t.ensureItem(valueOff+1, 8)
			}
		default:
			t.ensureItem(valueOff, valueLen)
		}
	default:
		t.ensureItem(valueOff, valueLen)
	}
	c.text = append(c.text[:0], ' ')
	n, matched := oidLookup(arcs)
	if n.named {
		c.text = append(c.text, n.name...)
		if matched < len(arcs) {
			c.text = append(c.text, '.')
			c.text = appendOIDNumeric(c.text, arcs[matched:])
		}
	} else {
		c.text = appendOIDNumeric(c.text, arcs)
	}
	c.p.appendInfoBytes(c.text)
}
