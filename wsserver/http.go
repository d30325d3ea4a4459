package wsserver

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gobwas/ws"
	"github.com/mailru/easygo/netpoll"
)

// serveConn runs once per accepted connection, for the handshake only: it
// reads the request head, then either upgrades (and hands the connection to
// the poller, ending this goroutine) or answers a plain HTTP request.
func (s *Server) serveConn(tcp net.Conn) {
	defer s.handshakes.Done()
	upgraded := false
	conn := tcp
	defer func() {
		s.mu.Lock()
		delete(s.pending, tcp)
		s.mu.Unlock()
		if !upgraded {
			conn.Close()
		}
	}()
	_ = conn.SetDeadline(time.Now().Add(s.cfg.HandshakeTimeout))
	if s.cfg.TLS != nil {
		tc := tls.Server(tcp, s.cfg.TLS)
		conn = tc
		if err := tc.Handshake(); err != nil {
			s.m.handshakeErrors.Add(1)
			return
		}
	}
	head, extra, err := s.readHead(conn)
	if err != nil {
		s.m.handshakeErrors.Add(1)
		if err == ErrRequestTooLarge {
			writeResponse(conn, 431, "text/plain; charset=utf-8", []byte("request header fields too large\n"), false)
		}
		return
	}
	req, ok := parseHead(head)
	if !ok {
		s.m.handshakeErrors.Add(1)
		writeResponse(conn, 400, "text/plain; charset=utf-8", []byte("bad request\n"), false)
		return
	}
	if !req.upgrade {
		s.serveHTTP(conn, &req)
		return
	}
	if !s.tokenOK(&req) {
		s.m.rejected[rejectUnauthorized].Add(1)
		writeResponse(conn, 401, "text/plain; charset=utf-8", []byte("token required: Authorization: Bearer TOKEN or ?token=TOKEN\n"), false)
		return
	}
	if !s.originOK(&req) {
		s.m.rejected[rejectOrigin].Add(1)
		writeResponse(conn, 403, "text/plain; charset=utf-8", []byte("origin not allowed\n"), false)
		return
	}
	// The head is complete in memory, so the upgrader reads it from there;
	// bytes after it (early frames) stay in extra.
	rw := struct {
		io.Reader
		io.Writer
	}{bytes.NewReader(head), conn}
	if _, err := s.upgrader.Upgrade(rw); err != nil {
		s.m.handshakeErrors.Add(1)
		return
	}
	_ = conn.SetDeadline(time.Time{})
	upgraded = s.register(conn, tcp, extra)
}

// readHead reads until the blank line ending the request head, growing its
// buffer only as bytes arrive, up to Config.MaxRequestBytes.
func (s *Server) readHead(conn net.Conn) (head, extra []byte, err error) {
	buf := make([]byte, 0, min(1024, s.cfg.MaxRequestBytes))
	for {
		if len(buf) == cap(buf) {
			if len(buf) >= s.cfg.MaxRequestBytes {
				return nil, nil, ErrRequestTooLarge
			}
			buf = append(buf, make([]byte, min(cap(buf), s.cfg.MaxRequestBytes-len(buf)))...)[:len(buf)]
		}
		from := max(0, len(buf)-3)
		n, err := conn.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if i := bytes.Index(buf[from:], []byte("\r\n\r\n")); i >= 0 {
			end := from + i + 4
			return buf[:end], buf[end:], nil
		}
		if err != nil {
			return nil, nil, err
		}
	}
}

// register hands an upgraded connection to the poller (or, with TLS, to a
// reading goroutine) and to the broadcast list. conn carries the frames;
// tcp is the socket under it. It reports whether the server took the
// connection.
func (s *Server) register(conn, tcp net.Conn, extra []byte) bool {
	sc, ok := tcp.(syscall.Conn)
	if !ok {
		s.logf("wsserver: %v", ErrNotConn)
		return false
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	// polled is set before the descriptor is added: from then on the
	// poller goroutine may kill the client, and kill must leave the poller.
	c := &client{s: s, conn: conn, tcp: tcp, raw: raw, idx: -1, rstate: ws.StateServerSide, polled: s.cfg.TLS == nil}
	c.lastRead.Store(time.Now().UnixNano())
	if len(extra) > 0 {
		// Frames that came with the request: the poller will not report
		// them, they are already read.
		if rest := s.consume(c, extra); len(rest) > 0 {
			c.partial = append([]byte(nil), rest...)
		}
	}
	if s.cfg.TLS == nil {
		cb := func(ev netpoll.EpollEvent) { s.onEvent(c, ev) }
		var addErr error
		err = raw.Control(func(fd uintptr) { addErr = s.poll.Add(int(fd), watchEvents, cb) })
		if err == nil {
			err = addErr
		}
		if err != nil {
			s.logf("wsserver: watch connection: %v", err)
			return false
		}
	}
	if !s.join(c) {
		// Closing: leave the poller and let serveConn close it.
		if c.polled {
			_ = raw.Control(func(fd uintptr) { _ = s.poll.Del(int(fd)) })
		}
		return false
	}
	if !c.polled {
		s.readers.Add(1)
		go s.tlsReadLoop(c)
	}
	return true
}

// serveHTTP answers a request that is not an upgrade, then the connection
// is closed (no keep-alive: these are rare scrapes and health checks).
func (s *Server) serveHTTP(conn net.Conn, req *request) {
	s.m.httpRequests.Add(1)
	method := req.method
	path, _, _ := strings.Cut(req.target, "?")
	if method != "GET" && method != "HEAD" {
		writeResponse(conn, 405, "text/plain; charset=utf-8", []byte("method not allowed\n"), false)
		return
	}
	head := method == "HEAD"
	switch path {
	case "/metrics":
		// Counters say how much traffic there is and who connects: as
		// private as the stream, so behind the same token.
		if !s.tokenOK(req) {
			s.m.rejected[rejectUnauthorized].Add(1)
			writeResponse(conn, 401, "text/plain; charset=utf-8", []byte("token required\n"), head)
			return
		}
		writeResponse(conn, 200, "text/plain; version=0.0.4; charset=utf-8", s.AppendMetrics(nil), head)
	case "/healthz":
		writeResponse(conn, 200, "text/plain; charset=utf-8", []byte("ok\n"), head)
	default:
		if s.cfg.Page != nil {
			if body, ctype, ok := s.cfg.Page(path); ok {
				writeResponse(conn, 200, ctype, body, head)
				return
			}
		}
		writeResponse(conn, 404, "text/plain; charset=utf-8", []byte("not found\n"), head)
	}
}

func statusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 400:
		return "Bad Request"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 401:
		return "Unauthorized"
	case 403:
		return "Forbidden"
	case 431:
		return "Request Header Fields Too Large"
	case 503:
		return "Service Unavailable"
	}
	return "Status"
}

func writeResponse(conn net.Conn, code int, ctype string, body []byte, headOnly bool) {
	_, _ = conn.Write(appendResponse(make([]byte, 0, 160+len(body)), code, ctype, body, headOnly))
}

func appendResponse(b []byte, code int, ctype string, body []byte, headOnly bool) []byte {
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(code), 10)
	b = append(b, ' ')
	b = append(b, statusText(code)...)
	b = append(b, "\r\nContent-Type: "...)
	b = append(b, ctype...)
	b = append(b, "\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	switch code {
	case 405:
		b = append(b, "\r\nAllow: GET, HEAD"...)
	case 401:
		b = append(b, "\r\nWWW-Authenticate: Bearer"...)
	}
	b = append(b, "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"...)
	if !headOnly {
		b = append(b, body...)
	}
	return b
}
