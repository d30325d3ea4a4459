package decode

import "unicode/utf8"

// STUN and TURN (packet-stun.c, RFC 8489/8656): "METHOD CLASS" and a few
// attributes (addresses, user, error, realm, nonce, TURN parameters). A
// STUN message found by the heuristic binds its UDP or TCP conversation
// to STUN, as Wireshark does, so later TURN ChannelData messages are
// recognised too.

func init() {
	registerUDPPort(dissectSTUNUDP, 3478)
	registerTCPPort(dissectSTUNTCP, 3478)
	registerUDPHeuristic("stun", stunHeuristicUDP)
	registerTCPHeuristic("stun", stunHeuristicTCP)
	registerUDPHeuristic("classicstun", classicSTUNHeuristic)
	registerTCPHeuristic("classicstun", classicSTUNHeuristic)
}

// classicSTUNMessages are the RFC 3489 message types (packet-classicstun.c).
var classicSTUNMessages = map[uint16]string{
	0x0001: "Binding Request", 0x0101: "Binding Response", 0x0111: "Binding Error Response",
	0x0002: "Shared Secret Request", 0x0102: "Shared Secret Response",
	0x1112: "Shared Secret Error Response", 0x0003: "Allocate Request",
	0x0103: "Allocate Response", 0x0113: "Allocate Error Response", 0x0004: "Send Request",
	0x0104: "Send Response", 0x0114: "Send Error Response", 0x0115: "Data Indication",
	0x0006: "Set Active Destination Request", 0x0106: "Set Active Destination Response",
	0x0116: "Set Active Destination Error Response",
}

// classicSTUNHeuristic is dissect_classicstun: an RFC 3489 message (no
// RFC 5389 cookie) of a known type filling the payload exactly.
func classicSTUNHeuristic(p *packet, t tvb) bool {
	if t.len() < stunHeaderLen {
		return false
	}
	typ := t.u16(0)
	if typ&0xc000 != 0 || t.u32(4) == stunMagicCookie || t.u32(4) == 0x7f5a9bc7 { // XMCP
		return false
	}
	name, ok := classicSTUNMessages[typ]
	if !ok || t.len() != stunHeaderLen+int(t.u16(2)) {
		return false
	}
	p.setProto("CLASSIC-STUN")
	p.setInfo("Message: ")
	p.appendInfo(name)
	// Each attribute's subtree spans it, before its length is checked.
	for off, rest := stunHeaderLen, int(t.u16(2)); rest > 0; {
		typ, n := t.u16(off), int(t.u16(off+2))
		t.ensureItem(off, 4+n)
		if 4+n > rest {
			break
		}
		if typ == 0x000a { // UNKNOWN-ATTRIBUTES: pairs of 2-byte types
			for i := 0; i < n; i += 4 {
				t.ensureItem(off+4+i, 2)
				t.ensureItem(off+4+i+2, 2)
			}
		}
		off += 4 + n
		rest -= 4 + n
	}
	return true
}

const (
	stunMagicCookie     = 0x2112a442
	stunHeaderLen       = 20
	stunMinHeaderLen    = 4
	stunChannelHdrLen   = 4
	stunTCPFramingLen   = 10 // enough to see the cookie after RFC 4571 framing
	stunMSMultiplexTURN = 0xff10
)

var stunClasses = [4]string{"Request", "Indication", "Success Response", "Error Response"}

var stunMethods = map[uint16]string{
	0x001: "Binding", 0x002: "SharedSecret", 0x003: "Allocate", 0x004: "Refresh",
	0x006: "Send", 0x007: "Data", 0x008: "CreatePermission", 0x009: "Channel-Bind",
	0x00a: "Connect", 0x00b: "ConnectionBind", 0x00c: "ConnectionAttempt", 0x080: "GooglePing",
}

