package decode

import (
	"bytes"
	"sync"
)

// HTTP/1.x over TCP (and SSDP over UDP), as packet-http.c writes its
// columns. The shape of tshark's output comes from how the dissector is
// built, so this file keeps the same steps:
//
//   - Each message writes its first line plus a space to Info *before*
//     asking TCP for the rest of the headers or body, so a segment that
//     starts an unfinished message shows "HTTP/1.1 200 OK  [TCP segment
//     of a reassembled PDU]". Headers and chunked bodies are gathered "one
//     more segment" at a time (every segment re-runs HTTP on all the bytes
//     so far); a Content-Length asks for the exact remainder; a response
//     without either waits for the FIN.
//   - Several messages in one segment are separated by a fence, so their
//     lines follow each other with no separator.
//   - The body, after de-chunking and content decoding, goes to the media
//     type's dissector (media.go), which adds " (text/html)", "/JSON" and
//     the like.
//   - A 101 reply with an Upgrade hands the rest of the stream to that
//     protocol (WebSocket); after a 2xx reply to CONNECT the stream goes to
//     whatever the CONNECT target's port says.

func init() {
	registerTCPPort(dissectHTTPTCP, 80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710,
		631,  // IPP registers itself through HTTP
		3689) // so does DAAP
	registerTCPHeuristic("message_http", dissectHTTPHeuristic)
	registerUDPPort(dissectSSDP, 1900)
}

// httpDefaultPorts is the "http.tcp.port" preference range: a CONNECT
// target on one of these ports is shown as data rather than re-entering HTTP.
func httpDefaultPort(port uint16) bool {
	switch port {
	case 80, 3128, 3132, 5985, 8080, 8088, 11371, 1900, 2869, 2710:
		return true
	}
	return false
}

type httpType uint8

const (
	httpOthers httpType = iota
	httpRequest
	httpResponse
	httpNotification
)

// maxChunkOffsets bounds the per-direction cache of chunk scan offsets;
// maxKeptURI bounds the request URI (and WebSocket header values) kept
// per conversation.
const (
	maxChunkOffsets = 64
	maxKeptURI      = 1024
)

// httpConv is what HTTP remembers about a conversation (http_conv_t).
type httpConv struct {
	// method is the last request method seen, "" before any.
	method string
	// uri is the last request URI; haveURI says one was seen, which makes
	// non-HTTP data on the conversation a "Continuation".
	uri     []byte
	haveURI bool
	// responseCode is the last status code parsed.
	responseCode int

	// A protocol switch (101 Upgrade, CONNECT tunnel): data from
	// startFrame/startOffset on goes to upgrade.
	startFrame  uint64
	startOffset int
	upgrade     appDissector
	serverAddr  address
	serverPort  uint16

	// WebSocket parameters from the 101 reply.
	wsProtocol   string
	wsExtensions string

	// chunkOffsets caches, per direction and segment sequence number, how
	// far a chunked body was already scanned (chunk_offsets_fwd/rev).
	chunkOffsets [2]map[uint32]int
}

func newHTTPConv() *httpConv { return &httpConv{} }

// httpConvOf returns the conversation's HTTP state; a packet without a
// conversation gets a throwaway one.
func httpConvOf(p *packet) *httpConv {
	if p.conv == nil {
		return newHTTPConv()
	}
	return appState(p.conv, "http", newHTTPConv)
}

// httpHeaders holds what the message headers say (headers_t).
type httpHeaders struct {
	contentType     []byte // lower-cased type/subtype, nil when absent
	haveContentType bool
	params          []byte // media type parameters, nil when none
	haveCL          bool
	contentLength   int64
	contentEncoding []byte
	haveCE          bool
	chunked         bool
	te              httpTransferCoding
	upgrade         []byte
	haveUpgrade     bool
}

type httpTransferCoding uint8

const (
	teNone httpTransferCoding = iota
	teCompress
	teDeflate
	teGzip
	teIdentity
	teUnknown
)

// dissectHTTPTCP is dissect_http_tcp: it takes every payload it is given.
func dissectHTTPTCP(p *packet, t tvb) int {
	hc := httpConvOf(p)
	if p.num >= hc.startFrame && hc.responseCode == 200 && hc.method == "CONNECT" && hc.haveURI {
		if hc.startFrame == 0 {
			hc.startFrame = p.num
			hc.startOffset = 0
			hc.serverAddr = p.dst
			hc.serverPort = p.dstPort
		}
		httpTunnel(p, t, hc)
		return max(t.len(), 1)
	}
	eos := p.tcp != nil && p.tcp.flags&thFIN != 0
	var seq uint32
	haveSeq := p.tcp != nil
	if haveSeq {
		seq = p.tcp.seq
	}
	dissectHTTPOnStream(p, t, hc, "HTTP", eos, seq, haveSeq)
	return max(t.len(), 1)
}

