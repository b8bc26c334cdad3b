package verify

import (
	"context"
	"regexp"
	"sort"
	"sync"

	"github.com/keyhound/keyhound/finding"
)

// Verifier checks the secrets of some rules against one provider.
type Verifier struct {
	Name  string   // provider, e.g. "github"
	Rules []string // rule ids whose secrets it checks
	// Hosts are the only hosts Check may contact (port 443, HTTPS). An
	// entry "*.example.com" allows exactly one extra DNS label of letters,
	// digits and hyphens (a Mailchimp data centre).
	Hosts []string
	// Companions are rule ids whose secrets, found in the same file or
	// commit, are paired with this secret (an AWS key id with its secret
	// key). CompanionPattern also takes companion values from the matched
	// text of findings in the same file or commit.
	Companions       []string
	CompanionPattern *regexp.Regexp
	// NeedsCompanion: without a companion value the status is unknown.
	NeedsCompanion bool
	// Check sends the request(s) through h and reads the answer.
	Check func(ctx context.Context, h *HTTP, in Input) Result
	// Doc describes what is sent where, for docs/verification.md.
	Doc string
}

// Input is what a verifier checks: one secret and its companion values.
type Input struct {
	Rule       string
	Secret     string
	Match      string
	Companions []string // sorted, without duplicates
}

// Result is a verifier's answer.
type Result struct {
	Status   string // finding.StatusLive, StatusInvalid, StatusUnknown or StatusError
	Detail   string
	Identity string
	Scopes   []string
}

func live(identity, detail string, scopes ...string) Result {
	return Result{Status: finding.StatusLive, Identity: identity, Detail: detail, Scopes: scopes}
}

func invalid(detail string) Result { return Result{Status: finding.StatusInvalid, Detail: detail} }

func failed(detail string) Result { return Result{Status: finding.StatusError, Detail: detail} }

func unknown(detail string) Result { return Result{Status: finding.StatusUnknown, Detail: detail} }

// Registry maps rule ids to their verifier.
type Registry struct {
	byRule map[string]*Verifier
	all    []*Verifier
}

// NewRegistry indexes vs by rule id; a rule served by two verifiers keeps the first.
func NewRegistry(vs []*Verifier) *Registry {
	r := &Registry{byRule: map[string]*Verifier{}}
	for _, v := range vs {
		r.all = append(r.all, v)
		for _, id := range v.Rules {
			if _, ok := r.byRule[id]; !ok {
				r.byRule[id] = v
			}
		}
	}
	return r
}

// For returns the verifier of a rule, or nil.
func (r *Registry) For(rule string) *Verifier { return r.byRule[rule] }

// Verifiers returns every verifier, in registration order.
func (r *Registry) Verifiers() []*Verifier { return r.all }

// Rules returns every rule id that has a verifier, sorted.
func (r *Registry) Rules() []string {
	var ids []string
	for id := range r.byRule {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// lazyRE compiles expr on first use: keyhound runs that never verify pay nothing at start-up.
func lazyRE(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// Default is the registry of every built-in verifier.
func Default() *Registry { return NewRegistry(builtin()) }
