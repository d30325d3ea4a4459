// Package viewer is the live viewer that sniffws serves on the same address
// as its WebSocket stream (http://127.0.0.1:5678/): a page that draws hosts
// and conversations as a force-directed graph, lists the packets in a table
// with a quick filter, and shows the stream's counters.
//
// The page is plain HTML, CSS and JavaScript embedded in the binary: no
// build step and nothing loaded from elsewhere, so it works offline. It
// reads the same stream and message contract as DynaGraph (one JSON object
// per message; source and target are the nodes; the seven tshark columns
// when present, sourceGroup/targetGroup/group and value otherwise), so it is
// also the reference client of that contract. It polls /metrics for the
// server's counters and reconnects by itself with backoff.
//
// To stay smooth at thousands of packets per second, a worker
// (static/stream-worker.js) reads the socket, parses each message and
// aggregates them into batches (rows, and one entry per conversation and
// protocol); the page applies a batch every 50 ms and draws at a fixed
// frame rate (30/s) with requestAnimationFrame. The graph keeps at most
// nodes=N hosts and links=N conversations, evicting the least recently
// seen; the table keeps the last rows=N packets and renders only the rows
// on screen. Counts are published as data-* attributes of <body> (rows,
// nodes, packets, state, closeCode...), which the browser test reads.
//
// Wiring, as cmd/sniffws uses it:
//
//	wsserver.Listen(addr, wsserver.Config{Page: viewer.Page})
//
// Query parameters of the page: ws=URL reads another stream, nodes=N and
// links=N bound the graph (the least recently seen are evicted first),
// rows=N bounds the table, filter=TEXT sets the quick filter.
package viewer
