package wsserver

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// Live broadcasts are written from the broadcasting goroutine when a client
// keeps up (enqueueNow); when its socket takes only part of a frame, the
// rest is queued first. These cases make the socket fill up, so frames are
// cut at every kind of place, and check that the stream stays whole: with
// pings in between (the pong must not land inside a frame), and when the
// client is cut off (the close frame must not either).
func TestBroadcastPartialWrites(t *testing.T) {
	cases := []struct {
		name     string
		queue    int
		messages int
		pings    bool
		wantCut  bool
	}{
		{
			name:     "all delivered",
			queue:    256 << 20,
			messages: 6000,
		},
		{
			name:     "pings in between",
			queue:    256 << 20,
			messages: 6000,
			pings:    true,
		},
		{
			name:     "cut off",
			queue:    1 << 20,
			messages: 6000,
			wantCut:  true,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := startServer(t, Config{QueueBytes: c.queue})
			cl := dial(t, s)
			waitFor(t, "the client", 5*time.Second, func() bool { return s.Clients() == 1 })
			// The client reads nothing while the messages go out (more
			// than the socket buffers hold): its reader starts later.
			type result struct {
				got, pongs int
				code       StatusCode
				err        error
			}
			done := make(chan result, 1)
			go func() {
				time.Sleep(300 * time.Millisecond)
				_ = cl.conn.SetReadDeadline(time.Now().Add(20 * time.Second))
				var r result
				for {
					h, p, err := cl.next()
					if err != nil {
						r.err = err
						break
					}
					if h.OpCode == ws.OpText {
						if want := message(r.got); !bytes.Equal(p, want) {
							r.err = fmt.Errorf("message %d: %d bytes %.30q, want %d bytes %.30q", r.got, len(p), p, len(want), want)
							break
						}
						r.got++
						continue
					}
					if h.OpCode == ws.OpPong {
						r.pongs++
						continue
					}
					if h.OpCode == ws.OpClose {
						r.code, _ = ws.ParseCloseFrameData(p)
						_ = ws.WriteFrame(cl.conn, ws.MaskFrame(ws.NewCloseFrame(ws.NewCloseFrameBody(r.code, ""))))
					} else {
						r.err = fmt.Errorf("unexpected opcode %v", h.OpCode)
					}
					break
				}
				done <- r
			}()
			for i := 0; i < c.messages; i++ {
				s.Broadcast(message(i))
				if c.pings && i%500 == 250 {
					_ = ws.WriteFrame(cl.conn, ws.MaskFrame(ws.NewPingFrame([]byte("p"))))
				}
			}
			if !c.wantCut {
				s.Close(StatusNormalClosure, "done", 10*time.Second)
			}
			r := <-done
			if r.err != nil {
				t.Fatalf("after %d messages: %v (server %+v, clients %d)", r.got, r.err, s.Stats(), s.Clients())
			}
			if c.wantCut {
				if r.code != StatusPolicyViolation || r.got >= c.messages {
					t.Errorf("closed with %d after %d messages, want 1008 before the end", r.code, r.got)
				}
			} else if r.code != StatusNormalClosure || r.got != c.messages {
				t.Errorf("closed with %d after %d messages, want 1000 after %d", r.code, r.got, c.messages)
			}
			pongs := r.pongs
			if c.pings && pongs == 0 {
				t.Errorf("no pong came back")
			}
		})
	}
}
