package validate

import (
	"testing"
	"time"
)

// FuzzValidators runs every validator over arbitrary secrets (a validator
// sees whatever a rule's regex matched in scanned content): an answer,
// never a panic, and quickly even for a long secret.
func FuzzValidators(f *testing.F) {
	for _, s := range []string{
		"", "ghp_", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
		"AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ", "pypi-AgEIcHlwaS5vcmc", "xoxb-1-2-abc",
		"glpat-xxxxxxxxxxxxxxxxxxxx", "npm_\xff\xfe", "user:pass", "{\"a\":", "AKIA\x00\x00", "\u202e",
	} {
		f.Add(s)
	}
	names := Names()
	f.Fuzz(func(t *testing.T, secret string) {
		for _, name := range names {
			fn, ok := Lookup(name)
			if !ok {
				t.Fatalf("Names lists %s, Lookup does not know it", name)
			}
			start := time.Now()
			fn(secret)
			if d := time.Since(start); d > time.Second {
				t.Fatalf("validator %s took %v on %d bytes", name, d, len(secret))
			}
		}
	})
}
