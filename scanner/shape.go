package scanner

import (
	"bytes"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/keyhound/keyhound/rules"
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
	// span bounds where a match can lie: it consumes at most fixed bytes
	// outside unbounded repeats, and every byte an unbounded repeat
	// consumes is in gap (see reachEnd).
	span matchSpan
}

// parseExpr parses a rule's regex once for every analysis of its shape
// (not simplified: Simplify expands x{512,600} into copies of x, which
// would hide a long bounded repeat); nil when it does not parse, which
// each analysis takes for "nothing known".
func parseExpr(expr string) *syntax.Regexp {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	return re
}

// shapeOf returns the shape of the parsed regex re.
func shapeOf(re *syntax.Regexp) regexShape {
	if re == nil {
		return regexShape{}
	}
	return regexShape{spansLines: hasLongMultiline(re), withinLine: newlineAt(re) != nlInside, span: spanOf(re)}
}

// matchSpan bounds a regex's matches: at most fixed bytes of a match are
// consumed outside unbounded repeats (x*, x+, x{n,}), and those repeats
// consume only bytes in gap. So a match holds at most fixed bytes that are
// not in gap: from any byte of a match, its end lies before the
// (fixed+1)-th byte not in gap further on, and its start after the
// (fixed+1)-th one before (see reachEnd and reachStart).
type matchSpan struct {
	fixed int
	gap   [256]bool
	ok    bool // false: fixed is over a megabyte
}

func spanOf(re *syntax.Regexp) matchSpan {
	var sp matchSpan
	n := sp.walk(re)
	sp.fixed, sp.ok = n, n >= 0
	return sp
}

// walk returns the bytes re consumes outside unbounded repeats, at most
// (-1: over the limit), adding what unbounded repeats consume to gap.
// Lengths are in bytes of UTF-8 (a non-ASCII rune, or an ASCII letter
// that folds to one, as in (?i)k and the Kelvin sign, counts 4); invalid
// UTF-8 matches one byte at a time.
func (sp *matchSpan) walk(re *syntax.Regexp) int {
	const limit = 1 << 20
	n := 0
	switch re.Op {
	case syntax.OpLiteral:
		n = len(re.Rune)
		for _, r := range re.Rune {
			if r >= utf8.RuneSelf || (re.Flags&syntax.FoldCase != 0 && foldsWide(r)) {
				n += utf8.UTFMax - 1
			}
		}
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		n = 1
		if re.Op != syntax.OpCharClass || (len(re.Rune) > 0 && re.Rune[len(re.Rune)-1] >= utf8.RuneSelf) {
			n = utf8.UTFMax
		}
	case syntax.OpCapture, syntax.OpQuest:
		n = sp.walk(re.Sub[0])
	case syntax.OpConcat, syntax.OpAlternate:
		for _, sub := range re.Sub {
			k := sp.walk(sub)
			if k < 0 {
				return -1
			}
			if re.Op == syntax.OpConcat {
				n += k
			} else {
				n = max(n, k)
			}
		}
	case syntax.OpStar, syntax.OpPlus, syntax.OpRepeat:
		if re.Op == syntax.OpRepeat && re.Max >= 0 {
			k := sp.walk(re.Sub[0])
			if k < 0 {
				return -1
			}
			n = k * re.Max
			break
		}
		addBytes(&sp.gap, re.Sub[0])
	}
	if n > limit {
		return -1
	}
	return n
}

// foldsWide reports whether r has a case fold encoded in more than one byte.
func foldsWide(r rune) bool {
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// addBytes adds to set every byte that text matched by re can contain.
func addBytes(set *[256]bool, re *syntax.Regexp) {
	high := func() {
		for b := utf8.RuneSelf; b < 256; b++ {
			set[b] = true
		}
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if r >= utf8.RuneSelf {
				high()
				continue
			}
			set[r] = true
			if re.Flags&syntax.FoldCase != 0 {
				for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
					if f >= utf8.RuneSelf {
						high()
					} else {
						set[f] = true
					}
				}
			}
		}
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1] && r < utf8.RuneSelf; r++ {
				set[r] = true
			}
			if re.Rune[i+1] >= utf8.RuneSelf {
				high()
			}
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		for b := range set {
			set[b] = b != '\n' || re.Op == syntax.OpAnyChar || set[b]
		}
	}
	for _, sub := range re.Sub {
		addBytes(set, sub)
	}
}

