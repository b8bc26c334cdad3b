// Package finding holds the Finding type shared by the scanner, the report
// writers and the webhook sender, with its fingerprint and redaction.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// Finding is one secret found in one place, with its provenance.
type Finding struct {
	RuleID      string   `json:"rule_id"`
	Description string   `json:"description"`
	Severity    string   `json:"severity"`
	File        string   `json:"file"`
	Line        int      `json:"line"`
	Column      int      `json:"column"`
	EndLine     int      `json:"end_line"`
	EndColumn   int      `json:"end_column"`
	Secret      string   `json:"secret"`
	Match       string   `json:"match"`
	Entropy     float64  `json:"entropy"`
	Fingerprint string   `json:"fingerprint"`
	Tags        []string `json:"tags"`
	// Decoded names the decodings that revealed the secret, outermost
	// first (e.g. ["base64"]); the position is the encoded text's.
	Decoded []string `json:"decoded,omitempty"`

	// Git provenance: set only when the content came from a git history.
	Repository string `json:"repository,omitempty"`
	Commit     string `json:"commit,omitempty"`
	Author     string `json:"author,omitempty"`
	Email      string `json:"email,omitempty"`
	Date       string `json:"date,omitempty"`
	Message    string `json:"message,omitempty"`

	// Exposure in git history (git mode only). Occurrences are the commits
	// that committed a version of a file holding the secret (capped; the
	// count is the total); RemovedIn is the commit that removed it from the
	// last branch still holding it; PresentAtHead says whether HEAD's tree
	// still holds it; PresentIn names the branches whose tips still do.
	Occurrences     []Occurrence `json:"occurrences,omitempty"`
	OccurrenceCount int          `json:"occurrence_count,omitempty"`
	RemovedIn       *CommitRef   `json:"removed_in,omitempty"`
	PresentAtHead   *bool        `json:"present_at_head,omitempty"`
	PresentIn       []string     `json:"present_in,omitempty"`
}

// Occurrence is one commit and path where a secret was committed.
type Occurrence struct {
	Commit string `json:"commit"`
	Path   string `json:"path"`
	Date   string `json:"date,omitempty"`
}

// CommitRef identifies a commit with its author, date and message.
type CommitRef struct {
	Commit  string `json:"commit"`
	Author  string `json:"author,omitempty"`
	Email   string `json:"email,omitempty"`
	Date    string `json:"date,omitempty"`
	Message string `json:"message,omitempty"`
}

// Fingerprint is the stable identity of a secret: a hash of rule id, secret
// and path. It ignores line numbers so that moving a line keeps it.
func Fingerprint(ruleID, secret, path string) string {
	h := sha256.New()
	h.Write([]byte(ruleID))
	h.Write([]byte{0})
	h.Write([]byte(secret))
	h.Write([]byte{0})
	h.Write([]byte(path))
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Redacted is what replaces a secret when redaction is on.
const Redacted = "REDACTED"

// Redact removes the secret from f's secret and match fields.
func (f *Finding) Redact() {
	if f.Secret != "" {
		f.Match = strings.ReplaceAll(f.Match, f.Secret, Redacted)
	}
	f.Secret = Redacted
}

// Preview returns a short hint of the secret that does not disclose it: its
// first few characters (at most a quarter of it, at most 4) followed by
// eight asterisks, so its length is not disclosed either.
func Preview(secret string) string {
	if secret == Redacted {
		return secret
	}
	r := []rune(secret)
	n := len(r) / 4
	if n > 4 {
		n = 4
	}
	return string(r[:n]) + strings.Repeat("*", 8)
}

// Sort orders findings by repository, file, line, column, rule and commit, the
// order every report uses.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Repository != b.Repository {
			return a.Repository < b.Repository
		}
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Commit < b.Commit
	})
}

// Stats summarises a scan.
type Stats struct {
	Files          int64   `json:"files"`
	Bytes          int64   `json:"bytes"`
	SkippedBinary  int64   `json:"skipped_binary"`
	SkippedLarge   int64   `json:"skipped_large"`
	SkippedOther   int64   `json:"skipped_other"`
	Errors         int64   `json:"errors"`
	Findings       int     `json:"findings"`
	DurationSecond float64 `json:"duration_seconds"`
	Interrupted    bool    `json:"interrupted,omitempty"` // the scan was stopped early (SIGINT/SIGTERM)
	Commits        int64   `json:"commits,omitempty"`
	Blobs          int64   `json:"blobs,omitempty"`
	// Failed names each repository, path or file that could not be scanned
	// (or only in part), with its error; sorted by target.
	Failed []Failure `json:"failed,omitempty"`
}

// Failure is a target that could not be scanned and why. Neither field
// holds a secret or a credential from a URL.
type Failure struct {
	Target string `json:"target"`
	Error  string `json:"error"`
}

// SortFailures sorts fs by target and error, so that a report does not
// depend on the order targets were scanned in, and returns it.
func SortFailures(fs []Failure) []Failure {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Target != fs[j].Target {
			return fs[i].Target < fs[j].Target
		}
		return fs[i].Error < fs[j].Error
	})
	return fs
}

// Report is everything a report writer needs for one run.
type Report struct {
	Findings []Finding
	Stats    Stats
	Rules    []RuleInfo // every rule that was loaded (writers pick the ones that fired)
	Version  string     // keyhound version
	Redacted bool       // secrets were removed from Findings
}

// RuleInfo describes a rule for report writers (SARIF's tool.driver.rules).
type RuleInfo struct {
	ID          string
	Description string
	Severity    string
	Tags        []string
}
