package decode

// CDP TLV types that reach Info (packet-cdp.c).
const (
	cdpDeviceID = 0x0001
	cdpPortID   = 0x0003
)

// dissectCDP is the Cisco Discovery Protocol: Info lists the device and
// port IDs; the other TLVs are walked for the reads that may fail.
func dissectCDP(p *packet, t tvb) {
	p.setProto("CDP")
	p.clearInfo()
	t.ensure(0, 2)
	t.ensure(0, t.reported) // the checksum covers the whole message
	off := 4
	for t.reportedRemaining(off) != 0 {
		typ := t.u16(off)
		length := int(t.u16(off + 2))
		if length < 4 {
			break
		}
		switch typ {
		case cdpDeviceID:
			p.appendInfo("Device ID: ")
			p.appendInfoText(stringzPad(t.bytes(off+4, length-4)))
			p.appendInfo("  ")
			off += length
		case cdpPortID:
			real := length
			if t.reportedRemaining(off) >= length+3 && t.u8(off+real) != 0x00 && t.u8(off+real) != 0x10 {
				real = length + 3
			}
			p.appendInfo("Port ID: ")
			p.appendInfoText(stringzPad(t.bytes(off+4, length-4)))
			p.appendInfo("  ")
			t.ensure(off+4, real-4)
			off += real
		default:
			t.ensure(off, length)
			off += length
		}
	}
}

// stringzPad is a NUL-padded string: the bytes before the first NUL.
func stringzPad(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}
