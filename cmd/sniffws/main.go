// Command sniffws captures network traffic (live, from pcap/pcapng files,
// or tshark's CSV on standard input) and streams every packet's seven
// tshark columns as JSON to WebSocket clients such as DynaGraph.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"sniffws/decode"
	"sniffws/sniff"
)

type options struct {
	iface   string
	filter  string
	read    string
	count   int
	print   string
	listDev bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sniffws", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.iface, "i", "", "capture live on `IFACE` through libpcap (any included)")
	fs.StringVar(&o.filter, "f", "", "BPF capture `FILTER` (pcap-filter syntax), live or on -r")
	fs.StringVar(&o.read, "r", "", "read a pcap or pcapng `FILE` (- for standard input)")
	fs.IntVar(&o.count, "c", 0, "stop after `N` packets")
	fs.StringVar(&o.print, "print", "", "write records to stdout as `csv|json` instead of serving")
	fs.BoolVar(&o.listDev, "D", false, "list capture interfaces and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.read == "" {
		fmt.Fprintln(stderr, "sniffws: give -r FILE")
		return 2
	}
	src, err := sniff.OpenFile(o.read)
	if err != nil {
		fmt.Fprintln(stderr, "sniffws:", err)
		return 1
	}
	defer src.Close()
	w := bufio.NewWriterSize(stdout, 1<<16)
	defer w.Flush()
	dec := decode.New(decode.Options{})
	var f decode.Frame
	var rec decode.Record
	var buf []byte
	n := 0
	for o.count == 0 || n < o.count {
		err := src.Next(&f)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			w.Flush()
			fmt.Fprintln(stderr, "sniffws:", err)
			return 1
		}
		n++
		dec.Decode(&f, &rec)
		buf = buf[:0]
		if o.print == "json" {
			buf = rec.AppendJSON(buf)
			buf = append(buf, '\n')
		} else {
			buf = rec.AppendCSV(buf)
		}
		w.Write(buf)
	}
	return 0
}
