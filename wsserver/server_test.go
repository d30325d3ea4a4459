package wsserver

import (
	"bytes"
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestClientsReceiveIdenticalStreams(t *testing.T) {
	tests := []struct {
		name     string
		clients  int
		messages int
		wait     bool // BroadcastWait instead of Broadcast
	}{
		{
			name:     "one client",
			clients:  1,
			messages: 500,
		},
		{
			name:     "four clients",
			clients:  4,
			messages: 2000,
		},
		{
			name:     "sixteen clients paced",
			clients:  16,
			messages: 2000,
			wait:     true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			s := startServer(t, Config{QueueBytes: 64 << 20})
			clients := make([]*testClient, tt.clients)
			for i := range clients {
				clients[i] = dial(t, s)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := s.WaitClients(ctx, tt.clients); err != nil {
				t.Fatalf(
					"WaitClients: %v",
					err)
			}
			type result struct {
				msgs   [][]byte
				code   StatusCode
				reason string
				err    error
			}
			results := make([]result, tt.clients)
			var wg sync.WaitGroup
			for i, c := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := &results[i]
					r.msgs, r.code, r.reason, r.err = c.readAll(nil)
				}()
			}
			for i := 0; i < tt.messages; i++ {
				if tt.wait {
					if err := s.BroadcastWait(ctx, message(i)); err != nil {
						t.Fatalf(
							"BroadcastWait: %v",
							err)
					}
				} else {
					s.Broadcast(message(i))
				}
			}
			if err := s.Close(StatusNormalClosure, "end of input", 10*time.Second); err != nil {
				t.Fatalf(
					"Close: %v",
					err)
			}
			wg.Wait()
			for ci, r := range results {
				if r.err != nil {
					t.Fatalf(
						"client %d: %v",
						ci, r.err)
				}
				if r.code != StatusNormalClosure || r.reason != "end of input" {
					t.Errorf(
						"client %d: close %d %q, want 1000 \"end of input\"",
						ci, r.code, r.reason)
				}
				if len(r.msgs) != tt.messages {
					t.Fatalf(
						"client %d: %d messages, want %d",
						ci, len(r.msgs), tt.messages)
				}
				for i, m := range r.msgs {
					if !bytes.Equal(m, message(i)) {
						t.Fatalf(
							"client %d: message %d differs",
							ci, i)
					}
				}
			}
			st := s.Stats()
			if st.Messages != uint64(tt.messages) || st.Connections != uint64(tt.clients) {
				t.Errorf(
					"stats: %+v",
					st)
			}
			if st.Disconnects["server_close"] != uint64(tt.clients) {
				t.Errorf(
					"disconnects: %v, want %d server_close",
					st.Disconnects, tt.clients)
			}
		})
	}
}

