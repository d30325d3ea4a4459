package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
	"golang.org/x/sys/unix"
)

// These tests run the real binary, built once per test run, as a user
// would: signals, files, pipes, sockets and namespaces are real.

var (
	buildOnce sync.Once
	buildDir  string
	builtBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary builds ./cmd/sniffws once and returns its path.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "sniffws-bin-")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "sniffws")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// proc is a running sniffws.
type proc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{}
	err    error
}

// start runs the binary (under prefix, e.g. "ip netns exec NS", if given).
func start(t *testing.T, prefix []string, args ...string) *proc {
	t.Helper()
	bin := binary(t)
	argv := append(append(append([]string(nil), prefix...), bin), args...)
	p := &proc{t: t, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(argv[0], argv[1:]...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitOutput waits until stderr (or stdout) matches re and returns the
// first submatch.
func (p *proc) waitStderr(re string, d time.Duration) string {
	p.t.Helper()
	return p.waitIn(p.stderr, re, d)
}

func (p *proc) waitIn(b *syncBuffer, re string, d time.Duration) string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if m := rx.FindStringSubmatch(b.String()); m != nil {
			if len(m) > 1 {
				return m[1]
			}
			return m[0]
		}
		select {
		case <-p.done:
			if m := rx.FindStringSubmatch(b.String()); m != nil {
				if len(m) > 1 {
					return m[1]
				}
				return m[0]
			}
			p.t.Fatalf("exited (%v) before %q appeared; stderr:\n%s", p.err, re, p.stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	p.t.Fatalf("%q did not appear within %v; stderr:\n%s", re, d, p.stderr.String())
	return ""
}

// stop sends sig and waits for the exit; it returns the exit status.
func (p *proc) stop(sig os.Signal, d time.Duration) int {
	p.t.Helper()
	_ = p.cmd.Process.Signal(sig)
	return p.wait(d)
}

func (p *proc) wait(d time.Duration) int {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		_ = p.cmd.Process.Kill()
		<-p.done
		p.t.Fatalf("did not exit within %v; stderr:\n%s", d, p.stderr.String())
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			p.t.Fatalf("killed by %v; stderr:\n%s", ws.Signal(), p.stderr.String())
		}
		return ee.ExitCode()
	}
	return 0
}

// wsClient reads messages in the background, as a browser would (pongs
// included), until the server closes.
type wsClient struct {
	mu       sync.Mutex
	messages []string
	code     ws.StatusCode
	reason   string
	err      error
	done     chan struct{}
}

func dialClient(t *testing.T, url string, tlsConf *tls.Config) *wsClient {
	t.Helper()
	return dialClientVia(t, url, tlsConf, nil)
}

// dialClientVia dials through netDial (nil: the default dialer).
func dialClientVia(t *testing.T, url string, tlsConf *tls.Config, netDial func(ctx context.Context, network, addr string) (net.Conn, error)) *wsClient {
	t.Helper()
	d := ws.Dialer{Timeout: 5 * time.Second, TLSConfig: tlsConf, NetDial: netDial}
	conn, br, _, err := d.Dial(context.Background(), url)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	c := &wsClient{done: make(chan struct{})}
	var r io.Reader = conn
	if br != nil {
		r = io.MultiReader(br, conn)
	}
	go func() {
		defer close(c.done)
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
		rw := struct {
			io.Reader
			io.Writer
		}{r, conn}
		for {
			data, op, err := wsutil.ReadServerData(rw)
			c.mu.Lock()
			if err != nil {
				var ce wsutil.ClosedError
				if errors.As(err, &ce) {
					c.code, c.reason = ce.Code, ce.Reason
				} else {
					c.err = err
				}
				c.mu.Unlock()
				return
			}
			if op == ws.OpText {
				c.messages = append(c.messages, string(data))
			}
			c.mu.Unlock()
		}
	}()
	t.Cleanup(func() { conn.Close() })
	return c
}

func (c *wsClient) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.messages)
}

func (c *wsClient) closed(t *testing.T, d time.Duration) (ws.StatusCode, string, []string) {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(d):
		t.Fatalf("client not closed within %v", d)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		t.Fatalf("client: %v (after %d messages)", c.err, len(c.messages))
	}
	return c.code, c.reason, c.messages
}

