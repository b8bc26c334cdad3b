// Package rules loads, validates and compiles keyhound's TOML rule files.
package rules

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"

	"github.com/keyhound/keyhound/validate"
)

// Rule is one compiled detection rule.
type Rule struct {
	ID               string
	Description      string
	Severity         string
	Tags             []string
	Expr             string // the regex source
	re               *regexp.Regexp
	reErr            error
	reOnce           sync.Once // compiles a built-in rule's regex and allowlist regexes on first use
	builtin          bool      // a generated built-in rule: its regex is compiled on first use
	SecretGroup      int
	Keywords         []string // lower-case; the rule runs only near one of them
	Entropy          float64
	ValidateName     string
	Validate         func(secret string) bool // nil when the rule has no validator
	Path             *Regex                   // nil: every path
	Allowlist        *Allowlist               // nil: none
	Generic          bool                     // tagged "generic": yields to a specific rule on the same secret
	Examples         []string
	NegativeExamples []string
}

// Allowlist holds compiled exceptions.
type Allowlist struct {
	Paths     []*Regex
	Regexes   []*regexp.Regexp // the built-in rules': compiled on first use (AllowsSecret, Rule.Regexp)
	Stopwords []string         // lower-case
	regexSrc  []string         // the sources of Regexes
	once      sync.Once        // compiles the rest of regexSrc into Regexes
	err       error
}

// Set is a compiled rule set ready for matching.
type Set struct {
	Rules     []*Rule
	Allowlist *Allowlist
	Webhooks  []WebhookSpec
	Sources   []string // files the set was built from, for messages

	known []string // every rule id of the files, disabled ones too (see CheckID)
}

// Severities lists the allowed severities, lowest first.
var severities = []string{"info", "low", "medium", "high", "critical"}

// kebabID reports whether id is kebab-case: lower-case letters and digits
// in words joined by single hyphens.
func kebabID(id string) bool {
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '-' && i > 0 && i < len(id)-1 && id[i-1] != '-':
		default:
			return false
		}
	}
	return id != ""
}

// Parse decodes one rule file strictly: an unknown key is an error naming it.
func Parse(name string, data []byte) (*File, error) {
	var f File
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: line %d: %s", name, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("%s: unknown key %s", name, strings.Join(keys, ", "))
	}
	return &f, nil
}

// LoadOptions says where rules come from.
type LoadOptions struct {
	Default     []byte // the built-in rules.toml
	DefaultName string // name for messages, e.g. "rules.toml (built-in)"
	Path        string // a user's rule file; empty: the built-in rules only
}

// Load reads and compiles the rule set described by opts: the built-in
// rules, a keyhound rule file, or a gitleaks/betterleaks-format config at
// opts.Path (translated with FromGitleaks; the notices say what the
// translation left out). A set without any rule is an error (it would
// report every scan clean).
func Load(opts LoadOptions) (*Set, []string, error) {
	set, notes, err := loadNotices(opts)
	if err == nil {
		err = requireRules(set)
	}
	if err != nil {
		return nil, nil, err
	}
	return set, notes, nil
}

func requireRules(set *Set) error {
	if len(set.Rules) == 0 {
		return fmt.Errorf("%s: no rules to scan with (add [[rules]], or [extend] use_default = true)", strings.Join(set.Sources, " + "))
	}
	return nil
}

func load(opts LoadOptions) (*Set, error) {
	defName := opts.DefaultName
	if defName == "" {
		defName = "rules.toml (built-in)"
	}
	if opts.Path == "" {
		f, err := parseBuiltin(defName, opts.Default)
		if err != nil {
			return nil, err
		}
		return Compile([]string{defName}, f)
	}
	data, err := readLimited(opts.Path, false)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", opts.Path, unwrapPathError(err))
	}
	return loadParsed(opts, data)
}

