// Package export saves the objects decode finds (HTTP bodies) into a
// directory under the names tshark's --export-objects gives them
// (ui/cli/tap-exportobject.c and epan/export_object.c in Wireshark 4.0):
// the last component of the request URI with unsafe characters written as
// %xx, "objectFRAME.TYPE" when no request was seen, and "(N)" before the
// extension when a file of that name is already there.
package export

import (
	"fmt"
	"io"
	"os"
	"strings"

	"sniffws/decode"
)

// MaxFileLen is EXPORT_OBJECT_MAXFILELEN: the longest name written.
const MaxFileLen = 255

// MaxDuplicates is the gui.max_export_objects preference: how many "(N)"
// names are tried before the last one is overwritten.
const MaxDuplicates = 1000

// Entry is what the summary lists for one saved object.
type Entry struct {
	Frame       uint64
	ContentType string
	Size        int
	Name        string
}

// Writer saves objects into Dir, creating it (and its parents) first.
type Writer struct {
	Dir     string
	Entries []Entry
	made    bool
}

// NewWriter returns a writer for dir; the directory is created at once,
// as tshark creates it even when there is nothing to export.
func NewWriter(dir string) (*Writer, error) {
	w := &Writer{Dir: dir}
	if err := w.mkdir(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *Writer) mkdir() error {
	if w.made {
		return nil
	}
	if fi, err := os.Stat(w.Dir); err == nil && fi.IsDir() {
		w.made = true
		return nil
	}
	if err := os.MkdirAll(w.Dir, 0o755); err != nil {
		return fmt.Errorf("export objects: %w", err)
	}
	w.made = true
	return nil
}

// Write saves one object and returns the name it got.
func (w *Writer) Write(obj decode.ExportObject) (string, error) {
	if err := w.mkdir(); err != nil {
		return "", err
	}
	var path, name string
	for count := 0; ; {
		if obj.HaveFilename {
			name = MassageName(obj.Filename, MaxFileLen, count)
		} else {
			generic := fmt.Sprintf("object%d", obj.Frame)
			if obj.HaveContentType {
				generic += "." + obj.ContentType
			}
			if len(generic) > MaxFileLen {
				generic = generic[:MaxFileLen]
			}
			name = MassageName(generic, MaxFileLen, count)
		}
		path = joinPath(w.Dir, name)
		if _, err := os.Stat(path); err != nil {
			break
		}
		count++
		if count >= MaxDuplicates {
			break
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return name, fmt.Errorf("export objects: %w", err)
	}
	_, err = f.Write(obj.Data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return name, fmt.Errorf("export objects: %w", err)
	}
	w.Entries = append(w.Entries, Entry{Frame: obj.Frame, ContentType: obj.ContentType, Size: len(obj.Data), Name: name})
	return name, nil
}

// joinPath is g_build_filename for a directory and a file name.
func joinPath(dir, name string) string {
	d := strings.TrimRight(dir, "/")
	if d == "" && dir != "" {
		return "/" + name
	}
	return d + "/" + name
}

// rejected are the bytes eo_massage_str replaces with %xx.
const rejected = "<>:\"/\\|?*" +
	"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a" +
	"\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14" +
	"\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"

// MassageName is eo_massage_str: unsafe bytes become %xx, and a name that
// is a duplicate (dupn > 0) or too long goes through eo_rename. A NUL ends
// the name, as it ends a C string.
func MassageName(in string, maxLen, dupn int) string {
	if i := strings.IndexByte(in, 0); i >= 0 {
		in = in[:i]
	}
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		if strings.IndexByte(rejected, in[i]) >= 0 {
			fmt.Fprintf(&b, "%%%02x", in[i])
		} else {
			b.WriteByte(in[i])
		}
	}
	out := b.String()
	if dupn != 0 || len(out) > maxLen {
		out = rename(out, maxLen, dupn)
	}
	return out
}

// rename is eo_rename: "(N)" goes before the extension, and the name is
// cut to maxLen keeping the extension when it fits.
func rename(s string, maxLen, dupn int) string {
	tmp := ""
	if dupn != 0 {
		tmp = fmt.Sprintf("(%d)", dupn)
	}
	if dot := strings.LastIndexByte(s, '.'); dot >= 0 && len(s)-dot+len(tmp) < maxLen {
		ext := s[dot:]
		s = s[:dot]
		if keep := maxLen - (len(tmp) + len(ext)); len(s) >= keep {
			s = s[:keep]
		}
		return s + tmp + ext
	}
	if keep := maxLen - len(tmp); len(s) >= keep {
		s = s[:keep]
	}
	return s + tmp
}

// Summary writes one line per saved object and a total.
func (w *Writer) Summary(out io.Writer) {
	total := 0
	for _, e := range w.Entries {
		ct := e.ContentType
		if ct == "" {
			ct = "-"
		}
		fmt.Fprintf(out, "  frame %-7d %-32s %9d bytes  %s\n", e.Frame, ct, e.Size, e.Name)
		total += e.Size
	}
	fmt.Fprintf(out, "sniffws: exported %d HTTP objects (%d bytes) to %s\n", len(w.Entries), total, w.Dir)
}
