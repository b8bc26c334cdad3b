// Package ignore reads and writes .keyhoundignore, the file of findings a
// team has decided not to report.
//
// Entries are keyed by content, not position: a finding's fingerprint (a hash
// of rule, secret and path, so it survives the line moving) or the SHA-256 of
// the secret itself ("sha256:<hex>", so the file never holds the secret and a
// different secret on the same line is still reported). An entry can be
// narrowed by rule and path glob, and carries a reason, an owner and an
// expiry date after which it stops suppressing.
//
//	[[ignore]]
//	fingerprint = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//	rule = "aws-access-key-id" # optional
//	path = "docs/**/*.md"      # optional glob over the reported path
//	reason = "AWS's documented example key"
//	owner = "platform-team"
//	expires = 2027-06-30       # optional; the entry suppresses up to and including this day
package ignore

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/BurntSushi/toml"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

// FileName is the ignore file looked for at the scanned root.
const FileName = ".keyhoundignore"

// Entry is one [[ignore]] table.
type Entry struct {
	Fingerprint string // a finding fingerprint (32 hex digits) or "sha256:" and 64 hex digits of the secret
	Rule        string // "": any rule
	Path        string // "": any path; else a glob (see MatchGlob)
	Reason      string
	Owner       string
	Expires     time.Time // zero: never; else the last day (UTC) the entry suppresses

	Index int // 1-based position among the file's entries
	Line  int // line of its [[ignore]] header, 0 when unknown

	glob *regexp.Regexp // Path compiled by Parse (nil: compiled on each match)
}

// File is a parsed ignore file.
type File struct {
	Path    string
	Entries []*Entry
}

type rawFile struct {
	Ignore []rawEntry `toml:"ignore"`
}

type rawEntry struct {
	Fingerprint string `toml:"fingerprint"`
	Rule        string `toml:"rule"`
	Path        string `toml:"path"`
	Reason      string `toml:"reason"`
	Owner       string `toml:"owner"`
	Expires     any    `toml:"expires"` // a TOML date (2027-06-30) or the same as a string
}

var (
	fingerprintRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9a-f]{32}$`) })
	sha256RE      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^sha256:[0-9a-f]{64}$`) })
)

// ValidKey reports whether s is a fingerprint or a sha256:<hex> secret hash,
// and if not, why.
func ValidKey(s string) error {
	if fingerprintRE().MatchString(s) || sha256RE().MatchString(s) {
		return nil
	}
	if strings.HasPrefix(s, "sha256:") {
		return fmt.Errorf("%q: want sha256: and 64 lower-case hex digits (the SHA-256 of the secret)", s)
	}
	return fmt.Errorf("%q: want a finding fingerprint (32 lower-case hex digits, as in a JSON report) or sha256:<64 hex digits of the secret's SHA-256>", s)
}

// SecretHash is the key of an entry matching secret wherever it appears.
func SecretHash(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// ParseDate reads an expiry date, YYYY-MM-DD.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want a date YYYY-MM-DD", s)
	}
	return t, nil
}

// Load reads and validates an ignore file. Every error names the file and,
// for a bad entry, its line.
func Load(path string) (*File, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// readFile reads an ignore file (bounded by MaxFileSize); the error names
// the file once.
func readFile(path string) ([]byte, error) {
	data, err := readLimited(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("ignore file %s: %w", path, err)
	}
	return data, nil
}

// MaxFileSize bounds an ignore file (one may come with the scanned
// repository): about 200,000 entries.
const MaxFileSize = 64 << 20

// readLimited reads path, refusing a file larger than MaxFileSize.
func readLimited(path string) ([]byte, error) { return rules.ReadFileLimited(path, MaxFileSize) }

// Parse decodes an ignore file's content; name is used in messages.
func Parse(name string, data []byte) (*File, error) {
	var raw rawFile
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&raw)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("ignore file %s: line %d: %s", name, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("ignore file %s: %w", name, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return nil, fmt.Errorf("ignore file %s: unknown key %s (entries are [[ignore]] tables with fingerprint, rule, path, reason, owner, expires)", name, strings.Join(keys, ", "))
	}
	lines := headerLines(data)
	f := &File{Path: name}
	for i, r := range raw.Ignore {
		e := &Entry{Fingerprint: strings.TrimSpace(r.Fingerprint), Rule: r.Rule, Path: r.Path,
			Reason: strings.TrimSpace(r.Reason), Owner: r.Owner, Index: i + 1}
		if i < len(lines) {
			e.Line = lines[i]
		}
		where := e.where(name)
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("%s: missing fingerprint", where)
		}
		if err := ValidKey(e.Fingerprint); err != nil {
			return nil, fmt.Errorf("%s: fingerprint %w", where, err)
		}
		if e.Reason == "" {
			return nil, fmt.Errorf("%s: missing reason (say why this finding is not a leak)", where)
		}
		if e.Path != "" {
			if e.glob, err = globRegexp(e.Path); err != nil {
				return nil, fmt.Errorf("%s: path %q: %w", where, e.Path, err)
			}
		}
		switch v := r.Expires.(type) {
		case nil:
		case time.Time:
			e.Expires = time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)
		case string:
			t, err := ParseDate(v)
			if err != nil {
				return nil, fmt.Errorf("%s: expires %w", where, err)
			}
			e.Expires = t
		default:
			return nil, fmt.Errorf("%s: expires: want a date such as 2027-06-30", where)
		}
		f.Entries = append(f.Entries, e)
	}
	return f, nil
}

