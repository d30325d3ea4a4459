package decode

import "strconv"

// Radiotap present-flag bits and Flags-field bits (ieee80211_radiotap.h).
const (
	radiotapTSFT        = 0
	radiotapFlags       = 1
	radiotapExt         = 31
	radiotapFlagFCS     = 0x10
	radiotapFlagDataPad = 0x20
	radiotapMinLen      = 8
)

func init() {
	extraLinkTypes[LinkRadiotap] = dissectRadiotap
	extraLinkTypes[LinkIEEE80211] = func(p *packet, t tvb) {
		dissectIEEE80211(p, t, wlanRadio{fcsLen: -1})
	}
}

// wlanRadio is what the radio header tells 802.11 (struct ieee_802_11_phdr):
// whether the frame ends in an FCS (-1: unknown) and whether the header is
// padded to a multiple of four.
type wlanRadio struct {
	fcsLen  int
	dataPad bool
}

// dissectRadiotap is packet-ieee80211-radiotap.c: only the Flags field
// matters to the columns (FCS present, data padding); the rest of the
// header is skipped by its length.
func dissectRadiotap(p *packet, t tvb) {
	p.setProto("WLAN")
	p.clearInfo()
	version := t.u8(0)
	length := int(t.le16(2))
	p.setInfo("Radiotap Capture v" + strconv.Itoa(int(version)) + ", Length " + strconv.Itoa(length))
	if length < radiotapMinLen {
		return
	}
	hdr := t.bytes(0, length)
	radio := wlanRadio{fcsLen: -1}
	if flags, ok := radiotapFlagsField(hdr); ok {
		radio.dataPad = flags&radiotapFlagDataPad != 0
		radio.fcsLen = 0
		if flags&radiotapFlagFCS != 0 {
			radio.fcsLen = 4
		}
	}
	p.setProto("Radio")
	p.clearInfo()
	dissectIEEE80211(p, t.sub(length), radio)
}

// radiotapFlagsField finds the Flags byte: after the presence words and,
// when present, the 8-byte-aligned TSFT.
func radiotapFlagsField(hdr []byte) (uint8, bool) {
	off := 4
	var first uint32
	for i := 0; ; i++ {
		if off+4 > len(hdr) {
			return 0, false
		}
		w := uint32(hdr[off]) | uint32(hdr[off+1])<<8 | uint32(hdr[off+2])<<16 | uint32(hdr[off+3])<<24
		if i == 0 {
			first = w
		}
		off += 4
		if w&(1<<radiotapExt) == 0 {
			break
		}
	}
	if first&(1<<radiotapFlags) == 0 {
		return 0, false
	}
	if first&(1<<radiotapTSFT) != 0 {
		off = (off + 7) &^ 7
		off += 8
	}
	if off >= len(hdr) {
		return 0, false
	}
	return hdr[off], true
}
