package decode

import (
	"bytes"
	"compress/flate"
	"io"
	"sync"
)

// Entity bodies by media type, as Wireshark's "media_type" dissector
// table and the dissectors registered in it write their columns: most
// append " (type)" to Info, JSON adds "/JSON" to Protocol, XML "/XML",
// images name their format, message/rfc822 is shown through IMF.

// mediaInfo is what a media dissector is told about the body: the type it
// was found by (pinfo->match_string) and the type's parameters.
type mediaInfo struct {
	match  string
	params []byte
	// httpType is the kind of HTTP message the body belongs to.
	httpType httpType
}

// mediaDissector dissects a body; 0 means it rejected it.
type mediaDissector func(p *packet, t tvb, mi *mediaInfo) int

// mediaTypes is the "media_type" table (keys lower case: the table
// ignores case).
var mediaTypes = map[string]mediaDissector{}

func registerMediaType(fn mediaDissector, types ...string) {
	for _, ty := range types {
		mediaTypes[ty] = fn
	}
}

func init() {
	registerMediaType(dissectTextLines,
		"text/plain", "text/richtext", "text/enriched", "text/parameters", "text/html",
		"text/xml-external-parsed-entity", "text/css", "application/xml-external-parsed-entity",
		"text/javascript", "application/x-javascript", "application/x-tia-p25-issi",
		"application/x-tia-p25-sndcp", "application/x-ns-proxy-autoconfig",
		"text/vnd.sun.j2me.app-descriptor", "application/vnd.poc.refer-to",
		"application/vnd.drm.message", "application/x-rtsp-udp-packetpair")
	registerMediaType(dissectJSONMedia,
		"application/json", "application/json-patch+json", "application/json-rpc",
		"application/jsonrequest", "application/merge-patch+json", "application/problem+json",
		"application/senml+json", "application/sensml+json", "application/vnd.oma.lwm2m+json",
		"application/x-ndjson", "application/dds-web+json")
	registerMediaType(dissectXMLMedia, xmlMediaTypes...)
	registerMediaType(dissectXMLMedia, "application/mediaservercontrol+xml")
	registerMediaType(dissectPNG, "image/png")
	registerMediaType(dissectGIF, "image/gif")
	registerMediaType(dissectJFIF, "image/jfif", "image/jpeg", "image/jpg")
	registerMediaType(dissectURLEncoded, "application/x-www-form-urlencoded")
	registerMediaType(dissectMessageHTTP, "message/http")
	registerMediaType(dissectIMFMedia, "message/rfc822")
	registerMediaType(dissectMultipart,
		"multipart/mixed", "multipart/related", "multipart/alternative", "multipart/form-data",
		"multipart/report", "multipart/signed", "multipart/encrypted", "multipart/byteranges", "multipart/")
	// Dissectors that take the body without writing any column.
	registerMediaType(dissectSilentMedia, "application/octet-stream")
	registerMediaType(dissectBERMedia, "application/pkcs7-mime", "application/pkcs7-signature", "application/pkcs10")
	registerMediaType(dissectPKIXCert, "application/pkix-cert")
	registerMediaType(dissectPKIXCRL, "application/pkix-crl")
	registerMediaType(dissectPKIXTSPQuery, "application/timestamp-query")
	registerMediaType(dissectPKIXTSPReply, "application/timestamp-reply")
}

// dissectPKIXCert is the application/pkix-cert dissector: it names its
// type whatever it was looked up by.
func dissectPKIXCert(p *packet, t tvb, mi *mediaInfo) int {
	p.appendInfoSep(" ", "(application/pkix-cert)")
	berFirstElement(t)
	return max(t.len(), 1)
}

// dissectBERMedia takes a BER-encoded body (CMS, PKCS #10) without
// writing any column.
func dissectBERMedia(p *packet, t tvb, mi *mediaInfo) int {
	berFirstElement(t)
	return max(t.len(), 1)
}

// berFirstElement reads the identifier and length of the body's first
// BER element and checks that its contents are there: the ASN.1
// dissectors raise when a body's outer element runs past the data.
func berFirstElement(t tvb) {
	off := 0
	if t.u8(off)&0x1f == 0x1f { // high tag number form
		off++
		for n := 0; t.u8(off)&0x80 != 0; n++ {
			if n > 4 {
				return
			}
			off++
		}
	}
	off++
	l := t.u8(off)
	off++
	length := int(l)
	if l&0x80 != 0 {
		n := int(l & 0x7f)
		if n == 0 || n > 4 {
			return // indefinite, or more than Wireshark reads
		}
		length = 0
		for range n {
			length = length<<8 | int(t.u8(off))
			off++
		}
	}
	t.ensure(off, length)
}

