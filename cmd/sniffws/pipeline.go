package main

import (
	"sync/atomic"
	"time"

	"sniffws/decode"
)

// recordRing hands decoded records from the goroutine that reads and
// decodes frames to the one that encodes and emits them, so that both
// cores work on a capture: decoding is most of the cost, and encoding,
// writing and broadcasting overlap with it. It is a single-producer,
// single-consumer ring of Records whose buffers are reused.
//
// A record is visible to the consumer as soon as it is published. Waking
// the consumer for every record would cost the producer more than the
// record itself, so an idle consumer first naps: a batch of records or
// the end of a short nap wakes it. After naps that found nothing it sleeps
// until the next record, which then wakes it at once, so a trickle of
// frames (a paced replay, a slow pipe) is not held back. (Live capture
// does without the ring: see runFrames.)
type recordRing struct {
	recs []decode.Record
	mask uint64
	// head is the number of records published, tail the number consumed.
	head, tail atomic.Uint64
	// batch is how many waiting records wake a sleeping consumer.
	batch uint64

	// Each side announces that it is about to wait, then checks again;
	// the other side wakes it through its channel after publishing or
	// consuming. Whoever takes the token resets the state.
	consumer                   atomic.Int32 // consumerAwake, consumerNapping or consumerAsleep
	producerAsleep             atomic.Bool
	wakeConsumer, wakeProducer chan struct{}

	closed  atomic.Bool   // the producer is done
	stopped atomic.Bool   // the consumer is done
	quit    chan struct{} // closed when the consumer is done
}

// recordSink takes decoded records in order: slot gives the record to fill
// (nil once the sink has failed), publish hands it over.
type recordSink interface {
	slot() *decode.Record
	publish()
}

// inlineSink emits each record at once, from the decoding goroutine.
type inlineSink struct {
	rec  decode.Record
	emit func(*decode.Record) error
	err  error
}

func (s *inlineSink) slot() *decode.Record {
	if s.err != nil {
		return nil
	}
	return &s.rec
}

func (s *inlineSink) publish() { s.err = s.emit(&s.rec) }

// ringSize records: enough to ride over a short stall of the consumer
// (a client write), small enough to stay in cache.
const ringSize = 1024

// Consumer states.
const (
	consumerAwake   = iota
	consumerNapping // a batch or the nap's end wakes it
	consumerAsleep  // any record wakes it
)

// napTime bounds how long a published record can wait for a napping
// consumer; naps is how many empty naps come before sleeping.
const (
	napTime = time.Millisecond
	naps    = 2
)

func newRecordRing() *recordRing {
	return &recordRing{
		recs:         make([]decode.Record, ringSize),
		mask:         ringSize - 1,
		batch:        ringSize / 8,
		wakeConsumer: make(chan struct{}, 1),
		wakeProducer: make(chan struct{}, 1),
		quit:         make(chan struct{}),
	}
}

// slot returns the record to fill next, waiting while the ring is full.
// It returns nil when the consumer has stopped.
func (r *recordRing) slot() *decode.Record {
	if r.stopped.Load() {
		return nil
	}
	h := r.head.Load()
	for h-r.tail.Load() == uint64(len(r.recs)) {
		r.producerAsleep.Store(true)
		if h-r.tail.Load() < uint64(len(r.recs)) {
			r.producerAsleep.Store(false)
			break
		}
		select {
		case <-r.wakeProducer:
		case <-r.quit:
			return nil
		}
	}
	return &r.recs[h&r.mask]
}

// publish makes the record returned by slot visible to the consumer.
func (r *recordRing) publish() {
	h := r.head.Add(1)
	switch r.consumer.Load() {
	case consumerNapping:
		if h-r.tail.Load() >= r.batch {
			r.wakeConsumerFrom(consumerNapping)
		}
	case consumerAsleep:
		r.wakeConsumerFrom(consumerAsleep)
	}
}

// close tells the consumer that nothing more comes.
func (r *recordRing) close() {
	r.closed.Store(true)
	r.wakeConsumerFrom(consumerNapping)
	r.wakeConsumerFrom(consumerAsleep)
}

func (r *recordRing) wakeConsumerFrom(state int32) {
	if r.consumer.CompareAndSwap(state, consumerAwake) {
		notify(r.wakeConsumer)
	}
}

func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// consume calls fn on every record in order until the producer closes the
// ring and everything is consumed, or fn fails.
func (r *recordRing) consume(fn func(*decode.Record) error) error {
	defer func() {
		r.stopped.Store(true)
		close(r.quit)
	}()
	nap := time.NewTimer(napTime)
	nap.Stop()
	empty := 0 // naps in a row that found nothing
	t := r.tail.Load()
	for {
		h := r.head.Load()
		if h == t {
			if r.closed.Load() {
				if h = r.head.Load(); h == t {
					return nil
				}
				continue
			}
			state := int32(consumerNapping)
			if empty >= naps {
				state = consumerAsleep
			}
			r.consumer.Store(state)
			if h = r.head.Load(); h != t || r.closed.Load() {
				r.consumer.Store(consumerAwake)
				continue
			}
			if state == consumerAsleep {
				<-r.wakeConsumer
				continue
			}
			nap.Reset(napTime)
			select {
			case <-r.wakeConsumer:
			case <-nap.C:
				r.consumer.CompareAndSwap(consumerNapping, consumerAwake)
				if r.head.Load() == t {
					empty++
				}
			}
			continue
		}
		empty = 0
		for ; t != h; t++ {
			if err := fn(&r.recs[t&r.mask]); err != nil {
				return err
			}
			// Free the slots in steps, so the producer is not woken for
			// every record.
			if t&63 == 63 {
				r.release(t + 1)
			}
		}
		r.release(t)
	}
}

func (r *recordRing) release(t uint64) {
	r.tail.Store(t)
	if r.producerAsleep.Load() && r.producerAsleep.CompareAndSwap(true, false) {
		notify(r.wakeProducer)
	}
}
