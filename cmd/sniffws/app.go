package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync/atomic"
	"time"

	"sniffws/decode"
	"sniffws/sniff"
	"sniffws/viewer"
	"sniffws/wsserver"
)

// app runs one invocation: a source, the decoder, and a sink (stdout or
// the WebSocket server).
type app struct {
	cfg    config
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	out  *bufio.Writer     // -print
	srv  *wsserver.Server  // serving
	ctrs counters          // for /metrics and the exit summary
	live *sniff.LiveSource // set during a live capture

	// Opened before serving, so that a bad file or interface fails at once.
	frames sniff.FrameSource
	har    *sniff.HAR
}

// counters are read concurrently by /metrics.
type counters struct {
	frames       atomic.Uint64
	malformed    atomic.Uint64
	bugs         atomic.Uint64
	stdinSkipped atomic.Uint64
	kernelDrops  atomic.Uint64
	ifaceDrops   atomic.Uint64
}

func (a *app) appendMetrics(dst []byte) []byte {
	if a.live != nil {
		a.updateDrops() // drops happen while the capture is quiet too
	}
	line := func(name, help string, v uint64) {
		dst = append(dst, "# HELP sniffws_"+name+" "+help+"\n# TYPE sniffws_"+name+" counter\nsniffws_"+name+" "...)
		dst = strconv.AppendUint(dst, v, 10)
		dst = append(dst, '\n')
	}
	line("packets_total", "Packets captured or read.", a.ctrs.frames.Load())
	line("packets_dropped_kernel_total", "Packets the kernel dropped (live capture).", a.ctrs.kernelDrops.Load())
	line("packets_dropped_interface_total", "Packets the interface dropped (live capture).", a.ctrs.ifaceDrops.Load())
	line("decode_malformed_total", "Packets shown with [Malformed Packet] or a similar mark.", a.ctrs.malformed.Load())
	line("decode_errors_total", "Packets on which a dissector failed (a sniffws bug).", a.ctrs.bugs.Load())
	line("stdin_lines_skipped_total", "Standard-input CSV lines skipped as malformed.", a.ctrs.stdinSkipped.Load())
	return dst
}

func (a *app) main(ctx context.Context) int {
	c := &a.cfg
	if err := a.open(); err != nil {
		fmt.Fprintln(a.stderr, "sniffws:", err)
		return 1
	}
	if a.frames != nil {
		defer a.frames.Close()
	}
	if c.print != "" {
		a.out = bufio.NewWriterSize(a.stdout, 1<<16)
		if err := a.dropPrivileges(); err != nil {
			fmt.Fprintln(a.stderr, "sniffws:", err)
			return 1
		}
	} else {
		cfg := wsserver.Config{
			QueueBytes:   c.queueKiB << 10,
			Backlog:      c.backlog,
			ExtraMetrics: a.appendMetrics,
			Page:         viewer.Page, // the live viewer at http://ADDR/
			Logf: func(format string, args ...any) {
				fmt.Fprintf(a.stderr, "sniffws: "+format+"\n", args...)
			},
		}
		if err := c.exposure.apply(&cfg, c.listen, a.warnf); err != nil {
			fmt.Fprintln(a.stderr, "sniffws:", err)
			return 1
		}
		srv, err := wsserver.Listen(c.listen, cfg)
		if err != nil {
			fmt.Fprintf(a.stderr, "sniffws: serving on %s: %v\n", c.listen, err)
			return 1
		}
		a.srv = srv
		if err := a.dropPrivileges(); err != nil {
			return a.finish(ctx, err)
		}
		if cfg.TLS != nil {
			fmt.Fprintf(a.stderr, "sniffws: serving wss://%s (metrics at https://%s/metrics)\n", srv.Addr(), srv.Addr())
		} else {
			fmt.Fprintf(a.stderr, "sniffws: serving ws://%s (metrics at http://%s/metrics)\n", srv.Addr(), srv.Addr())
		}
		fmt.Fprintf(a.stderr, "sniffws: watch it: open http://%s/ in a browser, point DynaGraph at ws://%s, or run: go run ./bench/wsload -n 1 -addr %s -out /tmp/stream\n", srv.Addr(), srv.Addr(), srv.Addr())
		if c.wait > 0 {
			fmt.Fprintf(a.stderr, "sniffws: waiting for %d client(s) before reading input\n", c.wait)
			if err := srv.WaitClients(ctx, c.wait); err != nil {
				return a.finish(ctx, nil)
			}
		}
	}

	var err error
	switch c.mode() {
	case modeFile, modeLive:
		err = a.runFrames(ctx)
	case modeStdin:
		err = a.runStdin(ctx)
	case modeHAR:
		err = a.runHAR(ctx)
	case modeDemo:
		err = a.runDemo(ctx)
	}
	return a.finish(ctx, err)
}