// loadParsed is Load with the content of opts.Path already read (once: it
// may be a pipe, -c /dev/stdin).
func loadParsed(opts LoadOptions, data []byte) (*Set, error) {
	defName := opts.DefaultName
	if defName == "" {
		defName = "rules.toml (built-in)"
	}
	user, err := Parse(opts.Path, data)
	if err != nil {
		return nil, err
	}
	if !user.Extend.UseDefault {
		return Compile([]string{opts.Path}, user)
	}
	def, err := parseBuiltin(defName, opts.Default)
	if err != nil {
		return nil, err
	}
	return Compile([]string{defName, opts.Path}, Merge(def, user))
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Regexp returns the rule's compiled regex. A built-in rule's regex and
// allowlist regexes are compiled on first use, which keeps start-up short;
// they compiled when the rules were generated (GenerateBuiltin), so an
// error here means a Go whose regexp differs from the generator's. A
// user's rule was compiled when it was loaded.
func (r *Rule) Regexp() (*regexp.Regexp, error) {
	r.reOnce.Do(func() {
		if r.re != nil {
			return
		}
		if r.re, r.reErr = regexp.Compile(r.Expr); r.reErr != nil {
			r.reErr = fmt.Errorf("rule %s: regex: %w", r.ID, r.reErr)
			return
		}
		if err := r.CompileAllowlist(); err != nil {
			r.re, r.reErr = nil, err
		}
	})
	return r.re, r.reErr
}

// Builtin reports whether the rule is a generated built-in one, whose regex
// (checked when it was generated) is compiled on first use; a user's rule
// was compiled, within the rule file's budget, when it was loaded.
func (r *Rule) Builtin() bool { return r.builtin }

// CompileAllowlist compiles a built-in rule's allowlist regexes, if not
// yet done (Regexp does it too): a matcher that runs other forms of the
// rule's regex needs them without the regex itself.
func (r *Rule) CompileAllowlist() error {
	if r.Allowlist == nil {
		return nil
	}
	if err := r.Allowlist.compile(); err != nil {
		return fmt.Errorf("rule %s: allowlist: %w", r.ID, err)
	}
	return nil
}

// compile compiles the allowlist's regexes not compiled at load (a
// built-in allowlist's), once.
func (a *Allowlist) compile() error {
	a.once.Do(func() {
		if len(a.Regexes) >= len(a.regexSrc) {
			return
		}
		var res []*regexp.Regexp
		for _, src := range a.regexSrc[len(a.Regexes):] {
			re, err := regexp.Compile(src)
			if err != nil {
				a.err = fmt.Errorf("regexes %q: %w", abbrev(src), err)
				return
			}
			res = append(res, re)
		}
		a.Regexes = append(a.Regexes, res...)
	})
	return a.err
}

// Merge combines the built-in file def with a user file that extends it: the
// user's rules replace built-in rules of the same id, both allowlists apply,
// and the user's disabled_rules and webhooks are kept.
func Merge(def, user *File) *File {
	out := &File{Extend: Extend{DisabledRules: user.Extend.DisabledRules}, Webhooks: user.Webhooks}
	mine := map[string]bool{}
	for _, r := range user.Rules {
		mine[r.ID] = true
	}
	for _, r := range def.Rules {
		if !mine[r.ID] {
			out.Rules = append(out.Rules, r)
		}
	}
	out.Rules = append(out.Rules, user.Rules...)
	a, b := def.Allowlist, user.Allowlist
	out.Allowlist = AllowlistSpec{
		Description: strings.TrimSpace(a.Description + " " + b.Description),
		Paths:       append(append([]string{}, a.Paths...), b.Paths...),
		Regexes:     append(append([]string{}, a.Regexes...), b.Regexes...),
		Stopwords:   append(append([]string{}, a.Stopwords...), b.Stopwords...),
	}
	return out
}

// Compile validates f and compiles it. name lists the source files for messages.
func Compile(names []string, f *File) (*Set, error) {
	src := strings.Join(names, " + ")
	set := &Set{Sources: names, Webhooks: f.Webhooks}
	budget := &regexBudget{}
	al, err := compileAllowlist(f.Allowlist, budget, f.builtin)
	if err != nil {
		return nil, fmt.Errorf("%s: allowlist: %w", src, err)
	}
	set.Allowlist = al
	disabled := map[string]bool{}
	for _, id := range f.Extend.DisabledRules {
		disabled[id] = true
	}
	// The generated built-in rules were checked for duplicate ids when
	// generated: only a set with other rules needs the check.
	var seen map[string]bool
	for i := range f.Rules {
		if !f.Rules[i].builtin {
			seen = make(map[string]bool, len(f.Rules))
			break
		}
	}
	slab := make([]Rule, len(f.Rules)) // one allocation for all the rules
	set.known = make([]string, len(f.Rules))
	set.Rules = make([]*Rule, 0, len(f.Rules))
	for i := range f.Rules {
		spec := &f.Rules[i]
		if spec.ID == "" {
			return nil, fmt.Errorf("%s: rule #%d: missing id", src, i+1)
		}
		if seen != nil {
			if seen[spec.ID] {
				return nil, fmt.Errorf("%s: rule %s: duplicate id", src, spec.ID)
			}
			seen[spec.ID] = true
		}
		set.known[i] = spec.ID
		r := &slab[i]
		if err := compileRule(r, spec, budget); err != nil {
			return nil, fmt.Errorf("%s: rule %s: %w", src, spec.ID, err)
		}
		if !disabled[spec.ID] {
			set.Rules = append(set.Rules, r)
		}
	}
	for _, id := range f.Extend.DisabledRules {
		if err := set.CheckID(id); err != nil {
			return nil, fmt.Errorf("%s: disabled_rules: %w", src, err)
		}
	}
	for i, w := range f.Webhooks {
		for _, id := range w.Rules {
			if id = strings.TrimSpace(id); id == "" {
				continue // reported by the webhook's own checks
			}
			if err := set.CheckID(id); err != nil {
				return nil, fmt.Errorf("%s: [[webhooks]] #%d: rules: %w", src, i+1, err)
			}
		}
	}
	return set, nil
}

// compileRule checks s and compiles it into r.
func compileRule(r *Rule, s *RuleSpec, budget *regexBudget) error {
	if !kebabID(s.ID) {
		return fmt.Errorf("id must be kebab-case (lower-case letters, digits and single hyphens)")
	}
	if s.Regex == "" {
		return fmt.Errorf("missing regex")
	}
	// A user's regex is compiled now, so a mistake is an error before any
	// scanning; a generated built-in one (GenerateBuiltin compiled every
	// rule) when a keyword first brings it into play (Regexp), which keeps
	// start-up short.
	var re *regexp.Regexp
	if !s.builtin {
		var err error
		if re, err = compileRegex(s.Regex, budget); err != nil {
			return fmt.Errorf("regex: %w", err)
		}
		if s.SecretGroup < 0 || s.SecretGroup > re.NumSubexp() {
			return fmt.Errorf("secret_group %d out of range: the regex has %d capture groups", s.SecretGroup, re.NumSubexp())
		}
	}
	if !(s.Entropy >= 0 && s.Entropy <= 8) { // NaN too
		return fmt.Errorf("entropy %g out of range 0..8", s.Entropy)
	}
	tags := s.Tags // the generated rules' are static: shared, never changed
	if !s.builtin {
		tags = append([]string{}, s.Tags...)
	}
	*r = Rule{
		ID:               s.ID,
		Description:      s.Description,
		Severity:         strings.ToLower(s.Severity),
		Tags:             tags,
		Expr:             s.Regex,
		re:               re,
		builtin:          s.builtin,
		SecretGroup:      s.SecretGroup,
		Entropy:          s.Entropy,
		ValidateName:     s.Validate,
		Examples:         s.Examples,
		NegativeExamples: s.NegativeExamples,
	}
	if r.Description == "" {
		r.Description = s.ID
	}
	var err error
	if r.Severity == "" {
		r.Severity = "medium"
	}
	if SeverityRank(r.Severity) < 0 {
		return fmt.Errorf("severity %q: want one of %s", s.Severity, strings.Join(severities, ", "))
	}
	for _, t := range r.Tags {
		if t == "generic" {
			r.Generic = true
		}
	}
	if s.Validate != "" {
		fn, ok := validate.Lookup(s.Validate)
		if !ok {
			return fmt.Errorf("validate %q: unknown validator (known: %s)", s.Validate, strings.Join(validate.Names(), ", "))
		}
		r.Validate = fn
	}
	if s.Path != "" {
		if r.Path, err = compilePathRegex(s.Path, budget, s.builtin); err != nil {
			return fmt.Errorf("path: %w", err)
		}
	}
	if s.Allowlist != nil {
		if r.Allowlist, err = compileAllowlist(*s.Allowlist, budget, s.builtin); err != nil {
			return fmt.Errorf("allowlist: %w", err)
		}
	}
	kw := s.Keywords
	if len(kw) == 0 {
		kw = DeriveKeywords(s.Regex)
		if len(kw) == 0 {
			return fmt.Errorf("no keywords, and none can be derived from the regex (give keywords = [...])")
		}
	}
	r.Keywords, err = keywords(kw)
	return err
}

// keywords returns kw in lower case without repeats: kw itself (no copy)
// when it is so already, as the generated built-in rules' are.
func keywords(kw []string) ([]string, error) {
	for _, k := range kw {
		if k == "" {
			return nil, fmt.Errorf("empty keyword")
		}
	}
	clean := len(kw) <= 16 // else the check below is quadratic: just build
	for i := 0; clean && i < len(kw); i++ {
		clean = strings.ToLower(kw[i]) == kw[i] && !slices.Contains(kw[:i], kw[i])
	}
	if clean {
		return kw, nil
	}
	var out []string
	uniq := map[string]bool{}
	for _, k := range kw {
		k = strings.ToLower(k)
		if !uniq[k] {
			uniq[k] = true
			out = append(out, k)
		}
	}
	return out, nil
}

// compilePathRegex compiles a path regex now, or with lazy (a generated
// built-in one) on first use.
func compilePathRegex(expr string, budget *regexBudget, lazy bool) (*Regex, error) {
	if lazy {
		if budget.lazy == nil {
			budget.lazy = map[string]*Regex{}
		}
		x := budget.lazy[expr] // rules share allowlist paths: compile each once
		if x == nil {
			x = lazyRegex(expr)
			budget.lazy[expr] = x
		}
		return x, nil
	}
	re, err := compileRegex(expr, budget)
	if err != nil {
		return nil, err
	}
	return compiledRegex(re), nil
}

// compileAllowlist compiles s; with lazy (the generated built-in rules'
// allowlists) its regexes are compiled on first use (Allowlist.compile,
// Regex.Regexp).
func compileAllowlist(s AllowlistSpec, budget *regexBudget, lazy bool) (*Allowlist, error) {
	a := &Allowlist{regexSrc: s.Regexes}
	for _, p := range s.Paths {
		re, err := compilePathRegex(p, budget, lazy)
		if err != nil {
			return nil, fmt.Errorf("paths %q: %w", abbrev(p), err)
		}
		a.Paths = append(a.Paths, re)
	}
	for _, p := range s.Regexes {
		if lazy {
			break
		}
		re, err := compileRegex(p, budget)
		if err != nil {
			return nil, fmt.Errorf("regexes %q: %w", abbrev(p), err)
		}
		a.Regexes = append(a.Regexes, re)
	}
	for _, w := range s.Stopwords {
		if w == "" {
			return nil, fmt.Errorf("empty stopword")
		}
		a.Stopwords = append(a.Stopwords, strings.ToLower(w))
	}
	return a, nil
}

// SeverityRank orders severities (info=0 … critical=4); -1 for an unknown one.
func SeverityRank(s string) int {
	for i, v := range severities {
		if v == s {
			return i
		}
	}
	return -1
}

// SecretRegexes returns the allowlist's regexes over the secret, compiling
// a built-in allowlist's on first use (one that does not compile, see
// Rule.Regexp, is left out).
func (a *Allowlist) SecretRegexes() []*regexp.Regexp {
	_ = a.compile()
	return a.Regexes
}

// AllowsSecret reports whether secret is allowlisted by a regex or
// stopword, matched against its KeyMaterial.
func (a *Allowlist) AllowsSecret(secret string) bool {
	if a == nil {
		return false
	}
	secret = KeyMaterial(secret)
	for _, re := range a.SecretRegexes() {
		if re.MatchString(secret) {
			return true
		}
	}
	if len(a.Stopwords) > 0 {
		low := strings.ToLower(secret)
		for _, w := range a.Stopwords {
			if strings.Contains(low, w) {
				return true
			}
		}
	}
	return false
}

// DeriveKeywords returns literal strings that every match of the regex
// starts with (case-insensitively), or nil when there is no such literal of
// at least three characters.
func DeriveKeywords(expr string) []string {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return nil
	}
	lits := leadingLiterals(re.Simplify())
	for _, l := range lits {
		if len(l) < 3 {
			return nil
		}
	}
	sort.Strings(lits)
	return lits
}

// leadingLiterals returns the set of literals one of which begins every match.
func leadingLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpCapture:
		return leadingLiterals(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			switch sub.Op {
			case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpEmptyMatch:
				continue
			}
			return leadingLiterals(sub)
		}
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l := leadingLiterals(sub)
			if len(l) == 0 {
				return nil
			}
			out = append(out, l...)
		}
		return out
	}
	return nil
}
