package wsserver

import (
	"encoding/binary"
	"unicode/utf8"

	"github.com/gobwas/ws"
)

// StatusCode is a WebSocket close status code (RFC 6455 §7.4).
type StatusCode = ws.StatusCode

// Close codes the command uses; any other ws.StatusCode works too.
const (
	// StatusNormalClosure (1000) ends a finite input: "end of input".
	StatusNormalClosure = ws.StatusNormalClosure
	// StatusGoingAway (1001) is the shutdown on SIGINT/SIGTERM.
	StatusGoingAway = ws.StatusGoingAway
	// StatusPolicyViolation (1008) cuts a client whose queue overflowed.
	StatusPolicyViolation = ws.StatusPolicyViolation
	// StatusMessageTooBig (1009) answers a client frame over the limit.
	StatusMessageTooBig = ws.StatusMessageTooBig
	// StatusProtocolError (1002) answers a malformed client frame.
	StatusProtocolError = ws.StatusProtocolError
)

const (
	finText  = 0x80 | byte(ws.OpText)
	finClose = 0x80 | byte(ws.OpClose)
	finPong  = 0x80 | byte(ws.OpPong)
	finPing  = 0x80 | byte(ws.OpPing)
)

// FrameSize is the length of the unmasked server frame carrying n payload
// bytes: header (RFC 6455 §5.2) plus payload.
func FrameSize(n int) int {
	switch {
	case n < 126:
		return 2 + n
	case n <= 0xffff:
		return 4 + n
	default:
		return 10 + n
	}
}

// AppendTextFrame appends payload as one complete, final, unmasked text
// frame: what a server sends (RFC 6455 §5.1). It is the encoding Broadcast
// does once per message.
func AppendTextFrame(dst, payload []byte) []byte {
	return appendFrame(dst, finText, payload)
}

func appendFrame(dst []byte, b0 byte, payload []byte) []byte {
	n := len(payload)
	switch {
	case n < 126:
		dst = append(dst, b0, byte(n))
	case n <= 0xffff:
		dst = append(dst, b0, 126, byte(n>>8), byte(n))
	default:
		dst = append(dst, b0, 127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	return append(dst, payload...)
}

// closeFrame builds a close frame; the reason is cut on a rune boundary to
// fit the 125-byte control payload limit (RFC 6455 §5.5).
func closeFrame(code StatusCode, reason string) []byte {
	if max := ws.MaxControlFramePayloadSize - 2; len(reason) > max {
		reason = reason[:max]
		// Drop a rune the cut left incomplete.
		for i := len(reason) - 1; i >= 0 && i >= len(reason)-utf8.UTFMax; i-- {
			if utf8.RuneStart(reason[i]) {
				if !utf8.FullRuneInString(reason[i:]) {
					reason = reason[:i]
				}
				break
			}
		}
	}
	body := make([]byte, 2+len(reason))
	ws.PutCloseFrameBody(body, code, reason)
	return appendFrame(make([]byte, 0, FrameSize(len(body))), finClose, body)
}

// parseHeader decodes a frame header from the start of b without copying or
// allocating. It returns errShortFrame while b holds only part of it; the
// length is known (and checked by the caller) before the mask has arrived.
func parseHeader(b []byte) (h ws.Header, n int, err error) {
	if len(b) < 2 {
		return h, 0, errShortFrame
	}
	h.Fin = b[0]&0x80 != 0
	h.Rsv = (b[0] & 0x70) >> 4
	h.OpCode = ws.OpCode(b[0] & 0x0f)
	h.Masked = b[1]&0x80 != 0
	n = 2
	switch l := b[1] & 0x7f; l {
	case 126:
		if len(b) < 4 {
			return h, 0, errShortFrame
		}
		h.Length = int64(binary.BigEndian.Uint16(b[2:]))
		n = 4
	case 127:
		if len(b) < 10 {
			return h, 0, errShortFrame
		}
		v := binary.BigEndian.Uint64(b[2:])
		if v>>63 != 0 {
			return h, 0, errLengthMSB
		}
		h.Length = int64(v)
		n = 10
	default:
		h.Length = int64(l)
	}
	if h.Masked {
		if len(b) < n+4 {
			// Report the length anyway so an oversized frame is refused
			// before its mask arrives.
			return h, n, errShortFrame
		}
		copy(h.Mask[:], b[n:n+4])
		n += 4
	}
	return h, n, nil
}