func waitCond(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// tsharkFrames counts the frames tshark reads from a capture file, and
// fails if tshark reports the file damaged. It skips without tshark.
func tsharkFrames(t *testing.T, path string) int {
	t.Helper()
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Logf("no tshark: %s not checked", path)
		return -1
	}
	cmd := exec.Command("tshark", "-r", path, "-T", "fields", "-e", "frame.number")
	var errb strings.Builder
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil || strings.Contains(errb.String(), "appears to have been cut short") || strings.Contains(errb.String(), "damaged") {
		t.Fatalf("tshark -r %s: %v: %s", path, err, errb.String())
	}
	return strings.Count(string(out), "\n")
}

const servingRE = `serving wss?://(\S+)`

// SIGINT/SIGTERM in every mode: the output written so far is complete
// (whole lines, all flushed), the -w copy is a whole pcapng that tshark
// reads, clients are closed with 1001, and the exit status is 0.
func TestSignalInEveryMode(t *testing.T) {
	tshark, err := os.ReadFile(sample + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	tsharkRows := strings.SplitAfter(string(tshark), "\n")

	t.Run("file to stdout with -w", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "copy.pcapng")
		p := start(t, nil, "-r", sample, "-speed", "0.1", "-print", "csv", "-w", out)
		// -print output is block-buffered (as tshark's without -l), so
		// progress cannot be watched: the replay takes 4 s, signal at 1.5.
		time.Sleep(1500 * time.Millisecond)
		if code := p.stop(os.Interrupt, 10*time.Second); code != 0 {
			t.Fatalf("exit %d: %s", code, p.stderr.String())
		}
		got := p.stdout.String()
		rows := strings.SplitAfter(got, "\n")
		rows = rows[:len(rows)-1] // after the last "\n"
		if !strings.HasSuffix(got, "\n") || len(rows) < 1 || len(rows) >= len(tsharkRows)-1 {
			t.Fatalf("%d rows, output ends %q", len(rows), got[max(0, len(got)-40):])
		}
		for i, r := range rows {
			if r != tsharkRows[i] {
				t.Fatalf("row %d differs:\n got %s\nwant %s", i+1, r, tsharkRows[i])
			}
		}
		// The frame being paced when the signal came is saved but not printed.
		if n := tsharkFrames(t, out); n >= 0 && n != len(rows) && n != len(rows)+1 {
			t.Errorf("tshark reads %d frames from the -w copy, %d rows printed", n, len(rows))
		}
	})

	t.Run("file served with -w", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "copy.pcapng")
		p := start(t, nil, "-r", sample, "-speed", "0.1", "-listen", "127.0.0.1:0", "-w", out)
		addr := p.waitStderr(servingRE, 10*time.Second)
		c := dialClient(t, "ws://"+addr+"/", nil)
		waitCond(t, "a few messages", 10*time.Second, func() bool { return c.count() >= 3 })
		if code := p.stop(syscall.SIGTERM, 10*time.Second); code != 0 {
			t.Fatalf("exit %d: %s", code, p.stderr.String())
		}
		code, reason, msgs := c.closed(t, 5*time.Second)
		if code != ws.StatusGoingAway {
			t.Errorf("closed with %d %q, want 1001", code, reason)
		}
		if n := tsharkFrames(t, out); n >= 0 && n != len(msgs) && n != len(msgs)+1 {
			t.Errorf("tshark reads %d frames from the -w copy, %d messages sent", n, len(msgs))
		}
	})

	t.Run("stdin CSV to stdout, pipe left open", func(t *testing.T) {
		p := start(t, nil, "-stdin", "-print", "csv")
		lines := tsharkRows[0] + tsharkRows[1]
		if _, err := io.WriteString(p.stdin, lines); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // the pipe stays open and idle
		if code := p.stop(os.Interrupt, 10*time.Second); code != 0 {
			t.Fatalf("exit %d: %s", code, p.stderr.String())
		}
		if got := p.stdout.String(); got != lines {
			t.Errorf("output %q, want %q", got, lines)
		}
	})

	t.Run("stdin CSV served, pipe left open", func(t *testing.T) {
		p := start(t, nil, "-stdin", "-listen", "127.0.0.1:0")
		addr := p.waitStderr(servingRE, 10*time.Second)
		c := dialClient(t, "ws://"+addr+"/", nil)
		if _, err := io.WriteString(p.stdin, tsharkRows[0]+tsharkRows[1]); err != nil {
			t.Fatal(err)
		}
		waitCond(t, "two messages", 10*time.Second, func() bool { return c.count() == 2 })
		if code := p.stop(syscall.SIGTERM, 10*time.Second); code != 0 {
			t.Fatalf("exit %d: %s", code, p.stderr.String())
		}
		if code, reason, _ := c.closed(t, 5*time.Second); code != ws.StatusGoingAway {
			t.Errorf("closed with %d %q, want 1001", code, reason)
		}
	})

	t.Run("pcap on stdin, pipe left open", func(t *testing.T) {
		data, err := os.ReadFile("../../testdata/sniff/usec.pcap")
		if err != nil {
			t.Fatal(err)
		}
		p := start(t, nil, "-r", "-", "-print", "csv")
		// The header and the first records, then nothing: the writer is
		// still there, as a live tcpdump -w - would be.
		offs := pcapRecordEnds(data, 3)
		if _, err := p.stdin.Write(data[:offs]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond)
		if code := p.stop(os.Interrupt, 10*time.Second); code != 0 {
			t.Fatalf("exit %d (a signal is not damage): %s", code, p.stderr.String())
		}
		if n := strings.Count(p.stdout.String(), "\n"); n != 3 {
			t.Errorf("%d rows, want 3", n)
		}
	})

	t.Run("HAR while waiting for clients", func(t *testing.T) {
		p := start(t, nil, "-har", "../../samples/session.har", "-wait", "2", "-listen", "127.0.0.1:0")
		addr := p.waitStderr(servingRE, 10*time.Second)
		c := dialClient(t, "ws://"+addr+"/", nil)
		time.Sleep(200 * time.Millisecond)
		if code := p.stop(os.Interrupt, 10*time.Second); code != 0 {
			t.Fatalf("exit %d: %s", code, p.stderr.String())
		}
		if code, reason, _ := c.closed(t, 5*time.Second); code != ws.StatusGoingAway {
			t.Errorf("closed with %d %q, want 1001", code, reason)
		}
	})

	t.Run("demo", func(t *testing.T) {
		p := start(t, nil, "-demo", "-listen", "127.0.0.1:0")
		addr := p.waitStderr(servingRE, 10*time.Second)
		c := dialClient(t, "ws://"+addr+"/", nil)
		waitCond(t, "a demo message", 10*time.Second, func() bool { return c.count() >= 1 })
		if code := p.stop(syscall.SIGTERM, 10*time.Second); code != 0 {
			t.Fatalf("exit %d: %s", code, p.stderr.String())
		}
		if code, reason, _ := c.closed(t, 5*time.Second); code != ws.StatusGoingAway {
			t.Errorf("closed with %d %q, want 1001", code, reason)
		}
	})

	t.Run("live capture with -w", func(t *testing.T) {
		requireLiveCapture(t)
		out := filepath.Join(t.TempDir(), "live.pcapng")
		p := start(t, nil, "-i", "lo", "-f", "udp and dst host 127.0.0.99 and dst port 9", "-w", out, "-listen", "127.0.0.1:0")
		addr := p.waitStderr(servingRE, 10*time.Second)
		c := dialClient(t, "ws://"+addr+"/", nil)
		p.waitStderr(`capturing on lo`, 10*time.Second)
		sendUDP(t, "127.0.0.99:9", 5, 100)
		waitCond(t, "five captured messages", 10*time.Second, func() bool { return c.count() >= 5 })
		if code := p.stop(os.Interrupt, 10*time.Second); code != 0 {
			t.Fatalf("exit %d: %s", code, p.stderr.String())
		}
		if code, reason, _ := c.closed(t, 5*time.Second); code != ws.StatusGoingAway {
			t.Errorf("closed with %d %q, want 1001", code, reason)
		}
		if !strings.Contains(p.stderr.String(), "5 packets captured") {
			t.Errorf("no capture summary: %s", p.stderr.String())
		}
		if n := tsharkFrames(t, out); n >= 0 && n != 5 {
			t.Errorf("tshark reads %d frames from the -w copy, want 5", n)
		}
	})
}

