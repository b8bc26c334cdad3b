package scanner

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
)

// A rule's regex runs in a window as Go's FindAll does: at each position in
// turn it tries to match, and after a match it goes on from its end. For
// the large case-insensitive alternations of the generic rules Go's engine
// then steps hundreds of threads over every byte of the window, at about a
// megabyte a second. When every match of a regex starts with one of a few
// literals (`(?i)(?:hashed|…|pass(?:word)?|pwd)…`, `\bAQE…`), only the
// places where one occurs can start a match: the matcher finds them with a
// small automaton and tries the regex anchored there, which yields exactly
// FindAll's matches (see startSet.findAll) at a fraction of the cost. A
// place whose byte before cannot precede a match (a word byte before
// `\bkey`) is not tried at all.

// startSet is what finds the places where a rule's matches can start. It
// is shared by all workers.
type startSet struct {
	lits *prefilter // the literals a match starts with (ASCII case-insensitively)
	// ctx is, per literal, what the byte before it must be: a literal
	// found right after a word byte cannot start a match of `\bkey`.
	ctx []leadCtx
	// folds are the UTF-8 forms of non-ASCII runes that fold to a letter of
	// the literals (the Kelvin sign for k, ſ for s): a window holding one
	// may have a match the automaton does not see, and is searched whole.
	folds [][]byte

	expr  string
	once  sync.Once
	after *regexp.Regexp // ^(?s:.)(?:expr), compiled on first use (see findAll)
}

// afterRegexp returns the regex anchored one byte after the start of its
// input, or nil if it does not compile. It costs about what the rule's own
// regex does, which is then never compiled unless a window must be
// searched whole.
func (st *startSet) afterRegexp() *regexp.Regexp {
	st.once.Do(func() { st.after, _ = regexp.Compile(`^(?s:.)(?:` + st.expr + `)`) })
	return st.after
}

// minStartLen is the shortest literal worth searching for: shorter ones
// occur so often that trying the regex at each costs more than FindAll.
const minStartLen = 2

// startsOf returns the start set of expr (re parsed), or nil when its matches can start
// with something other than a few literals of at least minStartLen ASCII
// bytes.
func startsOf(expr string, re *syntax.Regexp) *startSet {
	if re == nil {
		return nil
	}
	if hasBeginText(re) {
		return nil // see findAll: the window's start must look like a line's
	}
	leads, _ := prefixes(re, []lead{{}})
	if len(leads) == 0 || len(leads) > maxPrefixes {
		return nil
	}
	var uniq []string
	var ctx []leadCtx
	for _, l := range leads {
		if len(l.s) < minStartLen || !isASCII(l.s) {
			return nil
		}
		if i := slices.Index(uniq, l.s); i >= 0 {
			if ctx[i] != l.ctx {
				ctx[i] = ctxAny // either context may do
			}
			continue
		}
		uniq = append(uniq, l.s)
		ctx = append(ctx, l.ctx)
	}
	st := &startSet{lits: newAutomaton(uniq), ctx: ctx, expr: expr}
	for _, r := range wideFolds(uniq) {
		st.folds = append(st.folds, utf8.AppendRune(nil, r))
	}
	return st
}