// where names entry e of file name for a message.
func (e *Entry) where(name string) string {
	if e.Line > 0 {
		return fmt.Sprintf("ignore file %s:%d", name, e.Line)
	}
	return fmt.Sprintf("ignore file %s: entry %d", name, e.Index)
}

// CheckRules returns an error naming the first entry whose rule is not a
// rule of set (which suggests the closest id): such an entry would never
// match anything.
func (f *File) CheckRules(set *rules.Set) error {
	if f == nil {
		return nil
	}
	for _, e := range f.Entries {
		if e.Rule == "" {
			continue
		}
		if err := set.CheckID(e.Rule); err != nil {
			where := e.where(f.Path)
			if e.Line > 0 {
				where += fmt.Sprintf(": entry #%d", e.Index)
			}
			return fmt.Errorf("%s: rule: %w", where, err)
		}
	}
	return nil
}

// headerLines returns the line numbers of the [[ignore]] headers, in order.
func headerLines(data []byte) []int {
	var out []int
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<24)
	n := 0
	for sc.Scan() {
		n++
		l := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(l, "[[") && strings.TrimSpace(strings.Trim(strings.SplitN(l, "#", 2)[0], "[] \t")) == "ignore" {
			out = append(out, n)
		}
	}
	return out
}

// Expired reports whether the entry no longer suppresses on day now.
func (e *Entry) Expired(now time.Time) bool {
	if e.Expires.IsZero() {
		return false
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return today.After(e.Expires)
}

// Matches reports whether the entry designates f, whatever its expiry.
// secretHash is SecretHash(f.Secret), computed once by the caller.
func (e *Entry) Matches(f *finding.Finding, secretHash string) bool {
	if strings.HasPrefix(e.Fingerprint, "sha256:") {
		if e.Fingerprint != secretHash {
			return false
		}
	} else if e.Fingerprint != f.Fingerprint {
		return false
	}
	if e.Rule != "" && e.Rule != f.RuleID {
		return false
	}
	if e.Path != "" {
		if e.glob != nil {
			return e.glob.MatchString(f.File)
		}
		return MatchGlob(e.Path, f.File)
	}
	return true
}

// Describe names the entry for messages: where it is and what it holds,
// never the secret (the file does not hold it).
func (e *Entry) Describe(file string) string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "%s:%d", file, e.Line)
	} else {
		fmt.Fprintf(&b, "%s entry %d", file, e.Index)
	}
	key := e.Fingerprint
	if len(key) > 19 {
		key = key[:19] + "…"
	}
	fmt.Fprintf(&b, " (%s", key)
	if e.Rule != "" {
		fmt.Fprintf(&b, ", rule %s", printable(e.Rule))
	}
	if e.Path != "" {
		fmt.Fprintf(&b, ", path %s", printable(e.Path))
	}
	if e.Owner != "" {
		fmt.Fprintf(&b, ", owner %s", printable(e.Owner))
	}
	fmt.Fprintf(&b, ", reason %q)", e.Reason)
	return b.String()
}

// printable returns s, quoted with escapes if it holds a control or
// bidirectional-text character: an ignore file may come with the scanned
// repository, and what Describe returns is printed on a terminal.
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) < 0 {
		return s
	}
	return strconv.Quote(s)
}

// Matcher applies a File to findings and remembers which entries were used.
type Matcher struct {
	file    *File
	now     time.Time
	Hits    map[*Entry]int // findings each entry suppressed
	Expired map[*Entry]int // findings an expired entry designated (they are reported)
}

// NewMatcher returns a Matcher for f as of now.
func NewMatcher(f *File, now time.Time) *Matcher {
	return &Matcher{file: f, now: now, Hits: map[*Entry]int{}, Expired: map[*Entry]int{}}
}

// Covers reports whether Suppress would suppress f, without counting it.
func (m *Matcher) Covers(f *finding.Finding) bool {
	if m == nil || m.file == nil || len(m.file.Entries) == 0 {
		return false
	}
	h := SecretHash(f.Secret)
	for _, e := range m.file.Entries {
		if e.Matches(f, h) && !e.Expired(m.now) {
			return true
		}
	}
	return false
}

