package decode

import "bytes"

// XMPP, as packet-xmpp.c shows it (Protocol "XMPP/XML", the XML dissector
// adding "/XML"): one word per top-level element of the segment (STREAM,
// FEATURES, STARTTLS, PROCEED, IQ(type) with its children, MESSAGE,
// PRESENCE, ...), the last element's text winning, followed by "> to " for
// what the client sends or "< from " for what it receives.

// Most XML elements read per segment; deeper documents are cut there.
const xmppMaxElements = 1024

func init() {
	registerTCPPort(dissectXMPP, 5222)
}

// xmppAttr is one attribute as written: name and raw value.
type xmppAttr struct {
	name, value []byte
}

// xmppElement is an element of the segment's XML, as packet-xml.c builds
// its frames: the name without namespace prefix, attributes, children.
type xmppElement struct {
	name     []byte
	attrs    []xmppAttr
	children []int
}

func (e *xmppElement) attr(name string) ([]byte, bool) {
	for _, a := range e.attrs {
		if string(a.name) == name {
			return a.value, true
		}
	}
	return nil, false
}

// dissectXMPP is dissect_xmpp.
func dissectXMPP(p *packet, t tvb) int {
	keepalive := t.reported == 1 && t.u8(0) == ' '
	if p.canDesegment != 0 && !keepalive && t.reported > 0 {
		i := t.reported - 1
		c := t.u8(i)
		for c <= ' ' && i-1 >= 0 {
			i--
			c = t.u8(i)
		}
		if c != '>' {
			p.desegmentOffset = 0
			p.desegmentLen = desegmentOneMoreSegment
			return t.len()
		}
	}
	p.setProto("XMPP")
	p.clearInfo()
	if keepalive {
		p.setInfo("Whitespace Keepalive")
		return t.len()
	}
	if !p.readOnly && !p.protoReadOnly {
		p.proto.appendStr("/XML")
	}
	if xmppStreamEnd(t.b) {
		p.setInfo("STREAM END")
		return t.len()
	}
	elems, top := xmppParse(t.b)
	out := p.matchPort == p.dstPort
	for _, i := range top {
		e := &elems[i]
		switch string(e.name) {
		case "iq":
			typ, _ := e.attr("type")
			p.setInfo("IQ(")
			p.appendInfoBytes(xmppCString(typ))
			p.appendInfo(") ")
			xmppIQChildren(p, elems, e)
		case "presence":
			p.setInfo("PRESENCE ")
		case "message":
			p.setInfo("MESSAGE ")
		case "auth":
			p.setInfo("AUTH")
		case "challenge":
			p.setInfo("CHALLENGE")
		case "response":
			p.setInfo("RESPONSE")
		case "success":
			p.setInfo("SUCCESS")
		case "failure":
			p.setInfo("FAILURE ")
		case "xml":
			p.setInfo("XML ")
		case "stream":
			p.setInfo("STREAM ")
		case "features":
			p.setInfo("FEATURES ")
		case "starttls":
			p.setInfo("STARTTLS ")
		case "proceed":
			p.setInfo("PROCEED ")
			textStartTLS(p, "xmpp", false)
		default:
			p.setInfo("UNKNOWN PACKET ")
		}
		if out {
			if to, ok := e.attr("to"); ok {
				p.appendInfo("> ")
				p.appendInfoBytes(xmppCString(to))
				p.appendInfo(" ")
			}
		} else if from, ok := e.attr("from"); ok {
			p.appendInfo("< ")
			p.appendInfoBytes(xmppCString(from))
			p.appendInfo(" ")
		}
	}
	return t.len()
}