// dissectHTTPHeuristic is dissect_http_heur_tcp: a first line that starts
// with "HTTP/1." or whose last eight bytes do binds the conversation to HTTP.
func dissectHTTPHeuristic(p *packet, t tvb) bool {
	linelen, _ := findLineEnd(t, 0, -1, true)
	if linelen == -1 || linelen == 8 {
		return false
	}
	if !tvbStrncaseeql(t, linelen-8, "HTTP/1.") && !tvbStrncaseeql(t, 0, "HTTP/1.") {
		return false
	}
	if p.conv != nil {
		p.conv.dissector = dissectHTTPTCP
	}
	dissectHTTPTCP(p, t)
	return true
}

// dissectSSDP is dissect_ssdp: one HTTP-style message per datagram.
func dissectSSDP(p *packet, t tvb) int {
	hc := httpConvOf(p)
	dissectHTTPMessage(p, t, 0, hc, "SSDP", false, 0, false)
	return max(t.len(), 1)
}

// dissectHTTPOnStream is dissect_http_on_stream: messages one after the
// other, a fence after each, and the rest handed over after a switch.
func dissectHTTPOnStream(p *packet, t tvb, hc *httpConv, tag string, eos bool, seq uint32, haveSeq bool) {
	offset := 0
	for t.reportedRemaining(offset) > 0 {
		if hc.startFrame != 0 && (p.num > hc.startFrame || (p.num == hc.startFrame && offset >= hc.startOffset)) {
			save := p.canDesegment
			if p.canDesegment > 0 {
				p.canDesegment++
			}
			if hc.upgrade != nil {
				p.callApp(hc.upgrade, t.sub(offset))
			}
			p.canDesegment = save
			if p.desegmentLen != 0 {
				p.desegmentOffset += offset
			}
			break
		}
		n := dissectHTTPMessage(p, t, offset, hc, tag, eos, seq, haveSeq)
		if n == -1 {
			break
		}
		offset += n
		if !p.readOnly {
			p.info.setFence()
		}
	}
}

// httpTunnel is http_payload_subdissector: the payload after a CONNECT is
// dissected as if it went to the port named in the request URI.
func httpTunnel(p *packet, t tvb, hc *httpConv) {
	colon := bytes.IndexByte(hc.uri, ':')
	if colon < 0 {
		return
	}
	uriPort := uint16(cStrtol(cString(hc.uri[colon+1:]), 10))
	fromServer := p.srcPort == hc.serverPort && p.src == hc.serverAddr
	sport, dport := p.srcPort, uriPort
	if fromServer {
		sport, dport = uriPort, p.dstPort
	}
	if httpDefaultPort(uriPort) {
		return // data
	}
	save := p.canDesegment
	if p.canDesegment > 0 {
		p.canDesegment++
	}
	saveSrc, saveDst := p.srcPort, p.dstPort
	if fromServer {
		p.srcPort = uriPort
	} else {
		p.dstPort = uriPort
	}
	low, high := sport, dport
	if sport > dport {
		low, high = dport, sport
	}
	switch {
	case low != 0 && p.tryAppPort(tcpPortTable, t, low):
	case high != 0 && p.tryAppPort(tcpPortTable, t, high):
	default:
		for _, h := range tcpHeuristics {
			if p.callHeuristic(h.fn, t) {
				break
			}
		}
	}
	p.srcPort, p.dstPort = saveSrc, saveDst
	p.canDesegment = save
}

// httpDirection says which of the conversation's two chunk caches the
// packet uses: 0 when it comes from the endpoint that opened the TCP
// conversation, 1 otherwise, -1 without TCP.
func httpDirection(p *packet) int {
	if p.conv == nil || p.conv.tcp == nil {
		return -1
	}
	tc := p.conv.tcp
	if p.netSrc.b == tc.firstSrc && p.srcPort == tc.firstSport {
		return 0
	}
	return 1
}

