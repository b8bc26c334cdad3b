package report

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
)

type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnit(t *testing.T) {
	odd := newFinding("github-pat", "GitHub personal access token (classic)", "high",
		"a]]>b<&\".txt", 2, 3, "", secretPAT, nil)
	odd.Commit = "0123456789abcdef0123456789abcdef01234567"
	odd.Author = "Bell\x07 ]]> Author"
	for _, tc := range []struct {
		name string
		rep  *finding.Report
	}{
		{"findings", sampleReport()},
		{"redacted", redactedReport()},
		{"empty", emptyReport()},
		{"XML-hostile content", &finding.Report{Findings: []finding.Finding{odd}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, "junit", tc.rep, Options{})
			var doc junitDoc
			if err := xml.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("JUnit does not parse: %v\n%s", err, out)
			}
			if len(doc.Suites) != 1 || doc.Suites[0].Name != "keyhound" {
				t.Fatalf("want one testsuite named keyhound, got %+v", doc.Suites)
			}
			s := doc.Suites[0]
			n := len(tc.rep.Findings)
			if n == 0 {
				if s.Tests != 1 || s.Failures != 0 || doc.Tests != 1 || doc.Failures != 0 ||
					len(s.Cases) != 1 || s.Cases[0].Name != "no secrets found" || s.Cases[0].Failure != nil {
					t.Errorf("no findings: want one passing testcase \"no secrets found\", got %+v", doc)
				}
				return
			}
			if s.Tests != n || s.Failures != n || doc.Tests != n || doc.Failures != n || len(s.Cases) != n {
				t.Fatalf("counts: suites %d/%d, suite %d/%d, %d cases; want %d", doc.Tests, doc.Failures,
					s.Tests, s.Failures, len(s.Cases), n)
			}
			for i, c := range s.Cases {
				f := tc.rep.Findings[i]
				if c.Classname != f.File {
					t.Errorf("case %d classname = %q, want %q", i, c.Classname, f.File)
				}
				if !strings.HasPrefix(c.Name, f.RuleID+" at "+location(&f)) {
					t.Errorf("case %d name = %q", i, c.Name)
				}
				if c.Failure == nil {
					t.Errorf("case %d has no failure", i)
					continue
				}
				if c.Failure.Type != f.RuleID {
					t.Errorf("case %d failure type = %q", i, c.Failure.Type)
				}
				preview := finding.Preview(f.Secret)
				for _, want := range []string{f.RuleID, location(&f), preview} {
					if !strings.Contains(c.Failure.Body, want) {
						t.Errorf("case %d failure body lacks %q:\n%s", i, want, c.Failure.Body)
					}
				}
				if !strings.Contains(c.Failure.Message, preview) {
					t.Errorf("case %d failure message %q lacks the preview", i, c.Failure.Message)
				}
			}
		})
	}
}
