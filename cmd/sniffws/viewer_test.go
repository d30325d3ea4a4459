package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// pageState is what the viewer publishes as data-* attributes of <body>.
type pageState struct {
	Ready         string `json:"ready"`
	State         string `json:"state"`
	CloseCode     string `json:"closeCode"`
	CloseReason   string `json:"closeReason"`
	Messages      string `json:"messages"`
	Packets       string `json:"packets"`
	Links         string `json:"links"`
	Bad           string `json:"bad"`
	Rows          string `json:"rows"`
	Nodes         string `json:"nodes"`
	Conversations string `json:"conversations"`
	Paused        string `json:"paused"`
	FPS           string `json:"fps"`
}

const readState = `JSON.parse(JSON.stringify(document.body ? document.body.dataset : {}))`

// waitPage polls the page until ok accepts its state.
func waitPage(t *testing.T, b *browser, what string, timeout time.Duration, ok func(pageState) bool) pageState {
	t.Helper()
	var st pageState
	deadline := time.Now().Add(timeout)
	for {
		if err := b.eval(readState, &st); err != nil {
			t.Fatal(err)
		}
		if ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("page never showed %s in %v; it shows %+v; page errors: %q", what, timeout, st, b.pageErrors())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// viewerRecord is one -print json message with the seven columns.
type viewerRecord struct {
	No       string `json:"wsColNo"`
	Time     string `json:"wsColTime"`
	Source   string `json:"source"`
	Target   string `json:"target"`
	Protocol string `json:"wsColProtocol"`
	Length   string `json:"wsColLength"`
	Info     string `json:"wsColInfo"`
}

func (r viewerRecord) columns() []string {
	return []string{r.No, r.Time, r.Source, r.Target, r.Protocol, r.Length, r.Info}
}

// printJSON runs -print json and returns each message decoded into T.
func printJSON[T any](t *testing.T, args ...string) []T {
	t.Helper()
	code, out, errs := runCmd(t, nil, append(args, "-print", "json")...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var recs []T
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r T
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// setFilter types into the quick filter as a person would (an input
// event), then waits for the table to show want rows.
func setFilter(t *testing.T, b *browser, text string, want int) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const f = document.getElementById('filter'); f.value = %q; f.dispatchEvent(new Event('input')); })()`, text)
	if err := b.eval(js, nil); err != nil {
		t.Fatal(err)
	}
	waitPage(t, b, fmt.Sprintf("%d rows for filter %q", want, text), 10*time.Second, func(s pageState) bool {
		return s.Rows == fmt.Sprint(want)
	})
}

func waitExit(t *testing.T, done <-chan int, stderr *syncBuffer) {
	t.Helper()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("sniffws exited with %d: %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("sniffws did not exit after the stream ended: %s", stderr.String())
	}
}

// TestViewer serves the sample capture to the built-in viewer in headless
// Chromium: the table must show every packet with tshark's columns, the
// graph one node per address, the quick filter and pause must work, and
// the page must reconnect by itself to a restarted sniffws.
func TestViewer(t *testing.T) {
	b := startBrowser(t)
	recs := printJSON[viewerRecord](t, "-r", sample)
	hosts := map[string]bool{}
	for _, r := range recs {
		hosts[r.Source] = true
		hosts[r.Target] = true
	}
	wantRows, wantNodes := fmt.Sprint(len(recs)), fmt.Sprint(len(hosts))

	addr, done, stderr := serve(t, "-r", sample)
	url := "http://" + addr + "/"
	if !strings.Contains(stderr.String(), "open "+url+" in a browser") {
		t.Errorf("the viewer's URL %s is not in the start-up lines: %s", url, stderr.String())
	}
	if err := b.navigate(url); err != nil {
		t.Fatal(err)
	}
	st := waitPage(t, b, wantRows+" rows and "+wantNodes+" nodes", 30*time.Second, func(s pageState) bool {
		return s.Rows == wantRows && s.Nodes == wantNodes
	})
	t.Logf("page after the stream: %+v", st)
	waitExit(t, done, stderr)
	waitPage(t, b, "close 1000 end of input", 10*time.Second, func(s pageState) bool {
		return s.CloseCode == "1000" && s.CloseReason == "end of input"
	})

	// The rows on screen (the table keeps the newest in view) carry the
	// columns byte for byte.
	var shown [][]string
	if err := b.eval(`[...document.querySelectorAll('#rows .row:not([hidden])')].map(r => [...r.children].map(c => c.textContent))`, &shown); err != nil {
		t.Fatal(err)
	}
	if len(shown) == 0 {
		t.Fatal("no table rows in the DOM")
	}
	byNo := map[string]viewerRecord{}
	for _, r := range recs {
		byNo[r.No] = r
	}
	sawLast := false
	for _, cells := range shown {
		r, ok := byNo[cells[0]]
		if !ok || !slices.Equal(cells, r.columns()) {
			t.Errorf("table row %q, want %q", cells, r.columns())
		}
		sawLast = sawLast || cells[0] == recs[len(recs)-1].No
	}
	if !sawLast {
		t.Errorf("the last packet (No. %s) is not on screen; rows shown: %d", recs[len(recs)-1].No, len(shown))
	}

	// A second of frames, so the layout has moved and the labels are up.
	waitPage(t, b, "a frame rate", 10*time.Second, func(s pageState) bool {
		return s.FPS != "" && s.FPS != "0"
	})
	shot := filepath.Join(t.TempDir(), "viewer.png")
	if err := b.screenshot(shot); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)
	keepScreenshot(t, shot)

	// Quick filter: every word must match some column, !word must not.
	count := func(pred func(hay string) bool) int {
		n := 0
		for _, r := range recs {
			if pred(strings.ToLower(strings.Join(r.columns(), "\t"))) {
				n++
			}
		}
		return n
	}
	setFilter(t, b, "DNS", count(func(h string) bool { return strings.Contains(h, "dns") }))
	setFilter(t, b, "tcp !ack", count(func(h string) bool { return strings.Contains(h, "tcp") && !strings.Contains(h, "ack") }))
	setFilter(t, b, "", len(recs))

	// Pause, restart sniffws on the same address: the page reconnects by
	// itself and counts the second run, but shows it only on resume.
	if err := b.eval(`document.getElementById('pause').click()`, nil); err != nil {
		t.Fatal(err)
	}
	_, done2, stderr2 := serve(t, "-listen", addr, "-r", sample)
	twice := fmt.Sprint(2 * len(recs))
	st = waitPage(t, b, "the second run counted while paused", 30*time.Second, func(s pageState) bool {
		return s.Packets == twice
	})
	if st.Rows != wantRows || st.Paused != "true" {
		t.Errorf("paused page shows %s rows (paused=%s), want %s", st.Rows, st.Paused, wantRows)
	}
	waitExit(t, done2, stderr2)
	if err := b.eval(`document.getElementById('pause').click()`, nil); err != nil {
		t.Fatal(err)
	}
	waitPage(t, b, twice+" rows after resuming", 10*time.Second, func(s pageState) bool {
		return s.Rows == twice && s.Nodes == wantNodes && s.Paused == "false"
	})

	if errs := b.pageErrors(); len(errs) > 0 {
		t.Errorf("page errors: %q", errs)
	}
}

// TestViewerLinks: HAR links (no packet columns) become graph nodes only.
func TestViewerLinks(t *testing.T) {
	b := startBrowser(t)
	const har = "../../samples/session.har"
	type link struct {
		Source any `json:"source"`
		Target any `json:"target"`
	}
	links := printJSON[link](t, "-har", har)
	nodes := map[string]bool{}
	for _, l := range links {
		nodes[fmt.Sprint(l.Source)] = true
		nodes[fmt.Sprint(l.Target)] = true
	}
	addr, done, stderr := serve(t, "-har", har)
	if err := b.navigate("http://" + addr + "/"); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprint(len(nodes))
	waitPage(t, b, want+" nodes from "+fmt.Sprint(len(links))+" links", 30*time.Second, func(s pageState) bool {
		return s.Links == fmt.Sprint(len(links)) && s.Nodes == want && s.Rows == "0"
	})
	waitExit(t, done, stderr)
	waitPage(t, b, "a frame rate", 10*time.Second, func(s pageState) bool {
		return s.FPS != "" && s.FPS != "0"
	})
	shot := filepath.Join(t.TempDir(), "viewer-har.png")
	if err := b.screenshot(shot); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", shot)
	keepScreenshot(t, shot)
	if errs := b.pageErrors(); len(errs) > 0 {
		t.Errorf("page errors: %q", errs)
	}
}

// keepScreenshot copies a screenshot to $SNIFFWS_SCREENSHOTS, if set, so
// that it outlives the test's temporary directory.
func keepScreenshot(t *testing.T, path string) {
	dir := os.Getenv("SNIFFWS_SCREENSHOTS")
	if dir == "" {
		return
	}
	data, err := os.ReadFile(path)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, filepath.Base(path)), data, 0o644)
	}
	if err != nil {
		t.Errorf("keeping the screenshot: %v", err)
	}
}

// TestViewerCounters: while connected, the page shows the server's
// counters from /metrics (itself as one client).
func TestViewerCounters(t *testing.T) {
	b := startBrowser(t)
	// The sample's 0.4 s at a tenth of its pace: a stream of about 4 s,
	// long enough for the page's polls.
	addr, done, stderr := serve(t, "-r", sample, "-speed", "0.1")
	if err := b.navigate("http://" + addr + "/"); err != nil {
		t.Fatal(err)
	}
	var clients string
	deadline := time.Now().Add(20 * time.Second)
	for clients != "1" {
		if time.Now().After(deadline) {
			t.Fatalf("the page never showed 1 client from /metrics (shows %q); page errors: %q", clients, b.pageErrors())
		}
		time.Sleep(100 * time.Millisecond)
		if err := b.eval(`document.body.dataset.serverClients || ''`, &clients); err != nil {
			t.Fatal(err)
		}
	}
	var shown string
	if err := b.eval(`document.getElementById('c-clients').textContent`, &shown); err != nil {
		t.Fatal(err)
	}
	if shown != "1" {
		t.Errorf("clients counter shows %q, want 1", shown)
	}
	waitExit(t, done, stderr)
	if errs := b.pageErrors(); len(errs) > 0 {
		t.Errorf("page errors: %q", errs)
	}
}
