package decode

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"time"
)

// flowKey identifies a conversation regardless of direction: the endpoint
// with the smaller (address, port) comes first.
type flowKey struct {
	proto        uint8
	addrA, addrB [16]byte
	portA, portB uint16
}

func makeFlowKey(proto uint8, src, dst address, sport, dport uint16) (flowKey, bool) {
	k := flowKey{proto: proto, addrA: src.b, addrB: dst.b, portA: sport, portB: dport}
	swapped := false
	if c := compareEndpoint(src.b, sport, dst.b, dport); c > 0 {
		k.addrA, k.addrB, k.portA, k.portB = dst.b, src.b, dport, sport
		swapped = true
	}
	return k, swapped
}

func compareEndpoint(a [16]byte, ap uint16, b [16]byte, bp uint16) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case ap < bp:
		return -1
	case ap > bp:
		return 1
	}
	return 0
}

// conversation is the state kept for one TCP or UDP conversation: the
// dissector bound to it (Wireshark's conversation_set_dissector), TCP's
// per-direction analysis, and what application dissectors remember.
type conversation struct {
	key      flowKey
	hash     uint64 // of key, for the flow index
	lastSeen int64  // capture time, ns
	prev     *conversation
	next     *conversation

	// dissector, when set, takes every payload of the conversation.
	dissector appDissector
	// tcp is TCP's state; nil for UDP.
	tcp *tcpConversation
	// app holds application state by protocol name.
	app map[string]any
}

// appState returns the application state stored under name, creating it
// with mk on first use.
func appState[T any](c *conversation, name string, mk func() *T) *T {
	if c.app == nil {
		c.app = make(map[string]any, 2)
	}
	if v, ok := c.app[name]; ok {
		return v.(*T)
	}
	v := mk()
	c.app[name] = v
	return v
}

// flowTable holds conversations, least recently used last; the capacity
// and idle limits keep a long live capture from growing without bound.
type flowTable struct {
	byKey flowIndex
	head  conversation // sentinel: head.next is the most recent
	max   int
	idle  int64
	// last is the conversation found or made last: consecutive frames
	// mostly belong to one conversation, and comparing a key costs less
	// than hashing it.
	last *conversation
}

func (f *flowTable) init(max int, idle time.Duration) {
	f.byKey.init()
	f.head.next, f.head.prev = &f.head, &f.head
	f.max = max
	f.idle = int64(idle)
}

// lookup finds a conversation, refreshing its age.
func (f *flowTable) lookup(k flowKey, now int64) *conversation {
	c := f.last
	if c == nil || c.key != k {
		if c = f.byKey.get(&k); c == nil {
			return nil
		}
		f.last = c
	}
	c.lastSeen = now
	if f.head.next != c {
		f.unlink(c)
		f.pushFront(c)
	}
	return c
}

// create adds a fresh conversation (replacing any with the same key),
// first forgetting idle ones and, beyond capacity, the least recent.
func (f *flowTable) create(k flowKey, now int64) *conversation {
	if old := f.byKey.get(&k); old != nil {
		f.unlink(old)
		f.byKey.remove(old)
	}
	f.expire(now)
	c := &conversation{key: k, lastSeen: now}
	f.byKey.put(c)
	f.pushFront(c)
	f.last = c
	return c
}

func (f *flowTable) expire(now int64) {
	for n := 0; n < 64; n++ { // bounded work per call
		last := f.head.prev
		if last == &f.head {
			return
		}
		if f.byKey.n < f.max && (f.idle <= 0 || now-last.lastSeen <= f.idle) {
			return
		}
		f.unlink(last)
		f.byKey.remove(last)
		if f.last == last {
			f.last = nil
		}
	}
}

func (f *flowTable) unlink(c *conversation) {
	c.prev.next = c.next
	c.next.prev = c.prev
	c.prev, c.next = nil, nil
}

func (f *flowTable) pushFront(c *conversation) {
	c.next = f.head.next
	c.prev = &f.head
	f.head.next.prev = c
	f.head.next = c
}

// flowIndex finds conversations by key. It is an open-addressing table of
// pointers (the key lives in the conversation), linear probing, at most
// half full, with deletion by backward shift so that the flow table's
// steady turnover leaves no tombstones: 8 bytes a slot, where a Go map
// would hold a copy of each 38-byte key as well.
type flowIndex struct {
	slots []*conversation
	n     int
	seed  [5]uint64 // per decoder, so crafted traffic cannot aim at collisions
}

func (x *flowIndex) init() {
	x.slots = make([]*conversation, 1024)
	for i := range x.seed {
		x.seed[i] = rand.Uint64()
	}
}

// hashKey mixes the key's words with the seed, multiplying pairs of words
// into 128 bits and folding (as wyhash does).
func (x *flowIndex) hashKey(k *flowKey) uint64 {
	le := binary.LittleEndian
	w4 := uint64(k.proto)<<32 | uint64(k.portA)<<16 | uint64(k.portB)
	h := mix(le.Uint64(k.addrA[0:])^x.seed[0], le.Uint64(k.addrA[8:])^x.seed[1])
	h ^= mix(le.Uint64(k.addrB[0:])^x.seed[2], le.Uint64(k.addrB[8:])^x.seed[3])
	return mix(h^w4, x.seed[4])
}

func mix(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	return hi ^ lo
}

func (x *flowIndex) get(k *flowKey) *conversation {
	h := x.hashKey(k)
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		c := x.slots[i]
		if c == nil {
			return nil
		}
		if c.hash == h && c.key == *k {
			return c
		}
	}
}

// put adds c, whose key is not in the index.
func (x *flowIndex) put(c *conversation) {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
	c.hash = x.hashKey(&c.key)
	x.insert(c)
	x.n++
}

func (x *flowIndex) insert(c *conversation) {
	mask := uint64(len(x.slots) - 1)
	i := c.hash & mask
	for x.slots[i] != nil {
		i = (i + 1) & mask
	}
	x.slots[i] = c
}

func (x *flowIndex) grow() {
	old := x.slots
	x.slots = make([]*conversation, 2*len(old))
	for _, c := range old {
		if c != nil {
			x.insert(c)
		}
	}
}

// remove takes c out; the entries after it in its probe run move back
// into the hole when their home slot allows.
func (x *flowIndex) remove(c *conversation) {
	mask := uint64(len(x.slots) - 1)
	i := c.hash & mask
	for x.slots[i] != c {
		if x.slots[i] == nil {
			return // not indexed
		}
		i = (i + 1) & mask
	}
	for j := (i + 1) & mask; ; j = (j + 1) & mask {
		d := x.slots[j]
		if d == nil {
			break
		}
		home := d.hash & mask
		// d may fill the hole at i unless its home lies cyclically in (i, j].
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			x.slots[i] = d
			i = j
		}
	}
	x.slots[i] = nil
	x.n--
}
