package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyhound/keyhound/finding"
)

// utf8Valid is s as a JSON encoder writes it: each byte of invalid UTF-8
// becomes U+FFFD.
func utf8Valid(s string) string { return string([]rune(s)) }

// xmlClean is s as encoding/xml writes it in an attribute: invalid UTF-8
// and characters XML 1.0 cannot hold become U+FFFD.
func xmlClean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xd7ff) ||
			(r >= 0xe000 && r <= 0xfffd && r != utf8.RuneError) || (r >= 0x10000 && r <= 0x10ffff) {
			return r
		}
		return '\uFFFD'
	}, s)
}

// fuzzReport builds a report of three findings from arbitrary strings: the
// one given, the same rule in another file with git provenance cleared, and
// a second rule that is not in the report's rule list.
func fuzzReport(rule, desc, sev, file, secret, match, commit, author, msg, tags string, line, col, endLine, endCol int, entropy float64) *finding.Report {
	if math.IsNaN(entropy) || math.IsInf(entropy, 0) {
		entropy = 0 // the scanner computes a finite entropy
	}
	var tagList []string
	if tags != "" {
		tagList = strings.Split(tags, ",")
	}
	f := finding.Finding{
		RuleID: rule, Description: desc, Severity: sev, File: file, Line: line, Column: col, EndLine: endLine, EndColumn: endCol,
		MatchLine: line, MatchColumn: 1, MatchEndLine: endLine, MatchEndColumn: endCol,
		Secret: secret, Match: match, Entropy: entropy, Fingerprint: finding.Fingerprint(rule, secret, file), Tags: tagList,
		Repository: author + "/" + file, Commit: commit, Author: author, Email: author + "@" + sev, Date: msg, Message: msg,
	}
	if commit != "" {
		t := true
		f.PresentAtHead = &t
		f.Occurrences = []finding.Occurrence{{Commit: commit, Path: file, Date: msg}}
		f.OccurrenceCount = 2
		f.RemovedIn = &finding.CommitRef{Commit: commit, Author: author, Message: msg}
		f.PresentIn = []string{msg, file}
	}
	g := f
	g.File, g.Line, g.Column = file+"/"+desc, col, line
	g.Repository, g.Commit, g.Author, g.Email, g.Date, g.Message = "", "", "", "", "", ""
	g.Occurrences, g.OccurrenceCount, g.RemovedIn, g.PresentAtHead, g.PresentIn = nil, 0, nil, nil, nil
	g.Fingerprint = finding.Fingerprint(rule, secret, g.File)
	h := f
	h.RuleID, h.Severity, h.Tags = rule+"-"+sev, desc, slices.Concat(tagList, tagList)
	return &finding.Report{
		Findings: []finding.Finding{f, g, h},
		Stats:    finding.Stats{Files: int64(line), Bytes: int64(col), Findings: 3, DurationSecond: entropy},
		Rules:    []finding.RuleInfo{{ID: rule, Description: desc, Severity: sev, Tags: tagList}, {ID: rule, Description: "duplicate"}},
		Version:  commit,
	}
}

// FuzzWriters renders reports of arbitrary finding strings (invalid UTF-8,
// control characters, markup, quotes, huge or negative positions) in every
// format and parses each output back: JSON (and as a --baseline), SARIF
// against the OASIS schema, CSV, JUnit XML; the text report must hold one
// line per finding (plus its git line) and no control character.
func FuzzWriters(f *testing.F) {
	f.Add("github-pat", "GitHub token", "high", "config/app.env", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "TOKEN=ghp_x", "", "", "", "github,token", 3, 14, 3, 53, 4.5)
	f.Add("r", "", "", "", "", "", "0123456789abcdef0123456789abcdef01234567", "Ada", "fix\r\nit", "", 0, 0, 0, 0, 0.0)
	f.Add("r\xff", "d\x00\x1b[31m", "critical", "/abs/päth with space/%41?#[]", "s\xc3", "\xef\xbf\xbe\ufffe", "c", "A\u202eB", "]]><x/>&amp;", ",,a,a", -1, math.MaxInt, math.MaxInt, math.MaxInt, -3.0)
	f.Add("a b-c_d", "\"quoted\", \"csv\"", "LOW", "C:\\win\\path.txt", "=HYPERLINK(\"x\")", "\r", "\n", "\t", "\u2028", "generic", 1, 1, 0, 0, 8.0)
	f.Add("é", "日本語", "info", "a:b/c", "\U0001F600\U0001F600\U0001F600\U0001F600", "\x00", "x", "", "\r", "security,secret,security", 7, 2, 9, 1, 1e308)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, rule, desc, sev, file, secret, match, commit, author, msg, tags string, line, col, endLine, endCol int, entropy float64) {
		rep := fuzzReport(rule, desc, sev, file, secret, match, commit, author, msg, tags, line, col, endLine, endCol, entropy)
		out := map[string]string{}
		for _, format := range Formats() {
			var buf bytes.Buffer
			if err := Write(&buf, format, rep, Options{Color: format == "text" && line%2 == 0}); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out[format] = buf.String()
		}
		checkJSON(t, rep, out["json"], dir)
		checkSARIF(t, rep, out["sarif"])
		checkCSV(t, rep, out["csv"])
		checkJUnit(t, rep, out["junit"])
		checkText(t, rep, out["text"])
	})
}

