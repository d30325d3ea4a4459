package decode

import "time"

// LinkType is a pcap LINKTYPE_ value: how a frame's bytes begin.
type LinkType uint32

// Link types sniffws decodes (https://www.tcpdump.org/linktypes.html).
const (
	LinkNull          LinkType = 0   // BSD loopback: 4-byte host-order family
	LinkEthernet      LinkType = 1   // Ethernet II / 802.3
	LinkFDDI          LinkType = 10  // FDDI, bit-swapped addresses as libpcap writes them
	LinkRawOpenBSD    LinkType = 12  // raw IP (DLT_RAW on some BSDs)
	LinkRawBSDOS      LinkType = 14  // raw IP (DLT_RAW on BSD/OS)
	LinkRaw           LinkType = 101 // raw IPv4 or IPv6
	LinkIEEE80211     LinkType = 105 // 802.11 without radio header
	LinkLoop          LinkType = 108 // OpenBSD loopback: 4-byte network-order family
	LinkLinuxSLL      LinkType = 113 // Linux cooked capture v1
	LinkRadiotap      LinkType = 127 // 802.11 with radiotap header
	LinkIPv4          LinkType = 228 // raw IPv4
	LinkIPv6          LinkType = 229 // raw IPv6
	LinkLinuxSLL2     LinkType = 276 // Linux cooked capture v2
	LinkUnknownLegacy LinkType = 0xffffffff
)

// Frame is one captured frame as a source delivers it.
type Frame struct {
	// Data holds the captured bytes. The decoder does not keep it.
	Data []byte
	// WireLen is the frame's length on the wire (pcap's orig_len).
	WireLen int
	// Timestamp is the capture time.
	Timestamp time.Time
	// TimeDigits is the capture clock's precision in fractional digits: 6
	// for microsecond files, 9 for nanosecond ones. tshark prints the Time
	// column with this many digits.
	TimeDigits int
	// LinkType says how Data begins.
	LinkType LinkType
	// Interface is the capture interface's index (pcapng IDB), 0 otherwise.
	Interface int
}