// stunAttributes are the attribute names Wireshark knows (attributes[]).
var stunAttributes = map[uint16]string{
	0x0001: "MAPPED-ADDRESS", 0x0002: "RESPONSE_ADDRESS", 0x0003: "CHANGE_REQUEST",
	0x0004: "SOURCE_ADDRESS", 0x0005: "CHANGED_ADDRESS", 0x0006: "USERNAME",
	0x0007: "PASSWORD", 0x0008: "MESSAGE-INTEGRITY", 0x0009: "ERROR-CODE",
	0x000a: "UNKNOWN-ATTRIBUTES", 0x000b: "REFLECTED-FROM", 0x000c: "CHANNEL-NUMBER",
	0x000d: "LIFETIME", 0x000e: "MS-ALTERNATE-SERVER", 0x000f: "MAGIC-COOKIE",
	0x0010: "BANDWIDTH", 0x0011: "DESTINATION-ADDRESS", 0x0012: "XOR-PEER-ADDRESS",
	0x0013: "DATA", 0x0014: "REALM", 0x0015: "NONCE", 0x0016: "XOR-RELAYED-ADDRESS",
	0x0017: "REQUESTED-ADDRESS-FAMILY", 0x0018: "EVEN-PORT", 0x0019: "REQUESTED-TRANSPORT",
	0x001a: "DONT-FRAGMENT", 0x001b: "ACCESS-TOKEN", 0x001c: "MESSAGE-INTEGRITY-SHA256",
	0x001d: "PASSWORD-ALGORITHM", 0x001e: "USERHASH", 0x0020: "XOR-MAPPED-ADDRESS",
	0x0022: "RESERVATION-TOKEN", 0x0024: "PRIORITY", 0x0025: "USE-CANDIDATE",
	0x0026: "PADDING", 0x0027: "XOR-RESPONSE-TARGET", 0x0028: "XOR-REFELECTED-FROM",
	0x002a: "CONNECTION-ID", 0x0030: "LEGACY-ICMP", 0x8000: "ADDITIONAL-ADDRESS-FAMILY",
	0x8001: "ADDRESS-ERROR-CODE", 0x8002: "PASSWORD-ALGORITHMS", 0x8003: "ALTERNATE-DOMAIN",
	0x8004: "ICMP", 0x8006: "MS-TURN UNKNOWN 8006", 0x8008: "MS-VERSION",
	0x8020: "XOR-MAPPED-ADDRESS", 0x8022: "SOFTWARE", 0x8023: "ALTERNATE-SERVER",
	0x8025: "TRANSACTION-TRANSMIT-COUNTER", 0x8027: "CACHE-TIMEOUT", 0x8028: "FINGERPRINT",
	0x8029: "ICE-CONTROLLED", 0x802a: "ICE-CONTROLLING", 0x802b: "RESPONSE-ORIGIN",
	0x802c: "OTHER-ADDRESS", 0x802d: "ECN-CHECK-STUN", 0x802e: "THIRD-PARTY-AUTHORIZATION",
	0x8030: "MOBILITY-TICKET", 0x8032: "MS-ALTERNATE-HOST-NAME", 0x8037: "MS-APP-ID",
	0x8039: "MS-SECURE-TAG", 0x8050: "MS-SEQUENCE-NUMBER", 0x8054: "MS-CANDIDATE-IDENTIFIER",
	0x8055: "MS-SERVICE-QUALITY", 0x8056: "Bandwidth Admission Control Message",
	0x8057: "Bandwidth Reservation Identifier", 0x8058: "Bandwidth Reservation Amount",
	0x8059: "Remote Site Address", 0x805a: "Remote Relay Site Address",
	0x805b: "Local Site Address", 0x805c: "Local Relay Site Address",
	0x805d: "Remote Site Address Response", 0x805e: "Remote Relay Site Address Response",
	0x805f: "Local Site Address Response", 0x8060: "Local Relay Site Address Response",
	0x8061: "SIP Dialog Identifier", 0x8062: "SIP Call Identifier", 0x8068: "Location Profile",
	0x8070: "MS-IMPLEMENTATION-VERSION", 0x8090: "MS-ALT-MAPPED-ADDRESS",
	0x8095: "MS-MULTIPLEXED-TURN-SESSION-ID", 0xc000: "CISCO-STUN-FLOWDATA",
	0xc001: "ENF-FLOW-DESCRIPTION", 0xc002: "ENF-NETWORK-STATUS", 0xc057: "GOOG-NETWORK-INFO",
	0xc058: "GOOG-LAST-ICE-CHECK-RECEIVED", 0xc059: "GOOG-MISC-INFO", 0xc05a: "GOOG-OBSOLETE-1",
	0xc05b: "GOOG-CONNECTION-ID", 0xc05c: "GOOG-DELTA", 0xc05d: "GOOG-DELTA-ACK",
	0xc060: "GOOG-MESSAGE_INTEGRITY-32",
}

