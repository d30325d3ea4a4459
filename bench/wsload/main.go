// Command wsload connects N WebSocket clients to a server, reads every
// message until the server closes, and reports what each received: count,
// rate, close code and reason, and whether all streams were identical.
// With -out DIR each client's messages are written to DIR/client-N.jsonl,
// one per line, for comparison with `sniffws -print json`:
//
//	sniffws -r capture.pcapng -wait 4 &
//	go run ./bench/wsload -n 4 -out /tmp/streams
//	sniffws -r capture.pcapng -print json | cmp - /tmp/streams/client-0.jsonl
//
// -delay makes every client pause after each message, like a browser that
// renders as it goes. Only loopback addresses are accepted; the run stops
// by itself after -timeout.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gobwas/ws"

	"sniffws/bench/internal/loopback"
)

type result struct {
	messages int
	bytes    int64
	sum      [32]byte
	code     ws.StatusCode
	reason   string
	took     time.Duration
	err      error
}

func main() {
	addr := flag.String("addr", "127.0.0.1:5678", "server `host:port` (loopback only)")
	n := flag.Int("n", 4, "clients")
	out := flag.String("out", "", "write each client's messages to `DIR`/client-N.jsonl")
	delay := flag.Duration("delay", 0, "pause after each message (a slow reader)")
	timeout := flag.Duration("timeout", 5*time.Minute, "give up after this long")
	flag.Parse()
	if err := loopback.Check(*addr); err != nil {
		fmt.Fprintln(os.Stderr, "wsload:", err)
		os.Exit(2)
	}
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "wsload:", err)
			os.Exit(1)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	results := make([]result, *n)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = run(ctx, *addr, i, *out, *delay)
		}()
	}
	wg.Wait()
	status := 0
	for i, r := range results {
		rate := float64(r.messages) / r.took.Seconds()
		fmt.Printf("client %d: %d messages, %d bytes, %.0f msgs/s, close %d %q", i, r.messages, r.bytes, rate, r.code, r.reason)
		if r.err != nil {
			fmt.Printf(", error: %v", r.err)
			status = 1
		}
		fmt.Println()
		if r.sum != results[0].sum {
			fmt.Printf("client %d: stream differs from client 0\n", i)
			status = 1
		}
	}
	if status == 0 && *n > 1 {
		fmt.Printf("all %d streams identical\n", *n)
	}
	// The clients start together, so the slowest one's time is the run's.
	var total int
	var longest time.Duration
	for _, r := range results {
		total += r.messages
		longest = max(longest, r.took)
	}
	fmt.Printf("total: %d messages to %d clients in %.3f s: %.0f msgs/s delivered\n", total, *n, longest.Seconds(), float64(total)/longest.Seconds())
	os.Exit(status)
}

func run(ctx context.Context, addr string, i int, dir string, delay time.Duration) (r result) {
	start := time.Now()
	defer func() { r.took = time.Since(start) }()
	conn, br, _, err := ws.Dialer{}.Dial(ctx, "ws://"+addr+"/")
	if err != nil {
		r.err = err
		return r
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	var rd io.Reader = conn
	if br != nil {
		rd = io.MultiReader(br, conn)
	}
	rd = bufio.NewReaderSize(rd, 64<<10)
	var w *bufio.Writer
	if dir != "" {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("client-%d.jsonl", i)))
		if err != nil {
			r.err = err
			return r
		}
		defer f.Close()
		w = bufio.NewWriter(f)
		defer w.Flush()
	}
	h := sha256.New()
	var buf bytes.Buffer
	for {
		hdr, err := ws.ReadHeader(rd)
		if err != nil {
			r.err = fmt.Errorf("after %d messages: %w", r.messages, err)
			break
		}
		// Grow as bytes arrive, not on the declared length.
		buf.Reset()
		if _, err := io.CopyN(&buf, rd, hdr.Length); err != nil {
			r.err = err
			break
		}
		payload := buf.Bytes()
		switch hdr.OpCode {
		case ws.OpText, ws.OpBinary:
			r.messages++
			r.bytes += int64(len(payload))
			h.Write(payload)
			h.Write([]byte{'\n'})
			if w != nil {
				w.Write(payload)
				w.WriteByte('\n')
			}
			if delay > 0 {
				time.Sleep(delay)
			}
			continue
		case ws.OpPing:
			_ = ws.WriteFrame(conn, ws.MaskFrame(ws.NewPongFrame(payload)))
			continue
		case ws.OpClose:
			r.code, r.reason = ws.ParseCloseFrameData(payload)
			_ = ws.WriteFrame(conn, ws.MaskFrame(ws.NewCloseFrame(ws.NewCloseFrameBody(r.code, ""))))
		}
		break
	}
	copy(r.sum[:], h.Sum(nil))
	return r
}
