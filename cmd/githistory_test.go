package cmd

import (
	"reflect"
	"strings"
	"testing"
)

// keyhound git --since, --until and -- PATHSPEC, and gitleaks's --log-opts
// mapped onto them, end to end.
func TestGitHistoryFilters(t *testing.T) {
	r := newCLIRepo(t)
	s1, s2, s3 := gitToken(31), gitToken(32), gitToken(33)
	r.write("app/a.env", "A="+s1+"\n")
	r.commit("one")
	r.write("app/a.env", "A="+s1+"\nB="+s2+"\n")
	c2 := r.commit("two")
	r.write("docs/c.md", "C="+s3+"\n")
	r.commit("three")
	date := func(c string) string { return r.git("show", "-s", "--format=%cI", c) }

	secrets := func(res result) []string {
		t.Helper()
		var out []string
		for _, f := range parseGitJSON(t, res.stdout).Findings {
			out = append(out, f.File+" "+f.Secret)
		}
		return out
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"everything", nil, []string{"app/a.env " + s1, "app/a.env " + s2, "docs/c.md " + s3}},
		{"since the second commit", []string{"--since", date(c2)}, []string{"app/a.env " + s2, "docs/c.md " + s3}},
		{"until the second commit", []string{"--until=" + date(c2)}, []string{"app/a.env " + s1, "app/a.env " + s2}},
		{"a pathspec", []string{"--", "docs"}, []string{"docs/c.md " + s3}},
		{"an excluding pathspec", []string{"--", ":!docs"}, []string{"app/a.env " + s1, "app/a.env " + s2}},
		{"gitleaks --log-opts", []string{"--log-opts", "--all --since=" + date(c2) + " -- app"}, []string{"app/a.env " + s2}},
		{"--log-opts with a range", []string{"--log-opts", c2 + "..HEAD"}, []string{"docs/c.md " + s3}},
	}
	for _, tt := range tests {
		args := append([]string{"-f", "json"}, tt.args...)
		if n := len(tt.args); n > 0 && contains(tt.args, "--") {
			at := 0
			for i, a := range args {
				if a == "--" {
					at = i
				}
			}
			args = append(append(append([]string{}, args[:at]...), r.dir), args[at:]...)
		} else {
			args = append(args, r.dir)
		}
		res := runGitCmd(t, args...)
		if got := secrets(res); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s (%q): exit %d, got %q, want %q\n%s", tt.name, args, res.code, got, tt.want, res.stderr)
		}
	}

	// gitleaks's detect with --log-opts.
	res := runGitCmdArgs(t, "detect", "--source", r.dir, "--log-opts=--since="+date(c2)+" -- docs", "-f", "json")
	if got := secrets(res); !reflect.DeepEqual(got, []string{"docs/c.md " + s3}) {
		t.Errorf("detect --log-opts: %q %s", got, res.stderr)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--since", "last tuesday", r.dir}, `--since "last tuesday": not a date`},
		{[]string{"--log-opts", "-n 5", r.dir}, `--log-opts "-n 5": -n is not supported`},
		{[]string{"--log-opts", "--since=2024-01-01", "--since", "2024-01-01", r.dir}, "give one of them"},
		{[]string{"--staged", "--since", "2024-01-01", r.dir}, "--staged cannot be combined with --since"},
		{[]string{"--since", "2025-01-02", "--until", "2025-01-01", r.dir}, "is before --since"},
		{[]string{r.dir, "--", ":(icase)x"}, "only the exclude magic"},
	} {
		res := runGitCmd(t, bad.args...)
		if res.code != 2 || !strings.Contains(res.stderr, bad.want) || strings.Count(res.stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q, want one line with %q", bad.args, res.code, res.stderr, bad.want)
		}
	}
}
