package wsserver

import (
	"syscall"
	"time"

	"github.com/gobwas/ws"
	"github.com/mailru/easygo/netpoll"
)

// epollClosed is the event easygo's Epoll passes to every callback when it
// is closed (its unexported _EPOLLCLOSED).
const epollClosed = 0x20

// watchEvents: level-triggered, so one read per event is enough and a
// client that sends a lot cannot monopolise the poller goroutine; the next
// epoll_wait reports it again.
const watchEvents = netpoll.EPOLLIN | netpoll.EPOLLRDHUP

// onEvent runs on the poller goroutine when a client's socket is readable
// or hung up. It reads once, without blocking: the descriptor is the one
// the Go runtime owns (obtained through SyscallConn, never dup'ed), so it
// stays non-blocking and deadlines keep working.
func (s *Server) onEvent(c *client, ev netpoll.EpollEvent) {
	if ev&epollClosed != 0 {
		return
	}
	buf := s.rbuf
	n0 := copy(buf, c.partial)
	var n int
	var rerr error
	err := c.raw.Read(func(fd uintptr) bool {
		n, rerr = syscall.Read(int(fd), buf[n0:])
		return true // never park the poller goroutine
	})
	if err != nil {
		return // closed by kill meanwhile
	}
	if rerr == syscall.EAGAIN || rerr == syscall.EINTR {
		return
	}
	if rerr != nil || n <= 0 {
		s.kill(c, reasonPeerGone)
		return
	}
	s.received(c, buf[:n0+n])
}

// tlsReadLoop is a TLS client's reader: records must be decrypted by
// crypto/tls, which reads through the Go runtime's poller, so the client
// has a goroutine and a buffer of its own instead of an epoll slot. It
// ends when the connection is closed (kill).
func (s *Server) tlsReadLoop(c *client) {
	defer s.readers.Done()
	buf := make([]byte, 2*(s.cfg.MaxFrameBytes+ws.MaxHeaderSize))
	for {
		n0 := copy(buf, c.partial)
		n, err := c.conn.Read(buf[n0:])
		if n > 0 {
			s.received(c, buf[:n0+n])
		}
		if err != nil {
			s.kill(c, reasonPeerGone)
			return
		}
	}
}

// received handles bytes read from c (after what was left of its last
// read), keeping an incomplete frame for the next read.
func (s *Server) received(c *client, data []byte) {
	c.lastRead.Store(time.Now().UnixNano())
	rest := s.consume(c, data)
	if len(rest) == 0 {
		if cap(c.partial) > 512 {
			c.partial = nil // do not keep a large buffer on an idle client
		} else {
			c.partial = c.partial[:0]
		}
		return
	}
	c.partial = append(c.partial[:0], rest...)
}

// consume handles the complete frames at the start of data and returns the
// incomplete rest. Client frames are small (control frames, or data that is
// ignored), so a frame over Config.MaxFrameBytes is refused as soon as its
// header shows the length, before any of it is buffered.
func (s *Server) consume(c *client, data []byte) []byte {
	for len(data) > 0 {
		if c.discard {
			return nil
		}
		h, hl, err := parseHeader(data)
		if h.Length > int64(s.cfg.MaxFrameBytes) && (err == nil || hl > 0) {
			s.fail(c, reasonTooBig, StatusMessageTooBig, "frame exceeds limit")
			return nil
		}
		if err == errShortFrame {
			return data
		}
		if err != nil {
			s.fail(c, reasonProtocol, StatusProtocolError, err.Error())
			return nil
		}
		if err := ws.CheckHeader(h, c.rstate); err != nil {
			s.fail(c, reasonProtocol, StatusProtocolError, err.Error())
			return nil
		}
		end := hl + int(h.Length)
		if len(data) < end {
			return data
		}
		payload := data[hl:end]
		ws.Cipher(payload, h.Mask, 0)
		switch op := h.OpCode; {
		case op == ws.OpPing:
			c.pong(payload)
		case op == ws.OpClose:
			s.onClose(c, payload)
		case op == ws.OpPong:
		default:
			// Data frames are ignored; only fragmentation is tracked,
			// because CheckHeader needs it.
			if h.Fin {
				c.rstate = c.rstate.Clear(ws.StateFragmented)
			} else {
				c.rstate = c.rstate.Set(ws.StateFragmented)
			}
		}
		data = data[end:]
	}
	return nil
}

// fail answers a misbehaving client with a close frame and drops it right
// after (RFC 6455 §7.1.7 "Fail the WebSocket Connection").
func (s *Server) fail(c *client, r reason, code StatusCode, text string) {
	c.discard = true
	c.mu.Lock()
	c.fast = true
	c.failLocked(r, closeFrame(code, text))
	c.mu.Unlock()
}

// onClose handles the client's close frame: either the reply to ours, or
// the client closing first, which is echoed (RFC 6455 §5.5.1).
func (s *Server) onClose(c *client, payload []byte) {
	var echo []byte
	switch {
	case len(payload) == 0:
		echo = appendFrame(nil, finClose, nil)
	case len(payload) == 1:
		s.fail(c, reasonProtocol, StatusProtocolError, "close frame payload of one byte")
		return
	default:
		code, text := ws.ParseCloseFrameDataUnsafe(payload)
		if err := ws.CheckCloseFrameData(code, text); err != nil {
			s.fail(c, reasonProtocol, StatusProtocolError, err.Error())
			return
		}
		echo = closeFrame(code, "")
	}
	c.discard = true
	c.mu.Lock()
	c.peerClosed = true
	switch {
	case c.state == stateOpen:
		c.failLocked(reasonClientClose, echo)
		c.mu.Unlock()
	case c.closeSent:
		c.mu.Unlock()
		s.kill(c, reasonNone)
	default:
		// Our close frame is still queued; the writer drops the
		// connection once it is out.
		c.mu.Unlock()
	}
}