// Suppress reports whether f is to be left out of the report. An expired
// entry never suppresses; it is counted in Expired instead.
func (m *Matcher) Suppress(f *finding.Finding) bool {
	if m == nil || m.file == nil || len(m.file.Entries) == 0 {
		return false
	}
	h := SecretHash(f.Secret)
	var expired *Entry
	for _, e := range m.file.Entries {
		if !e.Matches(f, h) {
			continue
		}
		if e.Expired(m.now) {
			expired = e
			continue
		}
		m.Hits[e]++
		return true
	}
	if expired != nil {
		m.Expired[expired]++
	}
	return false
}

// Entries lists the file's entries.
func (m *Matcher) Entries() []*Entry {
	if m == nil || m.file == nil {
		return nil
	}
	return m.file.Entries
}

// MatchGlob matches a /-separated path against a glob: "*" matches within a
// path segment, "?" one character of it, "**" any number of segments
// ("docs/**" everything under docs/, "**/*.pem" a .pem file anywhere), and
// "[abc]" a character class. A pattern without "/" matches the last segment
// (the file name) wherever it is, as in .gitignore.
func MatchGlob(pattern, path string) bool {
	re, err := globRegexp(pattern)
	if err != nil {
		return false
	}
	return re.MatchString(path)
}

func globRegexp(pattern string) (*regexp.Regexp, error) {
	if pattern == "" {
		return nil, errors.New("empty glob")
	}
	p := strings.TrimPrefix(pattern, "/")
	var b strings.Builder
	b.WriteString("^")
	if !strings.Contains(pattern, "/") {
		b.WriteString("(?:.*/)?")
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch c {
		case '*':
			if i+1 < len(p) && p[i+1] == '*' {
				i++
				if i+1 < len(p) && p[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			j := strings.IndexByte(p[i+1:], ']')
			if j < 0 {
				return nil, errors.New("unclosed [ in glob")
			}
			class := p[i+1 : i+1+j]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += j + 1
		default:
			b.WriteString(regexp.QuoteMeta(p[i : i+1])) // byte by byte: a multi-byte character stays whole
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// NewEntry is what Append writes.
type NewEntry struct {
	Fingerprint, Rule, Path, Reason, Owner string
	Expires                                time.Time // zero: none
}

// Append adds an entry at the end of the ignore file at path, creating the
// file if needed and keeping what is there (comments included). The file
// must parse before and after.
func Append(path string, e NewEntry) error {
	if err := ValidKey(e.Fingerprint); err != nil {
		return fmt.Errorf("fingerprint %w", err)
	}
	if strings.TrimSpace(e.Reason) == "" {
		return errors.New("--reason is required: say why this finding is not a leak")
	}
	if e.Path != "" {
		if _, err := globRegexp(e.Path); err != nil {
			return fmt.Errorf("--path %q: %w", e.Path, err)
		}
	}
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("ignore file %s: %w", path, err)
	}
	if len(old) > 0 {
		f, err := Parse(path, old)
		if err != nil {
			return err
		}
		for _, x := range f.Entries {
			if x.Fingerprint == e.Fingerprint && x.Rule == e.Rule && x.Path == e.Path {
				return fmt.Errorf("%s already has this entry", x.Describe(path))
			}
		}
	}
	var b strings.Builder
	if len(old) == 0 {
		b.WriteString("# Findings keyhound does not report, keyed by fingerprint or sha256 of the secret.\n" +
			"# See `keyhound ignore --help`; `keyhound ignore check --strict` finds stale and expired entries.\n")
	} else if !bytes.HasSuffix(old, []byte("\n")) {
		b.WriteString("\n")
	}
	b.WriteString("\n[[ignore]]\n")
	fmt.Fprintf(&b, "fingerprint = %s\n", quote(e.Fingerprint))
	if e.Rule != "" {
		fmt.Fprintf(&b, "rule = %s\n", quote(e.Rule))
	}
	if e.Path != "" {
		fmt.Fprintf(&b, "path = %s\n", quote(e.Path))
	}
	fmt.Fprintf(&b, "reason = %s\n", quote(strings.TrimSpace(e.Reason)))
	if e.Owner != "" {
		fmt.Fprintf(&b, "owner = %s\n", quote(e.Owner))
	}
	if !e.Expires.IsZero() {
		fmt.Fprintf(&b, "expires = %s\n", e.Expires.Format(time.DateOnly))
	}
	next := append(append([]byte{}, old...), b.String()...)
	if _, err := Parse(path, next); err != nil {
		return err
	}
	fl, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("ignore file %s: %w", path, err)
	}
	if _, err := fl.WriteString(b.String()); err != nil {
		fl.Close()
		return fmt.Errorf("ignore file %s: %w", path, err)
	}
	return fl.Close()
}

// quote writes s as a TOML basic string.
func quote(s string) string { return rules.QuoteTOML(s) }