var stunErrors = map[int]string{
	274: "Disable Candidate", 275: "Disable Candidate Pair", 300: "Try Alternate",
	400: "Bad Request", 401: "Unauthenticated", 403: "Forbidden", 405: "Mobility Forbidden",
	420: "Unknown Attribute", 430: "Stale Credentials (legacy)",
	431: "Integrity Check Failure (legacy)", 432: "Missing Username (legacy)",
	433: "Use TLS (legacy)", 434: "Missing Realm (legacy)", 435: "Missing Nonce (legacy)",
	436: "Unknown User (legacy)", 437: "Allocation Mismatch", 438: "Stale Nonce",
	439: "Wrong Credentials (legacy)", 440: "Address Family not Supported",
	441: "Wrong Credentials", 442: "Unsupported Transport Protocol",
	443: "Peer Address Family Mismatch", 446: "Connection Already Exists",
	447: "Connection Timeout or Failure", 481: "Connection does not exist (legacy)",
	486: "Allocation Quota Reached", 487: "Role Conflict", 500: "Server Error",
	503: "Service Unavailable (legacy)", 507: "Insufficient Bandwidth Capacity (legacy)",
	508: "Insufficient Port Capacity", 600: "Global Failure",
}

func dissectSTUNUDP(p *packet, t tvb) int { return p.stunMessage(t, false, true) }

func dissectSTUNTCP(p *packet, t tvb) int {
	tcpDissectPDUs(p, t, true, stunMinHeaderLen, stunMessageLen, func(p *packet, t tvb) {
		p.stunMessage(t, false, false)
	})
	return max(t.reported, 1)
}

func stunHeuristicUDP(p *packet, t tvb) bool { return p.stunMessage(t, true, true) != 0 }

// stunHeuristicTCP is dissect_stun_heur_tcp: one plausible STUN message
// binds the connection to STUN.
func stunHeuristicTCP(p *packet, t tvb) bool {
	if t.len() < stunMinHeaderLen {
		return false
	}
	framing := stunFraming(t)
	typ, n := t.u16(framing), int(t.u16(framing+2))
	if typ&0xc000 != 0 || t.len() < stunHeaderLen || t.u32(framing+4) != stunMagicCookie {
		return false
	}
	if t.reported < n+stunHeaderLen+framing {
		return false
	}
	if p.conv != nil {
		p.conv.dissector = dissectSTUNTCP
	}
	dissectSTUNTCP(p, t)
	return true
}

// stunFraming is 2 when an RFC 4571 length precedes the message (the
// cookie then sits two bytes later than it should).
func stunFraming(t tvb) int {
	if t.len() >= stunTCPFramingLen && t.u32(6) == stunMagicCookie {
		return 2
	}
	return 0
}

func stunMessageLen(p *packet, t tvb, off int) int {
	if stunFraming(t) == 2 {
		return int(t.u16(off)) + 2
	}
	typ, n := t.u16(off), int(t.u16(off+2))
	if typ&0xc000 != 0 {
		return (n + stunChannelHdrLen + 3) &^ 3
	}
	return n + stunHeaderLen
}