// reachEnd returns where a match holding buf[from-1] must end by: just
// before the (fixed+1)-th byte from from on that is not in gap, or hi.
func (sp *matchSpan) reachEnd(buf []byte, from, hi int) int {
	left := sp.fixed
	for i := from; i < hi; i++ {
		if !sp.gap[buf[i]] {
			if left == 0 {
				return i
			}
			left--
		}
	}
	return hi
}

// reachStart returns where a match holding buf[to] must start from: just
// after the (fixed+1)-th byte before to that is not in gap, or lo.
func (sp *matchSpan) reachStart(buf []byte, to, lo int) int {
	left := sp.fixed
	for i := to - 1; i >= lo; i-- {
		if !sp.gap[buf[i]] {
			if left == 0 {
				return i + 1
			}
			left--
		}
	}
	return lo
}

// holdsKeyword reports whether every match of expr (re parsed) contains one of
// keywords (lower-case), as the prefilter sees them: one of the literals
// every match contains, or every string a match can start with, holds a
// keyword. (A literal matched only through a non-ASCII case fold, the
// Kelvin sign for k, is not seen as a keyword.)
func holdsKeyword(expr string, re *syntax.Regexp, keywords []string) bool {
	if allHold(rules.MustContain(expr), keywords) {
		return true
	}
	if re == nil {
		return false
	}
	pre, _ := prefixes(re, []lead{{}})
	return allHold(leadStrings(pre), keywords)
}

// maxPrefixes bounds the strings prefixes works with.
const maxPrefixes = 64

// lead is a string a match can start with (lower-case) and what the byte
// before it must be.
type lead struct {
	s   string
	ctx leadCtx
	// wide: s holds a case-insensitive letter with a non-ASCII fold (k, s),
	// so a match may start with bytes other than s's.
	wide bool
}

// leadCtx is what a match's start requires of the byte before it.
type leadCtx uint8

const (
	ctxAny      leadCtx = iota
	ctxBoundary         // \b, not yet knowing the byte after it
	ctxNonWord          // \b before a word byte: no word byte before
	ctxWord             // \b before a non-word byte: a word byte before
	ctxLine             // (?m)^: the start or a newline before
)

// holds reports whether a match may start at buf[at] as far as the byte
// before it goes; at 0 that byte is taken for a newline, as the start of
// the text is by \b and (?m)^.
func (c leadCtx) holds(buf []byte, at int) bool {
	prev := byte('\n')
	if at > 0 {
		prev = buf[at-1]
	}
	switch c {
	case ctxNonWord:
		return !isWordByte(prev)
	case ctxWord:
		return isWordByte(prev)
	case ctxLine:
		return prev == '\n'
	}
	return true
}

// isWordByte reports whether b is an ASCII word character (\w), as \b sees
// it: a byte of a non-ASCII rune never is one.
func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
}

// leadStrings returns the strings of leads.
func leadStrings(leads []lead) []string {
	out := make([]string, len(leads))
	for i, l := range leads {
		out[i] = l.s
	}
	return out
}

// appendLead returns p followed by lit, settling a pending \b by lit's
// first byte.
func appendLead(p lead, lit string, wide bool) lead {
	if p.s == "" && lit != "" && p.ctx == ctxBoundary {
		p.ctx = ctxWord
		if isWordByte(lit[0]) {
			p.ctx = ctxNonWord
		}
	}
	p.s += lit
	p.wide = p.wide || wide
	return p
}

