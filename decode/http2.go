package decode

import (
	"golang.org/x/net/http2/hpack"
)

// HTTP/2 (RFC 9113) as packet-http2.c writes its columns: every frame adds
// "TYPE[stream]" to Info, a HEADERS frame adds ": METHOD PATH" or
// ": STATUS REASON" from its HPACK-decoded fields, and a body is handed to
// its media type's dissector once the DATA frame that ends the stream
// arrives. Frames are found as tcp_dissect_pdus finds them (a 9-byte
// header with a 24-bit length, or the 24-byte connection preface).
// tshark reaches HTTP/2 through TLS (ALPN "h2" or the preface heuristic);
// that is where it is used here.

// HTTP/2 frame types.
const (
	h2Data         = 0
	h2Headers      = 1
	h2Priority     = 2
	h2RSTStream    = 3
	h2Settings     = 4
	h2PushPromise  = 5
	h2Ping         = 6
	h2GoAway       = 7
	h2WindowUpdate = 8
	h2Continuation = 9
	h2AltSvc       = 10
	h2Blocked      = 11
	h2Origin       = 12
	h2PriorityUpd  = 16
)

// Frame flags.
const (
	h2FlagEndStream  = 0x01
	h2FlagEndHeaders = 0x04
	h2FlagPadded     = 0x08
	h2FlagPriority   = 0x20
)

const h2Magic = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// Limits on what a connection keeps: nghttp2's header limits as Wireshark
// sets them, and bounds of our own on streams and bodies.
const (
	h2MaxHeaderSize  = 256 * 1024
	h2MaxHeaderLines = 200
	h2MaxStreams     = 1024
	h2MaxBody        = 16 << 20
	h2MaxBodies      = 32 << 20 // all bodies being collected on a connection
	h2MaxTableSize   = 1 << 20
)

func h2TypeName(t uint8) string {
	switch t {
	case h2Data:
		return "DATA"
	case h2Headers:
		return "HEADERS"
	case h2Priority:
		return "PRIORITY"
	case h2RSTStream:
		return "RST_STREAM"
	case h2Settings:
		return "SETTINGS"
	case h2PushPromise:
		return "PUSH_PROMISE"
	case h2Ping:
		return "PING"
	case h2GoAway:
		return "GOAWAY"
	case h2WindowUpdate:
		return "WINDOW_UPDATE"
	case h2Continuation:
		return "CONTINUATION"
	case h2AltSvc:
		return "ALTSVC"
	case h2Blocked:
		return "BLOCKED"
	case h2Origin:
		return "ORIGIN"
	case h2PriorityUpd:
		return "PRIORITY_UPDATE"
	}
	return ""
}

// h2Session is a connection's HTTP/2 state (http2_session_t): one HPACK
// decoder per direction and what each stream's headers said.
type h2Session struct {
	// The direction of the first frame seen is flow 0 (fwd_flow).
	fwdAddr address
	fwdPort uint16

	hpack   [2]*hpack.Decoder
	broken  [2]bool // a decoding error stops that direction, as in nghttp2
	fields  []hpack.HeaderField
	decoded int

	streams map[uint32]*h2Stream
	// bodyBytes is what the streams' unfinished bodies hold.
	bodyBytes int
	// frameNum orders the HTTP/2 frames (get_http2_frame_num): the
	// packet number above, the frame's place in the packet below.
	lastPacket uint64
	inPacket   uint32
}

// h2Stream is one stream's state in each direction (oneway_stream_info).
type h2Stream struct {
	dir [2]h2OneWay
}

type h2OneWay struct {
	headerStart, headerEnd uint64
	dataInitiated          bool
	transferEncoded        bool
	connect                bool
	partialContent         bool
	contentType            string
	haveContentType        bool
	params                 []byte
	contentEncoding        string
	haveContentEncoding    bool
	body                   []byte
	bodyStarted            bool
	bodyTooBig             bool
}

