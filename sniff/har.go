package sniff

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// DefaultHARDelta is the old tool's bucket width, in microseconds.
const DefaultHARDelta = 50000

// ErrHARTime is returned for a startedDateTime that is not an ISO 8601
// date and time.
var ErrHARTime = errors.New("startedDateTime is not an ISO 8601 date-time")

// HAR is a HAR log reduced to what the link stream of SPEC §1.3 needs.
type HAR struct {
	// Browser is log.browser.name, or "SomeBrowser" without one.
	Browser string
	Entries []HAREntry
}

// HAREntry is one request of the log.
type HAREntry struct {
	Started  string          // startedDateTime as written
	Time     json.RawMessage // total time in ms, the number as written
	ServerIP json.RawMessage // serverIPAddress as written; nil when absent
	URL      string          // request.url

	start harTime
}

type harFile struct {
	Log struct {
		Browser *struct {
			Name *string `json:"name"`
		} `json:"browser"`
		Entries []struct {
			StartedDateTime *string         `json:"startedDateTime"`
			Time            json.RawMessage `json:"time"`
			ServerIPAddress json.RawMessage `json:"serverIPAddress"`
			Request         *struct {
				URL *string `json:"url"`
			} `json:"request"`
		} `json:"entries"`
	} `json:"log"`
}

// ReadHAR parses a HAR file. Only entries with a serverIPAddress are kept
// (as the old tool did); each kept entry must have a valid startedDateTime
// and a request.url.
func ReadHAR(r io.Reader) (*HAR, error) {
	var f harFile
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		return nil, fmt.Errorf("HAR: %w", err)
	}
	h := &HAR{Browser: "SomeBrowser"}
	if b := f.Log.Browser; b != nil && b.Name != nil {
		h.Browser = *b.Name
	}
	for i, e := range f.Log.Entries {
		if e.ServerIPAddress == nil {
			continue
		}
		if e.StartedDateTime == nil {
			return nil, fmt.Errorf("HAR: entry %d: no startedDateTime", i)
		}
		if e.Request == nil || e.Request.URL == nil {
			return nil, fmt.Errorf("HAR: entry %d: no request.url", i)
		}
		start, err := parseHARTime(*e.StartedDateTime)
		if err != nil {
			return nil, fmt.Errorf("HAR: entry %d: %w: %q", i, err, *e.StartedDateTime)
		}
		h.Entries = append(h.Entries, HAREntry{
			Started:  *e.StartedDateTime,
			Time:     e.Time,
			ServerIP: e.ServerIPAddress,
			URL:      *e.Request.URL,
			start:    start,
		})
	}
	return h, nil
}

// Links emits the messages of SPEC §1.3 for every entry, in order: a
// bucket-to-bucket link when an entry starts more than delta microseconds
// from the current bucket's start, then bucket→server, bucket→URL and
// URL→server. Messages are formatted as Python's json.dumps did, and node
// ids carry the bucket time as datetime.isoformat() prints it, so they
// equal the old tool's. msg is reused after emit returns.
func (h *HAR) Links(delta int64, emit func(msg []byte) error) error {
	if delta < 0 {
		delta = -delta
	}
	var (
		buf    []byte
		bucket harTime
		node   string // "<browser>_<bucket isoformat>"
	)
	for i, e := range h.Entries {
		if i == 0 {
			bucket = e.start
			node = h.Browser + "_" + string(bucket.appendISO(nil))
		}
		if d := e.start.micros - bucket.micros; d > delta || d < -delta {
			next := h.Browser + "_" + string(e.start.appendISO(nil))
			buf = appendLink(buf[:0], node, "browser", nil, next, "browser", &e)
			if err := emit(buf); err != nil {
				return err
			}
			bucket, node = e.start, next
		}
		links := [...]struct {
			source, sourceGroup string
			target              string
			rawTarget           json.RawMessage
			targetGroup         string
		}{
			{source: node, sourceGroup: "browser", rawTarget: e.ServerIP, targetGroup: "server"},
			{source: node, sourceGroup: "browser", target: e.URL, targetGroup: "url"},
			{source: e.URL, rawTarget: e.ServerIP},
		}
		for _, l := range links {
			buf = appendLink(buf[:0], l.source, l.sourceGroup, l.rawTarget, l.target, l.targetGroup, &e)
			if err := emit(buf); err != nil {
				return err
			}
		}
	}
	return nil
}

