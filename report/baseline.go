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

// ReadBaseline reads an earlier JSON report and returns the set of fingerprints it holds;
// errors name the file ("baseline report.json: ...").
func ReadBaseline(path string) (map[string]bool, error) {
	rep, err := ReadJSON("baseline", path)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(rep.Findings))
	for _, f := range rep.Findings {
		set[f.Fingerprint] = true
	}
	return set, nil
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
