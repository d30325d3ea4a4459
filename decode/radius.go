package decode

// RADIUS (packet-radius.c): "CODE id=N", and ", Duplicate Request" /
// ", Duplicate Response" from Wireshark's request/response matching.

func init() {
	registerUDPPort(dissectRADIUS, 1645, 1646, 1700, 1812, 1813, 3799)
}

const (
	radiusHeaderLen = 20
	radiusMaxLen    = 4096
)

var radiusCodes = map[uint8]string{
	1: "Access-Request", 2: "Access-Accept", 3: "Access-Reject", 4: "Accounting-Request",
	5: "Accounting-Response", 6: "Accounting-Status", 7: "Password-Request", 8: "Password-Ack",
	9: "Password-Reject", 10: "Accounting-Message", 11: "Access-Challenge", 12: "Status-Server",
	13: "Status-Client", 21: "Resource-Free-Request", 22: "Resource-Free-Response",
	23: "Resource-Query-Request", 24: "Query_Response", 25: "Alternate-Resource-Reclaim-Request",
	26: "NAS-Reboot-Request", 27: "NAS-Reboot-Response", 29: "Next-Passcode", 30: "New-Pin",
	31: "Terminate-Session", 32: "Password-Expired", 33: "Event-Request", 34: "Event-Response",
	40: "Disconnect-Request", 41: "Disconnect-ACK", 42: "Disconnect-NAK", 43: "CoA-Request",
	44: "CoA-ACK", 45: "CoA-NAK", 50: "IP-Address-Allocate", 51: "IP-Address-Release",
	129: "ALU-State-Request", 130: "ALU-State-Accept", 131: "ALU-State-Reject",
	132: "ALU-State-Error",
}

// radiusRequestOf maps a request code to itself and a response code to
// the request it answers (radius_call_equal's pairs); 0 for the rest.
var radiusRequestOf = map[uint8]uint8{
	1: 1, 2: 1, 3: 1, 11: 1, 4: 4, 5: 4, 7: 7, 8: 7, 9: 7, 21: 21, 22: 21, 23: 23, 24: 23,
	26: 26, 27: 26, 33: 33, 34: 33, 40: 40, 41: 40, 42: 40, 43: 43, 44: 43, 45: 43,
	129: 129, 130: 129, 131: 129, 132: 129,
}

// radiusCall is the last request seen for one (request code, identifier)
// from one client endpoint. Wireshark keys calls by a conversation of the
// client's address and both ports, so a response matches only when it goes
// back to that client from the port the request went to.
type radiusCall struct {
	reqFrame      uint64
	authenticator [16]byte
	rspFrame      uint64
	rspCode       uint8
}

type radiusKey struct {
	code, ident  uint8
	client       [16]byte
	cport, sport uint16
}

type radiusState struct {
	calls map[radiusKey]*radiusCall // bounded: 10 request codes x 256 identifiers x 2 directions
}

func dissectRADIUS(p *packet, t tvb) int {
	code := t.u8(0)
	name, ok := radiusCodes[code]
	if !ok {
		return 0
	}
	length := int(t.u16(2))
	if length < radiusHeaderLen || length > radiusMaxLen {
		return 0
	}
	p.setProto("RADIUS")
	p.clearInfo()
	ident := t.u8(1)
	p.appendInfo(name)
	p.appendInfo(" id=")
	p.appendInfoUint(uint64(ident))
	t.ensureItem(4, 16)
	var auth [16]byte
	copy(auth[:], t.bytes(4, 16))
	defer radiusAttributes(t, length-radiusHeaderLen) // after the duplicate notes

	req := radiusRequestOf[code]
	if req == 0 || p.inErrorPkt || p.conv == nil {
		return max(t.len(), 1)
	}
	st := appState(p.conv, "radius", func() *radiusState {
		return &radiusState{calls: map[radiusKey]*radiusCall{}}
	})
	key := radiusKey{code: req, ident: ident, client: p.src.b, cport: p.srcPort, sport: p.dstPort}
	if req != code {
		key.client, key.cport, key.sport = p.dst.b, p.dstPort, p.srcPort
	}
	call := st.calls[key]
	if req == code { // a request
		if call != nil && call.reqFrame != p.num && call.authenticator == auth {
			p.appendInfo(", Duplicate Request")
			return max(t.len(), 1)
		}
		st.calls[key] = &radiusCall{reqFrame: p.num, authenticator: auth}
		return max(t.len(), 1)
	}
	if call == nil {
		return max(t.len(), 1)
	}
	if call.rspFrame == 0 {
		call.rspFrame = p.num
	} else if call.rspFrame != p.num && call.rspCode == code {
		p.appendInfo(", Duplicate Response")
	}
	call.rspCode = code
	return max(t.len(), 1)
}

// radiusAttributes walks the attribute-value pairs as Wireshark does, for
// the exceptions a short packet raises.
func radiusAttributes(t tvb, length int) {
	if length > 0 {
		t.ensureItem(radiusHeaderLen, length) // the attribute list's subtree
	}
	for off := radiusHeaderLen; length > 0; {
		if length < 2 {
			return
		}
		typ := t.u8(off)
		n := int(t.u8(off + 1))
		extended := typ >= 241 && typ <= 246
		if extended {
			t.u8(off + 2)
		}
		if n < 2 || (extended && n < 3) || length < n {
			return
		}
		length -= n
		t.ensureItem(off, n)
		off += n
	}
}
