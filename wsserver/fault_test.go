package wsserver

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// politeReader reads a client's frames in the background, answering pings
// as a browser does, and counts text messages and pings.
type politeReader struct {
	texts, pings atomic.Int64
	firstPingAt  atomic.Int64 // unix ns
	closeCode    atomic.Int64
	done         chan struct{}
}

func readPolitely(c *testClient) *politeReader {
	return readSlowly(c, 0)
}

// readSlowly is readPolitely pausing after each text message, as a busy
// browser tab does.
func readSlowly(c *testClient, pause time.Duration) *politeReader {
	p := &politeReader{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for {
			h, payload, err := c.next()
			if err != nil {
				return
			}
			switch h.OpCode {
			case ws.OpText:
				p.texts.Add(1)
				if pause > 0 {
					time.Sleep(pause)
				}
			case ws.OpPing:
				p.pings.Add(1)
				p.firstPingAt.CompareAndSwap(0, time.Now().UnixNano())
				_ = ws.WriteFrame(c.conn, ws.MaskFrame(ws.NewPongFrame(payload)))
			case ws.OpClose:
				code, _ := ws.ParseCloseFrameData(payload)
				p.closeCode.Store(int64(code))
				_ = ws.WriteFrame(c.conn, ws.MaskFrame(ws.NewCloseFrame(ws.NewCloseFrameBody(code, ""))))
				return
			}
		}
	}()
	return p
}

// Quiet clients are pinged. One that answers stays; one that stopped
// reading but whose TCP stack still acknowledges (a stalled application,
// not a vanished peer: see TestVanishedPeerIsDropped) is not dropped by
// the pings, only cut off once traffic overflows its queue, while the
// others keep being served.
func TestPings(t *testing.T) {
	checkLeaks(t)
	// PongTimeout well above TCP's 200 ms minimum retransmission timeout:
	// a live peer with a full receive buffer may not acknowledge sooner.
	s := startServer(t, Config{QueueBytes: 64 << 10, StallTimeout: 300 * time.Millisecond, PingInterval: 50 * time.Millisecond, PongTimeout: time.Second, Logf: t.Logf})
	good := dial(t, s)
	pr := readPolitely(good)
	waitFor(t, "good client registered", 5*time.Second, func() bool { return s.Clients() == 1 })

	stalled, br := rawUpgrade(t, s) // never reads, never writes
	_ = stalled.(*net.TCPConn).SetReadBuffer(4096)
	time.Sleep(time.Second) // several ping rounds
	st := s.Stats()
	if s.Clients() != 2 || st.Disconnects["ping_timeout"] != 0 || pr.pings.Load() < 5 {
		t.Fatalf("after a second of pings: %d clients, good client answered %d pings; %+v", s.Clients(), pr.pings.Load(), st)
	}
	// Traffic, paced by the slowest reader: the stalled client fills its
	// buffers and queue, makes no progress and is cut off; the good one
	// reads everything.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	msg := bytes.Repeat([]byte{'x'}, 1000)
	const sent = 20000 // 20 MB: far more than the stalled client's buffers and queue
	for i := 0; i < sent; i++ {
		if err := s.BroadcastWait(ctx, msg); err != nil {
			t.Fatal(err)
		}
	}
	if !waitUntil(10*time.Second, func() bool { return s.Stats().Disconnects["stalled"] == 1 }) {
		t.Fatalf("stalled client not cut off after %d messages: %+v", sent, s.Stats())
	}
	waitFor(t, "good client served", 10*time.Second, func() bool { return pr.texts.Load() == sent })
	// What the stalled client was sent first: a ping. (Its close frame
	// could not get through its full buffers before the write deadline.)
	_ = stalled.SetReadDeadline(time.Now().Add(5 * time.Second))
	if h, _, err := readServerFrame(br); err != nil || h.OpCode != ws.OpPing {
		t.Errorf("stalled client was sent %v first (%v), want a ping", h.OpCode, err)
	}
	if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
		t.Fatal(err)
	}
	<-pr.done
}

