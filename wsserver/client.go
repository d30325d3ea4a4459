package wsserver

import (
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gobwas/ws"
)

type clientState uint8

const (
	stateOpen    clientState = iota
	stateClosing             // a close frame is queued: nothing more is queued after it
	stateClosed              // connection dropped
)

// client is one upgraded connection. An idle client is this struct, its
// net.Conn and an epoll registration: no goroutine, no buffer.
type client struct {
	s      *Server
	conn   net.Conn        // the connection frames are written to (a *tls.Conn with TLS)
	tcp    net.Conn        // the TCP connection under it (conn itself without TLS)
	raw    syscall.RawConn // tcp's descriptor
	polled bool            // registered with the epoll instance (not TLS)
	idx    int             // position in s.list, -1 when not listed; guarded by s.mu

	// Liveness: lastRead is when bytes last arrived (unix ns); pingSent is
	// when the outstanding ping was queued, used only by the ping loop.
	lastRead atomic.Int64
	pingSent time.Time

	// mu is the connection's write lock: the broadcast path, the read path
	// (pong, close reply) and Close only queue frames under it, and a single
	// writer goroutine at a time writes them, so frames never interleave.
	mu         sync.Mutex
	queue      frameQueue // frames to write, close frame last
	ctrl       [][]byte   // pongs, written before the queue
	queued     int        // bytes in queue and ctrl plus bytes being written
	writing    bool       // a writer goroutine is running
	state      clientState
	reason     reason      // why it is closing or closed
	closeQd    bool        // the close frame is the last frame of queue
	closeSent  bool        // the close frame has been written
	peerClosed bool        // the client's close frame has been received
	fast       bool        // drop the connection right after the close frame (failed connection)
	graceful   bool        // Server.Close: its own deadline bounds the wait for the close reply
	timer      *time.Timer // drops the connection if the close reply is late
	progress   time.Time   // last write completion, or when the queue last became non-empty
	// headPartial: the queue's first frame is the rest of a frame whose
	// start enqueueNow wrote; it must go out before anything else (mu).
	headPartial bool

	// Read state, used only by the poller goroutine (and by the handshake
	// goroutine before the client is registered with the poller).
	partial []byte   // an incomplete frame carried to the next read
	rstate  ws.State // server side, and whether a fragmented message is open
	discard bool     // reading only to find the close reply; parse nothing
}

// enqueue queues a broadcast frame; see enqueueLocked.
func (c *client) enqueue(f []byte) {
	c.mu.Lock()
	c.enqueueLocked(f)
	c.mu.Unlock()
}

// enqueueNow is enqueue for live broadcasts: a client with nothing queued
// and no writer running is written to at once, from the caller's
// goroutine, without blocking (the descriptor is non-blocking, and the
// runtime's poller is not asked to wait); what the socket does not take is
// queued for a writer as usual. A live packet then reaches a client that
// keeps up without a goroutine hand-over, which under load is most of its
// latency. TLS clients always go through their writer.
func (c *client) enqueueNow(lf *liveFrame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateOpen || !c.polled || c.writing || c.queued != 0 {
		c.enqueueLocked(lf.stable())
		return
	}
	n := c.writeNonblocking(lf.buf)
	c.s.m.sentBytes.Add(uint64(n))
	if n == len(lf.buf) {
		return
	}
	c.enqueueLocked(lf.stable()[n:])
	c.headPartial = n > 0
}

// writeNonblocking writes what the socket takes now, without waiting; an
// error is left for the writer goroutine to meet.
func (c *client) writeNonblocking(b []byte) int {
	n := 0
	_ = c.raw.Write(func(fd uintptr) bool {
		for n < len(b) {
			m, err := syscall.Write(int(fd), b[n:])
			if err == syscall.EINTR {
				continue
			}
			if err != nil || m <= 0 {
				break
			}
			n += m
		}
		return true // never wait for the descriptor to become writable
	})
	return n
}

// enqueueLocked queues f, or cuts the client off if that would exceed its
// queue limit. An empty queue always takes one frame, however large.
func (c *client) enqueueLocked(f []byte) {
	if c.state != stateOpen {
		return
	}
	if c.queued > 0 && c.queued+len(f) > c.s.cfg.QueueBytes {
		c.failLocked(reasonOverflow, c.s.overflowFrame)
		return
	}
	if c.queued == 0 {
		c.progress = time.Now()
	}
	c.queue.push(f)
	c.queued += len(f)
	c.startWriterLocked()
}

// roomWait reports 0 if a frame of n bytes can be queued now (or the client
// does not matter any more), else how long until its stall deadline. A
// client past that deadline is cut off, which frees its room.
func (c *client) roomWait(n int, now time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateOpen || c.queued == 0 || c.queued+n <= c.s.cfg.QueueBytes {
		return 0
	}
	left := c.s.cfg.StallTimeout - now.Sub(c.progress)
	if left <= 0 {
		c.failLocked(reasonStalled, c.s.stalledFrame)
		return 0
	}
	return left
}

