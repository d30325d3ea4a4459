package decode

import (
	"fmt"
	"runtime/debug"
	"time"
)

// Options tune a Decoder. The zero value gives tshark's default behaviour.
type Options struct {
	// MaxFlows caps the TCP/UDP conversations tracked at once; the least
	// recently used is forgotten beyond it (0: DefaultMaxFlows). tshark
	// never forgets one, so a capture with more live conversations than
	// this can print differently from tshark.
	MaxFlows int
	// FlowIdle, when positive, also forgets conversations idle for longer
	// than this, in capture time: for week-long live captures. Zero keeps
	// them until MaxFlows pushes them out, which is what matches tshark.
	FlowIdle time.Duration
	// OnBug, when set, is told about a panic inside a dissector (a bug in
	// sniffws, never expected): the frame number and the panic's text.
	OnBug func(frame uint64, msg string)
	// KeyLog, when set, supplies TLS secrets (tshark's tls.keylog_file):
	// records it has keys for are decrypted and what they carry is
	// dissected (tls_keys.go).
	KeyLog *KeyLog
	// OnObject, when set, is given each HTTP object (message body) as
	// tshark's --export-objects http collects it (export.go).
	OnObject func(ExportObject)
}

// DefaultMaxFlows is the default for Options.MaxFlows. A TCP conversation
// holds about 400 bytes of state (more while it reassembles), so the
// default bounds the decoder to roughly 15 MB however long the capture;
// each unit of MaxFlows costs about 400 more bytes.
const DefaultMaxFlows = 1 << 15

// Stats counts what the decoder saw.
type Stats struct {
	Frames    uint64
	Malformed uint64 // frames shown with an exception suffix
	Bugs      uint64 // frames on which a dissector panicked
}

// Decoder turns frames into records, one after another, holding the state
// that tshark's single pass keeps between frames (TCP sequence analysis,
// reassembly, conversations). It is not safe for concurrent use: decode one
// capture with one Decoder.
type Decoder struct {
	opts  Options
	stats Stats

	firstTS   time.Time
	haveFirst bool

	pkt   packet
	names macNames
	flows flowTable
	state decoderState
}

// New returns a Decoder with fresh state.
func New(opts Options) *Decoder {
	if opts.MaxFlows <= 0 {
		opts.MaxFlows = DefaultMaxFlows
	}
	d := &Decoder{opts: opts}
	d.pkt.d = d
	d.pkt.proto.max = maxOtherLen
	d.pkt.info.max = maxInfoLen
	d.flows.init(opts.MaxFlows, opts.FlowIdle)
	d.state.init()
	return d
}

// Stats returns the counters so far.
func (d *Decoder) Stats() Stats { return d.stats }

// Decode dissects the next frame of the capture and fills rec with its
// columns. Frames must come in capture order; the first one sets the zero
// of the Time column.
func (d *Decoder) Decode(f *Frame, rec *Record) {
	d.stats.Frames++
	num := d.stats.Frames
	if !d.haveFirst {
		d.firstTS = f.Timestamp
		d.haveFirst = true
	}
	p := &d.pkt
	p.reset(f, num)

	d.dissectFrame(p, f)

	rec.Reset()
	rec.No = appendDecimal(rec.No, num)
	rec.Time = appendRelTime(rec.Time, f.Timestamp.Sub(d.firstTS), f.TimeDigits)
	rec.Source = d.appendAddress(rec.Source, p.src)
	rec.Destination = d.appendAddress(rec.Destination, p.dst)
	// The record takes the columns' buffers and gives its own for the
	// next frame: no copy.
	rec.Protocol, p.proto.buf = p.proto.buf, rec.Protocol
	rec.Length = appendDecimal(rec.Length, uint64(f.WireLen))
	rec.Info, p.info.buf = p.info.buf, rec.Info
	rec.Timestamp = f.Timestamp
	rec.TimeDigits = f.TimeDigits
}

// dissectFrame is the frame dissector: the link layer by link type, with
// the outermost exception catch point.
func (d *Decoder) dissectFrame(p *packet, f *Frame) {
	defer func() {
		if r := recover(); r != nil {
			if p.showPanic(r) {
				return
			}
			// A bug: keep the columns written so far and say so, as
			// tshark does for a dissector bug, and tell the caller.
			d.stats.Bugs++
			p.info.appendStr("[Dissector bug]")
			if d.opts.OnBug != nil {
				d.opts.OnBug(p.num, fmt.Sprintf("%v\n%s", r, debug.Stack()))
			}
		}
	}()
	t := newTvb(f.Data, f.WireLen)
	switch f.LinkType {
	case LinkEthernet:
		dissectEthernet(p, t)
	case LinkNull:
		dissectNull(p, t, false)
	case LinkLoop:
		dissectNull(p, t, true)
	case LinkRaw, LinkRawOpenBSD, LinkRawBSDOS:
		dissectRawIP(p, t)
	case LinkIPv4:
		dissectIP(p, t)
	case LinkIPv6:
		dissectIPv6(p, t)
	case LinkLinuxSLL:
		dissectSLL(p, t)
	case LinkLinuxSLL2:
		dissectSLL2(p, t)
	default:
		if !dissectOtherLink(p, f.LinkType, t) {
			p.proto.set("UNKNOWN")
			p.info.set("WTAP_ENCAP = ")
			p.info.appendUint(uint64(f.LinkType))
		}
	}
}

// appendRelTime prints a time difference as tshark's Time column does:
// seconds with the capture's number of fractional digits, truncated.
func appendRelTime(dst []byte, delta time.Duration, digits int) []byte {
	if digits < 0 || digits > 9 {
		digits = 6
	}
	ns := int64(delta)
	if ns < 0 {
		dst = append(dst, '-')
		ns = -ns
	}
	dst = appendDecimal(dst, uint64(ns/1e9))
	if digits == 0 {
		return dst
	}
	frac := ns % 1e9
	for i := digits; i < 9; i++ {
		frac /= 10
	}
	dst = append(dst, '.')
	return appendPadded(dst, uint64(frac), digits)
}
