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
		t.ensure(1, 1)
		t.ensure(2, 1)
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
	case ntpModeControl:
		t.ensure(1, 1)
		t.ensure(2, 2)
		t.ensure(4, 8) // status, association id, offset, count
	default:
		// The fixed header, then extension fields and MAC to the end.
		for _, f := range [...][2]int{{1, 1}, {2, 1}, {3, 1}, {4, 4}, {8, 4}, {12, 4},
			{16, 8}, {24, 8}, {32, 8}, {40, 8}} {
			t.ensure(f[0], f[1])
		}
		if n := t.reportedRemaining(48); n > 0 {
			t.ensure(48, n)
		}
	}
	return max(t.len(), 1)
}
