package decode

import (
	"encoding/binary"
	"testing"
)

// sshPacket builds an unencrypted SSHv2 binary packet around payload.
func sshPacket(payload ...byte) string {
	padding := 4
	b := binary.BigEndian.AppendUint32(nil, uint32(1+len(payload)+padding))
	b = append(b, byte(padding))
	b = append(b, payload...)
	b = append(b, make([]byte, padding)...)
	return string(b)
}

// sshV1Packet builds an SSHv1 packet of message code followed by n bytes.
func sshV1Packet(code byte, n int) string {
	plen := 1 + n + 4 // code, data, CRC
	pad := 8 - plen%8
	b := binary.BigEndian.AppendUint32(nil, uint32(plen))
	b = append(b, make([]byte, pad)...)
	b = append(b, code)
	b = append(b, make([]byte, n+4)...)
	return string(b)
}

// sshKexInit builds a KEXINIT payload with the given kex and cipher lists.
func sshKexInit(kex, cipher string) []byte {
	b := append([]byte{20}, make([]byte, 16)...)
	for i := 0; i < 10; i++ {
		s := ""
		switch i {
		case 0:
			s = kex
		case 2, 3:
			s = cipher
		}
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return append(b, 0, 0, 0, 0, 0)
}

func TestSSHStreams(t *testing.T) {
	checkTextStreams(t, []textStreamCase{
		{
			name:       "v2 banners, new keys, encrypted",
			serverPort: 22,
			segments: []textSegment{
				{fromClient: true, data: "SSH-2.0-OpenSSH_9.2\r\n"},
				{fromClient: false, data: "SSH-2.0-srv\r\n"},
				{fromClient: true, data: sshPacket(sshKexInit("curve25519-sha256", "aes128-cbc")...)},
				{fromClient: false, data: sshPacket(sshKexInit("ecdh-sha2-nistp256,curve25519-sha256", "aes256-ctr,arcfour")...)},
				{fromClient: true, data: sshPacket(30, 0, 0, 0, 0)},
				{fromClient: true, data: sshPacket(34, 0, 0, 4, 0)},
				{fromClient: true, data: sshPacket(21)},
				{fromClient: true, data: "0123456789abcdefghij"},
				{fromClient: false, data: sshPacket(21) + "xyz"},
			},
			want: []string{
				"SSH|Client: Protocol (SSH-2.0-OpenSSH_9.2)",
				"SSHv2|Server: Protocol (SSH-2.0-srv)",
				"SSHv2|Client: Key Exchange Init",
				"SSHv2|Server: Key Exchange Init",
				"SSHv2|Client: Elliptic Curve Diffie-Hellman Key Exchange Init",
				"SSHv2|Client: Unknown (34)",
				"SSHv2|Client: New Keys",
				"SSHv2|Client: Encrypted packet (len=20)",
				"SSHv2|Server: New Keys, Encrypted packet (len=3)",
			},
		},
		{
			name:       "v1 first packet by name",
			serverPort: 22,
			segments: []textSegment{
				{fromClient: true, data: "SSH-1.5-OpenSSH_6.2\n"},
				{fromClient: true, data: sshV1Packet(3, 10)},
				{fromClient: true, data: sshV1Packet(9, 5)},
			},
			want: []string{
				"SSH|Client: Protocol (SSH-1.5-OpenSSH_6.2)",
				"SSHv1|Client: Session Key",
				"SSHv1|Client: Encrypted packet (len=10)",
			},
		},
		{
			name:       "no banner seen",
			serverPort: 22,
			segments: []textSegment{
				{fromClient: false, data: "\x00\x01\x02\x03\x04"},
			},
			want: []string{
				"SSH|Server: Encrypted packet (len=5)",
			},
		},
	})
}

func TestSSHChooseAlgo(t *testing.T) {
	cases := []struct {
		name   string
		client string
		server string
		want   string
		ok     bool
	}{
		{name: "first client method the server has", client: "a,b,c", server: "c,b", want: "b", ok: true},
		{name: "none shared", client: "a", server: "b", want: "", ok: false},
		{name: "empty client list", client: "", server: "a", want: "", ok: false},
		{name: "empty names match", client: "x,,y", server: "z,", want: "", ok: true},
	}
	for _, c := range cases {
		got, ok := sshChooseAlgo(c.client, c.server)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: got (%q, %v), want (%q, %v)", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestSSHKexKind(t *testing.T) {
	cases := []struct {
		kex  string
		want sshKexKind
	}{
		{kex: "curve25519-sha256", want: sshKexECDH},
		{kex: "ecdh-sha2-nistp256", want: sshKexECDH},
		{kex: "diffie-hellman-group-exchange-sha256", want: sshKexDHGEX},
		{kex: "diffie-hellman-group14-sha256", want: sshKexDH},
		{kex: "sntrup761x25519-sha512@openssh.com", want: sshKexDH},
	}
	for _, c := range cases {
		if got := sshKexKindFor(c.kex, sshKexDH); got != c.want {
			t.Errorf("%s: got %d, want %d", c.kex, got, c.want)
		}
	}
}
