package verify

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/verify/verifytest"
)

// TestClientRefuses: only https to port 443 of the verifier's own hosts.
func TestClientRefuses(t *testing.T) {
	ca := verifytest.NewCA(t)
	srv := verifytest.NewServer(t, ca)
	h := &HTTP{c: testClient(srv, time.Second), hosts: []string{"api.example.com", "*.api.mailchimp.com"}}
	for _, tc := range []struct{ url, want string }{
		{"http://api.example.com/x", "scheme"},
		{"https://evil.example.net/x", "not one of the verifier's hosts"},
		{"https://api.example.com.evil.net/x", "not one of the verifier's hosts"},
		{"https://api.example.com:8443/x", "port 8443"},
		{"https://user:pw@api.example.com/x", "user info"},
		{"https://a.b.api.mailchimp.com/3.0/", "not one of the verifier's hosts"},
		{"https://-x.api.mailchimp.com/3.0/", "not one of the verifier's hosts"},
	} {
		_, err := h.Do(context.Background(), Request{URL: tc.url})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.url, err, tc.want)
		}
	}
	if n := len(srv.Seen()); n != 0 {
		t.Errorf("%d refused requests reached a server", n)
	}
}

// TestClientNoRedirect: a redirect is answered as it is, never followed.
func TestClientNoRedirect(t *testing.T) {
	ca := verifytest.NewCA(t)
	srv := verifytest.NewServer(t, ca)
	srv.Handle("api.example.com", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://collector.example.net/steal", http.StatusFound)
	})
	srv.Handle("collector.example.net", answer(200, "{}"))
	h := &HTTP{c: testClient(srv, time.Second), hosts: []string{"api.example.com"}}
	resp, err := h.Do(context.Background(), Request{URL: "https://api.example.com/user"})
	if err != nil || resp.Status != http.StatusFound {
		t.Fatalf("got %v, %v; want the 302 itself", resp, err)
	}
	for _, s := range srv.Seen() {
		if s.Host != "api.example.com" {
			t.Errorf("followed a redirect to %s", s.Host)
		}
	}
}

// TestClientRetries: 5xx and 429 (with Retry-After) are retried; other 4xx are not.
func TestClientRetries(t *testing.T) {
	ca := verifytest.NewCA(t)
	srv := verifytest.NewServer(t, ca)
	var n atomic.Int32
	srv.Handle("api.example.com", func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.WriteHeader(503)
		case 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(429)
		default:
			w.WriteHeader(200)
		}
	})
	c := NewClient(ClientOptions{Transport: srv.Transport(), Attempts: 3, Backoff: time.Millisecond})
	h := &HTTP{c: c, hosts: []string{"api.example.com"}}
	resp, err := h.Do(context.Background(), Request{URL: "https://api.example.com/"})
	if err != nil || resp.Status != 200 || n.Load() != 3 {
		t.Fatalf("got %v %v after %d requests; want 200 after 3", resp, err, n.Load())
	}
	n.Store(0)
	srv.Handle("api.example.com", func(w http.ResponseWriter, r *http.Request) { n.Add(1); w.WriteHeader(401) })
	resp, err = h.Do(context.Background(), Request{URL: "https://api.example.com/"})
	if err != nil || resp.Status != 401 || n.Load() != 1 {
		t.Fatalf("401: got %v %v after %d requests; want one request", resp, err, n.Load())
	}
}

