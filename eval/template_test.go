package eval

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"

	"github.com/keyhound/keyhound/internal/testfixture"
)

// alphabets of the template classes: {an:30} is 30 characters of "an".
var alphabets = map[string]string{
	"an":   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	"al":   "abcdefghijklmnopqrstuvwxyz0123456789",
	"AU":   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
	"hex":  "0123456789abcdef",
	"HEX":  "0123456789ABCDEF",
	"d":    "0123456789",
	"l":    "abcdefghijklmnopqrstuvwxyz",
	"U":    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"L":    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
	"b64":  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
	"u64":  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
	"b32":  "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
	"b32l": "abcdefghijklmnopqrstuvwxyz234567",
	"bech": "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
}

var placeholderRe = regexp.MustCompile(`\{([A-Za-z0-9]+)(?::([^{}]*))?\}`)

// gen expands a template: literal text with {class:n}, {class:lo-hi} and
// {special:arg} placeholders, each filled with fresh random characters or a
// structurally valid value (checksums, envelopes) from r.
type gen struct{ r *rand.Rand }

func (g gen) str(class string, n int) string {
	a := alphabets[class]
	b := make([]byte, n)
	for i := range b {
		b[i] = a[g.r.IntN(len(a))]
	}
	return string(b)
}

func (g gen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.r.UintN(256))
	}
	return b
}

func (g gen) expand(t string) string {
	return placeholderRe.ReplaceAllStringFunc(t, func(m string) string {
		sub := placeholderRe.FindStringSubmatch(m)
		name, arg := sub[1], sub[2]
		if _, ok := alphabets[name]; ok {
			lo, hi := 0, 0
			if a, b, ok := strings.Cut(arg, "-"); ok {
				lo, _ = strconv.Atoi(a)
				hi, _ = strconv.Atoi(b)
			} else {
				lo, _ = strconv.Atoi(arg)
				hi = lo
			}
			return g.str(name, lo+g.r.IntN(hi-lo+1))
		}
		if v, ok := g.special(name, arg); ok {
			return v
		}
		return m // literal braces of the surrounding document
	})
}

