package rules

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"regexp/syntax"
)

// Limits on what a rule file may ask of keyhound. A rule file can come from
// the repository being scanned (.keyhound.toml at its root), so loading one
// must take bounded time and memory whatever it holds. Go's regexp already
// rejects a repeat count over 1000, also when repeats are nested
// ((a{1000}){1000}), but a legal regex can still compile to millions of
// instructions ((x[a-z]{3000}){1000}: 3 million, 0.7 s and 600 MB each),
// and so cost as much at every keyword hit while scanning.
const (
	// MaxRegexSize bounds one regex's compiled program, in instructions: ten
	// times the largest built-in rule's (about 2,000).
	MaxRegexSize = 20_000
	// MaxTotalRegexSize bounds the programs of all the regexes a rule set
	// compiles when it is loaded (the built-in catalog's total is about
	// 86,000; its rules are compiled on first use and not counted).
	MaxTotalRegexSize = 1_000_000
	// MaxFileSize bounds a rule file (the built-in one is about 330 KB).
	MaxFileSize = 16 << 20
)

// regexBudget counts the instructions of the regexes a rule set compiles,
// and keeps each one compiled once (the same allowlist regex often serves
// many rules; a compiled regexp is safe for concurrent use).
type regexBudget struct {
	used  int64
	known map[string]compiled
	lazy  map[string]*Regex // path regexes compiled on first use (compilePathRegex)
}

type compiled struct {
	re   *regexp.Regexp
	size int64
}

// compileRegex compiles expr unless its program would be larger than
// MaxRegexSize, or the rule set's regexes together larger than
// MaxTotalRegexSize (b may be nil: no total). The size is worked out from
// the parsed regex, before anything is expanded or compiled.
func compileRegex(expr string, b *regexBudget) (*regexp.Regexp, error) {
	if b != nil {
		if c, ok := b.known[expr]; ok {
			return c.re, b.spend(c.size)
		}
	}
	n, err := regexSize(expr)
	if err != nil {
		return nil, err
	}
	if err := b.spend(n); err != nil {
		return nil, err
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	if b != nil {
		if b.known == nil {
			b.known = map[string]compiled{}
		}
		b.known[expr] = compiled{re, n}
	}
	return re, nil
}

// regexSize returns the estimated program size of expr, or an error when
// it does not parse or is over MaxRegexSize.
func regexSize(expr string) (int64, error) {
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return 0, err // the same error regexp.Compile gives
	}
	n := progSize(re)
	if n > MaxRegexSize {
		return 0, fmt.Errorf("too large: compiles to about %d instructions, over the limit of %d per regex (large counted repetitions, or repetitions nested in each other)", n, MaxRegexSize)
	}
	return n, nil
}

// spend adds n instructions to the budget (b may be nil: no total).
func (b *regexBudget) spend(n int64) error {
	if b == nil {
		return nil
	}
	b.used += n
	if b.used > MaxTotalRegexSize {
		return fmt.Errorf("too large: with this one the rule file's regexes compile to more than %d instructions together", MaxTotalRegexSize)
	}
	return nil
}

// progSize estimates how many instructions re compiles to, as Go's regexp
// compiler lays a program out (a repeat becomes copies of its body),
// without expanding anything. It never underestimates by much and never
// overflows: sizes are capped far above any limit.
func progSize(re *syntax.Regexp) int64 {
	const capSize = 1 << 40
	var size int64
	switch re.Op {
	case syntax.OpLiteral:
		size = int64(len(re.Rune))
	case syntax.OpCapture, syntax.OpStar:
		size = 2 + progSize(re.Sub[0])
	case syntax.OpPlus, syntax.OpQuest:
		size = 1 + progSize(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			size += progSize(sub)
		}
	case syntax.OpAlternate:
		for _, sub := range re.Sub {
			size += progSize(sub)
		}
		size += int64(len(re.Sub))
	case syntax.OpRepeat:
		sub := progSize(re.Sub[0])
		switch {
		case re.Max == -1 && re.Min == 0:
			size = 2 + sub // x*
		case re.Max == -1:
			size = 1 + int64(re.Min)*sub // xx+
		default:
			size = int64(re.Max)*sub + int64(re.Max-re.Min) // xx(x(x)?)?
		}
	default:
		size = 1
	}
	return min(max(size, 1), capSize)
}

// readLimited reads a rule file, refusing one larger than MaxFileSize. With
// regularOnly (a file named inside another rule file, which may come from
// the scanned repository) anything but a regular file is refused unread;
// otherwise a pipe (-c /dev/stdin) is read, up to the same bound.
func readLimited(path string, regularOnly bool) ([]byte, error) {
	if regularOnly {
		st, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if !st.Mode().IsRegular() {
			return nil, fmt.Errorf("not a regular file")
		}
	}
	data, err := ReadFileLimited(path, MaxFileSize)
	if err != nil {
		return nil, fmt.Errorf("%w: not a rule file", err)
	}
	return data, nil
}

// ReadFileLimited reads path (a file or a pipe) if it holds at most limit
// bytes: a larger regular file is refused unread, anything else is read up
// to the limit. Rule and ignore files may come with a scanned repository.
func ReadFileLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tooBig := fmt.Errorf("larger than %d MiB", limit>>20)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > limit {
		return nil, tooBig
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooBig
	}
	return data, nil
}

// abbrev shortens a long regex quoted in an error message.
func abbrev(expr string) string {
	if r := []rune(expr); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return expr
}
