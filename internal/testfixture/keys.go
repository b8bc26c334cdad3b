// Package testfixture builds the fixtures keyhound's tests scan: freshly
// generated private keys in every format a scanner meets, and fake tokens
// that keep their provider's format (checksums included). It is imported
// only by _test.go files: no production package exports a fixture builder.
package testfixture

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"golang.org/x/crypto/ssh"
)

// PrivateKey is one generated private key, written in one format.
type PrivateKey struct {
	Name string // format, e.g. "rsa-pkcs1"
	Rule string // the built-in rule that reports it
	Text string // the file content
}

var (
	keysOnce sync.Once
	rsaKey   *rsa.PrivateKey
	ecKey    *ecdsa.PrivateKey
	edKey    ed25519.PrivateKey
	keysErr  error
)

func generate() error {
	keysOnce.Do(func() {
		if rsaKey, keysErr = rsa.GenerateKey(rand.Reader, 2048); keysErr != nil {
			return
		}
		if ecKey, keysErr = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); keysErr != nil {
			return
		}
		_, edKey, keysErr = ed25519.GenerateKey(rand.Reader)
	})
	return keysErr
}

// PrivateKeys generates an RSA, an EC and an Ed25519 key and returns them
// in every format keyhound reports: PKCS#1, PKCS#8, SEC 1, OpenSSH,
// encrypted PEM, encrypted PKCS#8, PGP and PuTTY. comment goes in the
// headers of the formats that have them (a key's name).
func PrivateKeys(comment string) ([]PrivateKey, error) {
	if err := generate(); err != nil {
		return nil, err
	}
	var out []PrivateKey
	add := func(name, rule string, text string, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, PrivateKey{Name: name, Rule: rule, Text: text})
		return nil
	}
	pemOf := func(typ string, der []byte, headers map[string]string) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Headers: headers, Bytes: der}))
	}
	hdr := map[string]string{}
	if comment != "" {
		hdr["Comment"] = comment
	}
	if err := add("rsa-pkcs1", "private-key-rsa", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey), hdr), nil); err != nil {
		return nil, err
	}
	for _, k := range []struct {
		name string
		key  any
	}{{"rsa-pkcs8", rsaKey}, {"ec-pkcs8", ecKey}, {"ed25519-pkcs8", edKey}} {
		der, err := x509.MarshalPKCS8PrivateKey(k.key)
		if err := add(k.name, "private-key-pkcs8", pemOf("PRIVATE KEY", der, nil), err); err != nil {
			return nil, err
		}
	}
	der, err := x509.MarshalECPrivateKey(ecKey)
	if err := add("ec-sec1", "private-key-ec", pemOf("EC PRIVATE KEY", der, hdr), err); err != nil {
		return nil, err
	}
	for _, k := range []struct {
		name string
		key  any
	}{{"rsa-openssh", rsaKey}, {"ec-openssh", ecKey}, {"ed25519-openssh", edKey}} {
		b, err := ssh.MarshalPrivateKey(k.key, comment)
		text := ""
		if err == nil {
			text = string(pem.EncodeToMemory(b))
		}
		if err := add(k.name, "private-key-openssh", text, err); err != nil {
			return nil, err
		}
	}
	b, err := ssh.MarshalPrivateKeyWithPassphrase(edKey, comment, []byte("correct horse"))
	if err := add("ed25519-openssh-encrypted", "private-key-openssh", string(pemBytes(b)), err); err != nil {
		return nil, err
	}
	//lint:ignore SA1019 legacy encrypted PEM is what old tools write, and what a scanner meets
	blk, err := x509.EncryptPEMBlock(rand.Reader, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey), []byte("correct horse"), x509.PEMCipherAES128) //nolint:staticcheck
	if err := add("rsa-pkcs1-encrypted-pem", "private-key-rsa", string(pemBytes(blk)), err); err != nil {
		return nil, err
	}
	enc, err := encryptedPKCS8(rsaKey)
	if err := add("rsa-pkcs8-encrypted", "private-key-encrypted-pkcs8", enc, err); err != nil {
		return nil, err
	}
	pgp, err := pgpKey(comment)
	if err := add("pgp", "private-key-pgp", pgp, err); err != nil {
		return nil, err
	}
	for _, v := range []int{2, 3} {
		ppk, err := PuTTYKey(v, edKey, comment)
		if err := add(fmt.Sprintf("ed25519-ppk-v%d", v), "private-key-putty", ppk, err); err != nil {
			return nil, err
		}
	}
	ppk, err := PuTTYKey(2, rsaKey, comment)
	if err := add("rsa-ppk-v2", "private-key-putty", ppk, err); err != nil {
		return nil, err
	}
	return out, nil
}