// dissectPKIXCRL replaces the columns for a certificate revocation list.
func dissectPKIXCRL(p *packet, t tvb, mi *mediaInfo) int {
	p.setProto("PKIX-CRL")
	p.setInfo("Certificate Revocation List")
	berFirstElement(t)
	return max(t.len(), 1)
}

// dissectPKIXTSPQuery and dissectPKIXTSPReply are RFC 3161 time-stamp
// requests and responses.
func dissectPKIXTSPQuery(p *packet, t tvb, mi *mediaInfo) int {
	p.setProto("PKIXTSP")
	p.setInfo("Query")
	berFirstElement(t)
	return max(t.len(), 1)
}

func dissectPKIXTSPReply(p *packet, t tvb, mi *mediaInfo) int {
	p.setProto("PKIXTSP")
	p.setInfo("Reply")
	berFirstElement(t)
	return max(t.len(), 1)
}

// xmlRootNames are the media types whose DTD names the XML root protocol,
// shown instead of "XML" in the Protocol column.
var xmlRootNames = map[string]string{
	"application/mediaservercontrol+xml": "/MSCML",
	"application/cpim-pidf+xml":          "/PRESENCE",
	"application/smil":                   "/SMIL",
}

var xmlMediaTypes = []string{
	"text/xml", "text/vnd.wap.wml", "text/vnd.wap.si", "text/vnd.wap.sl", "text/vnd.wap.co",
	"text/vnd.wap.emn", "application/3gpp-ims+xml", "application/atom+xml",
	"application/auth-policy+xml", "application/ccmp+xml", "application/conference-info+xml",
	"application/cpim-pidf+xml", "application/cpl+xml", "application/dds-web+xml",
	"application/im-iscomposing+xml", "application/load-control+xml", "application/mathml+xml",
	"application/media_control+xml", "application/note+xml", "application/pidf+xml",
	"application/pidf-diff+xml", "application/poc-settings+xml", "application/rdf+xml",
	"application/reginfo+xml", "application/resource-lists+xml", "application/rlmi+xml",
	"application/rls-services+xml", "application/rss+xml", "application/rs-metadata+xml",
	"application/smil", "application/simple-filter+xml",
	"application/simple-message-summary+xml", "application/simservs+xml",
	"application/soap+xml", "application/vnd.etsi.aoc+xml", "application/vnd.etsi.cug+xml",
	"application/vnd.etsi.iptvcommand+xml", "application/vnd.etsi.iptvdiscovery+xml",
	"application/vnd.etsi.iptvprofile+xml", "application/vnd.etsi.iptvsad-bc+xml",
	"application/vnd.etsi.iptvsad-cod+xml", "application/vnd.etsi.iptvsad-npvr+xml",
	"application/vnd.etsi.iptvservice+xml", "application/vnd.etsi.iptvsync+xml",
	"application/vnd.etsi.iptvueprofile+xml", "application/vnd.etsi.mcid+xml",
	"application/vnd.etsi.overload-control-policy-dataset+xml", "application/vnd.etsi.pstn+xml",
	"application/vnd.etsi.sci+xml", "application/vnd.etsi.simservs+xml",
	"application/vnd.etsi.tsl+xml", "application/vnd.oma.xdm-apd+xml",
	"application/vnd.oma.fnl+xml", "application/vnd.oma.access-permissions-list+xml",
	"application/vnd.oma.alias-principals-list+xml", "application/upp-directory+xml",
	"application/vnd.oma.xdm-hi+xml", "application/vnd.oma.xdm-rhi+xml",
	"application/vnd.oma.xdm-prefs+xml", "application/vnd.oma.xdcp+xml",
	"application/vnd.oma.bcast.associated-procedure-parameter+xml",
	"application/vnd.oma.bcast.drm-trigger+xml", "application/vnd.oma.bcast.imd+xml",
	"application/vnd.oma.bcast.notification+xml", "application/vnd.oma.bcast.sgdd+xml",
	"application/vnd.oma.bcast.smartcard-trigger+xml", "application/vnd.oma.bcast.sprov+xml",
	"application/vnd.oma.cab-address-book+xml", "application/vnd.oma.cab-feature-handler+xml",
	"application/vnd.oma.cab-pcc+xml", "application/vnd.oma.cab-subs-invite+xml",
	"application/vnd.oma.cab-user-prefs+xml", "application/vnd.oma.dd2+xml",
	"application/vnd.oma.drm.risd+xml", "application/vnd.oma.group-usage-list+xml",
	"application/vnd.oma.pal+xml", "application/vnd.oma.poc.detailed-progress-report+xml",
	"application/vnd.oma.poc.final-report+xml", "application/vnd.oma.poc.groups+xml",
	"application/vnd.oma.poc.invocation-descriptor+xml",
	"application/vnd.oma.poc.optimized-progress-report+xml",
	"application/vnd.oma.scidm.messages+xml", "application/vnd.oma.suppnot+xml",
	"application/vnd.oma.xcap-directory+xml", "application/vnd.omads-email+xml",
	"application/vnd.omads-file+xml", "application/vnd.omads-folder+xml",
	"application/vnd.3gpp.access-transfer-events+xml", "application/vnd.3gpp.bsf+xml",
	"application/vnd.3gpp.comm-div-info+xml", "application/vnd.3gpp.cw+xml",
	"application/vnd.3gpp.iut+xml", "application/vnc.3gpp.iut-config+xml",
	"application/vnd.3gpp.mcptt-info+xml", "application/vnd.3gpp.mcptt-mbms-usage-info+xml",
	"application/vnd.3gpp.mcptt-location-info+xml",
	"application/vnd.3gpp.mcptt-affiliation-command+xml",
	"application/vnd.3gpp.mcptt-floor-request+xml", "application/vnd.3gpp.mcptt-signed+xml",
	"application/vnd.3gpp.mcptt-regroup+xml", "application/vnd.3gpp.mcdata-info+xml",
	"application/vnd.3gpp.mcdata-mbms-usage-info+xml",
	"application/vnd.3gpp.mcdata-location-info+xml",
	"application/vnd.3gpp.mcdata-affiliation-command+xml",
	"application/vnd.3gpp.mcdata-regroup+xml", "application/vnd.3gpp.mcvideo-info+xml",
	"application/vnd.3gpp.mcvideo-mbms-usage-info+xml",
	"application/vnd.3gpp.mcvideo-location-info+xml",
	"application/vnd.3gpp.mcvideo-affiliation-command+xml",
	"application/vnd.3gpp.transmission-request+xml",
	"application/vnd.3gpp.mcptt-ue-init-config+xml", "application/vnd.3gpp.mcptt-ue-config+xml",
	"application/vnd.3gpp.mcptt-user-profile+xml", "application/vnd.3gpp.mcptt-service-config+xml",
	"application/vnd.3gpp.mcdata-service-config+xml",
	"application/vnd.3gpp.mcvideo-service-config+xml",
	"application/vnd.3gpp.mcvideo-ue-config+xml", "application/vnd.3gpp.mcvideo-user-profile+xml",
	"application/vnd.3gpp.mcdata-ue-config+xml", "application/vnd.3gpp.mcdata-user-profile+xml",
	"application/vnd.3gpp.mid-call+xml", "application/vnd.3gpp-prose-pc3ch+xml",
	"application/vnd.3gpp-prose+xml", "application/vnd.3gpp.replication+xml",
	"application/vnd.3gpp.sms+xml", "application/vnd.3gpp.srvcc-info+xml",
	"application/vnd.3gpp.srvcc-ext+xml", "application/vnd.3gpp.state-and-event-info+xml",
	"application/vnd.3gpp.ussd+xml", "application/vnd.3gpp2.bcmcsinfo+xml",
	"application/vnd.wv.csp+xml", "application/vnd.wv.csp.xml", "application/watcherinfo+xml",
	"application/xcap-att+xml", "application/xcap-caps+xml", "application/xcap-diff+xml",
	"application/xcap-el+xml", "application/xcap-error+xml", "application/xcap-ns+xml",
	"application/xml", "application/xml-dtd", "application/xpidf+xml", "application/xslt+xml",
	"application/x-crd+xml", "application/x-wms-logconnectstats", "application/x-wms-logplaystats",
	"application/x-wms-sendevent", "image/svg+xml", "message/imdn+xml",
}

