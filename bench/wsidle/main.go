// Command wsidle measures the server's resident memory per idle WebSocket
// client. It starts a wsserver in a child process (itself with -serve),
// reads the child's VmRSS from /proc, opens N idle clients from this
// process over loopback, and reads VmRSS again:
//
//	go run ./bench/wsidle -n 10000
//
// Before each reading the child returns freed memory to the OS
// (debug.FreeOSMemory on SIGUSR1), so the figure is what the clients hold,
// not garbage awaiting collection. Clients connect from 127.0.0.2-201 so
// no single source address runs out of ports. Everything stays on
// loopback, and the run ends by itself.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gobwas/ws"

	"sniffws/wsserver"
)

func main() {
	serve := flag.Bool("serve", false, "run the server (the child process)")
	n := flag.Int("n", 10000, "idle clients to open")
	par := flag.Int("parallel", 64, "connections opened at once")
	settle := flag.Duration("settle", time.Second, "pause before each RSS reading")
	free := flag.Bool("free", true, "have the server return freed memory to the OS before each reading")
	flag.Parse()
	if *serve {
		runServer()
		return
	}
	if err := measure(*n, *par, *settle, *free); err != nil {
		fmt.Fprintln(os.Stderr, "wsidle:", err)
		os.Exit(1)
	}
}

// runServer serves on a loopback port, prints the address, and runs until
// its standard input closes.
func runServer() {
	s, err := wsserver.Listen("127.0.0.1:0", wsserver.Config{
		MaxClients: 1 << 20, // the point is many idle clients: lift -max-clients' default of 1024
		ExtraMetrics: func(dst []byte) []byte {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			dst = fmt.Appendf(dst, "go_goroutines %d\n", runtime.NumGoroutine())
			dst = fmt.Appendf(dst, "go_memstats_heap_inuse_bytes %d\n", ms.HeapInuse)
			dst = fmt.Appendf(dst, "go_memstats_stack_inuse_bytes %d\n", ms.StackInuse)
			return dst
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "wsidle server:", err)
		os.Exit(1)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	go func() {
		for range sig {
			debug.FreeOSMemory()
			fmt.Println("freed")
		}
	}()
	fmt.Println(s.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = s.Close(wsserver.StatusGoingAway, "measurement over", 5*time.Second)
}

func measure(n, par int, settle time.Duration, free bool) error {
	if lim, err := wsserver.RaiseFileLimit(); err != nil || lim < uint64(n)+100 {
		return fmt.Errorf("descriptor limit %d too low for %d clients (%v)", lim, n, err)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, "-serve")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		stdin.Close()
		_ = cmd.Wait()
	}()
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() {
		return fmt.Errorf("server did not start")
	}
	addr := lines.Text()
	pid := cmd.Process.Pid

	reading := func() (rss int64, metrics string, err error) {
		if free {
			_ = cmd.Process.Signal(syscall.SIGUSR1)
			lines.Scan() // "freed"
		}
		time.Sleep(settle)
		rss, err = vmRSS(pid)
		if err != nil {
			return 0, "", err
		}
		metrics, err = scrape(addr)
		return rss, metrics, err
	}

	rss0, m0, err := reading()
	if err != nil {
		return err
	}
	start := time.Now()
	conns, err := openClients(addr, n, par)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	if err != nil {
		return err
	}
	opened := time.Since(start)
	rss1, m1, err := reading()
	if err != nil {
		return err
	}
	if got := metric(m1, "sniffws_ws_clients"); got != int64(n) {
		return fmt.Errorf("server reports %d clients, want %d", got, n)
	}
	per := float64(rss1-rss0) / float64(n)
	fmt.Printf("clients:                 %d (opened in %v)\n", n, opened.Round(time.Millisecond))
	fmt.Printf("server RSS before:       %d KiB\n", rss0/1024)
	fmt.Printf("server RSS with clients: %d KiB\n", rss1/1024)
	fmt.Printf("RSS per idle client:     %.0f bytes (%.2f KiB)\n", per, per/1024)
	for _, name := range []string{"go_goroutines", "go_memstats_heap_inuse_bytes", "go_memstats_stack_inuse_bytes"} {
		fmt.Printf("%-30s %d -> %d\n", name+":", metric(m0, name), metric(m1, name))
	}
	return nil
}

// openClients upgrades n connections and leaves them idle.
func openClients(addr string, n, par int) ([]net.Conn, error) {
	conns := make([]net.Conn, n)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < par; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i%200))}
				d := ws.Dialer{
					Timeout: 10 * time.Second,
					NetDial: func(ctx context.Context, network, a string) (net.Conn, error) {
						return (&net.Dialer{LocalAddr: local}).DialContext(ctx, network, a)
					},
				}
				conn, _, _, err := d.Dial(context.Background(), "ws://"+addr+"/")
				if err != nil {
					once.Do(func() { firstErr = fmt.Errorf("client %d: %w", i, err) })
					next.Store(int64(n))
					return
				}
				conns[i] = conn
			}
		}()
	}
	wg.Wait()
	var open []net.Conn
	for _, c := range conns {
		if c != nil {
			open = append(open, c)
		}
	}
	return open, firstErr
}

func vmRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS for pid %d", pid)
}

func scrape(addr string) (string, error) {
	c := http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + addr + "/metrics")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func metric(text, name string) int64 {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return -1
}