// TestHangingProviderTimesOut: a provider that never answers gives status
// error once the per-request timeout passes, and the stage finishes.
func TestHangingProviderTimesOut(t *testing.T) {
	ca := verifytest.NewCA(t)
	srv := verifytest.NewServer(t, ca)
	release := make(chan struct{})
	defer close(release)
	// The stand-in answers nothing until the test ends, whatever the client
	// does. It used to return when the request's context ended, which lets
	// the server send a 200; once in a few hundred runs under load the
	// client received one and the check came out live.
	srv.Handle("api.github.com", func(w http.ResponseWriter, r *http.Request) {
		<-release
	})
	c := NewClient(ClientOptions{Transport: srv.Transport(), Timeout: 50 * time.Millisecond, Attempts: 2, Backoff: time.Millisecond})
	secret := "ghp_" + fake("hang", 36, alnum)
	got := checkOne(t, c, Default(), finding.Finding{RuleID: "github-pat", Secret: secret}, nil)
	if got.Status != finding.StatusError || !strings.Contains(got.Detail, "timeout") {
		t.Fatalf("got %+v, want an error naming the timeout", got)
	}
	// Many secrets for the hanging host: after a few failed requests in a
	// row, the rest fail at once instead of waiting out a timeout each.
	st := NewStage(context.Background(), Options{Client: c, Workers: 1})
	var errs atomic.Int32
	for i := range 30 {
		st.Check(finding.Finding{RuleID: "github-pat", Secret: "ghp_" + fake(fmt.Sprint("hang", i), 36, alnum)}, func(v finding.Verification) {
			if v.Status == finding.StatusError {
				errs.Add(1)
			}
		})
	}
	st.Close()
	if errs.Load() != 30 {
		t.Errorf("%d of 30 checks of a hanging host ended in error", errs.Load())
	}
	if n := len(srv.Seen()); n > breakerAfter*2 {
		t.Errorf("%d requests reached the hanging host; want at most %d before the rest fail at once", n, breakerAfter*2)
	}
}

// TestErrorsNeverCarryTheSecret: transport errors for a secret in the URL
// path (Telegram) name the host only.
func TestErrorsNeverCarryTheSecret(t *testing.T) {
	secret := "123456789:AA" + fake("tgerr", 33, alnum)
	for _, rt := range []http.RoundTripper{
		&http.Transport{DialContext: func(ctx context.Context, _, _ string) (netConn, error) { return nil, errRefused }},
		&http.Transport{Proxy: http.ProxyURL(mustURL("http://127.0.0.1:1"))},
	} {
		c := NewClient(ClientOptions{Transport: rt, Attempts: 2, Backoff: time.Millisecond, Timeout: time.Second})
		got := checkOne(t, c, Default(), finding.Finding{RuleID: "telegram-bot-token", Secret: secret}, nil)
		if got.Status != finding.StatusError {
			t.Errorf("status %q, want error", got.Status)
		}
		if strings.Contains(got.Detail, secret) || strings.Contains(got.Detail, secret[:20]) || strings.Contains(got.Detail, "/bot") {
			t.Errorf("detail carries the secret or its URL: %q", got.Detail)
		}
		if !strings.Contains(got.Detail, "api.telegram.org") {
			t.Errorf("detail %q does not name the host", got.Detail)
		}
	}
}

// TestSigV4 checks the signer against the get-vanilla case of AWS's
// Signature Version 4 test suite.
func TestSigV4(t *testing.T) {
	hd := http.Header{}
	sigv4(hd, sigv4Request{Method: "GET", Host: "example.amazonaws.com", Path: "/", Region: "us-east-1", Service: "service",
		KeyID: "AKIDEXAMPLE", Secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Time: time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)})
	want := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	if got := hd.Get("Authorization"); got != want {
		t.Fatalf("Authorization\n got %s\nwant %s", got, want)
	}
}

// TestStageChecksEachSecretOnce: the same secret in many files is one request.
func TestStageChecksEachSecretOnce(t *testing.T) {
	ca := verifytest.NewCA(t)
	srv := verifytest.NewServer(t, ca)
	srv.Handle("api.github.com", answer(200, `{"login":"octo"}`))
	st := NewStage(context.Background(), Options{Client: testClient(srv, time.Second), Workers: 2})
	secret := "ghp_" + fake("once", 36, alnum)
	var live atomic.Int32
	for i := range 20 {
		st.Check(finding.Finding{RuleID: "github-pat", Secret: secret, File: filepath.Join("d", string(rune('a'+i)))}, func(v finding.Verification) {
			if v.Status == finding.StatusLive {
				live.Add(1)
			}
		})
	}
	var other finding.Verification
	st.Check(finding.Finding{RuleID: "generic-password", Secret: "hunter22"}, func(v finding.Verification) { other = v })
	st.Close()
	if live.Load() != 20 || len(srv.Seen()) != 1 {
		t.Fatalf("%d live outcomes from %d requests; want 20 from 1", live.Load(), len(srv.Seen()))
	}
	if other.Status != finding.StatusUnknown || other.CheckedAt != "" {
		t.Errorf("a rule without verifier: %+v, want unknown and no checked_at", other)
	}
}

