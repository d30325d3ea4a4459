package wsserver

import (
	"time"

	"golang.org/x/sys/unix"
)

// pingLoop pings clients that have been quiet for Config.PingInterval and
// drops those that stay quiet Config.PongTimeout longer while their TCP
// stack acknowledges nothing: a peer that vanished without a FIN
// (unplugged, suspended, dropped by a firewall) otherwise holds its
// descriptor until TCP gives up, many minutes later.
func (s *Server) pingLoop() {
	defer s.pinger.Done()
	tick := max(min(s.cfg.PingInterval, s.cfg.PongTimeout)/4, 5*time.Millisecond)
	t := time.NewTicker(tick)
	defer t.Stop()
	var clients []*client
	for {
		select {
		case <-s.done:
			return
		case now := <-t.C:
			s.mu.Lock()
			clients = append(clients[:0], s.list...)
			s.mu.Unlock()
			for _, c := range clients {
				s.checkLive(c, now)
			}
			clear(clients)
		}
	}
}

// checkLive pings c or drops it; called only from pingLoop.
func (s *Server) checkLive(c *client, now time.Time) {
	last := time.Unix(0, c.lastRead.Load())
	if c.pingSent.IsZero() || last.After(c.pingSent) {
		// No ping outstanding: the client answered or was never pinged.
		c.pingSent = time.Time{}
		if now.Sub(last) >= s.cfg.PingInterval && c.ping(s.pingFrame) {
			c.pingSent = now
			s.m.pings.Add(1)
		}
		return
	}
	if now.Sub(c.pingSent) < s.cfg.PongTimeout {
		return
	}
	alive, info := s.peerAcking(c)
	if alive {
		// Its TCP stack is there: the pong waits behind data a slow
		// reader has not read yet, or the application is stalled, which
		// the queue limits deal with once there is traffic. Ping again,
		// so that a peer vanishing later is noticed too.
		c.pingSent = time.Time{}
		return
	}
	c.mu.Lock()
	if c.state == stateOpen {
		c.fast = true // it does not answer: do not wait for a close reply either
		c.failLocked(reasonPingTimeout, s.pingTimeout)
		s.logf("wsserver: %v: no answer to a ping for %v; TCP: last ack %d ms ago, %d segments unacknowledged, %d probes, %d bytes unsent",
			c.tcp.RemoteAddr(), now.Sub(c.pingSent).Round(time.Millisecond), info.Last_ack_recv, info.Unacked, info.Probes, info.Notsent_bytes)
	}
	c.mu.Unlock()
}

// peerAcking reports whether c's TCP stack is still there, from TCP_INFO.
// A live stack acknowledges what arrives within a round trip, whether or
// not its application reads, and answers zero-window probes. So the peer
// is gone when nothing was acknowledged for PongTimeout while segments
// are in flight (the ping, or data) or probes go unanswered.
func (s *Server) peerAcking(c *client) (bool, unix.TCPInfo) {
	var info *unix.TCPInfo
	var err error
	if cerr := c.raw.Control(func(fd uintptr) {
		info, err = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); cerr != nil || err != nil {
		return false, unix.TCPInfo{}
	}
	silent := time.Duration(info.Last_ack_recv)*time.Millisecond >= s.cfg.PongTimeout
	return !silent || (info.Unacked == 0 && info.Probes < 2), *info
}
