package validate

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"hash/crc32"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// GrafanaChecksum checks a Grafana service account token: "glsa_", 32
// alphanumeric characters, "_" and 8 hex digits holding the CRC32 (IEEE) of
// everything before the last "_", its four bytes written least significant
// first (Grafana's satokengen).
func GrafanaChecksum(secret string) bool {
	i := strings.LastIndexByte(secret, '_')
	if !strings.HasPrefix(secret, "glsa_") || i < 0 || len(secret)-i-1 != 8 {
		return false
	}
	return grafanaSum(secret[:i]) == strings.ToLower(secret[i+1:])
}

// grafanaSum returns the 8-hex-digit checksum Grafana appends to key.
func grafanaSum(key string) string {
	c := crc32.ChecksumIEEE([]byte(key))
	return hex.EncodeToString([]byte{byte(c), byte(c >> 8), byte(c >> 16), byte(c >> 24)})
}

// AWSAccessKeyID checks an AWS access key id: a known 4-letter prefix (AKIA
// long-term user keys, ASIA temporary STS keys, ABIA and ACCA) and 16
// characters of the base32 alphabet A-Z2-7, not a run of one character.
func AWSAccessKeyID(secret string) bool {
	if len(secret) != 20 {
		return false
	}
	switch secret[:4] {
	case "AKIA", "ASIA", "ABIA", "ACCA":
	default:
		return false
	}
	body := secret[4:]
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return !strings.Contains(body, "EXAMPLE") && longestRun(body) < 5
}

// longestRun returns the length of the longest run of one repeated byte.
func longestRun(s string) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if i > 0 && s[i] == s[i-1] {
			cur++
		} else {
			cur = 1
		}
		best = max(best, cur)
	}
	return best
}

// DiscordBotToken checks a Discord bot token: three dot-separated base64url
// parts, the first of which decodes to the bot's numeric user id (a
// "snowflake" of 17 to 20 decimal digits), the second to a 4-byte
// timestamp, the third being the HMAC.
func DiscordBotToken(secret string) bool {
	parts := strings.Split(secret, ".")
	if len(parts) != 3 || len(parts[2]) < 27 {
		return false
	}
	id, ok := decodeBase64Any(parts[0])
	if !ok || len(id) < 17 || len(id) > 20 || id[0] == '0' {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	ts, ok := decodeBase64Any(parts[1])
	return ok && len(ts) == 4
}

// SlackToken checks the structure of a Slack token of the xoxb-/xoxp-/xoxa-
// families: every numeric segment is a plausible id (no leading zero, not a
// run of one digit) and the random tail is not a run of one character.
func SlackToken(secret string) bool {
	parts := strings.Split(secret, "-")
	if len(parts) < 3 || !strings.HasPrefix(parts[0], "xox") {
		return false
	}
	nums := 0
	for _, p := range parts[1 : len(parts)-1] {
		if allDigits(p) {
			if len(p) > 1 && (p[0] == '0' || longestRun(p) == len(p)) {
				return false
			}
			nums++
		}
	}
	tail := parts[len(parts)-1]
	return nums > 0 && longestRun(tail) < 6 && !allDigits(tail)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// BasicAuth checks a base64 "user:password" pair as HTTP Basic
// authentication, docker's config.json "auth" and npm's "_auth" carry it:
// standard base64 that decodes to printable text with a non-empty user and a
// password of at least 3 characters that is not a placeholder.
func BasicAuth(secret string) bool {
	b, err := base64.StdEncoding.DecodeString(secret)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(secret); err != nil {
			return false
		}
	}
	s := string(b)
	user, pass, ok := strings.Cut(s, ":")
	if !ok || user == "" || len(pass) < 3 {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return false
		}
	}
	return !isPlaceholder(pass)
}

// Base64Key32 checks a 256-bit key written in standard base64 (44
// characters with one '='), as WireGuard and other X25519/Ed25519 tools
// write private keys.
func Base64Key32(secret string) bool {
	b, err := base64.StdEncoding.DecodeString(secret)
	return err == nil && len(b) == 32 && longestRun(secret) < 6
}