// A slow reader's pong waits behind the data queued before it, longer
// than PongTimeout; it is alive (its TCP stack keeps acknowledging), so
// the pings must not drop it.
func TestSlowReaderIsNotMistakenForDead(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, Config{QueueBytes: 8 << 20, PingInterval: 50 * time.Millisecond, PongTimeout: 500 * time.Millisecond, Logf: t.Logf})
	c, err := dialErr(s.Addr().String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.conn.Close()
	pr := readSlowly(c, 5*time.Millisecond)
	waitFor(t, "client registered", 5*time.Second, func() bool { return s.Clients() == 1 })
	msg := bytes.Repeat([]byte{'s'}, 4096)
	// 1.2 MB queued at once, room left for pings, which go out ahead of
	// the queue but behind what the socket buffers hold; read at 0.8 MB/s
	// at best, so pongs come long after PongTimeout.
	const n = 300
	start := time.Now()
	for i := 0; i < n; i++ {
		s.Broadcast(msg)
	}
	if !waitUntil(30*time.Second, func() bool { return pr.texts.Load() == n && pr.pings.Load() > 0 }) {
		t.Fatalf("%d of %d messages and %d pings read; %+v", pr.texts.Load(), n, pr.pings.Load(), s.Stats())
	}
	// The first ping went out about PingInterval after the start, behind
	// the data the socket buffers held.
	if late := time.Unix(0, pr.firstPingAt.Load()).Sub(start); late < 2*500*time.Millisecond {
		t.Logf("the first ping was read %v after the start: not slow enough to test much", late)
	} else {
		t.Logf("the first ping was read %v after the start, past PongTimeout (500ms)", late.Round(time.Millisecond))
	}
	st := s.Stats()
	t.Logf("%d messages in %v, %d of %d pings answered; disconnects %v", n, time.Since(start).Round(time.Millisecond), pr.pings.Load(), st.Pings, st.Disconnects)
	if s.Clients() != 1 || st.Disconnects["ping_timeout"] != 0 {
		t.Fatalf("slow reader dropped: %+v", st)
	}
	if err := s.Close(StatusNormalClosure, "", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	<-pr.done
}

// A client that floods the server with frames (data, pings it never reads
// the answers to) cannot starve the others or grow memory: data is read
// and discarded, pongs count against its queue, and it is cut off.
func TestFloodingClient(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, Config{QueueBytes: 256 << 10, PingInterval: -1})
	good := dial(t, s)
	pr := readPolitely(good)
	waitFor(t, "good client registered", 5*time.Second, func() bool { return s.Clients() == 1 })

	tests := []struct {
		name   string
		frame  []byte
		reason string // "" means it is never cut off
	}{
		{
			name:  "data frames",
			frame: maskedFrame(0x82, 4096, bytes.Repeat([]byte{'d'}, 4096)),
		},
		{
			name:   "pings never read",
			frame:  maskedFrame(0x89, 125, bytes.Repeat([]byte{'p'}, 125)),
			reason: "queue_overflow",
		},
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, _ := rawUpgrade(t, s)
			// Small buffers on the flooder's side, so that unread pongs
			// back up into the server's queue quickly.
			_ = conn.(*net.TCPConn).SetReadBuffer(4096)
			var burst []byte
			for len(burst) < 64<<10 {
				burst = append(burst, tt.frame...)
			}
			stop := make(chan struct{})
			var flooded atomic.Int64
			go func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					_ = conn.SetWriteDeadline(time.Now().Add(time.Second))
					n, err := conn.Write(burst)
					flooded.Add(int64(n))
					if err != nil {
						return
					}
				}
			}()
			// Meanwhile the good client gets broadcasts promptly.
			var worst time.Duration
			for i := 0; i < 20; i++ {
				want := pr.texts.Load() + 1
				t0 := time.Now()
				s.Broadcast([]byte(`{"during":"flood"}`))
				waitFor(t, "broadcast during the flood", 5*time.Second, func() bool { return pr.texts.Load() >= want })
				worst = max(worst, time.Since(t0))
				time.Sleep(50 * time.Millisecond)
			}
			close(stop)
			t.Logf("flooded %d MiB; worst broadcast latency for the good client %v", flooded.Load()>>20, worst)
			if worst > time.Second {
				t.Errorf("good client waited %v for a broadcast during the flood", worst)
			}
			if tt.reason != "" {
				waitFor(t, "flooder cut off", 5*time.Second, func() bool { return s.Stats().Disconnects[tt.reason] >= 1 })
			}
			conn.Close()
			waitFor(t, "flooder gone", 5*time.Second, func() bool { return s.Clients() == 1 })
		})
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 16<<20 {
		t.Errorf("heap grew by %d MiB during the floods", grown>>20)
	}
	if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
		t.Fatal(err)
	}
	<-pr.done
}

