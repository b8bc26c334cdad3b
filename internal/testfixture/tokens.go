package testfixture

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"math/big"
	"strconv"
	"strings"
)

// The token builders below compute each format's checksum on their own,
// apart from package validate's checks, so that a test compares two
// implementations of the provider's format rather than one with itself.

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// GitHubToken returns prefix + random + the 6-character base62 CRC32 of
// random: with prefix "ghp_" and 30 base62 characters a structurally valid,
// fake classic personal access token.
func GitHubToken(prefix, random string) string {
	v := crc32.ChecksumIEEE([]byte(random))
	sum := make([]byte, 6)
	for i := 5; i >= 0; i-- {
		sum[i] = base62[v%62]
		v /= 62
	}
	return prefix + random + string(sum)
}

// NPMToken returns "npm_" + random + its checksum (random is normally 30
// base62 characters).
func NPMToken(random string) string { return GitHubToken("npm_", random) }

// GrafanaToken returns a Grafana service account token for a 32-character
// random part: "glsa_" random "_" and the CRC32 of what precedes the last
// "_", least significant byte first, in hex.
func GrafanaToken(random string) string {
	k := "glsa_" + random
	c := crc32.ChecksumIEEE([]byte(k))
	return k + "_" + hex.EncodeToString([]byte{byte(c), byte(c >> 8), byte(c >> 16), byte(c >> 24)})
}

// GitLabRoutableToken builds a routable GitLab token: prefix such as
// "glpat-", base64url of 16 random bytes, the routing payload (such as
// "o:1\nu:2") and its length, then ".01.", the base-36 length of the
// base64 part in two digits, and the base-36 CRC32 of all that in 7 digits.
func GitLabRoutableToken(prefix string, random [16]byte, payload string) string {
	raw := append(append(random[:], payload...), byte(len(payload)))
	b64 := base64.RawURLEncoding.EncodeToString(raw)
	head := prefix + b64 + ".01." + pad36(uint64(len(b64)), 2)
	return head + pad36(uint64(crc32.ChecksumIEEE([]byte(head))), 7)
}

func pad36(v uint64, n int) string {
	s := strconv.FormatUint(v, 36)
	return strings.Repeat("0", n-len(s)) + s
}

// AgeSecretKey encodes a 32-byte X25519 key as an age identity,
// "AGE-SECRET-KEY-1…": Bech32 (BIP 173) with the human-readable part
// "age-secret-key-", in upper case.
func AgeSecretKey(key [32]byte) string {
	return strings.ToUpper(Bech32("age-secret-key-", key[:]))
}

// Bech32 encodes data (8-bit bytes) in BIP 173 Bech32 with the
// human-readable part hrp, in lower case, without BIP 173's length limit:
// Nostr nsec keys, Cardano CIP-5 keys and age identities are built so.
func Bech32(hrp string, payload []byte) string {
	const alphabet = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	var data []byte // payload regrouped in 5-bit values
	acc, bits := 0, 0
	for _, b := range payload {
		acc, bits = acc<<8|int(b), bits+8
		for bits >= 5 {
			bits -= 5
			data = append(data, byte(acc>>bits&31))
		}
	}
	if bits > 0 {
		data = append(data, byte(acc<<(5-bits)&31))
	}
	var values []byte
	for i := 0; i < len(hrp); i++ {
		values = append(values, hrp[i]>>5)
	}
	values = append(values, 0)
	for i := 0; i < len(hrp); i++ {
		values = append(values, hrp[i]&31)
	}
	values = append(append(values, data...), 0, 0, 0, 0, 0, 0)
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i, g := range [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3} {
			if top>>i&1 == 1 {
				chk ^= g
			}
		}
	}
	chk ^= 1
	out := []byte(hrp + "1")
	for _, d := range data {
		out = append(out, alphabet[d])
	}
	for i := 0; i < 6; i++ {
		out = append(out, alphabet[chk>>(5*(5-i))&31])
	}
	return string(out)
}

// Base58Check encodes payload as Bitcoin does: Base58 of the payload and the
// first 4 bytes of its double SHA-256. BIP 32 extended keys are built so.
func Base58Check(payload []byte) string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	h1 := sha256.Sum256(payload)
	h2 := sha256.Sum256(h1[:])
	b := append(append([]byte{}, payload...), h2[:4]...)
	n := new(big.Int).SetBytes(b)
	var out []byte
	mod, radix := new(big.Int), big.NewInt(58)
	for n.Sign() > 0 {
		n.DivMod(n, radix, mod)
		out = append([]byte{alphabet[mod.Int64()]}, out...)
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append([]byte{'1'}, out...)
	}
	return string(out)
}

// BIP32PrivateKey serialises a fake extended private key: version (e.g.
// 0x0488ADE4 for "xprv"), depth 0, no parent, the chain code and 0x00 || key.
func BIP32PrivateKey(version uint32, chain, key [32]byte) string {
	b := binary.BigEndian.AppendUint32(nil, version)
	b = append(b, make([]byte, 9)...) // depth, parent fingerprint, child number
	b = append(b, chain[:]...)
	b = append(append(b, 0), key[:]...)
	return Base58Check(b)
}

// MinisignSecretKey is the base64 key line of a minisign secret key file:
// "Ed", the KDF ("Sc" scrypt, or two zero bytes unencrypted), "B2", then
// 152 bytes (salt, limits, key number, key, checksum) from body.
func MinisignSecretKey(encrypted bool, body [152]byte) string {
	kdf := "\x00\x00"
	if encrypted {
		kdf = "Sc"
	}
	return base64.StdEncoding.EncodeToString(append([]byte("Ed"+kdf+"B2"), body[:]...))
}

// SignifySecretKey is the base64 key line of a signify secret key file:
// "EdBK", then 100 bytes (rounds, salt, checksum, key number, key) from body.
func SignifySecretKey(body [100]byte) string {
	return base64.StdEncoding.EncodeToString(append([]byte("EdBK"), body[:]...))
}

// Macaroon builds a v2 binary macaroon with the given location,
// identifier, first-party caveats and 32-byte signature, base64url-encoded
// without padding as PyPI writes it after "pypi-".
func Macaroon(location, identifier string, caveats []string, signature [32]byte) string {
	const (
		eos        = 0
		fLocation  = 1
		fID        = 2
		fSignature = 6
	)
	b := []byte{2}
	put := func(typ byte, data []byte) {
		b = append(b, typ)
		b = binary.AppendUvarint(b, uint64(len(data)))
		b = append(b, data...)
	}
	if location != "" {
		put(fLocation, []byte(location))
	}
	put(fID, []byte(identifier))
	b = append(b, eos)
	for _, c := range caveats {
		put(fID, []byte(c))
		b = append(b, eos)
	}
	b = append(b, eos)
	put(fSignature, signature[:])
	return base64.RawURLEncoding.EncodeToString(b)
}
