package compat

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/keyhound/keyhound/scanner/gitscan"
)

// ApplyLogOpts translates gitleaks's --log-opts s onto keyhound git's
// --since, --until and -- PATHSPEC (f) and --range and --branch (g); a
// value given both ways is an error.
func ApplyLogOpts(s string, f *gitscan.Filter, g *gitscan.Options) error {
	if s == "" {
		return nil
	}
	lo, err := parseLogOpts(s)
	if err != nil {
		return err
	}
	for _, c := range []struct {
		flag       string
		ours, from *string
	}{{"--since", &f.Since, &lo.since}, {"--until", &f.Until, &lo.until}, {"--range", &g.Range, &lo.rangeAB}, {"--branch", &g.Branch, &lo.branch}} {
		if *c.from == "" {
			continue
		}
		if *c.ours != "" {
			return fmt.Errorf("--log-opts %q and %s: give one of them", s, c.flag)
		}
		*c.ours = *c.from
	}
	if len(lo.paths) > 0 && len(f.Paths) > 0 {
		return fmt.Errorf("--log-opts %q and -- PATHSPEC: give one of them", s)
	}
	f.Paths = append(f.Paths, lo.paths...)
	return nil
}

// logOpts is what a --log-opts string asks for.
type logOpts struct {
	since, until, rangeAB, branch string
	paths                         []string
}

// parseLogOpts translates the git log options gitleaks users pass in
// --log-opts: --since/--after, --until/--before (with = or a separate
// value), A..B, one ref, --all (the default) and -- PATHSPEC. Any other
// option is an error naming it.
func parseLogOpts(s string) (logOpts, error) {
	var lo logOpts
	words, err := splitWords(s)
	if err != nil {
		return lo, fmt.Errorf("--log-opts %q: %w", s, err)
	}
	unsupported := func(w string) error {
		return fmt.Errorf("--log-opts %q: %s is not supported; keyhound git takes --since, --until, --range A..B, --branch REF and -- PATHSPEC", s, w)
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		name, val, hasVal := strings.Cut(w, "=")
		var dst *string
		switch name {
		case "--since", "--after", "--since-as-filter":
			dst = &lo.since
		case "--until", "--before":
			dst = &lo.until
		case "--all", "--branches", "--full-history", "-p", "--patch", "-U0", "--no-merges":
			// what keyhound does anyway: every ref, every change (a merge
			// adds nothing of its own unless it changes a file)
			continue
		case "--":
			lo.paths = append(lo.paths, words[i+1:]...)
			i = len(words)
			continue
		}
		if dst != nil {
			if !hasVal {
				if i+1 >= len(words) {
					return lo, fmt.Errorf("--log-opts %q: %s needs a date", s, name)
				}
				i++
				val = words[i]
			}
			*dst = val
			continue
		}
		switch {
		case strings.HasPrefix(w, "-"):
			return lo, unsupported(w)
		case strings.Contains(w, "..."):
			return lo, fmt.Errorf("--log-opts %q: %s (symmetric difference) is not supported; did you mean A..B?", s, w)
		case strings.Contains(w, ".."):
			if lo.rangeAB != "" || lo.branch != "" {
				return lo, unsupported(w)
			}
			lo.rangeAB = w
		default:
			if lo.rangeAB != "" || lo.branch != "" {
				return lo, unsupported(w)
			}
			lo.branch = w
		}
	}
	return lo, nil
}

// splitWords splits s as a shell would, for quotes only.
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case unicode.IsSpace(r):
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed %c", quote)
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}
