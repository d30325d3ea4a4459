package decode

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"sync"
)

// KeyLog holds TLS secrets in the NSS key log format that browsers,
// curl and Go's crypto/tls write when SSLKEYLOGFILE is set, as tshark's
// tls.keylog_file reads it (tls_keylog_process_lines):
//
//	CLIENT_RANDOM <client random> <master secret>            TLS 1.2 and earlier
//	RSA Session-ID:<session id> Master-Key:<master secret>
//	PMS_CLIENT_RANDOM <client random> <pre-master secret>
//	RSA <encrypted pre-master secret, first 8 bytes> <pre-master secret>
//	CLIENT_HANDSHAKE_TRAFFIC_SECRET <client random> <secret> TLS 1.3, and
//	SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0,
//	SERVER_TRAFFIC_SECRET_0, CLIENT_EARLY_TRAFFIC_SECRET,
//	EXPORTER_SECRET, EARLY_EXPORTER_SECRET
//
// Other lines (comments, blank lines, unknown labels) are skipped. A KeyLog
// opened from a file reads lines appended to it later: when a Decoder needs
// a secret it does not have, the file is read again from where it stopped
// (from the start if it was replaced or truncated), so a live capture picks
// up the keys a browser writes while it runs. A KeyLog is safe for use by
// several Decoders at once.
type KeyLog struct {
	mu      sync.Mutex
	path    string
	offset  int64  // bytes of the file read so far
	partial []byte // an unfinished last line, kept until its newline arrives
	ident   os.FileInfo
	secrets map[keyLogKey][]byte
	// added counts the secrets added so far, so that a decoder can tell
	// whether the file brought anything new since a lookup failed.
	added uint64
}

// keyLogLabel is the kind of a secret (which of tshark's tables it is in).
type keyLogLabel uint8

const (
	klMasterSecret keyLogLabel = iota + 1 // CLIENT_RANDOM
	klSessionID                           // RSA Session-ID:... Master-Key:...
	klPreMaster                           // PMS_CLIENT_RANDOM
	klEncryptedPMS                        // RSA <8 bytes> <pms>
	klClientEarly
	klClientHandshake
	klServerHandshake
	klClientTraffic0
	klServerTraffic0
	klEarlyExporter
	klExporter
)

type keyLogKey struct {
	label keyLogLabel
	id    string // client random, session ID or encrypted pre-master prefix
}

// maxKeyLogSecrets bounds the secrets kept (a browser session writes five
// lines per TLS 1.3 connection); later lines are ignored once it is reached.
const maxKeyLogSecrets = 1 << 20

// maxKeyLogLine is the longest line taken (tshark reads 1109 bytes at once).
const maxKeyLogLine = 4096

// NewKeyLog returns an empty key log; add lines with Parse.
func NewKeyLog() *KeyLog {
	return &KeyLog{secrets: make(map[keyLogKey][]byte)}
}

// OpenKeyLog reads the key log file at path. The file may be empty, still
// being written, or not there yet (a browser creates it when it starts):
// lines written later are read when needed. Other errors are returned.
func OpenKeyLog(path string) (*KeyLog, error) {
	k := NewKeyLog()
	k.path = path
	f, err := os.Open(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if f != nil {
		f.Close()
	}
	k.mu.Lock()
	k.reloadLocked()
	k.mu.Unlock()
	return k, nil
}

// Parse adds the secrets in b, one line each.
func (k *KeyLog) Parse(b []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.parseLocked(b)
}

// Len is the number of secrets held.
func (k *KeyLog) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.secrets)
}

