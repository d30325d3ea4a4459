package decode

// portType is the transport of pinfo's ports.
type portType uint8

const (
	portNone portType = iota
	portTCP
	portUDP
	portSCTP
)

// packet is the per-frame dissection context, Wireshark's packet_info: the
// columns being built and what lower layers tell upper ones. One is reused
// for every frame.
type packet struct {
	d   *Decoder
	num uint64
	ts  int64 // capture time, ns since the epoch
	rel int64 // ns since the first frame

	proto, info column
	// readOnly is set while dissecting something whose columns must not
	// change (the packet quoted inside an ICMP error).
	readOnly bool

	src, dst       address // pinfo->src/dst: what the Source/Destination columns show
	dlSrc, dlDst   address
	netSrc, netDst address

	ptype            portType
	srcPort, dstPort uint16
	// matchPort is the port the current port-table dissector was found by.
	matchPort uint16

	// fragmented is true while dissecting a fragment that was not reassembled.
	fragmented bool
	// inErrorPkt is true inside an ICMP/ICMPv6 error's quoted packet.
	inErrorPkt bool

	// ipTTL is the TTL (hop limit) of the innermost IP header, for ICMP echo lines.
	ipTTL uint8
	// ipProto is the innermost IP header's protocol number.
	ipProto uint8
	// vlanID is the first 802.1Q tag's VLAN ID (pinfo->vlan_id), 0 if none.
	vlanID uint16

	// Reassembly requests from an application dissector to TCP, as
	// pinfo->desegment_offset/len: "I consumed up to offset and need len
	// more bytes" (or one of the desegment constants).
	canDesegment    int
	desegmentOffset int
	desegmentLen    int

	// protoReadOnly protects the Protocol column once TCP has dissected a
	// first PDU of a segment that carries more.
	protoReadOnly bool
	// tcp describes the segment to application dissectors (nil outside TCP).
	tcp *tcpInfo
	// tcpSlot holds the current segment's tcpInfo (see dissectTCP).
	tcpSlot tcpInfo
	// conv is the TCP or UDP conversation of the payload being dissected.
	conv *conversation

	// scratch is a reusable buffer for building text.
	scratch []byte
}

// Special values for desegmentLen.
const (
	desegmentOneMoreSegment = 0x0fffffff
	desegmentUntilFIN       = 0x0ffffffe
)

func (p *packet) reset(f *Frame, num uint64) {
	p.num = num
	p.ts = f.Timestamp.UnixNano()
	p.rel = 0
	if p.d.haveFirst {
		p.rel = f.Timestamp.Sub(p.d.firstTS).Nanoseconds()
	}
	p.proto.reset()
	p.info.reset()
	p.readOnly = false
	p.src, p.dst = address{}, address{}
	p.dlSrc, p.dlDst = address{}, address{}
	p.netSrc, p.netDst = address{}, address{}
	p.ptype, p.srcPort, p.dstPort, p.matchPort = portNone, 0, 0, 0
	p.fragmented = false
	p.inErrorPkt = false
	p.ipTTL, p.ipProto = 0, 0
	p.vlanID = 0
	p.canDesegment, p.desegmentOffset, p.desegmentLen = 0, 0, 0
	p.protoReadOnly = false
	p.tcp = nil
	p.conv = nil
}

// Column operations that respect readOnly, as Wireshark's col_* functions
// respect the "writable" flag.

func (p *packet) setProto(s string) {
	if !p.readOnly && !p.protoReadOnly {
		p.proto.set(s)
	}
}

func (p *packet) setInfo(s string) {
	if !p.readOnly {
		p.info.set(s)
	}
}

func (p *packet) clearInfo() {
	if !p.readOnly {
		p.info.clear()
	}
}

func (p *packet) appendInfo(s string) {
	if !p.readOnly {
		p.info.appendStr(s)
	}
}

func (p *packet) appendInfoBytes(s []byte) {
	if !p.readOnly {
		p.info.appendBytes(s)
	}
}

func (p *packet) appendInfoSep(sep, s string) {
	if !p.readOnly {
		p.info.appendSep(sep, s)
	}
}

func (p *packet) appendInfoUint(v uint64) {
	if !p.readOnly {
		p.info.appendUint(v)
	}
}

// setSrcDst sets the addresses shown in Source/Destination.
func (p *packet) setSrcDst(src, dst address) {
	p.src, p.dst = src, dst
}

// callErrorPacket dissects the packet quoted inside an ICMP/ICMPv6 error
// (call_dissector_work_error): columns read-only, addresses restored
// afterwards, a snaplen cut passed on, other exceptions swallowed.
func (p *packet) callErrorPacket(fn func()) {
	saveRO, saveErr := p.readOnly, p.inErrorPkt
	saveSrc, saveDst := p.src, p.dst
	saveDlSrc, saveDlDst, saveNetSrc, saveNetDst := p.dlSrc, p.dlDst, p.netSrc, p.netDst
	restore := func() {
		p.readOnly, p.inErrorPkt = saveRO, saveErr
		p.src, p.dst = saveSrc, saveDst
		p.dlSrc, p.dlDst, p.netSrc, p.netDst = saveDlSrc, saveDlDst, saveNetSrc, saveNetDst
	}
	defer func() {
		if r := recover(); r != nil {
			restore()
			if e, ok := r.(exception); ok && e != excBounds {
				return
			}
			panic(r)
		}
	}()
	p.readOnly, p.inErrorPkt = true, true
	fn()
	restore()
}

// showException appends an exception's text to Info.
func (p *packet) showException(e exception) {
	if (e == excReported || e == excContained) && p.fragmented {
		e = excFragment
	}
	if p.readOnly {
		return
	}
	p.d.stats.Malformed++
	p.info.appendStr(e.suffix())
}

// try runs fn as a catch point for the non-fatal errors (bounds and
// reassembly): what fn raises is shown in Info and reported back, as
// TRY/CATCH_NONFATAL_ERRORS + show_exception do in Wireshark. Anything
// else is a bug and travels on.
func (p *packet) try(fn func()) (caught bool) {
	defer func() {
		if r := recover(); r != nil {
			if !p.showPanic(r) {
				panic(r)
			}
			caught = true
		}
	}()
	fn()
	return false
}

// showPanic shows a dissection exception in Info; false for anything that
// is not one (a bug).
func (p *packet) showPanic(r any) bool {
	switch e := r.(type) {
	case exception:
		p.showException(e)
	case reassemblyError:
		if !p.readOnly {
			p.d.stats.Malformed++
			p.info.appendStr("[Reassembly error, protocol " + e.proto + ": " + e.msg + "]")
		}
	default:
		return false
	}
	return true
}
