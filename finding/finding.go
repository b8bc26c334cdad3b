// Package finding holds the Finding type shared by the scanner, the report
// writers and the webhook sender, with its fingerprint and redaction.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"
)

// Finding is one secret found in one place, with its provenance.
type Finding struct {
	RuleID      string `json:"rule_id"`
	Description string `json:"description"`
	Severity    string `json:"severity"`
	File        string `json:"file"`
	// FileBytes holds File's bytes when File is not valid UTF-8 (a file
	// name on disk may be any bytes): JSON cannot carry them in "file",
	// which has U+FFFD in their place, so "file_bytes" (base64) keeps them
	// recoverable. Set by the JSON and webhook writers (WithFileBytes).
	FileBytes []byte `json:"file_bytes,omitempty"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	// The whole match, which for a multi-line rule may start lines before
	// the secret (a Kubernetes Secret manifest from "kind: Secret").
	MatchLine      int      `json:"match_line"`
	MatchColumn    int      `json:"match_column"`
	MatchEndLine   int      `json:"match_end_line"`
	MatchEndColumn int      `json:"match_end_column"`
	Secret         string   `json:"secret"`
	Match          string   `json:"match"`
	Entropy        float64  `json:"entropy"`
	Fingerprint    string   `json:"fingerprint"`
	Tags           []string `json:"tags"`
	// AlsoRules names the other rules that reported the same secret at the
	// same place: one place is one finding, from the most specific rule.
	AlsoRules []string `json:"also_rules,omitempty"`
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

	// Verification is what the provider said about the secret (--verify);
	// its status is "unknown" when nothing was checked.
	Verification Verification `json:"verification"`
}

// Verification statuses.
const (
	StatusLive    = "live"    // the provider accepted the secret
	StatusInvalid = "invalid" // the provider rejected it: revoked, expired or fake
	StatusUnknown = "unknown" // not checked: no verifier for the rule, or --verify not given
	StatusError   = "error"   // the check failed: network, 5xx, timeout
)

// Verification is the outcome of checking a secret against its provider.
type Verification struct {
	Status    string   `json:"status"`
	CheckedAt string   `json:"checked_at"` // RFC 3339; "" when nothing was checked
	Detail    string   `json:"detail"`
	Identity  string   `json:"identity"` // the account or key name the provider returned
	Scopes    []string `json:"scopes"`
}

// MarshalJSON writes the zero Verification as status "unknown" and scopes
// as a list, never null, so every report carries the same shape.
func (v Verification) MarshalJSON() ([]byte, error) {
	type plain Verification
	if v.Status == "" {
		v.Status = StatusUnknown
	}
	if v.Scopes == nil {
		v.Scopes = []string{}
	}
	return json.Marshal(plain(v))
}

// UnmarshalJSON reads what MarshalJSON writes back into the same value:
// status "unknown" and no scopes are the zero values.
func (v *Verification) UnmarshalJSON(b []byte) error {
	type plain Verification
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if p.Status == StatusUnknown {
		p.Status = ""
	}
	if len(p.Scopes) == 0 {
		p.Scopes = nil
	}
	*v = Verification(p)
	return nil
}

// State is v's status, "unknown" for the zero value.
func (v *Verification) State() string {
	if v.Status == "" {
		return StatusUnknown
	}
	return v.Status
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

// WithFileBytes sets FileBytes when File is not valid UTF-8 (for a JSON
// writer), and clears it otherwise.
func (f *Finding) WithFileBytes() {
	f.FileBytes = nil
	if !utf8.ValidString(f.File) {
		f.FileBytes = []byte(f.File)
	}
}

// RestoreFile undoes what JSON did to a finding read back: File gets the
// bytes of FileBytes (when they are what JSON could not carry).
func (f *Finding) RestoreFile() {
	if len(f.FileBytes) > 0 && !utf8.Valid(f.FileBytes) {
		f.File = string(f.FileBytes)
	}
	f.FileBytes = nil
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
	sort.SliceStable(fs, func(i, j int) bool { return Less(&fs[i], &fs[j]) })
}

// Less reports whether a comes before b in report order: repository, file,
// line, column, rule, commit.
func Less(a, b *Finding) bool {
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
	// ExpansionStopped counts the archives and compressed streams whose
	// scan a bound stopped (each is named in a notice on stderr).
	ExpansionStopped int64 `json:"expansion_stopped,omitempty"`
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

// Redact removes every finding's secret (Finding.Redact) and marks the
// report Redacted.
func (r *Report) Redact() {
	for i := range r.Findings {
		r.Findings[i].Redact()
	}
	r.Redacted = true
}

// RuleInfo describes a rule for report writers (SARIF's tool.driver.rules).
type RuleInfo struct {
	ID          string
	Description string
	Severity    string
	Tags        []string
}

// Reports says whether rule id reported f: as its rule, or as one of the
// other rules that found the same secret at the same place.
func (f *Finding) Reports(id string) bool {
	if f.RuleID == id {
		return true
	}
	for _, a := range f.AlsoRules {
		if a == id {
			return true
		}
	}
	return false
}
