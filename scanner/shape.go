package scanner

import "regexp/syntax"

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