// hasBeginText reports whether re holds \A (or ^ without (?m)).
func hasBeginText(re *syntax.Regexp) bool {
	if re.Op == syntax.OpBeginText {
		return true
	}
	for _, sub := range re.Sub {
		if hasBeginText(sub) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// wideFolds returns the non-ASCII runes that fold to a letter of lits.
func wideFolds(lits []string) []rune {
	var out []rune
	for _, l := range lits {
		for _, r := range l {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				if f >= utf8.RuneSelf && !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// startScratch is one goroutine's reusable state for startSet.findAll.
type startScratch struct {
	hits, hits2 []hit
	at          []int
	nlWin       []byte // a newline and the window
}

// findAll returns what FindAllSubmatchIndex(win, -1) of the regex the set
// was made from returns, or false when win must be searched whole. Every
// match starts at an occurrence of a literal; trying them in order of
// position, the first where the anchored regex matches is where FindAll's
// next match starts, and that match is the same: leftmost-first at the same
// place, seeing the same byte before it (at the window's start, a newline,
// which \b, \B and (?m)^ take as they take the start of the text; the
// regex has no \A). An occurrence whose byte before does not suit its
// literal (see lead), or past lastStart (see litNeed), cannot start a match
// and is not tried. Then it goes
// on from the match's end, as FindAll does.
func (st *startSet) findAll(win []byte, lastStart int, sc *startScratch) ([][]int, bool) {
	for _, f := range st.folds {
		if bytes.Contains(win, f) {
			return nil, false
		}
	}
	sc.hits = st.lits.find(win, sc.hits[:0], &sc.hits2)
	at := sc.at[:0]
	for _, h := range sc.hits {
		// The byte before is the window's own, or (at its start) a
		// newline, as below.
		if s := h.end - st.lits.plen[h.pat]; s <= lastStart && st.ctx[h.pat].holds(win, s) {
			at = append(at, s)
		}
	}
	sc.at = at
	if len(at) > 8+len(win)/16 {
		return nil, false // so many places that trying each costs more than one search
	}
	re := st.afterRegexp()
	if re == nil {
		return nil, false
	}
	slices.Sort(at)
	var out [][]int
	pos := 0
	for i, s := range at {
		if s < pos || (i > 0 && s == at[i-1]) {
			continue
		}
		var loc []int
		if s > 0 {
			loc = re.FindSubmatchIndex(win[s-1:])
		} else {
			sc.nlWin = append(append(sc.nlWin[:0], '\n'), win...)
			loc = re.FindSubmatchIndex(sc.nlWin)
		}
		if loc == nil {
			continue
		}
		for k, v := range loc {
			if v >= 0 {
				loc[k] = v + s - 1
			}
		}
		loc[0] = s // after the context byte
		if loc[1] == loc[0] {
			// An empty match: FindAll's rules for these (skip one rune,
			// drop one abutting the previous match) are not worth
			// copying for the odd rule that has them.
			return nil, false
		}
		out = append(out, loc)
		pos = loc[1]
	}
	return out, true
}

// leadHits tells which keyword hits can lie in the literal a match starts
// with (its lead), for rules whose every lead holds a keyword: a match then
// holds a hit in its lead. A hit that cannot lie in a lead — its keyword
// sits where no lead has it, or the bytes around it are not a lead's, or
// the byte before that lead's place does not suit it (`\balchemy` in
// "sqlalchemy") — starts no match. On a one-line rule the window around a
// hit holds every match holding it, so such a hit is dropped before any
// window work; otherwise a window none of whose hits may lie in a lead is
// not searched (see runRule).
type leadHits struct {
	at []leadAt // the places keywords have in leads
}

// leadAt is one place of a keyword in a lead: off bytes into it.
type leadAt struct {
	lead
	keyword string
	off     int
}

// leadHitsOf returns the lead check of a rule (re: its parsed regex), or nil when it has none:
// some lead holds no keyword, is as long as windowMargin, or may start with
// something else than its ASCII letters (a non-ASCII case fold).
func leadHitsOf(re *syntax.Regexp, keywords []string) *leadHits {
	if re == nil {
		return nil
	}
	leads, _ := prefixes(re, []lead{{}})
	if len(leads) == 0 || len(leads) > maxPrefixes || !allHold(leadStrings(leads), keywords) {
		return nil
	}
	lh := &leadHits{}
	for _, l := range leads {
		if l.wide || !isASCII(l.s) || len(l.s) >= windowMargin {
			return nil
		}
		for _, k := range keywords {
			for off := 0; off+len(k) <= len(l.s); off++ {
				if l.s[off:off+len(k)] == k {
					lh.at = append(lh.at, leadAt{l, k, off})
				}
			}
		}
	}
	return lh
}

// mayStart reports whether the keyword hit buf[start:end] may lie in a
// match's lead.
func (lh *leadHits) mayStart(buf []byte, start, end int) bool {
	for _, a := range lh.at {
		m0 := start - a.off
		if len(a.keyword) == end-start && m0 >= 0 && m0+len(a.s) <= len(buf) && equalLower(buf[m0:m0+len(a.s)], a.s) && a.ctx.holds(buf, m0) {
			return true
		}
	}
	return false
}
