package scanner

import (
	"fmt"
	"strings"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

// Rejected is a candidate a rule's regex matched that is not reported, and
// why (Options.Explain, keyhound explain). Finding is the finding it would
// have been; its Secret is the secret, for the caller to mask.
type Rejected struct {
	Finding finding.Finding
	Reason  string
}

// rejected hands mt, which accept refused, to the worker's explain hook
// with the reason. pos is not moved: it stays where the chunk's findings
// start from.
func (w *Worker) rejected(buf []byte, mt *match, secret, path string, pos position, reason string) {
	if reason == "" {
		reason = w.m.why(w.m.set.Rules[mt.rule], buf, mt, secret)
	}
	w.explain(Rejected{Finding: w.m.toFinding(buf, mt, path, &pos), Reason: reason})
}

// pathRejected tells the explain hook that no rule runs on path because
// the global allowlist lists it.
func (w *Worker) pathRejected(path string) {
	a := w.m.set.Allowlist
	if a == nil {
		return
	}
	for _, re := range a.Paths {
		if re.MatchString(path) {
			w.explain(Rejected{Finding: finding.Finding{File: path}, Reason: fmt.Sprintf("not scanned: the path matches the allowlist path '%s'%s", short(re.String()), from(w.m.set))})
			return
		}
	}
}

// why says which of accept's checks refuses mt, in accept's order.
func (m *Matcher) why(r *rules.Rule, buf []byte, mt *match, secret string) string {
	if r.Entropy > 0 {
		if e := Entropy(secret); e < r.Entropy {
			return fmt.Sprintf("entropy %.2f is below the rule's minimum of %g (random secrets score higher)", e, r.Entropy)
		}
	}
	if r.Validate != nil && !r.Validate(secret) {
		var why string
		if strings.Contains(r.ValidateName, "checksum") {
			why = fmt.Sprintf("checksum failed (validate = %q): a made-up or mistyped token has no valid checksum", r.ValidateName)
		} else {
			why = fmt.Sprintf("fails the rule's %q check (validate): not shaped like a real one — a placeholder, an example, code or a made-up value", r.ValidateName)
		}
		if s := allowedBy(m.set.Allowlist, secret); s != "" {
			why += "; the global allowlist would also drop it: " + s
		}
		return why
	}
	if s := allowedBy(r.Allowlist, secret); s != "" {
		return "allowlisted by the rule's allowlist: " + s
	}
	if s := allowedBy(m.set.Allowlist, secret); s != "" {
		return "allowlisted by the global allowlist" + from(m.set) + ": " + s
	}
	ls := lineStart(buf, mt.start, markerReach)
	le := lineEnd(buf, mt.end, markerReach)
	if m := allowMarker(buf[ls:le]); m != "" {
		return "the comment " + m + " is on its line"
	}
	return "refused" // not reached: accept refused it
}

// from names the rule files a set came from, for a reason.
func from(set *rules.Set) string {
	if len(set.Sources) == 0 {
		return ""
	}
	return " of " + strings.Join(set.Sources, " + ")
}

// allowedBy names the regex or stopword of a that matches secret, "" if none.
func allowedBy(a *rules.Allowlist, secret string) string {
	if a == nil {
		return ""
	}
	secret = rules.KeyMaterial(secret)
	for _, re := range a.SecretRegexes() {
		if re.MatchString(secret) {
			return fmt.Sprintf("regex '%s' (a placeholder, example or published test value)", short(re.String()))
		}
	}
	low := strings.ToLower(secret)
	for _, w := range a.Stopwords {
		if strings.Contains(low, w) {
			return fmt.Sprintf("stopword %q (the value looks like a placeholder or an example)", w)
		}
	}
	return ""
}

// short cuts a long regex for a one-line reason.
func short(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}
