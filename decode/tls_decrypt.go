package decode

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/des"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/binary"
	"hash"

	"golang.org/x/crypto/chacha20poly1305"
)

// TLS record decryption with secrets from a key log, as packet-tls-utils.c
// does it: TLS 1.0-1.2 derive the key block from the master secret
// (CLIENT_RANDOM lines) with the PRF, TLS 1.3 expand each traffic secret
// with HKDF. Decoders are per direction; a record that does not
// authenticate is left as it is, exactly as tshark leaves it.

// tlsCipherMode is how a suite protects records.
type tlsCipherMode uint8

const (
	tlsModeCBC tlsCipherMode = iota + 1
	tlsModeGCM
	tlsModePoly1305
)

// tlsBulk is the encryption algorithm of a suite.
type tlsBulk uint8

const (
	tlsAES128 tlsBulk = iota + 1
	tlsAES256
	tlsDES3
	tlsChaCha20
)

// tlsSuite is what decryption needs to know of a cipher suite
// (SslCipherSuite): the cipher, its mode and the MAC/PRF digest.
type tlsSuite struct {
	bulk  tlsBulk
	mode  tlsCipherMode
	dig   uint8 // 1 SHA-1, 2 SHA-256, 3 SHA-384 (MAC, and the TLS 1.2 PRF for 3)
	tls13 bool
}

const (
	tlsDigSHA1 = iota + 1
	tlsDigSHA256
	tlsDigSHA384
)

func (s tlsSuite) keyLen() int {
	switch s.bulk {
	case tlsAES128:
		return 16
	case tlsDES3:
		return 24
	}
	return 32
}

func (s tlsSuite) digLen() int {
	switch s.dig {
	case tlsDigSHA1:
		return 20
	case tlsDigSHA384:
		return 48
	}
	return 32
}

func (s tlsSuite) newHash() func() hash.Hash {
	switch s.dig {
	case tlsDigSHA1:
		return sha1.New
	case tlsDigSHA384:
		return sha512.New384
	}
	return sha256.New
}

