// Package compat translates a gitleaks command line onto keyhound's: the
// gitleaks flag names a scan accepts (Flags), its old detect and protect
// commands (LegacyArgs), its --log-opts (ApplyLogOpts) and, for the flags
// keyhound has no equivalent for, what to use instead (FlagHint).
package compat

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/keyhound/keyhound/report"
)

// Flags are gitleaks's flags, accepted so that a gitleaks command line runs
// with the binary renamed. Apply folds those that duplicate one of
// keyhound's into Scan.
type Flags struct {
	ReportPath     []string // -r/--report-path: -o ("-": standard output)
	ReportFormat   []string // --report-format: -f
	BaselinePath   string   // -b/--baseline-path: --baseline
	Verbose        bool     // -v/--verbose: findings as text on stdout too
	NoColor        bool     // --no-color
	NoBanner       bool     // --no-banner: keyhound prints none
	MaxTargetMB    int      // --max-target-megabytes: --max-file-size NMB
	RedactPct      int      // --redact=N: the percent given, -1 when none
	EnableRules    []string // --enable-rule
	GitleaksIgnore string   // -i/--gitleaks-ignore-path
}

// Scan is what keyhound's own scan flags hold that gitleaks's fold into.
type Scan struct {
	Formats     []string // -f: FMT or FMT=FILE
	Outputs     []string // -o
	Baseline    string   // --baseline
	MaxFileSize string   // --max-file-size
}

// RedactValue is --redact: a switch, or gitleaks's --redact=N (percent of
// the secret hidden; keyhound hides all of it for any N above 0). It is a
// flag value (String, Type, Set).
type RedactValue struct {
	On  *bool
	Pct *int
}

// String is the flag's value.
func (v RedactValue) String() string { return strconv.FormatBool(*v.On) }

// Type is the flag's type for --help.
func (v RedactValue) Type() string { return "bool" }

// Set reads true, false or a percentage.
func (v RedactValue) Set(s string) error {
	if b, err := strconv.ParseBool(s); err == nil {
		*v.On = b
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 100 {
		return fmt.Errorf("want true, false or a percentage 0..100")
	}
	*v.On, *v.Pct = n > 0, n
	return nil
}

// Apply folds the gitleaks flags given into s. It returns the notices to
// print (unless quiet).
func (f *Flags) Apply(s *Scan) (notices []string, err error) {
	if len(f.ReportPath) > 0 && len(s.Formats) == 0 && len(f.ReportFormat) == 0 {
		// No format given: each file's extension names its format, and for
		// gitleaks's -r anything else is JSON (its default); "-" is stdout.
		for _, p := range s.Outputs {
			s.Formats = append(s.Formats, report.FormatFor(p)+"="+p)
		}
		s.Outputs = nil
		for _, p := range f.ReportPath {
			format := report.FormatFor(p)
			if format == "text" {
				format = "json"
			}
			if p != "-" {
				format += "=" + p
			}
			s.Formats = append(s.Formats, format)
		}
	} else {
		for _, p := range f.ReportPath {
			if p != "-" {
				s.Outputs = append(s.Outputs, p)
			}
		}
	}
	for _, rf := range f.ReportFormat {
		if strings.HasPrefix(rf, "template") {
			return nil, fmt.Errorf("--report-format %s: keyhound has no report templates; did you mean -f json (or sarif, csv, junit) and a converter of its JSON report?", rf)
		}
		s.Formats = append(s.Formats, rf)
	}
	if f.BaselinePath != "" {
		if s.Baseline != "" && s.Baseline != f.BaselinePath {
			return nil, fmt.Errorf("--baseline %s and --baseline-path %s: give one of them", s.Baseline, f.BaselinePath)
		}
		s.Baseline = f.BaselinePath
	}
	if f.MaxTargetMB != 0 {
		if f.MaxTargetMB < 0 {
			return nil, fmt.Errorf("--max-target-megabytes %d: must be 0 or more", f.MaxTargetMB)
		}
		if s.MaxFileSize != "" {
			return nil, fmt.Errorf("--max-file-size and --max-target-megabytes: give one of them")
		}
		s.MaxFileSize = strconv.Itoa(f.MaxTargetMB) + "MB"
	}
	if f.RedactPct > 0 && f.RedactPct < 100 {
		notices = append(notices, fmt.Sprintf("--redact=%d: keyhound hides the whole secret, not part of it", f.RedactPct))
	}
	return notices, nil
}
