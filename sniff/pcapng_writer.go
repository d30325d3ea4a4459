package sniff

import (
	"bufio"
	"encoding/binary"
	"io"

	"sniffws/decode"
)

// PcapngWriter saves frames as pcapng (what `-w FILE` writes): one
// interface description per link type and clock precision met, so that
// tshark shows the copy with the same columns as the original.
type PcapngWriter struct {
	w      *bufio.Writer
	ifaces map[ngKey]uint32
	buf    []byte
	err    error
}

// NewPcapngWriter writes the section header to w.
func NewPcapngWriter(w io.Writer) (*PcapngWriter, error) {
	pw := &PcapngWriter{w: bufio.NewWriterSize(w, 1<<16), ifaces: map[ngKey]uint32{}}
	b := pw.buf[:0]
	b = binary.LittleEndian.AppendUint32(b, pcapngBlockSHB)
	b = binary.LittleEndian.AppendUint32(b, 28)
	b = binary.LittleEndian.AppendUint32(b, pcapngByteOrder)
	b = binary.LittleEndian.AppendUint16(b, 1) // version 1.0
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint64(b, 0xffffffffffffffff) // section length unknown
	b = binary.LittleEndian.AppendUint32(b, 28)
	pw.buf = b
	_, err := pw.w.Write(b)
	return pw, err
}

// Write appends one frame.
func (pw *PcapngWriter) Write(f *decode.Frame) error {
	if pw.err != nil {
		return pw.err
	}
	digits := f.TimeDigits
	if digits < 0 || digits > 9 {
		digits = 9
	}
	key := ngKey{f.LinkType, digits}
	id, ok := pw.ifaces[key]
	if !ok {
		id = uint32(len(pw.ifaces))
		pw.ifaces[key] = id
		b := pw.buf[:0]
		b = binary.LittleEndian.AppendUint32(b, pcapngBlockIDB)
		b = binary.LittleEndian.AppendUint32(b, 32)
		b = binary.LittleEndian.AppendUint16(b, uint16(f.LinkType))
		b = binary.LittleEndian.AppendUint16(b, 0)
		b = binary.LittleEndian.AppendUint32(b, DefaultSnaplen)
		// if_tsresol = 10^-digits, then end of options.
		b = binary.LittleEndian.AppendUint16(b, pcapngOptTSResol)
		b = binary.LittleEndian.AppendUint16(b, 1)
		b = append(b, byte(digits), 0, 0, 0)
		b = binary.LittleEndian.AppendUint32(b, 0)
		b = binary.LittleEndian.AppendUint32(b, 32)
		pw.buf = b
		if _, pw.err = pw.w.Write(b); pw.err != nil {
			return pw.err
		}
	}
	padded := (len(f.Data) + 3) &^ 3
	blen := uint32(32 + padded)
	ts := uint64(f.Timestamp.UnixNano())
	for i := digits; i < 9; i++ {
		ts /= 10
	}
	b := pw.buf[:0]
	b = binary.LittleEndian.AppendUint32(b, pcapngBlockEPB)
	b = binary.LittleEndian.AppendUint32(b, blen)
	b = binary.LittleEndian.AppendUint32(b, id)
	b = binary.LittleEndian.AppendUint32(b, uint32(ts>>32))
	b = binary.LittleEndian.AppendUint32(b, uint32(ts))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(f.Data)))
	b = binary.LittleEndian.AppendUint32(b, uint32(f.WireLen))
	b = append(b, f.Data...)
	for i := len(f.Data); i < padded; i++ {
		b = append(b, 0)
	}
	b = binary.LittleEndian.AppendUint32(b, blen)
	pw.buf = b
	_, pw.err = pw.w.Write(b)
	return pw.err
}

// Flush writes buffered blocks out; call it before closing the file.
func (pw *PcapngWriter) Flush() error {
	if pw.err != nil {
		return pw.err
	}
	return pw.w.Flush()
}

type ngKey struct {
	linkType decode.LinkType
	digits   int
}
