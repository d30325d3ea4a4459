package decode

// extraLinkTypes holds dissectors for further link types (802.11,
// radiotap, FDDI, ...) registered by their files at init; read-only after.
var extraLinkTypes = map[LinkType]func(p *packet, t tvb){}

// dissectOtherLink dissects a link type from extraLinkTypes; false when
// there is none.
func dissectOtherLink(p *packet, lt LinkType, t tvb) bool {
	fn, ok := extraLinkTypes[lt]
	if ok {
		fn(p, t)
	}
	return ok
}
