package cmd

import (
	"bytes"
	"encoding/json"
	"hash/crc32"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/ignore"
)

// fakeGitHubPAT builds a classic GitHub personal access token in the real
// format (ghp_, 30 base62 characters, their CRC32 in 6 base62 digits), so
// the built-in github-pat rule and its checksum validator accept it. It is
// generated, never a real credential.
func fakeGitHubPAT(seed int64) string {
	const alpha = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	r := rand.New(rand.NewSource(seed))
	b := make([]byte, 30)
	for i := range b {
		b[i] = alpha[r.Intn(len(alpha))]
	}
	v := crc32.ChecksumIEEE(b)
	var sum [6]byte
	for i := 5; i >= 0; i-- {
		sum[i] = alpha[v%62]
		v /= 62
	}
	return "ghp_" + string(b) + string(sum[:])
}

// runBuiltin runs keyhound with the built-in rules.toml.
func runBuiltin(t *testing.T, args ...string) result {
	t.Helper()
	return runBuiltinIn(t, "", args...)
}

// runBuiltinIn runs keyhound with the built-in rules.toml and stdin.
func runBuiltinIn(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	rules, err := os.ReadFile("../rules.toml")
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := Main(Env{
		DefaultRules: rules,
		Version:      "test",
		Stdin:        strings.NewReader(stdin),
		Stdout:       &out,
		Stderr:       &errb,
		Getenv:       func(string) string { return "" },
	}, args)
	return result{code, out.String(), errb.String()}
}

// reportKeys are the findings of a JSON report as sorted "rule file secret
// repository" lines, to compare two reports.
func reportKeys(t *testing.T, s string) []string {
	t.Helper()
	var rep struct {
		Findings []struct {
			RuleID, File, Secret, Repository, Fingerprint string
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(s), &rep); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, s)
	}
	var keys []string
	for _, f := range rep.Findings {
		keys = append(keys, strings.Join([]string{f.RuleID, f.File, f.Secret, f.Repository, f.Fingerprint}, " "))
	}
	sort.Strings(keys)
	return keys
}

// allowTestFiles is a .keyhound.toml that adds to the built-in rules an
// allowlist of every _test.go file.
const allowTestFiles = "[extend]\nuse_default = true\n\n[allowlist]\npaths = ['''_test\\.go$''']\n"

// TestPerRootConfiguration: with several repositories or paths in one run,
// each one's own .keyhound.toml and .keyhoundignore apply to it alone (a
// repository that allowlists test files must not hide another's leaked
// token), and the report does not depend on the order of the list.
func TestPerRootConfiguration(t *testing.T) {
	tok := fakeGitHubPAT(7)
	ignTok := fakeGitHubPAT(8)

	a, b := newCLIRepo(t), newCLIRepo(t)
	a.write(".keyhound.toml", allowTestFiles)
	a.write("main.go", "package main\n")
	a.commit("a")
	b.write("client_test.go", "package client\n\nconst token = \""+tok+"\"\n")
	b.write("other.go", "package client\n\nconst other = \""+ignTok+"\"\n")
	b.commit("b")

	// A's .keyhoundignore suppresses B's second token (by the hash of the
	// secret): it must not apply to B.
	ignoreEntry := func(secret string) string {
		return "[[ignore]]\nfingerprint = \"" + ignore.SecretHash(secret) + "\"\nreason = \"test\"\n"
	}
	writeFile(t, filepath.Join(a.dir, ".keyhoundignore"), ignoreEntry(ignTok))

	for _, mode := range []string{"git", "dir"} {
		t.Run(mode, func(t *testing.T) {
			ab := runBuiltin(t, mode, "-f", "json", "--no-progress", a.dir, b.dir)
			ba := runBuiltin(t, mode, "-f", "json", "--no-progress", b.dir, a.dir)
			if ab.code != 1 || ba.code != 1 {
				t.Fatalf("exit %d (A B) and %d (B A), want 1 and 1; stderr:\n%s\n%s", ab.code, ba.code, ab.stderr, ba.stderr)
			}
			kab, kba := reportKeys(t, ab.stdout), reportKeys(t, ba.stdout)
			if strings.Join(kab, "\n") != strings.Join(kba, "\n") {
				t.Errorf("the report depends on the order:\nA B: %q\nB A: %q", kab, kba)
			}
			for _, want := range []string{tok, ignTok} {
				if !strings.Contains(ab.stdout, want) {
					t.Errorf("B's token %s... not reported with A first:\n%s", want[:8], ab.stdout)
				}
			}
			// A's own configuration still applies to A.
			a.write("x_test.go", "package main\n\nconst t = \""+fakeGitHubPAT(9)+"\"\n")
			defer os.Remove(filepath.Join(a.dir, "x_test.go"))
			if mode == "dir" {
				res := runBuiltin(t, mode, "-f", "json", "--no-progress", b.dir, a.dir)
				if strings.Contains(res.stdout, "x_test.go") {
					t.Errorf("A's allowlist no longer applies to A:\n%s", res.stdout)
				}
			}
		})
	}

	// An explicit --ignore-file applies to every root.
	ign := filepath.Join(t.TempDir(), "ignore")
	writeFile(t, ign, ignoreEntry(tok)+ignoreEntry(ignTok))
	res := runBuiltin(t, "dir", "-f", "json", "--no-progress", "--ignore-file", ign, a.dir, b.dir)
	if res.code != 0 {
		t.Errorf("--ignore-file for all roots: exit %d\n%s\n%s", res.code, res.stdout, res.stderr)
	}
}

// TestPerRootInvalidConfigSkipsOnlyThatRepository: in a sweep, a repository
// whose own .keyhound.toml is invalid is named and skipped; the others are
// scanned with their own configuration.
func TestPerRootInvalidConfigSkipsOnlyThatRepository(t *testing.T) {
	good, bad := newCLIRepo(t), newCLIRepo(t)
	good.write("a.txt", gitToken(71)+"\n")
	good.commit("a")
	bad.write(".keyhound.toml", "[[rules]\n")
	bad.commit("b")
	for _, order := range [][]string{{good.dir, bad.dir}, {bad.dir, good.dir}} {
		res := runGitCmd(t, append([]string{"-f", "json"}, order...)...)
		if res.code != 1 || !strings.Contains(res.stdout, gitToken(71)) {
			t.Errorf("exit %d, want 1 with the good repository's finding:\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		if !strings.Contains(res.stderr, filepath.Join(bad.dir, ".keyhound.toml")) || !strings.Contains(res.stdout, `"failed"`) {
			t.Errorf("the invalid configuration is not named:\n%s\n%s", res.stdout, res.stderr)
		}
	}
}