// TestPairingByCommit: an AWS key id and secret key in two files of one
// commit are paired; in two commits they are not.
func TestPairingByCommit(t *testing.T) {
	ca := verifytest.NewCA(t)
	srv := verifytest.NewServer(t, ca)
	srv.Handle("sts.amazonaws.com", answer(200, `<R><GetCallerIdentityResult><Arn>arn:aws:iam::1:user/x</Arn></GetCallerIdentityResult></R>`))
	id, sk := "AKIA"+fake("pc", 16, b32), fake("pcs", 40, alnum)
	for _, tc := range []struct {
		c1, c2 string
		want   string
	}{{"c1", "c1", finding.StatusLive}, {"c1", "c2", finding.StatusUnknown}} {
		st := NewStage(context.Background(), Options{Client: testClient(srv, time.Second)})
		var got finding.Verification
		st.Check(finding.Finding{RuleID: "aws-access-key-id", Secret: id, Match: id, File: "a.env", Commit: tc.c1}, func(finding.Verification) {})
		st.Check(finding.Finding{RuleID: "aws-secret-access-key", Secret: sk, File: "b.env", Commit: tc.c2}, func(v finding.Verification) { got = v })
		st.Close()
		if got.Status != tc.want {
			t.Errorf("commits %s/%s: %q (%s), want %q", tc.c1, tc.c2, got.Status, got.Detail, tc.want)
		}
	}
}

// TestFileCache: a result is reused across runs within the TTL, and the
// cache files hold neither the secret nor any part of it.
func TestFileCache(t *testing.T) {
	ca := verifytest.NewCA(t)
	srv := verifytest.NewServer(t, ca)
	srv.Handle("api.github.com", answer(200, `{"login":"octo"}`))
	dir := t.TempDir()
	secret := "ghp_" + fake("cache", 36, alnum)
	now := time.Now()
	run := func(at time.Time) finding.Verification {
		cache, err := NewCache(dir, time.Hour, func() time.Time { return at })
		if err != nil {
			t.Fatal(err)
		}
		st := NewStage(context.Background(), Options{Client: testClient(srv, time.Second), Cache: cache, Now: func() time.Time { return at }})
		var got finding.Verification
		st.Check(finding.Finding{RuleID: "github-pat", Secret: secret}, func(v finding.Verification) { got = v })
		st.Close()
		return got
	}
	first := run(now)
	second := run(now.Add(30 * time.Minute))
	if first.Status != finding.StatusLive || !reflect.DeepEqual(second, first) || len(srv.Seen()) != 1 {
		t.Fatalf("first %+v, second %+v, %d requests; want the second from the cache", first, second, len(srv.Seen()))
	}
	run(now.Add(2 * time.Hour))
	if len(srv.Seen()) != 2 {
		t.Errorf("an expired entry was reused (%d requests)", len(srv.Seen()))
	}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), secret[4:16]) || strings.Contains(p, secret[4:16]) {
			t.Errorf("%s holds the secret", p)
		}
		if info.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s mode %v", p, info.Mode())
		}
		return nil
	})
}

// TestInterruptedStage: a cancelled run marks pending checks as errors and returns.
func TestInterruptedStage(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	st := NewStage(ctx, Options{Client: NewClient(ClientOptions{Transport: &http.Transport{}})})
	var got finding.Verification
	st.Check(finding.Finding{RuleID: "github-pat", Secret: "ghp_" + fake("int", 36, alnum)}, func(v finding.Verification) { got = v })
	st.Close()
	if got.Status != finding.StatusError {
		t.Fatalf("got %+v", got)
	}
}
