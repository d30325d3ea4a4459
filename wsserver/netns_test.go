package wsserver

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// netnsPair is two network namespaces made for one test, joined by a veth
// pair: the server side 192.0.2.1 and the client side 192.0.2.2 (TEST-NET-1,
// RFC 5737: never routed anywhere). Taking the client's link down makes
// that peer vanish without a FIN or a reset, as an unplugged machine does.
type netnsPair struct {
	server, client string // namespace names
	clientLink     string
}

func newNetnsPair(t *testing.T) *netnsPair {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("network namespaces need root")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("no ip command")
	}
	id := os.Getpid() % 100000
	p := &netnsPair{
		server:     fmt.Sprintf("sniffws-srv-%d", id),
		client:     fmt.Sprintf("sniffws-cli-%d", id),
		clientLink: fmt.Sprintf("swc%d", id),
	}
	serverLink := fmt.Sprintf("sws%d", id)
	t.Cleanup(func() {
		_ = exec.Command("ip", "netns", "del", p.server).Run()
		_ = exec.Command("ip", "netns", "del", p.client).Run()
	})
	steps := [][]string{
		{"netns", "add", p.server},
		{"netns", "add", p.client},
		{"link", "add", serverLink, "type", "veth", "peer", "name", p.clientLink},
		{"link", "set", serverLink, "netns", p.server},
		{"link", "set", p.clientLink, "netns", p.client},
		{"-n", p.server, "addr", "add", "192.0.2.1/24", "dev", serverLink},
		{"-n", p.client, "addr", "add", "192.0.2.2/24", "dev", p.clientLink},
		{"-n", p.server, "link", "set", "lo", "up"},
		{"-n", p.client, "link", "set", "lo", "up"},
		{"-n", p.server, "link", "set", serverLink, "up"},
		{"-n", p.client, "link", "set", p.clientLink, "up"},
	}
	for _, s := range steps {
		if out, err := exec.Command("ip", s...).CombinedOutput(); err != nil {
			t.Skipf("ip %s: %v: %s", strings.Join(s, " "), err, out)
		}
	}
	return p
}

// in runs f on a thread switched into namespace ns. Sockets made there
// stay in ns. The thread is never switched back: it ends with the
// goroutine, so no other goroutine can run in the wrong namespace.
func in(ns string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		fd, err := unix.Open("/var/run/netns/"+ns, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			errc <- err
			return
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			errc <- err
			return
		}
		errc <- f()
	}()
	return <-errc
}

// A peer that vanishes without a FIN (its link goes down) is found by the
// pings and dropped; the other client keeps being served. With a slow
// stream going on the vanished peer's queue is far from full, so it is
// the pings again (and TCP_INFO: nothing acknowledged) that find it.
func TestVanishedPeerIsDropped(t *testing.T) {
	for _, stream := range []bool{false, true} {
		name := "idle"
		if stream {
			name = "slow stream"
		}
		t.Run(name, func(t *testing.T) { testVanishedPeer(t, stream) })
	}
}

func testVanishedPeer(t *testing.T, stream bool) {
	p := newNetnsPair(t)
	var ln net.Listener
	if err := in(p.server, func() (err error) {
		ln, err = net.Listen("tcp", "192.0.2.1:0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	s, err := New(ln, Config{PingInterval: 200 * time.Millisecond, PongTimeout: 500 * time.Millisecond, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(StatusGoingAway, "", time.Second)
	addr := s.Addr().String()

	var good, gone *testClient
	if err := in(p.server, func() (err error) {
		good, err = dialErr(addr, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer good.conn.Close()
	pr := readPolitely(good)
	if err := in(p.client, func() (err error) {
		gone, err = dialErr(addr, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer gone.conn.Close()
	readPolitely(gone) // alive until its link goes down
	waitFor(t, "both clients registered", 5*time.Second, func() bool { return s.Clients() == 2 })
	time.Sleep(time.Second) // both answer a few pings
	if s.Clients() != 2 {
		t.Fatalf("a live client was dropped: %+v", s.Stats())
	}

	if stream {
		stop := make(chan struct{})
		defer close(stop)
		go func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
					s.Broadcast([]byte(`{"slow":"stream"}`))
				}
			}
		}()
	}
	if out, err := exec.Command("ip", "-n", p.client, "link", "set", p.clientLink, "down").CombinedOutput(); err != nil {
		t.Fatalf("link down: %v: %s", err, out)
	}
	start := time.Now()
	waitFor(t, "vanished peer dropped", 10*time.Second, func() bool { return s.Clients() == 1 })
	t.Logf("vanished peer dropped after %v: %v", time.Since(start).Round(time.Millisecond), s.Stats().Disconnects)
	if st := s.Stats(); st.Disconnects["ping_timeout"]+st.Disconnects["peer_gone"] != 1 {
		t.Errorf("disconnects %v", st.Disconnects)
	}
	n := pr.texts.Load()
	s.Broadcast([]byte(`{"still":"here"}`))
	waitFor(t, "good client served", 5*time.Second, func() bool { return pr.texts.Load() > n })
}
