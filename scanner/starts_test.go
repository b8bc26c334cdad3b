package scanner

import (
	"fmt"
	"math/rand"
	"os"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/rules"
)

// startsExprs are hand-picked regexes for the start-set search: literal
// alternations with case folding (k and s have non-ASCII folds), word
// boundaries and line starts that look at the byte before a match, and
// leftmost-first choices between overlapping alternatives.
var startsExprs = []string{
	`(?i)(?:fake|mock|show)[a-z_]*=[^\s"]*|(?:pass(?:word)?|pwd)[a-z_]*=([^\s"]{4,})`,
	`\b(AQE[a-zA-Z0-9]{2}[a-zA-Z0-9+/]{8,})\b`,
	`(?im)^(?:key|sk)[:=]([a-z0-9]{4,})$`,
	`(?i)\bkey\B[a-z]*`,
	`(?:ab|abc)(d?)`,
	`(?i)(?:is|has)_?key=(\w+)`,
	// Literals whose byte before must be a non-word byte, a word byte,
	// a newline, or either (one literal with two contexts).
	`(?m)(?:^|[\s:])_auth=([a-z0-9]+)`,
	`\b(?:key|ab)_[a-z]{2}|\b=:\w+`,
	`(?i)\bab\w*|ab=\d+`,
	`(?m)^\bsk=\w+`,
}

// sameAsFindAll checks that st.findAll equals re.FindAllSubmatchIndex on
// win, and reports whether it answered (rather than leave win to FindAll).
func sameAsFindAll(t *testing.T, id string, re *regexp.Regexp, st *startSet, win []byte) bool {
	t.Helper()
	var sc startScratch
	got, ok := st.findAll(win, len(win), &sc)
	if !ok {
		return false
	}
	want := re.FindAllSubmatchIndex(win, -1)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s on %q:\nstart-set search %v\nFindAll          %v", id, win, got, want)
	}
	return true
}

// contexts are what a match may follow or precede: nothing, word and
// non-word bytes, a line break, UTF-8 (the Kelvin sign and long s fold to
// k and s) and an invalid byte.
var contexts = []string{"", "x", "_", " ", "\n", "é", "\u212a", "\u017f", "\xff", "=", "pass", "\"", "KEY"}

// TestStartsFindAllRules: for every built-in rule whose matches start with
// known literals, the start-set search finds exactly what FindAll finds on
// the rule's examples and negative examples after and before every
// context, alone and (the examples) run together, and with a k or s of theirs replaced by its non-ASCII fold.
func TestStartsFindAllRules(t *testing.T) {
	set, _, err := rules.Load(rules.LoadOptions{Path: "../rules.toml"})
	if err != nil {
		t.Fatal(err)
	}
	with, answered, asked := 0, 0, 0
	for _, r := range set.Rules {
		st := startsOf(r.Expr, parseExpr(r.Expr))
		if st == nil {
			continue
		}
		with++
		if with%raceStride != 0 {
			continue
		}
		re, err := r.Regexp()
		if err != nil {
			t.Fatal(err)
		}
		texts := append(append([]string{}, r.Examples...), r.NegativeExamples...)
		for _, ex := range texts[:len(texts):len(texts)] {
			texts = append(texts, strings.Replace(ex, "k", "\u212a", 1), strings.Replace(ex, "s", "\u017f", 1))
		}
		texts = append(texts, strings.Join(texts[:len(r.Examples)], " "))
		for _, ex := range texts {
			for _, c := range contexts {
				for _, win := range []string{c + ex, ex + c} {
					asked++
					if sameAsFindAll(t, r.ID, re, st, []byte(win)) {
						answered++
					}
				}
			}
		}
	}
	// Most rules start with a literal: the search is not a corner case.
	if with < len(set.Rules)/2 {
		t.Errorf("only %d of %d rules have a start set", with, len(set.Rules))
	}
	if answered < asked/2 {
		t.Errorf("the start-set search answered %d of %d", answered, asked)
	}
}

// TestStartsFindAllGenerated: the hand-picked regexes on random text made
// of their literals, context bytes and filler.
func TestStartsFindAllGenerated(t *testing.T) {
	pieces := append([]string{"_auth=", "key_", "ab=", "sk=", "=:", "fake", "MOCK", "show", "pass", "PassWord", "pwd", "AQE", "aqe", "key", "KEY", "sk", "ab", "abc", "d", "is", "has", "_", "=", ":", "abcd1234", "Zz9+/", "\"", "\t"}, contexts...)
	rng := rand.New(rand.NewSource(7))
	for _, expr := range startsExprs {
		st := startsOf(expr, parseExpr(expr))
		if st == nil {
			t.Fatalf("%s: no start set", expr)
		}
		re := regexp.MustCompile(expr)
		answered := 0
		for i := 0; i < 3000; i++ {
			var b strings.Builder
			for n := rng.Intn(40); n > 0; n-- {
				b.WriteString(pieces[rng.Intn(len(pieces))])
			}
			if sameAsFindAll(t, expr, re, st, []byte(b.String())) {
				answered++
			}
		}
		// Texts with a non-ASCII fold of k or s, or packed with literals,
		// are left to FindAll; most are not.
		if answered < 1000 {
			t.Errorf("%s: the start-set search answered %d of 3000 texts", expr, answered)
		}
	}
}

