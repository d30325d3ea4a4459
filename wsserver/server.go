package wsserver

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gobwas/ws"
	"github.com/mailru/easygo/netpoll"
)

// Defaults for the zero fields of Config.
const (
	DefaultQueueBytes       = 4 << 20
	DefaultWriteBatchBytes  = 256 << 10
	DefaultMaxFrameBytes    = 4096
	DefaultMaxRequestBytes  = 8192
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultCloseTimeout     = 2 * time.Second
	DefaultStallTimeout     = 10 * time.Second
	DefaultMaxClients       = 1024
	DefaultPingInterval     = 30 * time.Second
	DefaultPongTimeout      = 30 * time.Second
	DefaultMetricsPrefix    = "sniffws_ws_"
)

// Config tunes a Server. The zero value is usable: zero fields take the
// Default constants above.
type Config struct {
	// QueueBytes bounds the bytes waiting to be written to one client
	// (frames queued plus frames being written). Broadcast cuts off a
	// client that would exceed it; BroadcastWait waits instead. A message
	// larger than QueueBytes still goes to a client whose queue is empty.
	QueueBytes int
	// WriteBatchBytes bounds one writev to a client that is behind, so that
	// progress (which BroadcastWait's stall check watches) is seen often.
	WriteBatchBytes int
	// MaxFrameBytes is the largest client frame payload accepted; a larger
	// frame is answered with close 1009.
	MaxFrameBytes int
	// MaxRequestBytes bounds the HTTP request head (request line and
	// headers) of an upgrade or a plain request.
	MaxRequestBytes int
	// Backlog is how many of the last messages a client receives on
	// joining, before the live stream. 0 disables it.
	Backlog int
	// HandshakeTimeout bounds reading the request and writing the upgrade
	// response, so half-open handshakes cannot pile up.
	HandshakeTimeout time.Duration
	// CloseTimeout is how long a client cut off (or answered) gets to
	// receive its close frame and answer it before the TCP connection is
	// dropped.
	CloseTimeout time.Duration
	// StallTimeout: a client whose queue is full and whose writes made no
	// progress for this long is cut off by BroadcastWait (close 1008), so a
	// dead client cannot stop a paced replay.
	StallTimeout time.Duration
	// MaxClients bounds the connections held at once: WebSocket clients
	// plus connections still in their handshake or HTTP request. One more
	// is answered 503 and closed at once, so a flood of connections cannot
	// exhaust descriptors or memory.
	MaxClients int
	// PingInterval: a client from which nothing has arrived for this long
	// is sent a ping (browsers answer by themselves). Negative disables
	// pings and the dead-peer check below.
	PingInterval time.Duration
	// PongTimeout: a pinged client that sent nothing back for this long is
	// dropped (close 1008 "ping timeout", reason ping_timeout) if its TCP
	// stack acknowledged nothing either while segments were in flight or
	// window probes went out (TCP_INFO). This finds
	// peers that vanished without a FIN, which TCP alone notices only
	// after many minutes. A peer whose stack acknowledges is alive: a slow
	// reader whose pong waits behind data, or a stalled application, which
	// the queue limits handle once there is traffic; it is pinged again.
	// Keep it well above TCP's retransmission timeout (200 ms at least):
	// a live peer with a full receive buffer may take that long to
	// acknowledge anything.
	PongTimeout time.Duration
	// Token, if set, is required on every upgrade and on /metrics, either
	// as "Authorization: Bearer TOKEN" or as a "token" query parameter
	// (ws://host/?token=TOKEN, since browsers cannot set headers on a
	// WebSocket). It is compared in constant time; a request without it
	// gets 401. /healthz and Page stay open: they carry no traffic.
	Token string
	// Origins, if set, lists the Origin header values accepted on an
	// upgrade ("*" accepts any); others get 403. Requests without an
	// Origin (not from a web page) and pages served by this server itself
	// (same host) are always accepted.
	Origins []string
	// TLS, if set, makes the listener serve wss:// and https:// (the
	// certificate is the caller's); each TLS client then has one reading
	// goroutine instead of an epoll registration.
	TLS *tls.Config
	// MetricsPrefix starts every metric name of /metrics.
	MetricsPrefix string
	// ExtraMetrics, if set, appends more Prometheus text to /metrics (the
	// caller's own counters: packets, decode errors, skipped lines...).
	// It is called from the connection's goroutine; it must be safe for
	// concurrent use.
	ExtraMetrics func(dst []byte) []byte
	// Page, if set, serves non-upgrade GET/HEAD requests for paths other
	// than /metrics and /healthz (a viewer page at "/", say). ok=false
	// means 404. Must be safe for concurrent use.
	Page func(path string) (body []byte, contentType string, ok bool)
	// Logf, if set, receives rare operational messages (accept errors).
	Logf func(format string, args ...any)
}