// appendLink appends one link in json.dumps' layout. The target is raw
// JSON when rawTarget is set (serverIPAddress), else the string target.
// Empty groups are left out.
func appendLink(dst []byte, source, sourceGroup string, rawTarget json.RawMessage, target, targetGroup string, e *HAREntry) []byte {
	dst = append(dst, `{"source": `...)
	dst = appendPyString(dst, source)
	if sourceGroup != "" {
		dst = append(dst, `, "sourceGroup": `...)
		dst = appendPyString(dst, sourceGroup)
	}
	dst = append(dst, `, "target": `...)
	if rawTarget != nil {
		dst = appendPyJSON(dst, rawTarget)
	} else {
		dst = appendPyString(dst, target)
	}
	if targetGroup != "" {
		dst = append(dst, `, "targetGroup": `...)
		dst = appendPyString(dst, targetGroup)
	}
	dst = append(dst, `, "time": `...)
	dst = appendPyString(dst, e.Started)
	dst = append(dst, `, "value": `...)
	if e.Time == nil {
		dst = append(dst, "null"...)
	} else {
		dst = appendPyJSON(dst, e.Time)
	}
	return append(dst, '}')
}

// harTime is a startedDateTime as Python's dateutil parses it: microsecond
// resolution, and either naive or with a fixed UTC offset.
type harTime struct {
	micros int64 // since the Unix epoch; wall clock for naive times
	wall   time.Time
	naive  bool
	offset int // seconds east of UTC
}

// parseHARTime reads YYYY-MM-DD[T ]HH:MM[:SS[.fraction]][Z|±HH[:MM[:SS]]|±HHMM].
// Fraction digits beyond microseconds are dropped, as dateutil does.
func parseHARTime(s string) (harTime, error) {
	var t harTime
	num := func(n int) (int, bool) {
		if len(s) < n {
			return 0, false
		}
		v := 0
		for i := 0; i < n; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		s = s[n:]
		return v, true
	}
	lit := func(c byte) bool {
		if len(s) > 0 && s[0] == c {
			s = s[1:]
			return true
		}
		return false
	}
	year, ok1 := num(4)
	ok2 := lit('-')
	month, ok3 := num(2)
	ok4 := lit('-')
	day, ok5 := num(2)
	ok6 := lit('T') || lit(' ')
	hour, ok7 := num(2)
	ok8 := lit(':')
	minute, ok9 := num(2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7 && ok8 && ok9) {
		return t, ErrHARTime
	}
	sec, usec := 0, 0
	if lit(':') {
		var ok bool
		if sec, ok = num(2); !ok {
			return t, ErrHARTime
		}
		if lit('.') || lit(',') {
			n := 0
			for n < len(s) && s[n] >= '0' && s[n] <= '9' {
				n++
			}
			if n == 0 {
				return t, ErrHARTime
			}
			frac := s[:min(n, 6)] + strings.Repeat("0", max(0, 6-n))
			usec, _ = strconv.Atoi(frac)
			s = s[n:]
		}
	}
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return t, ErrHARTime
	}
	switch {
	case s == "":
		t.naive = true
	case s == "Z" || s == "z":
		t.offset = 0
	case s[0] == '+' || s[0] == '-':
		sign := 1
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
		oh, ok := num(2)
		if !ok {
			return t, ErrHARTime
		}
		om, os := 0, 0
		if s != "" {
			lit(':')
			if om, ok = num(2); !ok {
				return t, ErrHARTime
			}
			if lit(':') {
				if os, ok = num(2); !ok {
					return t, ErrHARTime
				}
			}
		}
		if s != "" || oh > 23 || om > 59 || os > 59 {
			return t, ErrHARTime
		}
		t.offset = sign * (oh*3600 + om*60 + os)
	default:
		return t, ErrHARTime
	}
	wall := time.Date(year, time.Month(month), day, hour, minute, sec, usec*1000, time.UTC)
	if wall.Day() != day {
		return t, ErrHARTime // 31 April and the like
	}
	t.wall = wall
	t.micros = wall.UnixMicro()
	if !t.naive {
		t.micros -= int64(t.offset) * 1e6
	}
	return t, nil
}

