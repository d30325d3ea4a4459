package wsserver

import (
	"bytes"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// fuzzClient is a client on one end of a socket pair, not registered with
// the poller: the fuzz target feeds its reads by hand, as the poller
// goroutine would, and collects what the server writes back.
func fuzzClient(t *testing.T, s *Server) (*client, <-chan []byte) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	mine := os.NewFile(uintptr(fds[0]), "server-end")
	peer := os.NewFile(uintptr(fds[1]), "client-end")
	conn, err := net.FileConn(mine)
	mine.Close()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := conn.(syscall.Conn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	c := &client{s: s, conn: conn, tcp: conn, raw: raw, idx: -1, rstate: ws.StateServerSide}
	out := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(peer)
		peer.Close()
		out <- b
	}()
	return c, out
}

// feed hands data to the client's read path in reads of at most chunk
// bytes, the way onEvent does, and checks that what is carried from one
// read to the next stays within one frame's bounds.
func feed(t *testing.T, s *Server, c *client, data []byte, chunk int) {
	bound := s.cfg.MaxFrameBytes + ws.MaxHeaderSize
	for len(data) > 0 && !c.discard {
		n := min(chunk, len(data))
		buf := append(append([]byte(nil), c.partial...), data[:n]...)
		data = data[n:]
		s.received(c, buf)
		if len(c.partial) > bound {
			t.Fatalf("%d bytes carried to the next read, more than a frame (%d)", len(c.partial), bound)
		}
	}
}

// finish waits for the client's writer to be idle, drops the connection
// and returns the bytes the server wrote.
func finish(t *testing.T, s *Server, c *client, out <-chan []byte) []byte {
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.mu.Lock()
		idle := !c.writing
		c.mu.Unlock()
		if idle {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("writer never went idle")
		}
		time.Sleep(50 * time.Microsecond)
	}
	s.kill(c, reasonServerClose)
	select {
	case b := <-out:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("peer never saw the connection end")
		return nil
	}
}

// FuzzClientFrames feeds arbitrary bytes, as a client would send them
// after the upgrade, to the server's frame reader, whole and cut into
// small reads. It must never panic or buffer more than one frame; what it
// writes back must be well-formed server frames (pongs, and a close frame
// last if any), identical however the input was cut.
func FuzzClientFrames(f *testing.F) {
	f.Add(byte(1), maskedFrame(0x89, 4, []byte("ping")))
	f.Add(byte(3), append(maskedFrame(0x01, 3, []byte("abc")), maskedFrame(0x80, 3, []byte("def"))...))
	f.Add(byte(7), append(maskedFrame(0x89, 2, []byte("p1")), maskedFrame(0x88, 4, []byte{0x03, 0xe8, 'o', 'k'})...))
	f.Add(byte(2), maskedFrame(0x88, 1, []byte{3}))
	f.Add(byte(5), maskedFrame(0x82, 4096, bytes.Repeat([]byte{1}, 4096)))
	f.Add(byte(9), maskedFrame(0x82, 4097, bytes.Repeat([]byte{1}, 4097)))
	f.Add(byte(4), []byte{0x82, 0x80 | 127, 0x80, 0, 0, 0, 0, 0, 0, 1})
	f.Add(byte(11), []byte{0x82, 0x80 | 126, 0x00, 0x10, 1, 2, 3, 4})
	f.Add(byte(1), maskedFrame(0x88, 3, []byte{0x03, 0xe8, 0xff}))
	f.Add(byte(6), []byte("GET / HTTP/1.1\r\n\r\n"))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	s, err := New(ln, Config{PingInterval: -1, CloseTimeout: time.Second})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close(StatusGoingAway, "", time.Second)

	f.Fuzz(func(t *testing.T, chunk byte, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		c1, out1 := fuzzClient(t, s)
		feed(t, s, c1, data, len(data)+1)
		whole := finish(t, s, c1, out1)

		c2, out2 := fuzzClient(t, s)
		feed(t, s, c2, data, int(chunk%32)+1)
		cut := finish(t, s, c2, out2)

		if !bytes.Equal(whole, cut) {
			t.Fatalf("answers differ with reads of %d bytes:\nwhole % x\ncut   % x", chunk%32+1, whole, cut)
		}
		r := bytes.NewReader(whole)
		for r.Len() > 0 {
			fr, err := readTestFrame(r)
			if err != nil {
				t.Fatalf("server wrote a malformed frame: %v (% x)", err, whole)
			}
			switch {
			case fr.Header.Masked || !fr.Header.Fin || fr.Header.Rsv != 0:
				t.Fatalf("bad server frame header %+v", fr.Header)
			case fr.Header.OpCode == ws.OpPong:
			case fr.Header.OpCode == ws.OpClose:
				if r.Len() > 0 {
					t.Fatalf("%d bytes after the close frame", r.Len())
				}
				if len(fr.Payload) >= 2 {
					code, reason := ws.ParseCloseFrameData(fr.Payload)
					if err := ws.CheckCloseFrameData(code, reason); err != nil {
						t.Fatalf("server close frame: %v", err)
					}
				}
			default:
				t.Fatalf("unexpected server frame %v", fr.Header.OpCode)
			}
		}
	})
}
