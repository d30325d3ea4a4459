package wsserver

import (
	"strconv"
	"sync/atomic"
)

// reason is why a client was disconnected; it labels the disconnect counter.
type reason uint8

const (
	reasonNone        reason = iota
	reasonClientClose        // the client sent a close frame
	reasonPeerGone           // the TCP connection ended or failed without one
	reasonWriteError         // a write failed or timed out
	reasonOverflow           // the client's queue overflowed (too slow)
	reasonStalled            // no write progress for Config.StallTimeout while BroadcastWait waited
	reasonProtocol           // malformed frame from the client
	reasonTooBig             // client frame over Config.MaxFrameBytes
	reasonServerClose        // Server.Close
	reasonPingTimeout        // no answer to a ping within Config.PongTimeout
	numReasons
)

var reasonNames = [numReasons]string{
	reasonNone:        "none",
	reasonClientClose: "client_close",
	reasonPeerGone:    "peer_gone",
	reasonWriteError:  "write_error",
	reasonOverflow:    "queue_overflow",
	reasonStalled:     "stalled",
	reasonProtocol:    "protocol_error",
	reasonTooBig:      "frame_too_big",
	reasonServerClose: "server_close",
	reasonPingTimeout: "ping_timeout",
}

// rejection is why a connection was refused before it became a client.
type rejection uint8

const (
	rejectFull         rejection = iota // Config.MaxClients reached (503)
	rejectUnauthorized                  // missing or wrong Config.Token (401)
	rejectOrigin                        // Origin not in Config.Origins (403)
	numRejections
)

var rejectionNames = [numRejections]string{
	rejectFull:         "too_many_clients",
	rejectUnauthorized: "unauthorized",
	rejectOrigin:       "forbidden_origin",
}

func (r reason) String() string {
	if r < numReasons {
		return reasonNames[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}

// metrics are the server's counters; atomics so /metrics and Stats read
// them without taking the broadcast lock.
type metrics struct {
	connections     atomic.Uint64
	messages        atomic.Uint64
	messageBytes    atomic.Uint64
	sentBytes       atomic.Uint64
	dropped         atomic.Uint64
	handshakeErrors atomic.Uint64
	httpRequests    atomic.Uint64
	pings           atomic.Uint64
	disconnects     [numReasons]atomic.Uint64
	rejected        [numRejections]atomic.Uint64
}

// Stats is a snapshot of the server's counters.
type Stats struct {
	Clients         int               // clients connected now
	Connections     uint64            // WebSocket upgrades accepted
	Messages        uint64            // Broadcast/BroadcastWait calls accepted
	MessageBytes    uint64            // payload bytes of those messages
	SentBytes       uint64            // bytes written to all clients (frames, control frames)
	Dropped         uint64            // frames discarded from the queues of clients that were cut off
	HandshakeErrors uint64            // failed upgrades and unreadable requests
	HTTPRequests    uint64            // non-upgrade requests answered
	Pings           uint64            // pings sent to quiet clients
	Disconnects     map[string]uint64 // by reason: client_close, peer_gone, queue_overflow, ...
	Rejected        map[string]uint64 // by reason: too_many_clients, unauthorized, forbidden_origin
}

// Stats returns the current counters.
func (s *Server) Stats() Stats {
	st := Stats{
		Clients:         s.Clients(),
		Connections:     s.m.connections.Load(),
		Messages:        s.m.messages.Load(),
		MessageBytes:    s.m.messageBytes.Load(),
		SentBytes:       s.m.sentBytes.Load(),
		Dropped:         s.m.dropped.Load(),
		HandshakeErrors: s.m.handshakeErrors.Load(),
		HTTPRequests:    s.m.httpRequests.Load(),
		Pings:           s.m.pings.Load(),
		Disconnects:     make(map[string]uint64, numReasons),
		Rejected:        make(map[string]uint64, numRejections),
	}
	for r := reasonClientClose; r < numReasons; r++ {
		st.Disconnects[r.String()] = s.m.disconnects[r].Load()
	}
	for r := rejection(0); r < numRejections; r++ {
		st.Rejected[rejectionNames[r]] = s.m.rejected[r].Load()
	}
	return st
}

// AppendMetrics appends the server's counters in the Prometheus text
// exposition format (version 0.0.4), then Config.ExtraMetrics' output.
func (s *Server) AppendMetrics(dst []byte) []byte {
	p := s.cfg.MetricsPrefix
	dst = appendMetric(dst, p, "clients", "gauge", "WebSocket clients connected now.", uint64(s.Clients()))
	dst = appendMetric(dst, p, "connections_total", "counter", "WebSocket upgrades accepted.", s.m.connections.Load())
	dst = appendMetric(dst, p, "messages_total", "counter", "Messages broadcast.", s.m.messages.Load())
	dst = appendMetric(dst, p, "message_bytes_total", "counter", "Payload bytes of the messages broadcast.", s.m.messageBytes.Load())
	dst = appendMetric(dst, p, "sent_bytes_total", "counter", "Bytes written to clients.", s.m.sentBytes.Load())
	dst = appendMetric(dst, p, "dropped_frames_total", "counter", "Frames discarded from the queues of clients that were cut off.", s.m.dropped.Load())
	dst = appendMetric(dst, p, "handshake_errors_total", "counter", "Failed upgrades and unreadable requests.", s.m.handshakeErrors.Load())
	dst = appendMetric(dst, p, "http_requests_total", "counter", "Non-upgrade HTTP requests answered.", s.m.httpRequests.Load())
	dst = appendMetric(dst, p, "pings_total", "counter", "Pings sent to quiet clients.", s.m.pings.Load())
	dst = appendMetric(dst, p, "max_clients", "gauge", "Connections the server holds at most (-max-clients).", uint64(s.cfg.MaxClients))
	dst = appendHelp(dst, p, "rejected_total", "counter", "Connections refused before upgrading, by reason.")
	for r := rejection(0); r < numRejections; r++ {
		dst = append(dst, p...)
		dst = append(dst, `rejected_total{reason="`...)
		dst = append(dst, rejectionNames[r]...)
		dst = append(dst, `"} `...)
		dst = strconv.AppendUint(dst, s.m.rejected[r].Load(), 10)
		dst = append(dst, '\n')
	}
	dst = appendHelp(dst, p, "disconnects_total", "counter", "Clients disconnected, by reason.")
	for r := reasonClientClose; r < numReasons; r++ {
		dst = append(dst, p...)
		dst = append(dst, `disconnects_total{reason="`...)
		dst = append(dst, r.String()...)
		dst = append(dst, `"} `...)
		dst = strconv.AppendUint(dst, s.m.disconnects[r].Load(), 10)
		dst = append(dst, '\n')
	}
	if f := s.cfg.ExtraMetrics; f != nil {
		dst = f(dst)
	}
	return dst
}

func appendHelp(dst []byte, prefix, name, typ, help string) []byte {
	dst = append(dst, "# HELP "...)
	dst = append(dst, prefix...)
	dst = append(dst, name...)
	dst = append(dst, ' ')
	dst = append(dst, help...)
	dst = append(dst, "\n# TYPE "...)
	dst = append(dst, prefix...)
	dst = append(dst, name...)
	dst = append(dst, ' ')
	dst = append(dst, typ...)
	return append(dst, '\n')
}

func appendMetric(dst []byte, prefix, name, typ, help string, v uint64) []byte {
	dst = appendHelp(dst, prefix, name, typ, help)
	dst = append(dst, prefix...)
	dst = append(dst, name...)
	dst = append(dst, ' ')
	dst = strconv.AppendUint(dst, v, 10)
	return append(dst, '\n')
}
