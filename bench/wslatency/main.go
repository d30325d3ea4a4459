// Command wslatency measures live latency, from a packet on the wire to a
// WebSocket client: it connects to a server that captures on the loopback
// interface, sends UDP packets to a loopback port at a fixed rate for a
// bounded time, and for every message received computes
//
//   - capture latency: receive time minus the message's "time" key (the
//     kernel's capture timestamp; same host, same clock), and
//   - send latency: receive time minus the time the generator sent the
//     packet whose wsColNo the message carries (the servers see only the
//     generator's packets, thanks to their capture filter, so packet N is
//     message N); this one also works for servers without a "time" key.
//
// and prints p50, p99, p99.9 and the maximum of each:
//
//	sniffws -i lo -f 'udp and dst port 47000' -listen 127.0.0.1:5679 &
//	go run ./bench/wslatency -addr 127.0.0.1:5679 -to 127.0.0.1:47000 -rate 10000 -duration 5s
//
// Only loopback addresses are accepted, and the run is bounded by -duration
// and -timeout.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gobwas/ws"

	"sniffws/bench/internal/loopback"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:5678", "WebSocket server `host:port` (loopback only)")
	to := flag.String("to", "127.0.0.1:47000", "send the UDP packets to `host:port` (loopback only)")
	rate := flag.Int("rate", 10000, "packets per second")
	duration := flag.Duration("duration", 5*time.Second, "how long to send")
	size := flag.Int("size", 64, "UDP payload bytes")
	settle := flag.Duration("settle", 500*time.Millisecond, "pause between connecting and sending")
	timeout := flag.Duration("timeout", 30*time.Second, "give up after this long")
	flag.Parse()
	for _, a := range []string{*addr, *to} {
		if err := loopback.Check(a); err != nil {
			fmt.Fprintln(os.Stderr, "wslatency:", err)
			os.Exit(2)
		}
	}
	if *rate <= 0 || *rate > 1000000 || *duration <= 0 || *duration > 10*time.Minute {
		fmt.Fprintln(os.Stderr, "wslatency: -rate must be 1..1000000 and -duration at most 10m")
		os.Exit(2)
	}
	if err := run(*addr, *to, *rate, *duration, *size, *settle, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "wslatency:", err)
		os.Exit(1)
	}
}

