package report

import (
	"sort"

	"github.com/keyhound/keyhound/finding"
)

// Merge reads JSON reports (each with ReadJSON) and combines them: findings deduplicated
// by fingerprint and repository (the first kept) and sorted as every report
// is, stats summed, the rules that fired described from the findings.
func Merge(paths []string) (*finding.Report, int, error) {
	rep := &finding.Report{Findings: []finding.Finding{}}
	seen := map[string]bool{}
	rules := map[string]finding.RuleInfo{}
	dups := 0
	for _, p := range paths {
		in, err := ReadJSON("report", p)
		if err != nil {
			return nil, 0, err
		}
		for _, f := range in.Findings {
			k := f.Fingerprint + "\x00" + f.Repository
			if seen[k] {
				dups++
				continue
			}
			seen[k] = true
			if f.Secret == finding.Redacted {
				rep.Redacted = true
			}
			rep.Findings = append(rep.Findings, f)
			if _, ok := rules[f.RuleID]; !ok {
				rules[f.RuleID] = finding.RuleInfo{ID: f.RuleID, Description: f.Description, Severity: f.Severity, Tags: f.Tags}
			}
		}
		s, t := &rep.Stats, in.Stats
		s.Files += t.Files
		s.Bytes += t.Bytes
		s.SkippedBinary += t.SkippedBinary
		s.SkippedLarge += t.SkippedLarge
		s.SkippedOther += t.SkippedOther
		s.Errors += t.Errors
		s.Commits += t.Commits
		s.Blobs += t.Blobs
		s.ExpansionStopped += t.ExpansionStopped
		s.DurationSecond = max(s.DurationSecond, t.DurationSecond)
		s.Interrupted = s.Interrupted || t.Interrupted
		s.Failed = append(s.Failed, t.Failed...)
	}
	finding.SortFailures(rep.Stats.Failed)
	finding.Sort(rep.Findings)
	rep.Stats.Findings = len(rep.Findings)
	for _, r := range rules {
		rep.Rules = append(rep.Rules, r)
	}
	sort.Slice(rep.Rules, func(i, j int) bool { return rep.Rules[i].ID < rep.Rules[j].ID })
	return rep, dups, nil
}
