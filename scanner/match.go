package scanner

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"regexp"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

// AllowMarker on the line of a finding suppresses it; so does gitleaks's
// marker, which repositories moving from gitleaks already carry.
const AllowMarker = "keyhound:allow"

var allowMarkers = []string{AllowMarker, "gitleaks:allow"}

// allowMarker returns the allow marker text holds, "" if none.
func allowMarker(text []byte) string {
	for _, m := range allowMarkers {
		if bytes.Contains(text, []byte(m)) {
			return m
		}
	}
	return ""
}

// markerReach bounds how far from a match the marker is looked for.
const markerReach = 4096

// windowMargin is how far around a keyword hit a rule's regex first looks.
const windowMargin = 256

// maxWiden is how far past its keyword a multi-line rule looks at once; a
// match longer than this is found only if it touches the window's edge.
const maxWiden = overlap / 2

// Matcher is a compiled rule set ready to scan content; it is immutable and
// shared by all workers.
type Matcher struct {
	set        *rules.Set
	pfOnce     sync.Once
	pf         *prefilter  // built on first use with patRule: a scan of nothing needs neither
	patRule    [][]int     // prefilter pattern -> indexes of the rules that use it
	shapes     []lazyShape // rule -> how far its matches reach, worked out on its first hit
	pathScoped []int       // rules with a path regex or a path allowlist of their own
	pathOnce   sync.Once
	paths      pathFilters // built on the first path checked (see pathFilters)

	rankOnce sync.Once
	ranks    []int8 // rule -> specificity rank (see ruleRanks)
}

type lazyShape struct {
	once sync.Once
	regexShape
	need    runNeed // a run of bytes every finding's secret needs (see runNeed)
	hasNeed bool
	starts  *startSet // where matches can start, or nil (see starts.go)
	// bounded: every match of the rule holds one of its keywords, so a
	// match is in the window around the keyword it holds.
	bounded bool
	leads   *leadHits // the hits that may lie in a match's lead, or nil (see leadHits)
	lits    *litNeed  // literals every match holds, or nil (see litNeed)
}

// shape returns rule ri's regex shape, parsing the regex on first use (most
// rules never see a keyword hit, so start-up does not parse them).
func (m *Matcher) shape(ri int) *lazyShape {
	s := &m.shapes[ri]
	s.once.Do(func() {
		r := m.set.Rules[ri]
		re := parseExpr(r.Expr) // once for all the analyses below
		s.regexShape = shapeOf(re)
		s.need, s.hasNeed = needOf(re, r.SecretGroup)
		if r.Builtin() {
			// A user's regex is compiled already, within the rule file's
			// budget: a second, anchored form would double its memory.
			s.starts = startsOf(r.Expr, re)
		}
		s.bounded = s.withinLine && s.span.ok && holdsKeyword(r.Expr, re, r.Keywords)
		s.leads = leadHitsOf(re, r.Keywords)
		s.lits = litNeedOf(re, r.Keywords)
	})
	return s
}

// NewMatcher returns the matcher of set; its keyword prefilter and path
// filters are built when first needed.
func NewMatcher(set *rules.Set) *Matcher {
	m := &Matcher{set: set, shapes: make([]lazyShape, len(set.Rules))}
	for ri, r := range set.Rules {
		if r.Path != nil || (r.Allowlist != nil && len(r.Allowlist.Paths) > 0) {
			m.pathScoped = append(m.pathScoped, ri)
		}
	}
	return m
}

// prefilter returns the keyword automaton, building it (and patRule) on
// first use.
func (m *Matcher) prefilter() *prefilter {
	m.pfOnce.Do(func() {
		// Every pattern's rules are parts of one slice, counted first: a
		// few allocations rather than one or two per keyword.
		n := 0
		for _, r := range m.set.Rules {
			n += len(r.Keywords)
		}
		index := make(map[string]int, n)
		pats := make([]string, 0, n)
		of := make([]int, 0, n) // the keywords in rule order -> pattern
		var count []int
		for _, r := range m.set.Rules {
			for _, k := range r.Keywords {
				pi, ok := index[k]
				if !ok {
					pi = len(pats)
					index[k] = pi
					pats = append(pats, k)
					count = append(count, 0)
				}
				of = append(of, pi)
				count[pi]++
			}
		}
		all := make([]int, n)
		m.patRule = make([][]int, len(pats))
		for pi, c := range count {
			m.patRule[pi], all = all[:0:c], all[c:]
		}
		for ri, r := range m.set.Rules {
			for range r.Keywords {
				m.patRule[of[0]] = append(m.patRule[of[0]], ri)
				of = of[1:]
			}
		}
		m.pf = newPrefilter(pats)
	})
	return m.pf
}

