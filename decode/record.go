package decode

import (
	"encoding/binary"
	"time"
	"unicode/utf8"
)

// Record is one row of output: the seven columns tshark prints for a frame,
// as the bytes it would print them, plus the frame's absolute time.
//
// The column slices are owned by whoever filled the Record and are reused for
// the next frame; copy them (or encode the Record) before asking for another.
type Record struct {
	No          []byte
	Time        []byte
	Source      []byte
	Destination []byte
	Protocol    []byte
	Length      []byte
	Info        []byte

	// Timestamp is the frame's capture time; zero when unknown (stdin CSV).
	Timestamp time.Time
	// TimeDigits is the number of fractional digits of the capture's clock
	// (6 or 9), used to print Timestamp in the JSON "time" key.
	TimeDigits int
}

// Reset empties every column, keeping the buffers for reuse.
func (r *Record) Reset() {
	r.No = r.No[:0]
	r.Time = r.Time[:0]
	r.Source = r.Source[:0]
	r.Destination = r.Destination[:0]
	r.Protocol = r.Protocol[:0]
	r.Length = r.Length[:0]
	r.Info = r.Info[:0]
	r.Timestamp = time.Time{}
	r.TimeDigits = 0
}

// AppendCSV appends the record as tshark's `-T fields -E separator=, -E
// quote=d` prints it: every field in double quotes, nothing escaped inside,
// one line.
func (r *Record) AppendCSV(dst []byte) []byte {
	cols := [...][]byte{r.No, r.Time, r.Source, r.Destination, r.Protocol, r.Length, r.Info}
	for i, c := range cols {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = appendFieldText(dst, c)
		dst = append(dst, '"')
	}
	return append(dst, '\n')
}

// appendFieldText copies a column as tshark's field output does: the few
// control characters that survive dissection are written as C escapes.
func appendFieldText(dst, s []byte) []byte {
	if !hasControl(s) {
		return append(dst, s...)
	}
	for _, c := range s {
		switch c {
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// hasControl reports whether s holds a byte below 0x20, eight bytes at a
// time: a byte b < 0x20 is the one whose b-0x20 borrows while b's top bit
// is clear. Borrows only ever follow a true find, so there is no false
// negative, and a false positive would only cost the escaping loop.
func hasControl(s []byte) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64(s[i:])
		if (w-0x2020202020202020)&^w&0x8080808080808080 != 0 {
			return true
		}
	}
	for ; i < len(s); i++ {
		if s[i] < 0x20 {
			return true
		}
	}
	return false
}

// AppendJSON appends the record as the message DynaGraph reads (SPEC §3):
// the old tshark-pipe keys with string values, plus "time" (absolute, UTC,
// RFC 3339) when the capture time is known. No trailing newline.
func (r *Record) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"wsColNo":`...)
	dst = AppendJSONString(dst, r.No)
	dst = append(dst, `,"wsColTime":`...)
	dst = AppendJSONString(dst, r.Time)
	dst = append(dst, `,"source":`...)
	dst = AppendJSONString(dst, r.Source)
	dst = append(dst, `,"target":`...)
	dst = AppendJSONString(dst, r.Destination)
	dst = append(dst, `,"wsColProtocol":`...)
	dst = AppendJSONString(dst, r.Protocol)
	dst = append(dst, `,"wsColLength":`...)
	dst = AppendJSONString(dst, r.Length)
	dst = append(dst, `,"wsColInfo":`...)
	dst = AppendJSONString(dst, r.Info)
	if !r.Timestamp.IsZero() {
		dst = append(dst, `,"time":"`...)
		dst = AppendTimestamp(dst, r.Timestamp, r.TimeDigits)
		dst = append(dst, '"')
	}
	return append(dst, '}')
}

// AppendTimestamp appends t in UTC as RFC 3339 with exactly digits
// fractional digits (6 when digits is not 1..9).
func AppendTimestamp(dst []byte, t time.Time, digits int) []byte {
	if digits < 1 || digits > 9 {
		digits = 6
	}
	t = t.UTC()
	dst = t.AppendFormat(dst, "2006-01-02T15:04:05")
	dst = append(dst, '.')
	frac := t.Nanosecond()
	for i := digits; i < 9; i++ {
		frac /= 10
	}
	dst = appendPadded(dst, uint64(frac), digits)
	return append(dst, 'Z')
}

// appendPadded appends v in decimal, left-padded with zeros to width digits.
func appendPadded(dst []byte, v uint64, width int) []byte {
	var tmp [20]byte
	s := appendDecimal(tmp[:0], v)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string literal. Invalid UTF-8 becomes
// U+FFFD so the message is always valid JSON; everything else is copied as is.
func AppendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, "\ufffd"...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
