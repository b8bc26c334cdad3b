package gitscan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Filter is keyhound git's --since, --until and -- PATHSPEC as given.
type Filter struct {
	Since, Until string   // dates as ParseDate reads them; "": open
	Paths        []string // git pathspecs
}

// SetFilter parses f into o's Since, Until and Paths; now anchors relative
// dates ("2 weeks ago"). Errors name the flag.
func (o *Options) SetFilter(f Filter, now time.Time) error {
	var err error
	if f.Since != "" {
		if o.Since, err = ParseDate(f.Since, now, false); err != nil {
			return fmt.Errorf("--since %q: %w", f.Since, err)
		}
	}
	if f.Until != "" {
		if o.Until, err = ParseDate(f.Until, now, true); err != nil {
			return fmt.Errorf("--until %q: %w", f.Until, err)
		}
	}
	if !o.Since.IsZero() && !o.Until.IsZero() && o.Until.Before(o.Since) {
		return fmt.Errorf("--until %s is before --since %s: nothing to scan", f.Until, f.Since)
	}
	if o.Staged && (!o.Since.IsZero() || !o.Until.IsZero()) {
		return fmt.Errorf("--staged cannot be combined with --since or --until (the index has no date)")
	}
	o.Paths = f.Paths
	return nil
}

// Check reports a combination of selections that cannot go together.
func (o *Options) Check() error {
	if o.Range != "" && (o.SinceCommit != "" || o.Branch != "") {
		return fmt.Errorf("--range cannot be combined with --since-commit or --branch")
	}
	if o.Staged && (o.Range != "" || o.SinceCommit != "" || o.Branch != "") {
		return fmt.Errorf("--staged cannot be combined with --range, --since-commit or --branch")
	}
	return nil
}

var relativeDate = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d+)[ .]?(second|minute|hour|day|week|month|year)s?[ .]ago$`)
})

// ParseDate reads a date as git log's --since and --until take the
// common forms: 2024-05-01, 2024-05-01 13:45[:07], RFC 3339, @UNIX,
// "2 weeks ago", yesterday, now (local time when no zone is given). A bare
// day is its start for --since and its end (endOfDay) for --until.
func ParseDate(s string, now time.Time, endOfDay bool) (time.Time, error) {
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
	if m := relativeDate().FindStringSubmatch(t); m != nil {
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
