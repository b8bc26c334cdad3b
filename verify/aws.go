package verify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"sort"
	"strings"
	"time"
)

var (
	awsKeyID     = lazyRE(`\b(?:AKIA|ASIA)[A-Z2-7]{16}\b`)
	awsSecretKey = lazyRE(`^[A-Za-z0-9/+]{40}$`)
)

// awsKeys signs STS GetCallerIdentity (which needs no permission and
// changes nothing) with each pairing of key id and secret key.
func awsKeys() *Verifier {
	return &Verifier{
		Name:             "aws",
		Rules:            []string{"aws-access-key-id", "aws-secret-access-key", "aws-credential-pair"},
		Hosts:            []string{"sts.amazonaws.com"},
		Companions:       []string{"aws-access-key-id", "aws-secret-access-key", "aws-credential-pair"},
		CompanionPattern: awsKeyID(), NeedsCompanion: true,
		Doc: "POST https://sts.amazonaws.com/ Action=GetCallerIdentity, signed with AWS Signature Version 4 (header Authorization carries the key id and a signature, never the secret key); the key id and secret key are paired from the same file or commit",
		Check: func(ctx context.Context, h *HTTP, in Input) Result {
			var ids, secrets []string
			if awsKeyID().MatchString(in.Secret) && len(in.Secret) == 20 {
				ids = []string{in.Secret}
			} else {
				secrets = []string{in.Secret}
			}
			for _, c := range in.Companions {
				switch {
				case len(c) == 20 && awsKeyID().MatchString(c):
					if len(ids) == 0 || ids[0] != in.Secret {
						ids = append(ids, c)
					}
				case awsSecretKey().MatchString(c) && len(secrets) == 0:
					secrets = append(secrets, c)
				case awsSecretKey().MatchString(c) && secrets[0] != in.Secret:
					secrets = append(secrets, c)
				}
			}
			if len(ids) == 0 || len(secrets) == 0 {
				return unknown("no matching key id and secret key in the same file or commit")
			}
			var last Result
			for _, id := range ids[:min(len(ids), 3)] {
				if strings.HasPrefix(id, "ASIA") {
					last = unknown("temporary credentials (ASIA…) need their session token: not checked")
					continue
				}
				for _, sk := range secrets[:min(len(secrets), 3)] {
					last = stsCallerIdentity(ctx, h, id, sk, time.Now())
					if last.Status == "live" {
						return last
					}
				}
			}
			return last
		},
	}
}

const stsBody = "Action=GetCallerIdentity&Version=2011-06-15"

func stsCallerIdentity(ctx context.Context, h *HTTP, keyID, secret string, now time.Time) Result {
	hd := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	sigv4(hd, sigv4Request{Method: "POST", Host: "sts.amazonaws.com", Path: "/", Body: []byte(stsBody),
		Region: "us-east-1", Service: "sts", KeyID: keyID, Secret: secret, Time: now})
	resp, err := h.Do(ctx, Request{Method: http.MethodPost, URL: "https://sts.amazonaws.com/", Header: hd, Body: []byte(stsBody)})
	if err != nil {
		return failed(err.Error())
	}
	var ok struct {
		Arn     string `xml:"GetCallerIdentityResult>Arn"`
		Account string `xml:"GetCallerIdentityResult>Account"`
	}
	var bad struct {
		Code string `xml:"Error>Code"`
	}
	switch {
	case resp.Status == 200 && xml.Unmarshal(resp.Body, &ok) == nil && ok.Arn != "":
		return live(ok.Arn, "GetCallerIdentity: account "+ok.Account)
	case resp.Status == 403 || resp.Status == 400:
		_ = xml.Unmarshal(resp.Body, &bad)
		switch bad.Code {
		case "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "AccessDenied", "UnrecognizedClientException":
			return invalid("GetCallerIdentity: " + bad.Code)
		}
		return failed("GetCallerIdentity: HTTP " + http.StatusText(resp.Status) + " " + bad.Code)
	}
	return statusError(resp)
}

// sigv4Request is what AWS Signature Version 4 signs.
type sigv4Request struct {
	Method, Host, Path, Query string // Query already canonical (sorted, encoded)
	Body                      []byte
	Region, Service           string
	KeyID, Secret             string
	Time                      time.Time
}

// sigv4 adds X-Amz-Date and Authorization to hd, signing every header in
// hd plus host and x-amz-date.
func sigv4(hd http.Header, r sigv4Request) {
	amzDate := r.Time.UTC().Format("20060102T150405Z")
	day := amzDate[:8]
	hd.Set("X-Amz-Date", amzDate)
	headers := map[string]string{"host": r.Host}
	for k, v := range hd {
		headers[strings.ToLower(k)] = strings.Join(strings.Fields(strings.Join(v, ",")), " ")
	}
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, n := range names {
		canonHeaders.WriteString(n + ":" + headers[n] + "\n")
	}
	signed := strings.Join(names, ";")
	bodyHash := sha256.Sum256(r.Body)
	canonical := strings.Join([]string{r.Method, r.Path, r.Query, canonHeaders.String(), signed, hex.EncodeToString(bodyHash[:])}, "\n")
	scope := day + "/" + r.Region + "/" + r.Service + "/aws4_request"
	ch := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(ch[:])
	k := hmacSHA256([]byte("AWS4"+r.Secret), day)
	k = hmacSHA256(k, r.Region)
	k = hmacSHA256(k, r.Service)
	k = hmacSHA256(k, "aws4_request")
	sig := hex.EncodeToString(hmacSHA256(k, toSign))
	hd.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+r.KeyID+"/"+scope+", SignedHeaders="+signed+", Signature="+sig)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