// Rules returns the rule set the matcher was built from.
func (m *Matcher) Rules() *rules.Set { return m.set }

// match is one confirmed rule match, in offsets of the buffer being scanned.
type match struct {
	rule           int
	start, end     int // whole match
	secStart, sEnd int // secret
}

// span is a window of the buffer in which a rule's regex runs.
type span struct{ start, end int }

// chunkMatcher holds one goroutine's scratch state for matching buffers.
type chunkMatcher struct {
	m       *Matcher
	hits    []hit
	hits2   []hit    // the prefilter's scratch
	windows [][]span // per rule
	live    [][]bool // per rule and window: false if no hit of it may lie in a lead (see find)
	touched []int    // rules with windows in this buffer
	matches []match
	quads   []int // evalWindow's result
	starts  startScratch

	// Reuse of an earlier content's matching (see delta.go): nil base
	// matches everything; non-nil rec records for the next content.
	base    *Memo
	copies  []Copy
	rec     *Memo
	tmpHits []hit
	pieces  []deltaPiece // deltaHits' plan
	cat     []byte       // deltaHits' joined search
	err     error        // a rule whose regex could not be compiled (see rules.Rule.Regexp)
}

func newChunkMatcher(m *Matcher) *chunkMatcher {
	return &chunkMatcher{m: m, windows: make([][]span, len(m.set.Rules)), live: make([][]bool, len(m.set.Rules))}
}

// lineStart returns the offset of the start of the line holding off, looking
// back at most limit bytes.
func lineStart(buf []byte, off, limit int) int {
	lo := off - limit
	if lo < 0 {
		lo = 0
	}
	if i := lastNewline(buf[lo:off]); i >= 0 {
		return lo + i + 1
	}
	return lo
}

// lastNewline is bytes.LastIndexByte(b, '\n') eight bytes at a time (the
// standard library's reads one byte at a time).
func lastNewline(b []byte) int {
	const lows, highs = 0x0101010101010101, 0x8080808080808080
	i := len(b)
	for ; i >= 8; i -= 8 {
		x := binary.LittleEndian.Uint64(b[i-8:i]) ^ '\n'*lows // a newline: a zero byte
		// The high bit of each zero byte of x, and of no other byte.
		if z := ^((x&^highs + ^uint64(highs)) | x | ^uint64(highs)); z != 0 {
			return i - 8 + (63-bits.LeadingZeros64(z))/8
		}
	}
	return bytes.LastIndexByte(b[:i], '\n')
}

// lineEnd returns the offset just past the end of the line holding off (before
// its newline), looking ahead at most limit bytes.
func lineEnd(buf []byte, off, limit int) int {
	hi := off + limit
	if hi > len(buf) {
		hi = len(buf)
	}
	if off >= hi {
		return hi
	}
	if i := bytes.IndexByte(buf[off:hi], '\n'); i >= 0 {
		return off + i
	}
	return hi
}

// lineIndex finds the line around offsets that mostly move forward (the
// prefilter's hits), scanning each byte for newlines about once: on a huge
// single line, looking up to maxWiden back and forth for every hit would be
// quadratic.
type lineIndex struct {
	buf    []byte
	pos    int // the last offset asked about
	prevNL int // offset of the last newline before pos, or -1
	nextNL int // offset of the first newline at or after pos, or len(buf); -1: not known
}

// line returns the start of the line holding off and the offset of its
// newline (or the end of buf).
func (li *lineIndex) line(off int) (start, end int) {
	buf := li.buf
	switch {
	case li.nextNL < 0 || off <= li.prevNL:
		// First use, or a step back past the known line's start (a step
		// back within the line keeps both newlines valid).
		li.prevNL = lastNewline(buf[:off])
		li.nextNL = -1
	case off > li.nextNL:
		// Past the known newline: the last newline before off lies in
		// [nextNL, off).
		li.prevNL = li.nextNL + lastNewline(buf[li.nextNL:off])
		li.nextNL = -1
	}
	li.pos = off
	if li.nextNL < 0 {
		if i := bytes.IndexByte(buf[off:], '\n'); i >= 0 {
			li.nextNL = off + i
		} else {
			li.nextNL = len(buf)
		}
	}
	return li.prevNL + 1, li.nextNL
}