// 5,000 connect/upgrade/disconnect cycles, in every manner of leaving,
// with broadcasts going on: no goroutine, descriptor or memory is left
// behind, and a client that stayed throughout got every message.
func TestFiveThousandCycles(t *testing.T) {
	cycles := 5000
	if testing.Short() {
		cycles = 500
	}
	checkLeaks(t)
	s := startServer(t, Config{HandshakeTimeout: time.Second, PingInterval: 50 * time.Millisecond, PongTimeout: 200 * time.Millisecond, Logf: t.Logf})
	stayer := dial(t, s)
	pr := readPolitely(stayer)
	waitFor(t, "stayer registered", 5*time.Second, func() bool { return s.Clients() == 1 })

	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	g0 := runtime.NumGoroutine()

	ctx, cancel := context.WithCancel(context.Background())
	var sent atomic.Int64
	var bg sync.WaitGroup
	bg.Add(1)
	go func() {
		defer bg.Done()
		for ctx.Err() == nil {
			s.Broadcast([]byte(`{"cycle":true}`))
			sent.Add(1)
			time.Sleep(time.Millisecond)
		}
	}()
	const workers = 4
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < cycles; i += workers {
				c, err := dialErr(s.Addr().String(), nil)
				if err != nil {
					failed.Add(1)
					continue
				}
				switch i % 3 {
				case 0: // vanish: close the socket without a close frame
				case 1: // close properly
					_ = ws.WriteFrame(c.conn, ws.MaskFrame(ws.NewCloseFrame(ws.NewCloseFrameBody(ws.StatusNormalClosure, ""))))
				case 2: // shut down writing only, then leave
					_ = c.conn.(*net.TCPConn).CloseWrite()
				}
				c.conn.Close()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	cancel()
	bg.Wait()
	if !waitUntil(10*time.Second, func() bool { return s.Clients() == 1 }) {
		t.Fatalf("%d clients still connected: %+v", s.Clients(), s.Stats())
	}
	waitFor(t, "stayer got every message", 10*time.Second, func() bool { return pr.texts.Load() == sent.Load() })
	waitFor(t, "goroutines back", 5*time.Second, func() bool { return runtime.NumGoroutine() <= g0 })
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	st := s.Stats()
	t.Logf("%d cycles in %v (%.0f/s), %d failed dials, %d broadcasts; heap in use %d KiB -> %d KiB; stats %+v",
		cycles, elapsed, float64(cycles)/elapsed.Seconds(), failed.Load(), sent.Load(), before.HeapInuse>>10, after.HeapInuse>>10, st)
	if failed.Load() > 0 {
		t.Errorf("%d of %d dials failed", failed.Load(), cycles)
	}
	if st.Connections != uint64(cycles)+1 {
		t.Errorf("%d upgrades, want %d", st.Connections, cycles+1)
	}
	if grown := int64(after.HeapInuse) - int64(before.HeapInuse); grown > 8<<20 {
		t.Errorf("heap grew by %d KiB over the cycles", grown>>10)
	}
	if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
		t.Fatal(err)
	}
	<-pr.done
}

// The descriptor test runs the server in a child process whose
// RLIMIT_NOFILE is lowered (the parent's descriptors stay untouched).
const fdChildEnv = "WSSERVER_FD_CHILD"

