package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

// TestSARIFArchiveMember: a finding inside an archive points GitHub at the
// outer file (a file of the repository) and names the member, with its line
// and column, in the message and the properties; a decoded finding carries
// its decodings. The log stays valid against the schema.
func TestSARIFArchiveMember(t *testing.T) {
	rep := &finding.Report{
		Findings: []finding.Finding{
			{RuleID: "github-pat", File: "dist/a.zip!b.tar.gz!config/.env", Line: 3, Column: 7, EndLine: 3, EndColumn: 46, Secret: "ghp_x", Fingerprint: "f1"},
			{RuleID: "github-pat", File: "k8s/secret.yaml", Line: 6, Column: 10, EndLine: 6, EndColumn: 65, Secret: "ghp_y", Fingerprint: "f2", Decoded: []string{"base64"}},
		},
		Rules: []finding.RuleInfo{{ID: "github-pat", Description: "GitHub token", Severity: "high"}},
	}
	var b bytes.Buffer
	if err := writeSARIF(&b, rep, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := validateSARIF(t, b.String()); err != nil {
		t.Fatalf("invalid SARIF: %v", err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
				Properties map[string]any
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	member := res[0]
	loc := member.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "dist/a.zip" || loc.Region.StartLine != 1 ||
		!strings.Contains(member.Message.Text, "b.tar.gz!config/.env (line 3, column 7)") ||
		member.Properties["member"] != "b.tar.gz!config/.env" || member.Properties["member_line"] != 3.0 || member.Properties["member_column"] != 7.0 {
		t.Errorf("archive member result: %+v", member)
	}
	plain := res[1]
	dec, _ := plain.Properties["decoded"].([]any)
	if plain.Locations[0].PhysicalLocation.ArtifactLocation.URI != "k8s/secret.yaml" || plain.Locations[0].PhysicalLocation.Region.StartLine != 6 ||
		len(dec) != 1 || dec[0] != "base64" || plain.Properties["member"] != nil {
		t.Errorf("decoded result: %+v", plain)
	}
}
