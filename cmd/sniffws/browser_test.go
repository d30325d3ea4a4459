package main

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// browser drives a headless Chromium through the DevTools protocol over
// the gobwas/ws client the module already has: a handful of commands
// (navigate, evaluate, screenshot) need no CDP library.
type browser struct {
	t      *testing.T
	cmd    *exec.Cmd
	stderr *syncBuffer
	conn   net.Conn
	wmu    sync.Mutex // one writer at a time on conn

	mu         sync.Mutex
	nextID     int64
	pending    map[int64]chan cdpMessage
	readErr    error
	exceptions []string // uncaught page exceptions and console.error calls
	session    string   // the page's flat session
	done       chan struct{}
}

type cdpMessage struct {
	ID        int64           `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *cdpError       `json:"error,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
}

type cdpError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *cdpError) Error() string { return fmt.Sprintf("devtools error %d: %s", e.Code, e.Message) }

// findChromium returns the browser to drive: $SNIFFWS_CHROMIUM, else the
// first of Debian's and Google's names on $PATH.
func findChromium() string {
	if p := os.Getenv("SNIFFWS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// startBrowser launches headless Chromium with a fresh profile and opens
// one blank page 1280x800, or skips the test when there is no browser.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	path := findChromium()
	if path == "" {
		t.Skip("no Chromium to drive: install Debian's chromium package (apt-get install chromium) or set SNIFFWS_CHROMIUM=/path/to/chrome")
	}
	// Not t.TempDir: the browser's helper processes may still be writing
	// for a moment after it exits, which would fail the test's cleanup.
	profile, err := os.MkdirTemp("", "sniffws-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, stderr: &syncBuffer{}, pending: map[int64]chan cdpMessage{}, done: make(chan struct{})}
	b.cmd = exec.Command(path,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--disable-extensions", "--no-default-browser-check",
		"--mute-audio", "--hide-scrollbars", "--password-store=basic",
		"--user-data-dir="+profile, "--remote-debugging-port=0", "--window-size=1280,800",
		"about:blank")
	b.cmd.Stderr = b.stderr
	// Its own process group, so that the helpers go with it.
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := b.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	exited := make(chan struct{})
	go func() {
		b.cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		if b.conn != nil {
			b.call("", "Browser.close", nil, nil)
			b.conn.Close()
		}
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
		}
		syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		<-exited
		var rmErr error
		for i := 0; i < 20; i++ {
			if rmErr = os.RemoveAll(profile); rmErr == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("removing the browser profile: %v", rmErr)
	})

	// Chromium writes its port and browser path here once it listens.
	var port, wsPath string
	deadline := time.Now().Add(30 * time.Second)
	for port == "" {
		if data, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort")); err == nil {
			if lines := strings.Split(strings.TrimSpace(string(data)), "\n"); len(lines) == 2 {
				port, wsPath = lines[0], lines[1]
				break
			}
		}
		select {
		case <-exited:
			t.Fatalf("%s exited before listening: %s", path, b.stderr.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not open its DevTools port in 30s: %s", path, b.stderr.String())
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+port+wsPath)
	if err != nil {
		t.Fatalf("connecting to DevTools: %v", err)
	}
	b.conn = conn
	go b.readLoop(bufio.NewReaderSize(conn, 1<<16))

	var target struct {
		TargetID string `json:"targetId"`
	}
	b.must(b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target))
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	b.must(b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached))
	b.session = attached.SessionID
	b.must(b.call(b.session, "Runtime.enable", nil, nil))
	b.must(b.call(b.session, "Page.enable", nil, nil))
	b.must(b.call(b.session, "Emulation.setDeviceMetricsOverride", map[string]any{
		"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": false,
	}, nil))
	return b
}

func (b *browser) must(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
}

