package report

import (
	"encoding/json"
	"io"

	"github.com/keyhound/keyhound/finding"
)

// jsonVersion is the version of the JSON report format.
const jsonVersion = 1

// jsonReport is the JSON report: {"version": 1, "findings": [...], "stats": {...}}.
type jsonReport struct {
	Version  int               `json:"version"`
	Findings []finding.Finding `json:"findings"`
	Stats    finding.Stats     `json:"stats"`
}

// writeJSON writes rep as an indented JSON report. Findings keep the order
// they have in rep; findings and tags are [] rather than null when empty.
func writeJSON(w io.Writer, rep *finding.Report, _ Options) error {
	out := jsonReport{
		Version:  jsonVersion,
		Findings: make([]finding.Finding, len(rep.Findings)),
		Stats:    rep.Stats,
	}
	copy(out.Findings, rep.Findings)
	for i := range out.Findings {
		if out.Findings[i].Tags == nil {
			out.Findings[i].Tags = []string{}
		}
		out.Findings[i].WithFileBytes()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out) // Encode ends with a newline
}