func run(addr, to string, rate int, duration time.Duration, size int, settle, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, br, _, err := ws.Dialer{}.Dial(ctx, "ws://"+addr+"/")
	if err != nil {
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	total := int(int64(rate) * int64(duration) / int64(time.Second))
	sent := make([]int64, total) // unix ns of each send
	var nsent atomic.Int64
	genDone := make(chan error, 1)
	time.Sleep(settle)
	go func() { genDone <- generate(to, rate, total, size, sent, &nsent) }()

	var rd io.Reader = conn
	if br != nil {
		rd = io.MultiReader(br, conn)
	}
	rd = bufio.NewReaderSize(rd, 64<<10)
	capLat := make([]time.Duration, 0, total)
	sendLat := make([]time.Duration, 0, total)
	var payload []byte
	received := 0
	var genErr error
	genFinished := false
	var deadline time.Time
	for {
		if !genFinished {
			select {
			case genErr = <-genDone:
				genFinished = true
				// Everything sent is due within a second.
				deadline = time.Now().Add(time.Second)
				conn.SetReadDeadline(deadline)
			default:
				// Wake up now and then to notice the generator's end even
				// when the messages stop coming (packets dropped).
				conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			}
		}
		if received >= total {
			break
		}
		hdr, err := ws.ReadHeader(rd)
		if err != nil {
			var ne net.Error
			if !genFinished && errors.As(err, &ne) && ne.Timeout() {
				continue // nothing in 200 ms: look at the generator again
			}
			if genFinished {
				break // the tail did not come in time
			}
			return fmt.Errorf("after %d messages: %w", received, err)
		}
		payload = payload[:0]
		for n := hdr.Length; n > 0; {
			chunk := min(n, 4096)
			start := len(payload)
			payload = append(payload, make([]byte, chunk)...)
			if _, err := io.ReadFull(rd, payload[start:]); err != nil {
				return err
			}
			n -= chunk
		}
		now := time.Now()
		switch hdr.OpCode {
		case ws.OpText:
		case ws.OpPing:
			_ = ws.WriteFrame(conn, ws.MaskFrame(ws.NewPongFrame(payload)))
			continue
		case ws.OpClose:
			return fmt.Errorf("server closed after %d messages", received)
		default:
			continue
		}
		received++
		// The two keys are found without a JSON decoder, so that the
		// client itself allocates nothing per message (its own garbage
		// collection would show up as latency).
		if t := stringValue(payload, `"time":`); t != nil {
			if ts, err := time.Parse(time.RFC3339Nano, string(t)); err == nil {
				capLat = append(capLat, now.Sub(ts))
			}
		}
		if v := stringValue(payload, `"wsColNo":`); v != nil {
			if no, err := strconv.Atoi(string(v)); err == nil && no >= 1 && int64(no) <= nsent.Load() {
				sendLat = append(sendLat, time.Duration(now.UnixNano()-sent[no-1]))
			}
		}
		if genFinished && now.After(deadline) {
			break
		}
	}
	if !genFinished {
		genErr = <-genDone
	}
	if genErr != nil {
		return genErr
	}
	n := nsent.Load()
	elapsed := time.Duration(sent[n-1] - sent[0])
	fmt.Printf("sent %d packets in %v (%.0f/s), received %d messages\n", n, elapsed.Round(time.Millisecond), float64(n-1)/elapsed.Seconds(), received)
	report("capture->client (time key)", capLat)
	report("send->client (by wsColNo)", sendLat)
	if received < int(n) {
		fmt.Printf("missing: %d messages (dropped by the kernel, the capture or the server)\n", int(n)-received)
	}
	return nil
}

// generate sends total UDP packets at rate, recording each send time.
// Packets due at the same time go out back to back; the sender catches up
// after a late wake-up rather than stretching the run.
func generate(to string, rate, total, size int, sent []int64, nsent *atomic.Int64) error {
	// A sink on the target port, so that the packets are not answered
	// with ICMP port unreachable (which also fails the next write).
	sink, err := net.ListenPacket("udp", to)
	if err != nil {
		return err
	}
	defer sink.Close()
	go func() {
		buf := make([]byte, 65536)
		for {
			if _, _, err := sink.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("udp", to)
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, max(size, 8))
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	for i := 0; i < total; i++ {
		due := start.Add(time.Duration(i) * interval)
		if d := time.Until(due); d > 0 {
			time.Sleep(d)
		}
		for j := 0; j < 8; j++ {
			buf[j] = byte(i >> (8 * j))
		}
		// Recorded before the write: the message may arrive before the
		// write returns.
		sent[i] = time.Now().UnixNano()
		nsent.Store(int64(i + 1))
		if _, err := c.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// stringValue returns the string value of key ("name":), up to its closing
// quote (the values read here hold no escapes), or nil. Blanks may follow
// the colon (Python's json.dumps writes one).
func stringValue(msg []byte, key string) []byte {
	i := bytes.Index(msg, []byte(key))
	if i < 0 {
		return nil
	}
	v := bytes.TrimLeft(msg[i+len(key):], " ")
	if len(v) == 0 || v[0] != '"' {
		return nil
	}
	v = v[1:]
	j := bytes.IndexByte(v, '"')
	if j < 0 {
		return nil
	}
	return v[:j]
}

func report(name string, lat []time.Duration) {
	if len(lat) == 0 {
		fmt.Printf("%-28s no samples\n", name+":")
		return
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	fmt.Printf("%-28s n=%d p50=%v p99=%v p99.9=%v max=%v\n", name+":", len(lat),
		q(0.50).Round(time.Microsecond), q(0.99).Round(time.Microsecond), q(0.999).Round(time.Microsecond), lat[len(lat)-1].Round(time.Microsecond))
}