// lookupMediaType finds the dissector of a media type, ignoring case.
func lookupMediaType(ty string) mediaDissector {
	if fn, ok := mediaTypes[ty]; ok {
		return fn
	}
	var buf [64]byte
	if len(ty) <= len(buf) {
		low := buf[:0]
		for i := 0; i < len(ty); i++ {
			low = append(low, lowerASCII(ty[i]))
		}
		return mediaTypes[string(low)]
	}
	return mediaTypes[string(bytes.ToLower([]byte(ty)))]
}

// dissectMediaBody is what HTTP (and multipart) do with a body: the media
// type's dissector, then the body heuristics, then the generic media
// dissector (" (type)") when there was a Content-Type at all.
func dissectMediaBody(p *packet, body tvb, ct string, haveCT bool, params []byte, http bool, typ httpType) {
	mi := mediaInfo{match: ct, params: params, httpType: typ}
	var fn mediaDissector
	if haveCT {
		fn = lookupMediaType(ct)
		if fn == nil && len(ct) >= 10 && ct[:10] == "multipart/" {
			fn = dissectMultipart
		}
	}
	if fn == nil && http && p.matchPort == 631 {
		fn = dissectIPP // "http.port": IPP asked HTTP for its port
	}
	if fn != nil && fn(p, body, &mi) != 0 {
		return
	}
	if http && httpBodyHeuristics(p, body) {
		return
	}
	if haveCT {
		dissectDefaultMedia(p, body, &mi)
	}
}

