package verify

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/verify/verifytest"
)

// fake returns a deterministic fake token body of n characters from alphabet.
func fake(seed string, n int, alphabet string) string {
	var b strings.Builder
	h := uint32(2166136261)
	for _, c := range seed {
		h = (h ^ uint32(c)) * 16777619
	}
	for i := 0; i < n; i++ {
		h = h*1103515245 + 12345
		b.WriteByte(alphabet[(h>>16)%uint32(len(alphabet))])
	}
	return b.String()
}

const (
	alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	hexd  = "0123456789abcdef"
	b32   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}
}

// vcase is one verifier's expected exchange.
type vcase struct {
	name     string
	rule     string
	secret   string
	peers    []finding.Finding // other findings in the same file
	match    string
	host     string // where the request must go
	method   string
	uri      string // path and query, exactly
	carries  func(s verifytest.Seen, secret string) bool
	live     http.HandlerFunc
	invalid  http.HandlerFunc
	identity string // expected on live ("" : not checked)
}

func inHeader(name, prefix string) func(verifytest.Seen, string) bool {
	return func(s verifytest.Seen, secret string) bool { return s.Header.Get(name) == prefix+secret }
}

func basicUser(user string) func(verifytest.Seen, string) bool {
	return func(s verifytest.Seen, secret string) bool {
		return s.Header.Get("Authorization") == "Basic "+base64.StdEncoding.EncodeToString([]byte(user+":"+secret))
	}
}

func basicPass(pass string) func(verifytest.Seen, string) bool {
	return func(s verifytest.Seen, secret string) bool {
		return s.Header.Get("Authorization") == "Basic "+base64.StdEncoding.EncodeToString([]byte(secret+":"+pass))
	}
}

func inPath(s verifytest.Seen, secret string) bool { return strings.Contains(s.URI, secret) }

func bearerOf(s verifytest.Seen, secret string) bool {
	return s.Header.Get("Authorization") == "Bearer "+secret
}

func peerFinding(rule, secret, match string) finding.Finding {
	return finding.Finding{RuleID: rule, Secret: secret, Match: match, File: "config/app.env"}
}

