package cmd

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseGitDate(t *testing.T) {
	utc := time.UTC
	now := time.Date(2026, 3, 15, 10, 30, 0, 0, utc)
	tests := []struct {
		in       string
		endOfDay bool
		want     time.Time
	}{
		{"2024-05-01", false, time.Date(2024, 5, 1, 0, 0, 0, 0, utc)},
		{"2024-05-01", true, time.Date(2024, 5, 1, 23, 59, 59, 0, utc)},
		{"2024-05-01 13:45", false, time.Date(2024, 5, 1, 13, 45, 0, 0, utc)},
		{"2024-05-01 13:45:07", true, time.Date(2024, 5, 1, 13, 45, 7, 0, utc)},
		{"2024-05-01T13:45:07+02:00", false, time.Date(2024, 5, 1, 11, 45, 7, 0, utc)},
		{"@1714567890", false, time.Unix(1714567890, 0)},
		{"2 weeks ago", false, now.AddDate(0, 0, -14)},
		{"3.days.ago", false, now.AddDate(0, 0, -3)},
		{"1 month ago", false, now.AddDate(0, -1, 0)},
		{"yesterday", false, time.Date(2026, 3, 14, 0, 0, 0, 0, utc)},
		{"yesterday", true, time.Date(2026, 3, 14, 23, 59, 59, 0, utc)},
		{"now", true, now},
	}
	for _, tt := range tests {
		got, err := parseGitDate(tt.in, now, tt.endOfDay)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseGitDate(%q, %v) = %v, %v; want %v", tt.in, tt.endOfDay, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "last tuesday", "2024-13-01", "@x", "5 fortnights ago"} {
		if _, err := parseGitDate(bad, now, false); err == nil {
			t.Errorf("parseGitDate(%q): no error", bad)
		}
	}
}

func TestParseLogOpts(t *testing.T) {
	tests := []struct {
		in   string
		want logOpts
		err  string
	}{
		{"--all --since=2024-01-01", logOpts{since: "2024-01-01"}, ""},
		{`--after "2 weeks ago" --before=2024-06-01`, logOpts{since: "2 weeks ago", until: "2024-06-01"}, ""},
		{"main..feature -- src ':!src/gen'", logOpts{rangeAB: "main..feature", paths: []string{"src", ":!src/gen"}}, ""},
		{"release -p -U0 --full-history", logOpts{branch: "release"}, ""},
		{"-n 5", logOpts{}, "-n is not supported"},
		{"--author=ada", logOpts{}, "--author=ada is not supported"},
		{"a...b", logOpts{}, "did you mean A..B"},
		{"main dev", logOpts{}, "dev is not supported"},
		{"--since", logOpts{}, "--since needs a date"},
		{`--since "2024`, logOpts{}, "unclosed"},
	}
	for _, tt := range tests {
		got, err := parseLogOpts(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "--log-opts ") {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

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
