package decode

// EAPOL packet types and key descriptor types (packet-eapol.c).
const (
	eapolEAP       = 0
	eapolKey       = 3
	eapolRSNKey    = 2
	eapolWPAKey    = 254
	eapolEthertype = 0x888e
	eapolHdrLen    = 4
	// eapolMICLen is the Key MIC length tshark assumes when the
	// association did not name an AKM suite that changes it.
	eapolMICLen = 16
)

var eapolTypeNames = [...]string{
	0: "EAP Packet", 1: "Start", 2: "Logoff", 3: "Key", 4: "Encapsulated ASF Alert",
	5: "MKA", 6: "Announcement (Generic)", 7: "Announcement (Specific)", 8: "Announcement Request",
}

func init() {
	extraEthertypes[eapolEthertype] = dissectEAPOL
}

// dissectEAPOL is 802.1X authentication: Info names the packet type, and
// WPA/RSN key frames are numbered within the 4-way or group handshake as
// packet-ieee80211.c does.
func dissectEAPOL(p *packet, t tvb) {
	p.setProto("EAPOL")
	p.clearInfo()
	t.ensure(0, 1)
	typ := t.u8(1)
	if int(typ) < len(eapolTypeNames) {
		p.setInfo(eapolTypeNames[typ])
	} else {
		p.setInfo("Unknown Type (0x" + string(appendHexUpper(nil, uint64(typ), 2)) + ")")
	}
	length := int(t.u16(2))
	t = t.setActualLength(eapolHdrLen + length)
	body := t.sub(eapolHdrLen)
	switch typ {
	case eapolEAP:
		dissectEAP(p, body)
	case eapolKey:
		desc := body.u8(0)
		if desc == eapolRSNKey || desc == eapolWPAKey {
			eapolKeyMessage(p, body.sub(1))
		}
	}
}

// Key Information bits.
const (
	keyInfoType    = 0x0008
	keyInfoInstall = 0x0040
	keyInfoAck     = 0x0080
	keyInfoError   = 0x0400
	keyInfoRequest = 0x0800
)

// eapolKeyMessage is dissect_wlan_rsna_eapol_wpa_or_rsn_key's Info.
func eapolKeyMessage(p *packet, t tvb) {
	dataOff := 76 + eapolMICLen
	dataLen := t.u16(dataOff)
	info := t.u16(0)
	switch {
	case info&keyInfoRequest != 0:
		p.setInfo("Key (Request)")
		if info&keyInfoError != 0 {
			p.setInfo("Key (Request, Error)")
		}
	case info&keyInfoType != 0:
		switch info & (keyInfoInstall | keyInfoAck) {
		case keyInfoAck:
			p.setInfo("Key (Message 1 of 4)")
		case keyInfoInstall | keyInfoAck:
			p.setInfo("Key (Message 3 of 4)")
		default:
			if dataLen != 0 && dataLen != 12 {
				p.setInfo("Key (Message 2 of 4)")
			} else {
				p.setInfo("Key (Message 4 of 4)")
			}
		}
	case info&keyInfoAck != 0:
		p.setInfo("Key (Group Message 1 of 2)")
	default:
		p.setInfo("Key (Group Message 2 of 2)")
	}
	t.ensure(0, dataOff+2)
	if dataLen != 0 {
		t.ensure(dataOff+2, int(dataLen))
	}
}

// eapCodeNames and eapTypeNames are packet-eap.c's value strings.
var eapCodeNames = [...]string{1: "Request", 2: "Response", 3: "Success", 4: "Failure", 5: "Initiate", 6: "Finish"}

