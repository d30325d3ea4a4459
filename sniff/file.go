package sniff

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"time"

	"sniffws/decode"
)

// Limits on what a capture file may declare. Buffers grow only as bytes
// actually arrive, so a lying length costs nothing before it is caught.
const (
	// maxPacketLen is libpcap's and Wireshark's largest snapshot length.
	maxPacketLen = 262144
	// maxBlockLen bounds a pcapng block (Wireshark uses the same 16 MiB).
	maxBlockLen = 16 * 1024 * 1024
	readChunk   = 64 * 1024
	// readBuffer is the read-ahead: a record that fits in it is handed out
	// as a view of the buffer, without a copy (peekRecord).
	readBuffer = 256 * 1024
)

const (
	pcapMagicMicro   = 0xa1b2c3d4
	pcapMagicNano    = 0xa1b23c4d
	pcapngBlockSHB   = 0x0a0d0d0a
	pcapngByteOrder  = 0x1a2b3c4d
	pcapngBlockIDB   = 1
	pcapngBlockPB    = 2
	pcapngBlockSPB   = 3
	pcapngBlockEPB   = 6
	pcapngOptEnd     = 0
	pcapngOptTSResol = 9
	pcapngOptTSOff   = 14
)

// FileSource reads pcap and pcapng captures, the formats tcpdump and
// Wireshark write.
type FileSource struct {
	name   string
	r      *bufio.Reader
	closer io.Closer
	off    int64 // bytes consumed so far
	buf    []byte
	hdr    [16]byte

	ng    bool
	order binary.ByteOrder

	// pcap
	linkType decode.LinkType
	nano     bool
	snaplen  uint32

	// pcapng
	ifaces []ngInterface
}

type ngInterface struct {
	linkType decode.LinkType
	snaplen  uint32
	// Timestamps count units of 10^-exp10 seconds, or 2^-exp2 when pow2.
	pow2     bool
	exp      uint8
	digits   int
	tsOffset int64
}

