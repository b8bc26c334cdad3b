package gitscan

import (
	"fmt"
	"regexp"
	"strings"
)

// pathspec selects paths as git's pathspecs do (`git log -- PATHSPEC`): a
// path is selected when some include pattern matches it (or there is none)
// and no exclude pattern does. A pattern without wildcards matches that
// path and everything under it; one with * ? [ matches a whole path, *
// crossing '/' as in git. ":!P", ":^P" and ":(exclude)P" exclude P.
type pathspec struct {
	include, exclude []pathPattern
}

type pathPattern struct {
	literal string         // no wildcards: the path or directory
	glob    *regexp.Regexp // wildcards
}

// parsePathspec compiles specs, relative to the repository's top level.
func parsePathspec(specs []string) (*pathspec, error) {
	if len(specs) == 0 {
		return nil, nil
	}
	ps := &pathspec{}
	for _, s := range specs {
		exclude := false
		switch {
		case strings.HasPrefix(s, ":!"), strings.HasPrefix(s, ":^"):
			s, exclude = s[2:], true
		case strings.HasPrefix(s, ":(exclude)"):
			s, exclude = s[len(":(exclude)"):], true
		case strings.HasPrefix(s, ":"):
			return nil, fmt.Errorf("pathspec %q: only the exclude magic (:!P, :^P, :(exclude)P) is supported", s)
		}
		p, err := compilePattern(s)
		if err != nil {
			return nil, err
		}
		if exclude {
			ps.exclude = append(ps.exclude, p)
		} else {
			ps.include = append(ps.include, p)
		}
	}
	return ps, nil
}

func compilePattern(s string) (pathPattern, error) {
	s = strings.TrimPrefix(strings.TrimSuffix(s, "/"), "./")
	if s == "." || s == "" {
		s = ""
	}
	if !strings.ContainsAny(s, "*?[") {
		return pathPattern{literal: s}, nil
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := strings.IndexByte(s[i+1:], ']')
			if j < 0 {
				return pathPattern{}, fmt.Errorf("pathspec %q: [ without ]", s)
			}
			class := s[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j + 1
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteString(regexp.QuoteMeta(s[i : i+1]))
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return pathPattern{}, fmt.Errorf("pathspec %q: %v", s, err)
	}
	return pathPattern{glob: re}, nil
}

// matches reports whether p matches path or a directory above it.
func (p pathPattern) matches(path string) bool {
	if p.glob == nil {
		return p.literal == "" || path == p.literal || strings.HasPrefix(path, p.literal+"/")
	}
	for {
		if p.glob.MatchString(path) {
			return true
		}
		i := strings.LastIndexByte(path, '/')
		if i < 0 {
			return false
		}
		path = path[:i]
	}
}

// match reports whether path is selected; a nil pathspec selects every path.
func (ps *pathspec) match(path string) bool {
	if ps == nil {
		return true
	}
	in := len(ps.include) == 0
	for _, p := range ps.include {
		if p.matches(path) {
			in = true
			break
		}
	}
	if !in {
		return false
	}
	for _, p := range ps.exclude {
		if p.matches(path) {
			return false
		}
	}
	return true
}
