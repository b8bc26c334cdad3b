package cmd

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/ignore"
)

// A rule id that names no rule, in a webhook's rules or an ignore entry's
// rule, is a configuration error naming the file, the entry and the id,
// with the closest rule id suggested: a typo must not silently turn a
// webhook or an ignore entry off.
func TestUnknownRuleIDs(t *testing.T) {
	const typo = "kh-test-tokn" // for kh-test-token
	for _, tc := range []struct {
		name, config, ignoreFile string
		want                     []string
	}{
		{
			name:   "webhook rules",
			config: "[extend]\nuse_default = true\n[[webhooks]]\nurl = \"http://127.0.0.1:1/hook\"\nrules = [\"kh-test-password\", \"" + typo + "\"]\n",
			want:   []string{".keyhound.toml", "[[webhooks]] #1", `"` + typo + `"`, "kh-test-token"},
		},
		{
			name:       "ignore entry rule",
			ignoreFile: ignoreEntry(ignore.SecretHash("x"), `rule = "kh-test-password"`) + ignoreEntry(ignore.SecretHash("y"), `rule = "`+typo+`"`),
			want:       []string{ignore.FileName + ":7: entry #2", `"` + typo + `"`, "kh-test-token"},
		},
		{
			name:   "disabled_rules",
			config: "[extend]\nuse_default = true\ndisabled_rules = [\"" + typo + "\"]\n",
			want:   []string{".keyhound.toml", "disabled_rules", `"` + typo + `"`, "kh-test-token"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "a.txt"), "nothing here\n")
			if tc.config != "" {
				writeFile(t, filepath.Join(dir, ".keyhound.toml"), tc.config)
			}
			if tc.ignoreFile != "" {
				writeFile(t, filepath.Join(dir, ignore.FileName), tc.ignoreFile)
			}
			r := run(t, "", "dir", dir)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2; stderr %s", r.code, r.stderr)
			}
			if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
				t.Errorf("want one line on stderr, got %d:\n%s", n+1, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not mention %q: %s", w, r.stderr)
				}
			}
		})
	}
	// A rule that exists but is disabled is no error in an ignore entry or
	// a webhook: the entry or hook simply has nothing to do.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.txt"), "nothing here\n")
	writeFile(t, filepath.Join(dir, ".keyhound.toml"), "[extend]\nuse_default = true\ndisabled_rules = [\"kh-test-token\"]\n[[webhooks]]\nurl = \"http://127.0.0.1:1/hook\"\nrules = [\"kh-test-token\"]\n")
	writeFile(t, filepath.Join(dir, ignore.FileName), ignoreEntry(ignore.SecretHash("x"), `rule = "kh-test-token"`))
	if r := run(t, "", "dir", "--webhook-dry-run", dir); r.code != 0 {
		t.Errorf("disabled rule named: exit %d %s", r.code, r.stderr)
	}
}
