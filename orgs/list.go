package orgs

import "strings"

// TokenEnv are the environment variables a GitHub token is read from, the
// first set winning.
var TokenEnv = []string{"KEYHOUND_GITHUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"}

// FromEnv sets g's BaseURL (apiURL, else $GITHUB_API_URL, else
// https://api.github.com) and Token (TokenEnv) from getenv.
func (g *GitHub) FromEnv(apiURL string, getenv func(string) string) {
	if apiURL == "" {
		apiURL = getenv("GITHUB_API_URL")
	}
	if apiURL == "" {
		apiURL = "https://api.github.com"
	}
	g.BaseURL = apiURL
	for _, name := range TokenEnv {
		if v := getenv(name); v != "" {
			g.Token = v
			return
		}
	}
}

// Filter says which repositories a list keeps and by which URL.
type Filter struct {
	SSH          bool // git@host:org/repo.git instead of the https clone URL
	SkipArchived bool
	SkipForks    bool
}

// List is the clone URLs of repos that f keeps, one a line; disabled
// repositories and those without such a URL are left out.
func (f Filter) List(repos []Repo) (list string, n int) {
	var b strings.Builder
	for _, r := range repos {
		if (f.SkipArchived && r.Archived) || (f.SkipForks && r.Fork) || r.Disabled {
			continue
		}
		u := r.CloneURL
		if f.SSH {
			u = r.SSHURL
		}
		if u == "" {
			continue
		}
		b.WriteString(u)
		b.WriteByte('\n')
		n++
	}
	return b.String(), n
}
