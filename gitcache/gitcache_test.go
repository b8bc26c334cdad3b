package gitcache

import (
	"crypto/sha1"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner/gitscan"
)

func blob(i int) plumbing.Hash { return plumbing.Hash(sha1.Sum([]byte(fmt.Sprint("blob", i)))) }

func TestRecordRoundTrip(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Record("https://h/org/repo", "key1")
	if err != nil || r.Len() != 0 || r.Last() != nil {
		t.Fatalf("new record: %v %d", err, r.Len())
	}
	f := finding.Finding{RuleID: "r", Secret: "s3cr3t", File: "a.txt", Line: 3, Entropy: 3.1415926535}
	for i := 0; i < 1000; i++ {
		var fs []finding.Finding
		if i%100 == 0 {
			fs = []finding.Finding{f}
		}
		r.Add(blob(i), fmt.Sprint("p", i), fs)
	}
	last := &LastScan{History: "h1", Commits: 7, Findings: []finding.Finding{f}}
	if err := r.Save(last); err != nil {
		t.Fatal(err)
	}

	r, err = c.Record("https://h/org/repo", "key1")
	if err != nil || r.Len() != 1000 {
		t.Fatalf("reopened: %v, %d entries", err, r.Len())
	}
	if !reflect.DeepEqual(r.Last(), last) {
		t.Errorf("last %+v", r.Last())
	}
	fs, ok := r.Lookup(blob(200), "p200")
	if !ok || !reflect.DeepEqual(fs, []finding.Finding{f}) {
		t.Errorf("lookup 200: %v %v", fs, ok)
	}
	if fs, ok := r.Lookup(blob(201), "p201"); !ok || fs != nil {
		t.Errorf("lookup 201: %v %v", fs, ok)
	}
	if _, ok := r.Lookup(blob(201), "elsewhere"); ok {
		t.Error("a blob is known under another path")
	}
	if _, ok := r.Lookup(blob(5000), "p5000"); ok {
		t.Error("an unknown blob is known")
	}

	// A complete scan keeps only what it looked up or added: blobs of
	// history that is gone are dropped.
	r.Add(blob(5000), "p5000", nil)
	if err := r.Save(&LastScan{History: "h2"}); err != nil {
		t.Fatal(err)
	}
	r, _ = c.Record("https://h/org/repo", "key1")
	if r.Len() != 3 { // 200, 201 looked up; 5000 added
		t.Errorf("after a complete scan: %d entries, want 3", r.Len())
	}
	if fs, ok := r.Lookup(blob(200), "p200"); !ok || len(fs) != 1 {
		t.Errorf("findings of a kept blob lost: %v %v", fs, ok)
	}
	// A partial scan (no LastScan) keeps everything.
	r.Add(blob(6000), "p6000", nil)
	if err := r.Save(nil); err != nil {
		t.Fatal(err)
	}
	r, _ = c.Record("https://h/org/repo", "key1")
	if r.Len() != 4 || r.Last() == nil || r.Last().History != "h2" {
		t.Errorf("after a partial scan: %d entries, last %+v", r.Len(), r.Last())
	}

	// Another key starts empty, and saving it removes the old one.
	r2, _ := c.Record("https://h/org/repo", "key2")
	if r2.Len() != 0 {
		t.Errorf("another key sees %d entries", r2.Len())
	}
	if err := r2.Save(nil); err != nil {
		t.Fatal(err)
	}
	recs, _ := filepath.Glob(filepath.Join(c.Dir, "records", "*", "*.rec"))
	if len(recs) != 1 || filepath.Base(recs[0]) != "key2.rec" {
		t.Errorf("records %v", recs)
	}
	zero := "\x00\x00\x00\x00\x00\x00\x00\x00"
	for _, bad := range []string{
		"", "KHREC001", recMagic, recMagic + "\x00\x00\x00\x00\x00\x00\x00\x05xx",
		recMagic + zero + zero + zero + zero + "{not json",
		recMagic + zero + "\x00\x00\x00\x00\x00\x00\x00\x01\xff\xff\xff",                                                                          // a path longer than the file
		recMagic + zero + zero + "\x00\x00\x00\x00\x00\x00\x00\x01" + string(make([]byte, 20)) + "\x00\x00\x00\x00\x00\x00\x00\x09" + zero + "{}", // changes out of bounds
	} {
		if err := os.WriteFile(recs[0], []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := c.Record("https://h/org/repo", "key2")
		if err == nil || r == nil || r.Len() != 0 {
			t.Errorf("corrupt %q: err %v", bad, err)
		}
	}
}

func TestRemoteCredentials(t *testing.T) {
	env := map[string]string{TokenEnv: "envtok"}
	get := func(k string) string { return env[k] }
	tests := []struct {
		raw, url, user, pass string
	}{
		{"https://github.com/o/r.git", "https://github.com/o/r.git", "x-access-token", "envtok"},
		{"https://me:urltok@github.com/o/r.git", "https://github.com/o/r.git", "me", "urltok"},
		{"http://example.com/o/r.git", "http://example.com/o/r.git", "", ""}, // never in clear over a network
		{"http://me:urltok@example.com/o/r.git", "http://example.com/o/r.git", "", ""},
		{"http://127.0.0.1:8080/r.git", "http://127.0.0.1:8080/r.git", "x-access-token", "envtok"},
		{"git@github.com:o/r.git", "git@github.com:o/r.git", "", ""},
		{"file:///srv/r.git", "file:///srv/r.git", "", ""},
	}
	for _, tc := range tests {
		r := NewRemote(tc.raw, get)
		if r.URL != tc.url {
			t.Errorf("%s: URL %s, want %s", tc.raw, r.URL, tc.url)
		}
		var user, pass string
		if b, ok := r.Auth.(*githttp.BasicAuth); ok {
			user, pass = b.Username, b.Password
		}
		if user != tc.user || pass != tc.pass {
			t.Errorf("%s: auth %q/%q, want %q/%q", tc.raw, user, pass, tc.user, tc.pass)
		}
		if r.Auth != nil && (fmt.Sprint(r.Auth) == "" || strings.Contains(fmt.Sprint(r.Auth), pass)) {
			t.Errorf("%s: auth prints its password: %s", tc.raw, r.Auth)
		}
	}
	env[UsernameEnv] = "oauth2"
	if b := NewRemote("https://gitlab.com/o/r.git", get).Auth.(*githttp.BasicAuth); b.Username != "oauth2" {
		t.Errorf("username %s", b.Username)
	}
}

func TestNormalizeAndRedact(t *testing.T) {
	for in, want := range map[string]string{
		"https://GitHub.com/Org/Repo.git/":      "https://github.com/Org/Repo",
		"https://u:p@github.com/org/repo.git":   "https://github.com/org/repo",
		"git@github.com:org/repo.git":           "git@github.com:org/repo",
		"/srv/git/repo.git":                     "/srv/git/repo",
		"  https://github.com/org/repo  ":       "https://github.com/org/repo",
		"https://user:pa%zz@github.com/org/rep": "https://github.com/org/rep",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Redact("https://u:tok@h/o/r"); got != "https://h/o/r" {
		t.Errorf("Redact: %s", got)
	}
	if slug("https://github.com/org/repo") == slug("https://github.com/org/repo2") {
		t.Error("slugs collide")
	}
}

func TestKeyFollowsTheRules(t *testing.T) {
	load := func(src string) *rules.Set {
		s, _, err := rules.Load(rules.LoadOptions{Default: []byte(src)})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	base := "[[rules]]\nid = \"a\"\ndescription = \"a\"\nregex = '''aaa_[0-9]{8}'''\nkeywords = [\"aaa_\"]\n"
	k := Key(load(base), "v1")
	if Key(load(base), "v1") != k {
		t.Error("key not stable")
	}
	examples := base + "examples = [\"aaa_12345678\"]\n"
	if Key(load(examples), "v1") != k {
		t.Error("examples change the key (they change no finding)")
	}
	for name, other := range map[string]string{
		"regex":     "[[rules]]\nid = \"a\"\ndescription = \"a\"\nregex = '''aaa_[0-9]{9}'''\nkeywords = [\"aaa_\"]\n",
		"entropy":   base + "entropy = 2.0\n",
		"severity":  base + "severity = \"low\"\n",
		"allowlist": base + "[allowlist]\nstopwords = [\"x\"]\n",
	} {
		if Key(load(other), "v1") == k {
			t.Errorf("%s: key unchanged", name)
		}
	}
	if Key(load(base), "v2") == k {
		t.Error("version: key unchanged")
	}
	if Engine("v1.2.3") != "v1.2.3" || Engine("dev") == "dev" {
		t.Errorf("Engine: %q %q", Engine("v1.2.3"), Engine("dev"))
	}
}

func TestRecordDiffs(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r, _ := c.Record("/srv/repo.git", "k")
	diffs := map[plumbing.Hash][]gitscan.TreeChange{}
	for i := 0; i < 50; i++ {
		var tcs []gitscan.TreeChange
		for k := 0; k < i%4; k++ {
			tcs = append(tcs, gitscan.TreeChange{Path: fmt.Sprintf("dir%d/f%d.go", k, i%7), Blob: blob(i*10 + k), Intro: k%2 == 0, DirGone: k == 3})
		}
		diffs[blob(-i)] = tcs
		r.AddDiff(blob(-i), tcs)
	}
	if err := r.Save(nil); err != nil {
		t.Fatal(err)
	}
	r, err = c.Record("/srv/repo.git", "k")
	if err != nil {
		t.Fatal(err)
	}
	for h, want := range diffs {
		got, ok := r.Diff(h)
		if !ok || len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("diff of %s: %v %v, want %v", h, got, ok, want)
		}
	}
	if _, ok := r.Diff(blob(1000)); ok {
		t.Error("an unknown commit's diff is known")
	}
	// A complete scan that looked up only some commits keeps only those
	// (and what it added).
	r, _ = c.Record("/srv/repo.git", "k")
	r.Diff(blob(-1))
	r.Diff(blob(-2))
	r.AddDiff(blob(-100), nil)
	if err := r.Save(&LastScan{History: "h"}); err != nil {
		t.Fatal(err)
	}
	r, _ = c.Record("/srv/repo.git", "k")
	for i, want := range map[int]bool{-1: true, -2: true, -100: true, -3: false} {
		if _, ok := r.Diff(blob(i)); ok != want {
			t.Errorf("commit %d known: %v, want %v", i, ok, want)
		}
	}
	// Diffs added by a run that met a corrupt object are dropped.
	r.AddDiff(blob(-200), nil)
	r.DropNewDiffs()
	if err := r.Save(nil); err != nil {
		t.Fatal(err)
	}
	r, _ = c.Record("/srv/repo.git", "k")
	if _, ok := r.Diff(blob(-200)); ok {
		t.Error("a dropped diff was saved")
	}
}