// A client that never reads is cut off with a close frame saying why, and
// neither the broadcaster nor the other clients wait for it.
func TestNeverReadingClientIsCutOff(t *testing.T) {
	tests := []struct {
		name   string
		wait   bool
		reason string
	}{
		{
			name:   "broadcast overflows its queue",
			reason: "queue_overflow",
		},
		{
			name:   "paced broadcast finds it stalled",
			wait:   true,
			reason: "stalled",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkLeaks(t)
			s := startServer(t, Config{
				QueueBytes: 256 << 10,
				// Long enough that the healthy readers, starved of CPU on
				// a loaded machine, are not mistaken for stalled ones.
				StallTimeout: 2 * time.Second,
				CloseTimeout: 300 * time.Millisecond,
			})
			stuck, err := dialErr(s.Addr().String(), func(c *net.TCPConn) { _ = c.SetReadBuffer(4096) })
			if err != nil {
				t.Fatalf(
					"dial: %v",
					err)
			}
			defer stuck.conn.Close()
			const readers, total = 3, 16000
			var got [readers]atomic.Int64
			results := make([][][]byte, readers)
			var wg sync.WaitGroup
			for i := 0; i < readers; i++ {
				c := dial(t, s)
				wg.Add(1)
				go func() {
					defer wg.Done()
					msgs, code, _, err := c.readAll(func() { got[i].Add(1) })
					if err != nil || code != StatusNormalClosure {
						t.Errorf(
							"reader %d: close %d, %v",
							i, code, err)
					}
					results[i] = msgs
				}()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := s.WaitClients(ctx, readers+1); err != nil {
				t.Fatal(err)
			}
			payload := bytes.Repeat([]byte("x"), 1000)
			start := time.Now()
			for i := 0; i < total; i++ {
				if tt.wait {
					if err := s.BroadcastWait(ctx, payload); err != nil {
						t.Fatal(err)
					}
					continue
				}
				s.Broadcast(payload)
				// Keep the readers (not the stuck one) within their queue,
				// as a capture would at a pace they sustain.
				for r := range got {
					for int64(i)-got[r].Load() > 100 {
						time.Sleep(100 * time.Microsecond)
					}
				}
			}
			elapsed := time.Since(start)
			waitFor(t, "stuck client cut off", 10*time.Second, func() bool {
				return s.Stats().Disconnects[tt.reason] == 1
			})
			if err := s.Close(StatusNormalClosure, "end of input", 10*time.Second); err != nil {
				t.Fatal(err)
			}
			wg.Wait()
			for i, msgs := range results {
				if len(msgs) != total {
					t.Errorf(
						"reader %d got %d messages, want %d",
						i, len(msgs), total)
				}
			}
			if st := s.Stats(); st.Dropped == 0 {
				t.Errorf(
					"no dropped frames counted: %+v",
					st)
			}
			t.Logf("%d messages in %v", total, elapsed)
		})
	}
}

// At the end of a finite input a slow reader (like a browser) still gets
// the whole stream and the close frame before Close returns.
func TestSlowReaderGetsEndOfStream(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, Config{QueueBytes: 16 << 20})
	// A fixed receive window, so the kernel cannot soak up the stream for
	// the slow reader.
	slow, err := dialErr(s.Addr().String(), func(c *net.TCPConn) { _ = c.SetReadBuffer(256 << 10) })
	if err != nil {
		t.Fatal(err)
	}
	defer slow.conn.Close()
	fast := dial(t, s)
	if err := s.WaitClients(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	const total = 3000 // 12 MB: far more than the socket buffers hold
	var wg sync.WaitGroup
	var slowMsgs, fastMsgs [][]byte
	var slowCode, fastCode StatusCode
	wg.Add(2)
	go func() {
		defer wg.Done()
		n := 0
		slowMsgs, slowCode, _, err = slow.readAll(func() {
			if n++; n%50 == 0 {
				time.Sleep(20 * time.Millisecond)
			}
		})
	}()
	go func() {
		defer wg.Done()
		fastMsgs, fastCode, _, _ = fast.readAll(nil)
	}()
	for i := 0; i < total; i++ {
		s.Broadcast(bytes.Repeat([]byte{'a' + byte(i%26)}, 4000))
	}
	start := time.Now()
	if err := s.Close(StatusNormalClosure, "end of input", 20*time.Second); err != nil {
		t.Fatal(err)
	}
	closeTook := time.Since(start)
	t.Logf("Close took %v; stats %+v", closeTook, s.Stats())
	wg.Wait()
	if err != nil {
		t.Fatalf(
			"slow reader: %v",
			err)
	}
	if len(slowMsgs) != total || slowCode != StatusNormalClosure {
		t.Errorf(
			"slow reader got %d messages and close %d, want %d and 1000",
			len(slowMsgs), slowCode, total)
	}
	if len(fastMsgs) != total || fastCode != StatusNormalClosure {
		t.Errorf(
			"fast reader got %d messages and close %d",
			len(fastMsgs), fastCode)
	}
	if closeTook < 500*time.Millisecond {
		t.Errorf(
			"Close returned after %v, before the slow reader could have read everything",
			closeTook)
	}
	if st := s.Stats(); st.Disconnects["server_close"] != 2 {
		t.Errorf(
			"disconnects %v",
			st.Disconnects)
	}
}