// dissectHTTPMessage is dissect_http_message: it returns the bytes the
// message took, or -1 when it stops (not HTTP, or more data needed).
func dissectHTTPMessage(p *packet, t tvb, offset int, hc *httpConv, tag string, eos bool, seq uint32, haveSeq bool) int {
	origOffset := offset
	dir := -1
	if haveSeq {
		dir = httpDirection(p)
	}
	chunkOffset := 0
	if dir >= 0 && hc.chunkOffsets[dir] != nil {
		chunkOffset = hc.chunkOffsets[dir][seq]
	}

	if t.reportedRemaining(offset) < 1 {
		return -1
	}
	if t.reportedRemaining(offset) > 3 && t.u16(offset) == 0x0d0a {
		offset += 2 // a stray CRLF before the request line
	}
	haveSeenHTTP := hc.haveURI

	if c := t.u8(offset); c < 0x20 || c > 0x7e {
		if haveSeenHTTP {
			p.setProto(tag)
			p.setInfo("Continuation")
		}
		return -1
	}

	firstLen, _ := findLineEnd(t, offset, ensureRemaining(t, offset), true)
	if firstLen == -1 {
		if !reqRespReassembly(p, t, offset, true, &chunkOffset) {
			return -1
		}
	}
	var firstLine []byte
	if firstLen >= 0 {
		firstLine = t.b[offset : offset+firstLen]
	}
	typ, isReqResp, _ := httpRequestOrReply(firstLine, firstLen)
	if isReqResp {
		if !p.readOnly {
			p.info.clear()
			p.appendInfoText(firstLine)
			p.info.appendStr(" ")
		}
		tryBody := !eos
		if tryBody && typ == httpResponse {
			code := httpStatusCode(firstLine)
			if hc.method == "HEAD" ||
				(code/100 == 2 && (hc.method == "CONNECT" || hc.method == "SSTP_DUPLEX_POST")) ||
				code/100 == 1 || code == 204 || code == 304 {
				tryBody = false
			}
		}
		if !reqRespHdrsReassembly(p, t, offset, tryBody, typ == httpResponse, &chunkOffset) {
			if dir >= 0 && chunkOffset != 0 {
				m := hc.chunkOffsets[dir]
				if m == nil || len(m) >= maxChunkOffsets {
					m = make(map[uint32]int, 4)
					hc.chunkOffsets[dir] = m
				}
				m[seq] = chunkOffset
			}
			return -1
		}
	} else if haveSeenHTTP {
		p.setInfo("Continuation")
	}
	if isReqResp || haveSeenHTTP {
		p.setProto(tag)
	}

	// The request/response line and the headers, a line at a time.
	typ = httpOthers
	var hdr httpHeaders
	responseCode := 0
	sawReqRespOrHeader := false
	for offset < t.len() {
		linelen, next := findLineEnd(t, offset, ensureRemaining(t, offset), false)
		if linelen < 0 {
			return -1
		}
		line := t.b[offset : offset+linelen]
		colonOffset := -1
		lt, isRR, method := httpRequestOrReply(line, linelen)
		if !isRR && linelen != 0 {
			c := bytes.IndexByte(line, ':')
			if c < 0 {
				// Not a header: maybe one cut short at the end of the data.
				if sawReqRespOrHeader {
					t.ensure(offset, linelen+1)
				}
				break
			}
			colonOffset = offset + c
		}
		if linelen == 0 {
			offset = next
			break
		}
		sawReqRespOrHeader = true
		if isRR {
			typ = lt
			if lt == httpResponse {
				if code, ok := httpResponseLine(line); ok {
					responseCode = code
					hc.responseCode = code
				}
			} else {
				hc.method = method
				httpRequestLine(line, hc)
			}
		} else {
			httpProcessHeader(p, t, offset, line, colonOffset-offset, typ, &hdr, hc)
		}
		offset = next
	}

	reportedDatalen := t.reportedRemaining(offset)
	datalen := max(t.len()-offset, 0)
	if hdr.haveCL && hdr.te == teNone {
		if int64(datalen) > hdr.contentLength {
			datalen = int(hdr.contentLength)
		}
		if int64(reportedDatalen) > hdr.contentLength {
			reportedDatalen = int(hdr.contentLength)
		}
	} else {
		switch typ {
		case httpRequest:
			if hdr.te == teNone {
				datalen = 0
			} else {
				reportedDatalen = -1
			}
		case httpResponse:
			if responseCode/100 == 1 || responseCode == 204 || responseCode == 304 {
				datalen = 0
			} else {
				reportedDatalen = -1
			}
		default:
			reportedDatalen = -1
		}
	}

	if datalen > 0 {
		body := t.subCap(offset, datalen, reportedDatalen)
		datalen = httpBody(p, body, &hdr, datalen, typ)
		offset += datalen
	}

	// A protocol switch once the response headers are complete.
	if hc.method != "" && typ == httpResponse && p.desegmentOffset <= 0 && p.desegmentLen <= 0 {
		acked := false
		var next appDissector
		if hc.method == "SSTP_DUPLEX_POST" && hc.responseCode == 200 {
			acked = true
		}
		if hdr.haveUpgrade && hc.responseCode == 101 {
			next = httpUpgradeDissector(hdr.upgrade)
			acked = true
		}
		if acked {
			hc.startFrame = p.num
			hc.startOffset = offset
			hc.upgrade = next
			hc.serverAddr = p.src
			hc.serverPort = p.srcPort
		}
	}
	return offset - origOffset
}

// httpUpgradeDissector looks an Upgrade value up in "http.upgrade",
// then without a "/version" suffix.
func httpUpgradeDissector(upgrade []byte) appDissector {
	name := upgrade
	for try := 0; try < 2; try++ {
		if string(name) == "websocket" {
			return dissectWebSocket
		}
		if string(name) == "h2c" || string(name) == "h2" {
			return dissectHTTP2
		}
		slash := bytes.IndexByte(upgrade, '/')
		if slash < 0 {
			break
		}
		name = upgrade[:slash]
	}
	return nil
}

