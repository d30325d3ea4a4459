package decode

import (
	"math/rand/v2"
	"testing"
)

// TestFlowIndex checks the index against a map through random inserts and
// removals, with a table small enough to wrap and grow.
func TestFlowIndex(t *testing.T) {
	var x flowIndex
	x.init()
	ref := map[flowKey]*conversation{}
	rng := rand.New(rand.NewPCG(1, 2))
	key := func() flowKey {
		// Few distinct keys, so that removals and re-inserts are frequent.
		return flowKey{proto: 6, portA: uint16(rng.IntN(3000)), portB: 80}
	}
	for i := 0; i < 200000; i++ {
		k := key()
		got := x.get(&k)
		if got != ref[k] {
			t.Fatalf("step %d: get(%v) = %p, want %p", i, k, got, ref[k])
		}
		if got == nil {
			c := &conversation{key: k}
			x.put(c)
			ref[k] = c
		} else if rng.IntN(2) == 0 {
			x.remove(got)
			delete(ref, k)
		}
		if x.n != len(ref) {
			t.Fatalf("step %d: %d entries, want %d", i, x.n, len(ref))
		}
	}
	for k, c := range ref {
		if got := x.get(&k); got != c {
			t.Fatalf("get(%v) = %p, want %p", k, got, c)
		}
	}
}
