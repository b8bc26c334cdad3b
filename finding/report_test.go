package finding

import (
	"strings"
	"testing"
)

func TestReportRedact(t *testing.T) {
	r := &Report{Findings: []Finding{
		{Secret: "s3cr3t-one", Match: "key = s3cr3t-one"},
		{Secret: "s3cr3t-two", Match: "s3cr3t-two"},
	}}
	r.Redact()
	if !r.Redacted {
		t.Errorf("not marked Redacted")
	}
	for _, f := range r.Findings {
		if strings.Contains(f.Secret+f.Match, "s3cr3t") {
			t.Errorf("secret left in %+v", f)
		}
	}
}
