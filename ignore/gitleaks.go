package ignore

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

// GitleaksFileName is gitleaks's ignore file, honoured at a scanned root.
const GitleaksFileName = ".gitleaksignore"

// GitleaksEntry is one line of a .gitleaksignore: a gitleaks finding
// fingerprint, commit:file:rule:line (git history) or file:rule:line.
type GitleaksEntry struct {
	Commit string // "" for file:rule:line
	File   string
	Rule   string // gitleaks's rule id
	Line   int    // the finding's line
	At     int    // line in the ignore file
}

// GitleaksFile is a parsed .gitleaksignore.
type GitleaksFile struct {
	Path    string
	Entries []GitleaksEntry
}

var commitPrefix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9a-f]{40}|[0-9a-f]{64}):`) })

// LoadGitleaks reads a .gitleaksignore; errors name the file and line.
func LoadGitleaks(path string) (*GitleaksFile, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return ParseGitleaks(path, data)
}

// ParseGitleaks decodes a .gitleaksignore: one fingerprint a line, blank
// lines and # comments skipped. The file may contain ':' (the fields are
// taken from the right); a leading full commit hash is the commit.
func ParseGitleaks(name string, data []byte) (*GitleaksFile, error) {
	f := &GitleaksFile{Path: name}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		bad := func(why string) error {
			return fmt.Errorf("%s:%d: %s: want a gitleaks fingerprint, commit:file:rule:line or file:rule:line", name, i+1, why)
		}
		rest, num, ok := cutLast(line)
		n, err := strconv.Atoi(num)
		if !ok || err != nil || n < 0 {
			return nil, bad("no line number at the end")
		}
		rest, rule, ok := cutLast(rest)
		if !ok || rule == "" || rest == "" {
			return nil, bad("no file and rule id")
		}
		e := GitleaksEntry{File: rest, Rule: rule, Line: n, At: i + 1}
		if m := commitPrefix().FindString(rest); m != "" && len(rest) > len(m) {
			e.Commit, e.File = m[:len(m)-1], rest[len(m):]
		}
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// GitleaksMatcher matches .gitleaksignore entries against keyhound's
// findings. Rule ids differ between the two: an entry whose rule keyhound
// knows (the id keyhound rules convert gives it) matches that rule only;
// any other matches whatever rule reported the secret at its file and line.
type GitleaksMatcher struct {
	File  *GitleaksFile
	rules []string // per entry: the keyhound rule id, "" for any
}

// NewGitleaksMatcher maps f's rule ids onto set's.
func NewGitleaksMatcher(f *GitleaksFile, set *rules.Set) *GitleaksMatcher {
	m := &GitleaksMatcher{File: f, rules: make([]string, len(f.Entries))}
	for i, e := range f.Entries {
		if id := rules.GitleaksID(e.Rule); set.CheckID(id) == nil {
			m.rules[i] = id
		}
	}
	return m
}

// Matches reports whether an entry matches fd: same file and line, same
// rule (when keyhound knows it) and, for commit:file:rule:line, a commit
// that committed the secret. A nil matcher matches nothing.
func (m *GitleaksMatcher) Matches(fd *finding.Finding) bool { return m.Match(fd) != nil }

// Match returns the first entry that matches fd, nil when none does.
func (m *GitleaksMatcher) Match(fd *finding.Finding) *GitleaksEntry {
	if m == nil {
		return nil
	}
	for i := range m.File.Entries {
		e := &m.File.Entries[i]
		if !fd.AtGitleaksPlace(e.File, e.Line) {
			continue
		}
		if r := m.rules[i]; r != "" && r != fd.RuleID && !slices.Contains(fd.AlsoRules, r) {
			continue
		}
		if e.Commit != "" && !fd.InCommit(e.Commit) {
			continue
		}
		return e
	}
	return nil
}