// EmbeddedJSON checks a token whose body is base64 of a JSON object: the
// part from the first "eyJ" (base64 of `{"`) up to the end or to the next
// '.', '_' separator, decoded leniently, must be a JSON object with at least
// one member. 1Password service account tokens (ops_eyJ…), Grafana Cloud
// tokens (glc_eyJ…) and Cloudflare tunnel tokens (eyJhIjoi…) are built so.
func EmbeddedJSON(secret string) bool {
	i := strings.Index(secret, "eyJ")
	if i < 0 {
		return false
	}
	body := secret[i:]
	if j := strings.IndexAny(body, "._"); j >= 0 && !strings.HasPrefix(secret, "ops_") {
		body = body[:j]
	}
	b, ok := decodeBase64Any(body)
	if !ok {
		// a checksum or signature may follow the JSON: accept a decodable prefix
		n := len(body) / 4 * 4
		if n == 0 {
			return false
		}
		if b, ok = decodeBase64Any(body[:n]); !ok {
			return false
		}
	}
	var m map[string]any
	end := strings.LastIndexByte(string(b), '}')
	if end < 0 {
		return false
	}
	return json.Unmarshal(b[:end+1], &m) == nil && len(m) > 0
}

// placeholderWords are values (or parts of values, after undoing common
// letter-for-digit swaps) that documentation and tests use instead of a
// real secret.
var placeholderWords = []string{
	"password", "passwd", "passphrase", "secret", "changeme", "changeit", "example", "sample",
	"dummy", "placeholder", "redacted", "letmein", "welcome", "qwerty", "asdf", "default",
	"admin", "insert", "replace", "your", "mypass", "foobar", "hunter2", "test", "demo",
	"fake", "notreal", "sensitive", "masked", "hidden", "removed", "todo", "fixme",
	"abcdef", "123456", "abc123",
	// RFC 7617's worked example of Basic authentication ("Aladdin:open sesame")
	"aladdin", "sesame",
}

// deleet undoes the usual substitutions in "P@ssw0rd"-style passwords.
var deleet = strings.NewReplacer("0", "o", "@", "a", "1", "i", "3", "e", "$", "s", "5", "s", "4", "a", "7", "t", "!", "i")

func isPlaceholder(v string) bool {
	if u, err := url.PathUnescape(v); err == nil {
		v = u // "p%40ssword" is "p@ssword"
	}
	low := strings.ToLower(v)
	if longestRun(low) >= 5 || strings.Trim(low, "*x•.#-_?0") == "" {
		return true
	}
	d := deleet.Replace(low)
	alnum := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, low) // "pa/ssword"
	for _, w := range placeholderWords {
		if strings.Contains(low, w) || strings.Contains(d, w) || strings.Contains(alnum, w) {
			return true
		}
	}
	return isSequential(low)
}

// isSequential reports runs like "abcdefg", "1234567", "0102030405" that
// stand for data in tests.
func isSequential(s string) bool {
	up := 0
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1]+1 {
			up++
			if up >= 5 {
				return true
			}
		} else {
			up = 0
		}
	}
	if len(s) >= 16 && allHex(s) {
		// byte counters written in hex: 000102030405…
		if b, err := hex.DecodeString(s[:len(s)/2*2]); err == nil {
			inc := 0
			for i := 1; i < len(b); i++ {
				if b[i] == b[i-1]+1 {
					inc++
				}
			}
			if inc*2 >= len(b) {
				return true
			}
		}
	}
	return false
}

func allHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// classes counts the character classes of s: lower case, upper case,
// digits, other.
func classes(s string) (lower, upper, digit, other bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= '0' && c <= '9':
			digit = true
		default:
			other = true
		}
	}
	return
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
		} else if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// notSecretPrefixes begin values that are data, not credentials: integrity
// hashes and digests, base64 images and fonts, public keys, references to a
// secret held elsewhere, template and shell expansions.
var notSecretPrefixes = []string{
	// digests and integrity strings
	"sha1-", "sha256-", "sha384-", "sha512-", "sha1:", "sha256:", "sha384:", "sha512:", "md5:", "md5-", "h1:", "blake2b", "xxh",
	// base64 of PNG, JPEG, GIF, SVG, WOFF, WOFF2, TTF, WebP, PDF
	"ivborw0kgg", "/9j/", "r0lgod", "phn2zy", "d09grg", "d09gmg", "aaeaaaal", "uklgr", "jvberi0",
	// public keys: OpenSSH, SPKI DER of RSA / EC / Ed25519, age recipients
	"ssh-rsa", "ssh-ed25519", "ecdsa-sha2", "ssh-dss", "sk-ssh", "aaaab3nzac1", "aaaac3nzac1", "aaaae2vjzhnh", "miibijan", "migfma0g", "mfkwewyh", "mcowbqyd", "mhywea", "age1",
	// lookups and references
	"urn:", "process.env", "os.environ", "os.getenv", "env.", "env(", "secrets.", "vault:", "arn:aws:", "ref+", "op://", "azurekeyvault", "data:", "file:", "http://", "https://", "projects/", "kv/",
	// templates (shell, Windows and format-string references are in isReference)
	"{{", "{%", "#{", "@@", "<%", "__",
}

