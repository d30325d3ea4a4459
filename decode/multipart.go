package decode

import "bytes"

// MIME multipart bodies (RFC 2046), as packet-multipart.c walks them: it
// writes nothing itself but fences Info, then gives each part to the
// dissector of the part's Content-Type (or " (type)"), so the parts'
// texts follow each other: " (text/plain) (image/jpeg)".

// multipartInfo is what a multipart body needs from its media type.
type multipartInfo struct {
	boundary []byte
	protocol []byte // multipart/encrypted only
}

// dissectMultipart is dissect_multipart.
func dissectMultipart(p *packet, t tvb, mi *mediaInfo) int {
	m := getMultipartInfo(mi)
	if m == nil {
		return max(t.reported, 1) // shown as data
	}
	if !p.readOnly {
		p.info.setFence()
	}
	start, last := multipartPreamble(t, m.boundary)
	if start == -1 {
		return max(t.reported, 1)
	}
	for idx := 0; !last; idx++ {
		start = multipartBodyPart(p, t, mi, m, start, idx, &last)
		if start == -1 {
			break
		}
	}
	return max(t.reported, 1)
}

func getMultipartInfo(mi *mediaInfo) *multipartInfo {
	if mi == nil || mi.params == nil {
		return nil
	}
	params, _ := unfoldMIMEHeader(mi.params)
	boundary := findMediaTypeParameter(params, "boundary")
	if boundary == nil {
		return nil
	}
	m := &multipartInfo{boundary: boundary}
	if len(mi.match) >= 19 && mi.match[:19] == "multipart/encrypted" {
		m.protocol = findMediaTypeParameter(params, "protocol")
		if m.protocol == nil {
			return nil
		}
	}
	return m
}

// tvbStrneql compares captured bytes at off (negative: from the end) with s.
func tvbStrneql(t tvb, off int, s []byte) bool {
	if off < 0 {
		off += t.len()
		if off < 0 {
			return false
		}
	}
	return t.has(off, len(s)) && bytes.Equal(t.b[off:off+len(s)], s)
}

var dashDash = []byte("--")

// multipartPreamble is process_preamble: the offset of the first body
// part (-1: no boundary) and whether the first boundary was the last.
func multipartPreamble(t tvb, boundary []byte) (int, bool) {
	offset := 0
	for offset+2+len(boundary) < t.len() {
		start := offset
		if tvbStrneql(t, offset, dashDash) && tvbStrneql(t, offset+2, boundary) {
			after := offset + 2 + len(boundary)
			last := after+2 <= t.reported && tvbStrneql(t, after, dashDash)
			_, next := findLineEnd(t, offset, -1, false)
			lineLen := next - start
			if start == 0 {
				return lineLen, last
			}
			if lineLen > 0 {
				return start + lineLen, last
			}
			return -1, last
		}
		_, next := findLineEnd(t, offset, -1, false)
		offset = next
	}
	return -1, false
}

// multipartNextBoundary is find_next_boundary: where the line end before
// the next boundary starts, and the length up to the next part.
func multipartNextBoundary(t tvb, offset int, boundary []byte, last *bool) (int, int) {
	for offset+2+len(boundary) < t.len() {
		lineLen, next := findLineEnd(t, offset, -1, false)
		start := offset + lineLen
		if tvbStrneql(t, next, dashDash) && tvbStrneql(t, next+2, boundary) {
			after := next + 2 + len(boundary)
			*last = after+2 <= t.reported && tvbStrneql(t, after, dashDash)
			_, end := findLineEnd(t, next, -1, false)
			return start, end - start
		}
		if tvbStrneql(t, start-2, dashDash) && tvbStrneql(t, start-(2+len(boundary)), boundary) &&
			tvbStrneql(t, start-(2+len(boundary)+2), dashDash) {
			start -= 2 + len(boundary) + 2
			*last = true
			return start, next - start
		}
		offset = next
	}
	return -1, 0
}

