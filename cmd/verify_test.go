package cmd

import (
	"crypto"
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/verify"
	"github.com/keyhound/keyhound/verify/verifytest"
)

// Fakes in the providers' formats; none is a real credential.
const (
	e2eStripe   = "sk_live_4eC39HqLyjWDarjtT1zdp7dc9q"
	e2eHF       = "hf_kT4nRbQpLzWvXyJmCdEfGhAsUiOpLkMnBv"
	e2eSendgrid = "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"
	e2eAWSID    = "AKIAWZA2VQ3IJZFYLXLQ"
	e2eAWSKey   = "neE5f6i/A8VLRj+eV5jpa1K49ktLeO6qlIInR2ou"
	e2eSlack    = "https://hooks.slack.com/services/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"
	e2ePostgres = "Xy7pQ2vL9sK3zz"
)

// e2eProviders answers as the providers: the Stripe key and the AWS pair
// are live, the Hugging Face token and the Slack webhook invalid, and
// SendGrid never answers (the request times out).
func e2eProviders(t *testing.T) (*verifytest.Server, *verifytest.Proxy, string) {
	ca := verifytest.NewCA(t)
	srv := verifytest.NewServer(t, ca)
	proxy := verifytest.NewProxy(t, srv)
	srv.Handle("api.stripe.com", func(w http.ResponseWriter, r *http.Request) {
		if u, _, ok := r.BasicAuth(); ok && u == e2eStripe && r.URL.Path == "/v1/balance" {
			io.WriteString(w, `{"object":"balance"}`)
			return
		}
		w.WriteHeader(401)
	})
	srv.Handle("huggingface.co", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) })
	// SendGrid answers nothing until the test ends (returning when the
	// request's context ends let a 200 through once in a few hundred runs).
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	srv.Handle("api.sendgrid.com", func(w http.ResponseWriter, r *http.Request) { <-hang })
	srv.Handle("sts.amazonaws.com", func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Authorization"), "Credential="+e2eAWSID+"/") {
			io.WriteString(w, `<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::210987654321:user/deploy</Arn><Account>210987654321</Account></GetCallerIdentityResult></GetCallerIdentityResponse>`)
			return
		}
		w.WriteHeader(403)
	})
	srv.Handle("hooks.slack.com", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(404)
		io.WriteString(w, "no_service")
	})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, proxy, caFile
}

