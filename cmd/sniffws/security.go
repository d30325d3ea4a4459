package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sniffws/sniff"
	"sniffws/wsserver"
)

// exposure is the part of the command line that decides who may connect
// and what each connection may cost.
type exposure struct {
	token            string
	origins          string
	tlsCert          string
	tlsKey           string
	user             string
	maxClients       int
	maxRequest       int
	maxClientFrame   int
	handshakeTimeout time.Duration
	pingInterval     time.Duration
	pingTimeout      time.Duration
	stdinMaxLine     int
}

// tokenEnv holds the token when -token is not given: a command line is
// visible to every user of the machine (ps), the environment is not.
const tokenEnv = "SNIFFWS_TOKEN"

func (e *exposure) flags(fs *flag.FlagSet) {
	fs.StringVar(&e.token, "token", "", "require `SECRET` on every WebSocket upgrade and on /metrics, as ?token=SECRET or \"Authorization: Bearer SECRET\" (default $"+tokenEnv+")")
	fs.StringVar(&e.origins, "origin", "", "accept upgrades from web pages of these `ORIGINS` only (comma-separated, e.g. http://localhost:8080; * for any); non-browser clients and this server's own pages are always accepted (default: any origin)")
	fs.StringVar(&e.tlsCert, "tls-cert", "", "serve wss:// and https:// with this PEM certificate `FILE` (needs -tls-key)")
	fs.StringVar(&e.tlsKey, "tls-key", "", "PEM private key `FILE` for -tls-cert")
	fs.StringVar(&e.user, "Z", "", "after opening the capture and the listening socket, drop root privileges and run as `USER` (with its groups), as tcpdump -Z")
	fs.IntVar(&e.maxClients, "max-clients", wsserver.DefaultMaxClients, "hold at most `N` connections (clients plus handshakes); more get HTTP 503")
	fs.IntVar(&e.maxRequest, "max-request", wsserver.DefaultMaxRequestBytes, "largest HTTP request head accepted, in `BYTES` (431 beyond)")
	fs.IntVar(&e.maxClientFrame, "max-client-frame", wsserver.DefaultMaxFrameBytes, "largest frame payload a client may send, in `BYTES` (close 1009 beyond)")
	fs.DurationVar(&e.handshakeTimeout, "handshake-timeout", wsserver.DefaultHandshakeTimeout, "time a connection gets to send its request head and be upgraded (`DURATION`)")
	fs.DurationVar(&e.pingInterval, "ping-interval", wsserver.DefaultPingInterval, "ping a client quiet for this `DURATION` (0: never ping)")
	fs.DurationVar(&e.pingTimeout, "ping-timeout", wsserver.DefaultPongTimeout, "drop a pinged client that answers nothing within this `DURATION` (close 1008)")
	fs.IntVar(&e.stdinMaxLine, "stdin-max-line", sniff.DefaultCSVMaxLine, "-stdin: skip lines longer than `BYTES` as malformed")
}

func (e *exposure) validate() error {
	if e.token == "" {
		e.token = os.Getenv(tokenEnv)
	}
	if (e.tlsCert == "") != (e.tlsKey == "") {
		return errors.New("-tls-cert and -tls-key go together")
	}
	switch {
	case e.maxClients <= 0:
		return errors.New("-max-clients must be positive")
	case e.maxRequest < 256:
		return errors.New("-max-request must be at least 256 bytes")
	case e.maxClientFrame < 125:
		return errors.New("-max-client-frame must be at least 125 bytes (a control frame)")
	case e.handshakeTimeout <= 0:
		return errors.New("-handshake-timeout must be positive")
	case e.pingInterval < 0:
		return errors.New("-ping-interval must not be negative")
	case e.pingTimeout < time.Second:
		// Below TCP's retransmission timeouts a live peer can look silent.
		return errors.New("-ping-timeout must be at least 1s")
	case e.stdinMaxLine <= 0:
		return errors.New("-stdin-max-line must be positive")
	}
	return nil
}

// apply completes the server configuration: limits, token, origins and
// TLS. It warns when the server is reachable beyond this machine without
// a token.
func (e *exposure) apply(cfg *wsserver.Config, listen string, warn func(format string, args ...any)) error {
	cfg.MaxClients = e.maxClients
	cfg.MaxRequestBytes = e.maxRequest
	cfg.MaxFrameBytes = e.maxClientFrame
	cfg.HandshakeTimeout = e.handshakeTimeout
	cfg.PingInterval = e.pingInterval
	if e.pingInterval == 0 {
		cfg.PingInterval = -1 // wsserver: negative disables
	}
	cfg.PongTimeout = e.pingTimeout
	cfg.Token = e.token
	for _, o := range strings.Split(e.origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.Origins = append(cfg.Origins, o)
		}
	}
	if e.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(e.tlsCert, e.tlsKey)
		if err != nil {
			return fmt.Errorf("-tls-cert %s, -tls-key %s: %w", e.tlsCert, e.tlsKey, err)
		}
		cfg.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if e.token == "" && !loopbackOnly(listen) {
		warn("warning: -listen %s accepts connections from other machines and no -token is set: anyone who can reach it sees the captured traffic", listen)
	}
	return nil
}

// loopbackOnly reports whether addr can only be reached from this machine.
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// dropPrivileges becomes the user name (or numeric id) with its primary
// and supplementary groups, as tcpdump -Z does, and checks that root
// cannot be regained. It is called once the capture and the listening
// socket are open. Not running as root, there is nothing to drop.
func dropPrivileges(name string, warn func(format string, args ...any)) error {
	if os.Geteuid() != 0 {
		warn("-Z %s: not running as root, no privileges to drop", name)
		return nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		if _, nerr := strconv.Atoi(name); nerr == nil {
			u, err = user.LookupId(name)
		}
	}
	if err != nil {
		return fmt.Errorf("-Z %s: %w", name, err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return fmt.Errorf("-Z %s: non-numeric ids %q/%q", name, u.Uid, u.Gid)
	}
	groups := []int{gid}
	if ids, err := u.GroupIds(); err == nil {
		for _, g := range ids {
			if n, err := strconv.Atoi(g); err == nil && n != gid {
				groups = append(groups, n)
			}
		}
	}
	// Groups first, then the group id, then the user id: once the user
	// id is not root the other two can no longer be changed.
	if err := syscall.Setgroups(groups); err != nil {
		return fmt.Errorf("-Z %s: setgroups: %w", name, err)
	}
	if err := syscall.Setgid(gid); err != nil {
		return fmt.Errorf("-Z %s: setgid %d: %w", name, gid, err)
	}
	if err := syscall.Setuid(uid); err != nil {
		return fmt.Errorf("-Z %s: setuid %d: %w", name, uid, err)
	}
	if uid != 0 && (os.Getuid() != uid || os.Geteuid() != uid || os.Getgid() != gid || syscall.Setuid(0) == nil) {
		return fmt.Errorf("-Z %s: privileges were not dropped", name)
	}
	return nil
}