func newH2Session() *h2Session { return &h2Session{streams: make(map[uint32]*h2Stream)} }

func h2SessionOf(p *packet) *h2Session {
	s := appState(p.conv, "http2", newH2Session)
	if s.hpack[0] == nil {
		s.fwdAddr, s.fwdPort = p.netSrc, p.srcPort
		for i := range s.hpack {
			d := hpack.NewDecoder(4096, nil)
			d.SetMaxStringLength(h2MaxHeaderSize)
			d.SetAllowedMaxDynamicTableSize(h2MaxTableSize)
			s.hpack[i] = d
		}
	}
	return s
}

// flow is select_http2_flow_index.
func (s *h2Session) flow(p *packet) int {
	if p.netSrc == s.fwdAddr && p.srcPort == s.fwdPort {
		return 0
	}
	return 1
}

func (s *h2Session) stream(id uint32) *h2Stream {
	st := s.streams[id]
	if st == nil {
		if len(s.streams) >= h2MaxStreams {
			// Forget the oldest (lowest-numbered) stream.
			var oldest uint32
			first := true
			for k := range s.streams {
				if first || k < oldest {
					oldest, first = k, false
				}
			}
			for _, ow := range s.streams[oldest].dir {
				s.bodyBytes -= len(ow.body)
			}
			delete(s.streams, oldest)
		}
		st = &h2Stream{}
		s.streams[id] = st
	}
	return st
}

// dissectHTTP2 is dissect_http2.
func dissectHTTP2(p *packet, t tvb) int {
	if p.conv == nil {
		return 0
	}
	p.clearInfo()
	tcpDissectPDUs(p, t, true, 9, h2PDULen, dissectHTTP2PDU)
	return max(t.len(), 1)
}

// dissectHTTP2Heuristic is dissect_http2_heur: a connection already known
// as HTTP/2, or one that starts with the client preface.
func dissectHTTP2Heuristic(p *packet, t tvb) bool {
	if p.conv == nil {
		return false
	}
	if _, ok := p.conv.app["http2"]; !ok {
		if !t.has(0, len(h2Magic)) || string(t.b[:len(h2Magic)]) != h2Magic {
			return false
		}
		h2SessionOf(p)
	}
	dissectHTTP2(p, t)
	return true
}

func h2PDULen(p *packet, t tvb, off int) int {
	if t.has(off, len(h2Magic)) && string(t.b[off:off+len(h2Magic)]) == h2Magic {
		return len(h2Magic)
	}
	return int(t.u24(off)) + 9
}

// dissectHTTP2PDU is dissect_http2_pdu: one frame.
func dissectHTTP2PDU(p *packet, t tvb) {
	p.setProto("HTTP2")
	s := h2SessionOf(p)
	if t.has(0, len(h2Magic)) && string(t.b[:len(h2Magic)]) == h2Magic {
		p.appendInfoSep(", ", "Magic")
		return
	}
	t.u24(0)
	typ := t.u8(3)
	flags := t.u8(4)
	streamID := t.u32(5) & 0x7fffffff
	name := h2TypeName(typ)
	if !p.readOnly {
		if name == "" {
			p.appendInfoSep(", ", "Unknown type (")
			p.info.appendUint(uint64(typ))
			p.info.appendStr(")")
		} else {
			p.appendInfoSep(", ", name)
		}
		p.info.appendStr("[")
		p.info.appendUint(uint64(streamID))
		p.info.appendStr("]")
	}
	if p.num != s.lastPacket {
		s.lastPacket, s.inPacket = p.num, 0
	}
	s.inPacket++
	frameNum := p.num<<32 | uint64(s.inPacket)
	offset := 9
	switch typ {
	case h2Data:
		s.data(p, t, offset, flags, streamID)
	case h2Headers:
		s.headers(p, t, offset, flags, streamID, frameNum)
	case h2PushPromise:
		offset, padding := h2Padding(t, offset, flags)
		t.u32(offset)
		offset += 4
		headlen := t.reportedRemaining(offset)
		if headlen < padding {
			panic(excReported)
		}
		s.inflate(p, t, offset, headlen-padding, flags, streamID, frameNum)
	case h2Continuation:
		st := s.stream(streamID)
		ow := &st.dir[s.flow(p)]
		if flags&h2FlagEndHeaders != 0 && ow.headerStart != 0 && ow.headerEnd == 0 {
			ow.headerEnd = frameNum
		}
		offset, padding := h2Padding(t, offset, flags)
		headlen := t.reportedRemaining(offset)
		if headlen < padding {
			panic(excReported)
		}
		s.inflate(p, t, offset, headlen-padding, flags, streamID, frameNum)
	case h2Priority:
		t.ensure(offset, 5)
	case h2RSTStream, h2WindowUpdate:
		t.ensure(offset, 4)
	case h2Settings:
		for i := 0; offset+i < t.reported && i < 6*4096; i += 6 {
			t.ensure(offset+i, 6)
		}
	case h2Ping:
		t.ensure(offset, 8)
	case h2GoAway:
		t.ensure(offset, 8)
	}
}

