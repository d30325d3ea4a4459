package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

const sample = "../../samples/loopback-mix.pcapng"

// runCmd runs the command in-process and returns its exit status and output.
func runCmd(t *testing.T, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	code := run(args, stdin, &out, &errb)
	return code, out.String(), errb.String()
}

func TestPrintCSVMatchesTshark(t *testing.T) {
	want, err := os.ReadFile(sample + ".csv")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin func() io.Reader
	}{
		{
			name: "file",
			args: []string{"-r", sample, "-print", "csv"},
		},
		{
			name: "standard input",
			args: []string{"-r", "-", "-print", "csv"},
			stdin: func() io.Reader {
				f, err := os.Open(sample)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { f.Close() })
				return f
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var in io.Reader
			if tc.stdin != nil {
				in = tc.stdin()
			}
			code, out, errs := runCmd(t, in, tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if out != string(want) {
				t.Errorf("output differs from tshark's:\n%s", firstDiff(string(want), out))
			}
		})
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "tshark:  " + w + "\nsniffws: " + g
		}
	}
	return ""
}

func TestPrintJSONKeys(t *testing.T) {
	code, out, errs := runCmd(t, nil, "-r", sample, "-print", "json", "-c", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3", len(lines))
	}
	re := regexp.MustCompile(`^\{"wsColNo":"\d+","wsColTime":"[0-9.]+","source":"[^"]*","target":"[^"]*","wsColProtocol":"[^"]*","wsColLength":"\d+","wsColInfo":".*","time":"[0-9T:.-]+Z"\}$`)
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Errorf("unexpected message shape: %s", l)
		}
	}
}

