package decode

import (
	"bytes"
	"net/netip"
)

// FTP and FTP-DATA, as packet-ftp.c shows them: the first line of each
// control segment as "Request: ..." or "Response: ...", and data
// connections announced by PORT, PASV, EPRT or EPSV labelled with how they
// were set up and the command they answer.

// Longest FTP command kept for the FTP-DATA label.
const ftpMaxCommand = 1024

// ftpControl is the state of a control connection (ftp_conversation_t).
type ftpControl struct {
	// currentData is the data connection announced last; its command is
	// the first request after the announcement.
	currentData  *ftpDataConv
	tlsRequested bool
}

// ftpDataConv is what a data connection shows (ftp_data_conversation_t).
type ftpDataConv struct {
	method      string
	command     string
	haveCommand bool
}

func init() {
	registerTCPPort(dissectFTPData, 20)
	registerTCPPort(dissectFTP, 21)
}

// dissectFTP is dissect_ftp.
func dissectFTP(p *packet, t tvb) int {
	isRequest := p.matchPort == p.dstPort
	p.setProto("FTP")
	var st *ftpControl
	if p.conv != nil {
		st = appState(p.conv, "ftp", func() *ftpControl { return &ftpControl{} })
	}
	lineLen, _ := findTextLine(t, 0, false)
	line := t.bytes(0, lineLen)
	if isRequest {
		p.setInfo("Request: ")
	} else {
		p.setInfo("Response: ")
	}
	p.appendInfoText(line)

	var code int
	haveCode := false
	rest := line
	tokenLen := 0
	if isRequest {
		tokenLen = ftpTokenLen(line)
		rest = line[tokenLen:]
		for len(rest) > 0 && rest[0] == ' ' {
			rest = rest[1:]
		}
		if st != nil {
			if len(line) == 8 && string(line) == "AUTH TLS" {
				st.tlsRequested = true
			}
			if st.currentData != nil && !st.currentData.haveCommand {
				st.currentData.command = ftpCString(line)
				st.currentData.haveCommand = true
			}
		}
	} else if len(line) >= 3 && isASCIIDigit(line[0]) && isASCIIDigit(line[1]) && isASCIIDigit(line[2]) {
		code = int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
		haveCode = true
		if len(line) >= 4 {
			rest = line[4:]
		} else {
			rest = line[len(line):]
		}
	}
	if st == nil {
		return t.len()
	}

	switch {
	case isRequest && ftpTokenIs(line[:tokenLen], "PORT"):
		// The announced port is the client's: it is the wildcard side.
		if ip, _, ok := ftpParsePortPASV(rest); ok {
			ftpExpect(p, st, p.netDst, 20, ipv4Addr(ip[:]), "PORT")
		}
	case isRequest && ftpTokenIs(line[:tokenLen], "EPRT"):
		if addr, port, ok := ftpParseEPRT(rest); ok {
			ftpExpect(p, st, p.netSrc, port, addr, "EPRT")
		}
	case haveCode && code == 227 && len(rest) != 0:
		if ip, port, ok := ftpParsePortPASV(rest); ok {
			ftpExpect(p, st, ipv4Addr(ip[:]), port, p.netDst, "PASV")
		}
	case haveCode && code == 229 && len(rest) != 0:
		if port, ok := ftpParseEPSV(rest); ok {
			ftpExpect(p, st, p.netSrc, port, p.netDst, "EPASV")
		}
	case haveCode && code == 234 && st.tlsRequested:
		ftpStartTLS(p)
		st.tlsRequested = false
	}
	return t.len()
}

// ftpStartTLS is where FTP hands the control connection to TLS after
// "AUTH TLS" was accepted (ssl_starttls_ack).
func ftpStartTLS(p *packet) { textStartTLS(p, "ftp", false) }

// ftpExpect is create_and_link_data_conversation: (a, aPort) talking to b
// on any port is an FTP data connection from now on.
func ftpExpect(p *packet, st *ftpControl, a address, aPort uint16, b address, method string) {
	dc := &ftpDataConv{method: method}
	p.d.state.expect.add(&tcpExpectation{a: a, aPort: aPort, b: b, frame: p.num, dissector: dissectFTPData, data: dc})
	st.currentData = dc
}

// ftpTokenLen is get_token_len: the first token ends at a blank, CR or LF.
func ftpTokenLen(line []byte) int {
	for i, c := range line {
		if c == ' ' || c == '\r' || c == '\n' {
			return i
		}
	}
	return len(line)
}

// ftpTokenIs is strncmp(line, cmd, tokenlen) == 0 for a non-empty token:
// only the token's length is compared, so a prefix of the command matches.
func ftpTokenIs(token []byte, cmd string) bool {
	return len(token) > 0 && len(token) <= len(cmd) && string(token) == cmd[:len(token)]
}

// ftpCString keeps a line as the C string Wireshark copies: up to a NUL, bounded.
func ftpCString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if len(b) > ftpMaxCommand {
		b = b[:ftpMaxCommand]
	}
	return string(b)
}