// tlsSuites are the suites decrypted here: AES-CBC, 3DES-CBC, AES-GCM and
// ChaCha20-Poly1305 (key exchange does not matter with a key log).
var tlsSuites = map[uint16]tlsSuite{
	// TLS 1.3
	0x1301: {tlsAES128, tlsModeGCM, tlsDigSHA256, true},
	0x1302: {tlsAES256, tlsModeGCM, tlsDigSHA384, true},
	0x1303: {tlsChaCha20, tlsModePoly1305, tlsDigSHA256, true},

	// AES-GCM
	0x009c: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0x009d: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0x009e: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0x009f: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0x00a0: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0x00a1: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0x00a2: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0x00a3: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0x00a4: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0x00a5: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0x00a6: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0x00a7: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0x00a8: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0x00a9: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0x00aa: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0x00ab: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0x00ac: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0x00ad: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0xc02b: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0xc02c: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0xc02d: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0xc02e: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0xc02f: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0xc030: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0xc031: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0xc032: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},
	0xd001: {tlsAES128, tlsModeGCM, tlsDigSHA256, false}, 0xd002: {tlsAES256, tlsModeGCM, tlsDigSHA384, false},

	// ChaCha20-Poly1305 (RFC 7905)
	0xcca8: {tlsChaCha20, tlsModePoly1305, tlsDigSHA256, false}, 0xcca9: {tlsChaCha20, tlsModePoly1305, tlsDigSHA256, false},
	0xccaa: {tlsChaCha20, tlsModePoly1305, tlsDigSHA256, false}, 0xccab: {tlsChaCha20, tlsModePoly1305, tlsDigSHA256, false},
	0xccac: {tlsChaCha20, tlsModePoly1305, tlsDigSHA256, false}, 0xccad: {tlsChaCha20, tlsModePoly1305, tlsDigSHA256, false},
	0xccae: {tlsChaCha20, tlsModePoly1305, tlsDigSHA256, false},

	// AES-CBC with SHA-1
	0x002f: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0x0035: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0x0030: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0x0036: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0x0031: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0x0037: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0x0032: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0x0038: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0x0033: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0x0039: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0x0034: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0x003a: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0x008c: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0x008d: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0x0090: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0x0091: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0x0094: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0x0095: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0xc004: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0xc005: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0xc009: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0xc00a: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0xc00e: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0xc00f: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0xc013: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0xc014: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0xc018: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0xc019: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},
	0xc035: {tlsAES128, tlsModeCBC, tlsDigSHA1, false}, 0xc036: {tlsAES256, tlsModeCBC, tlsDigSHA1, false},

	// AES-CBC with SHA-256/384
	0x003c: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0x003d: {tlsAES256, tlsModeCBC, tlsDigSHA256, false},
	0x003e: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0x003f: {tlsAES128, tlsModeCBC, tlsDigSHA256, false},
	0x0040: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0x0067: {tlsAES128, tlsModeCBC, tlsDigSHA256, false},
	0x0068: {tlsAES256, tlsModeCBC, tlsDigSHA256, false}, 0x0069: {tlsAES256, tlsModeCBC, tlsDigSHA256, false},
	0x006a: {tlsAES256, tlsModeCBC, tlsDigSHA256, false}, 0x006b: {tlsAES256, tlsModeCBC, tlsDigSHA256, false},
	0x006c: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0x006d: {tlsAES256, tlsModeCBC, tlsDigSHA256, false},
	0x00ae: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0x00af: {tlsAES256, tlsModeCBC, tlsDigSHA384, false},
	0x00b2: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0x00b3: {tlsAES256, tlsModeCBC, tlsDigSHA384, false},
	0x00b6: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0x00b7: {tlsAES256, tlsModeCBC, tlsDigSHA384, false},
	0xc023: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0xc024: {tlsAES256, tlsModeCBC, tlsDigSHA384, false},
	0xc025: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0xc026: {tlsAES256, tlsModeCBC, tlsDigSHA384, false},
	0xc027: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0xc028: {tlsAES256, tlsModeCBC, tlsDigSHA384, false},
	0xc029: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0xc02a: {tlsAES256, tlsModeCBC, tlsDigSHA384, false},
	0xc037: {tlsAES128, tlsModeCBC, tlsDigSHA256, false}, 0xc038: {tlsAES256, tlsModeCBC, tlsDigSHA384, false},

	// 3DES-EDE-CBC with SHA-1
	0x000a: {tlsDES3, tlsModeCBC, tlsDigSHA1, false}, 0x000d: {tlsDES3, tlsModeCBC, tlsDigSHA1, false},
	0x0010: {tlsDES3, tlsModeCBC, tlsDigSHA1, false}, 0x0013: {tlsDES3, tlsModeCBC, tlsDigSHA1, false},
	0x0016: {tlsDES3, tlsModeCBC, tlsDigSHA1, false}, 0x001b: {tlsDES3, tlsModeCBC, tlsDigSHA1, false},
	0x008b: {tlsDES3, tlsModeCBC, tlsDigSHA1, false}, 0x008f: {tlsDES3, tlsModeCBC, tlsDigSHA1, false},
	0x0093: {tlsDES3, tlsModeCBC, tlsDigSHA1, false}, 0xc003: {tlsDES3, tlsModeCBC, tlsDigSHA1, false},
	0xc008: {tlsDES3, tlsModeCBC, tlsDigSHA1, false}, 0xc00d: {tlsDES3, tlsModeCBC, tlsDigSHA1, false},
	0xc012: {tlsDES3, tlsModeCBC, tlsDigSHA1, false}, 0xc017: {tlsDES3, tlsModeCBC, tlsDigSHA1, false},
	0xc034: {tlsDES3, tlsModeCBC, tlsDigSHA1, false},
}

// tlsFlow is one direction's stream of decrypted application data
// (SslFlow): a byte position for reassembly, kept across key changes.
type tlsFlow struct {
	byteSeq uint32
	msps    mspList
}

// tlsDecoder is one direction's record protection (SslDecoder).
type tlsDecoder struct {
	suite  tlsSuite
	aead   cipher.AEAD
	block  cipher.Block
	cbcIV  []byte // TLS 1.0: the IV chained from the previous record
	iv     []byte // AEAD: the implicit salt (TLS 1.2 GCM) or write IV
	macKey []byte
	seq    uint64
	// appSecret is the TLS 1.3 application traffic secret, for KeyUpdate.
	appSecret []byte
}

func newTLSDecoder(suite tlsSuite, macKey, key, iv []byte) *tlsDecoder {
	d := &tlsDecoder{suite: suite, macKey: macKey, iv: iv}
	switch suite.bulk {
	case tlsAES128, tlsAES256:
		b, err := aes.NewCipher(key)
		if err != nil {
			return nil
		}
		if suite.mode == tlsModeGCM {
			if d.aead, err = cipher.NewGCM(b); err != nil {
				return nil
			}
		} else {
			d.block = b
		}
	case tlsDES3:
		b, err := des.NewTripleDESCipher(key)
		if err != nil {
			return nil
		}
		d.block = b
	case tlsChaCha20:
		a, err := chacha20poly1305.New(key)
		if err != nil {
			return nil
		}
		d.aead = a
	}
	if d.block != nil {
		d.cbcIV = append([]byte(nil), iv...)
	}
	return d
}

