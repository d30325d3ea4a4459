package viewer

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func TestPage(t *testing.T) {
	tests := []struct {
		path        string
		ok          bool
		contentType string
		contains    string
	}{
		{
			path:        "/",
			ok:          true,
			contentType: "text/html; charset=utf-8",
			contains:    `<script type="module" src="/viewer/app.js">`,
		},
		{
			path:        "/index.html",
			ok:          true,
			contentType: "text/html; charset=utf-8",
			contains:    "<title>",
		},
		{
			path:        "/viewer/app.js",
			ok:          true,
			contentType: "text/javascript; charset=utf-8",
			contains:    "requestAnimationFrame",
		},
		{
			path:        "/viewer/stream-worker.js",
			ok:          true,
			contentType: "text/javascript; charset=utf-8",
			contains:    "new WebSocket",
		},
		{
			path:        "/viewer/viewer.css",
			ok:          true,
			contentType: "text/css; charset=utf-8",
			contains:    ".graph-pane",
		},
		{
			path: "/viewer/",
		},
		{
			path: "/viewer/missing.js",
		},
		{
			path: "/viewer/../viewer.go",
		},
		{
			path: "/static/app.js",
		},
		{
			path: "/metrics",
		},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			body, ctype, ok := Page(tc.path)
			if ok != tc.ok {
				t.Fatalf("ok = %v, want %v", ok, tc.ok)
			}
			if !ok {
				return
			}
			if ctype != tc.contentType {
				t.Errorf("content type %q, want %q", ctype, tc.contentType)
			}
			if !bytes.Contains(body, []byte(tc.contains)) {
				t.Errorf("body does not contain %q", tc.contains)
			}
		})
	}
}

// TestSelfContained: the page must work offline, so nothing it loads may
// come from another host, and every local file it names must be served.
func TestSelfContained(t *testing.T) {
	ref := regexp.MustCompile(`(?:src|href)="([^"]*)"|url\(([^)]*)\)|from '([^']*)'|new URL\('([^']*)'`)
	err := fs.WalkDir(static, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := static.ReadFile(name)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte("http://")) || bytes.Contains(data, []byte("https://")) {
			t.Errorf("%s names an absolute URL; the page must load nothing from elsewhere", name)
		}
		for _, m := range ref.FindAllStringSubmatch(string(data), -1) {
			target := m[1] + m[2] + m[3] + m[4]
			if strings.HasPrefix(target, "data:") {
				continue
			}
			if strings.HasPrefix(target, "./") {
				target = "/viewer/" + strings.TrimPrefix(target, "./")
			}
			if _, _, ok := Page(target); !ok {
				t.Errorf("%s refers to %q, which is not served", name, target)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