// pcapRecordEnds returns the length of a pcap file's header and first n
// records.
func pcapRecordEnds(b []byte, n int) int {
	off := 24
	for i := 0; i < n; i++ {
		off += 16 + int(uint32(b[off+8])|uint32(b[off+9])<<8|uint32(b[off+10])<<16|uint32(b[off+11])<<24)
	}
	return off
}

// requireLiveCapture skips unless this process may capture on lo.
func requireLiveCapture(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("live capture needs root (or CAP_NET_RAW on the binary)")
	}
}

// sendUDP sends n datagrams of size bytes to addr, pausing a little
// between them so that each is its own frame in time.
func sendUDP(t *testing.T, addr string, n, size int) {
	t.Helper()
	// Unconnected: a connected socket would fail every other write with
	// the port-unreachable error the previous datagram drew.
	to, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	payload := make([]byte, size)
	for i := 0; i < n; i++ {
		if _, err := conn.WriteTo(payload, to); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond)
	}
}

// newNetns makes a network namespace with a veth pair in it, both ends
// up, and removes it when the test ends. It returns the namespace and the
// name of the end to capture on.
func newNetns(t *testing.T) (ns, link string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("no ip command")
	}
	id := os.Getpid() % 100000
	ns = fmt.Sprintf("sniffws-live-%d", id)
	link, peer := fmt.Sprintf("swl%d", id), fmt.Sprintf("swp%d", id)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	for _, s := range [][]string{
		{"netns", "add", ns},
		{"link", "add", link, "type", "veth", "peer", "name", peer},
		{"link", "set", link, "netns", ns},
		{"link", "set", peer, "netns", ns},
		{"-n", ns, "link", "set", "lo", "up"},
		{"-n", ns, "link", "set", link, "up"},
		{"-n", ns, "link", "set", peer, "up"},
	} {
		if out, err := exec.Command("ip", s...).CombinedOutput(); err != nil {
			t.Skipf("ip %s: %v: %s", strings.Join(s, " "), err, out)
		}
	}
	return ns, link
}

