package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/keyhound/keyhound/finding"
)

func writeReport(t *testing.T, fs []finding.Finding, stats finding.Stats) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"version": 1, "findings": fs, "stats": stats})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "report.json")
	writeFile(t, p, string(b))
	return p
}

func mergeFinding(repo, file, secret string) finding.Finding {
	return finding.Finding{
		RuleID: "khg-token", Description: "keyhound git test token", Severity: "high", Tags: []string{"test"},
		File: file, Line: 1, Column: 1, EndLine: 1, EndColumn: len(secret), Secret: secret, Match: secret,
		Fingerprint: finding.Fingerprint("khg-token", secret, file), Repository: repo, Commit: strings.Repeat("a", 40),
	}
}

// TestMerge: shard reports are combined into one, findings deduplicated by
// fingerprint and repository (the same secret in two repositories stays
// two findings), stats summed, in every format; SARIF is valid.
func TestMerge(t *testing.T) {
	s1, s2 := gitToken(601), gitToken(602)
	a := writeReport(t, []finding.Finding{mergeFinding("https://h/org/a", "x.txt", s1), mergeFinding("https://h/org/b", "x.txt", s1)},
		finding.Stats{Files: 10, Commits: 5, Blobs: 10, Errors: 1, DurationSecond: 2})
	b := writeReport(t, []finding.Finding{mergeFinding("https://h/org/a", "x.txt", s1), mergeFinding("https://h/org/c", "y.txt", s2)},
		finding.Stats{Files: 7, Commits: 3, Blobs: 7, DurationSecond: 3})
	empty := writeReport(t, []finding.Finding{}, finding.Stats{})
	k := khRun{}
	res := k.run(t, "merge", "-f", "json", a, b, empty)
	if res.code != 1 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	var got struct {
		Findings []finding.Finding `json:"findings"`
		Stats    finding.Stats     `json:"stats"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil {
		t.Fatal(err)
	}
	var repos []string
	for _, f := range got.Findings {
		repos = append(repos, f.Repository)
	}
	if strings.Join(repos, " ") != "https://h/org/a https://h/org/b https://h/org/c" {
		t.Errorf("merged findings by repository: %v", repos)
	}
	st := got.Stats
	if st.Findings != 3 || st.Files != 17 || st.Commits != 8 || st.Blobs != 17 || st.Errors != 1 || st.DurationSecond != 3 {
		t.Errorf("stats %+v", st)
	}
	if !strings.Contains(res.stderr, "1 duplicate left out") {
		t.Errorf("stderr %q", res.stderr)
	}

	// SARIF, and several outputs at once.
	dir := t.TempDir()
	res = k.run(t, "merge", "-f", "sarif="+filepath.Join(dir, "m.sarif"), "-f", "text", "--redact", a, b)
	if res.code != 1 || strings.Contains(res.stdout, s1) {
		t.Fatalf("exit %d, stdout %s", res.code, res.stdout)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "m.sarif"))
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if err := loadSARIFSchema(t).Validate(v); err != nil {
		t.Errorf("merged SARIF does not validate: %v", err)
	}
	if strings.Count(string(data), `"ruleId"`) != 3 || strings.Contains(string(data), s1) || !strings.Contains(string(data), `"id": "khg-token"`) {
		t.Errorf("SARIF: %s", data)
	}

	// Nothing found: exit 0. A file that is not a report: exit 2 naming it.
	if res := k.run(t, "merge", empty, empty); res.code != 0 {
		t.Errorf("empty reports: exit %d", res.code)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	writeFile(t, bad, `{"rules": []}`)
	for _, p := range []string{bad, filepath.Join(t.TempDir(), "missing.json")} {
		if res := k.run(t, "merge", a, p); res.code != 2 || !strings.Contains(res.stderr, p) {
			t.Errorf("%s: exit %d, stderr %q", p, res.code, res.stderr)
		}
	}
}
