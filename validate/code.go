package validate

import (
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// looksLikeCode reports values that sit where a credential would but are
// code or text, or no credential by themselves: password hashes (reported
// by the hash rules in credential files only), JWTs without a signature,
// base64 of a sentence, identifiers made of words (camelCase, PascalCase,
// snake_case, kebab-case, dotted member accesses, negated or escaped),
// format strings, date and time layouts, fragments of a connection string
// (the value ran past a ';' into the next key), and percent-encoded words.
func looksLikeCode(v string) bool {
	if passwordHashRe().MatchString(v) || unsignedJWT(v) || decodesToText(v) {
		return true
	}
	if formatRe().MatchString(v) || timeLayoutRe().MatchString(v) || fragmentRe().MatchString(v) || filePathRe().MatchString(v) {
		return true
	}
	t := trimCode(v)
	if t == "" || wordIdentifier(t) {
		return true
	}
	if k, val, ok := strings.Cut(t, "="); ok && k != "" && !strings.HasSuffix(t, "=") {
		// a keyword argument or an assignment, not base64 (whose '=' is
		// padding at the end): json_encoder=CustomJSONEncoder
		return wordIdentifier(k) && (val == "" || wordIdentifier(trimCode(val)))
	}
	if strings.Contains(t, "%") {
		if u, err := url.PathUnescape(t); err == nil && u != t {
			return wordIdentifier(trimCode(u)) || isPath(u)
		}
	}
	return false
}

// formatRe matches printf verbs, Python %(name)s and {}/{0}/{name}
// placeholders: a template, filled in elsewhere.
var formatRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`%[-+# 0]*[0-9]*(?:\.[0-9]+)?[sdvqifgxXt](?:[^A-Za-z0-9]|$)|%\([A-Za-z_][A-Za-z0-9_]*\)[sdr]|\{[0-9]*\}|\{[A-Za-z_][A-Za-z0-9_.]*\}`)
})

// timeLayoutRe matches date and time layouts: Go's reference time
// (2006-01-02T15:04:05Z07:00) and strftime / Java / moment patterns.
var timeLayoutRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:2006|06|01|1|02|2|_2|03|3|04|4|05|5|15|Jan|January|Mon|Monday|MST|PM|pm|Z07:00|Z0700|Z07|-07:00|-0700|-07|yyyy|YYYY|yy|YY|MM|M|dd|DD|d|D|HH|H|hh|h|mm|m|ss|s|S+|a|A|E+|z+|Z+|X+|x+|T|'T'|%[YmdHMSzZjbBaAp]|[-:./ ,_T']|\.0+|\.9+)+$`)
})

