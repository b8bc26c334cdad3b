package verify

import "github.com/keyhound/keyhound/rules"

// RuleListing is one rule as `keyhound rules list --json` gives it.
type RuleListing struct {
	ID          string   `json:"id"`
	Description string   `json:"description"`
	Severity    string   `json:"severity"`
	Keywords    []string `json:"keywords"`
	Tags        []string `json:"tags"`
	Verifier    string   `json:"verifier"` // the provider --verify checks it against; "" for none
}

// List describes every rule of set, with the provider r verifies its
// secrets against; verifiable counts the rules that have one.
func (r *Registry) List(set *rules.Set) (list []RuleListing, verifiable int) {
	list = []RuleListing{}
	for _, rule := range set.Rules {
		l := RuleListing{ID: rule.ID, Description: rule.Description, Severity: rule.Severity,
			Keywords: nonNil(rule.Keywords), Tags: nonNil(rule.Tags)}
		if v := r.For(rule.ID); v != nil {
			l.Verifier = v.Name
			verifiable++
		}
		list = append(list, l)
	}
	return list, verifiable
}

// nonNil is s, or an empty list for nil (JSON [] rather than null).
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
