package main

import (
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is the soft limit of the Go runtime's memory
// (debug.SetMemoryLimit) unless GOMEMLIMIT says otherwise. sniffws's state
// is bounded (-max-flows conversations, per-client queues), but with the
// default GOGC the heap still grows to twice what is live before a
// collection; the limit makes the collector run earlier instead, so that
// the process stays small at any capture size. It is soft: a larger live
// state (a higher -max-flows) goes past it, at the price of more frequent
// collections.
const defaultMemoryLimit = 48 << 20

func init() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
}
