package scanner

import (
	"regexp/syntax"
	"slices"
	"strings"

	"github.com/keyhound/keyhound/rules"
)

// pathRegex is a path regex with the literals one of which every path it
// matches holds: most paths hold none, and are ruled out without running
// the regex (Go's unanchored search costs microseconds per path, and an
// archive's members are as many paths as a tree's files).
type pathRegex struct {
	re   *rules.Regex // compiled on first use: the literals rule out most paths
	lits []string     // lower-case ASCII; nil: no literal is required, run re
}

func newPathRegex(re *rules.Regex) pathRegex {
	p := pathRegex{re: re}
	if t, err := syntax.Parse(re.String(), syntax.Perl); err == nil {
		if lits, ok := required(t.Simplify()); ok {
			p.lits = lits
		}
	}
	return p
}

// match reports whether the regex matches path; lower is path in lower
// case, or "" when path holds a byte that is not ASCII (a case-insensitive
// regex matches some of those to ASCII letters: the regex alone decides).
func (p *pathRegex) match(path, lower string) bool {
	if p.lits != nil && lower != "" {
		found := false
		for _, l := range p.lits {
			if strings.Contains(lower, l) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return p.re.MatchString(path)
}

// asciiLower returns path in lower case, or "" when it is not all ASCII.
func asciiLower(path string) string {
	if !isASCII(path) {
		return ""
	}
	return strings.ToLower(path)
}

// required returns literals (lower case) of which every match of re holds
// at least one; ok is false when there is no such set.
func required(re *syntax.Regexp) (lits []string, ok bool) {
	in := analyze(re)
	if in.req == nil && !hasEmpty(in.exact) {
		in.req = in.exact
	}
	if in.req == nil || hasEmpty(in.req) {
		return nil, false
	}
	// A literal holding another one is found only where that one is.
	for _, l := range in.req {
		kept := true
		for _, o := range in.req {
			if len(o) < len(l) && strings.Contains(l, o) {
				kept = false
				break
			}
		}
		if kept {
			lits = append(lits, l)
		}
	}
	return lits, true
}

// maxExact bounds the strings an exact set may hold.
const maxExact = 64

// litInfo is what analyze knows of a regex's matches: exact, when not nil,
// holds every string it can match (with its empty-width assertions taken as
// always true, which only adds strings); req, when not nil, literals one of
// which every match holds.
type litInfo struct {
	exact, req []string
}

func analyze(re *syntax.Regexp) litInfo {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		if !isASCII(s) {
			return litInfo{}
		}
		return litInfo{exact: []string{strings.ToLower(s)}}
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return litInfo{exact: []string{""}}
	case syntax.OpCharClass:
		var set []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if hi >= 0x80 || hi-lo > 8 || len(set) > 16 {
				return litInfo{}
			}
			for c := lo; c <= hi; c++ {
				set = append(set, strings.ToLower(string(c)))
			}
		}
		return litInfo{exact: dedup(set)}
	case syntax.OpCapture:
		return analyze(re.Sub[0])
	case syntax.OpQuest:
		if in := analyze(re.Sub[0]); in.exact != nil {
			return litInfo{exact: dedup(append(in.exact, ""))}
		}
	case syntax.OpPlus:
		return needed(analyze(re.Sub[0]))
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return needed(analyze(re.Sub[0]))
		}
	case syntax.OpAlternate:
		// One branch matches: the strings, or else the literals, of every branch.
		exact, req := []string{}, []string{}
		for _, sub := range re.Sub {
			in := analyze(sub)
			if exact != nil && in.exact != nil {
				exact = append(exact, in.exact...)
			} else {
				exact = nil
			}
			if r := needed(in).req; req != nil && r != nil {
				req = append(req, r...)
			} else {
				req = nil
			}
		}
		if exact != nil && len(exact) <= maxExact {
			return litInfo{exact: dedup(exact)}
		}
		if req != nil {
			return litInfo{req: dedup(req)}
		}
	case syntax.OpConcat:
		// Every part matches: runs of parts with exact strings join into
		// longer literals; the best literals of all are kept.
		var best []string
		consider := func(lits []string) {
			if lits != nil && !hasEmpty(lits) && shortest(lits) > shortest(best) {
				best = lits
			}
		}
		run := []string{""}
		all := true
		for _, sub := range re.Sub {
			in := analyze(sub)
			if in.exact != nil && len(run)*len(in.exact) <= maxExact {
				run = cross(run, in.exact)
				continue
			}
			all = false
			consider(run)
			run = []string{""}
			if in.exact != nil {
				run = in.exact
				continue
			}
			consider(in.req)
		}
		if all {
			return litInfo{exact: run}
		}
		consider(run)
		return litInfo{req: best}
	}
	return litInfo{}
}

