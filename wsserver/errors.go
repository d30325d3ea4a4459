package wsserver

import "errors"

// Errors returned by the server. They are variables so callers can compare
// them with errors.Is.
var (
	// ErrServerClosed is returned by methods called after Close.
	ErrServerClosed = errors.New("wsserver: server closed")
	// ErrNotConn is returned when an accepted connection exposes no file
	// descriptor (syscall.Conn), so it cannot be watched by the poller.
	ErrNotConn = errors.New("wsserver: connection has no file descriptor")
	// ErrRequestTooLarge is the handshake failure for a request head larger
	// than Config.MaxRequestBytes.
	ErrRequestTooLarge = errors.New("wsserver: request head too large")
	// ErrMalformedRequest is the handshake failure for a request line that
	// is not "METHOD TARGET HTTP/x.y".
	ErrMalformedRequest = errors.New("wsserver: malformed HTTP request")
	// errShortFrame means more bytes must arrive before a frame can be parsed.
	errShortFrame = errors.New("wsserver: incomplete frame")
	// errLengthMSB is the protocol error for a 64-bit length with its most
	// significant bit set (RFC 6455 §5.2).
	errLengthMSB = errors.New("wsserver: frame length has its most significant bit set")
)
