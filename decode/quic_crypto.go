package decode

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
)

// QUIC packet protection for Initial packets (RFC 9001 5, RFC 9369 3.3):
// the keys derive from the client's first Destination Connection ID and a
// salt per version, so tshark, and this package, can remove header
// protection and decrypt Initial packets without any key log.

// Initial salts by version family (packet-quic.c, quic_derive_initial_secrets).
var (
	quicSaltDraft22 = []byte{0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a, 0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a}
	quicSaltDraft23 = []byte{0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7, 0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02}
	quicSaltDraft29 = []byte{0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99}
	quicSaltV1      = []byte{0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a}
	quicSaltQ050    = []byte{0x50, 0x45, 0x74, 0xef, 0xd0, 0x66, 0xfe, 0x2f, 0x9d, 0x94, 0x5c, 0xfc, 0xdb, 0xd3, 0xa7, 0xf0, 0xd3, 0xb5, 0x6b, 0x45}
	quicSaltT050    = []byte{0x7f, 0xf5, 0x79, 0xe5, 0xac, 0xd0, 0x72, 0x91, 0x55, 0x80, 0x30, 0x4c, 0x43, 0xa2, 0x36, 0x7c, 0x60, 0x48, 0x83, 0x10}
	quicSaltT051    = []byte{0x7a, 0x4e, 0xde, 0xf4, 0xe7, 0xcc, 0xee, 0x5f, 0xa4, 0x50, 0x6c, 0x19, 0x12, 0x4f, 0xc8, 0xcc, 0xda, 0x6e, 0x03, 0x3d}
	quicSaltV2      = []byte{0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9}
)

func quicInitialSalt(version uint32) []byte {
	switch version {
	case quicVersionQ050:
		return quicSaltQ050
	case quicVersionT050:
		return quicSaltT050
	case quicVersionT051:
		return quicSaltT051
	}
	switch d := quicDraftVersion(version); {
	case d != 0 && d <= 22:
		return quicSaltDraft22
	case d != 0 && d <= 28:
		return quicSaltDraft23
	case d != 0 && d <= 32:
		return quicSaltDraft29
	case d != 0 && d <= 34:
		return quicSaltV1
	}
	return quicSaltV2
}

// hkdfExpandLabel is TLS 1.3's HKDF-Expand-Label with an empty context,
// over SHA-256.
func hkdfExpandLabel(secret []byte, label string, length int) []byte {
	full := "tls13 " + label
	info := make([]byte, 0, 4+len(full))
	info = binary.BigEndian.AppendUint16(info, uint16(length))
	info = append(info, byte(len(full)))
	info = append(info, full...)
	info = append(info, 0)
	out, err := hkdf.Expand(sha256.New, secret, string(info), length)
	if err != nil {
		panic("quic: hkdf-expand of a fixed-size secret failed: " + err.Error())
	}
	return out
}

// quicKeys protect one direction's packets at one encryption level.
type quicKeys struct {
	hp   cipher.Block // AES-ECB for the header protection mask
	aead cipher.AEAD  // AES-GCM for the payload
	iv   [12]byte
}

// quicKeyMaterial expands a traffic secret into the AES-128 packet key,
// the IV and the header protection key.
func quicKeyMaterial(secret []byte, version uint32) (key, iv, hp []byte) {
	keyLabel, ivLabel, hpLabel := "quic key", "quic iv", "quic hp"
	if quicIsV2(version) {
		keyLabel, ivLabel, hpLabel = "quicv2 key", "quicv2 iv", "quicv2 hp"
	}
	return hkdfExpandLabel(secret, keyLabel, 16), hkdfExpandLabel(secret, ivLabel, 12), hkdfExpandLabel(secret, hpLabel, 16)
}