// readLoop delivers replies to their callers and keeps the page's errors.
func (b *browser) readLoop(r io.Reader) {
	defer close(b.done)
	rw := struct {
		io.Reader
		io.Writer
	}{r, lockedWriter{b}}
	for {
		data, err := wsutil.ReadServerText(rw)
		if err != nil {
			b.mu.Lock()
			b.readErr = err
			b.mu.Unlock()
			return
		}
		var m cdpMessage
		if err := json.Unmarshal(data, &m); err != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.pending[m.ID]
			delete(b.pending, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		switch m.Method {
		case "Runtime.exceptionThrown":
			var p struct {
				Details struct {
					Text      string `json:"text"`
					Exception struct {
						Description string `json:"description"`
					} `json:"exception"`
				} `json:"exceptionDetails"`
			}
			json.Unmarshal(m.Params, &p)
			b.addException(p.Details.Text + " " + p.Details.Exception.Description)
		case "Runtime.consoleAPICalled":
			var p struct {
				Type string            `json:"type"`
				Args []json.RawMessage `json:"args"`
			}
			json.Unmarshal(m.Params, &p)
			if p.Type == "error" || p.Type == "assert" {
				b.addException(fmt.Sprintf("console.%s %s", p.Type, p.Args))
			}
		}
	}
}

func (b *browser) addException(s string) {
	b.mu.Lock()
	b.exceptions = append(b.exceptions, s)
	b.mu.Unlock()
}

func (b *browser) pageErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.exceptions...)
}

type lockedWriter struct{ b *browser }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.b.wmu.Lock()
	defer w.b.wmu.Unlock()
	return w.b.conn.Write(p)
}

// call sends one command and decodes its result into result (if not nil).
func (b *browser) call(session, method string, params, result any) error {
	b.mu.Lock()
	if b.readErr != nil {
		err := b.readErr
		b.mu.Unlock()
		return fmt.Errorf("%s: devtools connection: %w", method, err)
	}
	b.nextID++
	id := b.nextID
	ch := make(chan cdpMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()

	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	b.wmu.Lock()
	err = wsutil.WriteClientText(b.conn, data)
	b.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Error != nil {
			return fmt.Errorf("%s: %w", method, r.Error)
		}
		if result != nil {
			return json.Unmarshal(r.Result, result)
		}
		return nil
	case <-b.done:
		return fmt.Errorf("%s: devtools connection closed", method)
	case <-time.After(30 * time.Second):
		return fmt.Errorf("%s: no reply in 30s", method)
	}
}

// navigate loads url in the page and waits for the load event's effects
// to be scriptable (document.readyState complete).
func (b *browser) navigate(url string) error {
	var r struct {
		ErrorText string `json:"errorText"`
	}
	if err := b.call(b.session, "Page.navigate", map[string]any{"url": url}, &r); err != nil {
		return err
	}
	if r.ErrorText != "" {
		return fmt.Errorf("navigating to %s: %s", url, r.ErrorText)
	}
	return nil
}

// eval runs a JavaScript expression in the page and decodes its value
// (JSON-serialisable) into out.
func (b *browser) eval(expr string, out any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	err := b.call(b.session, "Runtime.evaluate", map[string]any{
		"expression": expr, "returnByValue": true, "awaitPromise": true,
	}, &r)
	if err != nil {
		return err
	}
	if r.Exception != nil {
		return fmt.Errorf("evaluating %q: %s %s", expr, r.Exception.Text, r.Exception.Exception.Description)
	}
	if out == nil || len(r.Result.Value) == 0 {
		return nil
	}
	return json.Unmarshal(r.Result.Value, out)
}

// screenshot saves the page as a PNG file.
func (b *browser) screenshot(path string) error {
	var r struct {
		Data string `json:"data"`
	}
	if err := b.call(b.session, "Page.captureScreenshot", map[string]any{"format": "png"}, &r); err != nil {
		return err
	}
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		return err
	}
	if len(png) == 0 {
		return errors.New("empty screenshot")
	}
	return os.WriteFile(path, png, 0o644)
}