// TestStartsOf: which regexes get a start set.
func TestStartsOf(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want bool
	}{
		{`\bghp_[A-Za-z0-9]{36}\b`, true},
		{`(?i)(?:api|secret)[_-]?key`, true},
		{`[A-Za-z0-9]{40}`, false},            // any letter starts a match
		{`(?:^|[^a-z])(x[0-9]{8})`, false},    // a class of context bytes first
		{`(?i)k[a-z]{8}|\ba`, false},          // a literal shorter than minStartLen
		{`(?:ÉCLAIR|abc)[0-9]+`, false},       // non-ASCII literal: case-insensitive ASCII search would miss it
		{`(?:tok|pass)?word=[a-z]{4}`, false}, // may start with "word" or "tok": prefixes stop at ?
		{`^key=[a-z]{8}`, false},              // \A: the window's start is taken for a line's
		{`(?m)^key=[a-z]{8}`, true},
	} {
		if got := startsOf(tc.expr, parseExpr(tc.expr)) != nil; got != tc.want {
			t.Errorf("startsOf(%q) != nil is %v, want %v", tc.expr, got, tc.want)
		}
	}
}

// FuzzStartsFindAll: on any input, the start-set search and FindAll agree
// for the hand-picked regexes, the generic rules (the ones the search is
// for) and the rules whose start literals need a certain byte before them.
func FuzzStartsFindAll(f *testing.F) {
	set, _, err := rules.Load(rules.LoadOptions{Path: "../rules.toml"})
	if err != nil {
		f.Fatal(err)
	}
	exprs := append([]string{}, startsExprs...)
	for _, r := range set.Rules {
		if st := startsOf(r.Expr, parseExpr(r.Expr)); r.Generic || (st != nil && slices.ContainsFunc(st.ctx, func(c leadCtx) bool { return c != ctxAny })) {
			exprs = append(exprs, r.Expr)
		}
	}
	type compiled struct {
		re *regexp.Regexp
		st *startSet
	}
	var cs []compiled
	for _, e := range exprs {
		if st := startsOf(e, parseExpr(e)); st != nil {
			cs = append(cs, compiled{regexp.MustCompile(e), st})
		}
	}
	for _, s := range []string{"password=hunter2hunter2", "fake_pwd=abc pwd=Zq8xW3pL0vB7", "xAQEab12345678 AQEab12345678", "\u212aey=abcd", "api_key = \"Zq8xW3pL0vB7nM2kQw\"", "is_key=1; hashed_secret=2", "sqlalchemy_api_key=abc alchemy_key=0123456789abcdef0123456789abcdef", "x\n_auth=YWJjZGVmZ2g="} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		c := cs[int(which)%len(cs)]
		sameAsFindAll(t, c.re.String(), c.re, c.st, data)
	})
}

// TestStartsBuiltinAllowlists: the built-in rules compile their allowlist
// regexes with their own regex, lazily; a rule whose regex runs only
// anchored at its start literals must still apply them, so every built-in
// rule's examples check out on the built-in form as loaded by the binary.
func TestStartsBuiltinAllowlists(t *testing.T) {
	data, err := os.ReadFile("../rules.toml")
	if err != nil {
		t.Fatal(err)
	}
	set, _, err := rules.Load(rules.LoadOptions{Default: data})
	if err != nil {
		t.Fatal(err)
	}
	for _, msg := range CheckExamples(set) {
		t.Error(msg)
	}
}

// leadMatchers returns matchers over the built-in rules with and without
// the lead check of hits (see leadHits), and the rules that have one.
func leadMatchers(t testing.TB) (on, off *Matcher, with []int) {
	return pairedMatchers(t, func(sh *lazyShape) bool {
		had := sh.leads != nil
		sh.leads = nil
		return had
	})
}

// pairedMatchers returns matchers over the built-in rules, the second with
// each rule's shape changed by drop, and the rules for which drop reported
// a change.
func pairedMatchers(t testing.TB, drop func(*lazyShape) bool) (on, off *Matcher, with []int) {
	set, _, err := rules.Load(rules.LoadOptions{Path: "../rules.toml"})
	if err != nil {
		t.Fatal(err)
	}
	on, off = NewMatcher(set), NewMatcher(set)
	for ri := range set.Rules {
		on.shape(ri)
		if drop(off.shape(ri)) {
			with = append(with, ri)
		}
	}
	return on, off, with
}

