package decode

import "strconv"

// Column text limits of Wireshark: Info keeps 4095 bytes, other columns 2047.
const (
	maxInfoLen  = 4095
	maxOtherLen = 2047
)

// column is one text column being built while a frame is dissected, with
// Wireshark's semantics: a fence protects text written so far from later
// set/clear calls (TCP's analysis prefix survives the application's Info),
// and text beyond the column's limit is dropped.
type column struct {
	buf   []byte
	fence int
	max   int
}

func (c *column) reset() {
	c.buf = c.buf[:0]
	c.fence = 0
}

func (c *column) String() string { return string(c.buf) }

// room is how many more bytes fit.
func (c *column) room() int { return c.max - len(c.buf) }

func (c *column) appendStr(s string) {
	if r := c.room(); len(s) > r {
		s = s[:max(r, 0)]
	}
	c.buf = append(c.buf, s...)
}

func (c *column) appendBytes(s []byte) {
	if r := c.room(); len(s) > r {
		s = s[:max(r, 0)]
	}
	c.buf = append(c.buf, s...)
}

// set replaces the text after the fence (col_set_str / col_add_str).
func (c *column) set(s string) {
	c.buf = c.buf[:c.fence]
	c.appendStr(s)
}

// clear truncates to the fence (col_clear).
func (c *column) clear() { c.buf = c.buf[:c.fence] }

// appendSep appends sep first when the column already holds text
// (col_append_sep_str; the fenced part counts as text).
func (c *column) appendSep(sep, s string) {
	if len(c.buf) > 0 {
		c.appendStr(sep)
	}
	c.appendStr(s)
}

// setFence marks the current end as protected (col_set_fence).
func (c *column) setFence() { c.fence = len(c.buf) }

// prepend inserts s at the start; a fence, if any, moves along
// (col_prepend_fstr).
func (c *column) prepend(s string) {
	c.insertFront(s)
	if c.fence > 0 {
		c.fence = min(c.fence+len(s), c.max)
	}
}

// prependFence inserts s at the start and moves the fence past it
// (col_prepend_fence_fstr): used by TCP for its analysis tags.
func (c *column) prependFence(s string) {
	c.insertFront(s)
	c.fence = min(c.fence+len(s), c.max)
}

func (c *column) insertFront(s string) {
	if len(s) > c.max {
		s = s[:c.max]
	}
	old := len(c.buf)
	keep := min(old, c.max-len(s))
	c.buf = append(c.buf, s...) // grow
	c.buf = c.buf[:keep+len(s)]
	copy(c.buf[len(s):], c.buf[:keep])
	copy(c.buf, s)
}

func appendUintBytes(dst []byte, v uint64) []byte { return appendDecimal(dst, v) }

// digitPairs holds "00" to "99", for writing two digits at a time.
const digitPairs = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"

// appendDecimal appends v in decimal, as strconv.AppendUint(dst, v, 10)
// does, straight into dst: frame numbers, lengths, ports, sequence numbers
// and address bytes are formatted several times per frame.
func appendDecimal(dst []byte, v uint64) []byte {
	if v < 10 {
		return append(dst, byte('0'+v))
	}
	if v < 100 {
		return append(dst, digitPairs[2*v], digitPairs[2*v+1])
	}
	n := 3
	for x := v / 1000; x != 0; x /= 10 {
		n++
	}
	l := len(dst)
	dst = append(dst, "00000000000000000000"[:n]...)
	i := l + n
	for v >= 100 {
		q := v / 100
		r := v - q*100
		i -= 2
		dst[i], dst[i+1] = digitPairs[2*r], digitPairs[2*r+1]
		v = q
	}
	if v >= 10 {
		dst[i-2], dst[i-1] = digitPairs[2*v], digitPairs[2*v+1]
	} else {
		dst[i-1] = byte('0' + v)
	}
	return dst
}

// appendUint appends v in decimal.
func (c *column) appendUint(v uint64) {
	if c.room() >= 20 {
		c.buf = appendDecimal(c.buf, v)
		return
	}
	var tmp [20]byte
	c.appendBytes(appendDecimal(tmp[:0], v))
}

// appendInt appends v in decimal.
func (c *column) appendInt(v int64) {
	var tmp [21]byte
	c.appendBytes(strconv.AppendInt(tmp[:0], v, 10))
}