// tlsPRF is the TLS PRF (RFC 2246 5 for TLS 1.0/1.1, RFC 5246 5 for 1.2,
// whose hash is SHA-384 for suites with that digest, SHA-256 otherwise).
func tlsPRF(version uint16, suite tlsSuite, secret []byte, label string, seed1, seed2 []byte, n int) []byte {
	seed := make([]byte, 0, len(label)+len(seed1)+len(seed2))
	seed = append(seed, label...)
	seed = append(seed, seed1...)
	seed = append(seed, seed2...)
	out := make([]byte, n)
	switch version {
	case tlsVersion10, tlsVersion11, dtlsVersion10, dtlsVersion10OpenSSL:
		half := (len(secret) + 1) / 2
		pHash(out, md5.New, secret[:half], seed)
		tmp := make([]byte, n)
		pHash(tmp, sha1.New, secret[len(secret)-half:], seed)
		for i := range out {
			out[i] ^= tmp[i]
		}
	default:
		h := sha256.New
		if suite.dig == tlsDigSHA384 {
			h = sha512.New384
		}
		pHash(out, h, secret, seed)
	}
	return out
}

// pHash is P_hash of RFC 5246 5.
func pHash(out []byte, h func() hash.Hash, secret, seed []byte) {
	mac := hmac.New(h, secret)
	mac.Write(seed)
	a := mac.Sum(nil)
	for len(out) > 0 {
		mac.Reset()
		mac.Write(a)
		mac.Write(seed)
		out = out[copy(out, mac.Sum(nil)):]
		mac.Reset()
		mac.Write(a)
		a = mac.Sum(nil)
	}
}

// tlsKeyBlock derives both directions' decoders from a master secret
// (ssl_generate_keyring_material).
func tlsKeyBlock(version uint16, suite tlsSuite, master, clientRandom, serverRandom []byte) (client, server *tlsDecoder) {
	macLen := 0
	if suite.mode == tlsModeCBC {
		macLen = suite.digLen()
	}
	keyLen := suite.keyLen()
	ivLen := 0
	switch suite.mode {
	case tlsModeCBC:
		ivLen = 16
		if suite.bulk == tlsDES3 {
			ivLen = 8
		}
	case tlsModeGCM:
		ivLen = 4
	case tlsModePoly1305:
		ivLen = 12
	}
	kb := tlsPRF(version, suite, master, "key expansion", serverRandom, clientRandom, 2*(macLen+keyLen+ivLen))
	take := func(n int) []byte {
		b := kb[:n:n]
		kb = kb[n:]
		return b
	}
	cMAC, sMAC := take(macLen), take(macLen)
	cKey, sKey := take(keyLen), take(keyLen)
	cIV, sIV := take(ivLen), take(ivLen)
	client = newTLSDecoder(suite, cMAC, cKey, cIV)
	server = newTLSDecoder(suite, sMAC, sKey, sIV)
	if client == nil || server == nil {
		return nil, nil
	}
	return client, server
}

// tls13ExpandLabel is HKDF-Expand-Label (RFC 8446 7.1) with an empty
// context; drafts before 20 used the "TLS 1.3, " prefix.
func tls13ExpandLabel(h func() hash.Hash, secret []byte, draft uint8, label string, n int) []byte {
	prefix := "tls13 "
	if draft > 0 && draft < 20 {
		prefix = "TLS 1.3, "
	}
	info := make([]byte, 0, 4+len(prefix)+len(label))
	info = binary.BigEndian.AppendUint16(info, uint16(n))
	info = append(info, byte(len(prefix)+len(label)))
	info = append(info, prefix...)
	info = append(info, label...)
	info = append(info, 0)
	// crypto/hkdf takes the info as a string: the whole HkdfLabel.
	out, err := hkdf.Expand(h, secret, string(info), n)
	if err != nil {
		return nil
	}
	return out
}

// tls13Decoder makes a decoder from a traffic secret (tls13_generate_keys).
func tls13Decoder(suite tlsSuite, draft uint8, secret []byte) *tlsDecoder {
	h := suite.newHash()
	key := tls13ExpandLabel(h, secret, draft, "key", suite.keyLen())
	iv := tls13ExpandLabel(h, secret, draft, "iv", 12)
	if key == nil || iv == nil {
		return nil
	}
	return newTLSDecoder(suite, nil, key, iv)
}

