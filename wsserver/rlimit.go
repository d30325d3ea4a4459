package wsserver

import "syscall"

// RaiseFileLimit raises the soft limit on open descriptors (RLIMIT_NOFILE)
// to the hard limit and returns the soft limit now in force. Every client
// is one descriptor; the Go runtime already does this at start-up since Go
// 1.19, but calling it makes the limit explicit and reportable.
func RaiseFileLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, err
	}
	if lim.Cur < lim.Max {
		lim.Cur = lim.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			return 0, err
		}
	}
	return lim.Cur, nil
}