// sameWithoutLeads checks that both matchers find the same matches in
// text, and reports whether there were any.
func sameWithoutLeads(t testing.TB, on, off *Matcher, text []byte) bool {
	t.Helper()
	got := slices.Clone(newChunkMatcher(on).find(text, 0, len(text), nil))
	want := newChunkMatcher(off).find(text, 0, len(text), nil)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("on %q:\nwith the check %v\nwithout       %v", text, got, want)
	}
	return len(want) > 0
}

// leadContexts are what a match may follow or precede: word bytes that
// glue onto a lead (sqlalchemy, are_), a keyword's own letters, separators.
var leadContexts = []string{"", "sql", "x", "_", "9", " ", "\n", ".", "é", "\xff", "https", "re_", "a://", "\u212a"}

// TestLeadHitsRules: for every built-in one-line rule whose leads hold its
// keywords, dropping the hits that cannot lie in a lead leaves the matches
// on its examples and negative examples unchanged: alone, after and before
// every context, glued to a word, and all of them on one line.
func TestLeadHitsRules(t *testing.T) {
	on, off, with := leadMatchers(t)
	if len(with) < 100 {
		t.Fatalf("only %d rules have a lead check", len(with))
	}
	found, skipped := 0, 0
	for k, ri := range with {
		if k%raceStride != 0 {
			continue
		}
		r := on.set.Rules[ri]
		texts := append(append([]string{}, r.Examples...), r.NegativeExamples...)
		var line []string
		for _, ex := range texts {
			for _, c := range leadContexts[:8] {
				for _, text := range []string{c + ex, ex + c, c + ex + "sql" + ex} {
					if sameWithoutLeads(t, on, off, []byte(text)) {
						found++
					}
					skipped += dropped(on, ri, []byte(text))
				}
				line = append(line, c, ex)
			}
		}
		sameWithoutLeads(t, on, off, []byte(strings.Join(line, "")))
	}
	// The examples do find secrets, and glued to a word byte their
	// keywords are dropped.
	t.Logf("%d rules, %d texts with matches, %d hits dropped", len(with), found, skipped)
	if found == 0 || skipped == 0 {
		t.Errorf("%d texts with matches, %d hits dropped", found, skipped)
	}
}

// dropped returns how many of rule ri's keyword hits in text its lead
// check drops.
func dropped(m *Matcher, ri int, text []byte) int {
	pf := m.prefilter()
	var scratch []hit
	n := 0
	for _, h := range pf.find(text, nil, &scratch) {
		if slices.Contains(m.patRule[h.pat], ri) && !m.shape(ri).leads.mayStart(text, h.end-pf.plen[h.pat], h.end) {
			n++
		}
	}
	return n
}

// TestLeadHitsGenerated: random lines made of the rules' keywords, leads,
// example pieces and context bytes find the same with and without the
// lead check.
func TestLeadHitsGenerated(t *testing.T) {
	on, off, with := leadMatchers(t)
	pieces := append([]string{}, leadContexts...)
	for _, ri := range with {
		r := on.set.Rules[ri]
		pieces = append(pieces, r.Keywords...)
		for _, ex := range r.Examples {
			pieces = append(pieces, ex, ex[:len(ex)/2], ex[len(ex)/2:])
		}
	}
	rng := rand.New(rand.NewSource(19))
	found, n := 0, 4000/raceStride
	for i := 0; i < n; i++ {
		var b strings.Builder
		for n := rng.Intn(12); n > 0; n-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		if sameWithoutLeads(t, on, off, []byte(b.String())) {
			found++
		}
	}
	if found < n/10 {
		t.Errorf("only %d of %d texts had matches", found, n)
	}
}

// FuzzLeadHits: on any input, the lead check does not change the matches.
func FuzzLeadHits(f *testing.F) {
	on, off, _ := leadMatchers(f)
	for _, s := range []string{"sqlalchemy_api_key = abc", "are_abcdefgh_abcdefghijklmnopqrstuvwx re_abcdefgh_abcdefghijklmnopqrstuvwx", "user.ser.abcdefghijklmnopqrstuv", "xhttps://u:pw123456@host.io https://u:pw123456@host.io"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameWithoutLeads(t, on, off, data)
	})
}

// litMatchers returns matchers over the built-in rules with and without
// the literals every match holds (see litNeed), and the rules that have
// them.
func litMatchers(t testing.TB) (on, off *Matcher, with []int) {
	return pairedMatchers(t, func(sh *lazyShape) bool {
		had := sh.lits != nil
		sh.lits = nil
		return had
	})
}

