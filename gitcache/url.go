// Package gitcache keeps what makes nightly sweeps of many repositories
// cheap: bare mirrors of remote repositories (a later run fetches only new
// objects) and, per repository, a record of the blobs already matched with
// a given rule set (an incremental scan reads only the others).
//
// Layout of a cache directory:
//
//	mirrors/<name>-<id>.git        bare mirror of a clone URL (every ref)
//	records/<name>-<id>/<key>.rec   blobs matched with rule set <key>, their findings
//	locks/<name>-<id>.lock          held while a process fetches or scans the repository
//
// <id> is a hash of the repository's identity (its normalised URL, or the
// absolute path of a local repository's git directory); <name> is a
// readable prefix of it. Credentials are never written: an https token
// comes from the environment for each run (see Auth).
package gitcache

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"net/url"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// Environment variables read for https credentials.
const (
	TokenEnv    = "KEYHOUND_GIT_TOKEN"    // the password or token
	UsernameEnv = "KEYHOUND_GIT_USERNAME" // default "x-access-token" (GitHub; GitLab takes "oauth2")
)

// Remote is a clone URL split into what may be shown and stored (URL, with
// no credentials) and the credentials to send with it (Auth, nil: none).
type Remote struct {
	URL  string
	Auth transport.AuthMethod
}

// NewRemote prepares raw (a clone URL as given) for cloning: credentials
// embedded in it (https://user:token@host/...) are moved out of the URL,
// and otherwise a token from the environment is used for https. A token is
// sent only over https, or over http to a loopback address; never in clear
// over a network.
func NewRemote(raw string, getenv func(string) string) Remote {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return Remote{URL: raw} // scp-like ssh or a file URL: no http credentials
	}
	r := Remote{URL: raw}
	scheme := strings.ToLower(u.Scheme)
	var user, pass string
	if u.User != nil {
		user = u.User.Username()
		pass, _ = u.User.Password()
		u.User = nil
		r.URL = u.String()
	}
	if scheme != "https" && !(scheme == "http" && isLoopback(u.Hostname())) {
		return r
	}
	if pass == "" && getenv != nil {
		if tok := getenv(TokenEnv); tok != "" {
			pass = tok
			if user == "" {
				user = getenv(UsernameEnv)
			}
		}
	}
	if pass != "" {
		if user == "" {
			user = "x-access-token"
		}
		r.Auth = &githttp.BasicAuth{Username: user, Password: pass}
	}
	return r
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Redact returns raw without the credentials a URL may embed, for messages
// and reports.
func Redact(raw string) string {
	if !strings.Contains(raw, "@") || !strings.Contains(raw, "://") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if i, j := strings.Index(raw, "://"), strings.LastIndex(raw, "@"); err != nil && i >= 0 && j > i {
			return raw[:i+3] + raw[j+1:]
		}
		return raw
	}
	u.User = nil
	return u.String()
}

// Normalize returns the identity of a repository named by a clone URL or a
// path: credentials removed, scheme and host lower-cased, trailing slashes
// and a ".git" suffix dropped, so that spellings of one repository agree.
func Normalize(repo string) string {
	s := strings.TrimSpace(Redact(repo))
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && u.Host != "" {
		u.Scheme = strings.ToLower(u.Scheme)
		u.Host = strings.ToLower(u.Host)
		s = u.String()
	}
	s = strings.TrimRight(s, "/")
	s = strings.TrimSuffix(s, ".git")
	return strings.TrimRight(s, "/")
}

// slug returns the file name used for a repository identity: a readable
// part of it and a hash of all of it.
func slug(id string) string {
	sum := sha256.Sum256([]byte(id))
	name := id
	if i := strings.Index(name, "://"); i >= 0 {
		name = name[i+3:]
	}
	var b strings.Builder
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_':
			b.WriteRune(c)
		default:
			b.WriteByte('_')
		}
	}
	n := strings.Trim(b.String(), "_.")
	if len(n) > 60 {
		n = n[len(n)-60:]
	}
	return n + "-" + hex.EncodeToString(sum[:8])
}
