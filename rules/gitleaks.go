package rules

// Import of gitleaks/betterleaks-format configuration files, written from
// the format as gitleaks documents it (README, "Configuration"): camelCase
// keys (secretGroup, useDefault, disabledRules, regexTarget, targetRules),
// [[rules.allowlists]] and [[allowlists]] with a condition, and [extend]
// with useDefault or a path. What keyhound cannot express is dropped with a
// notice, always in the direction of reporting more, never less.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/BurntSushi/toml"
)

// gitleaks-only keys, by table; their presence marks a gitleaks config.
var (
	glTopKeys       = []string{"title", "minVersion", "allowlists"}
	glExtendKeys    = []string{"useDefault", "disabledRules", "path", "url"}
	glRuleKeys      = []string{"secretGroup", "allowlists", "required", "skipReport"}
	glAllowlistKeys = []string{"regexTarget", "commits", "condition", "targetRules"}
	// keyhound-only keys: their presence marks a keyhound file even if it also
	// has a gitleaks key (whose error the strict keyhound parser then names).
	khExtendKeys = []string{"use_default", "disabled_rules"}
	khRuleKeys   = []string{"secret_group", "validate", "severity", "examples", "negative_examples"}
)

// IsGitleaks reports whether data is a gitleaks/betterleaks-format config
// rather than a keyhound rule file: it uses a key only gitleaks has and none
// only keyhound has. A file that is not valid TOML is not.
func IsGitleaks(data []byte) bool {
	var m map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&m); err != nil {
		return false
	}
	gl, kh := false, false
	has := func(t map[string]any, keys []string) bool {
		for _, k := range keys {
			if _, ok := t[k]; ok {
				return true
			}
		}
		return false
	}
	allowlist := func(v any) {
		if t, ok := v.(map[string]any); ok && has(t, glAllowlistKeys) {
			gl = true
		}
	}
	gl = has(m, glTopKeys)
	if _, ok := m["webhooks"]; ok {
		kh = true
	}
	if ext, ok := m["extend"].(map[string]any); ok {
		gl = gl || has(ext, glExtendKeys)
		kh = kh || has(ext, khExtendKeys)
	}
	allowlist(m["allowlist"])
	if rs, ok := m["rules"].([]map[string]any); ok {
		for _, r := range rs {
			gl = gl || has(r, glRuleKeys)
			kh = kh || has(r, khRuleKeys)
			allowlist(r["allowlist"])
		}
	}
	return gl && !kh
}

type glFile struct {
	Title      string         `toml:"title"`
	MinVersion string         `toml:"minVersion"`
	Extend     glExtend       `toml:"extend"`
	Rules      []glRule       `toml:"rules"`
	Allowlist  *glAllowlist   `toml:"allowlist"`
	Allowlists []*glAllowlist `toml:"allowlists"`
}

type glExtend struct {
	UseDefault    bool     `toml:"useDefault"`
	Path          string   `toml:"path"`
	DisabledRules []string `toml:"disabledRules"`
}

type glRule struct {
	ID          string         `toml:"id"`
	Description string         `toml:"description"`
	Regex       string         `toml:"regex"`
	SecretGroup int            `toml:"secretGroup"`
	Entropy     float64        `toml:"entropy"`
	Path        string         `toml:"path"`
	Keywords    []string       `toml:"keywords"`
	Tags        []string       `toml:"tags"`
	Allowlist   *glAllowlist   `toml:"allowlist"`
	Allowlists  []*glAllowlist `toml:"allowlists"`
	Required    []any          `toml:"required"`
	SkipReport  bool           `toml:"skipReport"`
}

type glAllowlist struct {
	Description string   `toml:"description"`
	Condition   string   `toml:"condition"`
	Commits     []string `toml:"commits"`
	Paths       []string `toml:"paths"`
	RegexTarget string   `toml:"regexTarget"`
	Regexes     []string `toml:"regexes"`
	Stopwords   []string `toml:"stopwords"`
	TargetRules []string `toml:"targetRules"`
}

