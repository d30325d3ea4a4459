package decode

// Conversations announced by another protocol before they start, as
// Wireshark's conversation_new with a wildcard second port: FTP's PORT,
// PASV and EPSV replies name one endpoint of a data connection and the
// other side's address. A TCP segment whose endpoints match one is handed
// to the announced dissector before the port tables are tried, as
// try_conversation_dissector does.

// Most announcements kept; the oldest is forgotten beyond it.
const maxExpectations = 64

// tcpExpectation is one announced conversation: (a, aPort) talking to b
// on any port.
type tcpExpectation struct {
	a, b      address
	aPort     uint16
	frame     uint64
	dissector appDissector
	// data is the announcing protocol's state for the conversation.
	data any
}

// expectTable holds the announcements of one capture, oldest first.
type expectTable struct {
	list []*tcpExpectation
}

// add records an announcement; a later one for the same endpoints wins.
func (e *expectTable) add(x *tcpExpectation) {
	if len(e.list) >= maxExpectations {
		copy(e.list, e.list[1:])
		e.list = e.list[:len(e.list)-1]
	}
	e.list = append(e.list, x)
}

// find returns the newest announcement matching the packet's endpoints in
// either direction, or nil.
func (e *expectTable) find(p *packet) *tcpExpectation {
	for i := len(e.list) - 1; i >= 0; i-- {
		x := e.list[i]
		if (x.a == p.netSrc && x.aPort == p.srcPort && x.b == p.netDst) ||
			(x.a == p.netDst && x.aPort == p.dstPort && x.b == p.netSrc) {
			return x
		}
	}
	return nil
}

// expectedDissector is the dissector announced for the packet's TCP
// conversation, if any.
func (p *packet) expectedDissector() appDissector {
	if len(p.d.state.expect.list) == 0 {
		return nil
	}
	if x := p.d.state.expect.find(p); x != nil {
		return x.dissector
	}
	return nil
}