func xmppCString(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

// xmppIQChild is one entry of xmpp_iq's table of known children: the
// element name, the xmlns it must carry ("" for any) and its Info text
// (with %s standing for the attribute named in arg).
type xmppIQChild struct {
	name, xmlns, text, arg string
}

var xmppIQChildren0 = [...]xmppIQChild{
	{name: "query", xmlns: "http://jabber.org/protocol/disco#items", text: "QUERY(disco#items) "},
	{name: "query", xmlns: "jabber:iq:roster", text: "QUERY(jabber:iq:roster) "},
	{name: "query", xmlns: "http://jabber.org/protocol/disco#info", text: "QUERY(disco#info) "},
	{name: "query", xmlns: "http://jabber.org/protocol/bytestreams", text: "QUERY(bytestreams) "},
	{name: "query", xmlns: "http://jabber.org/protocol/muc#owner", text: "QUERY(muc#owner) "},
	{name: "query", xmlns: "http://jabber.org/protocol/muc#admin", text: "QUERY(muc#admin) "},
	{name: "bind", text: "BIND "},
	{name: "session", xmlns: "urn:ietf:params:xml:ns:xmpp-session", text: "SESSION "},
	{name: "vCard", text: "VCARD "},
	{name: "jingle", text: "JINGLE(%s) ", arg: "action"},
	{name: "services", xmlns: "http://jabber.org/protocol/jinglenodes", text: "SERVICES "},
	{name: "channel", xmlns: "http://jabber.org/protocol/jinglenodes#channel"},
	{name: "open", xmlns: "http://jabber.org/protocol/ibb", text: "IBB-OPEN "},
	{name: "close", xmlns: "http://jabber.org/protocol/ibb", text: "IBB-CLOSE "},
	{name: "data", xmlns: "http://jabber.org/protocol/ibb", text: "IBB-DATA "},
	{name: "si", text: "SI "},
	{name: "error"},
	{name: "session", xmlns: "http://www.google.com/session", text: "GTALK-SESSION(%s) ", arg: "type"},
	{name: "query", xmlns: "google:jingleinfo", text: "QUERY(google:jingleinfo) "},
	{name: "usersetting", xmlns: "google:setting"},
	{name: "query", xmlns: "jabber:iq:last", text: "QUERY(jabber:iq:last) "},
	{name: "query", xmlns: "jabber:iq:version", text: "QUERY(jabber:iq:version) "},
	{name: "query", xmlns: "google:mail:notify", text: "QUERY(google:mail:notify) "},
	{name: "mailbox", text: "MAILBOX "},
	{name: "new-mail", text: "NEW-MAIL "},
	{name: "query", xmlns: "google:shared-status", text: "QUERY(google:shared-status) "},
	{name: "conference-info", text: "CONFERENC-INFO "},
	{name: "ping", xmlns: "urn:xmpp:ping", text: "PING "},
	{name: "inputevt", xmlns: "http://jitsi.org/protocol/inputevt"},
}

// xmppIQChildren is xmpp_display_elems for an iq, then xmpp_unknown: the
// known children in the table's order (the first match of each entry),
// then every child not read, upper-cased.
func xmppIQChildren(p *packet, elems []xmppElement, iq *xmppElement) {
	var read [64]bool
	children := iq.children
	if len(children) > len(read) {
		children = children[:len(read)]
	}
	for _, k := range xmppIQChildren0 {
		for ci, c := range children {
			e := &elems[c]
			if read[ci] || string(e.name) != k.name {
				continue
			}
			if k.xmlns != "" {
				if v, ok := e.attr("xmlns"); !ok || string(v) != k.xmlns {
					continue
				}
			}
			read[ci] = true
			if k.arg != "" {
				v, _ := e.attr(k.arg)
				pre, post, _ := bytes.Cut([]byte(k.text), []byte("%s"))
				p.appendInfoBytes(pre)
				p.appendInfoBytes(xmppCString(v))
				p.appendInfoBytes(post)
			} else {
				p.appendInfo(k.text)
			}
			break
		}
	}
	for ci, c := range children {
		if !read[ci] {
			p.appendInfoBytes(bytes.ToUpper(elems[c].name))
			p.appendInfo(" ")
		}
	}
}

// xmppStreamEnd is xmpp_stream_close: the segment starts (after blanks)
// with an end tag "</name>" or "</ns:name>".
func xmppStreamEnd(b []byte) bool {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	if !bytes.HasPrefix(b[i:], []byte("</")) {
		return false
	}
	i += 2
	n := xmppNameLen(b[i:])
	if n == 0 {
		return false
	}
	i += n
	if i < len(b) && b[i] == ':' {
		if m := xmppNameLen(b[i+1:]); m > 0 {
			i += 1 + m
		}
	}
	return i < len(b) && b[i] == '>'
}

func xmppNameLen(b []byte) int {
	n := 0
	for n < len(b) {
		c := b[n]
		if (c|0x20) >= 'a' && (c|0x20) <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			n++
			continue
		}
		break
	}
	return n
}

// xmppParse reads the segment's XML into elements and returns the
// top-level ones (processing instructions count, as "xml").
func xmppParse(b []byte) ([]xmppElement, []int) {
	var elems []xmppElement
	var top []int
	var stack []int
	i := 0
	for i < len(b) && len(elems) < xmppMaxElements {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			break
		}
		i += lt + 1
		if i >= len(b) {
			break
		}
		switch {
		case b[i] == '/':
			end := bytes.IndexByte(b[i:], '>')
			if end < 0 {
				return elems, top
			}
			i += end + 1
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		case bytes.HasPrefix(b[i:], []byte("!--")):
			end := bytes.Index(b[i:], []byte("-->"))
			if end < 0 {
				return elems, top
			}
			i += end + 3
			continue
		case b[i] == '!':
			end := bytes.IndexByte(b[i:], '>')
			if end < 0 {
				return elems, top
			}
			i += end + 1
			continue
		}
		pi := b[i] == '?'
		if pi {
			i++
		}
		n := xmppNameLen(b[i:])
		if n == 0 {
			return elems, top
		}
		name := b[i : i+n]
		i += n
		if i < len(b) && b[i] == ':' {
			if m := xmppNameLen(b[i+1:]); m > 0 {
				name = b[i+1 : i+1+m]
				i += 1 + m
			}
		}
		e := xmppElement{name: name}
		closed := pi
		for {
			for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
				i++
			}
			if i >= len(b) {
				return elems, top
			}
			if b[i] == '>' {
				i++
				break
			}
			if b[i] == '/' || b[i] == '?' {
				closed = true
				i++
				continue
			}
			an := xmppNameLen(b[i:])
			if an == 0 {
				return elems, top
			}
			aname := b[i : i+an]
			i += an
			if i < len(b) && b[i] == ':' {
				if m := xmppNameLen(b[i+1:]); m > 0 {
					aname = b[i-an : i+1+m]
					i += 1 + m
				}
			}
			for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
				i++
			}
			if i >= len(b) || b[i] != '=' {
				return elems, top
			}
			i++
			for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
				i++
			}
			if i >= len(b) || (b[i] != '"' && b[i] != '\'') {
				return elems, top
			}
			q := b[i]
			end := bytes.IndexByte(b[i+1:], q)
			if end < 0 {
				return elems, top
			}
			if len(e.attrs) < 64 {
				e.attrs = append(e.attrs, xmppAttr{name: aname, value: b[i+1 : i+1+end]})
			}
			i += end + 2
		}
		idx := len(elems)
		elems = append(elems, e)
		if len(stack) > 0 {
			parent := stack[len(stack)-1]
			elems[parent].children = append(elems[parent].children, idx)
		} else {
			top = append(top, idx)
		}
		if !closed {
			stack = append(stack, idx)
		}
	}
	return elems, top
}
