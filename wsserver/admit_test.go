package wsserver

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// upgradeStatus sends an upgrade request with extra header lines and the
// given target, and returns the response's status line.
func upgradeStatus(t *testing.T, s *Server, target, headers string) string {
	t.Helper()
	conn := rawDial(t, s)
	req := strings.Replace(upgradeRequest, "GET / ", "GET "+target+" ", 1)
	req = strings.TrimSuffix(req, "\r\n") + headers + "\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	n, _ := io.ReadAtLeast(conn, buf, 12)
	line, _, _ := strings.Cut(string(buf[:n]), "\r\n")
	conn.Close()
	return line
}

func httpStatus(t *testing.T, url string, header http.Header) int {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestToken(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, Config{Token: "s3cret"})
	tests := []struct {
		name    string
		target  string
		headers string
		status  string
	}{
		{
			name:   "no token",
			target: "/",
			status: "HTTP/1.1 401",
		},
		{
			name:   "query token",
			target: "/?token=s3cret",
			status: "HTTP/1.1 101",
		},
		{
			name:   "query token among others",
			target: "/?a=1&token=s3cret&b",
			status: "HTTP/1.1 101",
		},
		{
			name:    "bearer token",
			target:  "/",
			headers: "Authorization: Bearer s3cret\r\n",
			status:  "HTTP/1.1 101",
		},
		{
			name:    "bearer in lower case",
			target:  "/",
			headers: "authorization: bearer s3cret\r\n",
			status:  "HTTP/1.1 101",
		},
		{
			name:   "wrong token",
			target: "/?token=s3cre",
			status: "HTTP/1.1 401",
		},
		{
			name:    "wrong bearer",
			target:  "/",
			headers: "Authorization: Bearer s3cret2\r\n",
			status:  "HTTP/1.1 401",
		},
		{
			name:    "basic auth is not a token",
			target:  "/",
			headers: "Authorization: Basic czNjcmV0\r\n",
			status:  "HTTP/1.1 401",
		},
		{
			name:   "empty token",
			target: "/?token=",
			status: "HTTP/1.1 401",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := upgradeStatus(t, s, tt.target, tt.headers); !strings.HasPrefix(got, tt.status) {
				t.Errorf("status %q, want %q", got, tt.status)
			}
		})
	}
	base := "http://" + s.Addr().String()
	for _, c := range []struct {
		url    string
		header http.Header
		status int
	}{
		{base + "/metrics", nil, 401},
		{base + "/metrics?token=s3cret", nil, 200},
		{base + "/metrics", http.Header{"Authorization": {"Bearer s3cret"}}, 200},
		{base + "/healthz", nil, 200},
	} {
		if got := httpStatus(t, c.url, c.header); got != c.status {
			t.Errorf("GET %s (%v): %d, want %d", c.url, c.header, got, c.status)
		}
	}
	waitFor(t, "clients gone", 5*time.Second, func() bool { return s.Clients() == 0 })
	if st := s.Stats(); st.Rejected["unauthorized"] != 6 || st.Connections != 4 {
		t.Errorf("stats %+v", st)
	}
	if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestOrigins(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, Config{Origins: []string{"http://localhost:8080", "https://graph.example"}})
	tests := []struct {
		name    string
		headers string
		status  string
	}{
		{
			name:   "no origin: not a browser",
			status: "HTTP/1.1 101",
		},
		{
			name:    "listed origin",
			headers: "Origin: http://localhost:8080\r\n",
			status:  "HTTP/1.1 101",
		},
		{
			name:    "listed origin, other case",
			headers: "Origin: HTTPS://Graph.Example\r\n",
			status:  "HTTP/1.1 101",
		},
		{
			name:    "same host as the server (its own viewer page)",
			headers: "Origin: http://127.0.0.1\r\n",
			status:  "HTTP/1.1 101",
		},
		{
			name:    "other site",
			headers: "Origin: https://evil.example\r\n",
			status:  "HTTP/1.1 403",
		},
		{
			name:    "listed host, other port",
			headers: "Origin: http://localhost:8081\r\n",
			status:  "HTTP/1.1 403",
		},
		{
			name:    "file page",
			headers: "Origin: null\r\n",
			status:  "HTTP/1.1 403",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := upgradeStatus(t, s, "/", tt.headers); !strings.HasPrefix(got, tt.status) {
				t.Errorf("status %q, want %q", got, tt.status)
			}
		})
	}
	waitFor(t, "clients gone", 5*time.Second, func() bool { return s.Clients() == 0 })
	if st := s.Stats(); st.Rejected["forbidden_origin"] != 3 {
		t.Errorf("stats %+v", st)
	}
	if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
		t.Fatal(err)
	}
}

