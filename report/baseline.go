package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/keyhound/keyhound/finding"
)

// Baseline is what a --baseline report holds: the fingerprints of a
// keyhound JSON report, or the findings of a gitleaks JSON report.
type Baseline struct {
	Fingerprints map[string]bool // keyhound's
	gitleaks     []gitleaksFinding
}

// Has reports whether f is in the baseline: its fingerprint, or for a
// gitleaks report, a finding at the same file and line with the same secret
// (or, the secret redacted there, the same commit).
func (b *Baseline) Has(f *finding.Finding) bool {
	if b == nil {
		return false
	}
	if b.Fingerprints[f.Fingerprint] {
		return true
	}
	for i := range b.gitleaks {
		if b.gitleaks[i].matches(f) {
			return true
		}
	}
	return false
}

// Len is the number of findings in the baseline.
func (b *Baseline) Len() int {
	if b == nil {
		return 0
	}
	return len(b.Fingerprints) + len(b.gitleaks)
}

// Gitleaks reports whether the baseline is a gitleaks report.
func (b *Baseline) Gitleaks() bool { return b.gitleaks != nil }

// ReadBaseline reads an earlier JSON report, keyhound's or gitleaks's (an
// array of findings); errors name the file ("baseline report.json: ...").
func ReadBaseline(path string) (*Baseline, error) {
	if gl, err := readGitleaksBaseline(path); gl != nil || err != nil {
		return gl, err
	}
	rep, err := ReadJSON("baseline", path)
	if err != nil {
		return nil, err
	}
	b := &Baseline{Fingerprints: make(map[string]bool, len(rep.Findings))}
	for _, f := range rep.Findings {
		b.Fingerprints[f.Fingerprint] = true
	}
	return b, nil
}

// ReadJSON reads a keyhound JSON report back: the one reader of the
// baseline, merge and ignore check. Every finding must have a fingerprint.
// Errors name what the file is for and the file ("baseline report.json:
// invalid JSON at line 3, column 5: ...").
func ReadJSON(what, path string) (*finding.Report, error) {
	fail := func(format string, args ...any) (*finding.Report, error) {
		return nil, fmt.Errorf("%s %s: %s", what, path, fmt.Sprintf(format, args...))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return fail("file does not exist")
		case errors.As(err, &pe):
			return fail("%v", pe.Err)
		}
		return fail("%v", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fail("file is empty, expected a keyhound JSON report")
	}

	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := lineCol(data, se.Offset)
			return fail("invalid JSON at line %d, column %d: %v", line, col, err)
		}
		return fail("not a keyhound JSON report (expected an object with a \"findings\" array)")
	}
	raw, ok := top["findings"]
	if !ok {
		return fail("not a keyhound JSON report (no \"findings\" array; write one with --format json)")
	}
	if rawVersion, ok := top["version"]; ok {
		var v int
		if err := json.Unmarshal(rawVersion, &v); err != nil {
			return fail("not a keyhound JSON report (\"version\" is %s, expected a number)", rawVersion)
		}
		if v != jsonVersion {
			return fail("unsupported report version %d (expected %d)", v, jsonVersion)
		}
	}
	var findings []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &findings); err != nil || findings == nil {
		return fail("not a keyhound JSON report (\"findings\" is not an array of objects)")
	}

	for i, f := range findings {
		var fp string
		if rawFP, ok := f["fingerprint"]; ok {
			if err := json.Unmarshal(rawFP, &fp); err != nil {
				return fail("finding %d: \"fingerprint\" is not a string", i+1)
			}
		}
		if fp == "" {
			return fail("finding %d has no fingerprint", i+1)
		}
	}
	rep := &finding.Report{}
	if err := json.Unmarshal(raw, &rep.Findings); err != nil {
		return fail("not a keyhound JSON report (a finding: %v)", err)
	}
	if st, ok := top["stats"]; ok {
		if err := json.Unmarshal(st, &rep.Stats); err != nil {
			return fail("not a keyhound JSON report (\"stats\": %v)", err)
		}
	}
	for i := range rep.Findings {
		rep.Findings[i].RestoreFile()
		if rep.Findings[i].Secret == finding.Redacted {
			rep.Redacted = true
		}
	}
	return rep, nil
}

// lineCol converts the offset of a json.SyntaxError (the number of bytes read
// when the error was found) to the 1-based line and column of the byte at fault.
func lineCol(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset > 0 {
		offset--
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}
