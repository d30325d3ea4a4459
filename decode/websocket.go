package decode

// WebSocket (RFC 6455) after an HTTP Upgrade, as packet-websocket.c
// writes its columns: "WebSocket <Opcode>" then " [FIN]" or
// "[FRAGMENT] ", then " [MASKED]" or a blank. Frames are length-prefixed
// PDUs over TCP; several in one segment overwrite each other's Info.

// wsMaxPrefix is how much of a fragmented message is kept: only its
// start and length matter to the columns.
const wsMaxPrefix = 64

// wsConv is the per-conversation WebSocket state.
type wsConv struct {
	deflate bool
	// subprotocol is the Sec-WebSocket-Protocol the server accepted.
	subprotocol string
	// fragOpcode is the opcode of the last first fragment, shared by
	// both directions as in packet-websocket.c.
	fragOpcode uint8
	// Messages being reassembled, keyed by source and destination
	// address as Wireshark's reassembly table keys them (so the two
	// directions of a loopback conversation share one).
	frags [2]wsFragments
}

// wsFragments is a fragmented message being collected: its first bytes
// and its length so far.
type wsFragments struct {
	src, dst address
	active   bool
	prefix   []byte
	length   int
}

// fragments returns the reassembly of the packet's address pair,
// starting one when there is none.
func (wc *wsConv) fragments(p *packet) *wsFragments {
	for i := range wc.frags {
		if f := &wc.frags[i]; f.active && f.src == p.src && f.dst == p.dst {
			return f
		}
	}
	for i := range wc.frags {
		if f := &wc.frags[i]; !f.active {
			f.src, f.dst, f.active = p.src, p.dst, true
			f.prefix, f.length = f.prefix[:0], 0
			return f
		}
	}
	f := &wc.frags[0] // both in use: the older one is dropped
	f.src, f.dst = p.src, p.dst
	f.prefix, f.length = f.prefix[:0], 0
	return f
}

var wsOpcodeNames = [16]string{
	0: "Continuation", 1: "Text", 2: "Binary", 8: "Connection Close", 9: "Ping", 10: "Pong",
}

func wsOpcodeName(op uint8) string {
	if n := wsOpcodeNames[op&0x0f]; n != "" {
		return n
	}
	return "Unknown Opcode"
}

// dissectWebSocket is dissect_websocket: frames as PDUs of TCP.
func dissectWebSocket(p *packet, t tvb) int {
	tcpDissectPDUs(p, t, true, 2, wsFrameLength, dissectWebSocketFrame)
	return max(t.len(), 1)
}

// wsFrameLength is get_websocket_frame_length (0: more data needed).
func wsFrameLength(p *packet, t tvb, off int) int {
	length := uint32(2)
	b1 := t.u8(off + 1)
	payload := uint32(b1 & 0x7f)
	off += 2
	switch payload {
	case 126:
		if t.reportedRemaining(off) < 2 {
			return 0
		}
		payload = uint32(t.u16(off))
		length += 2
	case 127:
		if t.reportedRemaining(off) < 8 {
			return 0
		}
		payload = uint32(t.u64(off))
		length += 8
	}
	if b1&0x80 != 0 {
		length += 4
	}
	length += payload
	return int(length)
}

func newWSConv(p *packet) func() *wsConv {
	return func() *wsConv {
		wc := &wsConv{}
		if p.conv != nil {
			if hc, ok := p.conv.app["http"].(*httpConv); ok {
				wc.subprotocol = hc.wsProtocol
				wc.deflate = containsString(hc.wsExtensions, "permessage-deflate") ||
					containsString(hc.wsExtensions, "x-webkit-deflate-frame")
			}
		}
		return wc
	}
}

func containsString(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// dissectWebSocketFrame is dissect_websocket_frame.
func dissectWebSocketFrame(p *packet, t tvb) {
	var wc *wsConv
	if p.conv != nil {
		wc = appState(p.conv, "websocket", newWSConv(p))
	} else {
		wc = newWSConv(p)()
	}
	short := t.u8(1) & 0x7f
	maskOffset := 2
	var payload uint32
	switch short {
	case 126:
		payload = uint32(t.u16(2))
		maskOffset += 2
	case 127:
		payload = uint32(t.u64(2))
		maskOffset += 8
	default:
		payload = uint32(short)
	}
	mask := t.u8(1)&0x80 != 0
	payloadOffset := maskOffset
	if mask {
		payloadOffset += 4
	}
	p.setProto("WebSocket")
	p.setInfo("WebSocket")
	t.ensure(0, payloadOffset) // the WebSocket item covers the header
	b0 := t.u8(0)
	fin := b0&0x80 != 0
	pmc := wc.deflate && b0&0x40 != 0
	opcode := b0 & 0x0f
	p.appendInfo(" ")
	p.appendInfo(wsOpcodeName(opcode))
	if fin {
		p.appendInfo(" [FIN]")
	} else {
		p.appendInfo("[FRAGMENT] ")
	}
	if mask {
		p.appendInfo(" [MASKED]")
	} else {
		p.appendInfo(" ")
	}
	if mask {
		t.ensure(maskOffset, 4)
	}
	if payload == 0 {
		return
	}
	var data []byte
	if mask {
		t.ensure(payloadOffset, int(payload)) // the masked payload item
		n := min(int(payload), 256*1024)
		key := t.b[maskOffset : maskOffset+4]
		data = make([]byte, n)
		for i := range n {
			data[i] = t.b[payloadOffset+i] ^ key[i%4]
		}
	} else {
		t.ensure(payloadOffset, int(payload))
		data = t.b[payloadOffset : payloadOffset+int(payload)]
	}
	if opcode&8 != 0 {
		return // control frames write nothing more
	}
	// A negotiated subprotocol with a dissector ("ws.protocol") takes
	// every data frame; SIP (RFC 7118) is the one this package has.
	subprotocol := wc.subprotocol == "sip" && !pmc
	if !fin || opcode == 0 {
		if opcode != 0 {
			wc.fragOpcode = opcode
		}
		f := wc.fragments(p)
		if len(f.prefix) < wsMaxPrefix {
			f.prefix = append(f.prefix, data[:min(len(data), wsMaxPrefix-len(f.prefix))]...)
		}
		f.length += len(data)
		if !fin {
			return // not complete: nothing more is shown
		}
		f.active = false
		opcode = wc.fragOpcode
		if subprotocol {
			return // the reassembled message goes to SIP; not kept here
		}
		if opcode == 1 && !pmc && f.length > 38 && len(f.prefix) >= 5 && asciiEqualFold(f.prefix[:5], "<?xml") {
			dissectXML(p, t, "")
		}
		return
	}
	if subprotocol {
		dissectSIPUDP(p, tvb{b: data, contained: int(payload), reported: int(payload)})
		return
	}
	if opcode == 1 && !pmc {
		// Text goes to the line-based text dissector, which hands XML on.
		dissectTextLines(p, newRealTvb(data), nil)
	}
}
