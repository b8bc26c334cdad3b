package verify

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"strings"
	"time"
)

var gcpEmail = lazyRE(`\b[a-z0-9-]+@[a-z0-9-]+\.iam\.gserviceaccount\.com\b`)

// gcpServiceAccount exchanges a JWT signed with the service account's key
// for an access token at Google's token endpoint (the documented way to use
// a key; it creates nothing that outlives the hour). It needs the private
// key and the client e-mail from the same file or commit.
func gcpServiceAccount() *Verifier {
	return &Verifier{
		Name: "gcp-service-account", Rules: []string{"gcp-service-account-key"}, Hosts: []string{"oauth2.googleapis.com"},
		Companions:       []string{"private-key-pkcs8", "private-key-rsa", "private-key-generic-pem"},
		CompanionPattern: gcpEmail(), NeedsCompanion: true,
		Doc: "POST https://oauth2.googleapis.com/token grant_type=jwt-bearer with a JWT signed by the key (the key itself is never sent); the key and client_email are paired from the same file or commit",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			var keys []*rsa.PrivateKey
			var emails []string
			for _, c := range in.Companions {
				if gcpEmail().MatchString(c) && !strings.Contains(c, "BEGIN") {
					emails = append(emails, c)
				} else if k := parseRSAKey(c); k != nil {
					keys = append(keys, k)
				}
			}
			if len(keys) == 0 || len(emails) == 0 {
				return unknown("needs the private key and client_email (…iam.gserviceaccount.com) in the same file or commit")
			}
			var last Result
			for _, k := range keys[:min(2, len(keys))] {
				for _, e := range emails[:min(2, len(emails))] {
					last = gcpExchange(ctx, h, k, in.Secret, e, time.Now())
					if last.Status == "live" {
						return last
					}
				}
			}
			return last
		},
	}
}

// parseRSAKey reads a PEM private key, also as written inside JSON (with \n escapes).
func parseRSAKey(s string) *rsa.PrivateKey {
	s = strings.ReplaceAll(s, `\n`, "\n")
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil
	}
	if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
		rk, _ := k.(*rsa.PrivateKey)
		return rk
	}
	if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
		return k
	}
	return nil
}

func gcpExchange(ctx context.Context, h *HTTP, key *rsa.PrivateKey, keyID, email string, now time.Time) Result {
	enc := base64.RawURLEncoding
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": keyID})
	claims, _ := json.Marshal(map[string]any{
		"iss": email, "aud": "https://oauth2.googleapis.com/token",
		"scope": "https://www.googleapis.com/auth/cloud-platform.read-only",
		"iat":   now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
	})
	signing := enc.EncodeToString(hdr) + "." + enc.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return failed("cannot sign with the key")
	}
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {signing + "." + enc.EncodeToString(sig)}}
	resp, err := h.Do(ctx, Request{Method: http.MethodPost, URL: "https://oauth2.googleapis.com/token",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte(form.Encode())})
	if err != nil {
		return failed(err.Error())
	}
	doc := decode(resp.Body)
	switch {
	case resp.Status == 200 && jsonString(doc, "access_token") != "":
		return live(email, "token exchange accepted")
	case resp.Status == 400 || resp.Status == 401:
		return invalid("token endpoint: " + jsonString(doc, "error") + ": " + jsonString(doc, "error_description"))
	}
	return statusError(resp)
}