func checkJSON(t *testing.T, rep *finding.Report, out, dir string) {
	t.Helper()
	var back jsonReport
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, out)
	}
	if back.Version != jsonVersion || len(back.Findings) != len(rep.Findings) || !reflect.DeepEqual(back.Stats, rep.Stats) {
		t.Fatalf("JSON: version %d, %d findings, stats %+v", back.Version, len(back.Findings), back.Stats)
	}
	for i := range rep.Findings {
		want := rep.Findings[i]
		// A file name that is not UTF-8 keeps its bytes in file_bytes.
		want.WithFileBytes()
		for _, p := range []*string{&want.RuleID, &want.Description, &want.Severity, &want.File, &want.Secret, &want.Match,
			&want.Repository, &want.Commit, &want.Author, &want.Email, &want.Date, &want.Message} {
			*p = utf8Valid(*p)
		}
		want.Tags = nil
		for _, tag := range rep.Findings[i].Tags {
			want.Tags = append(want.Tags, utf8Valid(tag))
		}
		if want.Tags == nil {
			want.Tags = []string{}
		}
		want.Occurrences, want.PresentIn = slices.Clone(want.Occurrences), slices.Clone(want.PresentIn)
		for j := range want.Occurrences {
			o := &want.Occurrences[j]
			o.Commit, o.Path, o.Date = utf8Valid(o.Commit), utf8Valid(o.Path), utf8Valid(o.Date)
		}
		if want.RemovedIn != nil {
			r := *want.RemovedIn
			r.Commit, r.Author, r.Message = utf8Valid(r.Commit), utf8Valid(r.Author), utf8Valid(r.Message)
			want.RemovedIn = &r
		}
		for j := range want.PresentIn {
			want.PresentIn[j] = utf8Valid(want.PresentIn[j])
		}
		if !reflect.DeepEqual(back.Findings[i], want) {
			t.Fatalf("JSON finding %d read back as\n%+v\nwant\n%+v", i, back.Findings[i], want)
		}
	}
	// The report is a valid --baseline holding every fingerprint.
	p := filepath.Join(dir, "baseline.json")
	if err := os.WriteFile(p, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	set, err := ReadBaseline(p)
	if err != nil {
		t.Fatalf("the JSON report is not a baseline: %v", err)
	}
	for _, fd := range rep.Findings {
		if !set.Fingerprints[fd.Fingerprint] {
			t.Fatalf("baseline lacks %s", fd.Fingerprint)
		}
	}
}

func checkSARIF(t *testing.T, rep *finding.Report, out string) {
	t.Helper()
	if err := validateSARIF(t, out); err != nil {
		t.Fatalf("SARIF does not validate: %v\n%s", err, out)
	}
	doc := decodeSARIF(t, out)
	run := doc.Runs[0]
	if len(run.Results) != len(rep.Findings) {
		t.Fatalf("SARIF: %d results", len(run.Results))
	}
	rules := run.Tool.Driver.Rules
	for i, r := range run.Results {
		fd := &rep.Findings[i]
		if r.RuleID != utf8Valid(fd.RuleID) || r.RuleIndex < 0 || r.RuleIndex >= len(rules) || rules[r.RuleIndex].ID != r.RuleID {
			t.Fatalf("SARIF result %d: rule %q index %d of %d", i, r.RuleID, r.RuleIndex, len(rules))
		}
		loc := r.Locations[0].PhysicalLocation
		uri := loc.ArtifactLocation.URI
		// The uri is a file of the repository: for content inside an
		// archive ("a.zip!inner/.env") the outer file, with the member
		// in the message and the region on the archive's first line.
		pv := fd.Provenance()
		if strings.HasPrefix(pv.File, "/") {
			uri = strings.TrimPrefix(uri, "file://")
		}
		if got, err := url.PathUnescape(uri); err != nil || got != pv.File {
			t.Fatalf("SARIF uri %q names %q, want %q (%v)", loc.ArtifactLocation.URI, got, pv.File, err)
		}
		switch {
		case len(pv.Members) > 0:
			if loc.Region["startLine"] != 1 || !strings.Contains(r.Message.Text, " in archive member "+utf8Valid(pv.Member())) {
				t.Fatalf("SARIF result for %q: region %v, message %q: want line 1 of the archive and the member named", fd.File, loc.Region, r.Message.Text)
			}
		case fd.Line > 0 && loc.Region["startLine"] != fd.Line:
			t.Fatalf("SARIF region %v for line %d", loc.Region, fd.Line)
		}
		if r.PartialFingerprints[sarifFingerprintKey] != fd.Fingerprint {
			t.Fatalf("SARIF fingerprint %v", r.PartialFingerprints)
		}
	}
}

