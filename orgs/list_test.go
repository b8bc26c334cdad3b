package orgs

import "testing"

func TestFilterList(t *testing.T) {
	repos := []Repo{
		{CloneURL: "https://h/o/a.git", SSHURL: "git@h:o/a.git"},
		{CloneURL: "https://h/o/old.git", SSHURL: "git@h:o/old.git", Archived: true},
		{CloneURL: "https://h/o/fork.git", SSHURL: "git@h:o/fork.git", Fork: true},
		{CloneURL: "https://h/o/off.git", SSHURL: "git@h:o/off.git", Disabled: true},
		{CloneURL: "https://h/o/nossh.git"},
	}
	tests := []struct {
		f    Filter
		want string
		n    int
	}{
		{Filter{}, "https://h/o/a.git\nhttps://h/o/old.git\nhttps://h/o/fork.git\nhttps://h/o/nossh.git\n", 4},
		{Filter{SkipArchived: true, SkipForks: true}, "https://h/o/a.git\nhttps://h/o/nossh.git\n", 2},
		{Filter{SSH: true, SkipForks: true}, "git@h:o/a.git\ngit@h:o/old.git\n", 2},
	}
	for _, tt := range tests {
		if got, n := tt.f.List(repos); got != tt.want || n != tt.n {
			t.Errorf("%+v: %q (%d), want %q (%d)", tt.f, got, n, tt.want, tt.n)
		}
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{"GITHUB_TOKEN": "second", "GH_TOKEN": "third", "GITHUB_API_URL": "https://ghe/api/v3"}
	var g GitHub
	g.FromEnv("", func(k string) string { return env[k] })
	if g.Token != "second" || g.BaseURL != "https://ghe/api/v3" {
		t.Errorf("token %q, API %q", g.Token, g.BaseURL)
	}
	env["KEYHOUND_GITHUB_TOKEN"] = "first"
	g = GitHub{}
	g.FromEnv("https://given", func(k string) string { return env[k] })
	if g.Token != "first" || g.BaseURL != "https://given" {
		t.Errorf("token %q, API %q", g.Token, g.BaseURL)
	}
	g = GitHub{}
	g.FromEnv("", func(string) string { return "" })
	if g.Token != "" || g.BaseURL != "https://api.github.com" {
		t.Errorf("no environment: token %q, API %q", g.Token, g.BaseURL)
	}
}