// TestVerifyEndToEnd runs the built binary with --verify through an HTTPS
// proxy (HTTPS_PROXY) to stand-ins whose certificates come from a test CA
// (SSL_CERT_FILE): each secret gets its provider's verdict, reaches no
// other host, and the webhook with min_status = "live" gets only live keys.
func TestVerifyEndToEnd(t *testing.T) {
	bin := keyhoundBinary(t)
	srv, proxy, caFile := e2eProviders(t)

	var hookMu sync.Mutex
	var delivered []finding.Finding
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p struct{ Finding finding.Finding }
		json.NewDecoder(r.Body).Decode(&p)
		hookMu.Lock()
		delivered = append(delivered, p.Finding)
		hookMu.Unlock()
	}))
	defer hook.Close()

	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "deploy/.env"), "STRIPE_KEY="+e2eStripe+"\nHF_TOKEN="+e2eHF+"\nSENDGRID_API_KEY="+e2eSendgrid+
		"\n[default]\naws_access_key_id = "+e2eAWSID+"\naws_secret_access_key = "+e2eAWSKey+
		"\nSLACK="+e2eSlack+"\nDATABASE_URL=postgres://app:"+e2ePostgres+"@db.internal/app\n")
	cfg := filepath.Join(t.TempDir(), "keyhound.toml")
	writeFile(t, cfg, "[extend]\nuse_default = true\n\n[[webhooks]]\nurl = \""+hook.URL+"/revoke\"\nmin_status = \"live\"\ninclude_secret = true\n")
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "HTTPS_PROXY=" + proxy.URL, "https_proxy=" + proxy.URL,
		"NO_PROXY=", "no_proxy=", "HTTP_PROXY=", "http_proxy=", "SSL_CERT_FILE=" + caFile, "SSL_CERT_DIR=" + t.TempDir()}

	scan := func(extra ...string) (map[string]finding.Verification, string, int) {
		t.Helper()
		out := filepath.Join(t.TempDir(), "report.json")
		c := exec.Command(bin, append([]string{"dir", dir, "-c", cfg, "-f", "json", "-o", out, "--no-progress"}, extra...)...)
		c.Env = env
		var stderr strings.Builder
		c.Stderr = &stderr
		err := c.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("no report: %v\n%s", err, stderr.String())
		}
		var rep struct{ Findings []finding.Finding }
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"verification": {`) && !strings.Contains(string(b), `"verification":{`) {
			t.Errorf("the JSON report has no verification objects")
		}
		got := map[string]finding.Verification{}
		for _, f := range rep.Findings {
			got[f.Secret] = f.Verification
		}
		return got, stderr.String(), code
	}

	// Without --verify: no connection, every status unknown.
	got, _, code := scan()
	if code != 1 || len(got) != 7 {
		t.Fatalf("without --verify: exit %d, %d findings", code, len(got))
	}
	for s, v := range got {
		if v.State() != finding.StatusUnknown {
			t.Errorf("without --verify, %s: %+v", s[:6], v)
		}
	}
	if n := len(proxy.Targets()); n != 0 {
		t.Fatalf("without --verify, %d connections went out", n)
	}

	got, stderr, code := scan("--verify", "--verify-timeout", "300ms")
	want := map[string]string{
		e2eStripe: finding.StatusLive, e2eAWSID: finding.StatusLive, e2eAWSKey: finding.StatusLive,
		e2eHF: finding.StatusInvalid, e2eSlack: finding.StatusInvalid,
		e2eSendgrid: finding.StatusError, e2ePostgres: finding.StatusUnknown,
	}
	if code != 1 {
		t.Errorf("exit %d, want 1\n%s", code, stderr)
	}
	for s, w := range want {
		v := got[s]
		if v.State() != w {
			t.Errorf("%s…: status %q (%s), want %q", s[:8], v.State(), v.Detail, w)
		}
		if w != finding.StatusUnknown && v.CheckedAt == "" {
			t.Errorf("%s…: no checked_at", s[:8])
		}
	}
	if id := got[e2eAWSKey].Identity; id != "arn:aws:iam::210987654321:user/deploy" {
		t.Errorf("AWS identity %q", id)
	}
	if d := got[e2eSendgrid].Detail; !strings.Contains(d, "timeout") || !strings.Contains(d, "api.sendgrid.com") {
		t.Errorf("SendGrid detail %q, want a timeout naming the host", d)
	}
	if !strings.Contains(stderr, "verified: 3 live, 2 invalid, 1 error, 1 unknown") {
		t.Errorf("summary does not count the outcomes:\n%s", stderr)
	}
	for s := range want {
		if strings.Contains(stderr, s) {
			t.Errorf("stderr carries a secret (%s…)", s[:8])
		}
	}

	// Every connection went to a provider host, and each secret only to its own.
	hosts := map[string]string{e2eStripe: "api.stripe.com", e2eHF: "huggingface.co", e2eSendgrid: "api.sendgrid.com",
		e2eAWSID: "sts.amazonaws.com", e2eSlack: "hooks.slack.com", e2eAWSKey: "", e2ePostgres: ""}
	for _, target := range proxy.Targets() {
		h, _, _ := strings.Cut(target, ":")
		if !slices.Contains([]string{"api.stripe.com", "huggingface.co", "api.sendgrid.com", "sts.amazonaws.com", "hooks.slack.com"}, h) || !strings.HasSuffix(target, ":443") {
			t.Errorf("CONNECT to %s", target)
		}
	}
	seen := srv.Seen()
	for secret, host := range hosts {
		probe := secret
		if secret == e2eSlack {
			probe = secret[len("https://hooks.slack.com"):]
		}
		reached := false
		for _, s := range seen {
			raw := s.URI + "\n" + s.Body + "\n" + headerText(s.Header)
			if strings.Contains(raw, probe) || (secret == e2eStripe && strings.Contains(raw, basicOf(secret, ""))) {
				reached = true
				if s.Host != host {
					t.Errorf("secret %s… reached %s (its provider: %q)", secret[:8], s.Host, host)
				}
			}
		}
		if host != "" && !reached {
			t.Errorf("secret %s… never reached %s", secret[:8], host)
		}
	}

	hookMu.Lock()
	var hooked []string
	for _, f := range delivered {
		if f.Verification.Status != finding.StatusLive {
			t.Errorf("webhook with min_status = live got a %q finding", f.Verification.Status)
		}
		hooked = append(hooked, f.Secret)
	}
	hookMu.Unlock()
	slices.Sort(hooked)
	if wantHooked := []string{e2eAWSID, e2eAWSKey, e2eStripe}; !slices.Equal(hooked, wantHooked) {
		t.Errorf("webhook got %d findings, want the 3 live ones", len(hooked))
	}

	// --only-verified reports the live keys only.
	got, _, code = scan("--only-verified", "--verify-timeout", "300ms")
	if code != 1 || len(got) != 3 || got[e2eStripe].Status != finding.StatusLive {
		t.Errorf("--only-verified: exit %d, %d findings", code, len(got))
	}
}

func headerText(h http.Header) string {
	var b strings.Builder
	for k, vs := range h {
		b.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
	}
	return b.String()
}

func basicOf(user, pass string) string {
	r, _ := http.NewRequest("GET", "https://x/", nil)
	r.SetBasicAuth(user, pass)
	return r.Header.Get("Authorization")
}

// TestVerifiersServeExistingRules: every rule a verifier names is a
// built-in rule, and rules list says which rules have one.
func TestVerifiersServeExistingRules(t *testing.T) {
	var out, errb strings.Builder
	rules, err := os.ReadFile("../rules.toml")
	if err != nil {
		t.Fatal(err)
	}
	code := Main(Env{DefaultRules: rules, Version: "test", Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }}, []string{"rules", "list", "--json"})
	if code != 0 {
		t.Fatalf("rules list --json: exit %d %s", code, errb.String())
	}
	var list []struct {
		ID       string `json:"id"`
		Verifier string `json:"verifier"`
	}
	if err := json.Unmarshal([]byte(out.String()), &list); err != nil {
		t.Fatal(err)
	}
	byID := map[string]string{}
	for _, r := range list {
		byID[r.ID] = r.Verifier
	}
	for _, v := range verify.Default().Verifiers() {
		for _, id := range v.Rules {
			if got, ok := byID[id]; !ok {
				t.Errorf("verifier %s names rule %s, which is not a built-in rule", v.Name, id)
			} else if got != v.Name {
				t.Errorf("rules list --json: %s has verifier %q, want %q", id, got, v.Name)
			}
		}
	}
	if byID["generic-password"] != "" {
		t.Errorf("generic-password listed with a verifier")
	}
}

// TestVerifyFlagErrors: bad verification flags and webhook min_status exit 2 naming the flag or field.
func TestVerifyFlagErrors(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "hooks.toml")
	writeFile(t, cfg, "[extend]\nuse_default = true\n\n[[webhooks]]\nurl = \"https://revoke.example/hook\"\nmin_status = \"verified\"\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"stdin", "--verify", "--verify-workers", "0"}, "--verify-workers 0"},
		{[]string{"stdin", "--only-verified", "--verify-timeout", "0s"}, "--verify-timeout"},
		{[]string{"stdin", "-c", cfg}, "min_status"},
	} {
		r := run(t, "", tc.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming %s", tc.args, r.code, r.stderr, tc.want)
		}
	}
}

// TestVerifyCompanionsFromFile: values a check needs that are not findings
// themselves (a service account's client_email, a Twilio account SID on
// another line) are taken from the finding's file; the GCP key signs a JWT
// that the stand-in verifies with the public key, and the key never leaves.
func TestVerifyCompanionsFromFile(t *testing.T) {
	bin := keyhoundBinary(t)
	ca := verifytest.NewCA(t)
	srv := verifytest.NewServer(t, ca)
	proxy := verifytest.NewProxy(t, srv)
	key, err := rsa.GenerateKey(crand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	const email = "ci@demo-proj.iam.gserviceaccount.com"
	const keyID = "3f1c0a9e5b7d2c4e6f8a0b1c2d3e4f5061728394"
	const sid, authToken = "AC3e9d1f0b7a2c4d6e8f0a1b2c3d4e5f60", "9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a"
	srv.Handle("oauth2.googleapis.com", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		parts := strings.Split(r.PostForm.Get("assertion"), ".")
		if len(parts) == 3 {
			claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
			sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
			sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
			if rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, sum[:], sig) == nil && strings.Contains(string(claims), `"iss":"`+email+`"`) {
				io.WriteString(w, `{"access_token":"ya29.stand-in","expires_in":3599}`)
				return
			}
		}
		w.WriteHeader(400)
		io.WriteString(w, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`)
	})
	srv.Handle("api.twilio.com", func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); ok && u == sid && p == authToken && r.URL.Path == "/2010-04-01/Accounts/"+sid+".json" {
			io.WriteString(w, `{"friendly_name":"Acme production"}`)
			return
		}
		w.WriteHeader(401)
	})
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	writeFile(t, caFile, string(ca.PEM()))
	keyJSON, _ := json.Marshal(pemKey)
	files := map[string]string{
		"sa.json": "{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo-proj\",\n  \"private_key_id\": \"" + keyID +
			"\",\n  \"private_key\": " + string(keyJSON) + ",\n  \"client_email\": \"" + email + "\",\n  \"token_uri\": \"https://oauth2.googleapis.com/token\"\n}\n",
		"twilio.env": "TWILIO_ACCOUNT_SID=" + sid + "\n\nTWILIO_AUTH_TOKEN=" + authToken + "\n",
	}
	dir := t.TempDir()
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
	}
	// The same files committed to a repository, then deleted: in git mode
	// the file text comes from the blob at the finding's commit.
	repo := newCLIRepo(t)
	for name, content := range files {
		writeFile(t, filepath.Join(repo.dir, name), content)
	}
	repo.git("add", ".")
	repo.git("commit", "-q", "-m", "credentials")
	repo.git("rm", "-q", "sa.json", "twilio.env")
	repo.git("commit", "-q", "-m", "remove credentials")

	cache := t.TempDir()
	var requests []int
	for _, args := range [][]string{{"dir", dir}, {"git", repo.dir}, {"dir", dir, "--cache-dir", cache}, {"dir", dir, "--cache-dir", cache}} {
		requests = append(requests, len(srv.Seen()))
		out := filepath.Join(t.TempDir(), "r.json")
		c := exec.Command(bin, append(args, "--verify", "-f", "json", "-o", out, "--no-progress")...)
		c.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "HTTPS_PROXY=" + proxy.URL, "NO_PROXY=", "SSL_CERT_FILE=" + caFile, "SSL_CERT_DIR=" + t.TempDir()}
		stderr, _ := c.CombinedOutput()
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("%s: %v\n%s", args[0], err, stderr)
		}
		var rep struct{ Findings []finding.Finding }
		json.Unmarshal(b, &rep)
		got := map[string]finding.Verification{}
		for _, f := range rep.Findings {
			got[f.RuleID] = f.Verification
		}
		if v := got["gcp-service-account-key"]; v.Status != finding.StatusLive || v.Identity != email {
			t.Errorf("%s: GCP key: %+v, want live as %s\n%s", args[0], v, email, stderr)
		}
		if v := got["twilio-auth-token"]; v.Status != finding.StatusLive || v.Identity != "Acme production" {
			t.Errorf("%s: Twilio auth token: %+v, want live\n%s", args[0], v, stderr)
		}
	}
	// The second run with --cache-dir asks no provider; the cache holds no secret.
	if n := len(srv.Seen()) - requests[3]; n != 0 {
		t.Errorf("a run with a warm --cache-dir sent %d requests", n)
	}
	filepath.Walk(cache, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			b, _ := os.ReadFile(p)
			if strings.Contains(string(b), authToken) || strings.Contains(string(b), "PRIVATE") {
				t.Errorf("cache file %s holds a secret", p)
			}
		}
		return nil
	})
	for _, s := range srv.Seen() {
		if strings.Contains(s.Body, "PRIVATE KEY") || strings.Contains(s.Body, pemKey[40:80]) {
			t.Errorf("the private key was sent to %s", s.Host)
		}
	}
}

// TestVerifyWithoutVerifiers: --verify on rules that no verifier serves
// opens no connection, marks each finding unknown with the reason, and
// counts it in the summary.
func TestVerifyWithoutVerifiers(t *testing.T) {
	r := run(t, "key = "+token(7)+"\nother = "+token(8)+"\n", "stdin", "--verify", "-f", "json")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep struct{ Findings []finding.Finding }
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || len(rep.Findings) != 2 {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	for _, f := range rep.Findings {
		if f.Verification.State() != finding.StatusUnknown || f.Verification.Detail != "no verifier for this rule" {
			t.Errorf("%+v", f.Verification)
		}
	}
	if !strings.Contains(r.stderr, "verified: 0 live, 0 invalid, 0 error, 2 unknown") {
		t.Errorf("summary: %s", r.stderr)
	}
	if r := run(t, "key = "+token(7)+"\n", "stdin", "--only-verified"); r.code != 0 || strings.Contains(r.stdout, "khtok_") {
		t.Errorf("--only-verified with nothing live: exit %d, %s", r.code, r.stdout)
	}
}
