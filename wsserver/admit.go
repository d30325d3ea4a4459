package wsserver

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"net/url"
	"strings"
)

// request is what the server needs from an HTTP request head.
type request struct {
	method, target string
	upgrade        bool
	host           string // Host header
	origin         string // Origin header, "" when absent
	authorization  string // Authorization header
}

// parseHead reads the request line and the few headers the server acts on;
// the upgrader validates the rest of an upgrade.
func parseHead(head []byte) (r request, ok bool) {
	line, rest, _ := bytes.Cut(head, []byte("\r\n"))
	m, rl, ok1 := bytes.Cut(line, []byte(" "))
	t, proto, ok2 := bytes.Cut(rl, []byte(" "))
	if !ok1 || !ok2 || len(m) == 0 || len(t) == 0 || !bytes.HasPrefix(proto, []byte("HTTP/")) {
		return r, false
	}
	r.method, r.target = string(m), string(t)
	for len(rest) > 0 {
		var h []byte
		h, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		k, v, found := bytes.Cut(h, []byte(":"))
		if !found {
			continue
		}
		k, v = bytes.TrimSpace(k), bytes.TrimSpace(v)
		switch {
		case bytes.EqualFold(k, []byte("Upgrade")):
			r.upgrade = true
		case bytes.EqualFold(k, []byte("Host")):
			r.host = string(v)
		case bytes.EqualFold(k, []byte("Origin")):
			r.origin = string(v)
		case bytes.EqualFold(k, []byte("Authorization")):
			r.authorization = string(v)
		}
	}
	return r, true
}

// tokenOK reports whether the request carries Config.Token, as
// "Authorization: Bearer TOKEN" or a "token" query parameter. Both sides
// are hashed first so the comparison takes the same time whatever the
// length or content of the guess.
func (s *Server) tokenOK(r *request) bool {
	if s.cfg.Token == "" {
		return true
	}
	var given []string
	if scheme, cred, ok := strings.Cut(r.authorization, " "); ok && strings.EqualFold(scheme, "Bearer") {
		given = append(given, strings.TrimSpace(cred))
	}
	if _, q, ok := strings.Cut(r.target, "?"); ok {
		if v, err := url.ParseQuery(q); err == nil {
			given = append(given, v["token"]...)
		}
	}
	want := sha256.Sum256([]byte(s.cfg.Token))
	match := 0
	for _, g := range given {
		h := sha256.Sum256([]byte(g))
		match |= subtle.ConstantTimeCompare(h[:], want[:])
	}
	return match == 1
}

// originOK applies Config.Origins to an upgrade. A request without an
// Origin header does not come from a web page (browsers always send one),
// and a page served by this server itself (the viewer) is same-origin;
// both are allowed. Cross-site pages are what the list keeps out.
func (s *Server) originOK(r *request) bool {
	if len(s.cfg.Origins) == 0 || r.origin == "" {
		return true
	}
	origin := strings.TrimSuffix(r.origin, "/")
	for _, o := range s.cfg.Origins {
		if o == "*" || strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	if u, err := url.Parse(origin); err == nil && u.Host != "" && strings.EqualFold(u.Host, r.host) {
		return true
	}
	return false
}

// admitLocked reports whether one more connection may be held: clients
// plus connections in their handshake stay within Config.MaxClients.
func (s *Server) admitLocked() bool {
	return len(s.list)+len(s.pending) < s.cfg.MaxClients
}