// GenericSecret is the value check of the generic detector: it passes a
// value that looks random and is not one of the things that sit next to a
// credential-like name without being one. It fails placeholders, UUIDs,
// digests and integrity strings, base64 images and fonts, public keys,
// secret-store and environment lookups, template expansions, identifiers
// (snake_case, CONST_CASE, camelCase, dotted names), paths, URLs, version
// numbers, and values with too few character classes to be random.
func GenericSecret(secret string) bool {
	v := strings.Trim(secret, `"'`+"`")
	if len(v) < 12 {
		return false
	}
	low := strings.ToLower(v)
	for _, p := range notSecretPrefixes {
		if strings.HasPrefix(low, p) {
			return false
		}
	}
	if isReference(v) || isUUID(v) || isPlaceholder(v) || decodesToPlaceholder(v) {
		return false
	}
	if looksLikeIdentifier(v) || isPath(v) || looksLikeCode(v) {
		return false
	}
	lower, upper, digit, other := classes(v)
	n := 0
	for _, c := range []bool{lower, upper, digit} {
		if c {
			n++
		}
	}
	if n < 2 {
		// one class of letters or digits (and maybe punctuation): words,
		// numbers, "ab-cd-ef"; long lower-case hex is the exception
		return allHex(v) && len(v) >= 32 && digit
	}
	if !digit && !other && len(v) < 24 {
		return false // mixed-case letters only, short: a word or a name
	}
	return !isVersionOrNumber(v)
}

// looksLikeIdentifier reports code identifiers and dotted, dashed or
// underscored words: values a credential-like name is assigned in code
// without being a credential.
func looksLikeIdentifier(v string) bool {
	// split at separators; identifier when every part is a word-like run
	words := strings.FieldsFunc(v, func(r rune) bool { return r == '_' || r == '.' || r == '-' || r == ':' })
	if len(words) == 0 {
		return true
	}
	wordy, letters := 0, false
	for _, w := range words {
		switch {
		case allDigits(w) && len(w) <= 3:
			wordy++ // "token-1", "v2.1.0"
		case len(w) == 1:
			wordy++ // "a.Package.Dir"
		case len(words) > 1 && lettersThenDigits(w):
			wordy++ // "ed25519.PrivateKey", "sha256.Sum256"
			letters = true
		case isWordLike(w):
			wordy++
			letters = true
		}
	}
	return letters && wordy == len(words)
}

// isWordLike reports a run that reads as a word or a camelCase compound: at
// most a couple of trailing digits, no digit inside, and every capital
// starting a lower-case run of at least two (or an all-capital word).
func isWordLike(w string) bool {
	// strip up to 2 trailing digits ("token2", "v1")
	t := strings.TrimRight(w, "0123456789")
	if len(w)-len(t) > 2 || t == "" {
		return false
	}
	if strings.ToUpper(t) == t {
		return len(t) <= 12 // ALLCAPS word or acronym
	}
	run := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= 'A' && c <= 'Z':
			if i > 0 && run < 2 && t[i-1] >= 'a' && t[i-1] <= 'z' {
				return false
			}
			run = 0
		case c >= 'a' && c <= 'z':
			run++
		default:
			return false
		}
	}
	if run < 2 && !trailingAcronym(t) {
		return false
	}
	return vowelRatioOK(t)
}

// vowelRatioOK is a cheap "pronounceable" test: random letters have few
// vowels in a row and many consonant clusters; words alternate.
func vowelRatioOK(t string) bool {
	low := strings.ToLower(t)
	vowels, clusters, run := 0, 0, 0
	for i := 0; i < len(low); i++ {
		if strings.IndexByte("aeiouy", low[i]) >= 0 {
			vowels++
			run = 0
		} else {
			run++
			if run == 4 {
				clusters++
			}
		}
	}
	return vowels*5 >= len(low) && clusters*8 <= len(low)
}

func isVersionOrNumber(v string) bool {
	t := strings.TrimPrefix(strings.TrimPrefix(v, "v"), "V")
	for _, part := range strings.Split(t, ".") {
		if _, err := strconv.Atoi(part); err != nil {
			return false
		}
	}
	return true
}