// window returns the line-aligned window around [s, e).
func window(buf []byte, s, e, margin int) span {
	ws := s - margin
	if ws < 0 {
		ws = 0
	}
	we := e + margin
	if we > len(buf) {
		we = len(buf)
	}
	return span{lineStart(buf, ws, margin), lineEnd(buf, we, margin)}
}

// find returns the confirmed matches in buf whose start lies in [from, to),
// sorted by start. enabled says which rules apply to this content (nil: all).
// The slice is reused by the next call.
func (c *chunkMatcher) find(buf []byte, from, to int, enabled []bool) []match {
	c.matches = c.matches[:0]
	pf := c.m.prefilter()
	c.hits = c.keywordHits(pf, buf)
	if len(c.hits) == 0 {
		return nil
	}
	lines := lineIndex{buf: buf, prevNL: -1, nextNL: -1}
	for _, h := range c.hits {
		start := h.end - pf.plen[h.pat]
		for _, ri := range c.m.patRule[h.pat] {
			if enabled != nil && !enabled[ri] {
				continue
			}
			sh := c.m.shape(ri)
			live := true
			if sh.leads != nil {
				live = sh.leads.mayStart(buf, start, h.end)
				// One line: a match holding this hit but not in its lead
				// holds another hit there, whose window holds it on a
				// line the windows are sure to span whole.
				if !live && sh.withinLine {
					if ls, le := lines.line(start); le-ls <= maxWiden {
						continue
					}
				}
			}
			var w span
			switch {
			case sh.withinLine && sh.span.ok:
				// The keyword's line as below, narrowed to where a match can
				// lie (regexShape.span) when it holds this keyword (bounded:
				// a match holding another keyword is in that one's window),
				// or else overlaps the keyword or the windowMargin bytes
				// around it. On a long line this keeps the regex from
				// running over the whole line for each hit.
				ls, le := lines.line(start)
				lo, hi := max(ls, start-maxWiden), min(le, h.end+maxWiden)
				s, e := start, h.end
				if !sh.bounded {
					m := max(sh.span.fixed, 64)
					s, e = max(lo, s-m), min(hi, e+m)
				}
				w = span{sh.span.reachStart(buf, s, lo), sh.span.reachEnd(buf, e, hi)}
				if w.end < len(buf) && buf[w.end] == '\n' {
					w.end++
				}
			case sh.withinLine:
				// Every match lies on one line: the keyword's line (with its
				// newline) is the whole window, up to maxWiden either side on
				// a very long line (a match longer than a small window finds
				// nothing in it, so touching the edge could not widen it).
				ls, le := lines.line(start)
				w = span{max(ls, start-maxWiden), min(le, h.end+maxWiden)}
				if w.end < len(buf) && buf[w.end] == '\n' {
					w.end++
				}
			default:
				w = window(buf, start, h.end, windowMargin)
			}
			if sh.spansLines {
				// A multi-line match (a PEM block) may run far past its
				// keyword: look as far as such a match may reach at once.
				// Dense hits then merge into one window, so the regex runs
				// over each byte about once, however many hits there are.
				w.end = min(len(buf), h.end+maxWiden)
			}
			ws := c.windows[ri]
			if n := len(ws); n > 0 && w.start <= ws[n-1].end {
				if w.start < ws[n-1].start {
					ws[n-1].start = w.start
				}
				if w.end > ws[n-1].end {
					ws[n-1].end = w.end
				}
				c.live[ri][n-1] = c.live[ri][n-1] || live
				continue
			}
			if len(ws) == 0 {
				c.touched = append(c.touched, ri)
			}
			c.windows[ri] = append(ws, w)
			c.live[ri] = append(c.live[ri], live)
		}
	}
	for _, ri := range c.touched {
		c.runRule(buf, ri, from, to)
		c.windows[ri] = c.windows[ri][:0]
		c.live[ri] = c.live[ri][:0]
	}
	c.touched = c.touched[:0]
	sort.Slice(c.matches, func(i, j int) bool {
		a, b := &c.matches[i], &c.matches[j]
		if a.start != b.start {
			return a.start < b.start
		}
		return a.rule < b.rule
	})
	return c.matches
}

