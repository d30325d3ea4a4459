package sniff

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"time"

	"sniffws/decode"
)

// CSVReader reads tshark's seven-column field output (SPEC §1.2):
//
//	tshark -T fields -l -E separator=, -E quote=d -e _ws.col.No. ... -e _ws.col.Info
//
// tshark does not escape quotes inside a field, so only the first six
// fields are split off by the separator and the rest of the line is Info;
// one pair of outer quotes is stripped from each field. A quoted field ends
// at the first quote followed by the separator, so a separator inside one
// of the first six quoted fields does not cut it. A line that is exactly
// the stop word ("q") ends the input; a line with fewer than seven fields
// is skipped, counted and reported (rate-limited) to the warning writer,
// and so is a line longer than MaxLineBytes, which is never buffered whole.
type CSVReader struct {
	// MaxLineBytes bounds one line (DefaultCSVMaxLine unless changed
	// before the first Next); a longer line is skipped as malformed.
	MaxLineBytes int

	br      *bufio.Reader
	line    []byte // the current line when it is longer than br's buffer
	tooLong bool   // the line just read was cut at MaxLineBytes
	sep     byte
	stop    []byte
	n       int64 // line number, for warnings

	skipped atomic.Uint64

	warn       io.Writer
	now        func() time.Time
	lastWarn   time.Time
	suppressed uint64
}

// DefaultCSVMaxLine is the longest line CSVReader accepts by default:
// tshark's Info column stays far below it, and a pipe that never sends a
// newline cannot make the reader grow without bound.
const DefaultCSVMaxLine = 1 << 20

// CSVWarnInterval is the least time between two short-line warnings; the
// lines skipped in between are summed into the next one.
const CSVWarnInterval = time.Second

// NewCSVReader reads lines from r split by sep (',' if 0), stopping at a
// line equal to stop ("q" if empty; tshark never prints such a line).
// Warnings go to warn (nil for none).
func NewCSVReader(r io.Reader, sep byte, stop string, warn io.Writer) *CSVReader {
	if sep == 0 {
		sep = ','
	}
	if stop == "" {
		stop = "q"
	}
	return &CSVReader{
		MaxLineBytes: DefaultCSVMaxLine,
		br:           bufio.NewReaderSize(r, 64<<10),
		sep:          sep,
		stop:         []byte(stop),
		warn:         warn,
		now:          time.Now,
	}
}

// Skipped is the number of short lines skipped so far; safe to call from
// another goroutine (a metrics scrape).
func (c *CSVReader) Skipped() uint64 { return c.skipped.Load() }

// Next fills rec with the next line's columns. The column slices point
// into the reader's buffer and are valid until the next call. It returns
// io.EOF at the end of the input or at the stop line.
func (c *CSVReader) Next(rec *decode.Record) error {
	for {
		line, err := c.readLine()
		if len(line) == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				c.flushWarning()
			}
			return err
		}
		c.n++
		if bytes.Equal(line, c.stop) {
			c.flushWarning()
			return io.EOF
		}
		if !c.tooLong && c.split(line, rec) {
			return nil
		}
		c.skipped.Add(1)
		c.warnShort(line, c.tooLong)
		if err != nil {
			c.flushWarning()
			return err
		}
	}
}

// readLine returns the next line without its line ending. It reuses
// bufio's buffer, copying only lines longer than it, and keeps at most
// MaxLineBytes of a line (setting tooLong and dropping the rest).
func (c *CSVReader) readLine() ([]byte, error) {
	limit := c.MaxLineBytes
	if limit <= 0 {
		limit = DefaultCSVMaxLine
	}
	c.tooLong = false
	b, err := c.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull || len(b) > limit+2 {
		c.line = append(c.line[:0], b[:min(len(b), limit+1)]...)
		for err == bufio.ErrBufferFull {
			b, err = c.br.ReadSlice('\n')
			if room := limit + 1 - len(c.line); room > 0 {
				c.line = append(c.line, b[:min(len(b), room)]...)
			}
		}
		b = c.line
		if cap(c.line) > 2*limit && cap(c.line) > 64<<10 {
			c.line = nil // do not keep a huge buffer for one odd line
		}
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) > limit {
		c.tooLong = true
		b = b[:limit]
	}
	return b, err
}

// split cuts the first six fields off line and keeps the rest as Info.
func (c *CSVReader) split(line []byte, rec *decode.Record) bool {
	var cols [6][]byte
	rest := line
	for i := range cols {
		var ok bool
		cols[i], rest, ok = c.cutField(rest)
		if !ok {
			return false
		}
	}
	rec.Reset()
	rec.No, rec.Time, rec.Source = cols[0], cols[1], cols[2]
	rec.Destination, rec.Protocol, rec.Length = cols[3], cols[4], cols[5]
	rec.Info = unquote(rest)
	return true
}

// cutField returns the field at the start of b (outer quotes stripped) and
// what follows its separator.
func (c *CSVReader) cutField(b []byte) (field, rest []byte, ok bool) {
	if len(b) > 0 && b[0] == '"' {
		// A quoted field ends at `"` + separator.
		for i := 1; i+1 < len(b); i++ {
			if b[i] == '"' && b[i+1] == c.sep {
				return b[1:i], b[i+2:], true
			}
		}
	}
	i := bytes.IndexByte(b, c.sep)
	if i < 0 {
		return nil, nil, false
	}
	return unquote(b[:i]), b[i+1:], true
}

// unquote strips one pair of outer double quotes.
func unquote(b []byte) []byte {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		return b[1 : len(b)-1]
	}
	return b
}

func (c *CSVReader) warnShort(line []byte, tooLong bool) {
	if c.warn == nil {
		return
	}
	now := c.now()
	if !c.lastWarn.IsZero() && now.Sub(c.lastWarn) < CSVWarnInterval {
		c.suppressed++
		return
	}
	c.lastWarn = now
	const show = 80
	text := line
	if len(text) > show {
		text = text[:show]
	}
	if c.suppressed > 0 {
		fmt.Fprintf(c.warn, "sniffws: stdin: %d more lines with fewer than 7 fields skipped\n", c.suppressed)
		c.suppressed = 0
	}
	if tooLong {
		fmt.Fprintf(c.warn, "sniffws: stdin line %d: longer than %d bytes, skipped: %q...\n", c.n, c.MaxLineBytes, text)
		return
	}
	fmt.Fprintf(c.warn, "sniffws: stdin line %d: fewer than 7 fields, skipped: %q\n", c.n, text)
}

// flushWarning reports lines suppressed since the last warning.
func (c *CSVReader) flushWarning() {
	if c.warn != nil && c.suppressed > 0 {
		fmt.Fprintf(c.warn, "sniffws: stdin: %d more lines with fewer than 7 fields skipped\n", c.suppressed)
		c.suppressed = 0
	}
}