// Password is the value check of the generic password rule: a value that is
// no placeholder, reference, template or identifier, and is random enough
// to be a real password — at least 8 characters with three character
// classes, or 12 with two.
func Password(secret string) bool {
	v := strings.Trim(secret, `"'`+"`")
	if len(v) < 8 || len(v) > 128 {
		return false
	}
	low := strings.ToLower(v)
	for _, p := range notSecretPrefixes {
		if strings.HasPrefix(low, p) {
			return false
		}
	}
	if isReference(v) || isPlaceholder(v) || isUUID(v) || looksLikeIdentifier(v) || isPath(v) || isVersionOrNumber(v) || looksLikeCode(v) {
		return false
	}
	if strings.ContainsAny(v, "()[]{}<>") || strings.HasSuffix(v, ",") {
		return false // code: a call, an index, a literal
	}
	lower, upper, digit, other := classes(v)
	if punct := len(v) - alnumCount(v); punct*5 > len(v)*2 {
		return false // mostly punctuation: an operator, a mask, a pattern
	}
	n := 0
	for _, c := range []bool{lower, upper, digit, other} {
		if c {
			n++
		}
	}
	switch {
	case n >= 3:
		return digit || len(v) >= 12
	case n == 2 && len(v) >= 12:
		return !(other && !digit && (!lower || !upper)) // words joined by punctuation
	}
	return false
}

func alnumCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

// GenericSecretText is GenericSecret for values that are not pure
// hexadecimal: the generic detector keeps hex values to a rule of their own
// (generic-hex-secret) that stays out of test code, where long hex values
// are test vectors.
func GenericSecretText(secret string) bool {
	v := strings.TrimPrefix(strings.Trim(secret, `"'`+"`"), "0x")
	return !allHex(v) && GenericSecret(secret)
}

// decodesToPlaceholder reports a base64 value (a Kubernetes Secret's data,
// a Basic credential) whose decoded text is a placeholder or too short to
// be a secret.
func decodesToPlaceholder(v string) bool {
	if len(v)%4 != 0 || len(v) > 200 {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false // binary: a real key, or not base64 text at all
		}
	}
	return len(b) < 6 || isPlaceholder(string(b))
}

// trailingAcronym reports a camelCase word that ends in an upper-case
// acronym after a lower-case word: "benchmarkMessagesMLDSA", "parseURL".
func trailingAcronym(t string) bool {
	i := len(t)
	for i > 0 && t[i-1] >= 'A' && t[i-1] <= 'Z' {
		i--
	}
	return len(t)-i >= 2 && i >= 3 && t[i-1] >= 'a' && t[i-1] <= 'z' && i < len(t)
}

// referenceRe matches a value that refers to a secret instead of holding it:
// shell and Make expansions ($VAR, ${VAR}, $(cmd)), Windows and Java
// properties references (%VAR%, %(name)s, %env(X)%), and code such as
// pointer dereferences and address-of (*cfg.Token, &token).
var referenceRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:\$[{(]|\$[A-Za-z_][A-Za-z0-9_]*$|%\(|%[A-Za-z_][A-Za-z0-9_()]*%$|%[sdvq]$)`)
})

func isReference(v string) bool {
	if v != "" && (v[0] == '&' || v[0] == '*') && looksLikeIdentifier(v[1:]) {
		return true // code: &token, *cfg.Secret
	}
	return referenceRe().MatchString(v)
}

// isPath reports a file path or URL path: segments separated by '/', each
// a word or identifier ("models/tokenizer/config.json", "/var/run/secrets").
func isPath(v string) bool {
	if strings.Count(v, "/") < 1 || strings.ContainsAny(v, "+=") {
		return false
	}
	for _, seg := range strings.Split(strings.Trim(v, "/"), "/") {
		if seg != "" && seg != "." && seg != ".." && !looksLikeIdentifier(seg) {
			return false
		}
	}
	return true
}

// lettersThenDigits reports a name such as "ed25519", "sha256" or "x509":
// letters followed by at most six digits.
func lettersThenDigits(w string) bool {
	i := 0
	for i < len(w) && (w[i] >= 'a' && w[i] <= 'z' || w[i] >= 'A' && w[i] <= 'Z') {
		i++
	}
	return i > 0 && i < len(w) && len(w)-i <= 6 && allDigits(w[i:])
}