// httpBodyHeuristics is HTTP's heuristic list for bodies, in tshark's
// order: PNG, JFIF and GIF files are recognised by their signatures.
func httpBodyHeuristics(p *packet, t tvb) bool {
	mi := mediaInfo{}
	return dissectPNG(p, t, &mi) > 0 || dissectJFIF(p, t, &mi) > 0 || dissectGIF(p, t, &mi) > 0
}

// dissectDefaultMedia is the "media" dissector: " (type)".
func dissectDefaultMedia(p *packet, t tvb, mi *mediaInfo) int {
	if !p.readOnly {
		p.info.appendStr(" (")
		p.info.appendStr(mi.match)
		p.info.appendStr(")")
	}
	return max(t.reported, 1)
}

func dissectSilentMedia(p *packet, t tvb, mi *mediaInfo) int { return max(t.len(), 1) }

// mediaDataName is the name text-like dissectors show: the match string,
// else the type's parameters.
func mediaDataName(mi *mediaInfo) (string, []byte, bool) {
	if mi == nil {
		return "", nil, false
	}
	if mi.match != "" {
		return mi.match, nil, true
	}
	if len(mi.params) > 0 {
		return "", mi.params, true
	}
	return "", nil, false
}

// appendMediaName appends " (name)" with col_append_sep's blank.
func appendMediaName(p *packet, mi *mediaInfo) {
	name, params, ok := mediaDataName(mi)
	if !ok || p.readOnly {
		return
	}
	if len(p.info.buf) > 0 {
		p.info.appendStr(" ")
	}
	p.info.appendStr("(")
	if params != nil {
		p.info.appendBytes(params)
	} else {
		p.info.appendStr(name)
	}
	p.info.appendStr(")")
}

// dissectTextLines is "data-text-lines": text longer than 38 bytes that
// starts with "<?xml" is XML; otherwise " (type)".
func dissectTextLines(p *packet, t tvb, mi *mediaInfo) int {
	length := t.len()
	if length > 38 && tvbStrncaseeql(t, 0, "<?xml") {
		match := ""
		if mi != nil {
			match = mi.match
		}
		dissectXML(p, t, match)
		return length
	}
	appendMediaName(p, mi)
	return length
}

// dissectJSONMedia is the JSON dissector under another protocol:
// "/JSON", ", JavaScript Object Notation" and " (type)".
func dissectJSONMedia(p *packet, t tvb, mi *mediaInfo) int {
	p.appendProtoSep("/", "JSON")
	p.appendInfoSep(", ", "JavaScript Object Notation")
	appendMediaName(p, mi)
	return t.len()
}

func dissectXMLMedia(p *packet, t tvb, mi *mediaInfo) int {
	dissectXML(p, t, mi.match)
	return t.len()
}