// MaxClients bounds the connections held: one more is answered 503 at
// once, clients already in are served, and room frees when one leaves.
func TestMaxClients(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, Config{MaxClients: 3})
	var readers []*politeReader
	var clients []*testClient
	for i := 0; i < 3; i++ {
		c := dial(t, s)
		clients = append(clients, c)
		readers = append(readers, readPolitely(c))
	}
	waitFor(t, "three clients", 5*time.Second, func() bool { return s.Clients() == 3 })
	if got := upgradeStatus(t, s, "/", ""); !strings.HasPrefix(got, "HTTP/1.1 503") {
		t.Errorf("fourth client: %q, want 503", got)
	}
	// A slow handshake holds a slot too.
	clients[0].conn.Close()
	waitFor(t, "one left", 5*time.Second, func() bool { return s.Clients() == 2 })
	half := rawDial(t, s)
	_, _ = io.WriteString(half, "GET / HTTP/1.1\r\n")
	waitFor(t, "handshake pending", 5*time.Second, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return len(s.pending) == 1
	})
	if got := upgradeStatus(t, s, "/", ""); !strings.HasPrefix(got, "HTTP/1.1 503") {
		t.Errorf("with a pending handshake: %q, want 503", got)
	}
	half.Close()
	waitFor(t, "handshake slot freed", 5*time.Second, func() bool {
		return strings.HasPrefix(upgradeStatus(t, s, "/", ""), "HTTP/1.1 101")
	})
	s.Broadcast([]byte(`{"n":1}`))
	for i, r := range readers[1:] {
		waitFor(t, "clients in are served", 5*time.Second, func() bool { return r.texts.Load() == 1 })
		_ = i
	}
	if st := s.Stats(); st.Rejected["too_many_clients"] < 2 {
		t.Errorf("stats %+v", st)
	}
	if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
		t.Fatal(err)
	}
}

// selfSigned makes a certificate for 127.0.0.1, valid for an hour.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
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
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// wss and https on one port: every message arrives, pings and close work
// through TLS, /metrics answers over https, and a plain ws client is
// turned away.
func TestTLS(t *testing.T) {
	checkLeaks(t)
	cert, pool := selfSigned(t)
	s := startServer(t, Config{
		TLS:          &tls.Config{Certificates: []tls.Certificate{cert}},
		Token:        "tok",
		PingInterval: 100 * time.Millisecond,
		PongTimeout:  300 * time.Millisecond,
	})
	addr := s.Addr().String()
	d := ws.Dialer{Timeout: 5 * time.Second, TLSConfig: &tls.Config{RootCAs: pool}}
	conn, br, _, err := d.Dial(context.Background(), "wss://"+addr+"/?token=tok")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var r io.Reader = conn
	if br != nil {
		r = io.MultiReader(br, conn)
	}
	c := &testClient{conn: conn, r: r}
	pr := readPolitely(c)
	waitFor(t, "TLS client registered", 5*time.Second, func() bool { return s.Clients() == 1 })
	const n = 2000
	for i := 0; i < n; i++ {
		s.Broadcast(message(i))
	}
	waitFor(t, "every message over TLS", 10*time.Second, func() bool { return pr.texts.Load() == n })
	time.Sleep(400 * time.Millisecond) // a few pings, answered through TLS
	if pr.pings.Load() == 0 || s.Clients() != 1 {
		t.Errorf("%d pings, %d clients", pr.pings.Load(), s.Clients())
	}

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Get("https://" + addr + "/metrics?token=tok")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	hc.CloseIdleConnections()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "sniffws_ws_clients 1") {
		t.Errorf("https /metrics: %d\n%s", resp.StatusCode, body)
	}
	if _, err := dialErr(addr, nil); err == nil {
		t.Errorf("a plain ws:// client was upgraded on the TLS port")
	}

	if err := s.Close(StatusGoingAway, "bye", 5*time.Second); err != nil {
		t.Fatal(err)
	}
	<-pr.done
	if pr.closeCode.Load() != int64(StatusGoingAway) {
		t.Errorf("TLS client closed with %d, want 1001", pr.closeCode.Load())
	}
}