// stunMessage is dissect_stun_message; 0 means not STUN.
func (p *packet) stunMessage(t tvb, heuristic, udp bool) int {
	if t.len() < stunMinHeaderLen {
		return 0
	}
	reported := t.reported
	framing := 0
	if !udp {
		framing = stunFraming(t)
	}
	typ := t.u16(framing)
	msgLen := int(t.u16(framing + 2))
	if typ&0xc000 != 0 {
		if heuristic || (typ&0x8000 != 0 && typ != stunMSMultiplexTURN) {
			return 0
		}
		padded := (msgLen + stunChannelHdrLen + 3) &^ 3
		if (udp && reported != msgLen+stunChannelHdrLen && reported != padded) || (!udp && reported != padded) {
			return 0
		}
		p.setProto("STUN")
		p.setInfo("ChannelData TURN Message")
		return max(reported, 1)
	}
	if t.len() < stunHeaderLen {
		return 0
	}
	class := (typ&0x0010)>>4 | (typ&0x0100)>>7
	method := typ&0x000f | (typ&0x00e0)>>1 | (typ&0x3e00)>>2
	if method > 0xff || t.u32(framing+4) != stunMagicCookie || reported != msgLen+stunHeaderLen+framing {
		return 0
	}
	p.setProto("STUN")
	p.clearInfo()
	if name, ok := stunMethods[method]; ok {
		p.appendInfo(name)
	} else {
		p.appendInfo("Unknown")
	}
	p.appendInfo(" ")
	p.appendInfo(stunClasses[class])

	t.ensureItem(framing, stunHeaderLen)
	var txid [12]byte
	copy(txid[:], t.bytes(framing+8, 12))
	off := framing + stunHeaderLen
	end := stunHeaderLen + msgLen // (Wireshark leaves the framing out here)
	if msgLen != 0 {
		for off < end {
			attType := t.u16(off)
			attLen := int(t.u16(off + 2))
			padded := (attLen + 3) &^ 3
			name, known := stunAttributes[attType]
			if known && off+4+padded > stunHeaderLen+msgLen+framing {
				break // bogus length: goes past the end of the message
			}
			off += 4
			p.stunAttribute(t, attType, name, off, attLen, txid)
			off += padded
		}
	}
	if heuristic && p.conv != nil {
		if p.ptype == portTCP {
			p.conv.dissector = dissectSTUNTCP
		} else {
			p.conv.dissector = dissectSTUNUDP
		}
	}
	return max(reported, 1)
}