// needed turns an exact set without the empty string into required literals.
func needed(in litInfo) litInfo {
	if in.req == nil && in.exact != nil && !hasEmpty(in.exact) {
		return litInfo{req: in.exact}
	}
	return litInfo{req: in.req}
}

func cross(a, b []string) []string {
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, x+y)
		}
	}
	return dedup(out)
}

// dedup returns ss without repeats, in order, in a new slice. The lists
// analyze makes hold at most a few dozen strings: a linear search beats a
// map there, and the built-in path regexes are analysed at start-up.
func dedup(ss []string) []string {
	out := make([]string, 0, len(ss))
	var seen map[string]bool // for long lists only
	if len(ss) > 64 {
		seen = make(map[string]bool, len(ss))
	}
	for _, s := range ss {
		if seen != nil {
			if seen[s] {
				continue
			}
			seen[s] = true
		} else if slices.Contains(out, s) {
			continue
		}
		out = append(out, s)
	}
	return out
}

func hasEmpty(ss []string) bool {
	for _, s := range ss {
		if s == "" {
			return true
		}
	}
	return false
}

// shortest is the length of the shortest of lits (-1: none).
func shortest(lits []string) int {
	n := -1
	for _, l := range lits {
		if n < 0 || len(l) < n {
			n = len(l)
		}
	}
	return n
}

// pathRegexes is a list of path regexes; any matches when one does.
type pathRegexes []pathRegex

func (ps pathRegexes) match(path, lower string) bool {
	for i := range ps {
		if ps[i].match(path, lower) {
			return true
		}
	}
	return false
}

// scopedPaths are the path regex and path allowlist of rule i, one of
// Matcher.pathScoped.
type scopedPaths struct {
	rule  int
	path  *pathRegex // nil: every path
	allow pathRegexes
}

// pathFilters are the path regexes of a matcher's set with their required
// literals: the set's path allowlist, and each of Matcher.pathScoped.
type pathFilters struct {
	allow  pathRegexes
	scoped []scopedPaths
}

// pathFilters returns the path filters of m's set, working out the
// literals on the first call: that takes about a millisecond for the
// built-in rules, which a scan of nothing never needs.
func (m *Matcher) pathFilters() *pathFilters {
	m.pathOnce.Do(m.compilePaths)
	return &m.paths
}

// compilePaths prepares the path regexes of m's set. Rules often share a
// path allowlist regex: each distinct one is analysed once.
func (m *Matcher) compilePaths() {
	seen := map[*rules.Regex][]string{} // the rules package makes one Regex of each distinct source
	prep := func(re *rules.Regex) pathRegex {
		lits, ok := seen[re]
		if !ok {
			lits = newPathRegex(re).lits
			seen[re] = lits
		}
		return pathRegex{re: re, lits: lits}
	}
	list := func(res []*rules.Regex) pathRegexes {
		ps := make(pathRegexes, len(res))
		for i, re := range res {
			ps[i] = prep(re)
		}
		return ps
	}
	if m.set.Allowlist != nil {
		m.paths.allow = list(m.set.Allowlist.Paths)
	}
	for _, ri := range m.pathScoped {
		r := m.set.Rules[ri]
		sp := scopedPaths{rule: ri}
		if r.Path != nil {
			p := prep(r.Path)
			sp.path = &p
		}
		if r.Allowlist != nil {
			sp.allow = list(r.Allowlist.Paths)
		}
		m.paths.scoped = append(m.paths.scoped, sp)
	}
}