// bodyBuffers holds buffers for decompressed bodies, which live only
// while their media dissector runs; maxKeptBodyBuffer caps what is kept.
var bodyBuffers sync.Pool

const maxKeptBodyBuffer = 1 << 20

// httpBody dissects the entity body and returns how many bytes of the
// message it took (the chunked encoding may end before the data does).
func httpBody(p *packet, body tvb, hdr *httpHeaders, datalen int, typ httpType) int {
	if hdr.chunked {
		dechunked, consumed := httpDechunk(body)
		if consumed == 0 {
			return datalen
		}
		body = dechunked
		datalen = consumed
	}
	switch hdr.te {
	case teCompress, teDeflate, teGzip:
		return datalen // transfer codings other than chunked stay data
	}
	if hdr.haveCE && !asciiEqualFold(hdr.contentEncoding, "identity") {
		var out []byte
		ok := false
		if asciiEqualFold(hdr.contentEncoding, "gzip") || asciiEqualFold(hdr.contentEncoding, "deflate") ||
			asciiEqualFold(hdr.contentEncoding, "x-gzip") || asciiEqualFold(hdr.contentEncoding, "x-deflate") {
			buf, _ := bodyBuffers.Get().(*[]byte)
			if buf == nil {
				buf = new([]byte)
			}
			defer bodyBuffers.Put(buf)
			out, ok = zlibUncompressTo((*buf)[:0], body.b)
			if cap(out) <= maxKeptBodyBuffer {
				*buf = out[:0]
			}
		}
		if !ok {
			return datalen // shown as data
		}
		body = newRealTvb(out)
	}
	httpExportObject(p, body, hdr)
	if body.len() == 0 {
		return datalen
	}
	var ct string
	if hdr.haveContentType {
		ct = string(hdr.contentType)
	}
	dissectMediaBody(p, body, ct, hdr.haveContentType, hdr.params, true, typ)
	return datalen
}

// httpMethods maps request methods to their kind (is_http_request_or_reply).
var httpMethods = map[string]httpType{
	"GET": httpRequest, "PUT": httpRequest,
	"COPY": httpRequest, "HEAD": httpRequest, "LOCK": httpRequest, "MOVE": httpRequest, "POLL": httpRequest, "POST": httpRequest,
	"BCOPY": httpRequest, "BMOVE": httpRequest, "MKCOL": httpRequest, "TRACE": httpRequest, "PATCH": httpRequest, "LABEL": httpRequest, "MERGE": httpRequest,
	"DELETE": httpRequest, "SEARCH": httpRequest, "UNLOCK": httpRequest, "REPORT": httpRequest, "UPDATE": httpRequest, "NOTIFY": httpNotification,
	"BDELETE": httpRequest, "CONNECT": httpRequest, "OPTIONS": httpRequest, "CHECKIN": httpRequest,
	"PROPFIND": httpRequest, "CHECKOUT": httpRequest, "CCM_POST": httpRequest,
	"SUBSCRIBE": httpNotification, "PROPPATCH": httpRequest, "BPROPFIND": httpRequest,
	"BPROPPATCH": httpRequest, "UNCHECKOUT": httpRequest, "MKACTIVITY": httpRequest,
	"MKWORKSPACE": httpRequest, "RPC_CONNECT": httpRequest, "RPC_IN_DATA": httpRequest, "UNSUBSCRIBE": httpNotification,
	"RPC_OUT_DATA":     httpRequest,
	"VERSION-CONTROL":  httpRequest,
	"BASELINE-CONTROL": httpRequest, "SSTP_DUPLEX_POST": httpRequest,
}

// httpMethodNames interns method names so that remembering one does not allocate.
var httpMethodNames = func() map[string]string {
	m := make(map[string]string, len(httpMethods))
	for k := range httpMethods {
		m[k] = k
	}
	return m
}()

// httpRequestOrReply is is_http_request_or_reply on a line of linelen
// bytes (negative: no line). method is the request method, if any.
func httpRequestOrReply(line []byte, linelen int) (httpType, bool, string) {
	if linelen < 0 {
		return httpOthers, false, ""
	}
	if linelen >= 2 && line[0] == 'M' && line[1] == '-' {
		line = line[2:]
		linelen -= 2
	}
	if (linelen >= 5 && string(line[:5]) == "HTTP/") || (linelen >= 3 && string(line[:3]) == "ICY") {
		return httpResponse, true, ""
	}
	indx := bytes.IndexByte(line[:linelen], ' ')
	if indx < 0 {
		indx = linelen
	}
	if typ, ok := httpMethods[string(line[:indx])]; ok {
		return typ, true, httpMethodNames[string(line[:indx])]
	}
	return httpOthers, false, ""
}

