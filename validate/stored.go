package validate

import (
	"regexp"
	"strings"
	"sync"
)

// StoredPassword is the value check of rules for files whose format says a
// value is a password (.netrc, .pgpass, .git-credentials, FTP, SFTP and
// database clients' saved connections, docker-compose environments): there
// a dictionary word is a weak password, not a sign of a placeholder. It
// fails only empty values, template and environment references, constant
// names (DB_PASSWORD), masks, and the handful of words documentation puts in
// a password's place.
func StoredPassword(secret string) bool {
	v := strings.Trim(secret, `"'`+"`")
	if len(v) < 3 || len(v) > 256 {
		return false
	}
	low := strings.ToLower(v)
	if storedPlaceholders[low] || strings.Trim(low, "*x•.#-_?0 ") == "" {
		return false
	}
	for _, p := range []string{"<", "${", "{{", "{%", "$(", "%(", "your", "process.env", "os.environ", "env.", "secrets."} {
		if strings.HasPrefix(low, p) {
			return false
		}
	}
	if strings.IndexByte("_-.=", v[len(v)-1]) >= 0 && alnumCount(v) < 6 {
		return false // a few characters cut short at a separator: "ghp_", "glpat-.."
	}
	if len(v) < 16 && truncatedTokenRe().MatchString(v) {
		return false // a token prefix with a short tail: a truncated token
	}
	return !isReference(v) && !constNameRe().MatchString(v)
}

// truncatedTokenRe matches the prefixes of provider tokens.
var truncatedTokenRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:gh[pousr]_|github_pat_|npm_|pypi-|gl[a-z]*-|xox[a-z]-|sk[-_]|AKIA|AGE-)`)
})

// storedPlaceholders are the exact values documentation and templates put
// where a password goes.
var storedPlaceholders = map[string]bool{
	"password": true, "passwd": true, "pass": true, "pwd": true, "secret": true, "changeme": true,
	"change_me": true, "change-me": true, "changeit": true, "example": true, "placeholder": true,
	"redacted": true, "dummy": true, "none": true, "null": true, "nil": true, "undefined": true,
	"empty": true, "mypassword": true, "my_password": true, "yourpassword": true, "todo": true,
	"fixme": true, "required": true, "optional": true, "string": true, "value": true,
	"anonymous": true, // anonymous FTP
}

// constNameRe matches a constant or environment variable name standing
// for the password (DB_PASSWORD, MYSQL_ROOT_PASSWORD).
var constNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)+$`) })
