package ignore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/keyhound/keyhound/finding"
)

// valid returns s as it reads back from a TOML file written by Append: each
// byte of invalid UTF-8 becomes U+FFFD.
func valid(s string) string { return string([]rune(s)) }

// FuzzParse feeds arbitrary ignore files to the parser: it must return
// entries or an error, never panic; every entry it returns is usable (a
// valid key, a reason, a compiled path) and survives being written back
// with Append and parsed again.
func FuzzParse(f *testing.F) {
	fp := strings.Repeat("0f", 16)
	for _, s := range []string{
		"",
		"[[ignore]]\nfingerprint = \"" + fp + "\"\nreason = \"fixture\"\n",
		"# c\n[[ignore]]\nfingerprint = \"" + SecretHash("x") + "\"\nrule = \"r\"\npath = \"docs/**/*.md\"\nreason = \"doc\"\nowner = \"team\"\nexpires = 2030-01-31\n",
		"[[ignore]]\nfingerprint = \"" + fp + "\"\nreason = \"x\"\nexpires = \"2030-02-30\"\n",
		"[[ignore]]\nfingerprint = \"" + fp + "\"\nreason = \"x\"\nexpires = 1979-05-27T07:32:00Z\n",
		"[[ignore]]\nfingerprint = \"" + fp + "\"\nreason = \"x\"\npath = \"[!a-c]/é?*\"\n",
		"[[ ignore ]] # spaced\nfingerprint = '" + fp + "'\nreason = '''multi\n[[ignore]]\nline'''\n",
		"ignore = [{fingerprint = \"" + fp + "\", reason = \"inline\"}]\n",
		"[[ignore]]\nfingerprint = \"" + fp + "\"\nreason = \"x\"\npath = \"[\"\n",
		"[[ignore]]\nfingerprint = \"" + fp + "\"\nreason = \"x\"\nexpires = 20300131\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse("fuzz", data)
		if err != nil {
			if file != nil {
				t.Fatal("a file with an error")
			}
			return
		}
		nlines := strings.Count(string(data), "\n") + 1
		path := filepath.Join(dir, "roundtrip")
		os.Remove(path)
		added := map[[3]string]bool{}
		var want []*Entry
		for i, e := range file.Entries {
			if e.Index != i+1 || e.Line < 0 || e.Line > nlines {
				t.Fatalf("entry %d: index %d, line %d of %d", i+1, e.Index, e.Line, nlines)
			}
			if ValidKey(e.Fingerprint) != nil || strings.TrimSpace(e.Reason) == "" {
				t.Fatalf("invalid entry accepted: %+v", e)
			}
			if d := e.Describe("fuzz"); strings.IndexFunc(d, unicode.IsControl) >= 0 {
				t.Fatalf("Describe prints a control character: %q", d)
			}
			fd := finding.Finding{RuleID: e.Rule, File: e.Path, Secret: e.Reason}
			fd.Fingerprint = e.Fingerprint
			NewMatcher(file, time.Now()).Suppress(&fd)
			// Write the entry back: it must parse to the same entry.
			key := [3]string{e.Fingerprint, e.Rule, e.Path}
			if added[key] {
				continue // Append refuses a duplicate
			}
			added[key] = true
			if err := Append(path, NewEntry{Fingerprint: e.Fingerprint, Rule: e.Rule, Path: e.Path, Reason: e.Reason, Owner: e.Owner, Expires: e.Expires}); err != nil {
				t.Fatalf("entry %d does not write back: %v", i+1, err)
			}
			want = append(want, e)
		}
		if len(want) == 0 {
			return
		}
		back, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(back.Entries) != len(want) {
			t.Fatalf("%d entries written, %d read back", len(want), len(back.Entries))
		}
		for i, e := range want {
			g := back.Entries[i]
			if g.Fingerprint != e.Fingerprint || g.Rule != valid(e.Rule) || g.Path != valid(e.Path) ||
				g.Reason != valid(e.Reason) || g.Owner != valid(e.Owner) || !g.Expires.Equal(e.Expires) {
				t.Fatalf("entry %d read back as %+v, want %+v", i+1, g, e)
			}
		}
	})
}