func TestErrors(t *testing.T) {
	data, err := os.ReadFile("../../testdata/sniff/usec.pcap")
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(t.TempDir(), "cut.pcap")
	// Keep the header and a bit more than the first three records.
	off := 24
	for i := 0; i < 3; i++ {
		off += 16 + int(uint32(data[off+8])|uint32(data[off+9])<<8|uint32(data[off+10])<<16|uint32(data[off+11])<<24)
	}
	if err := os.WriteFile(truncated, data[:off+10], 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		code     int
		rows     int
		errMatch string
	}{
		{
			name:     "missing file",
			args:     []string{"-r", "no-such-file.pcap", "-print", "csv"},
			code:     1,
			errMatch: "no-such-file.pcap",
		},
		{
			name:     "truncated file",
			args:     []string{"-r", truncated, "-print", "csv"},
			code:     1,
			rows:     3,
			errMatch: "cut.pcap: byte offset " + itoa(off),
		},
		{
			name:     "no source",
			args:     []string{"-print", "csv"},
			code:     2,
			errMatch: "nothing to do",
		},
		{
			name:     "two sources",
			args:     []string{"-r", sample, "-demo"},
			code:     2,
			errMatch: "only one",
		},
		{
			name:     "bad filter",
			args:     []string{"-r", sample, "-f", "port port", "-print", "csv"},
			code:     1,
			errMatch: "bad capture filter",
		},
		{
			name:     "bad print format",
			args:     []string{"-r", sample, "-print", "xml"},
			code:     2,
			errMatch: "-print",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCmd(t, nil, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (%s)", code, tc.code, errs)
			}
			if rows := strings.Count(out, "\n"); rows != tc.rows {
				t.Errorf("%d rows printed, want %d", rows, tc.rows)
			}
			if !strings.Contains(errs, tc.errMatch) {
				t.Errorf("stderr %q does not mention %q", errs, tc.errMatch)
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func fmtInt(n int) string { return strconv.Itoa(n) }

func TestFilterOnFile(t *testing.T) {
	code, out, errs := runCmd(t, nil, "-r", sample, "-f", "icmp", "-print", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d rows, want the 4 ICMP packets", len(lines))
	}
	for i, l := range lines {
		if !strings.Contains(l, `"ICMP"`) || !strings.HasPrefix(l, `"`+fmtInt(i+1)+`"`) {
			t.Errorf("row %d: %s", i+1, l)
		}
	}
}

func TestWritePcapng(t *testing.T) {
	copyPath := filepath.Join(t.TempDir(), "copy.pcapng")
	code, want, errs := runCmd(t, nil, "-r", "../../testdata/sniff/usec.pcap", "-w", copyPath, "-print", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, got, errs := runCmd(t, nil, "-r", copyPath, "-print", "csv")
	if code != 0 {
		t.Fatalf("reading the copy: exit %d: %s", code, errs)
	}
	if got != want {
		t.Errorf("the -w copy decodes differently:\n%s", firstDiff(want, got))
	}
	if _, err := exec.LookPath("tshark"); err == nil {
		out, err := exec.Command("tshark", "-r", copyPath, "-T", "fields", "-e", "frame.number").Output()
		if err != nil || strings.Count(string(out), "\n") != strings.Count(want, "\n") {
			t.Errorf("tshark reads %d frames from the copy (err %v), want %d", strings.Count(string(out), "\n"), err, strings.Count(want, "\n"))
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the writer goroutine and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve starts the command in the background and returns the address it
// serves on once it says so.
func serve(t *testing.T, args ...string) (addr string, done <-chan int, stderr *syncBuffer) {
	t.Helper()
	stderr = &syncBuffer{}
	ch := make(chan int, 1)
	go func() {
		ch <- run(append([]string{"-listen", "127.0.0.1:0"}, args...), strings.NewReader(""), io.Discard, stderr)
	}()
	re := regexp.MustCompile(`serving ws://(\S+)`)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], ch, stderr
		}
		select {
		case code := <-ch:
			t.Fatalf("exited with %d before serving: %s", code, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("never started serving: %s", stderr.String())
	return "", nil, nil
}

type clientResult struct {
	messages []string
	code     ws.StatusCode
	reason   string
	err      error
}

// readAll reads text messages until the server closes, pausing after each
// as a slow browser would.
func readAllMessages(addr string, pause time.Duration) clientResult {
	var r clientResult
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, br, _, err := ws.Dial(ctx, "ws://"+addr+"/")
	if err != nil {
		r.err = err
		return r
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	// Frames the server sent right behind its handshake response may already
	// sit in the dialer's buffer: they come first.
	var rw io.ReadWriter = conn
	if br != nil {
		rw = struct {
			io.Reader
			io.Writer
		}{io.MultiReader(br, conn), conn}
	}
	for {
		data, op, err := wsutil.ReadServerData(rw)
		if err != nil {
			var ce wsutil.ClosedError
			if errors.As(err, &ce) {
				r.code, r.reason = ce.Code, ce.Reason
			} else {
				r.err = err
			}
			return r
		}
		if op == ws.OpText {
			r.messages = append(r.messages, string(data))
		}
		if pause > 0 {
			time.Sleep(pause)
		}
	}
}

// TestServeFileToClients: four clients, one of them slow, each get every
// record of the file, identical to -print json, then close 1000.
func TestServeFileToClients(t *testing.T) {
	capture := sample
	if p := "../../../shared/corpus/pcaps/ppa__http_espn.pcapng"; fileExists(p) {
		capture = p
	}
	_, jsonOut, errs := runCmd(t, nil, "-r", capture, "-print", "json")
	want := strings.Split(strings.TrimSpace(jsonOut), "\n")
	if len(want) < 50 {
		t.Fatalf("only %d records (%s)", len(want), errs)
	}
	addr, done, stderr := serve(t, "-r", capture, "-wait", "4")
	results := make([]clientResult, 4)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			pause := time.Duration(0)
			if i == 3 {
				pause = time.Millisecond // a slow reader must still get the tail
			}
			results[i] = readAllMessages(addr, pause)
		}(i)
	}
	wg.Wait()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d: %s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not exit after the end of input")
	}
	for i, r := range results {
		if r.err != nil {
			t.Errorf("client %d: %v", i, r.err)
			continue
		}
		if len(r.messages) != len(want) {
			t.Errorf("client %d: %d messages, want %d", i, len(r.messages), len(want))
			continue
		}
		for j := range want {
			if r.messages[j] != want[j] {
				t.Errorf("client %d message %d:\n got %s\nwant %s", i, j, r.messages[j], want[j])
				break
			}
		}
		if r.code != ws.StatusNormalClosure || r.reason != "end of input" {
			t.Errorf("client %d: closed with %d %q, want 1000 \"end of input\"", i, r.code, r.reason)
		}
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// TestServeStdinCSV: the old tshark pipe, with quotes and commas in Info.
func TestServeStdinCSV(t *testing.T) {
	in := `"1","0.000000","10.0.0.1","10.0.0.2","HTTP","120","GET /a,b HTTP/1.1 "` + "\n" +
		`"2","0.000100","10.0.0.2","10.0.0.1","DNS","80","Standard query 0x0000 A x.local, "QM" question"` + "\n" +
		"garbage line\n" +
		"q\n" +
		`"3","0.1","a","b","c","1","never sent"` + "\n"
	var out, errb bytes.Buffer
	code := run([]string{"-stdin", "-print", "json"}, strings.NewReader(in), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	want := `{"wsColNo":"1","wsColTime":"0.000000","source":"10.0.0.1","target":"10.0.0.2","wsColProtocol":"HTTP","wsColLength":"120","wsColInfo":"GET /a,b HTTP/1.1 "}` + "\n" +
		`{"wsColNo":"2","wsColTime":"0.000100","source":"10.0.0.2","target":"10.0.0.1","wsColProtocol":"DNS","wsColLength":"80","wsColInfo":"Standard query 0x0000 A x.local, \"QM\" question"}` + "\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	if !strings.Contains(errb.String(), "1 malformed line skipped") {
		t.Errorf("stderr does not report the skipped line: %s", errb.String())
	}
}

// TestLiveCapture captures its own pings on lo; it needs CAP_NET_RAW.
func TestLiveCapture(t *testing.T) {
	if _, err := exec.LookPath("ping"); err != nil {
		t.Skip("no ping command")
	}
	target := "127.0.0.97"
	type result struct {
		code     int
		out, err string
	}
	ch := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := run([]string{"-i", "lo", "-f", "icmp and host " + target, "-c", "2", "-print", "csv"}, strings.NewReader(""), &out, &errb)
		ch <- result{code, out.String(), errb.String()}
	}()
	// Ping until the capture has what it needs (bounded).
	for i := 0; i < 20; i++ {
		select {
		case r := <-ch:
			if r.code != 0 {
				if strings.Contains(r.err, "ermission") || strings.Contains(r.err, "not permitted") {
					t.Skipf("live capture not permitted here: %s", r.err)
				}
				t.Fatalf("exit %d: %s", r.code, r.err)
			}
			rows := strings.Split(strings.TrimSpace(r.out), "\n")
			if len(rows) != 2 || !strings.Contains(rows[0], "Echo (ping) request") || !strings.Contains(rows[1], "(request in 1)") {
				t.Fatalf("rows:\n%s", r.out)
			}
			if !strings.Contains(r.err, "2 packets captured") {
				t.Errorf("no capture summary on stderr: %s", r.err)
			}
			return
		default:
		}
		exec.Command("ping", "-c", "1", "-W", "1", target).Run()
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("capture did not finish")
}
