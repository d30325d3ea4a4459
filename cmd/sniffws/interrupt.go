package main

import (
	"context"
	"io"
)

// interruptibleReader lets a signal end a read of standard input that
// would otherwise block until the writer sends more (an idle tshark pipe):
// Read returns ctx.Err() as soon as ctx ends. The read under way goes on
// in its goroutine; its bytes are delivered by the next Read, if any.
type interruptibleReader struct {
	ctx     context.Context
	r       io.Reader
	buf     []byte
	results chan readResult
	pending bool
}

type readResult struct {
	n   int
	err error
}

func newInterruptibleReader(ctx context.Context, r io.Reader) *interruptibleReader {
	return &interruptibleReader{ctx: ctx, r: r, results: make(chan readResult, 1)}
}

func (ir *interruptibleReader) Read(p []byte) (int, error) {
	if err := ir.ctx.Err(); err != nil {
		return 0, err
	}
	if !ir.pending {
		// The goroutine reads into a buffer of its own: p may be reused
		// by the caller if this Read returns early.
		if len(ir.buf) < min(len(p), 64<<10) {
			ir.buf = make([]byte, min(len(p), 64<<10))
		}
		buf := ir.buf[:min(len(p), len(ir.buf))]
		ir.pending = true
		go func() {
			n, err := ir.r.Read(buf)
			ir.results <- readResult{n, err}
		}()
	}
	select {
	case res := <-ir.results:
		ir.pending = false
		copy(p, ir.buf[:res.n])
		return res.n, res.err
	case <-ir.ctx.Done():
		return 0, ir.ctx.Err()
	}
}
