package wsserver

import (
	"time"

	"golang.org/x/sys/unix"
)

// pingLoop pings clients that have been quiet for Config.PingInterval and
// drops those that stay quiet Config.PongTimeout longer: a peer that
// vanished without a FIN (unplugged, suspended, dropped by a firewall)
// otherwise holds its descriptor until TCP gives up, many minutes later.
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
		if now.Sub(last) >= s.cfg.PingInterval {
			c.pingSent = now
			s.m.pings.Add(1)
			c.ping(s.pingFrame)
		}
		return
	}
	if now.Sub(c.pingSent) < s.cfg.PongTimeout || s.busyButAcking(c) {
		return
	}
	c.mu.Lock()
	if c.state == stateOpen {
		c.fast = true // it does not answer: do not wait for a close reply either
		c.failLocked(reasonPingTimeout, s.pingTimeout)
	}
	c.mu.Unlock()
}

// busyButAcking reports whether data is still on its way to c and its TCP
// stack acknowledged some within PongTimeout: then the pong may just be
// waiting behind that data in a slow reader, which is alive.
func (s *Server) busyButAcking(c *client) bool {
	c.mu.Lock()
	queued := c.queued
	c.mu.Unlock()
	var info *unix.TCPInfo
	var err error
	if cerr := c.raw.Control(func(fd uintptr) {
		info, err = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); cerr != nil || err != nil {
		return false
	}
	busy := queued > 0 || info.Unacked > 0 || info.Notsent_bytes > 0
	return busy && time.Duration(info.Last_ack_recv)*time.Millisecond < s.cfg.PongTimeout
}