func testRSAKeyPEM(t *testing.T) string {
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func cases(t *testing.T) []vcase {
	awsID := "AKIA" + fake("aws", 16, b32)
	awsSecret := fake("awss", 40, alnum+"/+")
	twSID := "AC" + fake("tw", 32, hexd)
	gcpKey := testRSAKeyPEM(t)
	gcpMail := "deploy@my-proj-123.iam.gserviceaccount.com"
	grafana := "glc_" + base64.StdEncoding.EncodeToString([]byte(`{"o":"12345","n":"stack-read","k":"`+fake("gk", 24, alnum)+`","m":{"r":"prod-eu-west-2"}}`))
	return []vcase{
		{name: "github classic", rule: "github-pat", secret: "ghp_" + fake("gh", 36, alnum), host: "api.github.com", method: "GET", uri: "/user", carries: bearerOf,
			live: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-OAuth-Scopes", "repo, read:org")
				answer(200, `{"login":"octo"}`)(w, r)
			}, invalid: answer(401, `{"message":"Bad credentials"}`), identity: "octo"},
		{name: "github installation", rule: "github-app-installation-token", secret: "ghs_" + fake("ghs", 36, alnum), host: "api.github.com", method: "GET", uri: "/installation/repositories?per_page=1", carries: bearerOf,
			live: answer(200, `{"total_count":1}`), invalid: answer(401, `{}`)},
		{name: "gitlab", rule: "gitlab-pat", secret: "glpat-" + fake("gl", 20, alnum), host: "gitlab.com", method: "GET", uri: "/api/v4/personal_access_tokens/self", carries: inHeader("Private-Token", ""),
			live: answer(200, `{"name":"ci","scopes":["read_api"]}`), invalid: answer(401, `{}`), identity: "ci"},
		{name: "slack token", rule: "slack-bot-token", secret: "xoxb-1234567890-" + fake("sl", 40, alnum), host: "slack.com", method: "POST", uri: "/api/auth.test", carries: bearerOf,
			live: answer(200, `{"ok":true,"user":"bot","team":"acme"}`), invalid: answer(200, `{"ok":false,"error":"invalid_auth"}`), identity: "bot @ acme"},
		{name: "slack webhook", rule: "slack-webhook-url", secret: "https://hooks.slack.com/services/T" + fake("t", 10, "ABCDEFGHJK0123") + "/B" + fake("b", 10, "ABCDEFGHJK0123") + "/" + fake("x", 24, alnum),
			host: "hooks.slack.com", method: "POST", carries: func(s verifytest.Seen, secret string) bool {
				return "https://hooks.slack.com"+s.URI == secret && s.Body == "{}"
			},
			live: answer(400, "no_text"), invalid: answer(404, "no_service")},
		{name: "discord webhook", rule: "discord-webhook-url", secret: "https://discord.com/api/webhooks/123456789012345678/" + fake("d", 68, alnum+"_-"),
			host: "discord.com", method: "GET", carries: func(s verifytest.Seen, secret string) bool { return "https://discord.com"+s.URI == secret },
			live: answer(200, `{"name":"alerts"}`), invalid: answer(401, `{"code":50027}`), identity: "alerts"},
		{name: "stripe", rule: "stripe-secret-key", secret: "sk_live_" + fake("st", 24, alnum), host: "api.stripe.com", method: "GET", uri: "/v1/balance", carries: basicPass(""),
			live: answer(200, `{"livemode":true}`), invalid: answer(401, `{}`)},
		{name: "openai", rule: "openai-project-key", secret: "sk-proj-" + fake("oa", 48, alnum), host: "api.openai.com", method: "GET", uri: "/v1/models", carries: bearerOf,
			live: answer(200, `{"data":[]}`), invalid: answer(401, `{}`)},
		{name: "anthropic", rule: "anthropic-api-key", secret: "sk-ant-api03-" + fake("an", 93, alnum) + "AA", host: "api.anthropic.com", method: "GET", uri: "/v1/models", carries: inHeader("X-Api-Key", ""),
			live: answer(200, `{"data":[]}`), invalid: answer(401, `{}`)},
		{name: "aws pair", rule: "aws-secret-access-key", secret: awsSecret, peers: []finding.Finding{peerFinding("aws-access-key-id", awsID, awsID)},
			host: "sts.amazonaws.com", method: "POST", uri: "/",
			carries: func(s verifytest.Seen, secret string) bool {
				return strings.Contains(s.Header.Get("Authorization"), "Credential="+awsID+"/") && s.Body == stsBody && !strings.Contains(s.Header.Get("Authorization"), secret)
			},
			live:    answer(200, `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ci</Arn><Account>123456789012</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`),
			invalid: answer(403, `<ErrorResponse><Error><Code>InvalidClientTokenId</Code></Error></ErrorResponse>`), identity: "arn:aws:iam::123456789012:user/ci"},
		{name: "google api key", rule: "google-api-key", secret: "AIza" + fake("gk", 35, alnum+"_-"), host: "generativelanguage.googleapis.com", method: "GET", uri: "/v1beta/models?pageSize=1", carries: inHeader("X-Goog-Api-Key", ""),
			live: answer(200, `{"models":[]}`), invalid: answer(400, `{"error":{"status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}`)},
		{name: "gcp service account", rule: "gcp-service-account-key", secret: fake("kid", 40, hexd),
			peers: []finding.Finding{peerFinding("private-key-pkcs8", gcpKey, gcpKey), peerFinding("generic-secret", "x", `"client_email": "`+gcpMail+`"`)},
			host:  "oauth2.googleapis.com", method: "POST", uri: "/token",
			carries: func(s verifytest.Seen, secret string) bool {
				return strings.Contains(s.Body, "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer") && !strings.Contains(s.Body, "PRIVATE")
			},
			live: answer(200, `{"access_token":"ya29.x"}`), invalid: answer(400, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`), identity: gcpMail},
		{name: "sendgrid", rule: "sendgrid-api-key", secret: "SG." + fake("sg", 22, alnum) + "." + fake("sg2", 43, alnum), host: "api.sendgrid.com", method: "GET", uri: "/v3/scopes", carries: bearerOf,
			live: answer(200, `{"scopes":["mail.send"]}`), invalid: answer(401, `{}`)},
		{name: "twilio", rule: "twilio-account-auth-pair", secret: fake("twt", 32, hexd), match: twSID + ":" + fake("twt", 32, hexd), host: "api.twilio.com", method: "GET", uri: "/2010-04-01/Accounts/" + twSID + ".json", carries: basicUser(twSID),
			live: answer(200, `{"friendly_name":"prod"}`), invalid: answer(401, `{}`), identity: "prod"},
		{name: "mailgun", rule: "mailgun-api-key", secret: "key-" + fake("mg", 32, hexd), host: "api.mailgun.net", method: "GET", uri: "/v3/domains?limit=1", carries: basicUser("api"),
			live: answer(200, `{"items":[]}`), invalid: nil},
		{name: "mailchimp", rule: "mailchimp-api-key", secret: fake("mc", 32, hexd) + "-us21", host: "us21.api.mailchimp.com", method: "GET", uri: "/3.0/", carries: basicUser("keyhound"),
			live: answer(200, `{"account_name":"Shop"}`), invalid: answer(401, `{}`), identity: "Shop"},
		{name: "npm", rule: "npm-access-token", secret: "npm_" + fake("npm", 36, alnum), host: "registry.npmjs.org", method: "GET", uri: "/-/whoami", carries: bearerOf,
			live: answer(200, `{"username":"pub"}`), invalid: answer(401, `{}`), identity: "pub"},
		{name: "docker hub", rule: "docker-hub-token", secret: "dckr_pat_" + fake("dk", 27, alnum), peers: []finding.Finding{peerFinding("generic-secret", "x", "DOCKERHUB_USERNAME=builder")},
			host: "auth.docker.io", method: "GET", uri: "/token?service=registry.docker.io", carries: basicUser("builder"),
			live: answer(200, `{"token":"t"}`), invalid: answer(401, `{}`), identity: "builder"},
		{name: "huggingface", rule: "huggingface-token", secret: "hf_" + fake("hf", 34, alnum), host: "huggingface.co", method: "GET", uri: "/api/whoami-v2", carries: bearerOf,
			live: answer(200, `{"name":"me"}`), invalid: answer(401, `{}`), identity: "me"},
		{name: "digitalocean", rule: "digitalocean-token", secret: "dop_v1_" + fake("do", 64, hexd), host: "api.digitalocean.com", method: "GET", uri: "/v2/account", carries: bearerOf,
			live: answer(200, `{"account":{"email":"ops@example.com"}}`), invalid: answer(401, `{}`), identity: "ops@example.com"},
		{name: "datadog", rule: "datadog-api-key", secret: fake("dd", 32, hexd), host: "api.datadoghq.com", method: "GET", uri: "/api/v1/validate", carries: inHeader("Dd-Api-Key", ""),
			live: answer(200, `{"valid":true}`), invalid: nil},
		{name: "shopify", rule: "shopify-token", secret: "shpat_" + fake("sh", 32, hexd), peers: []finding.Finding{peerFinding("generic-secret", "x", "SHOP=acme-store.myshopify.com")},
			host: "acme-store.myshopify.com", method: "GET", uri: "/admin/oauth/access_scopes.json", carries: inHeader("X-Shopify-Access-Token", ""),
			live: answer(200, `{"access_scopes":[{"handle":"read_orders"}]}`), invalid: answer(401, `{}`), identity: "acme-store.myshopify.com"},
		{name: "telegram", rule: "telegram-bot-token", secret: "123456789:AA" + fake("tg", 33, alnum), host: "api.telegram.org", method: "GET", carries: inPath,
			live: answer(200, `{"ok":true,"result":{"username":"my_bot"}}`), invalid: answer(401, `{"ok":false}`), identity: "my_bot"},
		{name: "heroku", rule: "heroku-api-key", secret: "HRKU-AA" + fake("hk", 58, alnum), host: "api.heroku.com", method: "GET", uri: "/account", carries: bearerOf,
			live: answer(200, `{"email":"dev@example.com"}`), invalid: answer(401, `{}`), identity: "dev@example.com"},
		{name: "linear", rule: "linear-api-key", secret: "lin_api_" + fake("ln", 40, alnum), host: "api.linear.app", method: "POST", uri: "/graphql", carries: inHeader("Authorization", ""),
			live: answer(200, `{"data":{"viewer":{"id":"u1","email":"pm@example.com"}}}`), invalid: answer(400, `{"errors":[{"message":"Authentication required"}]}`), identity: "pm@example.com"},
		{name: "postman", rule: "postman-api-key", secret: "PMAK-" + fake("pm", 24, hexd) + "-" + fake("pm2", 34, hexd), host: "api.getpostman.com", method: "GET", uri: "/me", carries: inHeader("X-Api-Key", ""),
			live: answer(200, `{"user":{"username":"qa"}}`), invalid: answer(401, `{}`), identity: "qa"},
		{name: "sentry", rule: "sentry-auth-token", secret: "sntryu_" + fake("se", 64, hexd), host: "sentry.io", method: "GET", uri: "/api/0/organizations/", carries: bearerOf,
			live: answer(200, `[{"slug":"acme"}]`), invalid: answer(401, `{}`), identity: "acme"},
		{name: "new relic", rule: "new-relic-user-key", secret: "NRAK-" + fake("nr", 27, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), host: "api.newrelic.com", method: "POST", uri: "/graphql", carries: inHeader("Api-Key", ""),
			live: answer(200, `{"data":{"actor":{"user":{"email":"sre@example.com"}}}}`), invalid: nil, identity: "sre@example.com"},
		{name: "grafana cloud", rule: "grafana-cloud-token", secret: grafana, host: "grafana.com", method: "GET", uri: "/api/v1/accesspolicies?region=prod-eu-west-2&pageSize=1", carries: bearerOf,
			live: answer(200, `{"items":[]}`), invalid: answer(401, `{}`)},
		{name: "atlassian", rule: "atlassian-api-token", secret: "ATATT3xFfGF0" + fake("at", 180, alnum), peers: []finding.Finding{peerFinding("generic-secret", "x", "JIRA_URL=https://acme.atlassian.net JIRA_USER=dev@acme.example")},
			host: "acme.atlassian.net", method: "GET", uri: "/rest/api/3/myself", carries: basicUser("dev@acme.example"),
			live: answer(200, `{"emailAddress":"dev@acme.example"}`), invalid: answer(401, `{}`), identity: "dev@acme.example"},
		{name: "doppler", rule: "doppler-token", secret: "dp.pt." + fake("dp", 43, alnum), host: "api.doppler.com", method: "GET", uri: "/v3/me", carries: bearerOf,
			live: answer(200, `{"name":"ci"}`), invalid: answer(401, `{}`), identity: "ci"},
		{name: "groq", rule: "groq-api-key", secret: "gsk_" + fake("gq", 52, alnum), host: "api.groq.com", method: "GET", uri: "/openai/v1/models", carries: bearerOf,
			live: answer(200, `{"data":[]}`), invalid: answer(401, `{}`)},
		{name: "replicate", rule: "replicate-api-token", secret: "r8_" + fake("r8", 37, alnum), host: "api.replicate.com", method: "GET", uri: "/v1/account", carries: bearerOf,
			live: answer(200, `{"username":"ml"}`), invalid: answer(401, `{}`), identity: "ml"},
		{name: "perplexity", rule: "perplexity-api-key", secret: "pplx-" + fake("px", 48, alnum), host: "api.perplexity.ai", method: "GET", uri: "/router/v1/models", carries: bearerOf,
			live: answer(200, `{"data":[]}`), invalid: answer(401, `{}`)},
		{name: "airtable", rule: "airtable-pat", secret: "pat" + fake("ai", 14, alnum) + "." + fake("ai2", 64, hexd), host: "api.airtable.com", method: "GET", uri: "/v0/meta/whoami", carries: bearerOf,
			live: answer(200, `{"id":"usr1","scopes":["data.records:read"]}`), invalid: answer(401, `{}`), identity: "usr1"},
		{name: "supabase", rule: "supabase-access-token", secret: "sbp_" + fake("sb", 40, hexd), host: "api.supabase.com", method: "GET", uri: "/v1/projects", carries: bearerOf,
			live: answer(200, `[]`), invalid: answer(401, `{}`)},
		{name: "planetscale", rule: "planetscale-token", secret: "pscale_oauth_" + fake("ps", 43, alnum), host: "api.planetscale.com", method: "GET", uri: "/v1/organizations", carries: bearerOf,
			live: answer(200, `{"data":[{"name":"acme"}]}`), invalid: answer(401, `{}`), identity: "acme"},
		{name: "fly", rule: "fly-io-token", secret: "FlyV1 fm2_" + fake("fly", 120, alnum), host: "api.machines.dev", method: "GET", uri: "/v1/apps?org_slug=personal", carries: inHeader("Authorization", ""),
			live: answer(200, `{"apps":[]}`), invalid: answer(401, `{}`)},
		{name: "netlify", rule: "netlify-token", secret: "nfp_" + fake("nf", 36, alnum), host: "api.netlify.com", method: "GET", uri: "/api/v1/user", carries: bearerOf,
			live: answer(200, `{"email":"web@example.com"}`), invalid: answer(401, `{}`), identity: "web@example.com"},
		{name: "vercel", rule: "vercel-token", secret: "vcp_" + fake("vc", 56, alnum), host: "api.vercel.com", method: "GET", uri: "/v2/user", carries: bearerOf,
			live: answer(200, `{"user":{"username":"fe"}}`), invalid: answer(403, `{"error":{"code":"forbidden","invalidToken":true}}`), identity: "fe"},
		{name: "cloudflare", rule: "cloudflare-api-token", secret: fake("cf", 40, alnum+"_-"), host: "api.cloudflare.com", method: "GET", uri: "/client/v4/user/tokens/verify", carries: bearerOf,
			live: answer(200, `{"result":{"id":"tok1","status":"active"}}`), invalid: answer(401, `{"success":false}`), identity: "tok1"},
	}
}

func testClient(s *verifytest.Server, timeout time.Duration) *Client {
	return NewClient(ClientOptions{Transport: s.Transport(), Timeout: timeout, Attempts: 2, Backoff: time.Millisecond})
}

// checkOne runs one finding (with its peers) through a Stage and returns the outcome.
func checkOne(t *testing.T, c *Client, reg *Registry, f finding.Finding, peers []finding.Finding) finding.Verification {
	t.Helper()
	st := NewStage(context.Background(), Options{Registry: reg, Client: c, Now: func() time.Time { return time.Unix(1700000000, 0) }})
	for _, p := range peers {
		st.Check(p, func(finding.Verification) {})
	}
	var got finding.Verification
	st.Check(f, func(v finding.Verification) { got = v })
	st.Close()
	return got
}

// TestVerifiers runs every verifier against a TLS stand-in answering as
// the provider: live, invalid and error answers, the request going to the
// provider's own URL with the secret where the provider expects it, and
// no outcome field carrying the secret.
func TestVerifiers(t *testing.T) {
	ca := verifytest.NewCA(t)
	srv := verifytest.NewServer(t, ca)
	reg := Default()
	c := testClient(srv, 5*time.Second)
	covered := map[string]bool{}
	for _, tc := range append(cases(t), moreCases()...) {
		t.Run(tc.name, func(t *testing.T) {
			v := reg.For(tc.rule)
			if v == nil {
				t.Fatalf("no verifier for %s", tc.rule)
			}
			covered[v.Name] = true
			match := tc.match
			if match == "" {
				match = "KEY=" + tc.secret
			}
			f := finding.Finding{RuleID: tc.rule, Secret: tc.secret, Match: match, File: "config/app.env"}
			for _, step := range []struct {
				name string
				h    http.HandlerFunc
				want string
			}{
				{"live", tc.live, finding.StatusLive},
				{"invalid", tc.invalid, finding.StatusInvalid},
				{"error", answer(503, `{"error":"maintenance `+tc.secret+`"}`), finding.StatusError},
			} {
				if step.h == nil {
					if step.want != finding.StatusInvalid {
						t.Fatal("no handler")
					}
					step.h = answer(401, `{}`) // tried on every host of the verifier
				}
				before := len(srv.Seen())
				for _, h := range v.Hosts {
					srv.Handle(strings.Replace(h, "*", strings.SplitN(tc.host, ".", 2)[0], 1), step.h)
				}
				got := checkOne(t, c, reg, f, tc.peers)
				if got.Status != step.want {
					t.Errorf("%s: status %q (%s), want %q", step.name, got.Status, got.Detail, step.want)
				}
				if step.want == finding.StatusLive && tc.identity != "" && got.Identity != tc.identity {
					t.Errorf("%s: identity %q, want %q", step.name, got.Identity, tc.identity)
				}
				if got.CheckedAt != "2023-11-14T22:13:20Z" {
					t.Errorf("%s: checked_at %q", step.name, got.CheckedAt)
				}
				for _, s := range append([]string{got.Detail, got.Identity}, got.Scopes...) {
					if strings.Contains(s, tc.secret) {
						t.Errorf("%s: outcome carries the secret: %q", step.name, s)
					}
				}
				seen := srv.Seen()[before:]
				if len(seen) == 0 {
					t.Fatalf("%s: no request reached the stand-in", step.name)
				}
				first := seen[0]
				if first.Host != tc.host || first.SNI != tc.host || first.Method != tc.method || (tc.uri != "" && first.URI != tc.uri) {
					t.Errorf("%s: request %s https://%s%s (SNI %s), want %s https://%s%s", step.name, first.Method, first.Host, first.URI, first.SNI, tc.method, tc.host, tc.uri)
				}
				if !tc.carries(first, tc.secret) {
					t.Errorf("%s: the request does not carry the secret as the provider expects: %v %s", step.name, first.Header, first.URI)
				}
				for _, s := range seen {
					if !hostAllowed(s.Host, v.Hosts) {
						t.Errorf("%s: request to %s, not one of %v", step.name, s.Host, v.Hosts)
					}
				}
			}
		})
	}
	for _, v := range reg.Verifiers() {
		if !covered[v.Name] {
			t.Errorf("verifier %s has no test case", v.Name)
		}
	}
	if n := len(reg.Verifiers()); n < 40 {
		t.Errorf("%d verifiers, want at least 40", n)
	}
}
