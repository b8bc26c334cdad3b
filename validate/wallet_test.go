package validate

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/internal/testfixture"
)

func TestWalletAndSigningKeys(t *testing.T) {
	r := rng()
	var key, chain [32]byte
	for i := range key {
		key[i], chain[i] = byte(r.UintN(256)), byte(r.UintN(256))
	}
	var mini [152]byte
	var sig [100]byte
	for i := range mini {
		mini[i] = byte(r.UintN(256))
	}
	for i := range sig {
		sig[i] = byte(r.UintN(256))
	}
	var macSig [32]byte
	copy(macSig[:], key[:])
	lnd, _ := base64.RawURLEncoding.DecodeString(testfixture.Macaroon("lnd", "\x03"+string(chain[:16]), []string{"time-before 2030-01-01T00:00:00Z"}, macSig))
	pypi, _ := base64.RawURLEncoding.DecodeString(testfixture.Macaroon("pypi.org", "id", nil, macSig))
	xprv := testfixture.BIP32PrivateKey(0x0488ADE4, chain, key)
	xpub := testfixture.Base58Check(append([]byte{0x04, 0x88, 0xB2, 0x1E}, make([]byte, 74)...))
	minisign := testfixture.MinisignSecretKey(true, mini)
	signify := testfixture.SignifySecretKey(sig)
	tests := []struct {
		name  string
		fn    func(string) bool
		valid []string
		bad   []string
	}{
		{"nostr", NostrSecretKey,
			[]string{testfixture.Bech32("nsec", key[:])},
			[]string{
				testfixture.Bech32("npub", key[:]),                           // a public key
				flip(testfixture.Bech32("nsec", key[:]), 10, bech32Alphabet), // checksum
				testfixture.Bech32("nsec", key[:31]),                         // length
			}},
		{"cardano", CardanoSigningKey,
			[]string{testfixture.Bech32("addr_sk", key[:]), testfixture.Bech32("root_xsk", append(append(key[:], chain[:]...), key[:]...))},
			[]string{
				testfixture.Bech32("addr_vk", key[:]), // a verification key
				flip(testfixture.Bech32("addr_sk", key[:]), 12, bech32Alphabet),
				testfixture.Bech32("addr_sk", key[:20]),
			}},
		{"bip32", BIP32ExtendedPrivateKey,
			[]string{xprv, testfixture.BIP32PrivateKey(0x04358394, chain, key), testfixture.BIP32PrivateKey(0x04B2430C, chain, key)},
			[]string{xpub, flip(xprv, 40, base58Alphabet), xprv[:100]}},
		{"minisign", MinisignSecretKey,
			[]string{minisign, testfixture.MinisignSecretKey(false, mini)},
			[]string{
				base64.StdEncoding.EncodeToString(append([]byte("EdScXX"), mini[:]...)), // checksum algorithm
				minisign[:len(minisign)-8] + "AAAAAA==",                                 // wrong length
				"RWRTY0Iy" + strings.Repeat("x", 204),
			}},
		{"signify", SignifySecretKey,
			[]string{signify},
			[]string{base64.StdEncoding.EncodeToString(append([]byte("EdXX"), sig[:]...)), signify[:100]}},
		{"lnd", LNDMacaroon,
			[]string{hex.EncodeToString(lnd)},
			[]string{hex.EncodeToString(pypi), hex.EncodeToString(lnd[:len(lnd)-1]), "0201036c6e64" + strings.Repeat("0", 200)}},
	}
	for _, tc := range tests {
		for _, s := range tc.valid {
			if !tc.fn(s) {
				t.Errorf("%s: valid %q rejected", tc.name, s)
			}
		}
		for _, s := range tc.bad {
			if tc.fn(s) {
				t.Errorf("%s: invalid %q accepted", tc.name, s)
			}
		}
	}
}