// failLocked cuts the client off: queued data is discarded, the close frame
// goes next, and a write deadline ensures a writer stuck on a full socket
// gives up after CloseTimeout.
func (c *client) failLocked(r reason, closeFrame []byte) {
	if c.state != stateOpen {
		return
	}
	c.state = stateClosing
	c.reason = r
	if n := c.queue.len(); n > 0 {
		// The rest of a frame already started stays, or the close frame
		// would land in the middle of it.
		var rest []byte
		if c.headPartial {
			rest = c.queue.pop()
			n--
		}
		c.s.m.dropped.Add(uint64(n))
		c.queued -= c.queue.bytes()
		c.queue.reset()
		if rest != nil {
			c.queue.push(rest)
		}
	}
	for _, p := range c.ctrl {
		c.queued -= len(p)
	}
	c.ctrl = nil
	c.queue.push(closeFrame)
	c.queued += len(closeFrame)
	c.closeQd = true
	_ = c.conn.SetWriteDeadline(time.Now().Add(c.s.cfg.CloseTimeout))
	c.startWriterLocked()
}

// closeGracefully queues the close frame after everything already queued.
func (c *client) closeGracefully(f []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateOpen {
		return
	}
	c.state = stateClosing
	c.reason = reasonServerClose
	c.graceful = true
	c.queue.push(f)
	c.queued += len(f)
	c.closeQd = true
	c.startWriterLocked()
}

// pong queues the answer to a ping ahead of queued broadcasts. Pongs count
// against the queue limit, so a ping flood cannot grow memory.
func (c *client) pong(payload []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateOpen {
		return
	}
	f := appendFrame(make([]byte, 0, FrameSize(len(payload))), finPong, payload)
	if c.queued > 0 && c.queued+len(f) > c.s.cfg.QueueBytes {
		c.failLocked(reasonOverflow, c.s.overflowFrame)
		return
	}
	c.ctrl = append(c.ctrl, f)
	c.queued += len(f)
	c.startWriterLocked()
}

// ping queues a ping ahead of queued broadcasts and reports whether it
// did. A client whose queue is full gets none: it is busy, and the queue
// limits decide its fate.
func (c *client) ping(f []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state != stateOpen || (c.queued > 0 && c.queued+len(f) > c.s.cfg.QueueBytes) {
		return false
	}
	c.ctrl = append(c.ctrl, f)
	c.queued += len(f)
	c.startWriterLocked()
	return true
}

func (c *client) startWriterLocked() {
	if c.writing || c.state == stateClosed {
		return
	}
	c.writing = true
	c.s.writers.Add(1)
	go c.writeLoop()
}

// writeLoop writes queued frames until the queue is empty, then ends: only
// a client that is being written to has a goroutine. Several frames go out
// in one writev when the client is behind.
func (c *client) writeLoop() {
	s := c.s
	defer s.writers.Done()
	var batch [][]byte
	for {
		c.mu.Lock()
		if c.state == stateClosed || (len(c.ctrl) == 0 && c.queue.len() == 0) {
			c.writing = false
			c.mu.Unlock()
			return
		}
		batch = batch[:0]
		first := true
		if c.headPartial {
			// The rest of a started frame goes before any pong.
			batch = append(batch, c.queue.pop())
			c.headPartial = false
			first = false
		}
		batch = append(batch, c.ctrl...)
		clear(c.ctrl)
		c.ctrl = c.ctrl[:0]
		size := 0
		for _, p := range batch {
			size += len(p)
		}
		for ; c.queue.len() > 0; first = false {
			f := c.queue.peek()
			if !first && size+len(f) > s.cfg.WriteBatchBytes {
				break
			}
			batch = append(batch, c.queue.pop())
			size += len(f)
		}
		withClose := c.closeQd && c.queue.len() == 0
		c.mu.Unlock()

		bufs := net.Buffers(batch)
		n, err := bufs.WriteTo(c.conn)
		s.m.sentBytes.Add(uint64(n))
		clear(batch)

		c.mu.Lock()
		if c.state == stateClosed {
			c.writing = false
			c.mu.Unlock()
			return
		}
		c.queued -= size
		c.progress = time.Now()
		if err != nil {
			// Part of a frame may be on the wire: the stream is unusable.
			c.mu.Unlock()
			s.kill(c, reasonWriteError)
			c.finishWriter()
			return
		}
		if withClose {
			c.closeSent = true
			if c.peerClosed || c.fast {
				c.mu.Unlock()
				s.kill(c, reasonNone)
				c.finishWriter()
				return
			}
			if !c.graceful {
				c.timer = time.AfterFunc(s.cfg.CloseTimeout, func() { s.kill(c, reasonNone) })
			}
		}
		c.mu.Unlock()
		s.signalRoom()
	}
}

func (c *client) finishWriter() {
	c.mu.Lock()
	c.writing = false
	c.mu.Unlock()
}

// frameQueue is a FIFO ring of frames; the frames are shared by all clients
// and never written to after Broadcast built them.
type frameQueue struct {
	buf   [][]byte
	head  int
	n     int
	total int // bytes
}

func (q *frameQueue) len() int   { return q.n }
func (q *frameQueue) bytes() int { return q.total }

func (q *frameQueue) push(f []byte) {
	if q.n == len(q.buf) {
		nb := make([][]byte, max(8, 2*len(q.buf)))
		for i := 0; i < q.n; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.n)%len(q.buf)] = f
	q.n++
	q.total += len(f)
}

func (q *frameQueue) peek() []byte { return q.buf[q.head] }

func (q *frameQueue) pop() []byte {
	f := q.buf[q.head]
	q.buf[q.head] = nil
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	q.total -= len(f)
	if q.n == 0 {
		q.head = 0
	}
	return f
}

// reset empties the queue and lets a large ring go, so a client that was
// once far behind does not keep its peak memory.
func (q *frameQueue) reset() {
	if len(q.buf) > 64 {
		q.buf = nil
	} else {
		clear(q.buf)
	}
	q.head, q.n, q.total = 0, 0, 0
}