// getTokenLen is get_token_len: a token ends at a blank, CR or LF; the
// blanks after it are skipped.
func getTokenLen(line []byte, pos int) (tokenLen, next int) {
	i := pos
	for i < len(line) && line[i] != ' ' && line[i] != '\r' && line[i] != '\n' {
		i++
	}
	tokenLen = i - pos
	for i < len(line) && line[i] == ' ' {
		i++
	}
	return tokenLen, i
}

// httpStatusCode is parse_http_status_code.
func httpStatusCode(line []byte) int {
	n, next := getTokenLen(line, 0)
	if n == 0 {
		return 0
	}
	n, _ = getTokenLen(line, next)
	if n != 3 {
		return 0
	}
	v, end, ok := cStrtoll(cString(line[next:next+3]), 10)
	if !ok || end == 0 || end != len(cString(line[next:next+3])) || v < -1<<31 || v > 1<<31-1 {
		return 0
	}
	return int(v)
}

// httpResponseLine is basic_response_dissector: the status code is read
// from the first three characters of the second token, as strtoul does.
func httpResponseLine(line []byte) (int, bool) {
	n, next := getTokenLen(line, 0)
	if n == 0 {
		return 0, false
	}
	n, _ = getTokenLen(line, next)
	if n < 3 {
		return 0, false
	}
	return int(uint32(cStrtoul(cString(line[next:next+3]), 10))), true
}

// httpRequestLine is basic_request_dissector: it remembers the URI.
func httpRequestLine(line []byte, hc *httpConv) {
	n, next := getTokenLen(line, 0)
	if n == 0 {
		return
	}
	if next > 2 && line[next-1] == ' ' && line[next-2] == ' ' {
		next-- // two spaces: an empty URI
	}
	n, _ = getTokenLen(line, next)
	// Only a CONNECT target's "host:port" is ever read back, so a bounded
	// prefix is kept.
	hc.uri = append(hc.uri[:0], line[next:next+min(n, maxKeptURI)]...)
	hc.haveURI = true
}

// httpKnownHeaders are the header names packet-http.c recognises; only the
// ones with special processing matter for the columns.
const (
	hdrOther = iota
	hdrAuthorization
	hdrContentType
	hdrContentLength
	hdrContentEncoding
	hdrTransferEncoding
	hdrUpgrade
	hdrWebSocketProtocol
	hdrWebSocketExtensions
)

// httpProcessHeader is process_header for one "name: value" line.
func httpProcessHeader(p *packet, t tvb, offset int, line []byte, nameLen int, typ httpType, hdr *httpHeaders, hc *httpConv) {
	if nameLen == 0 {
		return
	}
	for _, c := range line[:nameLen] {
		if !isHTTPTokenChar(c) {
			return
		}
	}
	name := line[:nameLen]
	v := nameLen + 1
	for v < len(line) && (line[v] == ' ' || line[v] == '\t') {
		v++
	}
	value := line[v:]
	cvalue := cString(value)
	switch httpHeaderKind(name) {
	case hdrAuthorization:
		httpAuthNTLMSSP(p, cvalue)
	case hdrContentType:
		end := 0
		for end < len(value) && value[end] != ';' && !isCSpace(value[end]) {
			end++
		}
		ct := hdr.contentType[:0]
		for _, c := range value[:end] {
			ct = append(ct, lowerASCII(c))
		}
		hdr.contentType = cString(ct)
		hdr.haveContentType = true
		i := end + 1
		for i < len(value) && (value[i] == ';' || isCSpace(value[i])) {
			i++
		}
		hdr.params = nil
		if i < len(value) {
			hdr.params = cString(value[i:])
		}
	case hdrContentLength:
		n, end, ok := cStrtoll(cvalue, 10)
		if n < 0 || end == 0 || !ok || (end < len(cvalue) && !isCSpace(cvalue[end])) {
			hdr.haveCL = false
		} else {
			hdr.haveCL = true
			hdr.contentLength = n
		}
	case hdrContentEncoding:
		hdr.contentEncoding = cvalue
		hdr.haveCE = true
	case hdrTransferEncoding:
		httpParseTransferCoding(cvalue, hdr)
	case hdrUpgrade:
		hdr.upgrade = hdr.upgrade[:0]
		for _, c := range cvalue {
			hdr.upgrade = append(hdr.upgrade, lowerASCII(c))
		}
		hdr.haveUpgrade = true
	case hdrWebSocketProtocol:
		if typ == httpResponse {
			hc.wsProtocol = string(cvalue[:min(len(cvalue), maxKeptURI)])
		}
	case hdrWebSocketExtensions:
		if typ == httpResponse {
			hc.wsExtensions = string(cvalue[:min(len(cvalue), maxKeptURI)])
		}
	}
}