// finish flushes output, ends the server and reports.
func (a *app) finish(ctx context.Context, err error) int {
	status := 0
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, wsserver.ErrServerClosed) {
		fmt.Fprintln(a.stderr, "sniffws:", err)
		status = 1
	}
	if a.out != nil {
		if ferr := a.out.Flush(); ferr != nil && status == 0 {
			fmt.Fprintln(a.stderr, "sniffws: writing output:", ferr)
			status = 1
		}
	}
	if a.srv != nil {
		code, reason := wsserver.StatusNormalClosure, "end of input"
		if ctx.Err() != nil {
			code, reason = wsserver.StatusGoingAway, "server shutting down"
		} else if status != 0 {
			code, reason = wsserver.StatusCode(1011), "input error"
		}
		a.srv.Close(code, reason, closeTimeout)
	}
	return status
}

func (a *app) warnf(format string, args ...any) {
	fmt.Fprintf(a.stderr, "sniffws: "+format+"\n", args...)
}

// dropPrivileges applies -Z once every privileged resource is open.
func (a *app) dropPrivileges() error {
	if a.cfg.user == "" {
		return nil
	}
	return dropPrivileges(a.cfg.user, a.warnf)
}

// emit sends one encoded message to the sink. Finite inputs wait for the
// slowest client; live inputs never do.
func (a *app) emit(ctx context.Context, msg []byte, finite bool) error {
	if a.out != nil {
		a.out.Write(msg)
		if a.cfg.print == "json" {
			return a.out.WriteByte('\n')
		}
		return nil
	}
	if finite {
		return a.srv.BroadcastWait(ctx, msg)
	}
	a.srv.Broadcast(msg)
	return nil
}

// open opens the input of file, live and HAR modes.
func (a *app) open() error {
	c := &a.cfg
	switch c.mode() {
	case modeFile:
		var fsrc *sniff.FileSource
		var err error
		if c.read == "-" {
			fsrc, err = sniff.NewFileSource("standard input", a.stdin, nil)
		} else {
			fsrc, err = sniff.OpenFile(c.read)
		}
		if err != nil {
			return err
		}
		a.frames = fsrc
		if c.filter != "" {
			filtered, err := sniff.NewFilteredSource(fsrc, c.filter)
			if err != nil {
				return err
			}
			a.frames = filtered
		}
	case modeLive:
		live, err := sniff.OpenLive(sniff.LiveConfig{
			Interface:  c.iface,
			Snaplen:    c.snaplen,
			NoPromisc:  c.noPromisc,
			BufferSize: c.bufferMiB << 20,
			Filter:     c.filter,
		})
		if err != nil {
			return err
		}
		a.live = live
		a.frames = live
	case modeHAR:
		f, err := os.Open(c.har)
		if err != nil {
			return err
		}
		defer f.Close()
		if a.har, err = sniff.ReadHAR(f); err != nil {
			return fmt.Errorf("%s: %w", c.har, err)
		}
	}
	return nil
}

