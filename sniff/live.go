package sniff

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/pcap"

	"sniffws/decode"
)

// LiveConfig says how to open a live capture.
type LiveConfig struct {
	Interface string
	// Snaplen is the largest number of bytes kept per packet (0: 262144).
	Snaplen int
	// NoPromisc leaves the interface out of promiscuous mode (tcpdump -p).
	NoPromisc bool
	// BufferSize is the kernel capture buffer in bytes (0: 32 MiB); a
	// generous buffer avoids drops when the consumer is briefly slow.
	BufferSize int
	// Filter is a BPF capture filter in pcap-filter syntax.
	Filter string
}

// Defaults for LiveConfig.
const (
	DefaultSnaplen    = 262144
	DefaultBufferSize = 32 << 20
	// pollInterval bounds how long Next waits before noticing Stop.
	pollInterval = 100 * time.Millisecond
	// ifaceCheckInterval is how often a quiet capture checks that its
	// interface is still there and up.
	ifaceCheckInterval = time.Second
)

// LiveSource captures from a network interface through libpcap, in
// immediate mode so that every packet is delivered as soon as it arrives
// instead of when a TPACKET_V3 block fills.
type LiveSource struct {
	handle   *pcap.Handle
	iface    string
	linkType decode.LinkType
	// digits is the clock's precision in fractional digits: libpcap gives
	// nanoseconds where the kernel does, as dumpcap (tshark) asks for too.
	digits  int
	stopped atomic.Bool
	count   atomic.Uint64 // read by Stats from other goroutines (/metrics)
	statsMu sync.Mutex    // pcap_stats adds into the handle's totals

	// watch: the interface is a real one (not "any" or a pseudo-device),
	// so Next checks it is still present and up when the capture is quiet:
	// libpcap 1.10 reports a vanished interface only as a bare read error
	// and one taken down not at all.
	watch     bool
	lastCheck time.Time
}

// Stats are libpcap's counters for a live capture.
type Stats struct {
	Captured     uint64 // packets handed to sniffws
	Received     uint64 // packets the filter accepted (ps_recv)
	Dropped      uint64 // dropped for lack of buffer space (ps_drop)
	IfaceDropped uint64 // dropped by the interface or driver (ps_ifdrop)
}

// OpenLive starts a capture. Errors name the interface and, for missing
// privileges, how to grant them.
func OpenLive(cfg LiveConfig) (*LiveSource, error) {
	if cfg.Snaplen <= 0 {
		cfg.Snaplen = DefaultSnaplen
	}
	if cfg.BufferSize <= 0 {
		cfg.BufferSize = DefaultBufferSize
	}
	in, err := pcap.NewInactiveHandle(cfg.Interface)
	if err != nil {
		return nil, liveError(cfg.Interface, err)
	}
	defer in.CleanUp()
	steps := []struct {
		what string
		err  func() error
	}{
		{"snapshot length", func() error { return in.SetSnapLen(cfg.Snaplen) }},
		{"promiscuous mode", func() error { return in.SetPromisc(!cfg.NoPromisc) }},
		{"read timeout", func() error { return in.SetTimeout(pollInterval) }},
		{"buffer size", func() error { return in.SetBufferSize(cfg.BufferSize) }},
		{"immediate mode", func() error { return in.SetImmediateMode(true) }},
	}
	for _, s := range steps {
		if err := s.err(); err != nil {
			return nil, fmt.Errorf("capture on %s: setting %s: %w", cfg.Interface, s.what, err)
		}
	}
	h, err := in.Activate()
	if err != nil {
		return nil, liveError(cfg.Interface, err)
	}
	if cfg.Filter != "" {
		if err := h.SetBPFFilter(cfg.Filter); err != nil {
			h.Close()
			return nil, fmt.Errorf("capture on %s: bad capture filter %q: %w", cfg.Interface, cfg.Filter, err)
		}
	}
	s := &LiveSource{handle: h, iface: cfg.Interface, linkType: decode.LinkType(h.LinkType()), digits: 6, lastCheck: time.Now()}
	if h.Resolution() == gopacket.TimestampResolutionNanosecond {
		s.digits = 9
	}
	if ifi, err := net.InterfaceByName(cfg.Interface); err == nil && ifi.Flags&net.FlagUp != 0 {
		s.watch = true
	}
	return s, nil
}

