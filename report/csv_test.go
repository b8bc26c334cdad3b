package report

import (
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

func TestCSV(t *testing.T) {
	for _, tc := range []struct {
		name string
		rep  *finding.Report
	}{
		{"findings", sampleReport()},
		{"redacted", redactedReport()},
		{"empty", emptyReport()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, "csv", tc.rep, Options{})
			r := csv.NewReader(strings.NewReader(out))
			r.FieldsPerRecord = 23 // every row, header included
			rows, err := r.ReadAll()
			if err != nil {
				t.Fatalf("CSV does not parse back: %v\n%s", err, out)
			}
			wantHeader := "rule_id,description,severity,file,line,column,end_line,end_column,secret,match,entropy," +
				"fingerprint,tags,commit,author,email,date,message,repository,match_line,match_column,match_end_line,match_end_column"
			if len(rows) == 0 || strings.Join(rows[0], ",") != wantHeader {
				t.Fatalf("header = %v", rows)
			}
			if len(rows)-1 != len(tc.rep.Findings) {
				t.Fatalf("%d rows, want %d", len(rows)-1, len(tc.rep.Findings))
			}
			for i, f := range tc.rep.Findings {
				row := map[string]string{}
				for j, name := range rows[0] {
					row[name] = rows[i+1][j]
				}
				want := map[string]string{
					"rule_id": f.RuleID, "description": f.Description, "severity": f.Severity, "file": f.File,
					"line": strconv.Itoa(f.Line), "column": strconv.Itoa(f.Column),
					"end_line": strconv.Itoa(f.EndLine), "end_column": strconv.Itoa(f.EndColumn),
					"secret": f.Secret, "match": f.Match, "fingerprint": f.Fingerprint,
					"tags": strings.Join(f.Tags, ";"), "commit": f.Commit, "author": f.Author, "email": f.Email,
					"date": f.Date, "message": f.Message, "repository": f.Repository,
				}
				for k, v := range want {
					if row[k] != v {
						t.Errorf("row %d %s = %q, want %q", i+1, k, row[k], v)
					}
				}
				if e, err := strconv.ParseFloat(row["entropy"], 64); err != nil || e != f.Entropy {
					t.Errorf("row %d entropy = %q, want %v", i+1, row["entropy"], f.Entropy)
				}
			}
		})
	}
}
