package decode

import "strings"

// SSH, as packet-ssh.c shows it: the banner, the SSHv1 and SSHv2 key
// exchange messages by name, then "Encrypted packet (len=N)". Wireshark 4.0
// "decrypts" the ciphers it knows with all-zero keys when no key log is
// given; that fails without a word, so those packets show nothing at all.

// sshVersion is what the client's banner announced.
type sshVersion uint8

const (
	sshVersionUnknown sshVersion = iota
	sshVersion1
	sshVersion2
)

// sshKexKind selects the names of message codes 30-39, after the
// negotiated key exchange method.
type sshKexKind uint8

const (
	sshKexDH sshKexKind = iota
	sshKexDHGEX
	sshKexECDH
)

// Longest algorithm list kept per proposal; real ones are a few hundred bytes.
const sshMaxProposal = 16 << 10

// sshPeer is one side's state (ssh_peer_data); frames are numbers, 0 = unset.
type sshPeer struct {
	versionStart, versionEnd uint64
	keyStart, keyEnd         uint64
	keyEndOffset             int
	kexProposal              string
	haveKexProposal          bool
	encProposals             [2]string // client-to-server, server-to-client
	haveEncProposals         bool
	enc                      string // negotiated cipher for this direction
	haveEnc                  bool
	// decrypting: NEW KEYS activated a cipher Wireshark can decrypt (with
	// zero keys, failing silently).
	decrypting bool
}

// sshFlow is one SSH conversation (ssh_flow_data).
type sshFlow struct {
	version sshVersion
	kex     string
	haveKex bool
	kexKind sshKexKind
	peers   [2]sshPeer // client, server
}

func init() {
	registerTCPPort(dissectSSH, 22, 29418)
}

var ssh2MsgNames = map[uint8]string{
	1: "Disconnect", 2: "Ignore", 3: "Unimplemented", 4: "Debug",
	5: "Service Request", 6: "Service Accept", 20: "Key Exchange Init", 21: "New Keys",
	50: "User Authentication Request", 51: "User Authentication Failure",
	52: "User Authentication Success", 53: "User Authentication Banner",
	60: "Public Key algorithm accepted",
	80: "Global Request", 81: "Request Success", 82: "Request Failure",
	90: "Channel Open", 91: "Channel Open Confirmation", 92: "Channel Open Failure",
	93: "Window Adjust", 94: "Channel Data", 95: "Channel Extended Data",
	96: "Channel EOF", 97: "Channel Close", 98: "Channel Request",
	99: "Channel Success", 100: "Channel Failure",
}

var ssh1MsgNames = [...]string{"No Message", "Disconnect", "Public Key", "Session Key", "User"}

func sshKexMsgName(kind sshKexKind, code uint8) string {
	switch kind {
	case sshKexDHGEX:
		switch code {
		case 30:
			return "Diffie-Hellman Group Exchange Request (Old)"
		case 31:
			return "Diffie-Hellman Group Exchange Group"
		case 32:
			return "Diffie-Hellman Group Exchange Init"
		case 33:
			return "Diffie-Hellman Group Exchange Reply"
		case 34:
			return "Diffie-Hellman Group Exchange Request"
		}
	case sshKexECDH:
		switch code {
		case 30:
			return "Elliptic Curve Diffie-Hellman Key Exchange Init"
		case 31:
			return "Elliptic Curve Diffie-Hellman Key Exchange Reply"
		}
	default:
		switch code {
		case 30:
			return "Diffie-Hellman Key Exchange Init"
		case 31:
			return "Diffie-Hellman Key Exchange Reply"
		}
	}
	return ""
}

// sshAppendName appends a message name, or "Unknown (N)", with append-sep.
func (p *packet) sshAppendName(name string, code uint8) {
	if name != "" {
		p.appendInfoSep(", ", name)
		return
	}
	p.appendInfoSep(", ", "Unknown (")
	p.appendInfoUint(uint64(code))
	p.appendInfo(")")
}