// multipartBodyPart is process_body_part: the part's headers, then its
// body to its media type's dissector. It returns the next part's offset.
func multipartBodyPart(p *packet, t tvb, outer *mediaInfo, m *multipartInfo, start, idx int, last *bool) int {
	boundaryStart, boundaryLineLen := multipartNextBoundary(t, start, m.boundary, last)
	if boundaryStart <= 0 {
		return -1
	}
	offset, next := start, 0
	lastField := false
	var contentType, params, encoding []byte
	haveCT, rawData := false, false
	for !lastField {
		next = imfFindFieldEnd(t, offset, t.reportedRemaining(offset)+offset, &lastField)
		switch {
		case lastField && next+2 <= boundaryStart:
			next += 2
		case next-2 == boundaryStart:
			lastField = true
			next -= 2
		case next > boundaryStart:
			next = boundaryStart
		}
		raw := imfBytes(t, offset, next-offset)
		hdr, colon := unfoldMIMEHeader(asciiReplace(raw))
		if colon <= 0 {
			next = offset
			break
		}
		kind := multipartHeaderKind(hdr[:colon])
		if kind == "" {
			if !isPrintASCIIString(hdr) {
				next = offset
				break
			}
			offset = next
			continue
		}
		value := hdr[colon+1:]
		switch kind {
		case "content-type":
			params = nil
			if i := bytes.IndexByte(value, ';'); i >= 0 {
				params = value[i+1:]
				value = value[:i]
			}
			contentType = bytes.ToLower(value)
			haveCT = true
			rawData = bytes.HasPrefix(contentType, []byte("application/octet-stream"))
			if m.protocol != nil && idx == 0 && (rawData || !(len(contentType) >= len(m.protocol) &&
				asciiEqualFold(contentType[:len(m.protocol)], string(m.protocol)))) {
				return -1
			}
		case "content-encoding":
			if i := bytes.IndexByte(value, '\r'); i >= 0 {
				value = value[:i]
			}
			encoding = bytes.ToLower(value)
		}
		offset = next
	}
	bodyStart := next
	body := t.subLen(bodyStart, boundaryStart-bodyStart)
	if !rawData && haveCT {
		if encoding != nil && (bytes.HasPrefix(encoding, []byte("gzip")) || bytes.HasPrefix(encoding, []byte("deflate")) ||
			bytes.HasPrefix(encoding, []byte("x-gzip")) || bytes.HasPrefix(encoding, []byte("x-deflate"))) {
			if out, ok := zlibUncompress(body.b); ok {
				body = newRealTvb(out)
			}
		}
		ct := string(contentType)
		mi := mediaInfo{match: ct, params: params, httpType: outer.httpType}
		if fn := lookupMediaType(ct); fn == nil || fn(p, body, &mi) == 0 {
			dissectDefaultMedia(p, body, &mi)
		}
	}
	t.ensure(boundaryStart, boundaryLineLen)
	return boundaryStart + boundaryLineLen
}

// multipartHeaderKind is is_known_multipart_header, by lower-case name.
func multipartHeaderKind(name []byte) string {
	for _, h := range [...]struct{ name, compact string }{
		{"content-description", ""}, {"content-disposition", ""}, {"content-encoding", "e"},
		{"content-id", ""}, {"content-language", ""}, {"content-length", "l"},
		{"content-transfer-encoding", ""}, {"content-type", "c"}, {"originalcontent", ""},
	} {
		if asciiEqualFold(name, h.name) || (h.compact != "" && asciiEqualFold(name, h.compact)) {
			return h.name
		}
	}
	return ""
}

// asciiReplace is tvb_get_string_enc(ENC_ASCII) as a C string: bytes
// above 0x7f become U+FFFD and a NUL ends it.
func asciiReplace(b []byte) []byte {
	b = cString(b)
	for _, c := range b {
		if c >= 0x80 {
			out := make([]byte, 0, len(b)+8)
			for _, c := range b {
				if c >= 0x80 {
					out = append(out, 0xef, 0xbf, 0xbd)
				} else {
					out = append(out, c)
				}
			}
			return out
		}
	}
	return b
}

