package pipeline

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/progress"
	"github.com/keyhound/keyhound/report"
	"github.com/keyhound/keyhound/scanner"
)

// Explanation collects, for keyhound explain, each candidate a rule's
// regex matched and what became of it: reported, or why not. Its methods
// are safe for concurrent use.
type Explanation struct {
	mu       sync.Mutex
	cands    []candidate
	reported int
}

// candidate is one line of keyhound explain.
type candidate struct {
	f       finding.Finding
	verdict string // "reported", or "not reported: why"
}

func (e *Explanation) add(f finding.Finding, verdict string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cands = append(e.cands, candidate{f, verdict})
}

// Rejected records what the scanner did not report or scan
// (scanner.Options.Explain).
func (e *Explanation) Rejected(r scanner.Rejected) {
	if r.Finding.RuleID == "" {
		e.add(r.Finding, r.Reason) // a path: not scanned
	} else {
		e.add(r.Finding, "not reported: "+r.Reason)
	}
}

// Dropped records a finding a stage left out (Pipeline.Explain).
func (e *Explanation) Dropped(f *finding.Finding, why string) { e.add(*f, "not reported: "+why) }

// Reported records the findings a run reports.
func (e *Explanation) Reported(found []finding.Finding) {
	for _, f := range found {
		v := "reported"
		if len(f.AlsoRules) > 0 {
			v += " (also matched by " + strings.Join(f.AlsoRules, ", ") + ")"
		}
		e.add(f, v)
	}
	e.mu.Lock()
	e.reported += len(found)
	e.mu.Unlock()
}

// place is where a candidate is: file, line and column.
func place(f *finding.Finding) string { return fmt.Sprintf("%s\x00%d:%d", f.File, f.Line, f.Column) }

// Write writes one line per candidate to w, sorted by place, and returns
// the line that closes it on stderr: how many were reported and not.
func (e *Explanation) Write(w io.Writer) (summary string, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	cands := e.cands
	sort.SliceStable(cands, func(i, j int) bool { return finding.Less(&cands[i].f, &cands[j].f) })
	// A generic rule yields to a provider's rule at the same place (its
	// allowlist holds the providers' prefixes): that is no news.
	specific := map[string]bool{}
	for i := range cands {
		if f := &cands[i].f; f.RuleID != "" && !slices.Contains(f.Tags, "generic") {
			specific[place(f)] = true
		}
	}
	var b strings.Builder
	matched := 0
	for i := range cands {
		c := &cands[i]
		f := &c.f
		if slices.Contains(f.Tags, "generic") && c.verdict != "reported" && specific[place(f)] {
			continue
		}
		if f.RuleID == "" { // a path the allowlist keeps from being scanned
			fmt.Fprintf(&b, "%s: %s\n", report.CleanText(f.File), report.CleanText(c.verdict))
			continue
		}
		matched++
		fmt.Fprintf(&b, "%s:%d:%d: %s %s: %s\n", report.CleanText(f.File), f.Line, f.Column,
			report.CleanText(f.RuleID), report.CleanText(report.Preview(f)), report.CleanText(c.verdict))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return "", err
	}
	if matched == 0 {
		return "keyhound: no rule's regex matched anything here: nothing looks like a secret keyhound knows (a rule runs only where one of its keywords occurs; keyhound rules list --json shows them)", nil
	}
	return fmt.Sprintf("keyhound: %s a rule matched: %d reported, %d not reported",
		progress.Count(int64(matched), "candidate"), e.reported, matched-e.reported), nil
}