// newQUICKeys expands a traffic secret into AES-128 keys.
func newQUICKeys(secret []byte, version uint32) quicKeys {
	key, iv, hpKey := quicKeyMaterial(secret, version)
	var k quicKeys
	block, err := aes.NewCipher(key)
	if err != nil {
		panic("quic: " + err.Error())
	}
	k.aead, err = cipher.NewGCM(block)
	if err != nil {
		panic("quic: " + err.Error())
	}
	copy(k.iv[:], iv)
	k.hp, err = aes.NewCipher(hpKey)
	if err != nil {
		panic("quic: " + err.Error())
	}
	return k
}

// quicInitialSecrets are the client and server Initial secrets.
func quicInitialSecrets(dcid []byte, version uint32) (client, server []byte) {
	initial, err := hkdf.Extract(sha256.New, dcid, quicInitialSalt(version))
	if err != nil {
		panic("quic: " + err.Error())
	}
	return hkdfExpandLabel(initial, "client in", 32), hkdfExpandLabel(initial, "server in", 32)
}

// quicInitialKeys derives both directions' Initial keys from the client's
// first Destination Connection ID.
func quicInitialKeys(dcid []byte, version uint32) (client, server quicKeys) {
	c, s := quicInitialSecrets(dcid, version)
	return newQUICKeys(c, version), newQUICKeys(s, version)
}

// unprotectHeader is quic_decrypt_header: it unmasks the first byte and
// the packet number at pnOffset, reading the sample as the tvb allows.
func (k *quicKeys) unprotectHeader(t tvb, pnOffset int) (firstByte uint8, pn uint32) {
	sample := t.bytes(pnOffset+4, 16)
	var mask [16]byte
	k.hp.Encrypt(mask[:], sample)
	firstByte = t.u8(0)
	if firstByte&0x80 != 0 {
		firstByte ^= mask[0] & 0x0f
	} else {
		firstByte ^= mask[0] & 0x1f
	}
	pnLen := int(firstByte&3) + 1
	b := t.bytes(pnOffset, pnLen)
	for i := 0; i < pnLen; i++ {
		pn |= uint32(b[i]^mask[1+i]) << (8 * (pnLen - 1 - i))
	}
	return firstByte, pn
}

// quicAdjustPacketNumber expands a truncated packet number of n bits next
// to the largest one seen (ngtcp2's algorithm, as Wireshark uses it).
func quicAdjustPacketNumber(maxPN, pn uint64, n uint) uint64 {
	k := maxPN
	if maxPN != ^uint64(0) {
		k = maxPN + 1
	}
	u := k &^ ((uint64(1) << n) - 1)
	a := u | pn
	b := (u + uint64(1)<<n) | pn
	a1, b1 := k-a, k-b
	if k < a {
		a1 = a - k
	}
	if k < b {
		b1 = b - k
	}
	if a1 < b1 {
		return a
	}
	return b
}

// decrypt is quic_decrypt_message: the payload after a header of hdrLen
// bytes whose first byte and packet number are given in clear. *scratch is
// reused for the output; ok is false when authentication fails.
func (k *quicKeys) decrypt(t tvb, hdrLen int, firstByte uint8, pnLen int, pn uint64, scratchp *[]byte) ([]byte, bool) {
	ctLen := len(t.b) - hdrLen - 16
	if hdrLen+16 > len(t.b) || ctLen <= 0 {
		return nil, false
	}
	// Associated data: the header in clear, then the ciphertext and tag.
	need := hdrLen + ctLen + 16
	scratch := *scratchp
	if cap(scratch) < 2*need {
		scratch = make([]byte, 0, 2*need)
		*scratchp = scratch
	}
	aad := append(scratch[:0], t.b[:hdrLen]...)
	aad[0] = firstByte
	for i := 0; i < pnLen; i++ {
		aad[hdrLen-1-i] = byte(pn >> (8 * i))
	}
	nonce := k.iv
	for i := 0; i < 8; i++ {
		nonce[11-i] ^= byte(pn >> (8 * i))
	}
	out, err := k.aead.Open(scratch[hdrLen:hdrLen], nonce[:], t.b[hdrLen:hdrLen+ctLen+16], aad)
	if err != nil {
		return nil, false
	}
	return out, true
}
