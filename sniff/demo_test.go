package sniff

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

func TestDemoMessages(t *testing.T) {
	tests := []struct {
		name string
		now  time.Time
		time string
	}{
		{
			name: "microseconds",
			now:  time.Date(2024, 3, 14, 9, 26, 53, 120384999, time.FixedZone("CET", 3600)),
			time: "2024-03-14T08:26:53.120384Z",
		},
		{
			name: "whole second",
			now:  time.Date(2024, 3, 14, 8, 26, 53, 999, time.UTC),
			time: "2024-03-14T08:26:53Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewDemo(rand.New(rand.NewPCG(1, 2)))
			d.Now = func() time.Time { return tt.now }
			seen := map[string]map[int]bool{"source": {}, "target": {}, "group": {}, "value": {}}
			for i := 0; i < 2000; i++ {
				msg := d.AppendMessage(nil)
				var m struct {
					Source, Target, Group, Value *int
					Time                         string
				}
				if err := json.Unmarshal(msg, &m); err != nil {
					t.Fatalf(
						"message %s: %v",
						msg, err)
				}
				if m.Time != tt.time {
					t.Fatalf(
						"time %q, want %q",
						m.Time, tt.time)
				}
				for key, v := range map[string]*int{"source": m.Source, "target": m.Target, "group": m.Group, "value": m.Value} {
					if v == nil {
						t.Fatalf(
							"no %s in %s",
							key, msg)
					}
					seen[key][*v] = true
				}
			}
			ranges := map[string][2]int{"source": {0, 25}, "target": {0, 25}, "group": {1, 5}, "value": {1, 5}}
			for key, r := range ranges {
				for v := range seen[key] {
					if v < r[0] || v > r[1] {
						t.Errorf(
							"%s %d outside %d..%d",
							key, v, r[0], r[1])
					}
				}
				if len(seen[key]) != r[1]-r[0]+1 {
					t.Errorf(
						"%s took %d distinct values, want %d",
						key, len(seen[key]), r[1]-r[0]+1)
				}
			}
		})
	}
}

func TestDemoIsSeedable(t *testing.T) {
	a := NewDemo(rand.New(rand.NewPCG(7, 7)))
	b := NewDemo(rand.New(rand.NewPCG(7, 7)))
	fixed := func() time.Time { return time.Unix(0, 0) }
	a.Now, b.Now = fixed, fixed
	for i := 0; i < 100; i++ {
		if ma, mb := string(a.AppendMessage(nil)), string(b.AppendMessage(nil)); ma != mb {
			t.Fatalf(
				"same seed, different messages: %s vs %s",
				ma, mb)
		}
		if pa, pb := a.Pause(), b.Pause(); pa != pb || pa < 0 || pa >= 3*time.Second {
			t.Fatalf(
				"pauses %v %v",
				pa, pb)
		}
	}
	want := `{"source": `
	if got := string(a.AppendMessage(nil)); got[:len(want)] != want {
		t.Errorf(
			"layout %s",
			got)
	}
}

func TestDemoRun(t *testing.T) {
	d := NewDemo(rand.New(rand.NewPCG(3, 4)))
	d.MaxPause = time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := d.Run(ctx, func(msg []byte) {
		if !json.Valid(msg) {
			t.Errorf(
				"invalid JSON %s",
				msg)
		}
		if n++; n == 20 {
			cancel()
		}
	})
	if err != context.Canceled || n != 20 {
		t.Errorf(
			"Run: %v after %d messages",
			err, n)
	}
}
