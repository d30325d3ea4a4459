package decode

import "time"

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
	lastSeen int64 // capture time, ns
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
	byKey map[flowKey]*conversation
	head  conversation // sentinel: head.next is the most recent
	max   int
	idle  int64
	// last is the conversation found or made last: consecutive frames
	// mostly belong to one conversation, and comparing a key costs less
	// than hashing it.
	last *conversation
}

func (f *flowTable) init(max int, idle time.Duration) {
	f.byKey = make(map[flowKey]*conversation)
	f.head.next, f.head.prev = &f.head, &f.head
	f.max = max
	f.idle = int64(idle)
}

func (f *flowTable) len() int { return len(f.byKey) }

// lookup finds a conversation, refreshing its age.
func (f *flowTable) lookup(k flowKey, now int64) *conversation {
	c := f.last
	if c == nil || c.key != k {
		if c = f.byKey[k]; c == nil {
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
	if old := f.byKey[k]; old != nil {
		f.unlink(old)
		delete(f.byKey, k)
	}
	f.expire(now)
	c := &conversation{key: k, lastSeen: now}
	f.byKey[k] = c
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
		if len(f.byKey) < f.max && (f.idle <= 0 || now-last.lastSeen <= f.idle) {
			return
		}
		f.unlink(last)
		delete(f.byKey, last.key)
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