// netnsDialer dials TCP from inside namespace ns: the socket is made on a
// thread switched into ns (and stays there). That thread is never switched
// back: it ends with its goroutine.
func netnsDialer(ns string) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		type result struct {
			conn net.Conn
			err  error
		}
		ch := make(chan result, 1)
		go func() {
			runtime.LockOSThread()
			fd, err := unix.Open("/var/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				ch <- result{nil, err}
				return
			}
			defer unix.Close(fd)
			if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
				ch <- result{nil, err}
				return
			}
			conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			ch <- result{conn, err}
		}()
		r := <-ch
		return r.conn, r.err
	}
}

// The interface a live capture runs on goes down, or away: sniffws says
// so, prints its summary and exits with status 1; clients are told.
func TestLiveInterfaceGoesAway(t *testing.T) {
	tests := []struct {
		name  string
		fault func(ns, link string) []string
		want  string
	}{
		{
			name:  "deleted",
			fault: func(ns, link string) []string { return []string{"-n", ns, "link", "del", link} },
			want:  "the interface disappeared",
		},
		{
			name:  "taken down",
			fault: func(ns, link string) []string { return []string{"-n", ns, "link", "set", link, "down"} },
			want:  "the interface went down",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns, link := newNetns(t)
			p := start(t, []string{"ip", "netns", "exec", ns}, "-i", link, "-listen", "127.0.0.1:0")
			addr := p.waitStderr(servingRE, 10*time.Second)
			p.waitStderr(`capturing on `+link, 10*time.Second)
			c := dialClientVia(t, "ws://"+addr+"/", nil, netnsDialer(ns))
			start := time.Now()
			if out, err := exec.Command("ip", tt.fault(ns, link)...).CombinedOutput(); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			code := p.wait(10 * time.Second)
			t.Logf("exit %d after %v: %s", code, time.Since(start).Round(time.Millisecond), p.stderr.String())
			if code != 1 || !strings.Contains(p.stderr.String(), "capture on "+link+": "+tt.want) {
				t.Errorf("exit %d, stderr:\n%s", code, p.stderr.String())
			}
			if !strings.Contains(p.stderr.String(), "packets captured") && !strings.Contains(p.stderr.String(), "packet captured") {
				t.Errorf("no capture summary:\n%s", p.stderr.String())
			}
			if code, reason, _ := c.closed(t, 5*time.Second); code != 1011 {
				t.Errorf("client closed with %d %q, want 1011 \"input error\"", code, reason)
			}
		})
	}
}