func (g gen) uuid() string {
	b := g.bytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (g gen) password() string {
	for {
		b := []byte(g.str("an", 10+g.r.IntN(5)) + string("!#%^&*+=?~-"[g.r.IntN(11)]) + g.str("d", 2))
		g.r.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
		s := string(b)
		if strings.ContainsAny(s, "0123456789") && strings.ToLower(s) != s && strings.ToUpper(s) != s {
			return s
		}
	}
}

func b64url(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func (g gen) jwt() string {
	h := b64url([]byte(`{"alg":"RS256","typ":"JWT"}`))
	p := b64url([]byte(fmt.Sprintf(`{"sub":"%d","iat":%d,"scope":"read write"}`, g.r.IntN(1e9), 1.6e9+g.r.IntN(2e8))))
	return h + "." + p + "." + b64url(g.bytes(32))
}

func (g gen) jsonB64(v any, url bool) string {
	b, _ := json.Marshal(v)
	if url {
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return strings.TrimRight(base64.StdEncoding.EncodeToString(b), "=")
}

func lines64(s string) string {
	var out []string
	for len(s) > 64 {
		out = append(out, s[:64])
		s = s[64:]
	}
	return strings.Join(append(out, s), "\n")
}

// pem builds a PEM block whose body is a well-formed DER key structure (a
// SEQUENCE of a version and INTEGERs) of random content.
func (g gen) pem(label string) string {
	return "-----BEGIN " + label + "-----\n" + lines64(base64.StdEncoding.EncodeToString(g.der(600))) + "\n-----END " + label + "-----"
}

// der is a DER SEQUENCE of about n bytes: INTEGER 0, then random INTEGERs,
// shaped like a PKCS#1 key.
func (g gen) der(n int) []byte {
	content := []byte{0x02, 0x01, 0x00}
	for len(content)+8 < n {
		b := g.bytes(min(257, n-len(content)-4))
		b[0] &= 0x7f
		content = append(content, derTLV(0x02, b)...)
	}
	return derTLV(0x30, content)
}

func derTLV(tag byte, b []byte) []byte {
	out := []byte{tag}
	switch n := len(b); {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, b...)
}

// sshString is b as an SSH wire-format string.
func sshString(b []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...)
}

func (g gen) special(name, arg string) (string, bool) {
	switch name {
	case "uuid":
		return g.uuid(), true
	case "UUID":
		return strings.ToUpper(g.uuid()), true
	case "ghcrc":
		return testfixture.GitHubToken(arg, g.str("an", 30)), true
	case "grafana":
		return testfixture.GrafanaToken(g.str("an", 32)), true
	case "jwt":
		return g.jwt(), true
	case "ghsjwt":
		return fmt.Sprintf("ghs_%d_%s", 100000+g.r.IntN(900000), g.jwt()), true
	case "discord":
		id := strconv.FormatUint(1e17+g.r.Uint64N(12e17), 10)
		return b64url([]byte(id)) + "." + b64url(g.bytes(4)) + "." + g.str("u64", 38), true
	case "basic":
		users := []string{"deploy", "ci-bot", "jenkins", "svc_app", "release"}
		return base64.StdEncoding.EncodeToString([]byte(users[g.r.IntN(len(users))] + ":" + g.str("an", 18))), true
	case "key32":
		return base64.StdEncoding.EncodeToString(g.bytes(32)), true
	case "key32url":
		return base64.URLEncoding.EncodeToString(g.bytes(32)), true
	case "key16":
		return base64.StdEncoding.EncodeToString(g.bytes(16)), true
	case "key64":
		return base64.StdEncoding.EncodeToString(g.bytes(64)), true
	case "b64":
		n, _ := strconv.Atoi(arg)
		return base64.StdEncoding.EncodeToString(g.bytes(n)), true
	case "pw":
		return g.password(), true
	case "cftunnel":
		return base64.StdEncoding.EncodeToString(mustJSON(map[string]string{"a": g.str("hex", 32), "t": g.uuid(), "s": base64.StdEncoding.EncodeToString(g.bytes(32))})), true
	case "gcjson":
		return g.jsonB64(map[string]any{"o": strconv.Itoa(1e5 + g.r.IntN(1e6)), "n": "stack-" + g.str("d", 6) + "-hm-read", "k": g.str("an", 24), "m": map[string]string{"r": "prod-us-east-0"}}, false), true
	case "grafanalegacy":
		// Grafana writes {"k":…,"n":…,"id":…} in this order (hence the eyJrIjoi prefix).
		return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`{"k":%q,"n":"ci-%s","id":%d}`, g.str("an", 32), g.str("l", 5), 1+g.r.IntN(99)))), true
	case "opsjson":
		return g.jsonB64(map[string]any{"signInAddress": "my.1password.com", "email": g.str("al", 13) + "@1passwordserviceaccounts.com", "srpX": g.str("hex", 64),
			"muk": map[string]any{"alg": "A256GCM", "k": g.str("u64", 43), "kty": "oct", "kid": "mp"}, "secretKey": "A3-" + g.str("AU", 6) + "-" + g.str("AU", 11) + "-" + g.str("AU", 5) + "-" + g.str("AU", 5) + "-" + g.str("AU", 5),
			"deviceUuid": g.str("al", 26)}, true), true
	case "b64pem":
		return base64.StdEncoding.EncodeToString([]byte(g.pem("RSA PRIVATE KEY") + "\n")), true
	case "pembody":
		n, _ := strconv.Atoi(arg)
		return lines64(base64.StdEncoding.EncodeToString(g.der(n))), true
	case "ovpn":
		h := g.str("hex", 512)
		var out []string
		for i := 0; i < 512; i += 32 {
			out = append(out, h[i:i+32])
		}
		return strings.Join(out, "\n"), true
	case "mnemonic":
		words := strings.Fields("abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve acid acoustic acquire across action actor actress actual adapt address adjust admit adult advance advice aerobic affair afford afraid again agent agree ahead alarm album alcohol alert alien alley allow almost alone alpha already")
		w := make([]string, 12)
		for i := range w {
			w[i] = words[g.r.IntN(len(words))]
		}
		return strings.Join(w, " "), true
	case "djangokey":
		const cs = "abcdefghijklmnopqrstuvwxyz0123456789!@#^&*(-_=+)"
		b := []byte{"abcdefghijklmnopqrstuvwxyz"[g.r.IntN(26)]}
		for i := 0; i < 49; i++ {
			b = append(b, cs[g.r.IntN(len(cs))])
		}
		return string(b), true
	case "awspair":
		return "AKIA" + g.str("b32", 16) + "," + g.str("b64", 40), true
	case "pypi":
		var sig [32]byte
		copy(sig[:], g.bytes(32))
		return "pypi-" + testfixture.Macaroon("pypi.org", `{"nonce": "`+g.str("hex", 32)+`", "version": 1}`, []string{`[1, ["` + g.str("l", 8) + `"]]`}, sig), true
	case "age":
		var k [32]byte
		copy(k[:], g.bytes(32))
		return testfixture.AgeSecretKey(k), true
	case "bech32":
		// {bech32:hrp/n}: n random bytes in Bech32 with the human-readable part hrp.
		hrp, n, _ := strings.Cut(arg, "/")
		size, _ := strconv.Atoi(n)
		return testfixture.Bech32(hrp, g.bytes(size)), true
	case "xprv":
		var chain, key [32]byte
		copy(chain[:], g.bytes(32))
		copy(key[:], g.bytes(32))
		version := map[string]uint32{"xprv": 0x0488ADE4, "tprv": 0x04358394, "zprv": 0x04B2430C}[arg]
		return testfixture.BIP32PrivateKey(version, chain, key), true
	case "minisign":
		var body [152]byte
		copy(body[:], g.bytes(152))
		return testfixture.MinisignSecretKey(arg != "plain", body), true
	case "signify":
		var body [100]byte
		copy(body[:], g.bytes(100))
		return testfixture.SignifySecretKey(body), true
	case "lndmac":
		var sig [32]byte
		copy(sig[:], g.bytes(32))
		raw, _ := base64.RawURLEncoding.DecodeString(testfixture.Macaroon("lnd", "\x03"+string(g.bytes(40)), []string{"time-before 2031-01-01T00:00:00Z"}, sig))
		return hex.EncodeToString(raw), true
	case "qstash":
		// QStash writes UserID before Password (hence the eyJVc2VySUQiOi prefix).
		return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`{"UserID":%q,"Password":%q}`, g.uuid(), g.str("hex", 32)))), true
	case "neptune":
		return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf(`{"api_address":"https://app.neptune.ai","api_url":"https://app.neptune.ai","api_key":%q}`, g.uuid()))), true
	case "pem":
		return g.pem(arg), true
	case "openssh":
		pub := append(sshString([]byte("ssh-ed25519")), sshString(g.bytes(32))...)
		body := []byte("openssh-key-v1\x00")
		for _, f := range [][]byte{[]byte("none"), []byte("none"), nil} {
			body = append(body, sshString(f)...)
		}
		body = binary.BigEndian.AppendUint32(body, 1)
		body = append(append(body, sshString(pub)...), sshString(g.bytes(152))...)
		return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + lines64(base64.StdEncoding.EncodeToString(body)) + "\n-----END OPENSSH PRIVATE KEY-----", true
	case "pgp":
		// A secret-key packet (tag 5, old format, two-byte length) of random content.
		body := append([]byte{0x95, 0x01, 0xf4, 0x04}, g.bytes(499)...)
		return "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + lines64(base64.StdEncoding.EncodeToString(body)) + "\n-----END PGP PRIVATE KEY BLOCK-----", true
	case "putty":
		pub := append([]byte{0, 0, 0, 11}, "ssh-ed25519"...)
		pub = binary.BigEndian.AppendUint32(pub, 32)
		pub = append(pub, g.bytes(32)...)
		priv := binary.BigEndian.AppendUint32(nil, 32)
		priv = append(priv, g.bytes(32)...)
		return "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ed25519-key-2024\nPublic-Lines: 2\n" + lines64(base64.StdEncoding.EncodeToString(pub)) +
			"\nPrivate-Lines: 1\n" + base64.StdEncoding.EncodeToString(priv) + "\nPrivate-MAC: " + g.str("hex", 64) + "\n", true
	}
	return "", false
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
