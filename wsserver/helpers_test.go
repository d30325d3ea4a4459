package wsserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// startServer serves on a loopback port and closes the server when the
// test ends (if the test did not).
func startServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf(
			"listen: %v",
			err)
	}
	s, err := New(ln, cfg)
	if err != nil {
		t.Fatalf(
			"New: %v",
			err)
	}
	t.Cleanup(func() { _ = s.Close(StatusGoingAway, "test over", time.Second) })
	return s
}

// testClient is a plain WebSocket client reading with gobwas/ws.
type testClient struct {
	conn net.Conn
	r    io.Reader
}

func dial(t testing.TB, s *Server) *testClient {
	t.Helper()
	c, err := dialErr(s.Addr().String(), nil)
	if err != nil {
		t.Fatalf(
			"dial: %v",
			err)
	}
	t.Cleanup(func() { c.conn.Close() })
	return c
}

// dialErr dials; onConn, if set, tunes the TCP connection before the
// handshake (a small receive buffer, say).
func dialErr(addr string, onConn func(*net.TCPConn)) (*testClient, error) {
	d := ws.Dialer{
		Timeout: 5 * time.Second,
		NetDial: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err == nil && onConn != nil {
				onConn(conn.(*net.TCPConn))
			}
			return conn, err
		},
	}
	conn, br, _, err := d.Dial(context.Background(), "ws://"+addr+"/")
	if err != nil {
		return nil, err
	}
	var r io.Reader = conn
	if br != nil {
		r = io.MultiReader(br, conn)
	}
	return &testClient{conn: conn, r: r}, nil
}

// next reads one frame.
func (c *testClient) next() (ws.Header, []byte, error) {
	h, err := ws.ReadHeader(c.r)
	if err != nil {
		return h, nil, err
	}
	if h.Masked {
		return h, nil, errors.New("server frame is masked")
	}
	p := make([]byte, h.Length)
	_, err = io.ReadFull(c.r, p)
	return h, p, err
}

// readAll reads text messages until the close frame, answers it, and
// returns the messages and the close code and reason.
func (c *testClient) readAll(onMessage func()) (msgs [][]byte, code StatusCode, reason string, err error) {
	for {
		h, p, err := c.next()
		if err != nil {
			return msgs, 0, "", err
		}
		switch h.OpCode {
		case ws.OpText:
			msgs = append(msgs, p)
			if onMessage != nil {
				onMessage()
			}
		case ws.OpClose:
			code, reason = ws.ParseCloseFrameData(p)
			_ = ws.WriteFrame(c.conn, ws.MaskFrame(ws.NewCloseFrame(ws.NewCloseFrameBody(code, ""))))
			return msgs, code, reason, nil
		default:
			return msgs, 0, "", fmt.Errorf(
				"unexpected opcode %v",
				h.OpCode)
		}
	}
}

// message builds the i-th test message with a size that varies across the
// three header length forms.
func message(i int) []byte {
	sizes := [...]int{3, 100, 125, 126, 300, 1000, 65535, 65536, 70000}
	n := sizes[i%len(sizes)]
	if i%7 != 0 {
		n = 20 + i%200
	}
	b := make([]byte, n)
	prefix := fmt.Sprintf("{\"n\":%d,\"pad\":\"", i)
	copy(b, prefix)
	for j := len(prefix); j < n; j++ {
		b[j] = 'a' + byte(j%26)
	}
	return b
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf(
				"timed out waiting for %s",
				what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func countFDs(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf(
			"no /proc/self/fd: %v",
			err)
	}
	return len(ents)
}

// checkLeaks records goroutines and descriptors now and, at cleanup, checks
// they came back (the server must have been closed by then).
func checkLeaks(t *testing.T) {
	g0, fd0 := runtime.NumGoroutine(), countFDs(t)
	t.Cleanup(func() {
		deadline := time.Now().Add(5 * time.Second)
		for {
			g, fd := runtime.NumGoroutine(), countFDs(t)
			if g <= g0 && fd <= fd0 {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				t.Errorf(
					"leak: goroutines %d -> %d, descriptors %d -> %d\n%s",
					g0, g, fd0, fd, trimStacks(buf))
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

func trimStacks(b []byte) string {
	var out []string
	for _, g := range bytes.Split(b, []byte("\n\n")) {
		if bytes.Contains(g, []byte("wsserver")) {
			out = append(out, string(g))
		}
	}
	return strings.Join(out, "\n\n")
}

// rawConn is a TCP connection to the server for hostile tests.
func rawDial(t testing.TB, s *Server) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatalf(
			"dial: %v",
			err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

const upgradeRequest = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
	"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"

// rawUpgrade upgrades a raw connection by hand and returns a reader
// positioned after the 101 response.
func rawUpgrade(t testing.TB, s *Server) (net.Conn, *bufio.Reader) {
	t.Helper()
	n0 := s.Clients()
	conn := rawDial(t, s)
	if _, err := io.WriteString(conn, upgradeRequest); err != nil {
		t.Fatalf(
			"write upgrade: %v",
			err)
	}
	br := bufio.NewReader(conn)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	status, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 101") {
		t.Fatalf(
			"upgrade status %q, %v",
			status, err)
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf(
				"upgrade headers: %v",
				err)
		}
		if line == "\r\n" {
			break
		}
	}
	waitFor(t, "client registered", 5*time.Second, func() bool { return s.Clients() > n0 })
	return conn, br
}

// readTestFrame reads one frame from r, a buffer of frames the server
// wrote, without trusting the declared length for allocation.
func readTestFrame(r *bytes.Reader) (ws.Frame, error) {
	h, err := ws.ReadHeader(r)
	if err != nil {
		return ws.Frame{}, err
	}
	if h.Length > int64(r.Len()) {
		return ws.Frame{}, io.ErrUnexpectedEOF
	}
	p := make([]byte, h.Length)
	if _, err := io.ReadFull(r, p); err != nil {
		return ws.Frame{}, err
	}
	return ws.Frame{Header: h, Payload: p}, nil
}
