// Command sniffws captures network traffic (live through libpcap, from
// pcap/pcapng files, or tshark's CSV on standard input) and streams every
// packet's seven tshark columns as JSON to WebSocket clients such as
// DynaGraph. It also replays HAR files and a random demo stream, as the
// Python servers it replaces did.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"sniffws/decode"
)

// config is the parsed command line.
type config struct {
	iface     string
	filter    string
	read      string
	stdin     bool
	har       string
	harDelta  int64
	demo      bool
	count     int
	snaplen   int
	noPromisc bool
	bufferMiB int
	print     string
	listen    string
	listDev   bool
	write     string
	wait      int
	backlog   int
	speed     float64
	queueKiB  int
	stdinSep  string
	stdinStop string
	maxFlows  int
	flowIdle  time.Duration
	exposure  // who may connect, limits, -Z (security.go)

	decryption // -keylog, -o tls.keylog_file:, -export-objects (decrypt.go)
}

// mode is what produces the messages.
type mode int

const (
	modeFile mode = iota
	modeLive
	modeStdin
	modeHAR
	modeDemo
)

func (c *config) mode() mode {
	switch {
	case c.iface != "":
		return modeLive
	case c.stdin:
		return modeStdin
	case c.har != "":
		return modeHAR
	case c.demo:
		return modeDemo
	}
	return modeFile
}

const usageHead = `sniffws: capture traffic and stream tshark's seven columns to WebSocket clients.

Usage:
  sniffws -i IFACE [-f FILTER]     live capture through libpcap (-D lists interfaces)
  sniffws -r FILE [-f FILTER]      read a pcap or pcapng file (- for standard input)
  tshark ... | sniffws -stdin      serve tshark's -T fields CSV (the old pipe)
  sniffws -har FILE                serve the links of a HAR file
  sniffws -demo                    serve random demo links
Add -print csv|json to write records to standard output instead of serving.

Flags:
`

func newFlagSet(c *config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sniffws", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.iface, "i", "", "capture live on `IFACE` (any included)")
	fs.StringVar(&c.filter, "f", "", "BPF capture `FILTER` in pcap-filter syntax, live or on -r (as tcpdump)")
	fs.StringVar(&c.read, "r", "", "read a pcap or pcapng `FILE` (- for standard input)")
	fs.BoolVar(&c.stdin, "stdin", false, "read tshark's seven-column CSV from standard input")
	fs.StringVar(&c.har, "har", "", "serve the links of a HAR `FILE`")
	fs.Int64Var(&c.harDelta, "har-delta", 50000, "HAR time bucket width in `MICROSECONDS`")
	fs.BoolVar(&c.demo, "demo", false, "serve random demo links")
	fs.IntVar(&c.count, "c", 0, "stop after `N` packets")
	fs.IntVar(&c.snaplen, "s", 0, "live: keep at most `SNAPLEN` bytes per packet (default 262144)")
	fs.BoolVar(&c.noPromisc, "p", false, "live: do not put the interface in promiscuous mode")
	fs.IntVar(&c.bufferMiB, "B", 32, "live: kernel capture buffer in `MiB`")
	fs.StringVar(&c.print, "print", "", "write records to standard output as `csv|json` instead of serving")
	fs.StringVar(&c.listen, "listen", "127.0.0.1:5678", "WebSocket `ADDR`ess to serve on")
	fs.BoolVar(&c.listDev, "D", false, "list capture interfaces and exit")
	fs.StringVar(&c.write, "w", "", "also save the captured frames as pcapng to `FILE`")
	fs.IntVar(&c.wait, "wait", -1, "hold input until `N` clients are connected (default 1 for -r/-stdin/-har, 0 for -i/-demo)")
	fs.IntVar(&c.backlog, "backlog", 0, "send a late joiner the last `N` messages first")
	fs.Float64Var(&c.speed, "speed", 0, "-r: replay at `X` times capture pace (0: as fast as clients read)")
	fs.IntVar(&c.queueKiB, "queue", 4096, "per-client send queue in `KiB`; a client that overflows it is cut off")
	fs.StringVar(&c.stdinSep, "stdin-sep", ",", "-stdin: field `SEPARATOR`")
	fs.StringVar(&c.stdinStop, "stdin-stop", "q", "-stdin: a line that is exactly `WORD` ends input")
	fs.IntVar(&c.maxFlows, "max-flows", decode.DefaultMaxFlows, "track at most `N` TCP/UDP conversations; the least recent is forgotten beyond")
	fs.DurationVar(&c.flowIdle, "flow-idle", -1, "forget conversations idle this `LONG` in capture time (default 10m for -i, never for -r, as tshark)")
	c.exposure.flags(fs)
	c.decryption.flags(fs)
	return fs
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the process around it, for tests.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c config
	fs := newFlagSet(&c, stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "sniffws: unexpected argument %q (see -h)\n", fs.Arg(0))
		return 2
	}
	if err := c.validate(); err != nil {
		fmt.Fprintln(stderr, "sniffws:", err)
		return 2
	}
	if c.listDev {
		if err := listInterfaces(stdout); err != nil {
			fmt.Fprintln(stderr, "sniffws:", err)
			return 1
		}
		return 0
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, the default action again: a second
		// Ctrl-C ends sniffws at once instead of waiting for clients.
		<-ctx.Done()
		stop()
	}()
	// A signal must end a read of an idle standard input too.
	app := &app{cfg: c, stdin: newInterruptibleReader(ctx, stdin), stdout: stdout, stderr: stderr}
	return app.main(ctx)
}

func (c *config) validate() error {
	if c.listDev {
		return nil
	}
	sources := 0
	for _, set := range []bool{c.iface != "", c.read != "", c.stdin, c.har != "", c.demo} {
		if set {
			sources++
		}
	}
	if sources == 0 {
		return errors.New("nothing to do: give -i IFACE, -r FILE, -stdin, -har FILE or -demo (see -h)")
	}
	if sources > 1 {
		return errors.New("give only one of -i, -r, -stdin, -har and -demo")
	}
	switch c.print {
	case "", "csv", "json":
	default:
		return fmt.Errorf("-print %q: want csv or json", c.print)
	}
	m := c.mode()
	if c.print == "csv" && (m == modeHAR || m == modeDemo) {
		return errors.New("-print csv needs packets (-i, -r or -stdin); HAR and demo links print as json")
	}
	if c.filter != "" && m != modeLive && m != modeFile {
		return errors.New("-f applies to -i and -r only")
	}
	if c.write != "" && m != modeLive && m != modeFile {
		return errors.New("-w saves frames from -i or -r only")
	}
	if c.speed < 0 {
		return errors.New("-speed must not be negative")
	}
	if len(c.stdinSep) != 1 {
		return fmt.Errorf("-stdin-sep %q: want exactly one byte", c.stdinSep)
	}
	if c.wait < 0 {
		c.wait = 0
		if m == modeFile || m == modeStdin || m == modeHAR {
			c.wait = 1
		}
	}
	if c.flowIdle < 0 {
		c.flowIdle = 0
		if m == modeLive {
			c.flowIdle = 10 * time.Minute
		}
	}
	if c.maxFlows <= 0 {
		return errors.New("-max-flows must be positive")
	}
	if c.queueKiB <= 0 {
		return errors.New("-queue must be positive")
	}
	if strings.TrimSpace(c.listen) == "" {
		return errors.New("-listen needs an address")
	}
	if err := c.decryption.validate(m); err != nil {
		return err
	}
	return c.exposure.validate()
}

// closeTimeout bounds the wait for clients to drain and answer the close.
const closeTimeout = 5 * time.Second