// ftpScanInt is sscanf's %d: optional blanks and sign, then digits.
func ftpScanInt(s []byte) (v int, rest []byte, ok bool) {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	for i < len(s) && isASCIIDigit(s[i]) {
		if v < 1<<30 {
			v = v*10 + int(s[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, s, false
	}
	if neg {
		v = -v
	}
	return v, s[i:], true
}

// ftpParsePortPASV is parse_port_pasv: six comma-separated numbers
// starting at some digit of the text.
func ftpParsePortPASV(s []byte) (ip [4]byte, port uint16, ok bool) {
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	for p := 0; p < len(s); {
		for p < len(s) && !isASCIIDigit(s[p]) {
			p++
		}
		if p >= len(s) {
			break
		}
		var n [6]int
		rest := s[p:]
		good := true
		for k := 0; k < 6; k++ {
			if k > 0 {
				if len(rest) == 0 || rest[0] != ',' {
					good = false
					break
				}
				rest = rest[1:]
			}
			var okInt bool
			n[k], rest, okInt = ftpScanInt(rest)
			if !okInt {
				good = false
				break
			}
		}
		if good {
			for k := 0; k < 4; k++ {
				ip[k] = byte(n[k])
			}
			return ip, uint16(n[4]&0xff)<<8 | uint16(n[5]&0xff), true
		}
		for p < len(s) && isASCIIDigit(s[p]) {
			p++
		}
	}
	return ip, 0, false
}

// ftpValidDelimiter is isvalid_rfc2428_delimiter.
func ftpValidDelimiter(c byte) bool {
	if c <= 0x20 || c >= 0x7f {
		return false
	}
	if c >= 'A' && c <= 'Z' {
		c += 'a' - 'A'
	}
	return bytes.IndexByte([]byte("0123456789abcdef.:"), c) < 0
}

// ftpParseUint16 is ws_strtou16 on a whole field.
func ftpParseUint16(s []byte) (uint16, bool) {
	if len(s) == 0 {
		return 0, false
	}
	v := 0
	for _, c := range s {
		if !isASCIIDigit(c) {
			return 0, false
		}
		v = v*10 + int(c-'0')
		if v > 0xffff {
			return 0, false
		}
	}
	return uint16(v), true
}

// ftpParseEPRT is parse_eprt_request: |af|address|port|.
func ftpParseEPRT(s []byte) (address, uint16, bool) {
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if len(s) < 4 || !ftpValidDelimiter(s[0]) {
		return address{}, 0, false
	}
	d := s[0]
	if bytes.Count(s, []byte{d}) != 4 {
		return address{}, 0, false
	}
	fields := bytes.Split(s[1:], []byte{d})
	// fields: af, address, port, and what follows the last delimiter.
	for _, f := range fields[:3] {
		if len(f) == 0 {
			return address{}, 0, false
		}
	}
	var addr address
	switch string(fields[0]) {
	case "1":
		ip, err := netip.ParseAddr(string(fields[1]))
		if err != nil || !ip.Is4() {
			return address{}, 0, false
		}
		b := ip.As4()
		addr = ipv4Addr(b[:])
	case "2":
		ip, err := netip.ParseAddr(string(fields[1]))
		if err != nil || !ip.Is6() || ip.Zone() != "" {
			return address{}, 0, false
		}
		b := ip.As16()
		addr = ipv6Addr(b[:])
	default:
		return address{}, 0, false
	}
	port, ok := ftpParseUint16(fields[2])
	if !ok {
		return address{}, 0, false
	}
	return addr, port, true
}

// ftpParseEPSV is parse_extended_pasv_response: "(|||port|)".
func ftpParseEPSV(s []byte) (uint16, bool) {
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	i := bytes.IndexByte(s, '(')
	if i < 0 {
		return 0, false
	}
	i++
	var d byte
	for n := 0; n < 3 && i < len(s); n++ {
		c := s[i]
		if d == 0 && ftpValidDelimiter(c) {
			d = c
		}
		if c != d {
			break
		}
		i++
	}
	if i >= len(s) {
		return 0, false
	}
	j := i
	v := 0
	for j < len(s) && isASCIIDigit(s[j]) && v <= 0xffff {
		v = v*10 + int(s[j]-'0')
		j++
	}
	if j == i || v > 0xffff {
		return 0, false
	}
	if bytes.IndexByte(s[i:], ')') < 0 {
		return 0, false
	}
	return uint16(v), true
}

// dissectFTPData is dissect_ftpdata.
func dissectFTPData(p *packet, t tvb) int {
	p.setProto("FTP-DATA")
	p.setInfo("FTP Data: ")
	p.appendInfoUint(uint64(t.reported))
	p.appendInfo(" bytes")
	if len(p.d.state.expect.list) > 0 {
		if x := p.d.state.expect.find(p); x != nil {
			if dc, ok := x.data.(*ftpDataConv); ok {
				p.appendInfo(" (")
				p.appendInfo(dc.method)
				p.appendInfo(")")
				if dc.haveCommand {
					p.appendInfo(" (")
					p.appendInfo(dc.command)
					p.appendInfo(")")
				}
			}
		}
	}
	// Text goes to data-text-lines, which hands XML documents to the XML
	// dissector: it appends "/XML" to the Protocol column.
	isText := true
	for _, c := range t.b[:min(20, len(t.b))] {
		if c != '\r' && c != '\n' && (c < 0x20 || c > 0x7e) {
			isText = false
			break
		}
	}
	if isText && len(t.b) > 38 && sshHasPrefixFold(t, 0, "<?xml") && !p.readOnly && !p.protoReadOnly {
		p.proto.appendStr("/XML")
	}
	return t.len()
}