// FuzzAppend writes arbitrary entries with Append: an entry Append accepts
// must parse back with the same fields (reason trimmed), and one it refuses
// must be invalid (no reason, a bad glob).
func FuzzAppend(f *testing.F) {
	f.Add("x", "rule-id", "docs/**/*.md", "a reason", "owner", int64(0))
	f.Add("", "", "", "  ", "", int64(1))
	f.Add("s", "r\"\\'", "a\nb", "tab\there\r\nnewline", "\x7f\x00\x1b[31m", int64(19000))
	f.Add("s", "\xff\xfe", "café/*.txt", "\u2028 \ufeff", "o'''", int64(-1))
	f.Add("s", "", "[", "r", "", int64(0))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, secret, rule, glob, reason, owner string, days int64) {
		path := filepath.Join(dir, FileName)
		os.Remove(path)
		var exp time.Time
		if days > 0 {
			exp = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(days%(365*8000)))
		}
		e := NewEntry{Fingerprint: SecretHash(secret), Rule: rule, Path: glob, Reason: reason, Owner: owner, Expires: exp}
		err := Append(path, e)
		_, globErr := globRegexp(glob)
		ok := strings.TrimSpace(reason) != "" && (glob == "" || globErr == nil)
		if err != nil {
			if ok {
				t.Fatalf("valid entry refused: %v", err)
			}
			return
		}
		if !ok {
			t.Fatalf("invalid entry accepted: %+v", e)
		}
		file, err := Load(path)
		if err != nil {
			t.Fatalf("Append wrote a file that does not parse: %v", err)
		}
		if len(file.Entries) != 1 {
			t.Fatalf("%d entries", len(file.Entries))
		}
		g := file.Entries[0]
		if g.Fingerprint != e.Fingerprint || g.Rule != valid(rule) || g.Path != glob ||
			g.Reason != strings.TrimSpace(valid(reason)) || g.Owner != valid(owner) || !g.Expires.Equal(exp) {
			t.Fatalf("read back %+v, want %+v", g, e)
		}
		// The entry designates the secret it was made for.
		fd := finding.Finding{RuleID: rule, Secret: secret, File: "some/file"}
		if glob != "" {
			fd.File = literalPath(glob)
		}
		fd.Fingerprint = finding.Fingerprint(fd.RuleID, fd.Secret, fd.File)
		if fd.File != "" && valid(rule) == rule && !g.Matches(&fd, SecretHash(secret)) && !strings.ContainsAny(glob, "*?[") {
			t.Fatalf("entry %+v does not match %+v", g, fd)
		}
	})
}

// literalPath is the path a glob without wildcards names.
func literalPath(glob string) string { return strings.TrimPrefix(glob, "/") }

// FuzzMatchGlob: any pattern and path give an answer without panicking, and
// a glob spelling a path literally (wildcard characters in a class) matches
// that path, non-ASCII characters included, and also under "**/".
func FuzzMatchGlob(f *testing.F) {
	for _, s := range [][2]string{
		{"docs/**", "docs/a/b.md"}, {"*.pem", "a/b/c.pem"}, {"[!ab].txt", "c.txt"}, {"[", "x"},
		{"café/*.md", "café/x.md"}, {"a\\b", "a\\b"}, {"**/", "a/"}, {"[]]", "]"}, {"x/日本/*", "x/日本/y"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, path string) {
		MatchGlob(pattern, path)
		if path == "" || strings.HasPrefix(path, "/") || valid(path) != path {
			return
		}
		var b strings.Builder
		for _, r := range path {
			if strings.ContainsRune("*?[", r) {
				b.WriteString("[" + string(r) + "]")
			} else {
				b.WriteRune(r)
			}
		}
		lit := b.String()
		if !MatchGlob(lit, path) {
			t.Fatalf("glob %q does not match the path it spells, %q", lit, path)
		}
		if !strings.HasSuffix(path, "/") && !MatchGlob("**/"+lit, "x/"+path) {
			t.Fatalf("glob **/%s does not match x/%s", lit, path)
		}
	})
}
