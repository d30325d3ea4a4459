package decode

import (
	"unicode"
	"unicode/utf8"
)

// appendFormatText appends packet text as Wireshark's format_text shows
// it: printable characters as themselves, C escapes for non-printable
// ASCII (\n, \r, \001, ...), \uXXXX / \UXXXXXXXX for non-printable
// non-ASCII, U+FFFD for invalid UTF-8. With replaceSpace (format_text_wsp)
// whitespace becomes a blank instead.
func appendFormatText(dst, s []byte, replaceSpace bool) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		i++
		if c >= 0x20 && c < 0x7f {
			dst = append(dst, c)
			continue
		}
		if replaceSpace && (c == ' ' || (c >= '\t' && c <= '\r')) {
			dst = append(dst, ' ')
			continue
		}
		if c < 0x80 {
			dst = append(dst, '\\')
			switch c {
			case '\a':
				dst = append(dst, 'a')
			case '\b':
				dst = append(dst, 'b')
			case '\f':
				dst = append(dst, 'f')
			case '\n':
				dst = append(dst, 'n')
			case '\r':
				dst = append(dst, 'r')
			case '\t':
				dst = append(dst, 't')
			case '\v':
				dst = append(dst, 'v')
			default:
				dst = append(dst, '0'+c>>6, '0'+(c>>3)&7, '0'+c&7)
			}
			continue
		}
		// The start of a multi-byte sequence, decoded permissively as
		// Wireshark does (overlong forms are accepted and re-encoded).
		var n int
		var uc rune
		switch {
		case c&0xe0 == 0xc0:
			n, uc = 1, rune(c&0x1f)
		case c&0xf0 == 0xe0:
			n, uc = 2, rune(c&0x0f)
		case c&0xf8 == 0xf0:
			n, uc = 3, rune(c&0x07)
		case c&0xfc == 0xf8:
			n, uc = 4, rune(c&0x03)
		case c&0xfe == 0xfc:
			n, uc = 5, rune(c&0x01)
		default:
			n, uc = -1, utf8.RuneError
		}
		for k := 0; k < n; k++ {
			if i >= len(s) || s[i]&0xc0 != 0x80 {
				uc = utf8.RuneError
				break
			}
			uc = uc<<6 | rune(s[i]&0x3f)
			i++
		}
		if uc < 0 || uc > unicode.MaxRune || (uc >= 0xd800 && uc <= 0xdfff) {
			uc = utf8.RuneError
		}
		if isPrintRune(uc) {
			dst = utf8.AppendRune(dst, uc)
		} else if replaceSpace && unicode.IsSpace(uc) {
			dst = append(dst, ' ')
		} else if uc < 0x80 {
			dst = appendFormatText(dst, []byte{byte(uc)}, replaceSpace)
		} else if uc <= 0xffff {
			dst = append(dst, '\\', 'u')
			dst = appendHex(dst, uint64(uc), 4)
		} else {
			dst = append(dst, '\\', 'U')
			dst = appendHex(dst, uint64(uc), 8)
		}
	}
	return dst
}

// isPrintRune is GLib's g_unichar_isprint: anything but control, format,
// unassigned and surrogate code points.
func isPrintRune(r rune) bool {
	if r < 0x20 || r == 0x7f {
		return false
	}
	if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Cs) {
		return false
	}
	// Unassigned: in no category at all (private use counts as assigned).
	if unicode.In(r, unicode.Co) {
		return true
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z)
}

// appendInfoText appends packet text to Info through format_text.
func (p *packet) appendInfoText(s []byte) {
	if p.readOnly {
		return
	}
	p.scratch = appendFormatText(p.scratch[:0], s, false)
	p.info.appendBytes(p.scratch)
}