func httpHeaderKind(name []byte) int {
	switch len(name) {
	case 7:
		if asciiEqualFold(name, "upgrade") {
			return hdrUpgrade
		}
	case 13:
		if asciiEqualFold(name, "authorization") {
			return hdrAuthorization
		}
	case 18, 19:
		if asciiEqualFold(name, "proxy-authenticate") || asciiEqualFold(name, "proxy-authorization") {
			return hdrAuthorization
		}
	case 12:
		if asciiEqualFold(name, "content-type") {
			return hdrContentType
		}
	case 14:
		if asciiEqualFold(name, "content-length") {
			return hdrContentLength
		}
	case 16:
		if asciiEqualFold(name, "content-encoding") {
			return hdrContentEncoding
		}
		if asciiEqualFold(name, "www-authenticate") {
			return hdrAuthorization
		}
	case 17:
		if asciiEqualFold(name, "transfer-encoding") {
			return hdrTransferEncoding
		}
	case 22:
		if asciiEqualFold(name, "sec-websocket-protocol") {
			return hdrWebSocketProtocol
		}
	case 24:
		if asciiEqualFold(name, "sec-websocket-extensions") {
			return hdrWebSocketExtensions
		}
	}
	return hdrOther
}

// httpParseTransferCoding is http_parse_transfer_coding.
func httpParseTransferCoding(v []byte, hdr *httpHeaders) {
	hdr.te = teUnknown
	for len(v) > 0 {
		for len(v) > 0 && (v[0] == ' ' || v[0] == '\t' || v[0] == ',') {
			v = v[1:]
		}
		if len(v) == 0 {
			break
		}
		if bytes.HasPrefix(v, []byte("chunked")) {
			hdr.chunked = true
			v = v[7:]
			continue
		}
		if hdr.te != teUnknown {
			break
		}
		matched := false
		for _, c := range [...]struct {
			name string
			te   httpTransferCoding
		}{{"compress", teCompress}, {"deflate", teDeflate}, {"gzip", teGzip}, {"identity", teIdentity}, {"x-compress", teCompress}, {"x-gzip", teGzip}} {
			if bytes.HasPrefix(v, []byte(c.name)) {
				hdr.te = c.te
				v = v[len(c.name):]
				matched = true
				break
			}
		}
		if !matched {
			i := bytes.IndexByte(v, ',')
			if i < 0 {
				break
			}
			v = v[i:]
		}
	}
}

func isHTTPTokenChar(c byte) bool {
	if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
		return true
	}
	return bytes.IndexByte([]byte("!#$%&\\:*+-.^_`|~"), c) >= 0
}

// reqRespReassembly is the req_resp_hdrs_do_reassembly call made when the
// first line is not complete yet.
func reqRespReassembly(p *packet, t tvb, offset int, desegmentBody bool, chunkOffset *int) bool {
	return reqRespHdrsReassembly(p, t, offset, desegmentBody, false, chunkOffset)
}