// runRule runs rule ri's regex in each of its windows, widening a window
// whenever a match touches its edge so that no match is cut short.
func (c *chunkMatcher) runRule(buf []byte, ri int, from, to int) {
	re := lazyRegexp{rule: c.m.set.Rules[ri]}
	if c.m.shape(ri).starts == nil {
		// The regex runs in every window: compile it (or fail) first.
		if _, err := re.get(); err != nil {
			c.fail(err)
			return
		}
	}
	// A window inside those already searched has nothing new. A match
	// starting before the end of one already found (reported or not) is
	// that one again, or overlaps it as no FindAll match does; but one
	// starting later is new even when it starts inside the last window: that
	// window, widened or not, may have cut it short.
	lastEnd, lastMatch := -1, -1
	for i, w := range c.windows[ri] {
		if w.end <= lastEnd {
			continue
		}
		if !c.live[ri][i] && !c.m.shape(ri).withinLine {
			// Windows do not overlap, and each holds the hits whose
			// windows merged into it: a match found here would hold a
			// hit of this window in its lead (see leadHits), with the
			// byte before it as FindAll sees it, since a lead is shorter
			// than windowMargin and so does not start a line-less window.
			lastEnd = max(lastEnd, w.end)
			continue
		}
		w, quads, mayContain, err := c.evalWindow(buf, ri, &re, w)
		if err != nil {
			c.fail(err)
			return
		}
		if !mayContain {
			// No secret of this rule can be here: its regex did not run.
			lastEnd = max(lastEnd, w.end)
			continue
		}
		for i := 0; i+4 <= len(quads); i += 4 {
			s := w.start + quads[i]
			if s < lastMatch {
				continue
			}
			lastMatch = w.start + quads[i+1]
			if s < from || s >= to {
				continue
			}
			gs, ge := quads[i+2], quads[i+3]
			if gs < 0 || ge <= gs {
				continue
			}
			// accept needs the rule's allowlist regexes, which a built-in
			// rule compiles with its regex, that this one may not need.
			if err := re.rule.CompileAllowlist(); err != nil {
				c.fail(err)
				return
			}
			c.matches = append(c.matches, match{rule: ri, start: s, end: w.start + quads[i+1], secStart: w.start + gs, sEnd: w.start + ge})
		}
		if w.end > lastEnd {
			lastEnd = w.end
		}
	}
}

// lazyRegexp is a rule's compiled regex, fetched when first needed: a rule
// whose matches start with literals may never need it (see starts.go).
type lazyRegexp struct {
	rule *rules.Rule
	re   *regexp.Regexp
	err  error
	done bool
}

func (l *lazyRegexp) get() (*regexp.Regexp, error) {
	if !l.done {
		l.re, l.err = l.rule.Regexp()
		l.done = true
	}
	return l.re, l.err
}

// fail records the first error of a rule that could not run.
func (c *chunkMatcher) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// evalWindow runs rule ri's regex re in window w, widened until no match
// touches its edge; it returns the final window and, for each match, its
// start, end, secret start and secret end relative to the window's start
// (the slice is reused by the next call). mayContain is false, and the
// regex does not run, when no secret of the rule can be in w.
func (c *chunkMatcher) evalWindow(buf []byte, ri int, re *lazyRegexp, w span) (final span, quads []int, mayContain bool, err error) {
	if c.base != nil {
		if final, quads, mayContain, ok := c.recallWindow(ri, w); ok {
			return final, quads, mayContain, nil
		}
	}
	// Every byte the outcome depends on lies in [lo, hi).
	w0, lo, hi := w, w.start-1, w.end+1
	sh := c.m.shape(ri)
	// A match starts at or before lastStart (see litNeed).
	lastStart := w.end - w.start
	if sh.lits != nil {
		lastStart = sh.lits.lastStart(buf[w.start:w.end], &c.starts)
	}
	if (sh.hasNeed && !sh.need.mayHold(buf, w.start, w.end)) || lastStart < 0 {
		c.rememberWindow(ri, w0, w, nil, false, lo, hi)
		return w, nil, false, nil
	}
	line := sh.withinLine // a match cannot continue past a line boundary
	margin := windowMargin
	for {
		locs, ok := [][]int(nil), false
		if sh.starts != nil {
			locs, ok = sh.starts.findAll(buf[w.start:w.end], lastStart, &c.starts)
		}
		if !ok {
			r, err := re.get()
			if err != nil {
				return w, nil, false, err
			}
			locs = r.FindAllSubmatchIndex(buf[w.start:w.end], -1)
		}
		widen := false
		for _, loc := range locs {
			if (loc[0] == 0 && w.start > 0 && !(line && buf[w.start-1] == '\n')) ||
				(loc[1] == w.end-w.start && w.end < len(buf) && !(line && buf[w.end-1] == '\n')) {
				widen = true
				break
			}
		}
		if widen {
			margin *= 4
			lo, hi = min(lo, w.start-2*margin-1), max(hi, w.end+2*margin+1)
			w = window(buf, w.start, w.end, margin)
			lo, hi = min(lo, w.start-1), max(hi, w.end+1)
			if lastStart = w.end - w.start; sh.lits != nil {
				lastStart = sh.lits.lastStart(buf[w.start:w.end], &c.starts)
			}
			continue
		}
		c.quads = c.quads[:0]
		sg := c.m.set.Rules[ri].SecretGroup
		for _, loc := range locs {
			c.quads = append(c.quads, loc[0], loc[1], loc[2*sg], loc[2*sg+1])
		}
		c.rememberWindow(ri, w0, w, c.quads, true, lo, hi)
		return w, c.quads, true, nil
	}
}

