package webhook

import "fmt"

// Redact applies --redact to hooks: afterwards no hook receives a secret.
// It returns one notice per hook that was configured with include_secret,
// naming it, for the caller to print: --redact wins over include_secret.
func Redact(hooks []Hook) []string {
	var notices []string
	for i := range hooks {
		h := &hooks[i]
		if h.IncludeSecret {
			h.IncludeSecret = false
			notices = append(notices, fmt.Sprintf("--redact: webhook %s (%s) receives findings without their secret (include_secret overridden)", displayURL(h.URL), h.Name))
		}
	}
	return notices
}