// h2Padding is dissect_frame_padding: the pad length byte when PADDED.
func h2Padding(t tvb, offset int, flags uint8) (int, int) {
	if flags&h2FlagPadded == 0 {
		return offset, 0
	}
	return offset + 1, int(t.u8(offset))
}

// data is dissect_http2_data: the body is collected and dissected when
// the stream ends.
func (s *h2Session) data(p *packet, t tvb, offset int, flags uint8, streamID uint32) {
	offset, padding := h2Padding(t, offset, flags)
	datalen := t.reportedRemaining(offset) - padding
	st := s.stream(streamID)
	ow := &st.dir[s.flow(p)]
	if !ow.dataInitiated || ow.transferEncoded || ow.connect {
		return
	}
	end := flags&h2FlagEndStream != 0
	if datalen < 0 {
		panic(excReported)
	}
	if end && datalen == 0 && !ow.bodyStarted {
		return // fragment_end_seq_next finds nothing to end
	}
	if datalen > 0 {
		if !t.has(offset, datalen) {
			ow.bodyTooBig = true
		} else if !ow.bodyTooBig {
			if len(ow.body)+datalen > h2MaxBody || s.bodyBytes+datalen > h2MaxBodies {
				ow.bodyTooBig = true
				s.bodyBytes -= len(ow.body)
				ow.body = nil
			} else {
				ow.body = append(ow.body, t.b[offset:offset+datalen]...)
				s.bodyBytes += datalen
			}
		}
	}
	ow.bodyStarted = true
	if end {
		s.fullBody(p, ow)
	}
}

// fullBody is dissect_http2_data_full_body on a finished body.
func (s *h2Session) fullBody(p *packet, ow *h2OneWay) {
	body, tooBig := ow.body, ow.bodyTooBig
	s.bodyBytes -= len(body)
	ow.body, ow.bodyStarted, ow.bodyTooBig = nil, false, false
	if tooBig {
		return
	}
	if ow.haveContentEncoding && !ow.partialContent &&
		(hasPrefix(ow.contentEncoding, "gzip") || hasPrefix(ow.contentEncoding, "deflate")) {
		if out, ok := zlibUncompress(body); ok {
			body = out
		}
	}
	if !ow.haveContentType {
		return
	}
	fn := lookupMediaType(ow.contentType)
	if fn == nil {
		return
	}
	mi := mediaInfo{match: ow.contentType, params: ow.params, httpType: httpOthers}
	fn(p, newRealTvb(body), &mi)
}

