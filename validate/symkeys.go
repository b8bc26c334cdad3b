package validate

import "encoding/base64"

// Base64URLKey32 checks a 256-bit key written in URL-safe base64 with its
// padding (44 characters), as Fernet keys (Airflow's fernet_key) are.
func Base64URLKey32(secret string) bool {
	b, err := base64.URLEncoding.DecodeString(secret)
	return err == nil && len(b) == 32 && longestRun(secret) < 6
}

// Base64Key16or32 checks a 128- or 256-bit key in standard base64, as
// Consul's gossip encryption key is (16 bytes before Consul 1.x's 32).
func Base64Key16or32(secret string) bool {
	b, err := base64.StdEncoding.DecodeString(secret)
	return err == nil && (len(b) == 16 || len(b) == 32) && longestRun(secret) < 6
}