// OpenFile opens a capture file; "-" reads standard input.
func OpenFile(name string) (*FileSource, error) {
	if name == "-" {
		return NewFileSource("standard input", os.Stdin, nil)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	s, err := NewFileSource(name, f, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// NewFileSource reads a capture from r; name is used in errors.
func NewFileSource(name string, r io.Reader, closer io.Closer) (*FileSource, error) {
	s := &FileSource{name: name, r: bufio.NewReaderSize(r, readBuffer), closer: closer}
	hdr, err := s.read(4)
	if err != nil {
		return nil, s.fail(0, ErrNotCapture, "file is shorter than a capture header")
	}
	switch {
	case binary.LittleEndian.Uint32(hdr) == pcapngBlockSHB:
		s.ng = true
		if err := s.readSHB(0); err != nil {
			return nil, err
		}
	case binary.LittleEndian.Uint32(hdr) == pcapMagicMicro || binary.LittleEndian.Uint32(hdr) == pcapMagicNano:
		s.order = binary.LittleEndian
	case binary.BigEndian.Uint32(hdr) == pcapMagicMicro || binary.BigEndian.Uint32(hdr) == pcapMagicNano:
		s.order = binary.BigEndian
	default:
		return nil, s.fail(0, ErrNotCapture, fmt.Sprintf("unknown magic number 0x%08x", binary.BigEndian.Uint32(hdr)))
	}
	if !s.ng {
		s.nano = s.order.Uint32(hdr) == pcapMagicNano
		rest, err := s.read(20)
		if err != nil {
			return nil, s.fail(4, ErrTruncated, "in the file header")
		}
		s.snaplen = s.order.Uint32(rest[12:])
		// The top bits of the link type field carry FCS information.
		s.linkType = decode.LinkType(s.order.Uint32(rest[16:]) & 0x0fffffff)
	}
	return s, nil
}

// Close closes the underlying file.
func (s *FileSource) Close() error {
	if s.closer != nil {
		return s.closer.Close()
	}
	return nil
}

// Name is the file's name as given.
func (s *FileSource) Name() string { return s.name }

func (s *FileSource) fail(off int64, err error, detail string) error {
	return &FileError{Name: s.name, Offset: off, Err: err, Detail: detail}
}

// read returns the next n bytes in the reused buffer, growing it in chunks
// as data arrives.
func (s *FileSource) read(n int) ([]byte, error) {
	if cap(s.buf) < min(n, readChunk) {
		s.buf = make([]byte, 0, max(min(n, readChunk), 4096))
	}
	s.buf = s.buf[:0]
	for len(s.buf) < n {
		want := min(n-len(s.buf), readChunk)
		if cap(s.buf)-len(s.buf) < want {
			grown := make([]byte, len(s.buf), len(s.buf)+max(want, len(s.buf)))
			copy(grown, s.buf)
			s.buf = grown
		}
		start := len(s.buf)
		s.buf = s.buf[:start+want]
		got, err := io.ReadFull(s.r, s.buf[start:])
		s.off += int64(got)
		if err != nil {
			s.buf = s.buf[:start+got]
			if err == io.ErrUnexpectedEOF {
				err = io.EOF
			}
			return s.buf, err
		}
	}
	return s.buf, nil
}

// peekRecord returns the next n bytes as a view of the read buffer, or
// false when they are not all there (end of file, error, or a record larger
// than the buffer): the caller then takes the copying path, which reports
// what is wrong. The view is valid until the next read.
func (s *FileSource) peekRecord(n int) ([]byte, bool) {
	if n > s.r.Size() {
		return nil, false
	}
	b, err := s.r.Peek(n)
	return b, err == nil
}

// consume skips n bytes already peeked.
func (s *FileSource) consume(n int) {
	s.r.Discard(n)
	s.off += int64(n)
}

// Next reads the next frame.
func (s *FileSource) Next(f *decode.Frame) error {
	if s.ng {
		return s.nextNG(f)
	}
	if hdr, ok := s.peekRecord(16); ok {
		if caplen := s.order.Uint32(hdr[8:]); caplen <= maxPacketLen {
			if rec, ok := s.peekRecord(16 + int(caplen)); ok {
				s.consume(len(rec))
				s.pcapFrame(f, rec[:16], rec[16:])
				return nil
			}
		}
	}
	start := s.off
	hdr, err := s.read(16)
	if err != nil {
		if len(hdr) == 0 {
			return io.EOF
		}
		return s.fail(start, ErrTruncated, "in a packet header")
	}
	caplen := s.order.Uint32(hdr[8:])
	if caplen > maxPacketLen {
		return s.fail(start, ErrCorrupt, fmt.Sprintf("packet claims %d captured bytes, more than the maximum of %d", caplen, maxPacketLen))
	}
	hdr = append(s.hdr[:0], hdr...) // read reuses the buffer hdr is in
	data, err := s.read(int(caplen))
	if err != nil {
		return s.fail(start, ErrTruncated, fmt.Sprintf("packet data: %d of %d bytes", len(data), caplen))
	}
	s.pcapFrame(f, hdr, data)
	return nil
}

// pcapFrame fills f from a pcap record header and its data.
func (s *FileSource) pcapFrame(f *decode.Frame, hdr, data []byte) {
	sec := s.order.Uint32(hdr[0:])
	frac := s.order.Uint32(hdr[4:])
	wirelen := s.order.Uint32(hdr[12:])
	ns := int64(frac)
	digits := 9
	if !s.nano {
		ns *= 1000
		digits = 6
	}
	f.Data = data
	f.WireLen = int(wirelen)
	f.Timestamp = time.Unix(int64(sec), ns)
	f.TimeDigits = digits
	f.LinkType = s.linkType
	f.Interface = 0
}

func (s *FileSource) readSHB(start int64) error {
	// The block type was read; the length follows, then the byte-order magic.
	b, err := s.read(8)
	if err != nil {
		return s.fail(start, ErrTruncated, "in a section header block")
	}
	switch {
	case binary.LittleEndian.Uint32(b[4:]) == pcapngByteOrder:
		s.order = binary.LittleEndian
	case binary.BigEndian.Uint32(b[4:]) == pcapngByteOrder:
		s.order = binary.BigEndian
	default:
		return s.fail(start, ErrCorrupt, "section header block has a bad byte-order magic")
	}
	blen := s.order.Uint32(b)
	if blen < 28 || blen%4 != 0 || blen > maxBlockLen {
		return s.fail(start, ErrCorrupt, fmt.Sprintf("section header block length %d", blen))
	}
	if _, err := s.read(int(blen) - 12); err != nil {
		return s.fail(start, ErrTruncated, "in a section header block")
	}
	// A new section starts a new set of interfaces.
	s.ifaces = s.ifaces[:0]
	return nil
}

func (s *FileSource) nextNG(f *decode.Frame) error {
	for {
		start := s.off
		btype, body, err := s.nextBlock(start)
		if err != nil {
			return err
		}
		switch btype {
		case pcapngBlockIDB:
			if err := s.parseIDB(start, body); err != nil {
				return err
			}
		case pcapngBlockEPB, pcapngBlockPB:
			return s.parsePacket(start, btype, body, f)
		case pcapngBlockSPB:
			return s.parseSimple(start, body, f)
		}
		// Other blocks (name resolution, statistics, secrets, custom) carry
		// no frames; a section header was read by nextBlock.
	}
}

// nextBlock reads the next pcapng block and returns its type and body
// (without the length fields), valid until the next read. A section header
// block is handled here and returned as type pcapngBlockSHB.
func (s *FileSource) nextBlock(start int64) (uint32, []byte, error) {
	if b, ok := s.peekRecord(8); ok && binary.LittleEndian.Uint32(b) != pcapngBlockSHB {
		blen := s.order.Uint32(b[4:])
		if blen >= 12 && blen%4 == 0 && blen <= maxBlockLen {
			if blk, ok := s.peekRecord(int(blen)); ok && s.order.Uint32(blk[blen-4:]) == blen {
				s.consume(int(blen))
				return s.order.Uint32(blk), blk[8 : blen-4], nil
			}
		}
	}
	hdr, err := s.read(4)
	if err != nil {
		if len(hdr) == 0 {
			return 0, nil, io.EOF
		}
		return 0, nil, s.fail(start, ErrTruncated, "in a block header")
	}
	if binary.LittleEndian.Uint32(hdr) == pcapngBlockSHB {
		return pcapngBlockSHB, nil, s.readSHB(start)
	}
	btype := s.order.Uint32(hdr)
	lb, err := s.read(4)
	if err != nil {
		return 0, nil, s.fail(start, ErrTruncated, "in a block header")
	}
	blen := s.order.Uint32(lb)
	if blen < 12 || blen%4 != 0 || blen > maxBlockLen {
		return 0, nil, s.fail(start, ErrCorrupt, fmt.Sprintf("block of type %d has length %d", btype, blen))
	}
	body, err := s.read(int(blen) - 8)
	if err != nil {
		return 0, nil, s.fail(start, ErrTruncated, fmt.Sprintf("block of type %d: %d of %d bytes", btype, len(body)+8, blen))
	}
	if trailer := s.order.Uint32(body[len(body)-4:]); trailer != blen {
		return 0, nil, s.fail(start, ErrCorrupt, fmt.Sprintf("block length %d does not match its trailer %d", blen, trailer))
	}
	return btype, body[:len(body)-4], nil
}

func (s *FileSource) parseIDB(start int64, body []byte) error {
	if len(body) < 8 {
		return s.fail(start, ErrCorrupt, "interface description block too short")
	}
	ifc := ngInterface{
		linkType: decode.LinkType(s.order.Uint16(body[0:])),
		snaplen:  s.order.Uint32(body[4:]),
		exp:      6,
		digits:   6,
	}
	opts := body[8:]
	for len(opts) >= 4 {
		code := s.order.Uint16(opts[0:])
		olen := int(s.order.Uint16(opts[2:]))
		if code == pcapngOptEnd {
			break
		}
		padded := (olen + 3) &^ 3
		if 4+olen > len(opts) {
			return s.fail(start, ErrCorrupt, "interface option runs past its block")
		}
		val := opts[4 : 4+olen]
		switch code {
		case pcapngOptTSResol:
			if olen >= 1 {
				r := val[0]
				ifc.pow2 = r&0x80 != 0
				ifc.exp = r & 0x7f
				if ifc.pow2 {
					ifc.digits = 9
					if ifc.exp > 63 {
						return s.fail(start, ErrUnsupported, fmt.Sprintf("timestamp resolution 2^-%d", ifc.exp))
					}
				} else {
					ifc.digits = min(int(ifc.exp), 9)
					if ifc.exp > 19 {
						return s.fail(start, ErrUnsupported, fmt.Sprintf("timestamp resolution 10^-%d", ifc.exp))
					}
				}
			}
		case pcapngOptTSOff:
			if olen == 8 {
				ifc.tsOffset = int64(s.order.Uint64(val))
			}
		}
		if 4+padded > len(opts) {
			break
		}
		opts = opts[4+padded:]
	}
	s.ifaces = append(s.ifaces, ifc)
	return nil
}

func (s *FileSource) iface(start int64, id uint32) (*ngInterface, error) {
	if int(id) >= len(s.ifaces) {
		return nil, s.fail(start, ErrCorrupt, fmt.Sprintf("packet refers to interface %d, but only %d are described", id, len(s.ifaces)))
	}
	return &s.ifaces[id], nil
}

func (s *FileSource) parsePacket(start int64, btype uint32, body []byte, f *decode.Frame) error {
	if len(body) < 20 {
		return s.fail(start, ErrCorrupt, "packet block too short")
	}
	var id uint32
	if btype == pcapngBlockEPB {
		id = s.order.Uint32(body[0:])
	} else {
		id = uint32(s.order.Uint16(body[0:]))
	}
	ifc, err := s.iface(start, id)
	if err != nil {
		return err
	}
	ts := uint64(s.order.Uint32(body[4:]))<<32 | uint64(s.order.Uint32(body[8:]))
	caplen := s.order.Uint32(body[12:])
	wirelen := s.order.Uint32(body[16:])
	if uint64(caplen) > uint64(len(body)-20) {
		return s.fail(start, ErrCorrupt, fmt.Sprintf("packet claims %d captured bytes in a block holding %d", caplen, len(body)-20))
	}
	f.Data = body[20 : 20+caplen]
	f.WireLen = int(wirelen)
	f.Timestamp = ifc.time(ts)
	f.TimeDigits = ifc.digits
	f.LinkType = ifc.linkType
	f.Interface = int(id)
	return nil
}

func (s *FileSource) parseSimple(start int64, body []byte, f *decode.Frame) error {
	if len(body) < 4 {
		return s.fail(start, ErrCorrupt, "simple packet block too short")
	}
	ifc, err := s.iface(start, 0)
	if err != nil {
		return err
	}
	wirelen := s.order.Uint32(body)
	caplen := min(wirelen, uint32(len(body)-4))
	if ifc.snaplen != 0 && caplen > ifc.snaplen {
		caplen = ifc.snaplen
	}
	f.Data = body[4 : 4+caplen]
	f.WireLen = int(wirelen)
	f.Timestamp = time.Unix(0, 0)
	f.TimeDigits = ifc.digits
	f.LinkType = ifc.linkType
	f.Interface = 0
	return nil
}

// time converts a timestamp in the interface's units.
func (ifc *ngInterface) time(ts uint64) time.Time {
	var sec, ns uint64
	if ifc.pow2 {
		sec = ts >> ifc.exp
		frac := ts & (1<<ifc.exp - 1)
		if ifc.exp > 0 {
			// frac * 1e9 / 2^exp in 128-bit arithmetic.
			hi, lo := bits.Mul64(frac, 1e9)
			ns = hi<<(64-ifc.exp) | lo>>ifc.exp
		}
	} else {
		div := uint64(1)
		for i := uint8(0); i < ifc.exp; i++ {
			div *= 10
		}
		sec = ts / div
		frac := ts % div
		switch {
		case ifc.exp <= 9:
			for i := ifc.exp; i < 9; i++ {
				frac *= 10
			}
		default:
			for i := ifc.exp; i > 9; i-- {
				frac /= 10
			}
		}
		ns = frac
	}
	return time.Unix(int64(sec)+ifc.tsOffset, int64(ns))
}

// IsFileError reports whether err describes damage in a capture file.
func IsFileError(err error) bool {
	var fe *FileError
	return errors.As(err, &fe)
}