// dissectXML appends "/XML" (or the DTD's root name) to Protocol.
func dissectXML(p *packet, t tvb, match string) {
	name, ok := xmlRootNames[match]
	if !ok {
		name = "/XML"
	}
	p.appendProto(name)
}

// appendProto appends to the Protocol column (col_append_str).
func (p *packet) appendProto(s string) {
	if !p.readOnly && !p.protoReadOnly {
		p.proto.appendStr(s)
	}
}

// appendProtoSep is col_append_sep_str on the Protocol column.
func (p *packet) appendProtoSep(sep, s string) {
	if !p.readOnly && !p.protoReadOnly {
		p.proto.appendSep(sep, s)
	}
}

func dissectURLEncoded(p *packet, t tvb, mi *mediaInfo) int {
	appendMediaName(p, mi)
	return max(t.len(), 1)
}

func dissectMessageHTTP(p *packet, t tvb, mi *mediaInfo) int {
	p.appendInfo(" (message/http)")
	return max(t.len(), 1)
}

func dissectIMFMedia(p *packet, t tvb, mi *mediaInfo) int {
	dissectIMF(p, t)
	return max(t.len(), 1)
}

// pngSignature starts every PNG file.
var pngSignature = []byte{137, 80, 78, 71, 13, 10, 26, 10}

// dissectPNG is dissect_png: " (PNG)", then the chunks, whose tree items
// raise when a chunk runs past the data.
func dissectPNG(p *packet, t tvb, mi *mediaInfo) int {
	if t.len() < 20 || !bytes.Equal(t.b[:8], pngSignature) {
		return 0
	}
	p.appendInfo(" (PNG)")
	offset := 8
	for t.reportedRemaining(offset) > 0 {
		length := t.u32(offset)
		ty := t.u32(offset + 4)
		// The chunk's subtree covers length, type, data and CRC.
		if total := int32(length + 12); total < 0 {
			panic(excReported)
		} else {
			t.ensure(offset, int(total))
		}
		offset += 4
		if length > 1<<31-1 {
			return offset
		}
		offset += 4
		chunk := t.subLen(offset, int(length))
		switch ty {
		case 0x49484452: // IHDR
			chunk.ensure(0, 13)
		case 0x624b4744: // bKGD
			switch chunk.reported {
			case 1:
				chunk.ensure(0, 1)
			case 2:
				chunk.ensure(0, 2)
			case 6:
				chunk.ensure(0, 6)
			}
		case 0x6348524d: // cHRM
			chunk.ensure(0, 32)
		case 0x67414d41: // gAMA
			chunk.ensure(0, 4)
		case 0x70485973: // pHYs
			chunk.ensure(0, 9)
		case 0x73524742: // sRGB
			chunk.ensure(0, 1)
		case 0x74494d45: // tIME
			chunk.ensure(0, 7)
		case 0x74455874: // tEXt
		default:
			if length > 0 {
				t.ensure(offset, int(length))
			}
		}
		offset += int(length)
		t.ensure(offset, 4) // CRC
		offset += 4
	}
	return offset
}

// dissectGIF is dissect_gif: " (GIF87a)" or " (GIF89a)".
func dissectGIF(p *packet, t tvb, mi *mediaInfo) int {
	if t.reported < 20 || !t.has(0, 6) {
		return 0
	}
	v := string(t.b[:6])
	if v != "GIF87a" && v != "GIF89a" {
		return 0
	}
	p.appendInfo(" (" + v + ")")
	return gifBlocks(t, v == "GIF89a")
}

// gifBlocks walks a GIF's descriptors and blocks as dissect_gif reads
// them, so that a short image raises where tshark's does; it returns the
// offset reached.
func gifBlocks(t tvb, gif89 bool) int {
	offset := 6
	t.ensure(offset, 4) // screen width and height
	offset += 4
	flags := t.u8(offset)
	offset++
	t.u8(offset) // background color
	offset++
	if gif89 {
		t.u8(offset) // pixel aspect ratio
	}
	offset++
	if flags&0x80 != 0 {
		n := 3 * (1 << (1 + flags&0x07))
		t.ensure(offset, n)
		offset += n
	}
	for t.reportedRemaining(offset) > 0 {
		switch t.u8(offset) {
		case 0x21: // extension
			t.u8(offset + 1)
			offset += 2
			offset += gifDataBlocks(t, offset)
		case 0x2c: // image descriptor
			t.ensure(offset+1, 8)
			offset += 9
			local := t.u8(offset)
			offset++
			if local&0x80 != 0 {
				n := 3 * (1 << (1 + local&0x07))
				t.ensure(offset, n)
				offset += n
			}
			t.u8(offset) // LZW code size
			offset++
			offset += gifDataBlocks(t, offset)
		case 0x3b: // trailer
			return offset + 1
		default:
			offset++
		}
	}
	return offset
}