// filePathRe matches an absolute path to a file with an extension
// ("/Users/me/Documents/project-342713-80000a3b5bdb.json"): where the
// credential is, not the credential.
var filePathRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:/|~/|[A-Za-z]:[\\/])(?:[^/\\\s]+[/\\]){2,}[^/\\\s]+\.[A-Za-z][A-Za-z0-9]{0,5}$`)
})

// fragmentRe matches a value that runs on into the next key of a
// connection string or query ("pass;LANGUAGE=us_english", "%s;Database=%s").
var fragmentRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`;[ \t]*[A-Za-z][A-Za-z0-9_ ]*=`) })

// trimCode strips what surrounds an identifier in code: negation,
// address-of and dereference, sigils, an escaped newline before it, a
// trailing colon, comma, semicolon, call or the closing parenthesis of a
// call around it.
func trimCode(v string) string {
	for {
		switch {
		case strings.HasPrefix(v, `\\n`), strings.HasPrefix(v, `\\t`):
			v = v[3:]
		case strings.HasPrefix(v, `\n`), strings.HasPrefix(v, `\t`):
			v = v[2:]
		case v != "" && strings.IndexByte("!&*@$", v[0]) >= 0:
			v = v[1:]
		case strings.HasSuffix(v, "()"):
			v = v[:len(v)-2]
		case strings.HasSuffix(v, ")") && !strings.Contains(v, "("):
			v = v[:len(v)-1] // the end of a call around it
		case v != "" && strings.IndexByte(":,;", v[len(v)-1]) >= 0:
			v = v[:len(v)-1]
		default:
			return v
		}
	}
}

// wordIdentifier reports a name built of words: split at separators
// ('_', '.', '-', ':', '/'), at lower-to-upper and letter-digit boundaries
// and before the last capital of an acronym ("JSONEncoder" is JSON,
// Encoder), every part is a pronounceable word, an acronym, a short number
// or a single letter, and there are words (at least as many as short
// filler parts, less one). Random
// strings break into consonant clusters and single letters.
func wordIdentifier(v string) bool {
	if len(v) < 4 || len(v) > 200 {
		return false
	}
	words, fillers := 0, 0
	for _, p := range splitIdentifier(v) {
		switch {
		case p == "":
			return false
		case isDigits(p):
			if len(p) > 4 {
				return false
			}
			fillers++
		case len(p) <= 2:
			fillers++ // a letter or two: "p.with", "cl_api_key"
		case isUpper(p) && len(p) <= 4:
			fillers++ // an acronym: JSON, AWS, HTTP
		default:
			if !pronounceable(p) {
				return false
			}
			words++
		}
	}
	return words >= 1 && fillers <= words+1
}

// splitIdentifier splits v into its words (see wordIdentifier); a
// character that is neither a letter, a digit nor a separator yields an
// empty part.
func splitIdentifier(v string) []string {
	var parts []string
	start := 0
	class := func(c byte) int {
		switch {
		case c >= 'a' && c <= 'z':
			return 1
		case c >= 'A' && c <= 'Z':
			return 2
		case c >= '0' && c <= '9':
			return 3
		case c == '_' || c == '.' || c == '-' || c == ':' || c == '/':
			return 0
		}
		return -1
	}
	flush := func(end int) {
		if end > start {
			parts = append(parts, v[start:end])
		}
		start = end
	}
	for i := 0; i < len(v); i++ {
		c := class(v[i])
		switch c {
		case -1:
			return append(parts, "")
		case 0:
			flush(i)
			start = i + 1
			continue
		}
		if i == start {
			continue
		}
		p := class(v[i-1])
		switch {
		case p == 1 && c == 2, p == 3 && c != 3, p != 3 && c == 3:
			flush(i)
		case p == 2 && c == 1 && i-1 > start:
			flush(i - 1) // "JSONEncoder": JSON | Encoder
		}
	}
	flush(len(v))
	return parts
}

func isDigits(s string) bool { return allDigits(s) }

func isUpper(s string) bool { return strings.ToUpper(s) == s }

// pronounceable reports a word-like run of letters: a vowel in every
// couple of letters, no cluster of four consonants.
func pronounceable(w string) bool {
	low := strings.ToLower(w)
	vowels, run := 0, 0
	for i := 0; i < len(low); i++ {
		if strings.IndexByte("aeiouy", low[i]) >= 0 {
			vowels++
			run = 0
		} else if run++; run >= 4 {
			return false
		}
	}
	return vowels > 0 && vowels*6 >= len(low)
}

// passwordHashRe matches crypt(3), htpasswd, LDAP and Django password
// hashes: the hash of a password, not the password.
var passwordHashRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:\$(?:1|2[abxy]?|5|6|7|y|gy|apr1|argon2i|argon2d|argon2id|scrypt|pbkdf2[-a-z0-9]*|sha1|md5)\$|\{(?:SHA|SSHA|SHA256|SSHA256|SHA512|SSHA512|MD5|SMD5|CRYPT|BCRYPT|PBKDF2[-A-Z0-9]*)\}|(?:pbkdf2_sha256|pbkdf2_sha1|bcrypt_sha256|argon2|scrypt)\$)`)
})

// unsignedJWT reports a JWT header and payload without a signature
// ("eyJ….eyJ…" or "eyJ….eyJ….."): no credential, whatever it claims.
func unsignedJWT(v string) bool {
	if !strings.HasPrefix(v, "eyJ") {
		return false
	}
	parts := strings.Split(v, ".")
	if len(parts) == 3 && parts[2] == "" {
		parts = parts[:2]
	}
	if len(parts) != 2 {
		return false
	}
	var header map[string]any
	return decodeJSONPart(parts[0], &header)
}

// decodesToText reports base64 whose decoded bytes are a sentence: words
// and spaces ("super long string should cause enough entropy"), a test's
// stand-in for a secret.
func decodesToText(v string) bool {
	if len(v) < 16 {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(v); err != nil {
			return false
		}
	}
	letters, spaces := 0, 0
	for _, c := range b {
		switch {
		case c == ' ':
			spaces++
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letters++
		case c < 0x20 || c > 0x7e:
			return false
		}
	}
	return spaces >= 2 && (letters+spaces)*10 >= len(b)*9
}
