package viewer

import (
	"embed"
	"io/fs"
	"mime"
	"path"
	"strings"
)

//go:embed static
var static embed.FS

// asset is one file of the page, read once at start-up.
type asset struct {
	body        []byte
	contentType string
}

// assets maps request paths to files: "/" is the page, the rest live
// under /viewer/ so they cannot shadow a server endpoint.
var assets = loadAssets()

func loadAssets() map[string]asset {
	m := make(map[string]asset)
	err := fs.WalkDir(static, "static", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := static.ReadFile(name)
		if err != nil {
			return err
		}
		a := asset{body: body, contentType: contentType(name)}
		rel := strings.TrimPrefix(name, "static/")
		if rel == "index.html" {
			m["/"] = a
			m["/index.html"] = a
		}
		m["/viewer/"+rel] = a
		return nil
	})
	if err != nil {
		// The files are compiled in: failing to read them is a build bug.
		panic("viewer: reading embedded files: " + err.Error())
	}
	return m
}

// contentType names the media type of an embedded file by its extension,
// without depending on the machine's MIME tables for the ones the page uses.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// Page serves the viewer's files by request path (query string already
// removed), with the signature of wsserver.Config.Page. ok is false for a
// path that is not one of them. The returned body is shared: do not modify
// it. Safe for concurrent use.
func Page(path string) (body []byte, contentType string, ok bool) {
	a, ok := assets[path]
	return a.body, a.contentType, ok
}
