package sniff

import (
	"context"
	"math/rand/v2"
	"strconv"
	"time"
)

// Demo is the old random demo stream (SPEC §1.1): a link between two of 26
// nodes, every random()*3 seconds, laid out as Python's json.dumps did:
//
//	{"source": 3, "target": 17, "time": "2024-03-14T08:26:53.120384Z", "group": 2, "value": 5}
type Demo struct {
	rng *rand.Rand
	// Now is the clock for the "time" key; time.Now unless a test sets it.
	Now func() time.Time
	// MaxPause is the longest pause between messages (3s, as before).
	MaxPause time.Duration
}

// NewDemo returns a demo stream drawing from rng; nil means a randomly
// seeded generator. Tests pass rand.New(rand.NewPCG(1, 2)).
func NewDemo(rng *rand.Rand) *Demo {
	if rng == nil {
		rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return &Demo{rng: rng, Now: time.Now, MaxPause: 3 * time.Second}
}

// AppendMessage appends the next message: source and target in 0..25,
// group and value in 1..5, time as datetime.utcnow().isoformat() + "Z".
func (d *Demo) AppendMessage(dst []byte) []byte {
	dst = append(dst, `{"source": `...)
	dst = strconv.AppendInt(dst, int64(d.rng.IntN(26)), 10)
	dst = append(dst, `, "target": `...)
	dst = strconv.AppendInt(dst, int64(d.rng.IntN(26)), 10)
	dst = append(dst, `, "time": "`...)
	dst = appendUTCISO(dst, d.Now())
	dst = append(dst, `Z", "group": `...)
	dst = strconv.AppendInt(dst, int64(1+d.rng.IntN(5)), 10)
	dst = append(dst, `, "value": `...)
	dst = strconv.AppendInt(dst, int64(1+d.rng.IntN(5)), 10)
	return append(dst, '}')
}

// Pause is the wait before the next message: random() * MaxPause.
func (d *Demo) Pause() time.Duration {
	return time.Duration(d.rng.Float64() * float64(d.MaxPause))
}

// Run emits a message, pauses, and repeats until ctx ends; it returns
// ctx.Err(). msg is reused after emit returns.
func (d *Demo) Run(ctx context.Context, emit func(msg []byte)) error {
	var buf []byte
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for {
		buf = d.AppendMessage(buf[:0])
		emit(buf)
		timer.Reset(d.Pause())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// appendUTCISO appends t in UTC as a naive datetime.isoformat(): no offset,
// microseconds only when non-zero.
func appendUTCISO(dst []byte, t time.Time) []byte {
	t = t.UTC().Truncate(time.Microsecond)
	return harTime{wall: t, naive: true}.appendISO(dst)
}