// headers is dissect_http2_headers.
func (s *h2Session) headers(p *packet, t tvb, offset int, flags uint8, streamID uint32, frameNum uint64) {
	st := s.stream(streamID)
	ow := &st.dir[s.flow(p)]
	if flags&h2FlagEndStream != 0 && ow.bodyStarted {
		// Trailers end the body.
		s.fullBody(p, ow)
	}
	if ow.headerStart == 0 {
		ow.headerStart = frameNum
	}
	if ow.headerEnd == 0 && flags&h2FlagEndHeaders != 0 {
		ow.headerEnd = frameNum
	}
	offset, padding := h2Padding(t, offset, flags)
	if flags&h2FlagPriority != 0 {
		t.ensure(offset, 5)
		offset += 5
	}
	headlen := t.reportedRemaining(offset)
	if headlen < padding {
		panic(excReported)
	}
	s.inflate(p, t, offset, headlen-padding, flags, streamID, frameNum)
}

// inflate is inflate_http2_header_block: decode the block fragment with
// the direction's HPACK state, then show :method/:path/:status.
func (s *h2Session) inflate(p *packet, t tvb, offset, headlen int, flags uint8, streamID uint32, frameNum uint64) {
	t.ensure(offset, headlen)
	flow := s.flow(p)
	s.fields = s.fields[:0]
	s.decoded = 0
	if !s.broken[flow] {
		d := s.hpack[flow]
		d.SetEmitFunc(func(f hpack.HeaderField) {
			n := 8 + len(f.Name) + len(f.Value)
			if len(s.fields) >= h2MaxHeaderLines || s.decoded+n >= h2MaxHeaderSize {
				d.SetEmitEnabled(false)
				return
			}
			s.decoded += n
			s.fields = append(s.fields, f)
		})
		d.SetEmitEnabled(true)
		if _, err := d.Write(t.b[offset : offset+headlen]); err != nil {
			s.broken[flow] = true
		} else if flags&h2FlagEndHeaders != 0 {
			if d.Close() != nil {
				s.broken[flow] = true
			}
		}
		d.SetEmitFunc(nil)
	}
	if len(s.fields) == 0 {
		return
	}
	st := s.stream(streamID)
	ow := &st.dir[flow]
	inContext := frameNum >= ow.headerStart && (ow.headerEnd == 0 || frameNum <= ow.headerEnd)
	var method, path *string
	for i := range s.fields {
		f := &s.fields[i]
		if inContext {
			ow.track(f)
		}
		switch f.Name {
		case ":method":
			method = &f.Value
			h2MethodPath(p, method, path)
		case ":path":
			path = &f.Value
			h2MethodPath(p, method, path)
		case ":status":
			if !p.readOnly {
				p.appendInfoSep(": ", "")
				h2AppendValue(p, f.Value)
				p.info.appendStr(" ")
				p.info.appendStr(httpStatusReason(cStrtoul([]byte(f.Value), 10)))
			}
		}
	}
}

// h2MethodPath is try_append_method_path_info.
func h2MethodPath(p *packet, method, path *string) {
	if method == nil || path == nil || p.readOnly {
		return
	}
	p.appendInfoSep(": ", "")
	h2AppendValue(p, *method)
	p.info.appendStr(" ")
	h2AppendValue(p, *path)
}

// h2AppendValue appends a header value read as ASCII: other bytes become
// the replacement character.
func h2AppendValue(p *packet, v string) {
	start := 0
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			p.info.appendStr(v[start:i])
			p.info.appendStr("\uFFFD")
			start = i + 1
		}
	}
	p.info.appendStr(v[start:])
}

