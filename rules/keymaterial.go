package rules

import "strings"

// KeyMaterial returns the part of a secret that allowlist regexes and
// stopwords are matched against: for an armored private key block (PEM,
// OpenSSH, PGP, SSH2, PuTTY .ppk) only its key material, the base64 body
// lines, and never its BEGIN/END lines, headers ("Proc-Type: …",
// "Comment: dummy-key", "PuTTY-User-Key-File-3: ssh-ed25519") or armor
// checksum; any other secret whole. A comment naming a key "dummy" does not
// make the key a dummy.
func KeyMaterial(secret string) string {
	if !isKeyBlock(secret) {
		return secret
	}
	// Inside a JSON or other quoted string the line breaks are written \n.
	s := strings.ReplaceAll(secret, `\r`, "")
	s = strings.ReplaceAll(s, `\n`, "\n")
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(strings.Trim(strings.TrimSpace(line), `\"'`))
		if line == "" || strings.Contains(line, ": ") || strings.HasPrefix(line, "---") ||
			(strings.HasPrefix(line, "=") && len(line) == 5) || !isBase64Line(line) {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// isKeyBlock reports whether secret is an armored key block.
func isKeyBlock(s string) bool {
	s = strings.TrimLeft(s, " \t\r\n\"'")
	return strings.HasPrefix(s, "-----BEGIN ") || strings.HasPrefix(s, "---- BEGIN ") ||
		strings.HasPrefix(s, "PuTTY-User-Key-File-")
}

func isBase64Line(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}
