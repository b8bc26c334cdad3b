package validate

import (
	"encoding/base64"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/internal/testfixture"
)

const testAlphabet = base62Alphabet

// rng is deterministic so that failures reproduce.
func rng() *rand.Rand { return rand.New(rand.NewPCG(20210405, 1)) }

func randomString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// flip replaces the character at i with a different one from alphabet.
func flip(s string, i int, alphabet string) string {
	c := s[i]
	j := strings.IndexByte(alphabet, c)
	n := alphabet[(j+1)%len(alphabet)]
	return s[:i] + string(n) + s[i+1:]
}

func TestNamesSortedAndLookup(t *testing.T) {
	names := Names()
	if !sort.StringsAreSorted(names) {
		t.Fatalf("Names not sorted: %v", names)
	}
	for _, want := range []string{"github-checksum", "npm-checksum", "jwt", "pypi-macaroon", "gitlab-checksum", "age-secret-key", "azure-storage-key", "github-installation-jwt"} {
		if fn, ok := Lookup(want); !ok || fn == nil {
			t.Errorf("Lookup(%q) missing", want)
		}
	}
	if _, ok := Lookup("no-such-validator"); ok {
		t.Error("Lookup of an unknown name succeeded")
	}
	if len(names) != len(registry) {
		t.Errorf("Names has %d entries, registry %d", len(names), len(registry))
	}
}

// TestKnownChecksum pins the scheme on the worked example of the format
// (CRC32 IEEE of the 30 random characters, base62 0-9A-Za-z, 6 digits).
func TestKnownChecksum(t *testing.T) {
	if got := base62CRC32("zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ"); got != "0mLq17" {
		t.Fatalf("base62CRC32 = %q, want 0mLq17", got)
	}
	if got := base62CRC32(""); got != "000000" {
		t.Fatalf("base62CRC32(empty) = %q, want zero padding", got)
	}
}

func TestGitHubAndNPMChecksum(t *testing.T) {
	r := rng()
	github, _ := Lookup("github-checksum")
	npm, _ := Lookup("npm-checksum")
	for _, prefix := range []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_"} {
		for i := 0; i < 50; i++ {
			n := 30
			if prefix == "ghr_" && i%2 == 0 {
				n = 70 // refresh tokens are longer, same scheme
			}
			tok := testfixture.GitHubToken(prefix, randomString(r, testAlphabet, n))
			if !github(tok) {
				t.Fatalf("valid %s rejected", tok)
			}
			if npm(tok) {
				t.Fatalf("npm-checksum accepted GitHub token %s", tok)
			}
			pos := len(prefix) + r.IntN(len(tok)-len(prefix))
			if bad := flip(tok, pos, testAlphabet); github(bad) {
				t.Fatalf("flipped token %s (pos %d) accepted", bad, pos)
			}
		}
	}
	for i := 0; i < 100; i++ {
		tok := testfixture.NPMToken(randomString(r, testAlphabet, 30))
		if !npm(tok) {
			t.Fatalf("valid %s rejected", tok)
		}
		if github(tok) {
			t.Fatalf("github-checksum accepted npm token %s", tok)
		}
		pos := 4 + r.IntN(36)
		if bad := flip(tok, pos, testAlphabet); npm(bad) {
			t.Fatalf("flipped token %s accepted", bad)
		}
	}
	good := testfixture.GitHubToken("ghp_", "zQWBuTSOoRi4A9spHcVY5ncnsDkxkJ")
	for _, tc := range []struct {
		name, tok string
		want      bool
	}{
		{"worked example", good, true},
		{"wrong prefix", "ghx_" + good[4:], false},
		{"fine-grained prefix", "github_pat_" + good[4:], false},
		{"too short", "ghp_" + good[5:], false},
		{"non-base62", "ghp_zQWBuTSOoRi4A9spHcVY5nc-sDkxkJ0mLq17", false},
		{"empty", "", false},
		{"lower-cased checksum", good[:34] + strings.ToLower(good[34:]), false},
	} {
		if got := github(tc.tok); got != tc.want {
			t.Errorf("%s: github-checksum(%q) = %v, want %v", tc.name, tc.tok, got, tc.want)
		}
	}
	if npm("npm_"+good[4:]) != true {
		t.Error("npm token with GitHub example body rejected")
	}
	if npm("npm_"+good[4:]+"x") || npm("npm_"+good[5:]) {
		t.Error("npm token of wrong length accepted")
	}
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestJWT(t *testing.T) {
	jwt, _ := Lookup("jwt")
	sig := base64.RawURLEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	h := b64(`{"alg":"HS256","typ":"JWT"}`)
	p := b64(`{"sub":"1234567890","name":"keyhound","iat":1700000000}`)
	for _, tc := range []struct {
		name, tok string
		want      bool
	}{
		{"hs256", h + "." + p + "." + sig, true},
		{"es256 padded", b64(`{"alg":"ES256"}`) + "==." + p + "." + sig, true},
		{"no alg", b64(`{"typ":"JWT"}`) + "." + p + "." + sig, false},
		{"alg none", b64(`{"alg":"none"}`) + "." + p + ".", false},
		{"alg none with sig", b64(`{"alg":"None"}`) + "." + p + "." + sig, false},
		{"alg not string", b64(`{"alg":5}`) + "." + p + "." + sig, false},
		{"header array", b64(`["alg"]`) + "." + p + "." + sig, false},
		{"payload not object", h + "." + b64(`"hello"`) + "." + sig, false},
		{"payload not json", h + "." + b64(`{"sub":`) + "." + sig, false},
		{"empty signature", h + "." + p + ".", false},
		{"two parts", h + "." + p, false},
		{"four parts", h + "." + p + "." + sig + "." + sig, false},
		{"std alphabet", h + "." + p + ".ab+/", false},
		{"garbage", "eyJhbGciOi.eyJzdWIi.xyz", false},
	} {
		if got := jwt(tc.tok); got != tc.want {
			t.Errorf("%s: jwt(%q) = %v, want %v", tc.name, tc.tok, got, tc.want)
		}
	}
	// Flipping a header character breaks the JSON.
	good := h + "." + p + "." + sig
	if jwt("X" + good[1:]) {
		t.Error("corrupted header accepted")
	}
	inst, _ := Lookup("github-installation-jwt")
	if !inst("ghs_123456_" + good) {
		t.Error("installation token rejected")
	}
	for _, bad := range []string{"ghs_12a_" + good, "ghs__" + good, "ghp_1_" + good, "ghs_1_" + h + "." + p + "."} {
		if inst(bad) {
			t.Errorf("installation validator accepted %q", bad)
		}
	}
}