// gifDataBlocks skips a sequence of data sub-blocks, up to and including
// the empty one, reading each length byte.
func gifDataBlocks(t tvb, offset int) int {
	start := offset
	for {
		n := int(t.u8(offset))
		offset += 1 + n
		if n == 0 {
			return offset - start
		}
	}
}

// dissectJFIF is dissect_jfif: a JPEG whose first segment says "JFIF"
// or "Exif".
func dissectJFIF(p *packet, t tvb, mi *mediaInfo) int {
	if t.reported < 20 {
		return 0
	}
	if t.u16(0) != 0xffd8 {
		return 0
	}
	if !(t.has(6, 5) && (string(t.b[6:11]) == "Exif\x00" || string(t.b[6:11]) == "JFIF\x00")) {
		return 0
	}
	p.appendInfoSep(" ", "(JPEG JFIF image)")
	return t.len()
}

// Limits on content decoding: tvb_uncompress grows its output without a
// bound; ours stops at maxUncompressed.
const (
	zlibMinBuf      = 32768
	zlibMaxBuf      = 10 << 20
	maxUncompressed = 32 << 20
)

// zlibUncompress is tvb_uncompress: zlib, gzip (header skipped, trailer
// ignored) or raw deflate data. Data that stops early gives what could be
// decompressed; false when nothing could.
func zlibUncompress(b []byte) ([]byte, bool) {
	return zlibUncompressTo(nil, b)
}

// zlibUncompressTo is zlibUncompress appending to dst.
func zlibUncompressTo(dst, b []byte) ([]byte, bool) {
	if len(b) < 2 {
		return nil, false
	}
	cmf, flg := b[0], b[1]
	if cmf&0x0f == 8 && cmf>>4 <= 7 && (uint(cmf)<<8|uint(flg))%31 == 0 {
		if flg&0x20 != 0 {
			return nil, false // a preset dictionary is needed
		}
		return inflateRaw(dst, b[2:], len(b))
	}
	data := b
	if cmf == 0x1f && flg == 0x8b {
		if len(b) < 10 || b[2] != 8 {
			return nil, false
		}
		flags := b[3]
		c := 10
		if flags&(1<<2) != 0 {
			xsize := 0
			if c < len(b) {
				xsize += int(b[c])
				c++
			}
			if c < len(b) {
				xsize += int(b[c]) << 8
				c++
			}
			c += xsize
		}
		for _, bit := range [...]byte{1 << 3, 1 << 4} {
			if flags&bit != 0 {
				for c < len(b) && b[c] != 0 {
					c++
				}
				c++
			}
		}
		if c > len(b) {
			return nil, false
		}
		data = b[c:]
	}
	return inflateRaw(dst, data, len(b))
}

// inflaters keeps flate readers (each holds a 32 KiB window) for reuse.
var inflaters sync.Pool

// inflateRaw decompresses a raw deflate stream as zlib's inflate with
// Z_SYNC_FLUSH passes would, appending to dst.
func inflateRaw(dst, data []byte, inLen int) ([]byte, bool) {
	bufsiz := min(max(inLen*2, zlibMinBuf), zlibMaxBuf)
	src := bytes.NewReader(data)
	r, _ := inflaters.Get().(io.ReadCloser)
	if r == nil {
		r = flate.NewReader(src)
	} else if r.(flate.Resetter).Reset(src, nil) != nil {
		r = flate.NewReader(src)
	}
	defer inflaters.Put(r)
	out := bytes.NewBuffer(dst)
	start := len(dst)
	_, err := io.Copy(out, io.LimitReader(r, maxUncompressed))
	n := out.Len() - start
	switch err {
	case nil:
		return out.Bytes(), true
	case io.ErrUnexpectedEOF:
		return out.Bytes(), n > 0
	}
	// Corrupt data: only the passes that filled a whole buffer survive.
	keep := n / bufsiz * bufsiz
	if keep == 0 {
		return dst, false
	}
	return out.Bytes()[:start+keep], true
}
