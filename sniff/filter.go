package sniff

import (
	"fmt"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcap"

	"sniffws/decode"
)

// FilteredSource applies a BPF capture filter to frames read from a file,
// as `tcpdump -r FILE EXPR` does. The filter is compiled by libpcap once
// per link type met (a pcapng file may mix them).
type FilteredSource struct {
	FrameSource
	expr  string
	progs map[decode.LinkType]*pcap.BPF
}

// NewFilteredSource wraps src so that only frames matching expr come out.
// It checks the expression at once against Ethernet so that a typo is
// reported before any reading.
func NewFilteredSource(src FrameSource, expr string) (*FilteredSource, error) {
	if _, err := pcap.NewBPF(layers.LinkTypeEthernet, DefaultSnaplen, expr); err != nil {
		return nil, fmt.Errorf("bad capture filter %q: %w", expr, err)
	}
	return &FilteredSource{FrameSource: src, expr: expr, progs: map[decode.LinkType]*pcap.BPF{}}, nil
}

// Next returns the next frame that matches.
func (s *FilteredSource) Next(f *decode.Frame) error {
	for {
		if err := s.FrameSource.Next(f); err != nil {
			return err
		}
		prog, ok := s.progs[f.LinkType]
		if !ok {
			var err error
			prog, err = pcap.NewBPF(layers.LinkType(f.LinkType), DefaultSnaplen, s.expr)
			if err != nil {
				return fmt.Errorf("capture filter %q cannot apply to link type %d: %w", s.expr, f.LinkType, err)
			}
			s.progs[f.LinkType] = prog
		}
		ci := gopacket.CaptureInfo{CaptureLength: len(f.Data), Length: f.WireLen, Timestamp: f.Timestamp}
		if prog.Matches(ci, f.Data) {
			return nil
		}
	}
}