var eapTypeNames = map[uint8]string{
	1: "Identity", 2: "Notification", 3: "Legacy Nak (Response Only)", 4: "MD5-Challenge EAP (EAP-MD5-CHALLENGE)",
	5: "One-Time Password EAP (EAP-OTP)", 6: "Generic Token Card EAP (EAP-GTC)", 7: "Allocated", 8: "Allocated",
	9: "RSA Public Key Authentication EAP (EAP-RSA-PKA)", 10: "DSS Unilateral EAP (EAP-DSS)", 11: "KEA EAP (EAP-KEA)",
	12: "KEA Validate EAP (EAP-KEA-VALIDATE)", 13: "TLS EAP (EAP-TLS)", 14: "Defender Token EAP (EAP-AXENT)",
	15: "RSA Security SecurID EAP (EAP-RSA-SECURID)", 16: "Arcot Systems EAP (EAP-ARCOT-SYSTEMS)",
	17: "Cisco Wireless EAP / Lightweight EAP (EAP-LEAP)", 18: "GSM Subscriber Identity Modules EAP (EAP-SIM)",
	19: "Secure Remote Password SHA1 Part 1 EAP (EAP-SRP-SHA1-PART1)", 20: "Secure Remote Password SHA1 Part 2 EAP (EAP-SRP-SHA1-PART2)",
	21: "Tunneled TLS EAP (EAP-TTLS)", 22: "Remote Access Service EAP (EAP-RAS)",
	23: "UMTS Authentication and Key Agreement EAP (EAP-AKA)", 24: "3Com Wireless EAP (EAP-3COM-WIRELESS)",
	25: "Protected EAP (EAP-PEAP)", 26: "MS-Authentication EAP (EAP-MS-AUTH)",
	27: "Mutual Authentication w/Key Exchange EAP (EAP-MAKE)", 28: "CRYPTOCard EAP (EAP-CRYPTOCARD)",
	29: "MS-CHAP-v2 EAP (EAP-MS-CHAP-V2)", 30: "DynamID EAP (EAP-DYNAMID)", 31: "Rob EAP (EAP-ROB)",
	32: "Protected One-Time Password EAP (EAP-POTP)", 33: "MS-Authentication TLV EAP (EAP-MS-AUTH-TLV)",
	34: "SentriNET (EAP-SENTRINET)", 35: "Actiontec Wireless EAP (EAP-ACTIONTEC-WIRELESS)",
	36: "Cogent Systems Biometrics Authentication EAP (EAP-COGENT-BIOMETRIC)", 37: "AirFortress EAP (EAP-AIRFORTRESS)",
	38: "HTTP Digest EAP (EAP-HTTP-DIGEST)", 39: "SecureSuite EAP (EAP-SECURESUITE)",
	40: "DeviceConnect EAP (EAP-DEVICECONNECT)", 41: "Simple Password Exponential Key Exchange EAP (EAP-SPEKE)",
	42: "MOBAC EAP (EAP-MOBAC)", 43: "Flexible Authentication via Secure Tunneling EAP (EAP-FAST)",
	44: "ZoneLabs EAP (EAP-ZLXEAP)", 45: "Link EAP (EAP-LINK)", 46: "Password Authenticated eXchange EAP (EAP-PAX)",
	47: "Pre-Shared Key EAP (EAP-PSK)", 48: "Shared-secret Authentication and Key Establishment EAP (EAP-SAKE)",
	49: "Internet Key Exchange v2 EAP (EAP-IKEv2)", 50: "UMTS Authentication and Key Agreement' EAP (EAP-AKA')",
	51: "Generalized Pre-Shared Key EAP (EAP-GPSK)", 52: "Password EAP (EAP-pwd)",
	53: "Encrypted Key Exchange v1 EAP (EAP-EKEv1)", 55: "Tunneled EAP protocol", 254: "Expanded Type", 255: "Experimental",
}

// dissectEAP is the EAP header's Info: the code and, for requests and
// responses, the method type. The methods themselves are not dissected.
func dissectEAP(p *packet, t tvb) {
	p.setProto("EAP")
	p.clearInfo()
	code := t.u8(0)
	t.ensure(1, 1)
	if int(code) < len(eapCodeNames) && eapCodeNames[code] != "" {
		p.setInfo(eapCodeNames[code])
	} else {
		p.setInfo("Unknown code (0x" + string(appendHexUpper(nil, uint64(code), 2)) + ")")
	}
	t.ensure(2, 2)
	if code == 1 || code == 2 {
		typ := t.u8(4)
		if name, ok := eapTypeNames[typ]; ok {
			p.appendInfo(", " + name)
		} else {
			p.appendInfo(", Unknown type (0x" + string(appendHex(nil, uint64(typ), 2)) + ")")
		}
	}
}