// maxExtendDepth bounds [extend] path chains (gitleaks allows a depth of 2).
const maxExtendDepth = 3

// FromGitleaks translates a gitleaks-format config into a keyhound rule
// file. def is keyhound's built-in rule file: with useDefault the result
// extends it (use_default = true), and a gitleaks rule that only adds
// allowlists to a built-in rule is written as a copy of keyhound's rule of
// that id with those allowlists. The notices name everything not carried
// over; nothing dropped makes keyhound report less than gitleaks would.
func FromGitleaks(name string, data []byte, def *File) (*File, []string, error) {
	t := &glTranslator{def: def}
	f, err := t.file(name, data, 0)
	if err != nil {
		return nil, nil, err
	}
	return f, t.notices, nil
}

type glTranslator struct {
	def     *File
	notices []string
	name    string // file being translated, for notices
}

func (t *glTranslator) notice(format string, args ...any) {
	t.notices = append(t.notices, escapeControls(t.name+": "+fmt.Sprintf(format, args...)))
}

// escapeControls escapes control and bidirectional-text characters: a
// notice names what a config holds (it may come with the scanned
// repository) and is printed on one line of a terminal.
func escapeControls(s string) string {
	unsafe := func(r rune) bool {
		return unicode.IsControl(r) || (0x202a <= r && r <= 0x202e) || (0x2066 <= r && r <= 0x2069) || r == 0x200e || r == 0x200f
	}
	if strings.IndexFunc(s, unsafe) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafe(r) {
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (t *glTranslator) file(name string, data []byte, depth int) (*File, error) {
	var g glFile
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&g)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: line %d: %s", name, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	prev := t.name
	t.name = name
	defer func() { t.name = prev }()
	for _, k := range md.Undecoded() {
		t.notice("%s is not supported by keyhound: ignored", k)
	}

	// The base this file extends: another file, keyhound's built-in rules, or both.
	var base *File
	if g.Extend.Path != "" {
		if depth+1 >= maxExtendDepth {
			return nil, fmt.Errorf("%s: [extend] path %s: extends nested deeper than %d files", name, g.Extend.Path, maxExtendDepth)
		}
		p := g.Extend.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(name), p)
		}
		bd, err := readLimited(p, true) // named by a file that may come from the scanned repository
		if err != nil {
			return nil, fmt.Errorf("%s: [extend] path %s: %w", name, g.Extend.Path, unwrapPathError(err))
		}
		if IsGitleaks(bd) {
			base, err = t.file(p, bd, depth+1)
		} else {
			base, err = Parse(p, bd)
		}
		if err != nil {
			return nil, err
		}
	}
	useDefault := g.Extend.UseDefault || (base != nil && base.Extend.UseDefault)
	if g.Extend.UseDefault {
		t.notice("[extend] useDefault: extends keyhound's built-in rules, not gitleaks's (rule ids differ; see keyhound rules list)")
	}
	inherited := func(id string) *RuleSpec {
		if base != nil {
			for i := range base.Rules {
				if base.Rules[i].ID == id {
					return &base.Rules[i]
				}
			}
		}
		if useDefault && t.def != nil {
			for i := range t.def.Rules {
				if t.def.Rules[i].ID == id {
					return &t.def.Rules[i]
				}
			}
		}
		return nil
	}

	out := &File{}
	ids := map[string]string{} // gitleaks id -> keyhound id
	taken := map[string]bool{}
	index := map[string]int{} // keyhound id -> index in out.Rules
	for i := range g.Rules {
		r := &g.Rules[i]
		where := fmt.Sprintf("rule %s", r.ID)
		if r.ID == "" {
			where = fmt.Sprintf("rule #%d", i+1)
		}
		if r.SkipReport {
			t.notice("%s: skipReport (a composite rule's helper) is not supported: rule left out", where)
			continue
		}
		if len(r.Required) > 0 {
			t.notice("%s: [[rules.required]] (composite rules) is not supported: the rule reports its matches without the required companions", where)
		}
		id := kebab(r.ID)
		if id == "" {
			id = fmt.Sprintf("gitleaks-rule-%d", i+1)
		}
		if id != r.ID {
			if r.ID != "" {
				t.notice("%s: id renamed %s (keyhound ids are kebab-case)", where, id)
			}
		}
		for n, stem := 2, id; taken[id]; n++ {
			id = fmt.Sprintf("%s-%d", stem, n)
		}
		var spec RuleSpec
		if r.Regex == "" {
			if r.Path != "" {
				t.notice("%s: a rule with a path and no regex (reporting the file itself) is not supported: rule left out", where)
				continue
			}
			in := inherited(r.ID)
			if in == nil {
				t.notice("%s: no regex, and keyhound has no rule %s to extend: rule left out", where, r.ID)
				continue
			}
			spec = copySpec(in)
			id = spec.ID
		} else {
			spec = RuleSpec{
				ID:          id,
				Description: r.Description,
				Regex:       r.Regex,
				SecretGroup: r.SecretGroup,
				Entropy:     r.Entropy,
				Path:        r.Path,
				Tags:        append([]string{}, r.Tags...),
			}
			re, reErr := compileRegex(r.Regex, nil) // too large: Compile names the rule later
			if reErr == nil && r.SecretGroup == 0 && re.NumSubexp() > 0 {
				// gitleaks reports the first non-empty group when secretGroup is unset.
				spec.SecretGroup = 1
				if re.NumSubexp() > 1 {
					t.notice("%s: no secretGroup and %d capture groups: gitleaks reports the first non-empty group, keyhound group 1", where, re.NumSubexp())
				}
			}
			spec.Keywords = append([]string{}, r.Keywords...)
			if len(spec.Keywords) == 0 && reErr == nil && len(DeriveKeywords(r.Regex)) == 0 {
				spec.Keywords = requiredLiterals(r.Regex)
				if len(spec.Keywords) == 0 {
					t.notice("%s: no keywords, and the regex has no literal of 3 or more characters to find it by: keyhound needs keywords (keywords = [...]): rule left out", where)
					continue
				}
				t.notice("%s: no keywords: using %s, which every match contains", where, strings.Join(spec.Keywords, ", "))
			}
			if reErr == nil {
				for _, k := range spec.Keywords {
					if !regexCanContain(r.Regex, k) {
						t.notice("%s: keyword %q does not occur in the regex: keyhound runs a rule's regex only within a few lines of a keyword, gitleaks anywhere in a file that contains one", where, k)
					}
				}
			}
		}
		ids[r.ID] = id
		taken[id] = true
		var al []*glAllowlist
		if r.Allowlist != nil {
			al = append(al, r.Allowlist)
		}
		al = append(al, r.Allowlists...)
		for j, a := range al {
			spec.Allowlist = t.addAllowlist(spec.Allowlist, fmt.Sprintf("%s: allowlist %d", where, j+1), a, spec.SecretGroup == 0)
		}
		if k, ok := index[spec.ID]; ok {
			out.Rules[k] = spec // the same built-in rule extended twice: the last wins, as in gitleaks
		} else {
			index[spec.ID] = len(out.Rules)
			out.Rules = append(out.Rules, spec)
		}
	}

	// Global allowlists; with targetRules, they belong to those rules.
	var gal []*glAllowlist
	if g.Allowlist != nil {
		gal = append(gal, g.Allowlist)
	}
	gal = append(gal, g.Allowlists...)
	for j, a := range gal {
		where := fmt.Sprintf("global allowlist %d", j+1)
		if len(a.TargetRules) == 0 {
			if s := t.allowlist(where, a, false); s != nil {
				out.Allowlist = unionAllowlist(out.Allowlist, *s)
			}
			continue
		}
		for _, target := range a.TargetRules {
			k, ok := index[ids[target]]
			if !ok {
				in := inherited(target)
				if in == nil {
					t.notice("%s: targetRules: no rule %s: ignored for it", where, target)
					continue
				}
				k = len(out.Rules)
				index[in.ID] = k
				out.Rules = append(out.Rules, copySpec(in))
			}
			r := &out.Rules[k]
			r.Allowlist = t.addAllowlist(r.Allowlist, where+" for "+target, a, r.SecretGroup == 0)
		}
	}

	// disabledRules names inherited rules.
	for _, id := range g.Extend.DisabledRules {
		switch {
		case base != nil && removeRule(base, id):
		case useDefault && t.def != nil && hasRule(t.def, id):
			out.Extend.DisabledRules = append(out.Extend.DisabledRules, id)
		default:
			t.notice("[extend] disabledRules: keyhound has no rule %s: ignored", id)
		}
	}
	out.Extend.UseDefault = useDefault
	if base == nil {
		return out, nil
	}
	merged := Merge(base, out)
	merged.Extend.UseDefault = useDefault
	merged.Extend.DisabledRules = append(append([]string{}, base.Extend.DisabledRules...), out.Extend.DisabledRules...)
	merged.Webhooks = base.Webhooks
	return merged, nil
}