// accept applies entropy, validator, allowlists and the inline marker.
func (m *Matcher) accept(r *rules.Rule, buf []byte, mt *match, secret string) bool {
	if r.Entropy > 0 && Entropy(secret) < r.Entropy {
		return false
	}
	if r.Validate != nil && !r.Validate(secret) {
		return false
	}
	if r.Allowlist.AllowsSecret(secret) || m.set.Allowlist.AllowsSecret(secret) {
		return false
	}
	// The marker counts on the lines of the match, looking at most
	// markerReach bytes either side (a minified file is one huge line).
	ls := lineStart(buf, mt.start, markerReach)
	le := lineEnd(buf, mt.end, markerReach)
	return allowMarker(buf[ls:le]) == ""
}

// Entropy is the Shannon entropy of s in bits per byte.
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	h := 0.0
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// position tracks line and column (1-based, in Unicode code points) while
// moving forward through content.
type position struct {
	off  int // offset in the current buffer
	line int
	col  int // column of the byte at off
}

// advance moves p forward to offset to in buf.
func (p *position) advance(buf []byte, to int) {
	if to <= p.off {
		return
	}
	seg := buf[p.off:to]
	if n := bytes.Count(seg, []byte{'\n'}); n > 0 {
		p.line += n
		seg = seg[lastNewline(seg)+1:]
		p.col = 1
	}
	p.col += utf8.RuneCount(seg)
	p.off = to
}

// lastRuneStart returns the offset of the first byte of the last rune in buf[s:e].
func lastRuneStart(buf []byte, s, e int) int {
	if e <= s {
		return s
	}
	_, size := utf8.DecodeLastRune(buf[s:e])
	return e - size
}

// toFinding builds the finding for mt, moving pos to the match start. Its
// line and column locate the secret (the rule's secret group); the match's
// own span, which may start lines earlier, is reported apart.
func (m *Matcher) toFinding(buf []byte, mt *match, path string, pos *position) finding.Finding {
	return m.findingAt(buf, mt.rule, mt.start, mt.end, mt.secStart, mt.sEnd, string(buf[mt.secStart:mt.sEnd]), string(buf[mt.start:mt.end]), path, pos)
}

// findingAt builds a finding of rule ri whose match is buf[start:end] and
// secret buf[secStart:secEnd] (for a decoded secret: the encoded span
// twice, and secret and match are the decoded ones), moving pos to start.
func (m *Matcher) findingAt(buf []byte, ri, start, end, secStart, secEnd int, secret, match, path string, pos *position) finding.Finding {
	r := m.set.Rules[ri]
	pos.advance(buf, start)
	mEnd := *pos
	mEnd.advance(buf, lastRuneStart(buf, start, end))
	sec := *pos
	sec.advance(buf, secStart)
	sEnd := sec
	sEnd.advance(buf, lastRuneStart(buf, secStart, secEnd))
	return finding.Finding{
		RuleID:         r.ID,
		Description:    r.Description,
		Severity:       r.Severity,
		File:           path,
		Line:           sec.line,
		Column:         sec.col,
		EndLine:        sEnd.line,
		EndColumn:      sEnd.col,
		MatchLine:      pos.line,
		MatchColumn:    pos.col,
		MatchEndLine:   mEnd.line,
		MatchEndColumn: mEnd.col,
		Secret:         secret,
		Match:          match,
		Entropy:        math.Round(Entropy(secret)*1000) / 1000,
		Fingerprint:    finding.Fingerprint(r.ID, secret, path),
		Tags:           append([]string{}, r.Tags...),
	}
}
