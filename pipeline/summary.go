package pipeline

import (
	"fmt"
	"strings"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/progress"
)

var severityOrder = []string{"critical", "high", "medium", "low", "info"}

// Summary is the line on stderr that ends a scan: what was scanned, found,
// left out and skipped.
func (res *Result) Summary() string {
	s := res.Stats
	var b strings.Builder
	if s.Commits > 0 {
		fmt.Fprintf(&b, "keyhound: scanned %s, %s (%s) in %.2fs: %s", count(s.Commits, "commit"), count(max(s.Blobs, s.Files), "blob"), progress.HumanBytes(s.Bytes), s.DurationSecond, count(s.Findings, "finding"))
	} else {
		fmt.Fprintf(&b, "keyhound: scanned %s (%s) in %.2fs: %s", count(s.Files, "file"), progress.HumanBytes(s.Bytes), s.DurationSecond, count(s.Findings, "finding"))
	}
	if len(res.Found) > 0 {
		by := map[string]int{}
		for i := range res.Found {
			by[res.Found[i].Severity]++
		}
		var parts []string
		for _, sev := range severityOrder {
			if by[sev] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", by[sev], sev))
				delete(by, sev)
			}
		}
		for sev, n := range by { // a severity outside the known ones
			if sev == "" {
				sev = "unrated"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, sev))
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	if res.Verified {
		fmt.Fprintf(&b, "; %s", verifySummary(res.Found))
	}
	if res.Ignored > 0 {
		var paths []string
		for _, u := range res.Ignores {
			paths = append(paths, u.File.Path)
		}
		fmt.Fprintf(&b, ", %d ignored by %s", res.Ignored, strings.Join(paths, ", "))
	}
	if res.GitleaksIgnored > 0 {
		fmt.Fprintf(&b, ", %d ignored by .gitleaksignore", res.GitleaksIgnored)
	}
	if res.Baselined > 0 {
		fmt.Fprintf(&b, ", %d in the baseline", res.Baselined)
	}
	if s.SkippedBinary > 0 {
		fmt.Fprintf(&b, ", %d binary skipped", s.SkippedBinary)
	}
	if s.SkippedLarge > 0 {
		fmt.Fprintf(&b, ", %d too large skipped", s.SkippedLarge)
	}
	if s.SkippedOther > 0 {
		fmt.Fprintf(&b, ", %s skipped", count(s.SkippedOther, "symlink or special file", "symlinks or special files"))
	}
	if s.ExpansionStopped > 0 {
		fmt.Fprintf(&b, ", %d stopped at an archive bound", s.ExpansionStopped)
	}
	if s.Errors > 0 {
		fmt.Fprintf(&b, ", %d unreadable", s.Errors)
	}
	return b.String()
}

// verifySummary counts the outcomes for the summary line.
func verifySummary(found []finding.Finding) string {
	by := map[string]int{}
	for i := range found {
		by[found[i].Verification.State()]++
	}
	parts := []string{fmt.Sprintf("%d live", by[finding.StatusLive]), fmt.Sprintf("%d invalid", by[finding.StatusInvalid]), fmt.Sprintf("%d error", by[finding.StatusError])}
	if n := by[finding.StatusUnknown]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d unknown", n))
	}
	return "verified: " + strings.Join(parts, ", ")
}

// count is progress.Count for any integer type.
func count[N ~int | ~int64](n N, noun string, plural ...string) string {
	return progress.Count(int64(n), noun, plural...)
}
