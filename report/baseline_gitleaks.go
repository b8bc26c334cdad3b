package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/keyhound/keyhound/finding"
)

// gitleaksFinding is what a gitleaks report says of one finding, as far as
// a baseline needs it. The secret is kept as its hash, or as the prefix a
// partly redacted report shows.
type gitleaksFinding struct {
	file, commit string
	line         int
	secretHash   [32]byte
	hasHash      bool
	prefix       string // --redact=N in gitleaks: the start of the secret
}

func (g *gitleaksFinding) matches(f *finding.Finding) bool {
	if !f.AtGitleaksPlace(g.file, g.line) {
		return false
	}
	switch {
	case g.hasHash:
		return sha256.Sum256([]byte(f.Secret)) == g.secretHash
	case g.prefix != "":
		return strings.HasPrefix(f.Secret, g.prefix)
	case g.commit != "" && f.Commit != "":
		return f.InCommit(g.commit)
	}
	return true // redacted, and no commit to tell: the place decides
}

// readGitleaksBaseline reads path as a gitleaks JSON report (an array of
// findings with File and StartLine); nil, nil when it is not an array, for
// the keyhound reader to say what is wrong.
func readGitleaksBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n\ufeff"), []byte("[")) {
		return nil, nil
	}
	fail := func(format string, args ...any) (*Baseline, error) {
		return nil, fmt.Errorf("baseline %s: %s", path, fmt.Sprintf(format, args...))
	}
	var raw []struct {
		File      *string
		StartLine *int
		Secret    string
		Commit    string
	}
	if err := json.Unmarshal(bytes.TrimPrefix(bytes.TrimSpace(data), []byte("\ufeff")), &raw); err != nil {
		return fail("not a gitleaks JSON report (an array of findings with File and StartLine): %v", err)
	}
	b := &Baseline{gitleaks: make([]gitleaksFinding, 0, len(raw))}
	for i, r := range raw {
		if r.File == nil || r.StartLine == nil {
			return fail("finding %d: not a gitleaks finding (no File or StartLine)", i+1)
		}
		g := gitleaksFinding{file: *r.File, line: *r.StartLine, commit: r.Commit}
		switch s := r.Secret; {
		case s == "" || s == "REDACTED":
		case strings.HasSuffix(s, "..."):
			g.prefix = strings.TrimSuffix(s, "...")
		default:
			g.secretHash, g.hasHash = sha256.Sum256([]byte(s)), true
		}
		b.gitleaks = append(b.gitleaks, g)
	}
	return b, nil
}