// stunAttribute adds what one attribute shows in Info.
func (p *packet) stunAttribute(t tvb, typ uint16, name string, off, n int, txid [12]byte) {
	switch typ {
	case 0x0001, 0x8023, 0x802b, 0x802c, 0x8090, 0x000e: // plain addresses
		if n < 4 {
			if n >= 2 {
				t.ensureItem(off, 2)
			}
			return
		}
		t.ensureItem(off, 4)
		port := t.u16(off + 2)
		switch t.u8(off + 1) {
		case 1:
			if n >= 8 {
				t.ensureItem(off+4, 4)
				p.stunAddress(name, t.bytes(off+4, 4), port)
			}
		case 2:
			if n >= 20 {
				t.ensureItem(off+4, 16)
				p.stunAddress(name, t.bytes(off+4, 16), port)
			}
		}
	case 0x0012, 0x0016, 0x0020, 0x0027, 0x0028, 0x8020, 0x8059, 0x805a, 0x805b, 0x805c:
		// XOR-ed addresses: port with the cookie's top half, address with
		// the cookie (and the transaction id for IPv6).
		if n < 4 {
			if n >= 2 {
				t.ensureItem(off, 2)
			}
			return
		}
		t.ensureItem(off, 4)
		port := t.u16(off+2) ^ stunMagicCookie>>16
		if n < 8 {
			return
		}
		switch t.u8(off + 1) {
		case 1:
			t.ensureItem(off+4, 4)
			var a [4]byte
			for i, c := range t.bytes(off+4, 4) {
				a[i] = c ^ byte(uint32(stunMagicCookie)>>(24-8*i))
			}
			p.stunAddress(name, a[:], port)
		case 2:
			if n < 20 {
				return
			}
			t.ensureItem(off+4, 16)
			var a [16]byte
			for i, c := range t.bytes(off+4, 16) {
				var k byte
				if i < 4 {
					k = byte(uint32(stunMagicCookie) >> (24 - 8*i))
				} else {
					k = txid[i-4]
				}
				a[i] = c ^ k
			}
			p.stunAddress(name, a[:], port)
		}
	case 0x0006: // USERNAME
		p.appendInfo(" user: ")
		p.appendUTF8String(t.bytes(off, n))
	case 0x0009: // ERROR-CODE
		if n < 4 {
			if n >= 2 {
				t.ensureItem(off, 2)
			}
			if n >= 3 {
				t.ensureItem(off+2, 1)
			}
			return
		}
		t.ensureItem(off, 4)
		code := int(t.u8(off+2))*100 + int(t.u8(off+3))
		p.appendInfo(" error-code: ")
		p.info.appendInt(int64(code))
		p.appendInfo(" (")
		if s, ok := stunErrors[code]; ok {
			p.appendInfo(s)
		} else {
			p.appendInfo("*Unknown error code*")
		}
		p.appendInfo(")")
		if n >= 5 {
			p.appendInfo(" ")
			p.appendUTF8String(t.bytes(off+4, n-4))
		}
	case 0x0014: // REALM
		p.appendInfo(" realm: ")
		p.appendUTF8String(t.bytes(off, n))
	case 0x0015: // NONCE
		t.ensureItem(off, n)
		p.appendInfo(" with nonce")
	case 0x0019: // REQUESTED-TRANSPORT
		if n < 1 {
			return
		}
		t.ensureItem(off, 1)
		if n < 4 {
			return
		}
		switch proto := t.u8(off); proto {
		case 17:
			p.appendInfo(" UDP")
		case 6:
			p.appendInfo(" TCP")
		default:
			p.appendInfo(" Unknown (0x")
			var tmp [16]byte
			s := appendHex(tmp[:0], uint64(proto), 1)
			for i := len(s); i < 8; i++ { // "%8x": right-aligned in 8
				p.appendInfo(" ")
			}
			p.appendInfoBytes(s)
			p.appendInfo(")")
		}
		t.ensureItem(off+1, 3)
	case 0x000c: // CHANNEL-NUMBER
		if n < 4 {
			return
		}
		t.ensureItem(off, 4)
		p.appendInfo(" ChannelNumber=0x")
		p.appendInfoHexWidth(uint64(t.u16(off)), 1)
	case 0x0010, 0x000d: // BANDWIDTH, LIFETIME
		if n < 4 {
			return
		}
		if typ == 0x0010 {
			p.appendInfo(" bandwidth: ")
		} else {
			p.appendInfo(" lifetime: ")
		}
		p.info.appendInt(int64(int32(t.u32(off))))
	default:
		if n > 0 {
			t.ensureItem(off, n)
		}
	}
}

func (p *packet) stunAddress(name string, addr []byte, port uint16) {
	p.appendInfo(" ")
	p.appendInfo(name)
	p.appendInfo(": ")
	if len(addr) == 4 {
		p.appendInfoAddr4(addr)
	} else {
		p.appendInfoAddr6(addr)
	}
	p.appendInfo(":")
	p.appendInfoUint(uint64(port))
}

// appendUTF8String appends a string as tvb_get_string_enc(ENC_UTF_8)
// returns it and "%s" prints it: invalid bytes become U+FFFD and a NUL
// ends it.
func (p *packet) appendUTF8String(b []byte) {
	for i := 0; i < len(b); {
		c := b[i]
		if c == 0 {
			return
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			p.appendInfo("\uFFFD")
			i++
			continue
		}
		p.appendInfoBytes(b[i : i+size])
		i += size
	}
}