// appendISO appends t as Python's datetime.isoformat(): microseconds only
// when non-zero, and the offset as +HH:MM (+HH:MM:SS if it has seconds)
// for aware times.
func (t harTime) appendISO(dst []byte) []byte {
	w := t.wall
	dst = appendInt(dst, w.Year(), 4)
	dst = append(dst, '-')
	dst = appendInt(dst, int(w.Month()), 2)
	dst = append(dst, '-')
	dst = appendInt(dst, w.Day(), 2)
	dst = append(dst, 'T')
	dst = appendInt(dst, w.Hour(), 2)
	dst = append(dst, ':')
	dst = appendInt(dst, w.Minute(), 2)
	dst = append(dst, ':')
	dst = appendInt(dst, w.Second(), 2)
	if us := w.Nanosecond() / 1000; us != 0 {
		dst = append(dst, '.')
		dst = appendInt(dst, us, 6)
	}
	if t.naive {
		return dst
	}
	off := t.offset
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	dst = append(dst, sign)
	dst = appendInt(dst, off/3600, 2)
	dst = append(dst, ':')
	dst = appendInt(dst, off/60%60, 2)
	if off%60 != 0 {
		dst = append(dst, ':')
		dst = appendInt(dst, off%60, 2)
	}
	return dst
}

func appendInt(dst []byte, v, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(v), 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// appendPyString appends s as Python's json.dumps writes a str
// (ensure_ascii): everything outside printable ASCII as \uXXXX.
func appendPyString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	u := func(dst []byte, r rune) []byte {
		return append(dst, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
	}
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			dst = append(dst, '\\', byte(r))
		case r == '\n':
			dst = append(dst, '\\', 'n')
		case r == '\r':
			dst = append(dst, '\\', 'r')
		case r == '\t':
			dst = append(dst, '\\', 't')
		case r == '\b':
			dst = append(dst, '\\', 'b')
		case r == '\f':
			dst = append(dst, '\\', 'f')
		case r >= 0x20 && r <= 0x7e:
			dst = append(dst, byte(r))
		case r > 0xffff:
			r -= 0x10000
			dst = u(dst, 0xd800+(r>>10))
			dst = u(dst, 0xdc00+(r&0x3ff))
		default:
			dst = u(dst, r)
		}
	}
	return append(dst, '"')
}

// appendPyJSON appends a JSON scalar as Python would print it back after
// json.loads: strings re-escaped, integers as written, other numbers as
// repr(float). Anything else (null, true, objects) is copied compactly.
func appendPyJSON(dst []byte, raw json.RawMessage) []byte {
	var v any
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return append(dst, "null"...)
	}
	switch x := v.(type) {
	case string:
		return appendPyString(dst, x)
	case json.Number:
		return appendPyNumber(dst, string(x))
	case nil:
		return append(dst, "null"...)
	case bool:
		if x {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	}
	b, _ := json.Marshal(v)
	return append(dst, b...)
}

// appendPyNumber prints a JSON number the way Python round-trips it: an
// integer stays an integer ("-0" becomes "0"), anything with a fraction or
// exponent becomes a float printed by repr().
func appendPyNumber(dst []byte, n string) []byte {
	if !strings.ContainsAny(n, ".eE") {
		if strings.Trim(n, "-0") == "" {
			return append(dst, '0')
		}
		return append(dst, n...)
	}
	f, err := strconv.ParseFloat(n, 64)
	if err != nil && !math.IsInf(f, 0) {
		return append(dst, n...)
	}
	return appendPyFloat(dst, f)
}

// appendPyFloat is Python's repr(float): the shortest round-tripping
// digits, positional for decimal exponents -4..15, else d.ddde±XX.
func appendPyFloat(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	mant, exps, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(exps)
	neg := strings.HasPrefix(mant, "-")
	mant = strings.TrimPrefix(mant, "-")
	digits := strings.Replace(mant, ".", "", 1)
	if neg {
		dst = append(dst, '-')
	}
	if exp < -4 || exp >= 16 {
		dst = append(dst, digits[0])
		if len(digits) > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e')
		if exp < 0 {
			dst = append(dst, '-')
			exp = -exp
		} else {
			dst = append(dst, '+')
		}
		return appendInt(dst, exp, 2)
	}
	if exp < 0 {
		dst = append(dst, "0."...)
		dst = append(dst, strings.Repeat("0", -exp-1)...)
		return append(dst, digits...)
	}
	if len(digits) <= exp+1 {
		dst = append(dst, digits...)
		dst = append(dst, strings.Repeat("0", exp+1-len(digits))...)
		return append(dst, ".0"...)
	}
	dst = append(dst, digits[:exp+1]...)
	dst = append(dst, '.')
	return append(dst, digits[exp+1:]...)
}