// dissectSSH is dissect_ssh.
func dissectSSH(p *packet, t tvb) int {
	if p.conv == nil {
		return 0
	}
	f := appState(p.conv, "ssh", func() *sshFlow { return &sshFlow{} })
	isResponse := 0
	if p.dstPort != p.matchPort {
		isResponse = 1
	}
	peer := &f.peers[isResponse]

	switch f.version {
	case sshVersion1:
		p.setProto("SSHv1")
	case sshVersion2:
		p.setProto("SSHv2")
	default:
		p.setProto("SSH")
	}
	p.clearInfo()

	version := f.version
	offset := 0
	for t.reportedRemaining(offset) > 0 {
		afterStart := peer.versionStart == 0 || p.num >= peer.versionStart
		beforeEnd := peer.versionEnd == 0 || p.num <= peer.versionEnd
		needMore := false
		last := offset
		if afterStart && beforeEnd && sshHasPrefixFold(t, offset, "SSH-") {
			if peer.versionStart == 0 {
				peer.versionStart = p.num
			}
			offset, needMore = sshDissectBanner(p, t, offset, isResponse == 1, &version)
			if !needMore {
				peer.versionEnd = p.num
				f.version = version
			}
		} else {
			switch version {
			case sshVersion1:
				offset, needMore = sshDissectV1(p, t, offset, peer)
			case sshVersion2:
				offset, needMore = sshDissectV2(p, t, offset, f, isResponse)
			default:
				offset = sshDissectEncrypted(p, t, offset, peer)
			}
		}
		if needMore {
			return t.len()
		}
		if offset <= last {
			break
		}
	}
	if !p.readOnly {
		if isResponse == 1 {
			p.info.prepend("Server: ")
		} else {
			p.info.prepend("Client: ")
		}
	}
	return t.len()
}

// sshHasPrefixFold is tvb_strncaseeql(...) == 0 for an ASCII prefix.
func sshHasPrefixFold(t tvb, off int, prefix string) bool {
	if !t.has(off, len(prefix)) {
		return false
	}
	return strings.EqualFold(string(t.b[off:off+len(prefix)]), prefix)
}

// sshDissectBanner is ssh_dissect_protocol: the identification line.
func sshDissectBanner(p *packet, t tvb, offset int, isResponse bool, version *sshVersion) (int, bool) {
	if !isResponse {
		switch {
		case sshHasPrefixFold(t, offset, "SSH-2."), sshHasPrefixFold(t, offset, "SSH-1.99-"):
			*version = sshVersion2
		case sshHasPrefixFold(t, offset, "SSH-1."):
			*version = sshVersion1
		}
	}
	remain := t.remaining(offset)
	if remain == 0 {
		t.ensure(offset, 1)
	}
	nl := t.indexByte(offset, '\n')
	if nl < 0 && p.canDesegment != 0 {
		// packet-ssh.c computes -1 minus what it has, as an unsigned
		// length; TCP then treats the PDU as already over.
		p.desegmentOffset = offset
		p.desegmentLen = -1 - remain
		return offset, true
	}
	var lineLen, protoLen int
	if nl < 0 {
		lineLen, protoLen = remain, remain
	} else {
		lineLen = nl - offset + 1
		protoLen = lineLen - 1
		if lineLen > 1 && t.b[offset+lineLen-2] == '\r' {
			protoLen = lineLen - 2
		}
	}
	if !p.readOnly {
		if len(p.info.buf) > 0 {
			p.info.appendStr(", ")
		}
		p.info.appendStr("Protocol (")
		p.appendInfoText(t.b[offset : offset+protoLen])
		p.info.appendStr(")")
	}
	return offset + lineLen, false
}

// sshDissectEncrypted is ssh_dissect_encrypted_packet, or, once a cipher
// Wireshark knows is active, its failed decryption (no text at all).
func sshDissectEncrypted(p *packet, t tvb, offset int, peer *sshPeer) int {
	if peer.decrypting {
		return sshFailedDecryption(t, offset, peer)
	}
	n := t.reportedRemaining(offset)
	p.appendInfoSep(", ", "Encrypted packet (len=")
	p.appendInfoUint(uint64(n))
	p.appendInfo(")")
	return offset + n
}

// sshFailedDecryption mirrors how far ssh_decrypt_packet reads before its
// zero-key decryption gives up: the length field (the first AES block for
// CBC/CTR) must be there, then the rest of the segment is consumed.
func sshFailedDecryption(t tvb, offset int, peer *sshPeer) int {
	if strings.HasSuffix(peer.enc, "-cbc") || strings.HasSuffix(peer.enc, "-ctr") {
		t.ensure(offset, 16)
	} else {
		t.ensure(offset, 4)
	}
	return t.len()
}

// sshDecryptable is ssh_decryption_set_cipher_id: the ciphers Wireshark 4.0
// tries to decrypt.
func sshDecryptable(enc string) bool {
	switch enc {
	case "chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes128-gcm",
		"aes256-gcm@openssh.com", "aes256-gcm", "aes128-cbc", "aes192-cbc", "aes256-cbc",
		"aes128-ctr", "aes192-ctr", "aes256-ctr":
		return true
	}
	return false
}

