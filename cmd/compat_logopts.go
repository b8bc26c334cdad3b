package cmd

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/keyhound/keyhound/scanner/gitscan"
)

// historyFilters are keyhound git's --since, --until and -- PATHSPEC, and
// gitleaks's --log-opts, which is translated onto them (and --range,
// --branch).
type historyFilters struct {
	since, until string
	logOpts      string
}

// apply sets g's selection from the flags and the pathspecs after "--";
// now anchors relative dates ("2 weeks ago").
func (h *historyFilters) apply(g *gitscan.Options, paths []string, now time.Time) error {
	since, until := h.since, h.until
	if h.logOpts != "" {
		lo, err := parseLogOpts(h.logOpts)
		if err != nil {
			return err
		}
		for _, c := range []struct {
			flag       string
			ours, from *string
		}{{"--since", &since, &lo.since}, {"--until", &until, &lo.until}, {"--range", &g.Range, &lo.rangeAB}, {"--branch", &g.Branch, &lo.branch}} {
			if *c.from == "" {
				continue
			}
			if *c.ours != "" {
				return fmt.Errorf("--log-opts %q and %s: give one of them", h.logOpts, c.flag)
			}
			*c.ours = *c.from
		}
		if len(lo.paths) > 0 && len(paths) > 0 {
			return fmt.Errorf("--log-opts %q and -- PATHSPEC: give one of them", h.logOpts)
		}
		paths = append(paths, lo.paths...)
	}
	var err error
	if since != "" {
		if g.Since, err = parseGitDate(since, now, false); err != nil {
			return fmt.Errorf("--since %q: %w", since, err)
		}
	}
	if until != "" {
		if g.Until, err = parseGitDate(until, now, true); err != nil {
			return fmt.Errorf("--until %q: %w", until, err)
		}
	}
	if !g.Since.IsZero() && !g.Until.IsZero() && g.Until.Before(g.Since) {
		return fmt.Errorf("--until %s is before --since %s: nothing to scan", until, since)
	}
	if g.Staged && (!g.Since.IsZero() || !g.Until.IsZero()) {
		return fmt.Errorf("--staged cannot be combined with --since or --until (the index has no date)")
	}
	g.Paths = paths
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

var relativeDate = regexp.MustCompile(`^(\d+)[ .]?(second|minute|hour|day|week|month|year)s?[ .]ago$`)

// parseGitDate reads a date as git log's --since and --until take the
// common forms: 2024-05-01, 2024-05-01 13:45[:07], RFC 3339, @UNIX,
// "2 weeks ago", yesterday, now (local time when no zone is given). A bare
// day is its start for --since and its end (endOfDay) for --until.
func parseGitDate(s string, now time.Time, endOfDay bool) (time.Time, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if n, err := strconv.ParseInt(strings.TrimPrefix(t, "@"), 10, 64); err == nil && strings.HasPrefix(t, "@") {
		return time.Unix(n, 0), nil
	}
	switch t {
	case "now":
		return now, nil
	case "yesterday", "today":
		d := now
		if t == "yesterday" {
			d = now.AddDate(0, 0, -1)
		}
		day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, now.Location())
		if endOfDay {
			return day.AddDate(0, 0, 1).Add(-time.Second), nil
		}
		return day, nil
	}
	if m := relativeDate.FindStringSubmatch(t); m != nil {
		n, _ := strconv.Atoi(m[1])
		switch m[2] {
		case "second":
			return now.Add(-time.Duration(n) * time.Second), nil
		case "minute":
			return now.Add(-time.Duration(n) * time.Minute), nil
		case "hour":
			return now.Add(-time.Duration(n) * time.Hour), nil
		case "day":
			return now.AddDate(0, 0, -n), nil
		case "week":
			return now.AddDate(0, 0, -7*n), nil
		case "month":
			return now.AddDate(0, -n, 0), nil
		default:
			return now.AddDate(-n, 0, 0), nil
		}
	}
	if d, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil {
		return d, nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if d, err := time.ParseInLocation(layout, t, now.Location()); err == nil {
			return d, nil
		}
	}
	if d, err := time.ParseInLocation(time.DateOnly, t, now.Location()); err == nil {
		if endOfDay {
			return d.AddDate(0, 0, 1).Add(-time.Second), nil
		}
		return d, nil
	}
	return time.Time{}, fmt.Errorf("not a date (want e.g. 2024-05-01, \"2024-05-01 13:45\", 2024-05-01T13:45:00Z, @1714567890, \"2 weeks ago\", yesterday)")
}
