package scanner

import (
	"regexp/syntax"
	"unicode"
)

// regexShape tells how far a rule's matches may reach from its keyword.
type regexShape struct {
	// spansLines: the regex repeats without bound (or more than 256 times)
	// something that matches both a newline and a non-space character (a
	// PEM body's `[A-Za-z0-9+/=\s]+`, `(?s).*`). Such a match may be longer
	// than any window around its keyword, so the matcher looks far ahead.
	// Whitespace-only gaps such as `\s*` do not count: windows already hold
	// the lines around a hit.
	spansLines bool
	// withinLine: every match lies on one line; the regex can match a
	// newline at most as its very last character (a terminator such as
	// `(?:["'\s]|$)`). Such a rule only needs the line of its keyword.
	withinLine bool
}

// shapeOf parses expr once (not simplified: Simplify expands x{512,600}
// into copies of x, which would hide a long bounded repeat).
func shapeOf(expr string) regexShape {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return regexShape{}
	}
	return regexShape{spansLines: hasLongMultiline(re), withinLine: newlineAt(re) != nlInside}
}

func hasLongMultiline(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus:
		if mixesNewline(re.Sub[0]) {
			return true
		}
	case syntax.OpRepeat:
		if (re.Max < 0 || re.Max > 256) && mixesNewline(re.Sub[0]) {
			return true
		}
	}
	for _, sub := range re.Sub {
		if hasLongMultiline(sub) {
			return true
		}
	}
	return false
}

// mixesNewline reports whether re can match a newline and also a character
// that is not white space.
func mixesNewline(re *syntax.Regexp) bool {
	nl, other := false, false
	var walk func(*syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpAnyChar:
			nl, other = true, true
		case syntax.OpAnyCharNotNL:
			other = true
		case syntax.OpLiteral:
			for _, r := range re.Rune {
				if r == '\n' {
					nl = true
				} else if !isSpace(r) {
					other = true
				}
			}
		case syntax.OpCharClass:
			for i := 0; i+1 < len(re.Rune); i += 2 {
				lo, hi := re.Rune[i], re.Rune[i+1]
				if lo <= '\n' && '\n' <= hi {
					nl = true
				}
				for r := lo; r <= hi; r++ {
					if !isSpace(r) {
						other = true
						break
					}
				}
			}
		}
		for _, sub := range re.Sub {
			walk(sub)
		}
	}
	walk(re)
	return nl && other
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
}

const (
	nlNever  = iota // never matches a newline
	nlLast          // only as the last character of what it matches
	nlInside        // possibly followed by more matched text
)

func newlineAt(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		for i, r := range re.Rune {
			if r == '\n' {
				if i == len(re.Rune)-1 {
					return nlLast
				}
				return nlInside
			}
		}
		return nlNever
	case syntax.OpCharClass, syntax.OpAnyChar:
		if matchesNewline(re) {
			return nlLast
		}
		return nlNever
	case syntax.OpCapture:
		return newlineAt(re.Sub[0])
	case syntax.OpAlternate:
		worst := nlNever
		for _, sub := range re.Sub {
			worst = max(worst, newlineAt(sub))
		}
		return worst
	case syntax.OpConcat:
		// A newline followed by anything that matches text is inside; be
		// conservative and count any element after a newline-capable one.
		res := nlNever
		for i, sub := range re.Sub {
			k := newlineAt(sub)
			if k == nlInside {
				return nlInside
			}
			if res == nlLast && !zeroWidth(sub) {
				return nlInside
			}
			if k == nlLast {
				res = nlLast
				if i == len(re.Sub)-1 {
					break
				}
			}
		}
		return res
	case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat, syntax.OpQuest:
		k := newlineAt(re.Sub[0])
		if k == nlNever {
			return nlNever
		}
		if re.Op == syntax.OpQuest || (re.Op == syntax.OpRepeat && re.Max == 1) {
			return k
		}
		return nlInside
	}
	return nlNever // empty-width assertions, empty match
}

func matchesNewline(re *syntax.Regexp) bool {
	if re.Op == syntax.OpAnyChar {
		return true
	}
	for i := 0; i+1 < len(re.Rune); i += 2 {
		if re.Rune[i] <= '\n' && '\n' <= re.Rune[i+1] {
			return true
		}
	}
	return false
}

