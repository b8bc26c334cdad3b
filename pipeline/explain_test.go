package pipeline

import (
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/scanner"
)

// An explanation lists each candidate once, sorted by place, with its
// verdict; a generic rule's refusal where a provider's rule matched is
// left out; the summary counts what was reported.
func TestExplanation(t *testing.T) {
	var e Explanation
	at := func(file string, line int, rule string, tags ...string) finding.Finding {
		return finding.Finding{File: file, Line: line, Column: 1, RuleID: rule, Tags: tags, Secret: "s3cr3t-value-0123456789"}
	}
	e.Reported([]finding.Finding{at("b.txt", 2, "acme-token")})
	e.Rejected(scanner.Rejected{Finding: at("b.txt", 2, "generic-token", "generic"), Reason: "allowlisted"})
	e.Rejected(scanner.Rejected{Finding: at("a.txt", 9, "acme-token"), Reason: "entropy 2.1 below 3.5"})
	e.Dropped(&finding.Finding{File: "a.txt", Line: 1, Column: 1, RuleID: "acme-token", Secret: "x"}, "in the baseline")
	e.Rejected(scanner.Rejected{Finding: finding.Finding{File: "vendor/"}, Reason: "path allowlisted: not scanned"})
	var b strings.Builder
	summary, err := e.Write(&b)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{"a.txt:1:1: acme-token ", "a.txt:9:1: acme-token ", "b.txt:2:1: acme-token ", "vendor/: path allowlisted: not scanned"}
	if len(lines) != len(want) {
		t.Fatalf("lines:\n%s", b.String())
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, want[i]) {
			t.Errorf("line %d = %q, want %q…", i+1, l, want[i])
		}
	}
	if !strings.HasSuffix(lines[0], ": not reported: in the baseline") || !strings.HasSuffix(lines[2], ": reported") {
		t.Errorf("verdicts:\n%s", b.String())
	}
	if strings.Contains(b.String(), "s3cr3t-value-0123456789") {
		t.Errorf("a whole secret is printed:\n%s", b.String())
	}
	if summary != "keyhound: 3 candidates a rule matched: 1 reported, 2 not reported" {
		t.Errorf("summary %q", summary)
	}
	var none Explanation
	if s, _ := none.Write(&b); !strings.Contains(s, "no rule's regex matched anything") {
		t.Errorf("nothing matched: %q", s)
	}
}
