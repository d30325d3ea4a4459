package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sniffws/decode"
)

func TestMassageName(t *testing.T) {
	tests := []struct {
		in   string
		dupn int
		want string
	}{
		{in: "index.html", want: "index.html"},
		{in: "/", want: "%2f"},
		{in: "a?b=c:d", want: "a%3fb=c%3ad"},
		{in: "hello.txt", dupn: 1, want: "hello(1).txt"},
		{in: "upload", dupn: 2, want: "upload(2)"},
		{in: "tab\there", want: "tab%09here"},
		{in: strings.Repeat("x", 300) + ".png", want: strings.Repeat("x", 251) + ".png"},
		{in: strings.Repeat("x", 300), dupn: 3, want: strings.Repeat("x", 252) + "(3)"},
		{in: "a.b.c", dupn: 1, want: "a.b(1).c"},
	}
	for _, tc := range tests {
		if got := MassageName(tc.in, MaxFileLen, tc.dupn); got != tc.want {
			t.Errorf("MassageName(%q, %d) = %q, want %q", tc.in, tc.dupn, got, tc.want)
		}
	}
}

func TestWriterNames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "objects")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	objs := []struct {
		obj  decode.ExportObject
		want string
	}{
		{obj: decode.ExportObject{Frame: 4, Filename: "a.txt", HaveFilename: true, Data: []byte("one")}, want: "a.txt"},
		{obj: decode.ExportObject{Frame: 6, Filename: "a.txt", HaveFilename: true, Data: []byte("two")}, want: "a(1).txt"},
		{obj: decode.ExportObject{Frame: 8, ContentType: "text/html", HaveContentType: true}, want: "object8.text%2fhtml"},
		{obj: decode.ExportObject{Frame: 9}, want: "object9"},
	}
	for _, o := range objs {
		name, err := w.Write(o.obj)
		if err != nil {
			t.Fatal(err)
		}
		if name != o.want {
			t.Errorf("frame %d: name %q, want %q", o.obj.Frame, name, o.want)
		}
		b, err := os.ReadFile(filepath.Join(dir, o.want))
		if err != nil || string(b) != string(o.obj.Data) {
			t.Errorf("%s: %q, %v", o.want, b, err)
		}
	}
}
