package decode

// NTP (packet-ntp.c): "VERSION, MODE", and for private mode (7, ntpdc)
// ", Request|Response, REQUEST-CODE".

func init() {
	registerUDPPort(dissectNTP, 123)
	registerTCPPort(dissectNTP, 123)
}

const (
	ntpModeControl = 6
	ntpModePrivate = 7
)

var ntpVersions = [8]string{"reserved", "NTP Version 1", "NTP Version 2", "NTP Version 3",
	"NTP Version 4", "reserved", "reserved", "reserved"}

var ntpModes = [8]string{"reserved", "symmetric active", "symmetric passive", "client",
	"server", "broadcast", "control", "private"}

// ntpPrivRequests are the ntpdc request codes (priv_rc_types).
var ntpPrivRequests = [...]string{
	0: "PEER_LIST", 1: "PEER_LIST_SUM", 2: "PEER_INFO", 3: "PEER_STATS", 4: "SYS_INFO",
	5: "SYS_STATS", 6: "IO_STATS", 7: "MEM_STATS", 8: "LOOP_INFO", 9: "TIMER_STATS",
	10: "CONFIG", 11: "UNCONFIG", 12: "SET_SYS_FLAG", 13: "CLR_SYS_FLAG", 14: "MONITOR",
	15: "NOMONITOR", 16: "GET_RESTRICT", 17: "RESADDFLAGS", 18: "RESSUBFLAGS",
	19: "UNRESTRICT", 20: "MON_GETLIST", 21: "RESET_STATS", 22: "RESET_PEER",
	23: "REREAD_KEYS", 24: "DO_DIRTY_HACK", 25: "DONT_DIRTY_HACK", 26: "TRUSTKEY",
	27: "UNTRUSTKEY", 28: "AUTHINFO", 29: "TRAPS", 30: "ADD_TRAP", 31: "CLR_TRAP",
	32: "REQUEST_KEY", 33: "CONTROL_KEY", 34: "GET_CTLSTATS", 35: "GET_LEAPINFO",
	36: "GET_CLOCKINFO", 37: "SET_CLKFUDGE", 38: "GET_KERNEL", 39: "GET_CLKBUGINFO",
	41: "SET_PRECISION", 42: "MON_GETLIST_1", 43: "HOSTNAME_ASSOCID", 44: "IF_STATS",
	45: "IF_RELOAD",
}

func dissectNTP(p *packet, t tvb) int {
	p.setProto("NTP")
	p.clearInfo()
	flags := t.u8(0)
	mode := flags & 7
	p.appendInfo(ntpVersions[flags>>3&7])
	p.appendInfo(", ")
	p.appendInfo(ntpModes[mode])
	switch mode {
	case ntpModePrivate:
		t.ensureItem(1, 1)
		t.ensureItem(2, 1)
		code := t.u8(3)
		if flags&0x80 != 0 { // the response bit shares the first byte
			p.appendInfo(", Response, ")
		} else {
			p.appendInfo(", Request, ")
		}
		if int(code) < len(ntpPrivRequests) && ntpPrivRequests[code] != "" {
			p.appendInfo(ntpPrivRequests[code])
		} else {
			p.appendInfo("Unknown")
		}
		ntpPrivateItems(t, flags, code)
	case ntpModeControl:
		ntpControl(t)
	default:
		// The fixed header, then extension fields and MAC to the end.
		for _, f := range [...][2]int{{1, 1}, {2, 1}, {3, 1}, {4, 4}, {8, 4}, {12, 4},
			{16, 8}, {24, 8}, {32, 8}, {40, 8}} {
			t.ensureItem(f[0], f[1])
		}
		ntpExtensionsAndMAC(t)
	}
	return max(t.len(), 1)
}

