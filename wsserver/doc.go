// Package wsserver fans messages out to WebSocket clients: every message is
// framed once and the same bytes are queued to every client, in the same
// order for all. It knows nothing of packets; it moves opaque messages.
//
// Linux only: client reads go through one epoll instance (easygo's
// netpoll.Epoll) on the descriptor obtained from SyscallConn, never a dup,
// so an idle client costs no goroutine and no buffer, the socket stays
// non-blocking and deadlines keep working. A client has a writer goroutine
// only while frames are queued for it; that goroutine is the only one that
// writes to the connection (the read path queues its pongs and close
// replies under the same per-client lock), and it writes several frames per
// writev when the client is behind.
//
// Wiring, as cmd/sniffws uses it:
//
//	srv, err := wsserver.Listen("127.0.0.1:5678", wsserver.Config{
//		Backlog:      backlogN,                // -backlog N
//		ExtraMetrics: appendCaptureCounters,   // packets, decode errors, skipped lines
//	})
//	// finite inputs (-r, -stdin, -har): -wait N, default 1
//	err = srv.WaitClients(ctx, n)
//	for each message { err = srv.BroadcastWait(ctx, msg) } // paced by the slowest client
//	srv.Close(wsserver.StatusNormalClosure, "end of input", 5*time.Second)
//	// endless inputs (-i, -demo): -wait 0
//	for each message { srv.Broadcast(msg) } // never blocks; slow clients are cut off
//	// on SIGINT/SIGTERM
//	srv.Close(wsserver.StatusGoingAway, "server shutting down", 2*time.Second)
//
// Broadcast never blocks: a client whose queue (Config.QueueBytes) would
// overflow gets close 1008 and is dropped. BroadcastWait instead waits for
// room in every queue, cutting off only a client that made no progress for
// Config.StallTimeout. Close flushes each client's queue, sends the close
// frame, waits for the replies and drops what remains at the timeout.
//
// Non-upgrade requests on the same port: GET /metrics (Prometheus text),
// GET /healthz, Config.Page for anything else, else 404. Client frames:
// ping is answered with pong, close with close, data is ignored, a frame
// over Config.MaxFrameBytes (4 KiB) gets close 1009, a malformed one 1002.
//
// Exposure and faults: Config.Token (Bearer header or ?token=, compared in
// constant time) guards upgrades and /metrics; Config.Origins keeps other
// sites' pages out; Config.TLS serves wss and https on the same port, with
// one reading goroutine per TLS client (crypto/tls reads through the Go
// runtime, not through our epoll). Config.MaxClients bounds the
// connections held, handshakes included (503 beyond), and
// MaxRequestBytes/HandshakeTimeout bound each handshake. A client from
// which nothing arrived for Config.PingInterval is pinged and dropped
// after Config.PongTimeout more without an answer if TCP_INFO shows that
// its TCP stack acknowledged nothing meanwhile (close 1008): this finds
// peers that vanished without a FIN, never a slow but live reader.
// Accept errors (out of descriptors) back off up to a second and retry.
package wsserver