// checkInterface says whether the watched interface went away or down.
func (s *LiveSource) checkInterface() error {
	if !s.watch {
		return nil
	}
	s.lastCheck = time.Now()
	ifi, err := net.InterfaceByName(s.iface)
	if err != nil {
		return fmt.Errorf("capture on %s: the interface disappeared", s.iface)
	}
	if ifi.Flags&net.FlagUp == 0 {
		return fmt.Errorf("capture on %s: the interface went down", s.iface)
	}
	return nil
}

// liveError turns libpcap's messages into ones that say what to do.
func liveError(iface string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "ermission") || strings.Contains(msg, "not permitted"):
		exe, _ := os.Executable()
		if exe == "" {
			exe = "sniffws"
		}
		return fmt.Errorf("capture on %s: %v\n  run as root, or grant the capability once: sudo setcap cap_net_raw,cap_net_admin=eip %s", iface, err, exe)
	case strings.Contains(msg, "No such device") || strings.Contains(msg, "doesn't exist") || strings.Contains(msg, "no such device"):
		return fmt.Errorf("capture on %s: no such interface (list them with sniffws -D): %v", iface, err)
	}
	return fmt.Errorf("capture on %s: %w", iface, err)
}

// Interface is the name the capture runs on.
func (s *LiveSource) Interface() string { return s.iface }

// LinkType is the interface's link type.
func (s *LiveSource) LinkType() decode.LinkType { return s.linkType }

// Next waits for the next packet. After Stop it returns io.EOF.
func (s *LiveSource) Next(f *decode.Frame) error {
	for {
		if s.stopped.Load() {
			return io.EOF
		}
		data, ci, err := s.handle.ZeroCopyReadPacketData()
		if err != nil {
			if errors.Is(err, pcap.NextErrorTimeoutExpired) {
				if time.Since(s.lastCheck) >= ifaceCheckInterval {
					if err := s.checkInterface(); err != nil {
						return err
					}
				}
				continue
			}
			if errors.Is(err, pcap.NextErrorNoMorePackets) || s.stopped.Load() {
				return io.EOF
			}
			if ierr := s.checkInterface(); ierr != nil {
				return ierr
			}
			if errors.Is(err, pcap.NextErrorReadError) {
				if perr := s.handle.Error(); perr != nil && perr.Error() != "" {
					return fmt.Errorf("capture on %s: read error: %v", s.iface, perr)
				}
			}
			return fmt.Errorf("capture on %s: %w", s.iface, err)
		}
		s.count.Add(1)
		f.Data = data
		f.WireLen = ci.Length
		f.Timestamp = ci.Timestamp
		f.TimeDigits = s.digits
		f.LinkType = s.linkType
		f.Interface = ci.InterfaceIndex
		return nil
	}
}

// Stop makes Next return io.EOF within pollInterval; safe from any goroutine.
func (s *LiveSource) Stop() { s.stopped.Store(true) }

// Stats returns libpcap's counters; safe to call from another goroutine
// while Next runs.
func (s *LiveSource) Stats() Stats {
	st := Stats{Captured: s.count.Load()}
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	if ps, err := s.handle.Stats(); err == nil {
		st.Received = uint64(ps.PacketsReceived)
		st.Dropped = uint64(ps.PacketsDropped)
		st.IfaceDropped = uint64(ps.PacketsIfDropped)
	}
	return st
}

// Close releases the capture.
func (s *LiveSource) Close() error {
	s.handle.Close()
	return nil
}

// ListInterfaces writes the capture interfaces as `tshark -D` does:
// "1. eth0", "3. lo (Loopback)".
func ListInterfaces(w io.Writer) error {
	devs, err := pcap.FindAllDevs()
	if err != nil {
		return fmt.Errorf("listing interfaces: %w", err)
	}
	const loopback = 0x1 // PCAP_IF_LOOPBACK
	for i, d := range devs {
		if d.Flags&loopback != 0 {
			fmt.Fprintf(w, "%d. %s (Loopback)\n", i+1, d.Name)
		} else {
			fmt.Fprintf(w, "%d. %s\n", i+1, d.Name)
		}
	}
	return nil
}
