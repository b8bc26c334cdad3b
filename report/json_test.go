package report

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

func TestJSONRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		rep  *finding.Report
	}{
		{"findings", sampleReport()},
		{"redacted", redactedReport()},
		{"empty", emptyReport()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, "json", tc.rep, Options{})
			var got struct {
				Version  int               `json:"version"`
				Findings []finding.Finding `json:"findings"`
				Stats    finding.Stats     `json:"stats"`
			}
			dec := json.NewDecoder(strings.NewReader(out))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("decode: %v\n%s", err, out)
			}
			if got.Version != 1 {
				t.Errorf("version = %d, want 1", got.Version)
			}
			if !reflect.DeepEqual(got.Stats, tc.rep.Stats) {
				t.Errorf("stats = %+v, want %+v", got.Stats, tc.rep.Stats)
			}
			want := make([]finding.Finding, len(tc.rep.Findings))
			copy(want, tc.rep.Findings)
			for i := range want {
				if want[i].Tags == nil {
					want[i].Tags = []string{}
				}
			}
			if got.Findings == nil || !reflect.DeepEqual(got.Findings, want) {
				t.Errorf("findings do not round-trip (order included):\n got %+v\nwant %+v", got.Findings, want)
			}
		})
	}
}

func TestJSONShape(t *testing.T) {
	for _, tc := range []struct {
		name string
		rep  *finding.Report
	}{
		{"findings", sampleReport()},
		{"empty", emptyReport()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, "json", tc.rep, Options{})
			if !strings.HasSuffix(out, "}\n") {
				t.Errorf("report does not end with a newline")
			}
			if !strings.HasPrefix(out, "{\n  \"version\": 1,\n") {
				t.Errorf("report is not indented by 2 spaces or does not start with version:\n%s", out)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal([]byte(out), &raw); err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"version", "findings", "stats"} {
				if _, ok := raw[key]; !ok {
					t.Errorf("report lacks %q", key)
				}
			}
			if len(tc.rep.Findings) == 0 && string(raw["findings"]) != "[]" {
				t.Errorf("empty findings = %s, want []", raw["findings"])
			}
			var findings []map[string]any
			if err := json.Unmarshal(raw["findings"], &findings); err != nil {
				t.Fatal(err)
			}
			for i, f := range findings {
				// The contract's fields, always present.
				for _, key := range []string{"rule_id", "description", "file", "line", "column", "end_line",
					"end_column", "secret", "match", "entropy", "fingerprint", "tags"} {
					if _, ok := f[key]; !ok {
						t.Errorf("finding %d lacks %q", i, key)
					}
				}
				if tags, ok := f["tags"].([]any); !ok || tags == nil {
					t.Errorf("finding %d: tags = %#v, want an array", i, f["tags"])
				}
				// Git provenance only in git mode.
				git := tc.rep.Findings[i].Commit != ""
				for _, key := range []string{"commit", "author", "email", "date", "message"} {
					if _, ok := f[key]; ok != git {
						t.Errorf("finding %d: %q present = %v, want %v", i, key, ok, git)
					}
				}
			}
		})
	}
}
