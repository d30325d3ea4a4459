package decode

// appDissector dissects an application payload carried by UDP or TCP, as a
// Wireshark "new-style" dissector: it returns how many bytes it consumed,
// or 0 to decline so that the next candidate is tried. Over TCP it may ask
// for more data through p.desegmentOffset/p.desegmentLen.
type appDissector func(p *packet, t tvb) int

// heuristic is a dissector that first checks whether the payload looks
// like its protocol; it returns false (and writes nothing) when not.
type heuristic struct {
	name string
	fn   func(p *packet, t tvb) bool
}

// The dissector tables, by port and by heuristic, as Wireshark's
// "udp.port"/"tcp.port" tables and heuristic lists. Protocol files fill
// them from init functions; they are read-only once the package is loaded.
var (
	udpPortTable  = map[uint16]appDissector{}
	tcpPortTable  = map[uint16]appDissector{}
	udpHeuristics []heuristic
	tcpHeuristics []heuristic
)

func registerUDPPort(fn appDissector, ports ...uint16) {
	for _, port := range ports {
		udpPortTable[port] = fn
	}
}

func registerTCPPort(fn appDissector, ports ...uint16) {
	for _, port := range ports {
		tcpPortTable[port] = fn
	}
}

// registerUDPHeuristic and registerTCPHeuristic add a heuristic under the
// name of its Wireshark handoff (proto_reg_handoff_NAME). Wireshark runs
// the handoffs in name order and each heur_dissector_add prepends, so its
// lists are tried in reverse name order; insertHeuristic keeps ours so,
// whatever the order of our init functions.
func registerUDPHeuristic(name string, fn func(p *packet, t tvb) bool) {
	udpHeuristics = insertHeuristic(udpHeuristics, heuristic{name: name, fn: fn})
}

func registerTCPHeuristic(name string, fn func(p *packet, t tvb) bool) {
	tcpHeuristics = insertHeuristic(tcpHeuristics, heuristic{name: name, fn: fn})
}

func insertHeuristic(list []heuristic, h heuristic) []heuristic {
	i := 0
	for i < len(list) && list[i].name > h.name {
		i++
	}
	list = append(list, heuristic{})
	copy(list[i+1:], list[i:])
	list[i] = h
	return list
}

// tryPort calls the dissector registered for port, if any; it reports
// whether one took the payload.
func tryPort(table map[uint16]appDissector, p *packet, t tvb, port uint16) bool {
	fn, ok := table[port]
	if !ok {
		return false
	}
	save := p.matchPort
	p.matchPort = port
	n := fn(p, t)
	p.matchPort = save
	return n != 0
}

// tryHeuristics offers the payload to each heuristic in turn.
func tryHeuristics(list []heuristic, p *packet, t tvb) bool {
	for _, h := range list {
		if h.fn(p, t) {
			return true
		}
	}
	return false
}
