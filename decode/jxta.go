package decode

import "bytes"

// JXTA's TCP heuristic (packet-jxta.c) is offered every TCP payload no
// other dissector took. Real JXTA traffic is long gone, so sniffws only
// reproduces what the heuristic does to other traffic: it walks what would
// be JXTA message framing headers within the reported length. On a payload
// cut by the snapshot length that walk reads past the captured bytes, and
// tshark shows "[Packet size limited during capture]" after TCP's line;
// otherwise it declines.

func init() {
	registerTCPHeuristic("jxta", jxtaTCPHeuristic)
}

var jxtaWelcome = []byte("JXTAHELLO ")

func jxtaTCPHeuristic(p *packet, t tvb) bool {
	if t.reportedRemaining(0) < len(jxtaWelcome) {
		return false
	}
	if t.has(0, len(jxtaWelcome)) && bytes.Equal(t.b[:len(jxtaWelcome)], jxtaWelcome) {
		// A welcome message: JXTA proper, which sniffws does not dissect.
		return false
	}
	jxtaFraming(t)
	return false
}

// jxtaFraming is the first pass of dissect_jxta_message_framing: it checks
// lengths against the reported length but reads the captured bytes.
func jxtaFraming(t tvb) {
	off := 0
	for i := 0; i < 1<<16; i++ {
		if t.reportedRemaining(off) < 1 {
			return
		}
		nameLen := int(t.u8(off))
		off++
		nameOff := off
		if t.reportedRemaining(off) < nameLen || nameLen == 0 {
			return
		}
		off += nameLen
		if t.reportedRemaining(off) < 2 {
			return
		}
		valueLen := int(t.u16(off))
		off += 2
		valueOff := off
		if t.reportedRemaining(off) < valueLen {
			return
		}
		off += valueLen
		if nameLen == len("content-type") && t.has(nameOff, nameLen) && bytes.EqualFold(t.b[nameOff:nameOff+nameLen], []byte("content-type")) {
			t.bytes(valueOff, valueLen)
		}
		if valueLen == 8 && nameLen == len("content-length") && t.has(nameOff, nameLen) && bytes.EqualFold(t.b[nameOff:nameOff+nameLen], []byte("content-length")) {
			t.u64(valueOff)
		}
	}
}
