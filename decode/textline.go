package decode

// Line handling shared by the text protocols (FTP, SMTP, POP, IMAP, IRC,
// RESP, ...).

// findTextLine is tvb_find_line_end over the captured bytes from off: the
// length of the line (without its terminator) and the offset after the
// terminator. A line ends at CR, LF or CRLF. With desegment, a missing
// terminator (or a CR that is the last byte) gives lineLen -1, so the
// caller can ask TCP for more; otherwise the line runs to the end.
func findTextLine(t tvb, off int, desegment bool) (lineLen, next int) {
	end := len(t.b)
	if off > end {
		off = end
	}
	for i := off; i < end; i++ {
		switch t.b[i] {
		case '\n':
			return i - off, i + 1
		case '\r':
			if i+1 >= end {
				if desegment {
					return -1, end
				}
				return i - off, i + 1
			}
			if t.b[i+1] == '\n' {
				return i - off, i + 2
			}
			return i - off, i + 1
		}
	}
	if desegment {
		return -1, end
	}
	return end - off, end
}

// isASCIIDigit is g_ascii_isdigit.
func isASCIIDigit(c byte) bool { return c >= '0' && c <= '9' }

// Hand-offs to dissectors owned elsewhere. They are variables so this
// package builds before those land; their owners set them from an init
// function in their own file:
//
//	startTLSHandoff = startTLS        // tls.go: STARTTLS (ssl_starttls_ack / _post_ack)
//	tlsHandoffDissector = dissectTLS  // tls.go: a segment that is TLS already
//	imfDissector = dissectIMF         // imf.go: a complete mail message
var (
	startTLSHandoff     func(p *packet, appProto string, postAck bool)
	tlsHandoffDissector appDissector
	imfDissector        appDissector
)

// textStartTLS hands the rest of the conversation to TLS after a STARTTLS
// exchange: from the next frame on, or from this one with postAck.
func textStartTLS(p *packet, appProto string, postAck bool) {
	if startTLSHandoff != nil {
		startTLSHandoff(p, appProto, postAck)
	}
}

// mailHandToIMF passes a complete mail message to IMF, which makes the
// Protocol column "<proto>/IMF" and writes its summary.
func mailHandToIMF(p *packet, t tvb) {
	if imfDissector != nil {
		imfDissector(p, t)
	}
}