// Close is bounded: a client that reads nothing and never answers is
// dropped when the timeout passes.
func TestCloseIsBounded(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, Config{})
	stuck, err := dialErr(s.Addr().String(), func(c *net.TCPConn) { _ = c.SetReadBuffer(4096) })
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.conn.Close()
	if err := s.WaitClients(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2000; i++ {
		s.Broadcast(bytes.Repeat([]byte("y"), 1000))
	}
	start := time.Now()
	if err := s.Close(StatusGoingAway, "shutting down", 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf(
			"Close took %v with a 300ms timeout",
			d)
	}
	if s.Clients() != 0 {
		t.Errorf(
			"%d clients left after Close",
			s.Clients())
	}
}

func TestBacklogForLateJoiners(t *testing.T) {
	tests := []struct {
		name    string
		backlog int
		before  int
		want    []int // message numbers the late joiner receives before the live ones
	}{
		{
			name:    "fewer than backlog",
			backlog: 5,
			before:  2,
			want:    []int{0, 1},
		},
		{
			name:    "more than backlog",
			backlog: 3,
			before:  7,
			want:    []int{4, 5, 6},
		},
		{
			name:    "no backlog",
			backlog: 0,
			before:  4,
			want:    nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startServer(t, Config{Backlog: tt.backlog})
			for i := 0; i < tt.before; i++ {
				s.Broadcast(message(i))
			}
			c := dial(t, s)
			if err := s.WaitClients(context.Background(), 1); err != nil {
				t.Fatal(err)
			}
			var msgs [][]byte
			var err error
			done := make(chan struct{})
			go func() {
				defer close(done)
				msgs, _, _, err = c.readAll(nil)
			}()
			s.Broadcast(message(100))
			if err := s.Close(StatusNormalClosure, "end of input", 5*time.Second); err != nil {
				t.Fatal(err)
			}
			<-done
			if err != nil {
				t.Fatalf(
					"reading: %v after %d messages; server %+v",
					err, len(msgs), s.Stats())
			}
			want := append(append([]int(nil), tt.want...), 100)
			if len(msgs) != len(want) {
				t.Fatalf(
					"got %d messages, want %d",
					len(msgs), len(want))
			}
			for i, n := range want {
				if !bytes.Equal(msgs[i], message(n)) {
					t.Errorf(
						"message %d is not message %d",
						i, n)
				}
			}
		})
	}
}

func TestWaitClients(t *testing.T) {
	s := startServer(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := s.WaitClients(ctx, 1); err != context.DeadlineExceeded {
		t.Fatalf(
			"WaitClients with no client: %v",
			err)
	}
	done := make(chan error, 1)
	go func() { done <- s.WaitClients(context.Background(), 2) }()
	dial(t, s)
	dial(t, s)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("WaitClients did not return after 2 clients joined")
	}
	if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
		t.Fatal(err)
	}
	if err := s.WaitClients(context.Background(), 1); err != ErrServerClosed {
		t.Errorf(
			"WaitClients after Close: %v",
			err)
	}
	if err := s.Close(StatusGoingAway, "", time.Second); err != ErrServerClosed {
		t.Errorf(
			"second Close: %v",
			err)
	}
}

// Close wakes a BroadcastWait that waits for a stuck client.
func TestCloseWakesBroadcastWait(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, Config{QueueBytes: 64 << 10, StallTimeout: time.Minute})
	stuck, err := dialErr(s.Addr().String(), func(c *net.TCPConn) { _ = c.SetReadBuffer(4096) })
	if err != nil {
		t.Fatal(err)
	}
	defer stuck.conn.Close()
	if err := s.WaitClients(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		payload := bytes.Repeat([]byte("w"), 1000)
		for i := 0; i < 1000000; i++ {
			if err := s.BroadcastWait(context.Background(), payload); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	waitFor(t, "BroadcastWait blocked", 10*time.Second, func() bool {
		a := s.Stats().Messages
		time.Sleep(50 * time.Millisecond)
		return s.Stats().Messages == a
	})
	start := time.Now()
	if err := s.Close(StatusGoingAway, "shutting down", 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != ErrServerClosed {
			t.Errorf(
				"BroadcastWait returned %v, want ErrServerClosed",
				err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("BroadcastWait still blocked after Close")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf(
			"took %v",
			d)
	}
}