// Kernel drops: the capture is frozen (SIGSTOP) while a burst overflows
// its 1 MiB buffer; /metrics then shows the drops and the exit summary
// prints them, as tshark does.
func TestKernelDropsCounted(t *testing.T) {
	requireLiveCapture(t)
	p := start(t, nil, "-i", "lo", "-B", "1", "-f", "udp and dst host 127.0.0.98 and dst port 9", "-listen", "127.0.0.1:0", "-wait", "0")
	addr := p.waitStderr(servingRE, 10*time.Second)
	p.waitStderr(`capturing on lo`, 10*time.Second)
	if err := p.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 98), Port: 9}
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	payload := make([]byte, 1400)
	for i := 0; i < 20000; i++ { // ~28 MB into a 1 MiB buffer
		_, _ = conn.WriteTo(payload, to)
	}
	conn.Close()
	if err := p.cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	var drops int
	waitCond(t, "drops in /metrics", 10*time.Second, func() bool {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "sniffws_packets_dropped_kernel_total "); ok {
				drops, _ = strconv.Atoi(v)
			}
		}
		return drops > 0
	})
	if code := p.stop(os.Interrupt, 10*time.Second); code != 0 {
		t.Fatalf("exit %d: %s", code, p.stderr.String())
	}
	m := regexp.MustCompile(`(\d+) packets? dropped by the kernel`).FindStringSubmatch(p.stderr.String())
	if m == nil {
		t.Fatalf("no drop count at exit:\n%s", p.stderr.String())
	}
	t.Logf("/metrics showed %d kernel drops; at exit: %s", drops, strings.TrimSpace(p.stderr.String()[strings.LastIndex(p.stderr.String(), "packets captured")-10:]))
}

// -Z nobody: after opening the capture, sniffws runs as nobody with
// nobody's groups, the capture goes on, and the -w file is nobody's.
func TestDropPrivileges(t *testing.T) {
	requireLiveCapture(t)
	u, err := exec.Command("id", "-u", "nobody").Output()
	if err != nil {
		t.Skip("no user nobody")
	}
	uid := strings.TrimSpace(string(u))
	// A directory nobody can write to (t.TempDir's parent is private).
	dir, err := os.MkdirTemp("", "sniffws-Z-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "live.pcapng")
	p := start(t, nil, "-i", "lo", "-Z", "nobody", "-f", "udp and dst host 127.0.0.97 and dst port 9", "-w", out, "-print", "csv", "-c", "3")
	waitCond(t, "capture started", 10*time.Second, func() bool { return strings.Contains(p.stderr.String(), "capturing on lo") })
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	for _, l := range strings.Split(string(status), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && (k == "Uid" || k == "Gid" || k == "Groups") {
			ids[k] = strings.Join(strings.Fields(v), " ")
		}
	}
	if ids["Uid"] != strings.Repeat(uid+" ", 3)+uid {
		t.Errorf("after -Z nobody: Uid %q Gid %q Groups %q", ids["Uid"], ids["Gid"], ids["Groups"])
	}
	if strings.Fields(ids["Groups"] + " x")[0] == "0" {
		t.Errorf("still in group root: %q", ids["Groups"])
	}
	sendUDP(t, "127.0.0.97:9", 3, 10)
	if code := p.wait(10 * time.Second); code != 0 {
		t.Fatalf("exit %d: %s", code, p.stderr.String())
	}
	if n := strings.Count(p.stdout.String(), "\n"); n != 3 {
		t.Errorf("%d rows after dropping privileges, want 3", n)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if owner := fi.Sys().(*syscall.Stat_t).Uid; strconv.Itoa(int(owner)) != uid {
		t.Errorf("-w file owned by %d, want nobody (%s)", owner, uid)
	}
	if n := tsharkFrames(t, out); n >= 0 && n != 3 {
		t.Errorf("tshark reads %d frames, want 3", n)
	}
}

// writeCert writes a self-signed certificate for 127.0.0.1 and its key as
// PEM files and returns their paths and a pool trusting it.
func writeCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "sniffws test"},
		NotBefore:    time.Now().Add(-time.Minute),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(leaf)
	return certFile, keyFile, pool
}

