package decode

import (
	"encoding/hex"
	"testing"
)

// Key derivation against the test vectors of RFC 9001 Appendix A and
// RFC 9369 Appendix A (DCID 0x8394c8f03e515708).
func TestQUICInitialKeyMaterial(t *testing.T) {
	dcid, _ := hex.DecodeString("8394c8f03e515708")
	cases := []struct {
		name        string
		version     uint32
		server      bool
		key, iv, hp string
	}{
		{
			name:    "v1 client",
			version: quicVersionV1,
			key:     "1f369613dd76d5467730efcbe3b1a22d",
			iv:      "fa044b2f42a3fd3b46fb255c",
			hp:      "9f50449e04a0e810283a1e9933adedd2",
		},
		{
			name:    "v1 server",
			version: quicVersionV1,
			server:  true,
			key:     "cf3a5331653c364c88f0f379b6067e37",
			iv:      "0ac1493ca1905853b0bba03e",
			hp:      "c206b8d9b9f0f37644430b490eeaa314",
		},
		{
			name:    "v2 client",
			version: quicVersionV2,
			key:     "8b1a0bc121284290a29e0971b5cd045d",
			iv:      "91f73e2351d8fa91660e909f",
			hp:      "45b95e15235d6f45a6b19cbcb0294ba9",
		},
		{
			name:    "v2 server",
			version: quicVersionV2,
			server:  true,
			key:     "82db637861d55e1d011f19ea71d5d2a7",
			iv:      "dd13c276499c0249d3310652",
			hp:      "edf6d05c83121201b436e16877593c3a",
		},
	}
	for _, c := range cases {
		cs, ss := quicInitialSecrets(dcid, c.version)
		secret := cs
		if c.server {
			secret = ss
		}
		key, iv, hp := quicKeyMaterial(secret, c.version)
		if hex.EncodeToString(key) != c.key || hex.EncodeToString(iv) != c.iv || hex.EncodeToString(hp) != c.hp {
			t.Errorf("%s: got key %x iv %x hp %x", c.name, key, iv, hp)
		}
	}
}

// The sample and mask of RFC 9001 A.2 (client Initial, packet number 2).
func TestQUICHeaderProtection(t *testing.T) {
	dcid, _ := hex.DecodeString("8394c8f03e515708")
	client, _ := quicInitialKeys(dcid, quicVersionV1)
	sample, _ := hex.DecodeString("d1b1c98dd7689fb8ec11d242b123dc9b")
	var mask [16]byte
	client.hp.Encrypt(mask[:], sample)
	if got := hex.EncodeToString(mask[:5]); got != "437b9aec36" {
		t.Errorf("mask %s, want 437b9aec36", got)
	}
}