// addAllowlist translates a and ORs it into cur (keyhound's allowlist
// entries are alternatives, like a gitleaks allowlist with condition OR).
func (t *glTranslator) addAllowlist(cur *AllowlistSpec, where string, a *glAllowlist, secretIsMatch bool) *AllowlistSpec {
	s := t.allowlist(where, a, secretIsMatch)
	if s == nil {
		return cur
	}
	if cur == nil {
		cur = &AllowlistSpec{}
	}
	*cur = unionAllowlist(*cur, *s)
	return cur
}

// allowlist translates one gitleaks allowlist; nil when nothing of it can be kept.
func (t *glTranslator) allowlist(where string, a *glAllowlist, secretIsMatch bool) *AllowlistSpec {
	kinds := 0
	for _, n := range []int{len(a.Commits), len(a.Paths), len(a.Regexes), len(a.Stopwords)} {
		if n > 0 {
			kinds++
		}
	}
	switch strings.ToUpper(strings.TrimSpace(a.Condition)) {
	case "", "OR":
	case "AND":
		if kinds > 1 {
			t.notice("%s: condition AND over several criteria is not supported (keyhound's allowlist entries are alternatives): allowlist left out", where)
			return nil
		}
	default:
		t.notice("%s: condition %q unknown: allowlist left out", where, a.Condition)
		return nil
	}
	if len(a.Commits) > 0 {
		t.notice("%s: commits are not supported (ignore those findings in .keyhoundignore by fingerprint): left out", where)
	}
	s := &AllowlistSpec{Description: a.Description, Paths: a.Paths, Stopwords: a.Stopwords}
	switch strings.ToLower(strings.TrimSpace(a.RegexTarget)) {
	case "", "secret":
		s.Regexes = a.Regexes
	case "match":
		s.Regexes = a.Regexes
		if len(a.Regexes) > 0 && !secretIsMatch {
			t.notice("%s: regexTarget match: keyhound matches allowlist regexes against the secret, a part of the match, so it may report what gitleaks ignored", where)
		}
	case "line":
		if len(a.Regexes) > 0 {
			t.notice("%s: regexTarget line is not supported (mark the line with a keyhound:allow comment): regexes left out", where)
		}
	default:
		t.notice("%s: regexTarget %q unknown: regexes left out", where, a.RegexTarget)
	}
	if len(s.Paths)+len(s.Regexes)+len(s.Stopwords) == 0 {
		return nil
	}
	return s
}

