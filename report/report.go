// Package report renders a finding.Report in the formats keyhound supports
// (text, JSON, SARIF, CSV and JUnit XML) and reads an earlier JSON report back
// as a baseline.
package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/keyhound/keyhound/finding"
)

// formats maps each supported format name to its writer, in the order
// Formats lists them.
var formats = []struct {
	name  string
	write func(io.Writer, *finding.Report, Options) error
}{
	{"text", writeText},
	{"json", writeJSON},
	{"sarif", writeSARIF},
	{"csv", writeCSV},
	{"junit", writeJUnit},
}

// Formats lists the supported format names: "text", "json", "sarif", "csv", "junit".
func Formats() []string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = f.name
	}
	return names
}

// Options are what writers need besides the report.
type Options struct {
	Color bool // text only: ANSI colour (the CLI sets it only when writing to a terminal and NO_COLOR is unset)
}

// Write renders rep in the named format to w; an unknown format is an error naming it.
// A nil rep is written as an empty report.
func Write(w io.Writer, format string, rep *finding.Report, opts Options) error {
	if rep == nil {
		rep = &finding.Report{}
	}
	for _, f := range formats {
		if f.name == format {
			return f.write(w, rep, opts)
		}
	}
	return fmt.Errorf("unknown report format %q (supported: %s)", format, strings.Join(Formats(), ", "))
}

// severityLevel maps a keyhound severity to a SARIF level.
func severityLevel(sev string) string {
	switch strings.ToLower(sev) {
	case "critical", "high":
		return "error"
	case "medium":
		return "warning"
	case "low", "info":
		return "note"
	}
	return "warning"
}

// securitySeverity maps a keyhound severity to the score GitHub code scanning
// expects in properties.security-severity; "" when the severity has none.
func securitySeverity(sev string) string {
	switch strings.ToLower(sev) {
	case "critical":
		return "9.5"
	case "high":
		return "8.0"
	case "medium":
		return "5.5"
	case "low":
		return "3.0"
	}
	return ""
}

// shortCommit abbreviates a commit id to the 7 characters git shows.
func shortCommit(c string) string {
	if len(c) > 7 {
		return c[:7]
	}
	return c
}

// location is "file:line:col" for a finding.
func location(f *finding.Finding) string {
	return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
}
