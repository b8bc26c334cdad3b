package cmd

import (
	"path/filepath"
	"testing"
)

// TestStdinNameActsAsPath: keyhound stdin --name NAME treats the content as
// keyhound dir treats a file of that name: path allowlists and path-scoped
// rules apply to NAME.
func TestStdinNameActsAsPath(t *testing.T) {
	content := "token = \"" + fakeGitHubPAT(11) + "\"\n"
	pathRule := filepath.Join(t.TempDir(), "rules.toml")
	writeFile(t, pathRule, "[extend]\nuse_default = true\n\n[[rules]]\nid = \"npmrc-only\"\ndescription = \"only in .npmrc\"\nregex = '''\\bzzauth_[a-z]{12}\\b'''\nkeywords = [\"zzauth_\"]\npath = '''\\.npmrc$'''\n")
	tests := []struct {
		name, file, content string
		args                []string
		want                int
	}{
		{"global path allowlist (go.sum)", "go.sum", content, nil, 0},
		{"not allowlisted", "app.env", content, nil, 1},
		{"nested allowlisted path", "sub/go.sum", content, nil, 0},
		{"path-scoped rule in its path", ".npmrc", "zzauth_qmwnebrvtcyx\n", []string{"-c", pathRule}, 1},
		{"path-scoped rule elsewhere", "app.txt", "zzauth_qmwnebrvtcyx\n", []string{"-c", pathRule}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, tc.file), tc.content)
			d := runBuiltinIn(t, "", append([]string{"dir", "-f", "json", dir}, tc.args...)...)
			s := runBuiltinIn(t, tc.content, append([]string{"stdin", "--name", tc.file, "-f", "json"}, tc.args...)...)
			if d.code != s.code {
				t.Fatalf("dir exits %d, stdin --name %s exits %d\ndir: %s\nstdin: %s%s", d.code, tc.file, s.code, d.stdout, s.stdout, s.stderr)
			}
			dk, sk := reportKeys(t, d.stdout), reportKeys(t, s.stdout)
			if len(dk) != tc.want || len(sk) != tc.want {
				t.Errorf("dir found %q, stdin found %q; want %d each", dk, sk, tc.want)
			}
		})
	}
}
