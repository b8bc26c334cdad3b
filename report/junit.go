package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/keyhound/keyhound/finding"
)

type junitTestsuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []junitTestsuite `xml:"testsuite"`
}

type junitTestsuite struct {
	Name      string          `xml:"name,attr"`
	Tests     int             `xml:"tests,attr"`
	Failures  int             `xml:"failures,attr"`
	Errors    int             `xml:"errors,attr"`
	Skipped   int             `xml:"skipped,attr"`
	Time      string          `xml:"time,attr"`
	Testcases []junitTestcase `xml:"testcase"`
}

type junitTestcase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",cdata"` // keeps line breaks readable; see xmlText
}

// writeJUnit writes a JUnit XML report with one failing testcase per
// finding (classname = file) or, with no findings, one passing testcase
// "no secrets found". Only a preview of each secret is included.
func writeJUnit(w io.Writer, rep *finding.Report, _ Options) error {
	var cases []junitTestcase
	for i := range rep.Findings {
		f := &rep.Findings[i]
		name := f.RuleID + " at " + location(f)
		if f.Commit != "" {
			name += " in commit " + shortCommit(f.Commit)
		}
		desc := f.Description
		if desc == "" {
			desc = f.RuleID
		}
		preview := finding.Preview(f.Secret)
		var body strings.Builder
		fmt.Fprintf(&body, "rule: %s (%s)\n", f.RuleID, desc)
		if f.Severity != "" {
			fmt.Fprintf(&body, "severity: %s\n", f.Severity)
		}
		fmt.Fprintf(&body, "location: %s\n", location(f))
		fmt.Fprintf(&body, "secret: %s\n", preview)
		if f.Repository != "" {
			fmt.Fprintf(&body, "repository: %s\n", f.Repository)
		}
		if f.Commit != "" {
			fmt.Fprintf(&body, "commit: %s\n", f.Commit)
		}
		if f.Author != "" {
			author := f.Author
			if f.Email != "" {
				author += " <" + f.Email + ">"
			}
			fmt.Fprintf(&body, "author: %s\n", author)
		}
		if f.Date != "" {
			fmt.Fprintf(&body, "date: %s\n", f.Date)
		}
		if f.Fingerprint != "" {
			fmt.Fprintf(&body, "fingerprint: %s\n", f.Fingerprint)
		}
		cases = append(cases, junitTestcase{
			Name:      name,
			Classname: f.File,
			Failure: &junitFailure{
				Message: desc + ": " + preview,
				Type:    f.RuleID,
				Body:    xmlText(body.String()),
			},
		})
	}
	failures := len(cases)
	if len(cases) == 0 {
		cases = []junitTestcase{{Name: "no secrets found", Classname: "keyhound"}}
	}
	secs := fmt.Sprintf("%.3f", rep.Stats.DurationSecond)
	doc := junitTestsuites{
		Name:     "keyhound",
		Tests:    len(cases),
		Failures: failures,
		Time:     secs,
		Suites: []junitTestsuite{{
			Name:      "keyhound",
			Tests:     len(cases),
			Failures:  failures,
			Time:      secs,
			Testcases: cases,
		}},
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// xmlText replaces what XML 1.0 cannot hold (control characters other than
// tab and line breaks, invalid UTF-8) with U+FFFD. encoding/xml does this
// for attributes and character data but not for CDATA sections.
func xmlText(s string) string {
	ok := func(r rune) bool {
		return r == '\t' || r == '\n' || r == '\r' ||
			(r >= 0x20 && r <= 0xd7ff) || (r >= 0xe000 && r <= 0xfffd) || (r >= 0x10000 && r <= 0x10ffff)
	}
	return strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !ok(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
