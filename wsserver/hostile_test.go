package wsserver

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// maskedFrame builds a client frame: header with the given first byte and
// declared length, mask, and the masked payload.
func maskedFrame(b0 byte, declared uint64, payload []byte) []byte {
	var f []byte
	switch {
	case declared < 126:
		f = append(f, b0, 0x80|byte(declared))
	case declared <= 0xffff:
		f = append(f, b0, 0x80|126, byte(declared>>8), byte(declared))
	default:
		f = append(f, b0, 0x80|127)
		f = binary.BigEndian.AppendUint64(f, declared)
	}
	mask := [4]byte{1, 2, 3, 4}
	f = append(f, mask[:]...)
	p := append([]byte(nil), payload...)
	ws.Cipher(p, mask, 0)
	return append(f, p...)
}

// readServerFrame reads one frame from the server.
func readServerFrame(br *bufio.Reader) (ws.Header, []byte, error) {
	h, err := ws.ReadHeader(br)
	if err != nil {
		return h, nil, err
	}
	p := make([]byte, h.Length)
	_, err = io.ReadFull(br, p)
	return h, p, err
}

// assertServing checks that a well-behaved client still gets broadcasts.
func assertServing(t *testing.T, s *Server) {
	t.Helper()
	c := dial(t, s)
	waitFor(t, "good client registered", 5*time.Second, func() bool { return s.Clients() >= 1 })
	s.Broadcast([]byte(`{"still":"serving"}`))
	_ = c.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		h, p, err := c.next()
		if err != nil {
			t.Fatalf(
				"server stopped serving: %v",
				err)
		}
		if h.OpCode == ws.OpText && string(p) == `{"still":"serving"}` {
			break
		}
	}
	c.conn.Close()
}