// fdChild is the child: it serves on loopback with a limit of 64
// descriptors, broadcasts a numbered message every 20 ms, prints its
// address and then its log lines, and exits when standard input closes.
func fdChild() {
	lim := syscall.Rlimit{Cur: 64, Max: 64}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		fmt.Println("setrlimit:", err)
		os.Exit(1)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	var mu sync.Mutex
	s, err := New(ln, Config{
		MaxClients:       10000, // let the descriptor limit bite first
		HandshakeTimeout: 500 * time.Millisecond,
		Logf: func(format string, args ...any) {
			mu.Lock()
			fmt.Printf("log: "+format+"\n", args...)
			mu.Unlock()
		},
	})
	if err != nil {
		fmt.Println("New:", err)
		os.Exit(1)
	}
	mu.Lock()
	fmt.Println("addr", s.Addr())
	mu.Unlock()
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		close(done)
	}()
	for i := 0; ; i++ {
		select {
		case <-done:
			_ = s.Close(StatusGoingAway, "", time.Second)
			os.Exit(0)
		case <-time.After(20 * time.Millisecond):
			s.Broadcast([]byte(strconv.Itoa(i)))
		}
	}
}

func TestMain(m *testing.M) {
	if os.Getenv(fdChildEnv) == "1" {
		fdChild()
		return
	}
	os.Exit(m.Run())
}

// Running out of descriptors: connections beyond the limit wait in the
// kernel's backlog while accept backs off; the connected client keeps
// receiving, and once descriptors are free new clients get in again.
func TestOutOfDescriptors(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fdChildEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		waitDone := make(chan error, 1)
		go func() { waitDone <- cmd.Wait() }()
		select {
		case <-waitDone:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-waitDone
		}
	})
	lines := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // the test only needs the first lines and a few log lines
			}
		}
		close(lines)
	}()
	var addr string
	select {
	case l := <-lines:
		if !strings.HasPrefix(l, "addr ") {
			t.Fatalf("child said %q", l)
		}
		addr = strings.TrimPrefix(l, "addr ")
	case <-time.After(30 * time.Second): // generous: a loaded machine starts processes slowly
		t.Fatal("child did not start")
	}

	first, err := dialErr(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer first.conn.Close()
	pr := readPolitely(first)

	// Exhaust the child's 64 descriptors with idle upgrades (bounded),
	// until it reports that accept fails.
	var held []*testClient
	sawBackoff := false
	seen := func() bool {
		for !sawBackoff {
			select {
			case l, ok := <-lines:
				if !ok {
					return sawBackoff
				}
				sawBackoff = strings.Contains(l, "too many open files")
			default:
				return sawBackoff
			}
		}
		return true
	}
	for i := 0; i < 100 && !seen(); i++ {
		c, err := dialWithTimeout(addr, 2*time.Second)
		if err != nil {
			continue
		}
		held = append(held, c)
	}
	t.Logf("%d clients upgraded before the descriptors ran out", len(held)+1)
	if !sawBackoff {
		t.Fatalf("the child never ran out of descriptors (%d clients)", len(held)+1)
	}
	// The client connected before keeps receiving.
	n0 := pr.texts.Load()
	waitFor(t, "messages while out of descriptors", 5*time.Second, func() bool { return pr.texts.Load() > n0+10 })

	// Free descriptors: new clients get in again.
	for _, c := range held {
		c.conn.Close()
	}
	var late *testClient
	waitFor(t, "a new client after descriptors were freed", 10*time.Second, func() bool {
		c, err := dialWithTimeout(addr, time.Second)
		if err != nil {
			return false
		}
		late = c
		return true
	})
	defer late.conn.Close()
	lr := readPolitely(late)
	waitFor(t, "late client served", 5*time.Second, func() bool { return lr.texts.Load() > 5 })

}

// dialWithTimeout is dialErr bounded in time: a connection the server has
// no descriptor for waits in the kernel's backlog.
func dialWithTimeout(addr string, d time.Duration) (*testClient, error) {
	type result struct {
		c   *testClient
		err error
	}
	ch := make(chan result, 1)
	var conn atomic.Pointer[net.TCPConn]
	go func() {
		c, err := dialErr(addr, func(tc *net.TCPConn) { conn.Store(tc) })
		ch <- result{c, err}
	}()
	select {
	case r := <-ch:
		return r.c, r.err
	case <-time.After(d):
		go func() {
			if r := <-ch; r.c != nil {
				r.c.conn.Close()
			}
		}()
		if c := conn.Load(); c != nil {
			c.Close()
		}
		return nil, fmt.Errorf("dial %s: no upgrade within %v", addr, d)
	}
}

// waitUntil polls cond until it holds or d passes, and says which.
func waitUntil(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}