func (c Config) withDefaults() Config {
	if c.QueueBytes <= 0 {
		c.QueueBytes = DefaultQueueBytes
	}
	if c.WriteBatchBytes <= 0 {
		c.WriteBatchBytes = DefaultWriteBatchBytes
	}
	if c.MaxFrameBytes <= 0 {
		c.MaxFrameBytes = DefaultMaxFrameBytes
	}
	if c.MaxRequestBytes <= 0 {
		c.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if c.CloseTimeout <= 0 {
		c.CloseTimeout = DefaultCloseTimeout
	}
	if c.StallTimeout <= 0 {
		c.StallTimeout = DefaultStallTimeout
	}
	if c.MaxClients <= 0 {
		c.MaxClients = DefaultMaxClients
	}
	if c.PingInterval == 0 {
		c.PingInterval = DefaultPingInterval
	}
	if c.PongTimeout <= 0 {
		c.PongTimeout = DefaultPongTimeout
	}
	if c.MetricsPrefix == "" {
		c.MetricsPrefix = DefaultMetricsPrefix
	}
	if c.Backlog < 0 {
		c.Backlog = 0
	}
	return c
}

// Server fans broadcast messages out to WebSocket clients. See the package
// documentation.
type Server struct {
	cfg      Config
	ln       net.Listener
	poll     *netpoll.Epoll
	upgrader ws.Upgrader
	m        metrics

	// rbuf is the read scratch buffer; only the poller goroutine uses it,
	// so idle clients own no read buffer.
	rbuf []byte
	// live holds the frame Broadcast is sending (under mu).
	live liveFrame

	// Frames sent when cutting clients, built once.
	overflowFrame []byte
	stalledFrame  []byte
	pingFrame     []byte
	pingTimeout   []byte
	busyResponse  []byte

	mu      sync.Mutex
	list    []*client             // connected clients, in no order; c.idx is the position
	pending map[net.Conn]struct{} // connections still in their handshake
	closed  bool
	changed chan struct{} // closed and replaced when a client joins or leaves
	backlog [][]byte      // ring of the last cfg.Backlog frames
	blNext  int
	blLen   int

	wantRoom atomic.Bool   // a BroadcastWait is waiting for queue room
	room     chan struct{} // signalled when a writer frees room or a client leaves

	done       chan struct{} // closed by Close
	acceptDone chan struct{}
	handshakes sync.WaitGroup
	writers    sync.WaitGroup
	readers    sync.WaitGroup // TLS clients' reading goroutines
	pinger     sync.WaitGroup
}

// Listen raises the descriptor limit (RaiseFileLimit), listens on TCP addr
// and serves it.
func Listen(addr string, cfg Config) (*Server, error) {
	_, _ = RaiseFileLimit() // best effort: Go already tries at start-up.
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s, err := New(ln, cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	return s, nil
}

// New serves WebSocket upgrades and plain HTTP requests accepted from ln
// until Close. The server owns ln.
func New(ln net.Listener, cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	// The poller calls back on its own single goroutine; errors from its
	// wait loop go to Logf rather than easygo's default log.Printf.
	poll, err := netpoll.EpollCreate(&netpoll.EpollConfig{
		OnWaitError: func(err error) {
			if cfg.Logf != nil {
				cfg.Logf("wsserver: epoll wait: %v", err)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:           cfg,
		ln:            ln,
		poll:          poll,
		rbuf:          make([]byte, max(64<<10, 2*(cfg.MaxFrameBytes+ws.MaxHeaderSize))),
		overflowFrame: closeFrame(StatusPolicyViolation, "send queue overflow: client too slow"),
		stalledFrame:  closeFrame(StatusPolicyViolation, "client stalled: no progress reading"),
		pingFrame:     appendFrame(nil, finPing, nil),
		pingTimeout:   closeFrame(StatusPolicyViolation, "ping timeout: no answer"),
		busyResponse:  appendResponse(nil, 503, "text/plain; charset=utf-8", []byte("too many clients\n"), false),
		pending:       make(map[net.Conn]struct{}),
		changed:       make(chan struct{}),
		room:          make(chan struct{}, 1),
		done:          make(chan struct{}),
		acceptDone:    make(chan struct{}),
	}
	if cfg.Backlog > 0 {
		s.backlog = make([][]byte, cfg.Backlog)
	}
	go s.acceptLoop()
	if cfg.PingInterval > 0 {
		s.pinger.Add(1)
		go s.pingLoop()
	}
	return s, nil
}

// Addr is the listener's address.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Clients is the number of WebSocket clients connected now.
func (s *Server) Clients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.list)
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

func (s *Server) acceptLoop() {
	defer close(s.acceptDone)
	var delay time.Duration
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.done:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of descriptors or similar: back off instead of spinning,
			// the way net/http does.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			s.logf("wsserver: accept: %v; retrying in %v", err, delay)
			select {
			case <-time.After(delay):
			case <-s.done:
				return
			}
			continue
		}
		delay = 0
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return
		}
		if !s.admitLocked() {
			s.mu.Unlock()
			s.m.rejected[rejectFull].Add(1)
			// A fresh socket's send buffer is empty: this write does not
			// block, and the deadline makes sure of it. (Over TLS there
			// is no handshake yet to answer in: just close.)
			if s.cfg.TLS == nil {
				_ = conn.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
				_, _ = conn.Write(s.busyResponse)
			}
			conn.Close()
			continue
		}
		s.pending[conn] = struct{}{}
		s.handshakes.Add(1)
		s.mu.Unlock()
		go s.serveConn(conn)
	}
}

// Broadcast frames payload once as a text message and queues those same
// bytes to every client, in the same order for all. It never blocks on a
// client: one whose queue would overflow is cut off with close 1008. The
// payload is copied; the caller may reuse it. After Close it does nothing.
func (s *Server) Broadcast(payload []byte) {
	s.mu.Lock()
	if !s.closed {
		// The frame is built in a buffer of the server's and copied to
		// the heap only if a client has to queue it: when every client
		// keeps up, a live message allocates nothing.
		lf := &s.live
		lf.buf = AppendTextFrame(lf.buf[:0], payload)
		lf.heap = nil
		s.m.messages.Add(1)
		s.m.messageBytes.Add(uint64(len(payload)))
		for _, c := range s.list {
			c.enqueueNow(lf)
		}
		if len(s.backlog) > 0 {
			s.keepBacklogLocked(lf.stable())
		}
		if cap(lf.buf) > 64<<10 {
			lf.buf = nil // a rare large message does not stay
		}
	}
	s.mu.Unlock()
}

// liveFrame is a frame Broadcast is sending: written from the server's
// buffer to the clients that take it at once, and copied to the heap once
// for those that queue it.
type liveFrame struct {
	buf  []byte
	heap []byte
}

// stable returns the heap copy, making it the first time.
func (lf *liveFrame) stable() []byte {
	if lf.heap == nil {
		lf.heap = append(make([]byte, 0, len(lf.buf)), lf.buf...)
	}
	return lf.heap
}

// BroadcastWait is Broadcast for inputs that can wait (files, stdin, HAR):
// rather than cut off a client whose queue is full, it blocks until every
// client has room, so the input goes as fast as the slowest client reads.
// A client that made no write progress for Config.StallTimeout is cut off
// instead of holding everyone. It returns ctx.Err() or ErrServerClosed.
// Call it from one producer goroutine.
func (s *Server) BroadcastWait(ctx context.Context, payload []byte) error {
	f := AppendTextFrame(make([]byte, 0, FrameSize(len(payload))), payload)
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		// Announce the wait before checking, so a writer that frees room
		// after the check is sure to signal.
		s.wantRoom.Store(true)
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return ErrServerClosed
		}
		now := time.Now()
		var wait time.Duration
		for _, c := range s.list {
			if d := c.roomWait(len(f), now); d > 0 && (wait == 0 || d < wait) {
				wait = d
			}
		}
		if wait == 0 {
			s.wantRoom.Store(false)
			s.broadcastLocked(f, len(payload))
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock()
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		select {
		case <-s.room:
		case <-timer.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// broadcastLocked queues f for every client (BroadcastWait: the batching
// writers write it).
func (s *Server) broadcastLocked(f []byte, payloadLen int) {
	s.m.messages.Add(1)
	s.m.messageBytes.Add(uint64(payloadLen))
	for _, c := range s.list {
		c.enqueue(f)
	}
	if len(s.backlog) > 0 {
		s.keepBacklogLocked(f)
	}
}

// keepBacklogLocked remembers f for clients that join later.
func (s *Server) keepBacklogLocked(f []byte) {
	s.backlog[s.blNext] = f
	s.blNext = (s.blNext + 1) % len(s.backlog)
	s.blLen = min(s.blLen+1, len(s.backlog))
}

// signalRoom wakes a BroadcastWait, if one waits.
func (s *Server) signalRoom() {
	if s.wantRoom.Load() {
		select {
		case s.room <- struct{}{}:
		default:
		}
	}
}

// signalChangedLocked wakes WaitClients and Close.
func (s *Server) signalChangedLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitClients blocks until at least n clients are connected.
func (s *Server) WaitClients(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return ErrServerClosed
		}
		if len(s.list) >= n {
			s.mu.Unlock()
			return nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// join publishes an upgraded client: it gets the backlog, then every later
// broadcast. Both happen under s.mu, so no message is missed or repeated.
func (s *Server) join(c *client) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	// No longer a handshake: Close must not drop it as one.
	delete(s.pending, c.tcp)
	s.m.connections.Add(1)
	c.mu.Lock()
	if c.state == stateClosed {
		// It hung up before it was listed.
		c.mu.Unlock()
		return true
	}
	c.idx = len(s.list)
	s.list = append(s.list, c)
	if s.blLen > 0 {
		// at(1) is the newest frame, at(s.blLen) the oldest.
		at := func(k int) []byte { return s.backlog[(s.blNext-k+len(s.backlog))%len(s.backlog)] }
		// Send the newest frames that fit the queue, oldest first.
		k, size := 0, 0
		for k < s.blLen {
			f := at(k + 1)
			if size > 0 && size+len(f) > s.cfg.QueueBytes {
				break
			}
			size += len(f)
			k++
		}
		for ; k > 0; k-- {
			c.enqueueLocked(at(k))
		}
	}
	c.mu.Unlock()
	s.signalChangedLocked()
	return true
}

// kill drops a client's connection: no more frames, no more reads. Safe to
// call more than once and from any goroutine that does not hold s.mu.
func (s *Server) kill(c *client, r reason) {
	c.mu.Lock()
	if c.state == stateClosed {
		c.mu.Unlock()
		return
	}
	c.state = stateClosed
	if c.reason == reasonNone {
		c.reason = r
	}
	r = c.reason
	if n := c.queue.len(); n > 0 {
		s.m.dropped.Add(uint64(n))
	}
	c.queue.reset()
	c.ctrl = nil
	c.queued = 0
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()

	// Leave the poller before closing: once closed, the descriptor number
	// can be reused by a new connection.
	if c.polled {
		_ = c.raw.Control(func(fd uintptr) { _ = s.poll.Del(int(fd)) })
	}
	// The TCP connection, not the TLS one: tls.Conn.Close would first
	// try to send close_notify, which can block on a full socket.
	c.tcp.Close()

	s.mu.Lock()
	if c.idx >= 0 && c.idx < len(s.list) && s.list[c.idx] == c {
		last := len(s.list) - 1
		s.list[c.idx] = s.list[last]
		s.list[c.idx].idx = c.idx
		s.list[last] = nil
		s.list = s.list[:last]
		c.idx = -1
		s.signalChangedLocked()
	}
	s.mu.Unlock()
	s.m.disconnects[r].Add(1)
	s.signalRoom()
}

// Close ends the server. It stops accepting, lets every connected client
// receive all that is queued for it followed by a close frame (code,
// reason), waits for the clients' close replies, and drops whatever is still
// connected once timeout has passed. A finite input ends with
// Close(StatusNormalClosure, "end of input", ...); a signal with
// Close(StatusGoingAway, ...). It returns when every goroutine of the
// server has ended.
func (s *Server) Close(code StatusCode, reason string, timeout time.Duration) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.closed = true
	close(s.done)
	pending := make([]net.Conn, 0, len(s.pending))
	for conn := range s.pending {
		pending = append(pending, conn)
	}
	clients := slices.Clone(s.list)
	s.signalChangedLocked()
	s.mu.Unlock()
	// A BroadcastWait waiting for room returns ErrServerClosed now.
	select {
	case s.room <- struct{}{}:
	default:
	}

	err := s.ln.Close()
	<-s.acceptDone
	for _, conn := range pending {
		conn.Close()
	}
	s.handshakes.Wait()

	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	f := closeFrame(code, reason)
	for _, c := range clients {
		c.closeGracefully(f)
	}
	for {
		s.mu.Lock()
		n, ch := len(s.list), s.changed
		s.mu.Unlock()
		if n == 0 {
			break
		}
		select {
		case <-ch:
			continue
		case <-deadline.C:
		}
		break
	}
	s.mu.Lock()
	clients = slices.Clone(s.list)
	s.mu.Unlock()
	for _, c := range clients {
		s.kill(c, reasonServerClose)
	}
	s.writers.Wait()
	s.readers.Wait()
	s.pinger.Wait()
	if perr := s.poll.Close(); err == nil && perr != nil && !errors.Is(perr, netpoll.ErrClosed) {
		err = perr
	}
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}
