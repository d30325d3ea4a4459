package wsserver

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestPlainHTTP(t *testing.T) {
	checkLeaks(t)
	s := startServer(t, Config{
		ExtraMetrics: func(dst []byte) []byte {
			return append(dst, "# TYPE sniffws_packets_total counter\nsniffws_packets_total 42\n"...)
		},
		Page: func(path string) ([]byte, string, bool) {
			if path != "/" {
				return nil, "", false
			}
			return []byte("<!doctype html><title>viewer</title>"), "text/html; charset=utf-8", true
		},
	})
	dial(t, s)
	waitFor(t, "client", 5*time.Second, func() bool { return s.Clients() == 1 })
	s.Broadcast([]byte("hello"))

	tests := []struct {
		name     string
		method   string
		path     string
		status   int
		ctype    string
		contains []string
	}{
		{
			name:   "metrics",
			method: "GET",
			path:   "/metrics",
			status: 200,
			ctype:  "text/plain; version=0.0.4",
			contains: []string{
				"# TYPE sniffws_ws_clients gauge\nsniffws_ws_clients 1\n",
				"sniffws_ws_messages_total 1\n",
				"sniffws_ws_message_bytes_total 5\n",
				`sniffws_ws_disconnects_total{reason="queue_overflow"} 0`,
				"sniffws_packets_total 42\n",
			},
		},
		{
			name:     "metrics with query",
			method:   "GET",
			path:     "/metrics?x=1",
			status:   200,
			contains: []string{"sniffws_ws_connections_total 1\n"},
		},
		{
			name:     "healthz",
			method:   "GET",
			path:     "/healthz",
			status:   200,
			contains: []string{"ok"},
		},
		{
			name:     "page hook",
			method:   "GET",
			path:     "/",
			status:   200,
			ctype:    "text/html",
			contains: []string{"<title>viewer</title>"},
		},
		{
			name:   "head",
			method: "HEAD",
			path:   "/healthz",
			status: 200,
		},
		{
			name:   "unknown path",
			method: "GET",
			path:   "/nope",
			status: 404,
		},
		{
			name:   "other method",
			method: "DELETE",
			path:   "/metrics",
			status: 405,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, "http://"+s.Addr().String()+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.status {
				t.Errorf(
					"status %d, want %d",
					resp.StatusCode, tt.status)
			}
			if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, tt.ctype) {
				t.Errorf(
					"content type %q, want %q",
					got, tt.ctype)
			}
			for _, want := range tt.contains {
				if !strings.Contains(string(body), want) {
					t.Errorf(
						"body lacks %q:\n%s",
						want, body)
				}
			}
		})
	}
	http.DefaultClient.CloseIdleConnections()
	if err := s.Close(StatusGoingAway, "", time.Second); err != nil {
		t.Fatal(err)
	}
}