func unionAllowlist(a, b AllowlistSpec) AllowlistSpec {
	desc := a.Description
	if b.Description != "" && b.Description != desc {
		desc = strings.TrimSpace(strings.TrimSuffix(desc, ";") + "; " + b.Description)
		desc = strings.TrimPrefix(desc, "; ")
	}
	return AllowlistSpec{
		Description: desc,
		Paths:       append(append([]string{}, a.Paths...), b.Paths...),
		Regexes:     append(append([]string{}, a.Regexes...), b.Regexes...),
		Stopwords:   append(append([]string{}, a.Stopwords...), b.Stopwords...),
	}
}

func copySpec(in *RuleSpec) RuleSpec {
	s := *in
	s.Keywords = append([]string{}, in.Keywords...)
	s.Tags = append([]string{}, in.Tags...)
	if in.Allowlist != nil {
		a := unionAllowlist(AllowlistSpec{}, *in.Allowlist)
		a.Description = in.Allowlist.Description
		s.Allowlist = &a
	}
	return s
}

func hasRule(f *File, id string) bool {
	for _, r := range f.Rules {
		if r.ID == id {
			return true
		}
	}
	return false
}

func removeRule(f *File, id string) bool {
	for i, r := range f.Rules {
		if r.ID == id {
			f.Rules = append(f.Rules[:i], f.Rules[i+1:]...)
			return true
		}
	}
	return false
}

