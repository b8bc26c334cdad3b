package finding

import "strings"

// AtGitleaksPlace reports whether a gitleaks finding at file and line (its
// File and StartLine, as in its reports and .gitleaksignore) is at f's
// place: the same file — gitleaks's may carry the scanned directory in
// front — and the line of f's secret or of the start of its match.
func (f *Finding) AtGitleaksPlace(file string, line int) bool {
	if line != f.Line && line != f.MatchLine {
		return false
	}
	file = strings.ReplaceAll(strings.TrimPrefix(file, "./"), "\\", "/")
	return file == f.File || strings.HasSuffix(file, "/"+f.File)
}

// InCommit reports whether f was committed in commit (a full or abbreviated
// hash): the commit that introduced it or another that committed it again.
func (f *Finding) InCommit(commit string) bool {
	if len(commit) < 7 {
		return false
	}
	if strings.HasPrefix(f.Commit, commit) {
		return true
	}
	for _, o := range f.Occurrences {
		if strings.HasPrefix(o.Commit, commit) {
			return true
		}
	}
	return false
}