// TestLitNeedRules: for every built-in rule whose matches hold literals,
// skipping the windows that lack them leaves the matches unchanged on its
// examples and negative examples, with a k or s of theirs replaced by its
// non-ASCII fold, alone, between contexts, and all on one text.
func TestLitNeedRules(t *testing.T) {
	on, off, with := litMatchers(t)
	if len(with) < 100 {
		t.Fatalf("only %d rules have needed literals", len(with))
	}
	found := 0
	for k, ri := range with {
		if k%raceStride != 0 {
			continue
		}
		r := on.set.Rules[ri]
		texts := append(append([]string{}, r.Examples...), r.NegativeExamples...)
		re, err := syntax.Parse(r.Expr, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		for _, ex := range texts[:len(texts):len(texts)] {
			texts = append(texts, strings.Replace(ex, "k", "\u212a", 1), strings.Replace(ex, "s", "\u017f", 1))
			// A needed literal written with a non-ASCII fold, as the
			// rule's (?i) matches it.
			for _, set := range litSets(re) {
				for _, l := range set {
					if i := strings.Index(strings.ToLower(ex), l); i >= 0 {
						folded := strings.NewReplacer("k", "\u212a", "s", "\u017f").Replace(l)
						texts = append(texts, ex[:i]+folded+ex[i+len(l):])
					}
				}
			}
		}
		for _, ex := range texts {
			for _, c := range []string{"", "x"} {
				if sameWithoutLeads(t, on, off, []byte(c+ex+c)) {
					found++
				}
			}
		}
		sameWithoutLeads(t, on, off, []byte(strings.Join(texts, "\n")))
	}
	if found == 0 {
		t.Error("no example found a match")
	}
}

// FuzzLitNeed: on any input, skipping windows without the needed literals
// does not change the matches.
func FuzzLitNeed(f *testing.F) {
	on, off, _ := litMatchers(f)
	for _, s := range []string{"https://user:pa55w0rd@host.io/x", "klarna_password = \"abcdefgh12345678\"", "klarna passwor d", "https://u:pw123456 host.io"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameWithoutLeads(t, on, off, data)
	})
}

// TestLitNeedLastStart: on random text, the start-set search limited to
// litNeed's last start finds what FindAll finds, and a window litNeed
// rules out has no match, for hand-picked regexes whose needed literals
// may open a match, close it or sit inside.
func TestLitNeedLastStart(t *testing.T) {
	rng := rand.New(rand.NewSource(19))
	for _, tc := range []struct {
		expr   string
		pieces []string
	}{
		{`(?:ab|xy)tok=(\w+)`, []string{"ab", "xy", "tok=", "tok", "a", "b", "=", "x"}},
		{`\bhttps?://([a-z]+):([a-z0-9]{3,})@[a-z]+`, []string{"http://", "https://", "user", ":", "pass1", "@", "host", "x", " ", "https://user:", "user:pass1@", "pass1@host", "xhttp://"}},
		{`(?i)key(?:id|name)?[:=]\s*(?:secret|token)(\w*)`, []string{"key", "KEY", "ID", "name", ":", "=", " ", "secret", "token", "s", "x"}},
	} {
		expr, pieces := tc.expr, append(tc.pieces, "_", "\n", "\u017f")
		re, st, ln := regexp.MustCompile(expr), startsOf(expr, parseExpr(expr)), litNeedOf(parseExpr(expr), nil)
		if st == nil || ln == nil {
			t.Fatalf("%s: start set %v, needed literals %v", expr, st != nil, ln != nil)
		}
		if strings.Contains(expr, "@") != (len(ln.plain) > 0) {
			t.Fatalf("%s: %d literal sets without letters, looked for as bytes", expr, len(ln.plain))
		}
		found := 0
		for i := 0; i < 3000; i++ {
			var b strings.Builder
			for n := rng.Intn(16); n > 0; n-- {
				b.WriteString(pieces[rng.Intn(len(pieces))])
			}
			win := []byte(b.String())
			var sc startScratch
			last := ln.lastStart(win, &sc)
			want := re.FindAllSubmatchIndex(win, -1)
			if last < 0 {
				if want != nil {
					t.Fatalf("%s on %q: needed literals missing, FindAll %v", expr, win, want)
				}
				continue
			}
			if got, ok := st.findAll(win, last, &sc); ok && fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("%s on %q (last start %d):\nstart-set search %v\nFindAll          %v", expr, win, last, got, want)
			}
			if want != nil {
				found++
			}
		}
		if found < 50 {
			t.Errorf("%s: only %d texts with a match", expr, found)
		}
	}
}