// reqRespHdrsReassembly is req_resp_hdrs_do_reassembly: false (and a
// desegment request) while the headers, or a body whose extent the
// headers give, are not all there.
func reqRespHdrsReassembly(p *packet, t tvb, offset int, desegmentBody, untilFIN bool, lastChunkOffset *int) bool {
	nextOffset := offset
	contentLength := 0
	clFound, ctFound, chunked := false, false, false
	var contentType []byte
	oneMore := func() bool {
		p.desegmentOffset = offset
		p.desegmentLen = desegmentOneMoreSegment
		return false
	}
	if p.canDesegment != 0 {
		for {
			lineStart := nextOffset
			reportedRemaining := t.reportedRemaining(nextOffset)
			if reportedRemaining < 1 {
				return oneMore()
			}
			remaining := capturedRemaining(t, nextOffset)
			linelen, next := findLineEnd(t, nextOffset, remaining, true)
			if linelen == -1 && remaining >= reportedRemaining {
				return oneMore()
			}
			if linelen >= 0 {
				nextOffset = next
			}
			if linelen == 0 {
				break
			}
			if !desegmentBody {
				continue
			}
			c := t.u8(lineStart)
			if c != 'c' && c != 'C' && c != 't' && c != 'T' {
				continue
			}
			var line []byte
			if linelen >= 0 {
				line = cString(t.bytes(lineStart, linelen))
			} else {
				line = cString(t.bytes(lineStart, -1))
			}
			switch {
			case len(line) >= 15 && asciiEqualFold(line[:15], "content-length:"):
				v := trimCSpace(line[15:])
				n, end, ok := cStrtoll(v, 10)
				if ok && end == len(v) && end > 0 && n >= 0 && n <= 1<<31-1 {
					contentLength = int(n)
					clFound = true
				}
			case len(line) >= 13 && asciiEqualFold(line[:13], "content-type:"):
				ctFound = true
				contentType = bytes.TrimLeft(line[13:], " ")
			case len(line) >= 18 && asciiEqualFold(line[:18], "transfer-encoding:"):
				v := bytes.TrimLeft(line[18:], " \t")
				if len(v) >= 7 && asciiEqualFold(v[:7], "chunked") {
					chunked = true
				}
			}
			if linelen < 0 {
				// A line cut by the snapshot length: nothing more to find.
				return oneMore()
			}
		}
	}
	if !desegmentBody {
		return true
	}
	switch {
	case chunked:
		if *lastChunkOffset != 0 {
			nextOffset = offset + *lastChunkOffset
		}
		for {
			reportedRemaining := t.reportedRemaining(nextOffset)
			if reportedRemaining < 1 {
				return oneMore()
			}
			remaining := capturedRemaining(t, nextOffset)
			linelen, chunkStart := findLineEnd(t, nextOffset, remaining, true)
			if linelen == -1 && remaining >= reportedRemaining {
				return oneMore()
			}
			*lastChunkOffset = nextOffset - offset
			var line []byte
			if linelen >= 0 {
				line = t.b[nextOffset : nextOffset+linelen]
			} else {
				line = t.b[nextOffset:]
				chunkStart = 0
			}
			line = cString(line)
			if i := bytes.IndexByte(line, ';'); i >= 0 {
				line = line[:i]
			}
			size, ok := cScanfHex(line)
			if !ok || size > 1<<31 {
				return true
			}
			if size == 0 {
				linelen, end := findLineEnd(t, chunkStart, remaining, true)
				if linelen == -1 && remaining >= reportedRemaining {
					return oneMore()
				}
				if linelen != -1 {
					chunkStart = end
				}
				p.desegmentOffset = chunkStart
				p.desegmentLen = 0
				return true
			}
			if reportedRemaining > int(size) {
				nextOffset = chunkStart + int(size) + 2
			} else {
				return oneMore()
			}
		}
	case clFound:
		if contentLength >= 128*1024 {
			if ctFound && bytes.HasPrefix(contentType, []byte("application/rpc")) {
				return true
			}
			tmp := t.bytes(0, 12)
			if bytes.HasPrefix(tmp, []byte("RPC_IN_DATA")) || bytes.HasPrefix(tmp, []byte("RPC_OUT_DATA")) {
				return true
			}
		}
		if !t.has(nextOffset, contentLength) {
			remaining := capturedRemaining(t, nextOffset)
			if remaining < t.reportedRemaining(nextOffset) {
				return true // not captured: asking for more will not help
			}
			p.desegmentOffset = offset
			p.desegmentLen = contentLength - remaining
			return false
		}
	case untilFIN && p.canDesegment != 0:
		if capturedRemaining(t, nextOffset) < t.reportedRemaining(nextOffset) {
			return true
		}
		p.desegmentOffset = offset
		p.desegmentLen = desegmentUntilFIN
		return false
	}
	return true
}

// httpDechunk is chunked_encoding_dissector: the chunk data joined, and
// how many bytes of the message the chunked body took (0: none found).
func httpDechunk(t tvb) (tvb, int) {
	offset := 0
	datalen := t.reportedRemaining(0)
	orig := datalen
	// Text items ("HTTP chunked response", each chunk's subtree) must lie
	// within the data: a body cut short raises there.
	t.ensure(0, datalen)
	var raw []byte
	for datalen > 0 {
		linelen, chunkOffset := findLineEnd(t, offset, -1, true)
		if linelen <= 0 {
			break
		}
		line := cASCII(t.b[offset : offset+linelen])
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		size := uint32(cStrtol(line, 16))
		if size > uint32(datalen) {
			size = uint32(datalen)
		}
		// tvb_memcpy, then the chunk's tree items (data and its CRLF).
		t.ensure(chunkOffset, int(size))
		if len(raw)+int(size) > maxMSPBytes {
			panic(excReported)
		}
		raw = append(raw, t.b[chunkOffset:chunkOffset+int(size)]...)
		t.ensure(offset, chunkOffset-offset+int(size)+2) // the chunk's subtree, CRLF included
		offset = chunkOffset + int(size)
		if size > 0 {
			offset += 2
		}
		datalen = t.reportedRemaining(offset)
		if size == 0 {
			// The trailer: header fields, then the final CRLF.
			trailer := offset
			fieldLen := 0
			trailerLen := 0
			for {
				trailerLen = trailer - offset
				var next int
				fieldLen, next = findLineEnd(t, trailer, datalen-trailerLen, true)
				if fieldLen >= 0 {
					trailer = next
				}
				if fieldLen <= 0 {
					break
				}
			}
			if trailerLen > 0 {
				t.ensure(offset, trailerLen)
				offset += trailerLen
				datalen -= trailerLen
			}
			if fieldLen == 0 {
				datalen -= trailer - offset
			}
			break
		}
	}
	if datalen < orig {
		return newRealTvb(raw), orig - datalen
	}
	return t, orig - datalen
}