// track is populate_http_header_tracking.
func (ow *h2OneWay) track(f *hpack.HeaderField) {
	switch f.Name {
	case "content-encoding":
		if !ow.haveContentEncoding {
			ow.contentEncoding = cStringStr(f.Value)
			ow.haveContentEncoding = true
		}
	case ":status":
		if f.Value == "206" {
			ow.partialContent = true
		}
		ow.dataInitiated = true
	case ":method":
		ow.dataInitiated = true
		if f.Value == "CONNECT" {
			ow.connect = true
		}
	case "transfer-encoding":
		ow.transferEncoded = true
	case "content-type":
		if !ow.haveContentType {
			v := cStringStr(f.Value)
			end := 0
			for end < len(v) && v[end] != ';' && !isCSpace(v[end]) {
				end++
			}
			ct := make([]byte, end)
			for i := 0; i < end; i++ {
				ct[i] = lowerASCII(v[i])
			}
			ow.contentType = string(ct)
			ow.haveContentType = true
			i := end
			for i < len(v) && (v[i] == ';' || isCSpace(v[i])) {
				i++
			}
			ow.params = nil
			if end < len(v) && i < len(v) {
				ow.params = []byte(v[i:])
			}
		}
	}
}

// cStringStr cuts a value at a NUL, as C strings end.
func cStringStr(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}

// httpStatusReason is vals_http_status_code, "Unknown" for other codes.
func httpStatusReason(code uint64) string {
	switch code {
	case 100:
		return "Continue"
	case 101:
		return "Switching Protocols"
	case 102:
		return "Processing"
	case 103:
		return "Early Hints"
	case 199:
		return "Informational - Others"
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 202:
		return "Accepted"
	case 203:
		return "Non-authoritative Information"
	case 204:
		return "No Content"
	case 205:
		return "Reset Content"
	case 206:
		return "Partial Content"
	case 207:
		return "Multi-Status"
	case 208:
		return "Already Reported"
	case 226:
		return "IM Used"
	case 299:
		return "Success - Others"
	case 300:
		return "Multiple Choices"
	case 301:
		return "Moved Permanently"
	case 302:
		return "Found"
	case 303:
		return "See Other"
	case 304:
		return "Not Modified"
	case 305:
		return "Use Proxy"
	case 307:
		return "Temporary Redirect"
	case 308:
		return "Permanent Redirect"
	case 399:
		return "Redirection - Others"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 402:
		return "Payment Required"
	case 403:
		return "Forbidden"
	case 404:
		return "Not Found"
	case 405:
		return "Method Not Allowed"
	case 406:
		return "Not Acceptable"
	case 407:
		return "Proxy Authentication Required"
	case 408:
		return "Request Time-out"
	case 409:
		return "Conflict"
	case 410:
		return "Gone"
	case 411:
		return "Length Required"
	case 412:
		return "Precondition Failed"
	case 413:
		return "Request Entity Too Large"
	case 414:
		return "Request-URI Too Long"
	case 415:
		return "Unsupported Media Type"
	case 416:
		return "Requested Range Not Satisfiable"
	case 417:
		return "Expectation Failed"
	case 418:
		return "I'm a teapot"
	case 421:
		return "Misdirected Request"
	case 422:
		return "Unprocessable Entity"
	case 423:
		return "Locked"
	case 424:
		return "Failed Dependency"
	case 425:
		return "Too Early"
	case 426:
		return "Upgrade Required"
	case 428:
		return "Precondition Required"
	case 429:
		return "Too Many Requests"
	case 431:
		return "Request Header Fields Too Large"
	case 451:
		return "Unavailable For Legal Reasons"
	case 499:
		return "Client Error - Others"
	case 500:
		return "Internal Server Error"
	case 501:
		return "Not Implemented"
	case 502:
		return "Bad Gateway"
	case 503:
		return "Service Unavailable"
	case 504:
		return "Gateway Time-out"
	case 505:
		return "HTTP Version not supported"
	case 506:
		return "Variant Also Negotiates"
	case 507:
		return "Insufficient Storage"
	case 508:
		return "Loop Detected"
	case 510:
		return "Not Extended"
	case 511:
		return "Network Authentication Required"
	case 599:
		return "Server Error - Others"
	}
	return "Unknown"
}