// prefixes returns the leads made of each of pre followed by a text re can
// start with, as far as re is literal or a small class; the bool says
// whether every one of them is all of what re matches (so a caller can go
// on to what follows re). nil: none known. A \b or (?m)^ before a lead's
// first byte sets its context.
func prefixes(re *syntax.Regexp, pre []lead) ([]lead, bool) {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary:
		out := make([]lead, len(pre))
		for i, p := range pre {
			if p.s == "" && p.ctx == ctxAny && re.Op != syntax.OpBeginText {
				p.ctx = ctxLine
				if re.Op == syntax.OpWordBoundary {
					p.ctx = ctxBoundary
				}
			}
			out[i] = p
		}
		return out, true
	case syntax.OpEmptyMatch:
		return pre, true
	case syntax.OpCapture:
		return prefixes(re.Sub[0], pre)
	case syntax.OpLiteral:
		lit := strings.ToLower(string(re.Rune))
		wide := false
		if re.Flags&syntax.FoldCase != 0 {
			for _, r := range re.Rune {
				wide = wide || foldsWide(r)
			}
		}
		out := make([]lead, len(pre))
		for i, p := range pre {
			out[i] = appendLead(p, lit, wide)
		}
		return out, true
	case syntax.OpCharClass:
		var chars []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if r >= utf8.RuneSelf || len(chars)*len(pre) > maxPrefixes {
					return pre, false
				}
				if c := strings.ToLower(string(r)); !hasString(chars, c) {
					chars = append(chars, c)
				}
			}
		}
		var out []lead
		for _, p := range pre {
			for _, c := range chars {
				out = append(out, appendLead(p, c, false))
			}
		}
		return out, true
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			var whole bool
			if pre, whole = prefixes(sub, pre); !whole {
				return pre, false
			}
		}
		return pre, true
	case syntax.OpAlternate:
		var out []lead
		whole := true
		for _, sub := range re.Sub {
			p, w := prefixes(sub, pre)
			out = append(out, p...)
			whole = whole && w
			if len(out) > maxPrefixes {
				return pre, false
			}
		}
		return out, whole
	}
	return pre, false
}

