package decode

// dissectLLC is IEEE 802.2 LLC (packet-llc.c).
func dissectLLC(p *packet, t tvb) {
	p.setProto("LLC")
	dsap := t.u8(0)
	ssap := t.u8(1)
	_ = dsap
	_ = ssap
}
