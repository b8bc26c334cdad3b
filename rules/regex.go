package rules

import (
	"regexp"
	"sync"
)

// Regex is a path regex of a rule set: compiled when the set is loaded for a
// user's rule file (so a mistake is an error then), and on first use for the
// generated built-in rules, whose regexes GenerateBuiltin compiled: most
// runs never match a path against most of them.
type Regex struct {
	expr string
	once sync.Once
	re   *regexp.Regexp
}

// compiledRegex returns re as a Regex.
func compiledRegex(re *regexp.Regexp) *Regex {
	x := &Regex{expr: re.String(), re: re}
	x.once.Do(func() {})
	return x
}

// CompileRegex returns the Regex of expr, compiled now.
func CompileRegex(expr string) (*Regex, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	return compiledRegex(re), nil
}

// lazyRegex returns the Regex of expr, compiled on first use.
func lazyRegex(expr string) *Regex { return &Regex{expr: expr} }

// String returns the regex's source.
func (x *Regex) String() string { return x.expr }

// Regexp returns the compiled regex. A built-in regex that does not compile
// (only a Go whose regexp differs from the generator's could get there)
// matches nothing.
func (x *Regex) Regexp() *regexp.Regexp {
	x.once.Do(func() {
		var err error
		if x.re, err = regexp.Compile(x.expr); err != nil {
			x.re = matchesNothing()
		}
	})
	return x.re
}

// matchesNothing is a regex without a match: an empty class.
var matchesNothing = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^\x00-\x{10FFFF}]`) })

// MatchString reports whether s holds a match of the regex.
func (x *Regex) MatchString(s string) bool { return x.Regexp().MatchString(s) }
