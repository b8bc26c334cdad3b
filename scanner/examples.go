package scanner

import (
	"fmt"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

// CheckExamples runs every rule's examples (each must yield a finding of that
// rule) and negative examples (none may) through the full matcher (keywords, windows, validators, allowlists)
// and returns one message per failure.
func CheckExamples(set *rules.Set) []string {
	w := NewMatcher(set).NewWorker()
	var out []string
	check := func(r *rules.Rule, kind string, i int, ex string, want bool) {
		got := false
		err := w.ScanBytes([]byte(ex), "", func(f finding.Finding) {
			if f.Reports(r.ID) {
				got = true
			}
		})
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("rule %s: %s %d: %v", r.ID, kind, i+1, err))
		case got != want && want:
			out = append(out, fmt.Sprintf("rule %s: example %d produced no finding: %q", r.ID, i+1, ex))
		case got != want:
			out = append(out, fmt.Sprintf("rule %s: negative example %d produced a finding: %q", r.ID, i+1, ex))
		}
	}
	for _, r := range set.Rules {
		if len(r.Examples) == 0 {
			out = append(out, fmt.Sprintf("rule %s: no examples", r.ID))
		}
		for i, ex := range r.Examples {
			check(r, "example", i, ex, true)
		}
		for i, ex := range r.NegativeExamples {
			check(r, "negative example", i, ex, false)
		}
	}
	return out
}