// decryptRecord is ssl_decrypt_record: the plaintext of a record, or
// false when it does not decrypt or authenticate. out is reused.
func (d *tlsDecoder) decryptRecord(version uint16, draft uint8, ct uint8, recordVersion uint16, in []byte, etm bool, out []byte) ([]byte, bool) {
	if (version == tlsVersion13) != d.suite.tls13 {
		return nil, false
	}
	if d.aead != nil {
		return d.decryptAEAD(version, draft, ct, recordVersion, in, out)
	}
	if d.block == nil {
		return nil, false
	}
	bs := d.block.BlockSize()
	macLen := d.suite.digLen()
	iv := d.cbcIV
	var explicitIV []byte
	switch version {
	case tlsVersion11, tlsVersion12, gmtlsVersion1:
		if len(in) < bs {
			return nil, false
		}
		explicitIV = in[:bs]
		iv = explicitIV
		in = in[bs:]
	}
	var mac, macData []byte
	if etm {
		if len(in) < macLen {
			return nil, false
		}
		mac = in[len(in)-macLen:]
		in = in[:len(in)-macLen]
		macData = in
		if explicitIV != nil {
			macData = append(append(make([]byte, 0, bs+len(in)), explicitIV...), in...)
		}
	}
	if len(in)%bs != 0 {
		return nil, false
	}
	out = append(out[:0], in...)
	if len(out) > 0 {
		cipher.NewCBCDecrypter(d.block, iv).CryptBlocks(out, out)
		if explicitIV == nil {
			// TLS 1.0 chains the IV from the last ciphertext block.
			d.cbcIV = append(d.cbcIV[:0], in[len(in)-bs:]...)
		}
	}
	if len(out) < 1 {
		return nil, false
	}
	pad := int(out[len(out)-1])
	if len(out) <= pad {
		return nil, false
	}
	work := len(out) - pad - 1
	if mac == nil {
		if work < macLen {
			return nil, false
		}
		work -= macLen
		mac = out[work : work+macLen]
		macData = out[:work]
	}
	if !d.checkMAC(ct, version, macData, mac) {
		return nil, false
	}
	return out[:work], true
}

// checkMAC is tls_check_mac; the sequence number advances either way.
func (d *tlsDecoder) checkMAC(ct uint8, version uint16, data, mac []byte) bool {
	m := hmac.New(d.suite.newHash(), d.macKey)
	var hdr [13]byte
	binary.BigEndian.PutUint64(hdr[:], d.seq)
	d.seq++
	hdr[8] = ct
	binary.BigEndian.PutUint16(hdr[9:], version)
	binary.BigEndian.PutUint16(hdr[11:], uint16(len(data)))
	m.Write(hdr[:])
	m.Write(data)
	return subtle.ConstantTimeCompare(m.Sum(nil)[:len(mac)], mac) == 1
}

// decryptAEAD is tls_decrypt_aead_record.
func (d *tlsDecoder) decryptAEAD(version uint16, draft uint8, ct uint8, recordVersion uint16, in, out []byte) ([]byte, bool) {
	const tagLen = 16
	var nonce [12]byte
	isV12 := version == tlsVersion12 || version == gmtlsVersion1
	ciphertext := in
	switch {
	case isV12 && d.suite.mode != tlsModePoly1305:
		if len(in) < 8+tagLen {
			return nil, false
		}
		copy(nonce[:4], d.iv)
		copy(nonce[4:], in[:8])
		ciphertext = in[8:]
	case version == tlsVersion13 || d.suite.mode == tlsModePoly1305:
		if len(in) < tagLen || len(d.iv) != 12 {
			return nil, false
		}
		copy(nonce[:], d.iv)
		s := binary.BigEndian.Uint64(nonce[4:]) ^ d.seq
		binary.BigEndian.PutUint64(nonce[4:], s)
	default:
		return nil, false
	}
	var aadBuf [13]byte
	var aad []byte
	switch {
	case isV12:
		binary.BigEndian.PutUint64(aadBuf[:], d.seq)
		aadBuf[8] = ct
		binary.BigEndian.PutUint16(aadBuf[9:], recordVersion)
		binary.BigEndian.PutUint16(aadBuf[11:], uint16(len(ciphertext)-tagLen))
		aad = aadBuf[:13]
	case draft >= 25 || draft == 0:
		aadBuf[0] = ct
		binary.BigEndian.PutUint16(aadBuf[1:], recordVersion)
		binary.BigEndian.PutUint16(aadBuf[3:], uint16(len(in)))
		aad = aadBuf[:5]
	}
	plain, err := d.aead.Open(out[:0], nonce[:], ciphertext, aad)
	if err != nil {
		return nil, false
	}
	d.seq++
	return plain, true
}
