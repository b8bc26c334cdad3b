package finding

import "strings"

// Provenance is where a finding's content came from: a file on disk, the
// name standard input was scanned under, or a path in a git commit; and,
// for content inside archives, the members nested in that file, outermost
// first ("a.zip!b.tar.gz!c/.env"). It is derived from the finding's flat
// fields, which stay the JSON contract; report writers render it from here.
type Provenance struct {
	Repository string   // git, several repositories in one run: which one
	Commit     string   // git: the commit that introduced the content
	File       string   // the file itself, or the outermost archive holding the content
	Members    []string // the archive members nested in File, outermost first
}

// Provenance returns where f's content came from.
func (f *Finding) Provenance() Provenance {
	parts := strings.Split(f.File, "!")
	return Provenance{Repository: f.Repository, Commit: f.Commit, File: parts[0], Members: parts[1:]}
}

// Member is the path inside File's archives, nested members joined by "!";
// "" when the content is not in an archive.
func (p Provenance) Member() string { return strings.Join(p.Members, "!") }