// runFrames reads frames from a file or an interface, decodes and emits.
func (a *app) runFrames(ctx context.Context) error {
	c := &a.cfg
	src := a.frames
	finite := c.mode() == modeFile
	if a.live != nil {
		fmt.Fprintf(a.stderr, "sniffws: capturing on %s\n", c.iface)
		go func() {
			<-ctx.Done()
			a.live.Stop()
		}()
		defer a.reportLive()
	}

	var pw *sniff.PcapngWriter
	var wfile *os.File
	if c.write != "" {
		f, err := os.Create(c.write)
		if err != nil {
			return err
		}
		wfile = f
		if pw, err = sniff.NewPcapngWriter(f); err != nil {
			f.Close()
			return fmt.Errorf("%s: %w", c.write, err)
		}
		defer func() {
			pw.Flush()
			wfile.Close()
		}()
	}

	opts := decode.Options{MaxFlows: c.maxFlows, FlowIdle: c.flowIdle, OnBug: func(n uint64, msg string) {
		fmt.Fprintf(a.stderr, "sniffws: frame %d: dissector failure (please report): %s\n", n, msg)
	}}
	exported, err := c.decryption.options(&opts, a.warnf, a.stderr)
	if err != nil {
		return err
	}
	defer exported()
	dec := decode.New(opts)
	if a.live != nil {
		// Live: each record goes out from this goroutine as soon as it is
		// decoded; a hand-over to another goroutine would add its wake-up
		// to every packet's latency.
		out := &inlineSink{emit: a.recordEmitter(ctx, false)}
		err = a.decodeFrames(ctx, src, dec, out, pw, finite)
		if out.err != nil && (err == nil || errors.Is(err, errEmitterStopped)) {
			err = out.err
		}
		return err
	}
	// Files: this goroutine reads and decodes; another encodes and emits.
	ring := newRecordRing()
	emitted := make(chan error, 1)
	go func() { emitted <- a.emitRecords(ctx, ring, finite) }()
	err = a.decodeFrames(ctx, src, dec, ring, pw, finite)
	ring.close()
	if eerr := <-emitted; eerr != nil && (err == nil || errors.Is(err, errEmitterStopped)) {
		err = eerr
	}
	return err
}

// errEmitterStopped ends decoding when the emitting goroutine has failed;
// its own error is the one reported.
var errEmitterStopped = errors.New("emitter stopped")

// decodeFrames reads, saves (-w), paces and decodes frames into out.
func (a *app) decodeFrames(ctx context.Context, src sniff.FrameSource, dec *decode.Decoder, out recordSink, pw *sniff.PcapngWriter, finite bool) error {
	c := &a.cfg
	var (
		f       decode.Frame
		n       int
		pace    pacer
		lastDec decode.Stats
	)
	pace.speed = c.speed
	for c.count == 0 || n < c.count {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err := src.Next(&f)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err() // a signal cut the read short: not damage
			}
			return err
		}
		n++
		a.ctrs.frames.Add(1)
		if pw != nil {
			if err := pw.Write(&f); err != nil {
				return fmt.Errorf("%s: %w", c.write, err)
			}
		}
		if finite {
			if err := pace.wait(ctx, f.Timestamp); err != nil {
				return err
			}
		}
		rec := out.slot()
		if rec == nil {
			return errEmitterStopped
		}
		dec.Decode(&f, rec)
		out.publish()
		if st := dec.Stats(); st != lastDec {
			a.ctrs.malformed.Store(st.Malformed)
			a.ctrs.bugs.Store(st.Bugs)
			lastDec = st
		}
		if a.live != nil && n%1024 == 0 {
			a.updateDrops()
		}
	}
	return nil
}

// emitRecords encodes the records of ring and emits them, in order.
func (a *app) emitRecords(ctx context.Context, ring *recordRing, finite bool) error {
	return ring.consume(a.recordEmitter(ctx, finite))
}

