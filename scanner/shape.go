package scanner

import "regexp/syntax"

// spansLines reports whether a regex can match a long run of text across line
// breaks: it repeats without bound something that matches both a newline and
// a non-space character (a PEM body's `[A-Za-z0-9+/=\s]+`, `(?s).*`). Such a
// match may be longer than any window around its keyword, so when a window
// holds no match the matcher widens it. Whitespace-only gaps such as `\s*`
// do not count: line-aligned windows already hold the lines around a hit.
func spansLines(expr string) bool {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return false
	}
	return hasLongMultiline(re.Simplify())
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
