package cmd

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/internal/testfixture"
)

// TestExplain: keyhound explain says, for each candidate a built-in rule
// matched, whether it is reported and why not: the AWS documentation's
// example key, a made-up GitHub token, a low-entropy value, the
// keyhound:allow comment, a .keyhoundignore entry, the baseline, an
// allowlisted path. It never shows a secret in full.
func TestExplain(t *testing.T) {
	dir := t.TempDir()
	real := testfixture.GitHubToken("ghp_", "Vb7kQ2mZx9LpR4tN8wYc3HjD6sF1gA")
	allowed := testfixture.GitHubToken("ghp_", "Zq3mW8nB5vC2xL7kJ4hG9fD6sA1pR0")
	ignored := testfixture.GitHubToken("ghp_", "Mn4bV7cX2zL9kJ5hG8fD3sA6pQ1wE0")
	baselined := testfixture.GitHubToken("ghp_", "Tr5eW2qL8kJ3hG6fD9sA4pZ1xC7vB0")
	glAllowed := testfixture.GitHubToken("ghp_", "Hy6tR3eW9qL2kJ7hG4fD1sA8pZ5xC0")
	madeUp := real[:len(real)-1] + "x" // a typo: the checksum no longer holds
	writeFile(t, filepath.Join(dir, "app.env"), strings.Join([]string{
		"aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
		"GITHUB_TOKEN=" + madeUp,
		"DEPLOY_TOKEN=" + real,
		"TEST_TOKEN=" + allowed + " # keyhound:allow",
		"CI_TOKEN=" + ignored,
		"OLD_TOKEN=" + baselined,
		"key = AKIAAAAAAAAAAAAAAAAB",
		"LEGACY_TOKEN=" + glAllowed + " # gitleaks:allow",
	}, "\n")+"\n")
	writeFile(t, filepath.Join(dir, "go.sum"), "example.com/m v1.0.0 h1:"+real+"\n")
	if r := runBuiltin(t, "ignore", "add", finding.Fingerprint("github-pat", ignored, "app.env"), "--reason", "rotated", "--ignore-file", filepath.Join(dir, ".keyhoundignore")); r.code != 0 {
		t.Fatalf("ignore add: %d %s", r.code, r.stderr)
	}
	base := filepath.Join(t.TempDir(), "base.json")
	writeFile(t, base, `{"version": 1, "findings": [{"fingerprint": "`+finding.Fingerprint("github-pat", baselined, "app.env")+`"}], "stats": {}}`)

	r := runBuiltin(t, "explain", "--baseline", base, dir)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"app.env:1:21: aws-access-key-id AKIA********: not reported: ",
		`stopword "example"`,
		"app.env:2:14: github-pat ghp_********: not reported: checksum failed (validate = \"github-checksum\")",
		"app.env:3:14: github-pat ghp_********: reported\n",
		"app.env:4:12: github-pat ghp_********: not reported: the comment keyhound:allow is on its line\n",
		"app.env:5:10: github-pat ghp_********: not reported: ignored by " + filepath.Join(dir, ".keyhoundignore") + ":",
		`reason "rotated"`,
		"app.env:6:11: github-pat ghp_********: not reported: in the --baseline report " + base + "\n",
		"app.env:7:7: aws-access-key-id AKIA********: not reported: entropy ",
		"is below the rule's minimum of 3",
		"app.env:8:14: github-pat ghp_********: not reported: the comment gitleaks:allow is on its line\n",
		"go.sum: not scanned: the path matches the allowlist path",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain output lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, s := range []string{real, allowed, ignored, baselined, madeUp, "AKIAIOSFODNN7EXAMPLE"} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("explain shows the secret %s", s[:6])
		}
	}
	if !strings.Contains(r.stderr, "keyhound: ") || !strings.Contains(r.stderr, ": 1 reported, ") {
		t.Errorf("stderr: %q", r.stderr)
	}

	// Standard input, and content where no rule matches at all.
	r = runBuiltinIn(t, "key: AKIAIOSFODNN7EXAMPLE\n", "explain", "-", "--name", "docs.md")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "docs.md:1:6: aws-access-key-id AKIA********: not reported: ") {
		t.Errorf("stdin: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runBuiltinIn(t, "nothing to see\n", "explain", "-")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "no rule's regex matched anything") {
		t.Errorf("nothing matched: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := runBuiltin(t, "explain", filepath.Join(dir, "nope")); r.code != 2 || !strings.Contains(r.stderr, "nope: no such file") {
		t.Errorf("missing path: exit %d %q", r.code, r.stderr)
	}
}
