package validate

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/internal/testfixture"
)

func TestGrafanaChecksum(t *testing.T) {
	r := rng()
	for i := 0; i < 50; i++ {
		tok := testfixture.GrafanaToken(randomString(r, testAlphabet, 32))
		if !GrafanaChecksum(tok) {
			t.Fatalf("GrafanaChecksum(%q) = false", tok)
		}
		bad := flip(tok, len(tok)-1, "0123456789abcdef")
		if GrafanaChecksum(bad) {
			t.Fatalf("GrafanaChecksum accepted a wrong checksum %q", bad)
		}
	}
	// Grafana writes the CRC32's bytes least significant first.
	if got := grafanaSum("glsa_"); len(got) != 8 {
		t.Fatalf("grafanaSum length %d", len(got))
	}
}

func TestAWSAccessKeyID(t *testing.T) {
	for s, want := range map[string]bool{
		"AKIABMNSXQE2TRQQCN6C": true,
		"ASIAV5CSS4IZ3ZLW242B": true,
		"AKIAIOSFODNN7EXAMPLE": false, // AWS's documented example
		"AKIAAAAAAAAAAAAAAAAA": false,
		"AKIABMNSXQE2TRQQCN61": false, // '1' is not base32
		"AKIABMNSXQE2TRQQCN6":  false,
		"XKIABMNSXQE2TRQQCN6C": false,
	} {
		if got := AWSAccessKeyID(s); got != want {
			t.Errorf("AWSAccessKeyID(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestDiscordBotToken(t *testing.T) {
	id := base64.RawURLEncoding.EncodeToString([]byte("1013456789012345678"))
	ts := base64.RawURLEncoding.EncodeToString([]byte{1, 2, 3, 4})
	sig := strings.Repeat("aB3-", 10)
	if !DiscordBotToken(id + "." + ts + "." + sig) {
		t.Fatal("valid token rejected")
	}
	notID := base64.RawURLEncoding.EncodeToString([]byte("Aladdin:open sesam"))
	for _, s := range []string{notID + "." + ts + "." + sig, id + "." + ts + ".short", id + "." + ts, "a.b.c"} {
		if DiscordBotToken(s) {
			t.Errorf("DiscordBotToken(%q) = true", s)
		}
	}
}

func TestSlackToken(t *testing.T) {
	for s, want := range map[string]bool{
		"xoxb-642482600667-1161671078921-lwW2ujjU1W0JcnamDvIjf7Rd": true,
		"xoxb-042482600667-1161671078921-lwW2ujjU1W0JcnamDvIjf7Rd": false, // ids have no leading zero
		"xoxb-111111111111-1161671078921-lwW2ujjU1W0JcnamDvIjf7Rd": false,
		"xoxb-642482600667-1161671078921-xxxxxxxxxxxxxxxxxxxxxxxx": false,
		"xoxb-your-bot-token": false,
	} {
		if got := SlackToken(s); got != want {
			t.Errorf("SlackToken(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestBasicAuth(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for s, want := range map[string]bool{
		enc("deploy:Xq7vLp2mKw9R"): true,
		enc("user:password"):       false,
		enc("Aladdin:open sesame"): false, // RFC 7617's example
		enc("nocolon"):             false,
		enc(":emptyuser"):          false,
		enc("ci:\x00\x01binary"):   false,
		"not base64!":              false,
	} {
		if got := BasicAuth(s); got != want {
			t.Errorf("BasicAuth(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestBase64Key32(t *testing.T) {
	k := base64.StdEncoding.EncodeToString([]byte("0123456789abcdefghijklmnopqrstuv"))
	if !Base64Key32(k) {
		t.Fatal("32-byte key rejected")
	}
	if Base64Key32(base64.StdEncoding.EncodeToString(make([]byte, 31))) || Base64Key32(strings.Repeat("A", 43)+"=") {
		t.Fatal("wrong length or a run of one character accepted")
	}
}

func TestEmbeddedJSON(t *testing.T) {
	j := base64.RawURLEncoding.EncodeToString([]byte(`{"a":"b","t":"c"}`))
	for s, want := range map[string]bool{
		"ops_" + j:                          true,
		j:                                   true,
		"glc_" + j:                          true,
		"ops_eyJ" + strings.Repeat("x", 20): false,
		"no json here":                      false,
	} {
		if got := EmbeddedJSON(s); got != want {
			t.Errorf("EmbeddedJSON(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestGenericSecret pins the generic detector's value check on what it must
// pass (random values) and what it must not (the hard negatives of the issue).
func TestGenericSecret(t *testing.T) {
	pass := []string{
		"l3R31xbFHkFB17Liiaho700OAk9dk7iO", "coPUUfdasq6xoPFV4wMJfDm0ugEleY-LvniGWamM", "qsXHvMaGuVha!SwBlez7",
		"4f9c2e81d7b3a0659e1f7c4d2b8a6e30f5c9d1a7", "iwpKpnu1Dl/oDg/p05k/PhkZ",
	}
	fail := []string{
		"123e4567-e89b-12d3-a456-426614174000", "sha512-4kOpTQYc9dBe3eEi0lXnQ1vR0rS2tU8wX7yZ5aB6cD4=",
		"h1:abcdefghijklmnopqrstuvwxyz012345", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5",
		"AAAAC3NzaC1lZDI1NTE5AAAAIHZ4Gpjg73", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", "process.env.STRIPE_KEY",
		"${API_TOKEN}", "$(cat /run/secrets/x)", "%API_KEY%", "{{ .Values.token }}", "models/tokenizer/config.json",
		"client-valid-token-1", "userAuthGSSAPITokenReq.Token", "MaxScanTokenSize", "NL80211_ATTR_SAE_PASSWORD",
		"your_api_key_here_12345", "xxxxxxxxxxxxxxxxxxxx", "********************", "0102030405060708090a0b0c0d0e0f10",
		"benchmarkMessagesMLDSA44", "ed25519.PrivateKey", "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
		"https://login.acme.io/oauth2/token", "cGFzc3dvcmQxMjM0NTY=", "1.24.0-rc.1",
	}
	for _, s := range pass {
		if !GenericSecret(s) {
			t.Errorf("GenericSecret(%q) = false, want true", s)
		}
	}
	for _, s := range fail {
		if GenericSecret(s) {
			t.Errorf("GenericSecret(%q) = true, want false", s)
		}
	}
	if GenericSecretText("4f9c2e81d7b3a0659e1f7c4d2b8a6e30f5c9d1a7") {
		t.Error("GenericSecretText accepted pure hex (left to generic-hex-secret)")
	}
}

func TestPassword(t *testing.T) {
	pass := []string{"kX9#vQ2mLp7!", "Tr0ub4dor&3xK", "h7Gk!2pQz9Lm", "qsXHvMaGuVha!SwBlez", "%FigwLL6OTSE2w75", "&f1O6Q9mhAU6kXcZ"}
	fail := []string{
		"changeme", "password123!", "P@ssw0rd123", "Passw0rd!", "hunter2", "********", "${DB_PASSWORD}", "%DB_PASSWORD%",
		"getpass.getpass(\"x\")", "self.password", "a.Package.Dir", "&password", "{{ vault_pw }}", "secret123", "12345678",
		"ghs_1_..", "pa%2Fssword", "Your_password123",
	}
	for _, s := range pass {
		if !Password(s) {
			t.Errorf("Password(%q) = false, want true", s)
		}
	}
	for _, s := range fail {
		if Password(s) {
			t.Errorf("Password(%q) = true, want false", s)
		}
	}
}
