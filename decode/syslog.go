package decode

import "bytes"

// Syslog (packet-syslog.c, UDP 514): "FACILITY.LEVEL: message" when the
// message starts with a <PRI>, else the message alone. Wireshark then
// parses RFC 5424 or RFC 3164 fields for its tree, which can run past the
// end of a short message and mark it malformed.

func init() {
	registerUDPPort(dissectSyslog, 514)
}

const syslogMaxDigits = 3

var syslogLevels = [8]string{"EMERG", "ALERT", "CRIT", "ERR", "WARNING", "NOTICE", "INFO", "DEBUG"}

var syslogFacilities = [24]string{"KERN", "USER", "MAIL", "DAEMON", "AUTH", "SYSLOG", "LPR",
	"NEWS", "UUCP", "CRON", "AUTHPRIV", "FTP", "NTP", "LOGAUDIT", "LOGALERT", "CRON",
	"LOCAL0", "LOCAL1", "LOCAL2", "LOCAL3", "LOCAL4", "LOCAL5", "LOCAL6", "LOCAL7"}

func dissectSyslog(p *packet, t tvb) int {
	p.setProto("Syslog")
	p.clearInfo()
	off, pri := 0, -1
	if t.u8(0) == '<' {
		off, pri = 1, 0
		for t.has(off, 1) && t.b[off] >= '0' && t.b[off] <= '9' && off <= syslogMaxDigits {
			pri = pri*10 + int(t.b[off]-'0')
			off++
		}
		if t.u8(off) == '>' {
			off++
		}
	}
	n := t.remaining(off)
	if n == 0 {
		t.ensureItem(off, 1)
	}
	msg := t.bytes(off, n)
	fac, lev := pri&0x3f8>>3, pri&7
	if pri >= 0 && fac == 16 && lev == 7 && bytes.Contains(msg, []byte("msu=")) {
		// LOCAL0.DEBUG carrying an MTP3 MSU goes to MTP3 (not decoded here).
		return max(t.len(), 1)
	}
	if pri >= 0 {
		if fac < len(syslogFacilities) {
			p.appendInfo(syslogFacilities[fac])
		} else {
			p.appendInfo("UNKNOWN")
		}
		p.appendInfo(".")
		p.appendInfo(syslogLevels[lev])
		p.appendInfo(": ")
	}
	p.appendInfoText(msg)

	// The tree's field parsing, for the exceptions it raises.
	space := func(from int) int {
		if i := bytes.IndexByte(t.b[min(from, len(t.b)):], ' '); i >= 0 {
			return from + i
		}
		return -1
	}
	if n > 2 && t.u16(off) == 0x3120 { // RFC 5424: "1 "
		o := off
		for i := 0; i < 5; i++ { // version, timestamp, hostname, app-name, procid
			e := space(o)
			if e < 0 {
				return max(t.len(), 1)
			}
			o = e + 1
		}
		if t.u24(o) == 0xefbbbf { // BOM, then the UTF-8 message
			o += 3
		}
		t.ensureItem(o, t.reportedRemaining(o))
	} else if n > 15 {
		if t.b[off+3] != ' ' || t.b[off+6] != ' ' || t.b[off+9] != ':' || t.b[off+12] != ':' || t.b[off+15] != ' ' {
			return max(t.len(), 1)
		}
		o := off + 16
		e := space(o)
		if e < 0 {
			return max(t.len(), 1)
		}
		o = e + 1
		for i := o; i < o+32; i++ { // the tag: alphanumerics up to 32
			if c := t.u8(i); !(c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z') {
				o = i
				break
			}
		}
		t.ensureItem(o, t.reportedRemaining(o)) // the message item
	}
	return max(t.len(), 1)
}