// findLineEnd is tvb_find_line_end: the length of the line at off (CR,
// LF or CRLF ends it) within length bytes (-1: the captured rest) and
// where the next line starts. With desegment, a line without an end (or
// ending in a CR that may be followed by LF) gives -1.
func findLineEnd(t tvb, off, length int, desegment bool) (int, int) {
	if length == -1 {
		length = max(t.len()-off, 0)
	}
	if off > t.len() || off < 0 {
		panic(t.errAt(off))
	}
	eob := off + length
	limit := min(length, t.len()-off)
	i := off
	end := off + limit
	for i < end && t.b[i] != '\r' && t.b[i] != '\n' {
		i++
	}
	if i >= end {
		if desegment {
			return -1, 0
		}
		return eob - off, eob
	}
	linelen := i - off
	if t.b[i] == '\r' {
		if i+1 >= eob {
			if desegment {
				return -1, 0
			}
		} else if t.u8(i+1) == '\n' {
			i++
		}
	}
	return linelen, i + 1
}

// ensureRemaining is tvb_ensure_captured_length_remaining: the captured
// bytes from off, raising when there are none.
func ensureRemaining(t tvb, off int) int {
	if off < 0 || off >= t.len() {
		panic(t.errAt(off + 1))
	}
	return t.len() - off
}

// capturedRemaining is tvb_captured_length_remaining (0 past the end).
func capturedRemaining(t tvb, off int) int {
	if off < 0 || off > t.len() {
		return 0
	}
	return t.len() - off
}

// tvbStrncaseeql compares the captured bytes at off (negative: from the
// end) with s, ignoring ASCII case; false when they are not there.
func tvbStrncaseeql(t tvb, off int, s string) bool {
	if off < 0 {
		off += t.len()
		if off < 0 {
			return false
		}
	}
	if !t.has(off, len(s)) {
		return false
	}
	return asciiEqualFold(t.b[off:off+len(s)], s)
}

func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if lowerASCII(b[i]) != lowerASCII(s[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// isCSpace is g_ascii_isspace.
func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func trimCSpace(b []byte) []byte {
	for len(b) > 0 && isCSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isCSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// cString cuts b at its first NUL, as C string functions see it.
func cString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// cASCII is tvb_get_string_enc(ENC_ASCII) seen as a C string: bytes above
// 0x7f become U+FFFD, which stops any number parse just as well.
func cASCII(b []byte) []byte {
	return cString(b)
}

func hexDigit(c byte) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10, true
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10, true
	}
	return 0, false
}

// cStrtoll is g_ascii_strtoll/strtoll: leading space, a sign, digits (a
// 0x prefix for base 16). end is 0 when nothing was converted; ok is false
// on overflow (the value is then clamped).
func cStrtoll(b []byte, base int) (v int64, end int, ok bool) {
	u, neg, end, over := cStrtoRaw(b, base)
	switch {
	case neg && (over || u > 1<<63):
		return -1 << 63, end, false
	case !neg && (over || u > 1<<63-1):
		return 1<<63 - 1, end, false
	case neg:
		return -int64(u), end, true
	}
	return int64(u), end, true
}

// cStrtol is strtol on a 64-bit system.
func cStrtol(b []byte, base int) int64 {
	v, _, _ := cStrtoll(b, base)
	return v
}

// cStrtoul is strtoul on a 64-bit system (a minus sign negates modulo 2^64).
func cStrtoul(b []byte, base int) uint64 {
	u, neg, _, over := cStrtoRaw(b, base)
	if over {
		return ^uint64(0)
	}
	if neg {
		return -u
	}
	return u
}

// cScanfHex is sscanf(s, "%x", &u32): false when no digit is read.
func cScanfHex(b []byte) (uint32, bool) {
	u := cStrtoul(b, 16)
	if _, _, end, _ := cStrtoRaw(b, 16); end == 0 {
		return 0, false
	}
	return uint32(u), true
}

// cStrtoRaw parses an optionally signed number's magnitude; over is set
// when it does not fit 64 bits.
func cStrtoRaw(b []byte, base int) (u uint64, neg bool, end int, over bool) {
	i := 0
	for i < len(b) && isCSpace(b[i]) {
		i++
	}
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	if base == 16 && i+2 < len(b) && b[i] == '0' && (b[i+1] == 'x' || b[i+1] == 'X') {
		if _, ok := hexDigit(b[i+2]); ok {
			i += 2
		}
	}
	start := i
	for i < len(b) {
		d, ok := hexDigit(b[i])
		if !ok || d >= base {
			break
		}
		if !over {
			if u > (^uint64(0)-uint64(d))/uint64(base) {
				over = true
			} else {
				u = u*uint64(base) + uint64(d)
			}
		}
		i++
	}
	if i == start {
		return 0, false, 0, false
	}
	return u, neg, i, over
}