// sshDissectV1 is ssh_dissect_ssh1: one SSHv1 packet.
func sshDissectV1(p *packet, t tvb, offset int, peer *sshPeer) (int, bool) {
	remain := uint32(t.remaining(offset))
	if remain == 0 {
		t.ensure(offset, 1)
	}
	canDeseg := p.canDesegment != 0
	if canDeseg && remain < 4 {
		p.desegmentOffset = offset
		p.desegmentLen = desegmentOneMoreSegment
		return offset, true
	}
	plen := t.u32(offset)
	padding := 8 - plen%8
	if canDeseg && plen+4+padding > remain {
		p.desegmentOffset = offset
		// packet-ssh.c leaves out the 4-byte length field here.
		p.desegmentLen = int(plen + padding - remain)
		return offset, true
	}
	if plen >= 0xffff {
		plen = remain - 4 - padding
	}
	offset += 4 + int(padding)
	var n uint32
	if peer.keyStart == 0 || peer.keyStart == p.num {
		code := t.u8(offset)
		name := ""
		if int(code) < len(ssh1MsgNames) {
			name = ssh1MsgNames[code]
		}
		p.sshAppendName(name, code)
		offset++
		n = plen - 1
		if peer.keyStart == 0 {
			peer.keyStart = p.num
		}
		peer.keyEnd = p.num
	} else {
		n = plen
		p.appendInfoSep(", ", "Encrypted packet (len=")
		p.appendInfoUint(uint64(int32(n)))
		p.appendInfo(")")
	}
	// The payload is added to the tree with a signed length: bounds are checked.
	t.ensure(offset, int(int32(n)))
	return offset + int(int32(n)), false
}

// sshDissectV2 is ssh_dissect_ssh2: binary packets while this side is in
// its key exchange, encrypted ones after its NEW KEYS.
func sshDissectV2(p *packet, t tvb, offset int, f *sshFlow, isResponse int) (int, bool) {
	peer := &f.peers[isResponse]
	for t.remaining(offset) > 0 {
		if peer.keyStart == 0 || (peer.keyStart <= p.num &&
			(peer.keyEnd == 0 || p.num < peer.keyEnd || (p.num == peer.keyEnd && offset < peer.keyEndOffset))) {
			var needMore bool
			offset, needMore = sshDissectKeyExchange(p, t, offset, f, isResponse)
			if needMore {
				return offset, true
			}
		} else {
			offset = sshDissectEncrypted(p, t, offset, peer)
		}
	}
	return offset, false
}

// sshDissectKeyExchange is ssh_dissect_key_exchange: one unencrypted
// binary packet.
func sshDissectKeyExchange(p *packet, t tvb, offset int, f *sshFlow, isResponse int) (int, bool) {
	peer := &f.peers[isResponse]
	start := offset
	remain := uint32(t.remaining(offset))
	if remain == 0 {
		t.ensure(offset, 1)
	}
	canDeseg := p.canDesegment != 0
	if canDeseg && remain < 4 {
		p.desegmentOffset = offset
		p.desegmentLen = desegmentOneMoreSegment
		return offset, true
	}
	plen := t.u32(offset)
	if canDeseg && plen+4 > remain {
		p.desegmentOffset = offset
		p.desegmentLen = int(plen + 4 - remain)
		return offset, true
	}
	if plen >= 0xffff {
		plen = remain - 4
	}
	offset += 4
	padding := uint32(t.u8(offset))
	offset++
	code := t.u8(offset)
	if code >= 30 && code < 40 {
		p.sshAppendName(sshKexMsgName(f.kexKind, code), code)
		offset++
		offset = sshDissectKexSpecific(t, offset, f, code)
	} else {
		p.sshAppendName(ssh2MsgNames[code], code)
		offset++
		switch code {
		case 20:
			offset = sshDissectKexInit(t, offset, f, isResponse)
			if peer.keyStart == 0 {
				peer.keyStart = p.num
			}
		case 21:
			if peer.keyEnd == 0 {
				peer.keyEnd = p.num
				peer.keyEndOffset = offset
				peer.decrypting = peer.haveEnc && sshDecryptable(peer.enc)
			}
		}
	}
	n := plen + 4 - padding - uint32(offset-start)
	if n > 0 {
		t.ensure(offset, int(int32(n)))
	}
	offset += int(int32(n))
	t.ensure(offset, int(padding))
	return offset + int(padding), false
}

