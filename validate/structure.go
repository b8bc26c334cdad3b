package validate

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strings"
)

// decodeBase64Any decodes standard or URL-safe base64, padded or not.
func decodeBase64Any(s string) ([]byte, bool) {
	s = strings.TrimRight(s, "=")
	s = strings.NewReplacer("+", "-", "/", "_").Replace(s)
	b, err := base64.RawURLEncoding.DecodeString(s)
	return b, err == nil
}

// JWT checks a JSON Web Token in compact serialisation (RFC 7519, RFC 7515):
// three base64url parts separated by '.', a header that decodes to a JSON
// object with a string "alg" other than "none", a payload that decodes to a
// JSON object, and a non-empty signature. An unsigned token ("alg":"none")
// is no credential and fails.
func JWT(secret string) bool {
	parts := strings.Split(secret, ".")
	if len(parts) != 3 || parts[2] == "" {
		return false
	}
	var header map[string]any
	if !decodeJSONPart(parts[0], &header) {
		return false
	}
	alg, ok := header["alg"].(string)
	if !ok || alg == "" || strings.EqualFold(alg, "none") {
		return false
	}
	var payload map[string]any
	if !decodeJSONPart(parts[1], &payload) {
		return false
	}
	sig, ok := decodeBase64URL(parts[2])
	return ok && len(sig) > 0
}

func decodeBase64URL(s string) ([]byte, bool) {
	if strings.ContainsAny(s, "+/") {
		return nil, false
	}
	return decodeBase64Any(s)
}

func decodeJSONPart(s string, v *map[string]any) bool {
	b, ok := decodeBase64URL(s)
	if !ok {
		return false
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	return json.Unmarshal(b, v) == nil && *v != nil
}

// GitHubInstallationJWT checks a GitHub App installation token of the
// stateless format GitHub began issuing in April 2026: "ghs_", the numeric
// app id, "_", then a JWT (see JWT).
func GitHubInstallationJWT(secret string) bool {
	rest, ok := strings.CutPrefix(secret, "ghs_")
	if !ok {
		return false
	}
	id, jwt, ok := strings.Cut(rest, "_")
	if !ok || id == "" || len(id) > 20 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return JWT(jwt)
}

// Macaroon v2 binary field types (libmacaroons' format, used by PyPI).
const (
	macaroonEOS        = 0
	macaroonLocation   = 1
	macaroonIdentifier = 2
	macaroonVID        = 4
	macaroonSignature  = 6
)

// pypiLocations are the macaroon locations of PyPI and TestPyPI tokens.
var pypiLocations = []string{"pypi.org", "test.pypi.org"}

// PyPIMacaroon checks a PyPI API token: "pypi-" then base64 of a macaroon in
// the v2 binary format whose location is pypi.org (or test.pypi.org), with
// an identifier, well-formed caveats and a 32-byte signature, nothing after.
func PyPIMacaroon(secret string) bool {
	body, ok := strings.CutPrefix(secret, "pypi-")
	if !ok {
		return false
	}
	raw, ok := decodeBase64Any(body)
	if !ok {
		return false
	}
	loc, ok := parseMacaroonV2(raw)
	if !ok {
		return false
	}
	for _, l := range pypiLocations {
		if loc == l {
			return true
		}
	}
	return false
}

// macaroonReader reads the fields of a v2 binary macaroon.
type macaroonReader struct {
	b   []byte
	err bool
}

// field reads one field: a type, then (unless the type is EOS) a varint
// length and that many bytes.
func (r *macaroonReader) field() (typ uint64, data []byte) {
	if r.err {
		return 0, nil
	}
	typ, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = true
		return 0, nil
	}
	r.b = r.b[n:]
	if typ == macaroonEOS {
		return typ, nil
	}
	l, n := binary.Uvarint(r.b)
	if n <= 0 || l > uint64(len(r.b)-n) {
		r.err = true
		return 0, nil
	}
	data = r.b[n : n+int(l)]
	r.b = r.b[n+int(l):]
	return typ, data
}

// peek returns the type of the next field without consuming it.
func (r *macaroonReader) peek() uint64 {
	if r.err || len(r.b) == 0 {
		r.err = true
		return 0
	}
	t, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = true
	}
	return t
}

// parseMacaroonV2 parses version 2 binary macaroon and returns its location.
func parseMacaroonV2(b []byte) (location string, ok bool) {
	if len(b) < 2 || b[0] != 2 {
		return "", false
	}
	r := &macaroonReader{b: b[1:]}
	// Header: optional location, required identifier, EOS.
	if r.peek() == macaroonLocation {
		_, loc := r.field()
		location = string(loc)
	}
	if t, id := r.field(); t != macaroonIdentifier || len(id) == 0 {
		return "", false
	}
	if t, _ := r.field(); t != macaroonEOS {
		return "", false
	}
	// Caveats, each [location] identifier [vid] EOS, then an EOS.
	for caveats := 0; ; caveats++ {
		if caveats > 1000 || r.err {
			return "", false
		}
		if r.peek() == macaroonEOS {
			r.field()
			break
		}
		if r.peek() == macaroonLocation {
			r.field()
		}
		if t, id := r.field(); t != macaroonIdentifier || len(id) == 0 {
			return "", false
		}
		if r.peek() == macaroonVID {
			r.field()
		}
		if t, _ := r.field(); t != macaroonEOS {
			return "", false
		}
	}
	t, sig := r.field()
	if r.err || t != macaroonSignature || len(sig) != 32 || len(r.b) != 0 {
		return "", false
	}
	return location, true
}

// AzureStorageKey checks an Azure Storage account key: standard base64 of a
// 512-bit (64-byte) key, i.e. 88 characters ending in "==".
func AzureStorageKey(secret string) bool {
	if len(secret) != 88 {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(secret)
	return err == nil && len(b) == 64
}
