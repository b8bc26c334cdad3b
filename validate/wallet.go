package validate

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/big"
)

// NostrSecretKey checks a Nostr private key as NIP-19 writes it
// (github.com/nostr-protocol/nips/blob/master/19.md): Bech32 with the
// human-readable part "nsec", a 32-byte key and a correct checksum.
func NostrSecretKey(secret string) bool {
	hrp, data, ok := bech32Decode(secret)
	if !ok || hrp != "nsec" {
		return false
	}
	key, ok := convertBits(data, 5, 8, false)
	return ok && len(key) == 32
}

// cardanoSecretHRPs are the CIP-5 human-readable parts of Cardano signing
// keys (cips.cardano.org/cip/CIP-0005): plain (sk), extended (esk) and
// extended with chain code (xsk).
var cardanoSecretHRPs = map[string]bool{
	"addr_sk": true, "addr_xsk": true, "stake_sk": true, "stake_xsk": true,
	"acct_sk": true, "acct_xsk": true, "root_sk": true, "root_xsk": true,
	"policy_sk": true, "drep_sk": true, "drep_xsk": true, "cc_cold_sk": true, "cc_hot_sk": true,
}

// CardanoSigningKey checks a Cardano signing key in CIP-5 Bech32: a
// secret-key human-readable part and 32, 64 or 96 bytes of key material
// with a correct checksum (Cardano lifts BIP 173's length limit).
func CardanoSigningKey(secret string) bool {
	hrp, data, ok := bech32Decode(secret)
	if !ok || !cardanoSecretHRPs[hrp] {
		return false
	}
	key, ok := convertBits(data, 5, 8, false)
	return ok && (len(key) == 32 || len(key) == 64 || len(key) == 96)
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58CheckDecode decodes Bitcoin's Base58Check: the payload, and whether
// its 4-byte double-SHA-256 checksum is right.
func base58CheckDecode(s string) ([]byte, bool) {
	n := new(big.Int)
	radix := big.NewInt(58)
	for i := 0; i < len(s); i++ {
		d := bytes.IndexByte([]byte(base58Alphabet), s[i])
		if d < 0 {
			return nil, false
		}
		n.Mul(n, radix).Add(n, big.NewInt(int64(d)))
	}
	b := n.Bytes()
	for i := 0; i < len(s) && s[i] == '1'; i++ {
		b = append([]byte{0}, b...)
	}
	if len(b) < 5 {
		return nil, false
	}
	payload, sum := b[:len(b)-4], b[len(b)-4:]
	h1 := sha256.Sum256(payload)
	h2 := sha256.Sum256(h1[:])
	return payload, bytes.Equal(h2[:4], sum)
}

// bip32PrivateVersions are the version bytes of serialised extended private
// keys: BIP 32 xprv/tprv and SLIP-132's yprv/zprv/Yprv/Zprv/uprv/vprv.
var bip32PrivateVersions = map[string]bool{
	"0488ade4": true, "04358394": true, "049d7878": true, "04b2430c": true,
	"0295b005": true, "02aa7a99": true, "044a4e28": true, "045f18bc": true,
}

// BIP32ExtendedPrivateKey checks a BIP 32 extended private key ("xprv…"):
// Base58Check of 78 bytes with a private-key version, a 32-byte chain code
// and a 0x00-prefixed 32-byte key, with a correct checksum.
func BIP32ExtendedPrivateKey(secret string) bool {
	b, ok := base58CheckDecode(secret)
	return ok && len(b) == 78 && bip32PrivateVersions[hex.EncodeToString(b[:4])] && b[45] == 0
}

// MinisignSecretKey checks the key line of a minisign secret key file
// (jedisct1.github.io/minisign): base64 of 158 bytes starting with the
// signature algorithm "Ed", the KDF "Sc" (scrypt) or none, and the checksum
// algorithm "B2".
func MinisignSecretKey(secret string) bool {
	b, err := base64.StdEncoding.DecodeString(secret)
	if err != nil || len(b) != 158 {
		return false
	}
	return string(b[:2]) == "Ed" && (string(b[2:4]) == "Sc" || string(b[2:4]) == "\x00\x00") && string(b[4:6]) == "B2"
}

// SignifySecretKey checks the key line of an OpenBSD signify secret key
// (man.openbsd.org/signify): base64 of 104 bytes starting with the
// algorithm "Ed" and the KDF "BK" (bcrypt_pbkdf).
func SignifySecretKey(secret string) bool {
	b, err := base64.StdEncoding.DecodeString(secret)
	return err == nil && len(b) == 104 && string(b[:4]) == "EdBK"
}

// LNDMacaroon checks a Lightning Network Daemon macaroon in hex, as lncli
// and LND's REST clients take it (docs.lightning.engineering, "Macaroons"):
// a v2 binary macaroon whose location is "lnd", ending in its 32-byte
// signature.
func LNDMacaroon(secret string) bool {
	b, err := hex.DecodeString(secret)
	if err != nil {
		return false
	}
	loc, ok := parseMacaroonV2(b)
	return ok && loc == "lnd"
}