// lookup returns the secret of a label for id, reading what was appended
// to the file when it is not known yet.
func (k *KeyLog) lookup(label keyLogLabel, id []byte) []byte {
	if k == nil || len(id) == 0 {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	key := keyLogKey{label, string(id)}
	if v, ok := k.secrets[key]; ok {
		return v
	}
	if k.path == "" {
		return nil
	}
	k.reloadLocked()
	return k.secrets[key]
}

// generation reads what was appended to the file and returns the number
// of secrets added so far.
func (k *KeyLog) generation() uint64 {
	if k == nil {
		return 0
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.path != "" {
		k.reloadLocked()
	}
	return k.added
}

// reloadLocked reads the part of the file not read yet; a file that was
// replaced or got shorter is read again from its start (the secrets
// already known stay, as in tshark).
func (k *KeyLog) reloadLocked() {
	// One stat call when nothing changed: records waiting for late keys
	// come here often.
	if fi, err := os.Stat(k.path); err != nil || (k.ident != nil && os.SameFile(k.ident, fi) && fi.Size() == k.offset) {
		return
	}
	f, err := os.Open(k.path)
	if err != nil {
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return
	}
	if k.ident == nil || !os.SameFile(k.ident, fi) || fi.Size() < k.offset {
		k.offset = 0
		k.partial = k.partial[:0]
	}
	k.ident = fi
	if fi.Size() == k.offset {
		return
	}
	if _, err := f.Seek(k.offset, io.SeekStart); err != nil {
		return
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := f.Read(buf)
		if n > 0 {
			k.offset += int64(n)
			k.feedLocked(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// feedLocked takes the next bytes of the file: whole lines are parsed, an
// unfinished one waits for the rest.
func (k *KeyLog) feedLocked(b []byte) {
	for len(b) > 0 {
		nl := bytes.IndexByte(b, '\n')
		if nl < 0 {
			if len(k.partial)+len(b) <= maxKeyLogLine {
				k.partial = append(k.partial, b...)
			} else {
				k.partial = append(k.partial[:0], "#"...) // too long: skip the line
			}
			return
		}
		line := b[:nl]
		if len(k.partial) > 0 {
			if len(k.partial)+len(line) <= maxKeyLogLine {
				line = append(k.partial, line...)
			} else {
				line = nil
			}
			k.partial = k.partial[:0]
		}
		k.parseLine(line)
		b = b[nl+1:]
	}
}

func (k *KeyLog) parseLocked(b []byte) {
	for len(b) > 0 {
		line := b
		if nl := bytes.IndexByte(b, '\n'); nl >= 0 {
			line, b = b[:nl], b[nl+1:]
		} else {
			b = nil
		}
		k.parseLine(line)
	}
}

// keyLogTLS13Labels are the labels followed by a client random and a
// secret of any length.
var keyLogTLS13Labels = []struct {
	name  string
	label keyLogLabel
}{
	{"CLIENT_EARLY_TRAFFIC_SECRET ", klClientEarly},
	{"CLIENT_HANDSHAKE_TRAFFIC_SECRET ", klClientHandshake},
	{"SERVER_HANDSHAKE_TRAFFIC_SECRET ", klServerHandshake},
	{"CLIENT_TRAFFIC_SECRET_0 ", klClientTraffic0},
	{"SERVER_TRAFFIC_SECRET_0 ", klServerTraffic0},
	{"EARLY_EXPORTER_SECRET ", klEarlyExporter},
	{"EXPORTER_SECRET ", klExporter},
}

// parseLine matches one line the way tshark's anchored regular expression
// does: the label, the identifier, a space, then hex digits (anything
// after them is ignored).
func (k *KeyLog) parseLine(line []byte) {
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) == 0 || line[0] == '#' || len(k.secrets) >= maxKeyLogSecrets {
		return
	}
	s := string(line)
	switch {
	case hasPrefix(s, "PMS_CLIENT_RANDOM "):
		k.addSecret(klPreMaster, s[len("PMS_CLIENT_RANDOM "):], 32, 0)
	case hasPrefix(s, "RSA Session-ID:"):
		rest := s[len("RSA Session-ID:"):]
		n := hexRun(rest)
		// The session ID run is followed by " Master-Key:"; the regular
		// expression backtracks over an odd digit.
		n -= n % 2
		if n == 0 || !hasPrefix(rest[n:], " Master-Key:") {
			return
		}
		id, _ := hex.DecodeString(rest[:n])
		secret := rest[n+len(" Master-Key:"):]
		if hexRun(secret) < 96 {
			return
		}
		ms, _ := hex.DecodeString(secret[:96])
		k.secrets[keyLogKey{klSessionID, string(id)}] = ms
		k.added++
	case hasPrefix(s, "RSA "):
		k.addSecret(klEncryptedPMS, s[len("RSA "):], 8, 0)
	case hasPrefix(s, "CLIENT_RANDOM "):
		k.addSecret(klMasterSecret, s[len("CLIENT_RANDOM "):], 32, 48)
	default:
		for _, l := range keyLogTLS13Labels {
			if hasPrefix(s, l.name) {
				k.addSecret(l.label, s[len(l.name):], 32, 0)
				return
			}
		}
	}
}

// addSecret reads "<idLen bytes of hex> <secret in hex>"; secretLen 0
// takes as many whole bytes as there are hex digits.
func (k *KeyLog) addSecret(label keyLogLabel, s string, idLen, secretLen int) {
	if len(s) < 2*idLen+1 || hexRun(s[:2*idLen]) != 2*idLen || s[2*idLen] != ' ' {
		return
	}
	id, _ := hex.DecodeString(s[:2*idLen])
	s = s[2*idLen+1:]
	n := hexRun(s)
	if secretLen > 0 {
		if n < 2*secretLen {
			return
		}
		n = 2 * secretLen
	}
	n -= n % 2
	if n == 0 {
		return
	}
	secret, _ := hex.DecodeString(s[:n])
	k.secrets[keyLogKey{label, string(id)}] = secret
	k.added++
}

func hasPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && s[:len(prefix)] == prefix
}

// hexRun is the number of hex digits at the start of s.
func hexRun(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return i
		}
	}
	return len(s)
}