func zeroWidth(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEmptyMatch:
		return true
	case syntax.OpCapture:
		return zeroWidth(re.Sub[0])
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !zeroWidth(sub) {
				return false
			}
		}
		return true
	}
	return false
}

// runNeed says that every finding of a rule needs, inside its window, a run
// of at least n consecutive bytes from a set: its secret is, or contains, a
// repeat such as `[A-Za-z0-9_+/=-]{16,}`. A window without such a run cannot
// yield a finding, so its (often expensive) regex need not run at all.
type runNeed struct {
	n   int
	set [256]bool
}

// needOf derives the run the secret group (0: the whole match) requires, or
// reports false when there is none worth checking (shorter than 8).
func needOf(expr string, group int) (runNeed, bool) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return runNeed{}, false
	}
	node := re
	if group > 0 {
		if node = findCapture(re, group); node == nil {
			return runNeed{}, false
		}
	}
	need, ok := requiredRun(node)
	if !ok || need.n < 8 {
		return runNeed{}, false
	}
	return need, true
}

func findCapture(re *syntax.Regexp, group int) *syntax.Regexp {
	if re.Op == syntax.OpCapture && re.Cap == group {
		return re
	}
	for _, sub := range re.Sub {
		if c := findCapture(sub, group); c != nil {
			return c
		}
	}
	return nil
}

// requiredRun returns the longest run every match of re must contain.
func requiredRun(re *syntax.Regexp) (runNeed, bool) {
	switch re.Op {
	case syntax.OpCapture:
		return requiredRun(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return runNeed{}, false
		}
		set, ok := charSet(re.Sub[0])
		if !ok {
			inner, ok := requiredRun(re.Sub[0])
			return inner, ok
		}
		return runNeed{n: re.Min, set: set}, true
	case syntax.OpConcat:
		best, found := runNeed{}, false
		for _, sub := range re.Sub {
			if r, ok := requiredRun(sub); ok && r.n > best.n {
				best, found = r, true
			}
		}
		return best, found
	case syntax.OpAlternate:
		// Every alternative must need a run; the weakest one decides.
		var out runNeed
		for i, sub := range re.Sub {
			r, ok := requiredRun(sub)
			if !ok {
				return runNeed{}, false
			}
			if i == 0 || r.n < out.n {
				out.n = r.n
			}
			for b := range out.set {
				out.set[b] = out.set[b] || r.set[b]
			}
		}
		return out, true
	}
	return runNeed{}, false
}

// charSet returns the bytes a one-character expression can consist of; any
// non-ASCII rune counts as every byte from 0x80 up (its UTF-8 form).
func charSet(re *syntax.Regexp) ([256]bool, bool) {
	var set [256]bool
	add := func(lo, hi rune) {
		for r := lo; r <= hi && r < 0x80; r++ {
			set[r] = true
		}
		if hi >= 0x80 {
			for b := 0x80; b < 256; b++ {
				set[b] = true
			}
		}
	}
	switch re.Op {
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			add(re.Rune[i], re.Rune[i+1])
		}
	case syntax.OpAnyCharNotNL:
		add(0, '\n'-1)
		add('\n'+1, 0x10FFFF)
	case syntax.OpAnyChar:
		add(0, 0x10FFFF)
	case syntax.OpLiteral:
		if len(re.Rune) != 1 {
			return set, false
		}
		add(re.Rune[0], re.Rune[0])
		if re.Flags&syntax.FoldCase != 0 {
			for f := unicode.SimpleFold(re.Rune[0]); f != re.Rune[0]; f = unicode.SimpleFold(f) {
				add(f, f)
			}
		}
	default:
		return set, false
	}
	return set, true
}

// mayHold reports whether buf[s:e] may hold the run: it does, or a run of
// set bytes reaches an edge of the window where the byte outside belongs to
// the set too, so the run might be completed there.
func (nd *runNeed) mayHold(buf []byte, s, e int) bool {
	fromEdge := s > 0 && nd.set[buf[s-1]]
	run := 0
	for i := s; i < e; i++ {
		if nd.set[buf[i]] {
			run++
			if run >= nd.n || (fromEdge && run == i-s+1) {
				return true
			}
		} else {
			run = 0
		}
	}
	return run > 0 && e < len(buf) && nd.set[buf[e]]
}