func TestPyPIMacaroon(t *testing.T) {
	pypi, _ := Lookup("pypi-macaroon")
	r := rng()
	var sig [32]byte
	for i := range sig {
		sig[i] = byte(r.IntN(256))
	}
	caveat := `{"version": 1, "permissions": {"projects": ["keyhound"]}}`
	tok := "pypi-" + testfixture.Macaroon("pypi.org", "c0ffee00-1234-4abc-8def-0123456789ab", []string{caveat}, sig)
	if !strings.HasPrefix(tok, "pypi-AgEIcHlwaS5vcmc") {
		t.Fatalf("fixture does not start like a PyPI token: %s", tok)
	}
	if !pypi(tok) {
		t.Fatalf("valid token rejected: %s", tok)
	}
	test := "pypi-" + testfixture.Macaroon("test.pypi.org", "id", nil, sig)
	if !pypi(test) {
		t.Fatalf("TestPyPI token rejected: %s", test)
	}
	for _, tc := range []struct{ name, tok string }{
		{"other location", "pypi-" + testfixture.Macaroon("example.org", "id", []string{caveat}, sig)},
		{"truncated", tok[:len(tok)-4]},
		{"extra bytes", tok + "AAAA"},
		{"not base64", "pypi-AgEIcHlwaS5vcmc!!!!"},
		{"no prefix", tok[5:]},
		{"placeholder", "pypi-AgEIcHlwaS5vcmcxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
		{"version 1 marker", "pypi-" + b64("\x01"+"rest of token")},
	} {
		if pypi(tc.tok) {
			t.Errorf("%s: accepted %q", tc.name, tc.tok)
		}
	}
	// The standard alphabet with padding decodes too.
	std := base64.StdEncoding.EncodeToString(mustDecode(t, tok[5:]))
	if !pypi("pypi-" + std) {
		t.Errorf("padded standard base64 rejected")
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGitLabChecksum(t *testing.T) {
	gl, _ := Lookup("gitlab-checksum")
	r := rng()
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for _, prefix := range []string{"glpat-", "glrt-t1_", "glcbt-", "gldt-"} {
		for i := 0; i < 40; i++ {
			var random [16]byte
			for j := range random {
				random[j] = byte(r.IntN(256))
			}
			tok := testfixture.GitLabRoutableToken(prefix, random, "o:"+randomString(r, "0123456789abcdefghijklmnopqrstuvwxyz", 1+r.IntN(6))+"\nu:2")
			if !gl(tok) {
				t.Fatalf("valid routable token rejected: %s", tok)
			}
			// Flip one character of the base64 part or of the CRC.
			dot := strings.IndexByte(tok, '.')
			pos := len(prefix) + r.IntN(dot-len(prefix))
			if i%2 == 1 {
				pos = len(tok) - 1 - r.IntN(gitlabCRCLen)
			}
			bad := flip(tok, pos, alphabet)
			if gl(bad) {
				t.Fatalf("flipped routable token accepted: %s (pos %d)", bad, pos)
			}
		}
	}
	for _, tc := range []struct {
		name, tok string
		want      bool
	}{
		{"classic pat", "glpat-" + randomString(r, alphabet, 20), true},
		{"trigger token", "glptt-" + randomString(r, "0123456789abcdef", 40), true},
		{"not gitlab", "ghp_" + randomString(r, alphabet, 20), false},
		{"dotted but no crc", "glpat-abcdefghijklmnopqrstuvwxyz0123456789.01.1a1234567", false},
		{"empty", "", false},
	} {
		if got := gl(tc.tok); got != tc.want {
			t.Errorf("%s: gitlab-checksum(%q) = %v, want %v", tc.name, tc.tok, got, tc.want)
		}
	}
}

func TestBech32Vectors(t *testing.T) {
	// Valid Bech32 strings from BIP 173.
	for _, s := range []string{
		"A12UEL5L",
		"a12uel5l",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"11" + strings.Repeat("q", 82) + "c8247j",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
		"?1ezyfcl",
	} {
		if _, _, ok := bech32Decode(s); !ok {
			t.Errorf("BIP 173 valid vector %q rejected", s)
		}
	}
	for _, s := range []string{
		"A1G7SGD8",  // checksum calculated with uppercase form of HRP
		"10a06t8",   // empty HRP
		"1qzzfhee",  // empty HRP
		"x1b4n0q5v", // invalid data character
		"li1dgmt3",  // too short checksum
		"a12UEL5L",  // mixed case
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx", // wrong checksum
	} {
		if _, _, ok := bech32Decode(s); ok {
			t.Errorf("BIP 173 invalid vector %q accepted", s)
		}
	}
}

func TestAgeSecretKey(t *testing.T) {
	age, _ := Lookup("age-secret-key")
	r := rng()
	for i := 0; i < 50; i++ {
		var key [32]byte
		for j := range key {
			key[j] = byte(r.IntN(256))
		}
		s := testfixture.AgeSecretKey(key)
		if !strings.HasPrefix(s, "AGE-SECRET-KEY-1") || len(s) != 74 {
			t.Fatalf("unexpected shape %q", s)
		}
		if !age(s) {
			t.Fatalf("valid key rejected: %s", s)
		}
		pos := 16 + r.IntN(len(s)-16)
		if bad := flip(s, pos, strings.ToUpper(bech32Alphabet)); age(bad) {
			t.Fatalf("flipped key accepted: %s", bad)
		}
		if age(strings.Replace(s, "AGE-SECRET-KEY-1", "AGE-PUBLIC-KEY-1", 1)) {
			t.Fatalf("wrong HRP accepted")
		}
	}
}

func TestAzureStorageKey(t *testing.T) {
	az, _ := Lookup("azure-storage-key")
	r := rng()
	key := make([]byte, 64)
	for i := range key {
		key[i] = byte(r.IntN(256))
	}
	good := base64.StdEncoding.EncodeToString(key)
	if !az(good) {
		t.Fatalf("valid key rejected: %s", good)
	}
	for _, bad := range []string{good[:86], base64.StdEncoding.EncodeToString(key[:63]) + "A", strings.Repeat("*", 88)} {
		if az(bad) {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestValidatorsNeverPanic(t *testing.T) {
	inputs := []string{"", "a", ".", "..", "...", "ghp_", "npm_", "pypi-", "gl", "gl.", "glpat-..", "ghs_1_..", "AGE-SECRET-KEY-1", "pypi-AgE", "pypi-Ag", strings.Repeat("=", 88)}
	for _, name := range Names() {
		fn, _ := Lookup(name)
		for _, in := range inputs {
			if fn(in) {
				t.Errorf("%s accepted %q", name, in)
			}
		}
	}
}
