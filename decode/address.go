package decode

import "strconv"

// addrType says how an address prints in the Source/Destination columns.
type addrType uint8

const (
	addrNone  addrType = iota
	addrEther          // 6-byte MAC, printed with Wireshark's vendor names
	addrIPv4
	addrIPv6
	addrText // free text (e.g. 802.11 receiver names) held in the decoder
)

// address is pinfo->src/dst: the most recent layer that had addresses sets it.
type address struct {
	typ addrType
	b   [16]byte
}

func etherAddr(b []byte) address {
	var a address
	a.typ = addrEther
	copy(a.b[:6], b)
	return a
}

func ipv4Addr(b []byte) address {
	var a address
	a.typ = addrIPv4
	copy(a.b[:4], b)
	return a
}

func ipv6Addr(b []byte) address {
	var a address
	a.typ = addrIPv6
	copy(a.b[:], b)
	return a
}

func (a address) mac() [6]byte {
	var m [6]byte
	copy(m[:], a.b[:6])
	return m
}

// appendIPv4 appends dotted-quad text.
func appendIPv4(dst []byte, b []byte) []byte {
	for i := 0; i < 4; i++ {
		if i > 0 {
			dst = append(dst, '.')
		}
		dst = appendDecimal(dst, uint64(b[i]))
	}
	return dst
}

// appendIPv6 appends an IPv6 address as glibc's inet_ntop writes it, which
// is what Wireshark prints: the longest run of two or more zero groups
// becomes "::" (the first such run on a tie), hex in lower case, and the
// IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) forms dotted.
func appendIPv6(dst []byte, b []byte) []byte {
	var words [8]uint16
	for i := range words {
		words[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	bestBase, bestLen, curBase, curLen := -1, 0, -1, 0
	for i, w := range words {
		if w == 0 {
			if curBase == -1 {
				curBase, curLen = i, 1
			} else {
				curLen++
			}
			continue
		}
		if curBase != -1 && (bestBase == -1 || curLen > bestLen) {
			bestBase, bestLen = curBase, curLen
		}
		curBase = -1
	}
	if curBase != -1 && (bestBase == -1 || curLen > bestLen) {
		bestBase, bestLen = curBase, curLen
	}
	if bestBase != -1 && bestLen < 2 {
		bestBase = -1
	}
	for i := 0; i < 8; i++ {
		if bestBase != -1 && i >= bestBase && i < bestBase+bestLen {
			if i == bestBase {
				dst = append(dst, ':')
			}
			continue
		}
		if i != 0 {
			dst = append(dst, ':')
		}
		if i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff)) {
			return appendIPv4(dst, b[12:16])
		}
		dst = strconv.AppendUint(dst, uint64(words[i]), 16)
	}
	if bestBase != -1 && bestBase+bestLen == 8 {
		dst = append(dst, ':')
	}
	return dst
}

// appendMAC appends aa:bb:cc:dd:ee:ff.
func appendMAC(dst []byte, b []byte) []byte {
	for i := 0; i < 6; i++ {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[b[i]>>4], hexDigits[b[i]&0xf])
	}
	return dst
}

// appendAddress appends an address as the Source/Destination columns print
// it: IP addresses as numbers, MACs through the vendor table.
func (d *Decoder) appendAddress(dst []byte, a address) []byte {
	switch a.typ {
	case addrEther:
		return d.names.appendEther(dst, a.mac())
	case addrIPv4:
		return appendIPv4(dst, a.b[:4])
	case addrIPv6:
		return appendIPv6(dst, a.b[:])
	case addrText:
		return d.appendRoleAddress(dst, a)
	}
	return dst
}
