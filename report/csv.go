package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/keyhound/keyhound/finding"
)

// csvHeader names the CSV columns, in order.
var csvHeader = []string{
	"rule_id", "description", "severity", "file", "line", "column", "end_line", "end_column",
	"secret", "match", "entropy", "fingerprint", "tags",
	"commit", "author", "email", "date", "message", "repository",
	"match_line", "match_column", "match_end_line", "match_end_column",
}

// writeCSV writes a header row and one row per finding; tags are joined
// with ";". Like the JSON report, it holds the secret unless the report is
// redacted.
func writeCSV(w io.Writer, rep *finding.Report, _ Options) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		row := []string{
			f.RuleID, f.Description, f.Severity, f.File,
			strconv.Itoa(f.Line), strconv.Itoa(f.Column), strconv.Itoa(f.EndLine), strconv.Itoa(f.EndColumn),
			f.Secret, f.Match, strconv.FormatFloat(f.Entropy, 'f', -1, 64), f.Fingerprint,
			strings.Join(f.Tags, ";"),
			f.Commit, f.Author, f.Email, f.Date, f.Message, f.Repository,
			strconv.Itoa(f.MatchLine), strconv.Itoa(f.MatchColumn), strconv.Itoa(f.MatchEndLine), strconv.Itoa(f.MatchEndColumn),
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