// The exposure flags end to end: wss and https on one port, the token on
// upgrades and /metrics, the origin list, and the warning for a
// non-loopback address without a token.
func TestExposureFlags(t *testing.T) {
	certFile, keyFile, pool := writeCert(t)
	p := start(t, nil, "-demo", "-listen", "127.0.0.1:0", "-token", "T0ken", "-origin", "http://graph.example",
		"-tls-cert", certFile, "-tls-key", keyFile, "-max-clients", "4")
	addr := p.waitStderr(`serving wss://(\S+)`, 10*time.Second)
	tlsConf := &tls.Config{RootCAs: pool}

	c := dialClient(t, "wss://"+addr+"/?token=T0ken", tlsConf)
	waitCond(t, "a demo message over wss", 10*time.Second, func() bool { return c.count() >= 1 })

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: tlsConf}, Timeout: 5 * time.Second}
	defer hc.CloseIdleConnections()
	get := func(path string, header map[string]string) int {
		req, _ := http.NewRequest("GET", "https://"+addr+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	upgrade := map[string]string{"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}
	with := func(m map[string]string, kv ...string) map[string]string {
		out := map[string]string{}
		for k, v := range m {
			out[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	checks := []struct {
		name   string
		path   string
		header map[string]string
		status int
	}{
		{"metrics without token", "/metrics", nil, 401},
		{"metrics with bearer", "/metrics", map[string]string{"Authorization": "Bearer T0ken"}, 200},
		{"healthz is open", "/healthz", nil, 200},
		{"upgrade without token", "/", upgrade, 401},
		{"upgrade with wrong token", "/?token=t0ken", upgrade, 401},
		{"upgrade from another site", "/?token=T0ken", with(upgrade, "Origin", "https://evil.example"), 403},
		{"upgrade from the allowed site", "/?token=T0ken", with(upgrade, "Origin", "http://graph.example"), 101},
	}
	for _, ck := range checks {
		if got := get(ck.path, ck.header); got != ck.status {
			t.Errorf("%s: %d, want %d", ck.name, got, ck.status)
		}
	}
	if _, _, _, err := (ws.Dialer{Timeout: 2 * time.Second}).Dial(context.Background(), "ws://"+addr+"/?token=T0ken"); err == nil {
		t.Errorf("plain ws:// accepted on the TLS port")
	}
	if code := p.stop(os.Interrupt, 10*time.Second); code != 0 {
		t.Fatalf("exit %d: %s", code, p.stderr.String())
	}
	if code, _, _ := c.closed(t, 5*time.Second); code != ws.StatusGoingAway {
		t.Errorf("wss client closed with %d, want 1001", code)
	}

	// Any address but loopback without a token: a warning.
	w := start(t, nil, "-demo", "-listen", "0.0.0.0:0")
	w.waitStderr(`warning: -listen 0.0.0.0:0 accepts connections from other machines and no -token`, 10*time.Second)
	w.stop(os.Interrupt, 10*time.Second)
	l := start(t, nil, "-demo", "-listen", "127.0.0.1:0")
	l.waitStderr(servingRE, 10*time.Second)
	l.stop(os.Interrupt, 10*time.Second)
	if strings.Contains(l.stderr.String(), "warning") {
		t.Errorf("warning on loopback: %s", l.stderr.String())
	}
}

// `sniffws -h` documents every reliability and security flag.
func TestHelpDocumentsExposureFlags(t *testing.T) {
	_, _, errs := runCmd(t, nil, "-h")
	for _, f := range []string{"-token", "-origin", "-tls-cert", "-tls-key", "-Z", "-max-clients", "-max-request",
		"-max-client-frame", "-handshake-timeout", "-ping-interval", "-ping-timeout", "-queue", "-stdin-max-line"} {
		if !strings.Contains(errs, "\n  "+f+" ") && !strings.Contains(errs, "\n  "+f+"\n") {
			t.Errorf("-h does not document %s", f)
		}
	}
}
