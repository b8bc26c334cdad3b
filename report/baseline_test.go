package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

func TestReadBaseline(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		rep  *finding.Report
	}{
		{"findings", sampleReport()},
		{"redacted", redactedReport()},
		{"empty", emptyReport()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".json")
			if err := os.WriteFile(path, []byte(render(t, "json", tc.rep, Options{})), 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadBaseline(path)
			if err != nil {
				t.Fatalf("ReadBaseline: %v", err)
			}
			if got == nil {
				t.Fatal("ReadBaseline returned a nil set")
			}
			want := map[string]bool{}
			for _, f := range tc.rep.Findings {
				want[f.Fingerprint] = true
			}
			if got.Len() != len(want) || got.Gitleaks() {
				t.Errorf("%d fingerprints, want %d: %v", got.Len(), len(want), got)
			}
			for fp := range want {
				if !got.Fingerprints[fp] {
					t.Errorf("fingerprint %s missing", fp)
				}
			}
		})
	}
}

func TestReadBaselineErrors(t *testing.T) {
	dir := t.TempDir()
	sarif := render(t, "sarif", sampleReport(), Options{})
	for _, tc := range []struct {
		name    string
		content *string // nil: the file does not exist
		wantErr string
	}{
		{"missing", nil, "does not exist"},
		{"empty", ptr(""), "empty"},
		{"bad JSON", ptr("{\n  \"version\": 1,\n  \"findings\": [,]\n}"), "invalid JSON at line 3"},
		{"truncated", ptr(`{"version": 1, "findings": [`), "invalid JSON"},
		{"array of numbers", ptr(`[1]`), "not a gitleaks JSON report"},
		{"array of other objects", ptr(` [{"rule_id": "x"}]`), "finding 1: not a gitleaks finding"},
		{"no findings key", ptr(`{"version": 1}`), `no "findings"`},
		{"findings null", ptr(`{"version": 1, "findings": null}`), `"findings" is not an array`},
		{"findings object", ptr(`{"version": 1, "findings": {}}`), `"findings" is not an array`},
		{"findings of strings", ptr(`{"version": 1, "findings": ["x"]}`), `"findings" is not an array`},
		{"version 2", ptr(`{"version": 2, "findings": []}`), "unsupported report version 2"},
		{"version string", ptr(`{"version": "1", "findings": []}`), `"version"`},
		{"no fingerprint", ptr(`{"version": 1, "findings": [{"rule_id": "x"}]}`), "finding 1 has no fingerprint"},
		{"numeric fingerprint", ptr(`{"version": 1, "findings": [{"fingerprint": 3}]}`), "finding 1"},
		{"a SARIF log", &sarif, `no "findings"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".json")
			if tc.content != nil {
				if err := os.WriteFile(path, []byte(*tc.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := ReadBaseline(path)
			if err == nil {
				t.Fatalf("no error; got %v", got)
			}
			if !strings.HasPrefix(err.Error(), "baseline "+path+": ") {
				t.Errorf("error %q does not start with %q", err, "baseline "+path+": ")
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestReadBaselineUnreadable(t *testing.T) {
	dir := t.TempDir() // a directory is not a readable report
	_, err := ReadBaseline(dir)
	if err == nil || !strings.HasPrefix(err.Error(), "baseline "+dir+": ") {
		t.Errorf("ReadBaseline(dir) = %v, want an error naming %s", err, dir)
	}
}

func ptr(s string) *string { return &s }