func checkCSV(t *testing.T, rep *finding.Report, out string) {
	t.Helper()
	rd := csv.NewReader(strings.NewReader(out))
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v\n%q", err, out)
	}
	if len(rows) != len(rep.Findings)+1 || !reflect.DeepEqual(rows[0], csvHeader) {
		t.Fatalf("CSV: %d rows, header %q", len(rows), rows[0])
	}
	// encoding/csv reads a quoted \r\n as \n: the one change a round trip makes.
	norm := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
	for i := range rep.Findings {
		f := &rep.Findings[i]
		want := []string{
			f.RuleID, f.Description, f.Severity, f.File,
			strconv.Itoa(f.Line), strconv.Itoa(f.Column), strconv.Itoa(f.EndLine), strconv.Itoa(f.EndColumn),
			f.Secret, f.Match, strconv.FormatFloat(f.Entropy, 'f', -1, 64), f.Fingerprint, strings.Join(f.Tags, ";"),
			f.Commit, f.Author, f.Email, f.Date, f.Message, f.Repository,
			strconv.Itoa(f.MatchLine), strconv.Itoa(f.MatchColumn), strconv.Itoa(f.MatchEndLine), strconv.Itoa(f.MatchEndColumn),
		}
		for j := range want {
			want[j] = norm(want[j])
		}
		if !reflect.DeepEqual(rows[i+1], want) {
			t.Fatalf("CSV row %d read back as\n%q\nwant\n%q", i+1, rows[i+1], want)
		}
	}
}

func checkJUnit(t *testing.T, rep *finding.Report, out string) {
	t.Helper()
	var doc junitTestsuites
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("JUnit XML does not parse: %v\n%q", err, out)
	}
	if len(doc.Suites) != 1 || doc.Failures != len(rep.Findings) || len(doc.Suites[0].Testcases) != len(rep.Findings) {
		t.Fatalf("JUnit: %+v", doc)
	}
	for i, tc := range doc.Suites[0].Testcases {
		f := &rep.Findings[i]
		name := f.RuleID + " at " + location(f)
		if f.Commit != "" {
			name += " in commit " + shortCommit(f.Commit)
		}
		desc := f.Description
		if desc == "" {
			desc = f.RuleID
		}
		if tc.Name != xmlClean(name) || tc.Classname != xmlClean(f.File) || tc.Failure == nil ||
			tc.Failure.Type != xmlClean(f.RuleID) || tc.Failure.Message != xmlClean(desc+": "+finding.Preview(f.Secret)) {
			t.Fatalf("JUnit testcase %d read back as %+v", i, tc)
		}
		if !strings.Contains(tc.Failure.Body, "fingerprint: "+f.Fingerprint+"\n") {
			t.Fatalf("JUnit body %q", tc.Failure.Body)
		}
	}
}

func checkText(t *testing.T, rep *finding.Report, out string) {
	t.Helper()
	want := 0
	for i := range rep.Findings {
		want++
		if rep.Findings[i].Commit != "" || rep.Findings[i].Repository != "" {
			want++
		}
		if rep.Findings[i].Fingerprint != "" {
			want++
		}
	}
	plain := strings.NewReplacer(ansiBold, "", ansiRed, "", ansiReset, "").Replace(out)
	if n := strings.Count(plain, "\n"); n != want || !strings.HasSuffix(plain, "\n") && want > 0 {
		t.Fatalf("text: %d lines, want %d:\n%q", n, want, out)
	}
	for _, r := range strings.TrimSuffix(strings.ReplaceAll(plain, "\n", ""), "") {
		if unsafeRune(r) {
			t.Fatalf("text report holds control character %U:\n%q", r, out)
		}
	}
}

// FuzzReadBaseline reads arbitrary files as a --baseline: a set of
// fingerprints (none empty) or an error naming the file, never a panic.
func FuzzReadBaseline(f *testing.F) {
	for _, s := range []string{
		`{"version": 1, "findings": [{"fingerprint": "abc"}], "stats": {}}`,
		`{"findings": []}`, `{"findings": null}`, `{"version": "1", "findings": []}`, `{"version": 2, "findings": []}`,
		`{"findings": [{"fingerprint": 1}]}`, `{"findings": [{}]}`, `[]`, "", "{\n\"findings\": [\n{\"fingerprint\": \"x\"},\n", "\xff",
	} {
		f.Add([]byte(s))
	}
	p := filepath.Join(f.TempDir(), "baseline.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		set, err := ReadBaseline(p)
		if err != nil {
			if set != nil || !strings.HasPrefix(err.Error(), "baseline "+p+": ") {
				t.Fatalf("error %v with %d fingerprints", err, set.Len())
			}
			return
		}
		if set == nil || set.Fingerprints[""] {
			t.Fatalf("fingerprints %v", set)
		}
	})
}
