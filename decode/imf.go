package decode

import "bytes"

// The Internet Message Format (RFC 5322) summary that SMTP, POP and HTTP
// (message/rfc822) show, as packet-imf.c writes it: Protocol gets "/IMF"
// behind a fence; Info is cleared and gets "from: ..., subject: ..., "
// (the fields flagged for the Info column, in message order), then either
// the body's media type dissector (only when Content-Type has parameters:
// the type is taken up to its ';') or every body line, line ends shown as
// blanks, joined with ", ".

func init() {
	imfDissector = func(p *packet, t tvb) int {
		dissectIMF(p, t)
		return max(t.len(), 1)
	}
}

// imfInfoFields are the fields shown in Info, by lower-case name.
var imfInfoFields = map[string]bool{"from": true, "subject": true}

// dissectIMF dissects a whole message. Callers (SMTP, POP, HTTP) pass the
// message bytes from the first header on.
func dissectIMF(p *packet, t tvb) {
	if !p.readOnly && !p.protoReadOnly {
		p.proto.appendStr("/")
		p.proto.setFence()
		p.proto.set("IMF")
	}
	p.clearInfo()

	maxLength := t.len()
	start := 0
	end := 0
	lastField := false
	var contentType, params []byte
	haveCT := false
	var transferEncoding []byte
	var key [32]byte
	for !lastField {
		colon := bytes.IndexByte(t.b[start:maxLength], ':')
		if colon < 0 {
			end = -1 // the search result is what ends up giving the body's start
			break
		}
		colon += start
		name := key[:0]
		for _, c := range t.b[start:colon] {
			if len(name) == cap(name) {
				name = name[:0:0] // too long to be a known field
				break
			}
			name = append(name, lowerASCII(c))
		}
		field := string(name)
		showInInfo := imfInfoFields[field]
		start = colon + 1
		end = imfFindFieldEnd(t, start, maxLength, &lastField)
		if end == -1 {
			break
		}
		value := start
		for value < end && isCSpace(t.u8(value)) {
			value++
		}
		if value == end {
			value = start
		}
		vlen := end - value - 2
		if showInInfo && !p.readOnly {
			p.info.appendStr(field)
			p.info.appendStr(": ")
			p.appendInfoText(imfBytes(t, value, vlen))
			p.info.appendStr(", ")
		}
		switch field {
		case "content-type":
			contentType, params, haveCT = imfContentType(t, start, end-start)
		case "content-transfer-encoding":
			transferEncoding = imfBytes(t, value, vlen)
		}
		start = end
	}
	if lastField {
		end += 2
	}
	if end == -1 {
		end = 0
	}
	if haveCT {
		if !p.readOnly {
			p.info.setFence()
		}
		var body tvb
		if len(transferEncoding) >= 6 && asciiEqualFold(transferEncoding[:6], "base64") {
			text := t.bytes(end, t.reported-end)
			body = newRealTvb(imfBase64(text))
		} else {
			body = t.sub(end)
		}
		if fn := lookupMediaType(string(contentType)); fn != nil {
			fn(p, body, &mediaInfo{match: string(contentType), params: params})
		}
		return
	}
	// No media type: the body lines themselves.
	for start = end; start < t.len(); {
		_, next := findLineEnd(t, start, -1, false)
		if !p.readOnly {
			p.scratch = appendFormatText(p.scratch[:0], t.b[start:next], true)
			p.info.appendSep(", ", string(p.scratch))
		}
		start = next
	}
}

// imfBytes is the value tvb_format_text or tvb_get_string is given:
// length -1 runs to the end; less than that is past the data.
func imfBytes(t tvb, off, length int) []byte {
	if length < -1 {
		panic(excReported)
	}
	return t.bytes(off, length)
}

// imfFindFieldEnd is imf_find_field_end: the offset after the CRLF that
// ends a field (folded lines included), or -1.
func imfFindFieldEnd(t tvb, offset, maxLength int, lastField *bool) int {
	for offset < maxLength {
		cr := bytes.IndexByte(t.b[offset:min(maxLength, t.len())], '\r')
		if cr < 0 {
			break
		}
		offset += cr + 1
		if offset < maxLength && t.u8(offset) == '\n' {
			offset++
			if offset >= maxLength {
				if lastField != nil {
					*lastField = true
				}
				return offset - 2
			}
			switch t.u8(offset) {
			case '\r':
				if offset+1 < maxLength && t.u8(offset+1) == '\n' && lastField != nil {
					*lastField = true
				}
				return offset
			case ' ', '\t':
				// a folded line: the field goes on
			default:
				return offset
			}
		}
	}
	return -1
}

// imfContentType is dissect_imf_content_type: the type (as written, up to
// the ';') and the parameters; nothing without a ';'.
func imfContentType(t tvb, offset, length int) (ty, params []byte, ok bool) {
	for i := 0; i < length; i++ {
		if !isCSpace(t.u8(offset + i)) {
			offset += i
			length -= i
			break
		}
	}
	semi := bytes.IndexByte(t.b[offset:min(offset+length, t.len())], ';')
	if semi < 0 {
		return nil, nil, false
	}
	ty = cString(t.bytes(offset, semi))
	end := imfFindFieldEnd(t, offset+semi+1, offset+length, nil)
	if end == -1 {
		return ty, nil, true
	}
	n := end - (offset + semi + 1) - 2
	params = cString(imfBytes(t, offset+semi+1, n))
	return ty, params, true
}

// imfBase64 is g_base64_decode as base64_to_tvb uses it: characters
// outside the alphabet are skipped, '=' counts as a zero digit that
// suppresses its output byte, and a final partial group is dropped.
func imfBase64(text []byte) []byte {
	var out []byte
	var v uint32
	n := 0
	var last0, last1 byte
	for _, c := range cString(text) {
		var r uint32
		switch {
		case c >= 'A' && c <= 'Z':
			r = uint32(c - 'A')
		case c >= 'a' && c <= 'z':
			r = uint32(c-'a') + 26
		case c >= '0' && c <= '9':
			r = uint32(c-'0') + 52
		case c == '+':
			r = 62
		case c == '/':
			r = 63
		case c == '=':
			r = 0
		default:
			continue
		}
		last1, last0 = last0, c
		v = v<<6 | r
		n++
		if n == 4 {
			out = append(out, byte(v>>16))
			if last1 != '=' {
				out = append(out, byte(v>>8))
			}
			if last0 != '=' {
				out = append(out, byte(v))
			}
			n = 0
		}
	}
	return out
}