var nonKebab = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-z0-9]+`) })

// kebab turns a gitleaks rule id into a keyhound one.
func kebab(id string) string {
	return strings.Trim(nonKebab().ReplaceAllString(strings.ToLower(id), "-"), "-")
}

// requiredLiterals returns literals (lower-case, 3 characters or more) one
// of which occurs in every match of expr, for a rule that has no keywords
// and no literal prefix; nil when there are none.
func requiredLiterals(expr string) []string {
	lits := MustContain(expr)
	if len(lits) == 0 {
		return nil
	}
	for _, l := range lits {
		if len(l) < 3 {
			return nil
		}
	}
	sort.Strings(lits)
	return lits
}

// MustContain returns literals (lower-case) one of which every match of
// expr contains, ASCII case-insensitively; nil when it knows none.
func MustContain(expr string) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	return mustContain(re.Simplify())
}

// mustContain returns a set of strings one of which every match of re
// contains, preferring long ones; nil when it knows none.
func mustContain(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpCapture, syntax.OpPlus:
		return mustContain(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return mustContain(re.Sub[0])
		}
	case syntax.OpConcat:
		var best []string
		score := func(s []string) int {
			if len(s) == 0 {
				return -1
			}
			m := len(s[0])
			for _, x := range s {
				m = min(m, len(x))
			}
			return m
		}
		for _, sub := range re.Sub {
			if c := mustContain(sub); score(c) > score(best) {
				best = c
			}
		}
		return best
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			c := mustContain(sub)
			if len(c) == 0 {
				return nil
			}
			out = append(out, c...)
		}
		return out
	}
	return nil
}

// regexCanContain reports whether some match of expr contains keyword k
// (case-insensitively). It follows the regex's syntax tree with the set of
// how many leading characters of k the text so far ends with.
func regexCanContain(expr, k string) bool {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return true
	}
	kr := []rune(strings.ToLower(k))
	n := len(kr)
	if n == 0 {
		return true
	}
	type set = map[int]bool
	step := func(s set, has func(rune) bool) set {
		out := set{0: true}
		for i := range s {
			switch {
			case i == n:
				out[n] = true
			case has(kr[i]):
				out[i+1] = true
			}
		}
		return out
	}
	union := func(a, b set) set {
		out := set{}
		for i := range a {
			out[i] = true
		}
		for i := range b {
			out[i] = true
		}
		return out
	}
	same := func(a, b set) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if !b[i] {
				return false
			}
		}
		return true
	}
	var walk func(*syntax.Regexp, set) set
	star := func(sub *syntax.Regexp, s set) set {
		for i := 0; i <= n+1; i++ {
			next := union(s, walk(sub, s))
			if same(next, s) {
				break
			}
			s = next
		}
		return s
	}
	walk = func(r *syntax.Regexp, s set) set {
		switch r.Op {
		case syntax.OpLiteral:
			for _, c := range r.Rune {
				c := unicode.ToLower(c)
				s = step(s, func(x rune) bool { return x == c })
			}
			return s
		case syntax.OpCharClass:
			return step(s, func(x rune) bool {
				for _, y := range []rune{x, unicode.ToUpper(x)} {
					for i := 0; i+1 < len(r.Rune); i += 2 {
						if r.Rune[i] <= y && y <= r.Rune[i+1] {
							return true
						}
					}
				}
				return false
			})
		case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
			return step(s, func(x rune) bool { return x != '\n' || r.Op == syntax.OpAnyChar })
		case syntax.OpCapture:
			return walk(r.Sub[0], s)
		case syntax.OpConcat:
			for _, sub := range r.Sub {
				s = walk(sub, s)
			}
			return s
		case syntax.OpAlternate:
			out := set{}
			for _, sub := range r.Sub {
				out = union(out, walk(sub, s))
			}
			return out
		case syntax.OpQuest:
			return union(s, walk(r.Sub[0], s))
		case syntax.OpStar:
			return star(r.Sub[0], s)
		case syntax.OpPlus:
			return star(r.Sub[0], walk(r.Sub[0], s))
		case syntax.OpRepeat:
			for i := 0; i < r.Min && i <= n+1; i++ {
				s = walk(r.Sub[0], s)
			}
			if r.Max == -1 {
				return star(r.Sub[0], s)
			}
			for i := r.Min; i < r.Max && i <= r.Min+n+1; i++ {
				s = union(s, walk(r.Sub[0], s))
			}
			return s
		case syntax.OpNoMatch:
			return set{}
		}
		return s // empty-width assertions and empty matches consume nothing
	}
	return walk(re, set{0: true})[n]
}

func loadNotices(opts LoadOptions) (*Set, []string, error) {
	if opts.Path == "" {
		s, err := load(opts)
		return s, nil, err
	}
	data, err := readLimited(opts.Path, false)
	if err != nil {
		return nil, nil, fmt.Errorf("config %s: %w", opts.Path, unwrapPathError(err))
	}
	if !IsGitleaks(data) {
		s, err := loadParsed(opts, data)
		return s, nil, err
	}
	defName := opts.DefaultName
	if defName == "" {
		defName = "rules.toml (built-in)"
	}
	def, err := parseBuiltin(defName, opts.Default)
	if err != nil {
		return nil, nil, err
	}
	f, notes, err := FromGitleaks(opts.Path, data, def)
	if err != nil {
		return nil, nil, err
	}
	names := []string{opts.Path + " (gitleaks format)"}
	if f.Extend.UseDefault {
		f = Merge(def, f)
		names = append([]string{defName}, names...)
	}
	s, err := Compile(names, f)
	return s, notes, err
}

// WriteTOML writes f as a keyhound rule file, each comment line first as a
// "# " line. Empty fields are left out.
func WriteTOML(w io.Writer, f *File, comments []string) error {
	var b strings.Builder
	for _, c := range comments {
		for _, l := range strings.Split(c, "\n") {
			b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
		}
	}
	if len(comments) > 0 {
		b.WriteString("\n")
	}
	if f.Extend.UseDefault || len(f.Extend.DisabledRules) > 0 {
		b.WriteString("[extend]\n")
		if f.Extend.UseDefault {
			b.WriteString("use_default = true\n")
		}
		writeList(&b, "disabled_rules", f.Extend.DisabledRules)
		b.WriteString("\n")
	}
	if !emptyAllowlist(&f.Allowlist) {
		b.WriteString("[allowlist]\n")
		writeAllowlist(&b, &f.Allowlist)
		b.WriteString("\n")
	}
	for i := range f.Rules {
		r := &f.Rules[i]
		b.WriteString("[[rules]]\n")
		writeStr(&b, "id", r.ID)
		writeStr(&b, "description", r.Description)
		writeStr(&b, "regex", r.Regex)
		if r.SecretGroup != 0 {
			fmt.Fprintf(&b, "secret_group = %d\n", r.SecretGroup)
		}
		writeList(&b, "keywords", r.Keywords)
		if r.Entropy != 0 {
			fmt.Fprintf(&b, "entropy = %s\n", tomlFloat(r.Entropy))
		}
		writeStr(&b, "validate", r.Validate)
		writeStr(&b, "severity", r.Severity)
		writeList(&b, "tags", r.Tags)
		writeStr(&b, "path", r.Path)
		writeList(&b, "examples", r.Examples)
		writeList(&b, "negative_examples", r.NegativeExamples)
		if r.Allowlist != nil && !emptyAllowlist(r.Allowlist) {
			b.WriteString("[rules.allowlist]\n")
			writeAllowlist(&b, r.Allowlist)
		}
		b.WriteString("\n")
	}
	for _, h := range f.Webhooks {
		b.WriteString("[[webhooks]]\n")
		writeStr(&b, "url", h.URL)
		writeStr(&b, "secret_env", h.SecretEnv)
		writeList(&b, "rules", h.Rules)
		writeStr(&b, "min_severity", h.MinSeverity)
		if h.IncludeSecret {
			b.WriteString("include_secret = true\n")
		}
		writeStr(&b, "timeout", h.Timeout)
		if h.MaxAttempts != 0 {
			fmt.Fprintf(&b, "max_attempts = %d\n", h.MaxAttempts)
		}
		if len(h.Headers) > 0 {
			keys := make([]string, 0, len(h.Headers))
			for k := range h.Headers {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = tomlString(k) + " = " + tomlString(h.Headers[k])
			}
			fmt.Fprintf(&b, "headers = { %s }\n", strings.Join(parts, ", "))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}

func emptyAllowlist(a *AllowlistSpec) bool {
	return a.Description == "" && len(a.Paths)+len(a.Regexes)+len(a.Stopwords) == 0
}

func writeAllowlist(b *strings.Builder, a *AllowlistSpec) {
	writeStr(b, "description", a.Description)
	writeList(b, "paths", a.Paths)
	writeList(b, "regexes", a.Regexes)
	writeList(b, "stopwords", a.Stopwords)
}

func writeStr(b *strings.Builder, key, v string) {
	if v != "" {
		fmt.Fprintf(b, "%s = %s\n", key, tomlString(v))
	}
}

func writeList(b *strings.Builder, key string, vs []string) {
	if len(vs) == 0 {
		return
	}
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = tomlString(v)
	}
	one := key + " = [" + strings.Join(parts, ", ") + "]\n"
	if len(one) <= 100 {
		b.WriteString(one)
		return
	}
	b.WriteString(key + " = [\n")
	for _, p := range parts {
		b.WriteString("  " + p + ",\n")
	}
	b.WriteString("]\n")
}

func tomlFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	return s
}

// tomlString quotes s as a TOML literal string when it can (regexes stay
// readable: no doubled backslashes), else as a basic string.
func tomlString(s string) string {
	clean := !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
	switch {
	case clean && !strings.Contains(s, "'"):
		return "'" + s + "'"
	case clean && !strings.Contains(s, "'''") && !strings.HasPrefix(s, "'") && !strings.HasSuffix(s, "'"):
		return "'''" + s + "'''"
	}
	return QuoteTOML(s)
}

// QuoteTOML returns s as a TOML basic string ("…" with escapes).
func QuoteTOML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// GitleaksID is the id a gitleaks rule id becomes in keyhound (what
// FromGitleaks and keyhound rules convert name it).
func GitleaksID(id string) string { return kebab(id) }
