package wsserver

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"
)

// benchPayload is the size of a typical packet message (SPEC §3 keys with
// a short Info and an absolute time).
var benchPayload = []byte(`{"wsColNo":"4","wsColTime":"0.030248","source":"172.16.16.128","target":"74.125.95.104",` +
	`"wsColProtocol":"HTTP","wsColLength":"681","wsColInfo":"GET / HTTP/1.1 ","time":"2010-01-05T22:06:07.123456Z"}`)

func BenchmarkAppendTextFrame(b *testing.B) {
	b.SetBytes(int64(len(benchPayload)))
	b.ReportAllocs()
	buf := make([]byte, 0, FrameSize(len(benchPayload)))
	for i := 0; i < b.N; i++ {
		buf = AppendTextFrame(buf[:0], benchPayload)
	}
}

// BenchmarkBroadcast measures messages per second delivered to every
// client over loopback, the clients draining as fast as they can. The time
// includes waiting until every byte has been written.
//
//	go test -run '^$' -bench Broadcast -benchmem ./wsserver/
func BenchmarkBroadcast(b *testing.B) {
	for _, clients := range []int{1, 10} {
		for _, wait := range []bool{false, true} {
			name := fmt.Sprintf("clients=%d/Broadcast", clients)
			if wait {
				name = fmt.Sprintf("clients=%d/BroadcastWait", clients)
			}
			b.Run(name, func(b *testing.B) { benchmarkBroadcast(b, clients, wait) })
		}
	}
}

func benchmarkBroadcast(b *testing.B, clients int, wait bool) {
	// Broadcast must not cut anyone off while the readers catch up, so
	// its queue is large; BroadcastWait uses the default.
	cfg := Config{}
	if !wait {
		cfg.QueueBytes = 1 << 30
	}
	s := startServer(b, cfg)
	for i := 0; i < clients; i++ {
		c := dial(b, s)
		go func() { _, _ = io.Copy(io.Discard, c.conn) }()
	}
	ctx := context.Background()
	if err := s.WaitClients(ctx, clients); err != nil {
		b.Fatal(err)
	}
	frame := uint64(FrameSize(len(benchPayload)))
	b.SetBytes(int64(len(benchPayload)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if wait {
			if err := s.BroadcastWait(ctx, benchPayload); err != nil {
				b.Fatal(err)
			}
		} else {
			s.Broadcast(benchPayload)
		}
	}
	want := uint64(b.N) * frame * uint64(clients)
	for s.Stats().SentBytes < want {
		if s.Clients() != clients {
			b.Fatalf(
				"a client was cut off: %+v",
				s.Stats())
		}
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
