package scanner

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// pathRegex is a path regex with the literals one of which every path it
// matches holds: most paths hold none, and are ruled out without running
// the regex (Go's unanchored search costs microseconds per path, and an
// archive's members are as many paths as a tree's files).
type pathRegex struct {
	re   *regexp.Regexp
	lits []string // lower-case ASCII; nil: no literal is required, run re
}

func newPathRegex(re *regexp.Regexp) pathRegex {
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
	for i := 0; i < len(path); i++ {
		if path[i] >= 0x80 {
			return ""
		}
	}
	return strings.ToLower(path)
}

// required returns literals (lower case) of which every match of re holds
// at least one; ok is false when there is no such set (or it is not worth
// looking for).
func required(re *syntax.Regexp) (lits []string, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		s := string(re.Rune)
		for i := 0; i < len(s); i++ {
			if s[i] >= 0x80 {
				return nil, false
			}
		}
		return []string{strings.ToLower(s)}, s != ""
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpConcat:
		// Every part must match: the part whose literals are longest.
		best, bestLen := []string(nil), 0
		for _, sub := range re.Sub {
			l, ok := required(sub)
			if !ok {
				continue
			}
			if n := shortest(l); n > bestLen {
				best, bestLen = l, n
			}
		}
		return best, best != nil
	case syntax.OpAlternate:
		// One branch matches: the literals of every branch.
		for _, sub := range re.Sub {
			l, ok := required(sub)
			if !ok {
				return nil, false
			}
			lits = append(lits, l...)
		}
		return lits, true
	}
	return nil, false
}

func shortest(lits []string) int {
	n := -1
	for _, l := range lits {
		if n < 0 || len(l) < n {
			n = len(l)
		}
	}
	return n
}

// pathRegexes compiles a list of path regexes; any matches when one does.
type pathRegexes []pathRegex

func newPathRegexes(res []*regexp.Regexp) pathRegexes {
	ps := make(pathRegexes, len(res))
	for i, re := range res {
		ps[i] = newPathRegex(re)
	}
	return ps
}

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

// compilePaths prepares the path regexes of m's set.
func (m *Matcher) compilePaths() {
	if m.set.Allowlist != nil {
		m.allowPaths = newPathRegexes(m.set.Allowlist.Paths)
	}
	for _, ri := range m.pathScoped {
		r := m.set.Rules[ri]
		sp := scopedPaths{rule: ri}
		if r.Path != nil {
			p := newPathRegex(r.Path)
			sp.path = &p
		}
		if r.Allowlist != nil {
			sp.allow = newPathRegexes(r.Allowlist.Paths)
		}
		m.scoped = append(m.scoped, sp)
	}
}