// sshSkipString skips an SSH string or mpint (uint32 length + bytes),
// raising when it is not all there.
func sshSkipString(t tvb, offset int) int {
	n := int(int32(t.u32(offset)))
	t.ensure(offset+4, n)
	return offset + 4 + n
}

// sshDissectKexSpecific reads the key exchange replies far enough to pick
// the ciphers at the point packet-ssh.c does (ssh_choose_enc_mac). Only
// DH and ECDH replies do: the group-exchange one does so only in builds
// with decryption support, which Debian's 4.0 is not.
func sshDissectKexSpecific(t tvb, offset int, f *sshFlow, code uint8) int {
	if code != 31 || f.kexKind == sshKexDHGEX {
		return offset
	}
	offset = sshSkipString(t, offset) // host key
	// ssh_read_f copies f (Q_S) when its length is plausible.
	if n := t.u32(offset); n != 0 && n <= 1025 {
		t.ensure(offset+4, int(n))
	}
	sshChooseCiphers(f)
	return offset
}

// sshChooseCiphers is ssh_choose_enc_mac for the cipher of each direction.
func sshChooseCiphers(f *sshFlow) {
	c, s := &f.peers[0], &f.peers[1]
	if !c.haveEncProposals || !s.haveEncProposals {
		return
	}
	for i := range f.peers {
		peer := &f.peers[i]
		if peer.haveEnc {
			continue
		}
		peer.enc, peer.haveEnc = sshChooseAlgo(c.encProposals[i], s.encProposals[i])
	}
}

// sshChooseAlgo is ssh_choose_algo: the first client method the server
// also lists (g_strsplit semantics: an empty list has no entries).
func sshChooseAlgo(client, server string) (string, bool) {
	if client == "" || server == "" {
		return "", false
	}
	serverNames := strings.Split(server, ",")
	for _, name := range strings.Split(client, ",") {
		for _, s := range serverNames {
			if s == name {
				return name, true
			}
		}
	}
	return "", false
}

// sshDissectKexInit is ssh_dissect_key_init: it keeps the proposals that
// decide the key exchange method and the ciphers.
func sshDissectKexInit(t tvb, offset int, f *sshFlow, isResponse int) int {
	peer := &f.peers[isResponse]
	t.ensure(offset, 16) // cookie
	offset += 16
	for i := 0; i < 10; i++ {
		n := t.u32(offset)
		offset += 4
		t.ensure(offset, int(int32(n)))
		s := sshProposal(t.b[offset : offset+int(n)])
		switch i {
		case 0:
			peer.kexProposal, peer.haveKexProposal = s, true
		case 2, 3:
			peer.encProposals[i-2] = s
			peer.haveEncProposals = true
		}
		offset += int(n)
	}
	t.ensure(offset, 5) // first_kex_packet_follows, reserved
	offset += 5
	if f.peers[0].haveKexProposal && f.peers[1].haveKexProposal && !f.haveKex {
		f.kex, f.haveKex = sshChooseAlgo(f.peers[0].kexProposal, f.peers[1].kexProposal)
		if f.haveKex {
			f.kexKind = sshKexKindFor(f.kex, f.kexKind)
		}
	}
	return offset
}

// sshProposal copies a name-list as a C string would hold it (up to a NUL),
// bounded.
func sshProposal(b []byte) string {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	if len(b) > sshMaxProposal {
		b = b[:sshMaxProposal]
	}
	return string(b)
}

// sshKexKindFor is ssh_set_kex_specific_dissector: unknown methods keep
// the current (plain Diffie-Hellman) names.
func sshKexKindFor(kex string, cur sshKexKind) sshKexKind {
	switch {
	case kex == "diffie-hellman-group-exchange-sha1", kex == "diffie-hellman-group-exchange-sha256":
		return sshKexDHGEX
	case strings.HasPrefix(kex, "ecdh-sha2-"), kex == "curve25519-sha256@libssh.org",
		kex == "curve25519-sha256", kex == "curve448-sha512":
		return sshKexECDH
	case kex == "diffie-hellman-group14-sha256", kex == "diffie-hellman-group16-sha512",
		kex == "diffie-hellman-group18-sha512", kex == "diffie-hellman-group1-sha1",
		kex == "diffie-hellman-group14-sha1":
		return sshKexDH
	}
	return cur
}