func isPrintASCIIString(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// unfoldMIMEHeader is unfold_and_compact_mime_header: folded lines are
// joined, blanks around separators dropped, other runs of blanks become
// one, quoted strings kept; it stops at a line end that is not a fold.
// colon is the offset of the first ':' in the result (-1: none).
func unfoldMIMEHeader(lines []byte) ([]byte, int) {
	lines = cString(lines)
	out := make([]byte, 0, len(lines))
	sepSeen, lws := false, false
	colon := -1
	at := func(i int) byte {
		if i < len(lines) {
			return lines[i]
		}
		return 0
	}
	for i := 0; i < len(lines); {
		c := lines[i]
		switch {
		case c == ':':
			lws = false
			if colon == -1 {
				colon = len(out)
			}
			out = append(out, c)
			sepSeen = true
			i++
		case c == ';' || c == ',' || c == '=':
			lws = false
			out = append(out, c)
			sepSeen = true
			i++
		case c == ' ' || c == '\t':
			lws = true
			i++
		case c == '\n':
			lws = false
			n := at(i + 1)
			if n == 0 {
				return out, colon // the LF is the last byte; C loops on it
			}
			if n == ' ' || n == '\t' {
				lws = true
				i += 2
			} else {
				return out, colon
			}
		case c == '\r':
			lws = false
			n := at(i + 1)
			switch {
			case n == 0:
				return out, colon
			case n == '\n':
				n2 := at(i + 2)
				if n2 == 0 {
					return out, colon
				}
				if n2 == ' ' || n2 == '\t' {
					lws = true
					i += 3
				} else {
					return out, colon
				}
			case n == ' ' || n == '\t':
				lws = true
				i += 2
			default:
				return out, colon
			}
		case c == '"':
			lws = false
			out = append(out, c)
			i++
			for i < len(lines) {
				c = lines[i]
				out = append(out, c)
				i++
				if c == '\\' {
					if i < len(lines) {
						out = append(out, lines[i])
						i++
					}
				} else if c == '"' {
					break
				}
			}
		default:
			if sepSeen {
				sepSeen = false
			} else if lws {
				out = append(out, ' ')
			}
			lws = false
			out = append(out, c)
			i++
		}
	}
	return out, colon
}

// findMediaTypeParameter is ws_find_media_type_parameter: the value of
// the named parameter (quotes removed), nil when absent or valueless.
func findMediaTypeParameter(params []byte, key string) []byte {
	p := params
	for len(p) > 0 {
		for len(p) > 0 && isCSpace(p[0]) {
			p = p[1:]
		}
		if len(p) == 0 {
			return nil
		}
		i := 0
		for i < len(p) && p[i] != '=' && p[i] != ';' {
			i++
		}
		name := p[:i]
		var value []byte
		hasValue := i < len(p) && p[i] == '='
		if i < len(p) && p[i] == ';' {
			p = p[i+1:]
		} else if !hasValue {
			p = p[i:]
		} else {
			p = p[i+1:]
			value = p
			j := 0
			if j < len(p) && p[j] == '"' {
				j++
				for j < len(p) && p[j] != '"' {
					if p[j] == '\\' {
						j++
						if j >= len(p) {
							break
						}
					}
					j++
				}
			}
			for j < len(p) && p[j] != ';' {
				j++
			}
			if j < len(p) {
				p = p[j+1:]
			} else {
				p = p[j:]
			}
		}
		if asciiEqualFold(name, key) {
			if !hasValue {
				return nil
			}
			return mediaParameterValue(value)
		}
	}
	return nil
}

func mediaParameterValue(v []byte) []byte {
	out := []byte{}
	if len(v) > 0 && v[0] == '"' {
		for i := 1; i < len(v); i++ {
			c := v[i]
			if c == '"' {
				break
			}
			if c == '\\' {
				i++
				if i >= len(v) {
					break
				}
				c = v[i]
			}
			out = append(out, c)
		}
		return out
	}
	for _, c := range v {
		if c <= ' ' || c >= 0x7f || bytes.IndexByte([]byte("()<>@,;:\\\"/[]?={}"), c) >= 0 {
			break
		}
		out = append(out, c)
	}
	return out
}
