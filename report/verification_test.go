package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

// verifiedReport is sampleReport after --verify: live, invalid, error, and unknown (no verifier).
func verifiedReport() *finding.Report {
	rep := sampleReport()
	rep.Findings[0].Verification = finding.Verification{Status: "live", CheckedAt: "2026-01-02T03:04:05Z", Detail: "HTTP 200", Identity: "octo", Scopes: []string{"repo"}}
	rep.Findings[1].Verification = finding.Verification{Status: "invalid", CheckedAt: "2026-01-02T03:04:05Z", Detail: "HTTP 401"}
	rep.Findings[2].Verification = finding.Verification{Status: "error", CheckedAt: "2026-01-02T03:04:05Z", Detail: "POST sts.amazonaws.com: timeout after 10s"}
	return rep
}

// TestVerificationInReports: every JSON finding and SARIF result carries the
// verification object (status unknown when nothing was checked), and the
// text report marks live keys.
func TestVerificationInReports(t *testing.T) {
	for _, tc := range []struct {
		name string
		rep  *finding.Report
		want []string
	}{
		{"verified", verifiedReport(), []string{"live", "invalid", "error", "unknown"}},
		{"not verified", sampleReport(), []string{"unknown", "unknown", "unknown", "unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var js struct {
				Findings []struct {
					Verification *struct {
						Status    string   `json:"status"`
						CheckedAt *string  `json:"checked_at"`
						Scopes    []string `json:"scopes"`
					} `json:"verification"`
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(render(t, "json", tc.rep, Options{})), &js); err != nil {
				t.Fatal(err)
			}
			sarif := render(t, "sarif", tc.rep, Options{})
			if err := validateSARIF(t, sarif); err != nil {
				t.Fatalf("SARIF does not validate: %v", err)
			}
			var sl struct {
				Runs []struct {
					Results []struct {
						Properties struct {
							Verification struct {
								Status string `json:"status"`
							} `json:"verification"`
						} `json:"properties"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(sarif), &sl); err != nil {
				t.Fatal(err)
			}
			for i, want := range tc.want {
				v := js.Findings[i].Verification
				if v == nil || v.Status != want || v.CheckedAt == nil || v.Scopes == nil {
					t.Errorf("JSON finding %d: verification %+v, want status %q with checked_at and scopes", i, v, want)
				}
				if got := sl.Runs[0].Results[i].Properties.Verification.Status; got != want {
					t.Errorf("SARIF result %d: properties.verification.status %q, want %q", i, got, want)
				}
			}
			text := render(t, "text", tc.rep, Options{})
			if live := strings.Count(text, "[LIVE]"); live != strings.Count(strings.Join(tc.want, " "), "live") {
				t.Errorf("text marks %d live keys:\n%s", live, text)
			}
		})
	}
}