func hasString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// allHold reports whether each of lits (none: false) contains a keyword.
func allHold(lits, keywords []string) bool {
	if len(lits) == 0 {
		return false
	}
	for _, l := range lits {
		found := false
		for _, k := range keywords {
			if strings.Contains(l, k) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
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
		// Many lines of any length, as in `(?:[^\n]*\n){0,50}`: more than
		// the lines around a keyword that a window is sure to hold.
		if re.Max > manyLines && mixesNewline(re.Sub[0]) && hasUnbounded(re.Sub[0]) {
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

// manyLines is the most lines a bounded repeat may span (each line of any
// length) for its regex to count as staying near its keyword.
const manyLines = 16

// hasUnbounded reports whether re holds a repeat without an upper bound.
func hasUnbounded(re *syntax.Regexp) bool {
	if re.Op == syntax.OpStar || re.Op == syntax.OpPlus || (re.Op == syntax.OpRepeat && re.Max < 0) {
		return true
	}
	for _, sub := range re.Sub {
		if hasUnbounded(sub) {
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

// needOf derives, from the parsed regex re, the run the secret group (0: the whole match) requires, or
// reports false when there is none worth checking (shorter than 8).
func needOf(re *syntax.Regexp, group int) (runNeed, bool) {
	if re == nil {
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
	if s >= e {
		return false
	}
	if (s > 0 && nd.set[buf[s-1]] && nd.set[buf[s]]) || (e < len(buf) && nd.set[buf[e-1]] && nd.set[buf[e]]) {
		return true
	}
	// A run of n ending at i: if buf[i] is not in the set, none ends
	// before i+n; else look back for its start, and if it begins past
	// i-n+1, the first run that can end after it ends n on from there.
	for i := s + nd.n - 1; i < e; {
		if !nd.set[buf[i]] {
			i += nd.n
			continue
		}
		j := i - 1
		for j > i-nd.n && nd.set[buf[j]] {
			j--
		}
		if j == i-nd.n {
			return true
		}
		i = j + nd.n
	}
	return false
}

// litNeed says that every match of a rule holds, from each of a few sets,
// one of its literals (ASCII case-insensitively): `…https?://…:…@…` holds
// an "@", `(?i)klarna…(?:password|secret)…` a "password" or a "secret". A
// window lacking every literal of a set holds no match, so its regex need
// not run.
type litNeed struct {
	lits  *prefilter // every literal of every set
	set   []int      // literal -> its set
	nsets int
	// folds are the UTF-8 forms of non-ASCII runes that fold to a letter of
	// the literals (k, s): a window holding one is searched whole.
	folds [][]byte
	// plain are the sets whose literals hold no letter (`@`, `://`): no
	// case or fold to allow for, so a window lacking them all is ruled
	// out by a byte search, many bytes at a time, before the automaton.
	plain [][][]byte
}

// maxNeedLits bounds the literals of a litNeed.
const maxNeedLits = 32

// litNeedOf returns the literal sets every match of re holds one of each
// of, leaving out those with a literal that one of keywords holds (a
// window around that keyword has it); nil if none remain.
func litNeedOf(re *syntax.Regexp, keywords []string) *litNeed {
	if re == nil {
		return nil
	}
	var lits []string
	ln := &litNeed{}
	for _, set := range litSets(re) {
		if anyHeld(set, keywords) || tooCommon(set) || len(lits)+len(set) > maxNeedLits {
			continue
		}
		plain := true
		for _, l := range set {
			lits = append(lits, l)
			ln.set = append(ln.set, ln.nsets)
			plain = plain && strings.IndexFunc(l, unicode.IsLetter) < 0
		}
		if plain {
			var ps [][]byte
			for _, l := range set {
				ps = append(ps, []byte(l))
			}
			ln.plain = append(ln.plain, ps)
		}
		ln.nsets++
	}
	if ln.nsets == 0 {
		return nil
	}
	ln.lits = newAutomaton(lits)
	for _, r := range wideFolds(lits) {
		ln.folds = append(ln.folds, utf8.AppendRune(nil, r))
	}
	return ln
}

// tooCommon reports whether a literal of set is a single byte other than
// "@": nearly every window holds a "=", ":" or newline, and looking for it
// would only add a pass over the window.
func tooCommon(set []string) bool {
	for _, l := range set {
		if len(l) < 2 && l != "@" {
			return true
		}
	}
	return false
}

// anyHeld reports whether a keyword holds one of lits.
func anyHeld(lits, keywords []string) bool {
	for _, l := range lits {
		for _, k := range keywords {
			if strings.Contains(k, l) {
				return true
			}
		}
	}
	return false
}

// litSets returns sets of literals (lower-case ASCII) such that every match
// of re holds one literal of each set.
func litSets(re *syntax.Regexp) [][]string {
	switch re.Op {
	case syntax.OpLiteral:
		lit := string(re.Rune)
		if !isASCII(lit) {
			return nil
		}
		return [][]string{{strings.ToLower(lit)}}
	case syntax.OpCapture, syntax.OpPlus:
		return litSets(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return litSets(re.Sub[0])
		}
	case syntax.OpConcat:
		var out [][]string
		for _, sub := range re.Sub {
			out = append(out, litSets(sub)...)
		}
		return out
	case syntax.OpAlternate:
		// One literal set per alternative (its longest-shortest one);
		// their union is one set of the whole.
		var union []string
		for _, sub := range re.Sub {
			best := bestSet(litSets(sub))
			if best == nil {
				return nil
			}
			for _, l := range best {
				if !slices.Contains(union, l) {
					union = append(union, l)
				}
			}
		}
		return [][]string{union}
	}
	return nil
}

// bestSet returns the set whose shortest literal is longest, nil if none.
func bestSet(sets [][]string) []string {
	var best []string
	bestLen := 0
	for _, set := range sets {
		short := len(set[0])
		for _, l := range set {
			short = min(short, len(l))
		}
		if short > bestLen {
			best, bestLen = set, short
		}
	}
	return best
}

// lastStart returns the last offset of win at which a match may start: a
// match holds a literal of every set, none starting before the match does.
// -1: some set has no literal in win (a set without letters, whatever win
// holds: no fold stands for one of its bytes); len(win) when win holds a
// non-ASCII fold of one of their letters.
func (ln *litNeed) lastStart(win []byte, sc *startScratch) int {
	for _, set := range ln.plain {
		if !slices.ContainsFunc(set, func(l []byte) bool { return bytes.Contains(win, l) }) {
			return -1
		}
	}
	for _, f := range ln.folds {
		if bytes.Contains(win, f) {
			return len(win)
		}
	}
	sc.hits = ln.lits.find(win, sc.hits[:0], &sc.hits2)
	var last [maxNeedLits]int
	for i := range ln.nsets {
		last[i] = -1
	}
	for _, h := range sc.hits {
		last[ln.set[h.pat]] = max(last[ln.set[h.pat]], h.end-ln.lits.plen[h.pat])
	}
	return slices.Min(last[:ln.nsets])
}
