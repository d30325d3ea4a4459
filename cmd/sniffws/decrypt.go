package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"sniffws/decode"
	"sniffws/export"
)

// decryption is the part of the command line for TLS decryption with a
// key log and HTTP object export, in tshark's spelling where tshark has
// one: -o tls.keylog_file:FILE and --export-objects http,DIR.
type decryption struct {
	keylog        string
	exportObjects string // "http,DIR" as given
	exportDir     string
}

func (d *decryption) flags(fs *flag.FlagSet) {
	fs.StringVar(&d.keylog, "keylog", "", "decrypt TLS with the secrets in key log `FILE` (NSS SSLKEYLOGFILE format; lines appended later are read too)")
	fs.Func("o", "set a tshark preference `NAME:VALUE`; only tls.keylog_file is known", func(v string) error {
		name, value, ok := strings.Cut(v, ":")
		if !ok {
			return fmt.Errorf("%q: want NAME:VALUE", v)
		}
		switch name {
		case "tls.keylog_file", "ssl.keylog_file":
			d.keylog = value
			return nil
		}
		return fmt.Errorf("unknown preference %q (only tls.keylog_file is supported)", name)
	})
	fs.StringVar(&d.exportObjects, "export-objects", "", "write every HTTP object to a directory, as tshark --export-objects `http,DIR`, and print a summary")
}

func (d *decryption) validate(m mode) error {
	if d.keylog != "" && m != modeFile && m != modeLive {
		return errors.New("a key log applies to -i and -r only")
	}
	if d.exportObjects == "" {
		return nil
	}
	proto, dir, ok := strings.Cut(d.exportObjects, ",")
	if !ok || dir == "" {
		return fmt.Errorf("-export-objects %q: want http,DIR", d.exportObjects)
	}
	if proto != "http" {
		return fmt.Errorf("-export-objects %q: only http objects can be exported", d.exportObjects)
	}
	if m != modeFile && m != modeLive {
		return errors.New("-export-objects applies to -i and -r only")
	}
	d.exportDir = dir
	return nil
}

// options opens the key log and the export directory and fills in the
// decoder options they need; done prints the export summary.
func (d *decryption) options(opts *decode.Options, warn func(format string, args ...any), stderr io.Writer) (done func(), err error) {
	done = func() {}
	if d.keylog != "" {
		kl, err := decode.OpenKeyLog(d.keylog)
		if err != nil {
			return done, fmt.Errorf("key log: %w", err)
		}
		if _, err := os.Stat(d.keylog); err != nil {
			warn("key log %s is not there yet; it is read when it appears", d.keylog)
		}
		opts.KeyLog = kl
	}
	if d.exportDir != "" {
		w, err := export.NewWriter(d.exportDir)
		if err != nil {
			return done, err
		}
		failed := false
		opts.OnObject = func(obj decode.ExportObject) {
			if _, err := w.Write(obj); err != nil && !failed {
				failed = true // say it once, keep decoding
				warn("%v", err)
			}
		}
		done = func() { w.Summary(stderr) }
	}
	return done, nil
}