func pemBytes(b *pem.Block) []byte {
	if b == nil {
		return nil
	}
	return pem.EncodeToMemory(b)
}

// encryptedPKCS8 writes key as an ENCRYPTED PRIVATE KEY: a PBES2
// EncryptedPrivateKeyInfo whose ciphertext is random bytes of the right
// length (the structure is what a scanner checks; nothing decrypts it).
func encryptedPKCS8(key any) (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return "", err
	}
	salt, iv := make([]byte, 16), make([]byte, 16)
	ct := make([]byte, (len(der)/16+1)*16)
	for _, b := range [][]byte{salt, iv, ct} {
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
	}
	type kdfParams struct {
		Salt       []byte
		Iterations int
		PRF        pkix.AlgorithmIdentifier
	}
	type algo struct {
		Algorithm  asn1.ObjectIdentifier
		Parameters any
	}
	type pbes2 struct {
		KDF    algo
		Cipher algo
	}
	info := struct {
		Algo algo
		Data []byte
	}{
		Algo: algo{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 13}, pbes2{
			KDF: algo{asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 12}, kdfParams{salt, 2048,
				pkix.AlgorithmIdentifier{Algorithm: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 9}, Parameters: asn1.NullRawValue}}},
			Cipher: algo{asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}, iv},
		}},
		Data: ct,
	}
	out, err := asn1.Marshal(info)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: out})), nil
}

// pgpKey is an armored OpenPGP secret key (RSA, with the package's default
// subkey) whose user id and armor comment are comment.
func pgpKey(comment string) (string, error) {
	e, err := openpgp.NewEntity("Test Key", comment, "test@example.invalid", nil)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	hdr := map[string]string{}
	if comment != "" {
		hdr["Comment"] = comment
	}
	w, err := armor.Encode(&buf, openpgp.PrivateKeyType, hdr)
	if err != nil {
		return "", err
	}
	if err := e.SerializePrivate(w, nil); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return buf.String() + "\n", nil
}

// PuTTYKey writes key (an ed25519.PrivateKey or *rsa.PrivateKey) as an
// unencrypted PuTTY .ppk file of version 2 or 3, MAC included.
func PuTTYKey(version int, key any, comment string) (string, error) {
	var alg string
	var pub, priv []byte
	switch k := key.(type) {
	case ed25519.PrivateKey:
		alg = "ssh-ed25519"
		pub = sshFields([]byte(alg), k.Public().(ed25519.PublicKey))
		priv = sshFields(k.Seed())
	case *rsa.PrivateKey:
		alg = "ssh-rsa"
		pub = sshFields([]byte(alg), mpint(big.NewInt(int64(k.E))), mpint(k.N))
		priv = sshFields(mpint(k.D), mpint(k.Primes[0]), mpint(k.Primes[1]), mpint(k.Precomputed.Qinv))
	default:
		return "", fmt.Errorf("PuTTYKey: unsupported key %T", key)
	}
	// The MAC covers algorithm, encryption, comment and both blobs.
	macData := sshFields([]byte(alg), []byte("none"), []byte(comment), pub, priv)
	var mac []byte
	switch version {
	case 2:
		k := sha1.Sum([]byte("putty-private-key-file-mac-key"))
		h := hmac.New(sha1.New, k[:])
		h.Write(macData)
		mac = h.Sum(nil)
	case 3:
		h := hmac.New(sha256.New, nil)
		h.Write(macData)
		mac = h.Sum(nil)
	default:
		return "", fmt.Errorf("PuTTYKey: version %d", version)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "PuTTY-User-Key-File-%d: %s\nEncryption: none\nComment: %s\n", version, alg, comment)
	lines := func(label string, blob []byte) {
		s := base64.StdEncoding.EncodeToString(blob)
		var ls []string
		for len(s) > 64 {
			ls, s = append(ls, s[:64]), s[64:]
		}
		ls = append(ls, s)
		fmt.Fprintf(&b, "%s-Lines: %d\n%s\n", label, len(ls), strings.Join(ls, "\n"))
	}
	lines("Public", pub)
	lines("Private", priv)
	fmt.Fprintf(&b, "Private-MAC: %s\n", hex.EncodeToString(mac))
	return b.String(), nil
}

// sshFields joins fields as SSH wire-format strings (a uint32 length, then the bytes).
func sshFields(fields ...[]byte) []byte {
	var out []byte
	for _, f := range fields {
		out = binary.BigEndian.AppendUint32(out, uint32(len(f)))
		out = append(out, f...)
	}
	return out
}

// mpint is n as an SSH mpint's bytes (a leading zero when the top bit is set).
func mpint(n *big.Int) []byte {
	b := n.Bytes()
	if len(b) > 0 && b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}
