package decode

import "sort"

//go:generate go run ./internal/manufgen -o manuf_table.go

type ouiEntry struct {
	prefix uint32
	name   string
}

type macEntry struct {
	addr uint64
	name string
}

// macNames resolves MAC addresses to the names tshark prints with its
// default MAC name resolution ("HonHaiPr_6e:8b:24", "Broadcast"), with a
// bounded cache so a long capture does not grow it without limit.
type macNames struct {
	cache map[[6]byte]string
}

const macNameCacheMax = 1 << 16

func (n *macNames) appendEther(dst []byte, mac [6]byte) []byte {
	if s, ok := n.cache[mac]; ok {
		return append(dst, s...)
	}
	start := len(dst)
	dst = appendResolvedMAC(dst, mac)
	if n.cache == nil || len(n.cache) >= macNameCacheMax {
		n.cache = make(map[[6]byte]string, 64)
	}
	n.cache[mac] = string(dst[start:])
	return dst
}

func macKey(mac [6]byte) uint64 {
	var k uint64
	for _, b := range mac {
		k = k<<8 | uint64(b)
	}
	return k
}

func lookupMAC(table []macEntry, key uint64) (string, bool) {
	i := sort.Search(len(table), func(i int) bool { return table[i].addr >= key })
	if i < len(table) && table[i].addr == key {
		return table[i].name, true
	}
	return "", false
}

func lookupOUI(prefix uint32) (string, bool) {
	i := sort.Search(len(ouiTable), func(i int) bool { return ouiTable[i].prefix >= prefix })
	if i < len(ouiTable) && ouiTable[i].prefix == prefix {
		return ouiTable[i].name, true
	}
	return "", false
}

// wkaLookup looks the address up with its low (48-bits) bits cleared.
func wkaLookup(key uint64, bits int) (string, bool) {
	masked := key &^ (uint64(1)<<(48-bits) - 1)
	return lookupMAC(wkaTable[:], masked)
}

// appendResolvedMAC follows Wireshark's eth_addr_resolve: exact names, then
// well-known ranges narrower than 2^24, the vendor prefix (also with the
// multicast bit cleared), wider ranges, and finally the plain address.
// The part of the address not covered by the matched range is printed in hex.
func appendResolvedMAC(dst []byte, mac [6]byte) []byte {
	key := macKey(mac)
	if name, ok := lookupMAC(ethTable[:], key); ok {
		return append(dst, name...)
	}
	tail := func(dst []byte, name string, bits int) []byte {
		dst = append(dst, name...)
		dst = append(dst, '_')
		first := bits / 8
		for i := first; i < 6; i++ {
			if i > first {
				dst = append(dst, ':')
			}
			b := mac[i]
			if i == first {
				b &= 0xff >> (bits % 8)
			}
			dst = append(dst, hexDigits[b>>4], hexDigits[b&0xf])
		}
		return dst
	}
	for bits := 47; bits >= 24; bits-- {
		if name, ok := wkaLookup(key, bits); ok {
			return tail(dst, name, bits)
		}
	}
	prefix := uint32(key >> 24)
	name, ok := lookupOUI(prefix)
	if !ok && prefix&0x010000 != 0 {
		name, ok = lookupOUI(prefix &^ 0x010000)
	}
	if ok {
		return tail(dst, name, 24)
	}
	for bits := 23; bits >= 1; bits-- {
		if name, ok := wkaLookup(key, bits); ok {
			return tail(dst, name, bits)
		}
	}
	return appendMAC(dst, mac[:])
}