func TestHostileFrames(t *testing.T) {
	tests := []struct {
		name   string
		send   []byte
		code   StatusCode // expected close code from the server
		reason string     // expected disconnect counter
	}{
		{
			name:   "huge declared length",
			send:   []byte{0x82, 0x80 | 127, 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
			code:   StatusMessageTooBig,
			reason: "frame_too_big",
		},
		{
			name:   "length with most significant bit",
			send:   []byte{0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 1},
			code:   StatusProtocolError,
			reason: "protocol_error",
		},
		{
			name:   "just over 4 KiB",
			send:   maskedFrame(0x82, 4097, bytes.Repeat([]byte{7}, 4097)),
			code:   StatusMessageTooBig,
			reason: "frame_too_big",
		},
		{
			name:   "unmasked frame",
			send:   []byte{0x81, 0x02, 'h', 'i'},
			code:   StatusProtocolError,
			reason: "protocol_error",
		},
		{
			name:   "reserved bits",
			send:   maskedFrame(0xf1, 2, []byte("hi")),
			code:   StatusProtocolError,
			reason: "protocol_error",
		},
		{
			name:   "reserved opcode",
			send:   maskedFrame(0x83, 1, []byte("x")),
			code:   StatusProtocolError,
			reason: "protocol_error",
		},
		{
			name:   "fragmented ping",
			send:   maskedFrame(0x09, 1, []byte("x")),
			code:   StatusProtocolError,
			reason: "protocol_error",
		},
		{
			name:   "garbage",
			send:   []byte("GET / HTTP/1.1\r\n\r\nthis is not a frame at all"),
			code:   StatusProtocolError,
			reason: "protocol_error",
		},
		{
			name:   "close with one byte",
			send:   maskedFrame(0x88, 1, []byte{3}),
			code:   StatusProtocolError,
			reason: "protocol_error",
		},
		{
			name:   "close with invalid code",
			send:   maskedFrame(0x88, 2, []byte{0, 1}),
			code:   StatusProtocolError,
			reason: "protocol_error",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			s := startServer(t, Config{})
			conn, br := rawUpgrade(t, s)
			if _, err := conn.Write(tt.send); err != nil {
				t.Fatal(err)
			}
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			h, p, err := readServerFrame(br)
			if err != nil || h.OpCode != ws.OpClose {
				t.Fatalf(
					"want close frame, got %v %v",
					h.OpCode, err)
			}
			if code, _ := ws.ParseCloseFrameData(p); code != tt.code {
				t.Errorf(
					"close code %d, want %d",
					code, tt.code)
			}
			// The connection is dropped right after the close frame.
			if _, err := br.ReadByte(); err == nil {
				t.Errorf("connection still open after failing it")
			}
			waitFor(t, "disconnect counted", 5*time.Second, func() bool {
				return s.Stats().Disconnects[tt.reason] == 1
			})
			assertServing(t, s)
			if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestControlFrames(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, Config{})
	conn, br := rawUpgrade(t, s)
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))

	// Data frames, fragmented or not, are ignored; pings are answered in
	// order, even split across writes.
	var send []byte
	send = append(send, maskedFrame(0x01, 3, []byte("abc"))...) // text, not final
	send = append(send, maskedFrame(0x89, 4, []byte("ping"))...)
	send = append(send, maskedFrame(0x80, 3, []byte("def"))...) // continuation, final
	send = append(send, maskedFrame(0x82, 4096, bytes.Repeat([]byte{1}, 4096))...)
	send = append(send, maskedFrame(0x89, 2, []byte("p2"))...)
	for i := 0; i < len(send); i += 7 {
		if _, err := conn.Write(send[i:min(i+7, len(send))]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
	for _, want := range []string{"ping", "p2"} {
		h, p, err := readServerFrame(br)
		if err != nil || h.OpCode != ws.OpPong || string(p) != want {
			t.Fatalf(
				"want pong %q, got %v %q %v",
				want, h.OpCode, p, err)
		}
	}

	// Closing first: the server echoes the code and drops the connection.
	if _, err := conn.Write(maskedFrame(0x88, 4, []byte{0x03, 0xe8, 'o', 'k'})); err != nil {
		t.Fatal(err)
	}
	h, p, err := readServerFrame(br)
	if err != nil || h.OpCode != ws.OpClose {
		t.Fatalf(
			"want close echo, got %v %v",
			h.OpCode, err)
	}
	if code, _ := ws.ParseCloseFrameData(p); code != StatusNormalClosure {
		t.Errorf(
			"echoed code %d",
			code)
	}
	waitFor(t, "client_close counted", 5*time.Second, func() bool {
		return s.Stats().Disconnects["client_close"] == 1 && s.Clients() == 0
	})
	if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestHostileHandshakes(t *testing.T) {
	tests := []struct {
		name   string
		send   string
		status string // expected status line prefix; "" means just closed
	}{
		{
			name:   "garbage instead of a request",
			send:   "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 tls hello?\r\n\r\n",
			status: "HTTP/1.1 400",
		},
		{
			name:   "oversized head",
			send:   "GET / HTTP/1.1\r\nX-Junk: " + strings.Repeat("j", 20000) + "\r\n\r\n",
			status: "HTTP/1.1 431",
		},
		{
			name:   "bad websocket version",
			send:   strings.Replace(upgradeRequest, "Version: 13", "Version: 7", 1),
			status: "HTTP/1.1 426",
		},
		{
			name:   "upgrade without key",
			send:   "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n",
			status: "HTTP/1.1 400",
		},
		{
			name:   "half-open request",
			send:   "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgr",
			status: "",
		},
		{
			name:   "post",
			send:   "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
			status: "HTTP/1.1 405",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			s := startServer(t, Config{HandshakeTimeout: 300 * time.Millisecond})
			conn := rawDial(t, s)
			start := time.Now()
			if _, err := io.WriteString(conn, tt.send); err != nil {
				t.Fatal(err)
			}
			_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			resp, err := io.ReadAll(conn)
			if err != nil && !isReset(err) {
				t.Fatalf(
					"reading response: %v",
					err)
			}
			if !strings.HasPrefix(string(resp), tt.status) || (tt.status == "" && len(resp) > 0) {
				t.Errorf(
					"response %.60q, want %q",
					resp, tt.status)
			}
			if tt.status == "" && time.Since(start) < 250*time.Millisecond {
				t.Errorf(
					"half-open handshake dropped after %v, before the timeout",
					time.Since(start))
			}
			assertServing(t, s)
			if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

// Thousands of connects and disconnects, with and without an upgrade, with
// broadcasts going on: the server keeps serving and ends with nothing left.
func TestConnectChurn(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, Config{HandshakeTimeout: time.Second, Logf: t.Logf})
	ctx, cancel := context.WithCancel(context.Background())
	var bg sync.WaitGroup
	bg.Add(1)
	go func() {
		defer bg.Done()
		for ctx.Err() == nil {
			s.Broadcast([]byte(`{"churn":true}`))
			time.Sleep(100 * time.Microsecond)
		}
	}()
	const workers, rounds = 8, 248 // 1984 connections
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				switch i % 4 {
				case 0: // connect and leave
					if conn, err := net.Dial("tcp", s.Addr().String()); err == nil {
						conn.Close()
					}
				case 1: // half a request, then leave
					if conn, err := net.Dial("tcp", s.Addr().String()); err == nil {
						_, _ = io.WriteString(conn, upgradeRequest[:30])
						conn.Close()
					}
				case 2: // upgrade and drop without a close frame
					if c, err := dialErr(s.Addr().String(), nil); err == nil {
						c.conn.Close()
					} else {
						t.Logf("dial: %v", err)
					}
				case 3: // upgrade, read a little, close properly
					if c, err := dialErr(s.Addr().String(), nil); err == nil {
						_ = ws.WriteFrame(c.conn, ws.MaskFrame(ws.NewCloseFrame(ws.NewCloseFrameBody(ws.StatusNormalClosure, ""))))
						_ = c.conn.SetReadDeadline(time.Now().Add(2 * time.Second))
						_, _ = io.Copy(io.Discard, c.conn)
						c.conn.Close()
					} else {
						t.Logf("dial: %v", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	cancel()
	bg.Wait()
	waitFor(t, "every churned client gone", 10*time.Second, func() bool { return s.Clients() == 0 })
	assertServing(t, s)
	st := s.Stats()
	// Rounds 2 and 3 of every 4 upgrade, plus assertServing's client.
	if want := uint64(workers*(rounds/4)*2 + 1); st.Connections != want {
		t.Errorf(
			"%d upgrades, want %d",
			st.Connections, want)
	}
	t.Logf("stats after churn: %+v", st)
	if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
		t.Fatal(err)
	}
}
