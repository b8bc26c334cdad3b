package pipeline

import (
	"fmt"
	"time"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/progress"
)

// Report is the report of a run: its findings (an empty list, not null,
// when there are none), redacted in place when redact; its stats; version;
// and every rule loaded.
func (p *Pipeline) Report(res *Result, version string, redact bool) *finding.Report {
	rep := &finding.Report{Findings: res.Found, Stats: res.Stats, Version: version}
	if redact {
		rep.Redact()
	}
	if rep.Findings == nil {
		rep.Findings = []finding.Finding{}
	}
	rep.Rules = make([]finding.RuleInfo, 0, len(p.Rules().Rules))
	for _, r := range p.Rules().Rules {
		rep.Rules = append(rep.Rules, finding.RuleInfo{ID: r.ID, Description: r.Description, Severity: r.Severity, Tags: r.Tags})
	}
	return rep
}

// EndLines are the lines a scan ends with on stderr: each ignore entry
// expired by now (it no longer suppresses anything), the summary, and what
// each webhook delivered (dryRun: printed instead).
func (res *Result) EndLines(now time.Time, dryRun bool) []string {
	var lines []string
	for _, u := range res.Ignores {
		for _, e := range u.Matcher.Entries() {
			if !e.Expired(now) {
				continue
			}
			lines = append(lines, fmt.Sprintf("keyhound: %s expired on %s: no longer suppresses (%s reported); renew or remove it",
				e.Describe(u.File.Path), e.Expires.Format(time.DateOnly), progress.Count(int64(u.Matcher.Expired[e]), "finding")))
		}
	}
	lines = append(lines, res.Summary())
	for _, h := range res.Hooks.Hooks {
		verb := "delivered"
		if dryRun {
			verb = "printed (dry run)"
		}
		lines = append(lines, fmt.Sprintf("keyhound: webhook %s: %d %s, %d failed, %d skipped", h.URL, h.Delivered, verb, h.Failed, h.Skipped))
	}
	return lines
}
