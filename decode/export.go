package decode

// ExportObject is one HTTP object as tshark's --export-objects http
// collects it (http_eo_packet): the body of a request or response after
// de-chunking and content decoding, from the frame it completed in.
type ExportObject struct {
	// Frame is the number of the frame the body was dissected in.
	Frame uint64
	// ContentType is the lower-cased media type without parameters;
	// HaveContentType is false when the message had none.
	ContentType     string
	HaveContentType bool
	// Filename is the last path component of the conversation's last
	// request URI (g_path_get_basename); HaveFilename is false when no
	// request was seen.
	Filename     string
	HaveFilename bool
	// Data is the body; it belongs to the receiver.
	Data []byte
}

// httpExportObject queues an HTTP body for export, as packet-http.c does
// for the export-object tap.
func httpExportObject(p *packet, body tvb, hdr *httpHeaders) {
	fn := p.d.opts.OnObject
	if fn == nil {
		return
	}
	obj := ExportObject{Frame: p.num, Data: append([]byte(nil), body.b...)}
	if hdr.haveContentType {
		obj.ContentType = string(hdr.contentType)
		obj.HaveContentType = true
	}
	if p.conv != nil {
		if hc, ok := p.conv.app["http"].(*httpConv); ok && hc.haveURI {
			obj.Filename = pathBasename(string(cString(hc.uri)))
			obj.HaveFilename = true
		}
	}
	fn(obj)
}

// pathBasename is g_path_get_basename with '/' as the only separator.
func pathBasename(s string) string {
	if s == "" {
		return "."
	}
	end := len(s)
	for end > 0 && s[end-1] == '/' {
		end--
	}
	if end == 0 {
		return "/"
	}
	start := end
	for start > 0 && s[start-1] != '/' {
		start--
	}
	return s[start:end]
}