// recordEmitter returns the function that encodes a record and emits it.
// Live -print output is flushed after every record, as tshark -l does.
func (a *app) recordEmitter(ctx context.Context, finite bool) func(*decode.Record) error {
	var msg []byte
	csv := a.cfg.print == "csv"
	return func(rec *decode.Record) error {
		if a.out != nil {
			// Encode straight into the output buffer.
			b := a.out.AvailableBuffer()
			if csv {
				b = rec.AppendCSV(b)
			} else {
				b = append(rec.AppendJSON(b), '\n')
			}
			if _, err := a.out.Write(b); err != nil {
				return fmt.Errorf("writing output: %w", err)
			}
			if a.live != nil {
				if err := a.out.Flush(); err != nil {
					return fmt.Errorf("writing output: %w", err)
				}
			}
			return nil
		}
		msg = rec.AppendJSON(msg[:0])
		return a.emit(ctx, msg, finite)
	}
}

func (a *app) updateDrops() {
	st := a.live.Stats()
	a.ctrs.kernelDrops.Store(st.Dropped)
	a.ctrs.ifaceDrops.Store(st.IfaceDropped)
}

// reportLive prints the capture summary on standard error, as tshark does.
func (a *app) reportLive() {
	a.updateDrops()
	st := a.live.Stats()
	fmt.Fprintf(a.stderr, "%d packet%s captured\n", st.Captured, plural(st.Captured))
	if st.Dropped > 0 || st.IfaceDropped > 0 {
		fmt.Fprintf(a.stderr, "%d packet%s dropped by the kernel, %d by the interface\n", st.Dropped, plural(st.Dropped), st.IfaceDropped)
	}
}

func plural(n uint64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// pacer replays a capture at speed times its own pace (0: no pacing).
type pacer struct {
	speed      float64
	started    bool
	wallStart  time.Time
	frameStart time.Time
}

func (p *pacer) wait(ctx context.Context, ts time.Time) error {
	if p.speed <= 0 {
		return nil
	}
	if !p.started {
		p.started = true
		p.wallStart = time.Now()
		p.frameStart = ts
		return nil
	}
	due := p.wallStart.Add(time.Duration(float64(ts.Sub(p.frameStart)) / p.speed))
	d := time.Until(due)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// runStdin serves tshark's CSV from standard input.
func (a *app) runStdin(ctx context.Context) error {
	r := sniff.NewCSVReader(a.stdin, a.cfg.stdinSep[0], a.cfg.stdinStop, a.stderr)
	r.MaxLineBytes = a.cfg.stdinMaxLine
	var rec decode.Record
	var msg []byte
	n := 0
	defer func() {
		if skipped := r.Skipped(); skipped > 0 {
			fmt.Fprintf(a.stderr, "sniffws: %d malformed line%s skipped\n", skipped, plural(skipped))
		}
	}()
	for a.cfg.count == 0 || n < a.cfg.count {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err := r.Next(&rec)
		a.ctrs.stdinSkipped.Store(r.Skipped())
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("standard input: %w", err)
		}
		n++
		a.ctrs.frames.Add(1)
		if a.cfg.print == "csv" {
			msg = rec.AppendCSV(msg[:0])
		} else {
			msg = rec.AppendJSON(msg[:0])
		}
		if err := a.emit(ctx, msg, true); err != nil {
			return err
		}
	}
	return nil
}

// runHAR serves the links of a HAR file.
func (a *app) runHAR(ctx context.Context) error {
	return a.har.Links(a.cfg.harDelta, func(msg []byte) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return a.emit(ctx, msg, true)
	})
}

// runDemo serves random links until interrupted.
func (a *app) runDemo(ctx context.Context) error {
	d := sniff.NewDemo(nil)
	n := 0
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err := d.Run(ctx, func(msg []byte) {
		if a.cfg.count > 0 && n >= a.cfg.count {
			cancel()
			return
		}
		n++
		a.emit(ctx, msg, false)
		if a.out != nil {
			a.out.Flush()
		}
	})
	if a.cfg.count > 0 && n >= a.cfg.count {
		return nil
	}
	return err
}

// listInterfaces prints the capture interfaces (-D).
func listInterfaces(w io.Writer) error {
	return sniff.ListInterfaces(w)
}