// ntpPrivateItems reads a mode 7 (ntpdc) message's items as Wireshark's
// tree does, for the exceptions short messages raise: the monitor list
// field by field, other items as a whole, and the authenticator of an
// authenticated request.
func ntpPrivateItems(t tvb, flags, code uint8) {
	const xntpd = 3
	if t.u8(2) == xntpd {
		t.ensureItem(4, 1) // error code, item count, must-be-zero, item size
		t.ensureItem(4, 2)
		t.ensureItem(6, 1)
		t.ensureItem(6, 2)
		items := int(t.u16(4) & 0x0fff)
		size := int(t.u16(6) & 0x0fff)
		for i := 0; i < items; i++ {
			off := 8 + uint16(size*i) // Wireshark keeps the offset in 16 bits
			o := int(off)
			switch code {
			case 20, 42: // MON_GETLIST, MON_GETLIST_1
				t.ensureItem(o+16, 4)
				if code == 42 {
					t.ensureItem(o+28, 2)
				} else {
					t.ensureItem(o+20, 2)
				}
				n := 20
				if code == 42 {
					n = 28
				}
				t.ensureItem(o, n+2+1+1+4+4)
				o += n + 8
				if t.u32(o-8) != 0 { // IPv6 addresses follow
					t.ensureItem(o, 16)
					if code == 42 {
						t.ensureItem(o+16, 16)
					}
				}
			default:
				t.ensureItem(o, size) // the item
				switch code {
				case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 21, 22, 26,
					27, 28, 29, 30, 31, 32, 33, 34, 36, 37, 38, 39, 44, 45:
					// Known items' fields, approximated by the item.
					t.ensureItem(o, max(size, 1))
				}
			}
		}
	}
	if flags&0x80 == 0 && t.u8(1)&0x80 != 0 { // authenticated request
		t.ensureItem(184, 8)
		t.ensureItem(192, 4)
		if n := t.reportedRemaining(196); n > 0 {
			t.ensureItem(196, n)
		}
	}
}

// ntpControl reads a mode 6 (ntpq) message as Wireshark's tree does, for
// the exceptions short messages raise.
func ntpControl(t tvb) {
	flags2 := t.u8(1)
	t.ensureItem(2, 2)
	associd := t.u16(6)
	t.ensureItem(4, 2)
	t.ensureItem(6, 2)
	t.ensureItem(8, 2)
	datalen := t.u16(10)
	op := flags2 & 0x1f
	auth := false
	if datalen != 0 {
		t.ensureItem(12, 0) // the data item (FT_NONE) is cut to what is present
		switch op {
		case 1, 2, 3, 4, 5:
			if op == 1 && associd == 0 { // read status: (association id, status) pairs
				for off, n := 12, datalen; n != 0; n -= 4 { // 16-bit count, as Wireshark
					t.ensureItem(off, 0)
					t.ensureItem(off, 2)
					t.ensureItem(off+2, 2)
					off += 4
				}
				break
			}
			// Variables ("name=value, ..."), tokenized byte by byte.
			for i := 0; i < int(datalen); i++ {
				t.u8(12 + i)
			}
		case 7: // asynchronous message text
			t.ensureItem(12, int(datalen))
		case 8, 9, 10, 11, 12: // configure, save config, MRU, ordered list, nonce: text
			t.ensureItem(12, int(datalen))
			auth = true
		}
	}
	off := 12 + int(datalen)
	if flags2&0x80 == 0 || auth { // padding and authenticator
		rest := t.reportedRemaining(off)
		pad := 0
		if off&7 != 0 {
			pad = 8 - off&7
		}
		if rest > pad {
			if pad > 0 {
				t.ensureItem(off, pad)
				off += pad
				rest -= pad
			}
			switch rest {
			case 20:
				t.ensureItem(off, 4)
				t.ensureItem(off+4, 16)
			case 24:
				t.ensureItem(off, 4)
				t.ensureItem(off+4, 20)
			}
		}
	}
}

// ntpExtensionsAndMAC reads what follows the 48-byte header as Wireshark
// does: extension fields (when they look valid), a key id and a MAC.
func ntpExtensionsAndMAC(t tvb) {
	end, last := 48, 0
	for t.reportedRemaining(end) >= 16 {
		n := int(t.u16(end + 2))
		if n < 16 || t.reportedRemaining(end) < n {
			break
		}
		end += n
		last = n
	}
	switch mac := t.reportedRemaining(end); {
	case mac == 0:
	case mac == 4 && t.u32(end) == 0: // crypto-NAK
	case mac < 20:
		end -= last // the last field was no extension after all
	}
	off := 48
	for off < end {
		n := int(t.u16(off + 2))
		t.ensureItem(off, 0)
		t.ensureItem(off, 2)
		t.ensureItem(off+2, 2)
		if n < 8 || n%4 != 0 {
			off = t.reported
			break
		}
		t.ensureItem(off+4, n-4)
		off += n
	}
	if t.reportedRemaining(off) >= 4 {
		t.ensureItem(off, 4)
	}
	off += 4
	if n := t.reportedRemaining(off); n > 0 {
		t.ensureItem(off, n)
	}
}
