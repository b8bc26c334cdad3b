package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/keyhound/keyhound/finding"
)

// SARIF constants.
const (
	sarifVersion        = "2.1.0"
	sarifSchema         = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	sarifInformationURI = "https://github.com/keyhound/keyhound"
	sarifURIBaseID      = "%SRCROOT%"
	sarifFingerprintKey = "keyhound/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	ColumnKind  string            `json:"columnKind"`
	Results     []sarifResult     `json:"results"`
}

// sarifInvocation says whether the run scanned everything it was asked to;
// each target that could not be scanned is a notification.
type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level      string                 `json:"level"`
	Message    sarifText              `json:"message"`
	Properties sarifNotificationProps `json:"properties"`
}

type sarifNotificationProps struct {
	Target string `json:"target"`
	Error  string `json:"error"`
}

// sarifInvocations renders the stats' failed targets.
func sarifInvocations(st *finding.Stats) []sarifInvocation {
	inv := sarifInvocation{ExecutionSuccessful: len(st.Failed) == 0 && !st.Interrupted}
	for _, f := range st.Failed {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
			Level:      "error",
			Message:    sarifText{Text: f.Target + ": " + f.Error},
			Properties: sarifNotificationProps{Target: f.Target, Error: f.Error},
		})
	}
	return []sarifInvocation{inv}
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      sarifText          `json:"fullDescription"`
	Help                 sarifText          `json:"help"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           sarifRuleProps     `json:"properties"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags             []string `json:"tags"`
	SecuritySeverity string   `json:"security-severity,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`        // the secret
	ContextRegion    *sarifRegion          `json:"contextRegion,omitempty"` // the whole match, when it is larger
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// sarifRegion: lines and columns are 1-based; endColumn is exclusive.
// Zero values (unknown) are left out.
type sarifRegion struct {
	StartLine   int `json:"startLine,omitempty"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

type sarifResultProps struct {
	Repository string  `json:"repository,omitempty"`
	Commit     string  `json:"commit,omitempty"`
	Author     string  `json:"author,omitempty"`
	Email      string  `json:"email,omitempty"`
	Date       string  `json:"date,omitempty"`
	Message    string  `json:"message,omitempty"`
	Entropy    float64 `json:"entropy"`

	Occurrences     []finding.Occurrence `json:"occurrences,omitempty"`
	OccurrenceCount int                  `json:"occurrence_count,omitempty"`
	RemovedIn       *finding.CommitRef   `json:"removed_in,omitempty"`
	PresentAtHead   *bool                `json:"present_at_head,omitempty"`
	PresentIn       []string             `json:"present_in,omitempty"`

	Verification finding.Verification `json:"verification"`

	// Inside an archive: artifactLocation is the outer file; these say
	// where in it (member path as in the JSON report's file, after the
	// first '!'; line and column within the member).
	Member       string `json:"member,omitempty"`
	MemberLine   int    `json:"member_line,omitempty"`
	MemberColumn int    `json:"member_column,omitempty"`
	// Decoded names the decodings that revealed the secret, outermost first.
	Decoded []string `json:"decoded,omitempty"`
}

// writeSARIF writes rep as a SARIF 2.1.0 log with one run: the rules that
// fired (sorted by id) and one result per finding, in the order given.
// Messages carry only a redacted preview of the secret.
func writeSARIF(w io.Writer, rep *finding.Report, _ Options) error {
	known := make(map[string]*finding.RuleInfo, len(rep.Rules))
	for i := range rep.Rules {
		if _, dup := known[rep.Rules[i].ID]; !dup {
			known[rep.Rules[i].ID] = &rep.Rules[i]
		}
	}

	// The rules that fired, each once. A finding whose rule is not in
	// rep.Rules gets a descriptor built from the finding itself.
	fired := map[string]finding.RuleInfo{}
	for i := range rep.Findings {
		f := &rep.Findings[i]
		if _, ok := fired[f.RuleID]; ok {
			continue
		}
		if ri, ok := known[f.RuleID]; ok {
			fired[f.RuleID] = *ri
		} else {
			fired[f.RuleID] = finding.RuleInfo{ID: f.RuleID, Description: f.Description, Severity: f.Severity, Tags: f.Tags}
		}
	}
	ids := make([]string, 0, len(fired))
	for id := range fired {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	rules := make([]sarifRule, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		rules[i] = sarifRuleFor(fired[id])
		index[id] = i
	}

	results := make([]sarifResult, len(rep.Findings))
	for i := range rep.Findings {
		f := &rep.Findings[i]
		sev := f.Severity
		if sev == "" {
			sev = fired[f.RuleID].Severity
		}
		desc := f.Description
		if desc == "" {
			desc = fired[f.RuleID].Description
		}
		if desc == "" {
			desc = f.RuleID
		}
		pv := f.Provenance()
		file, member, inArchive := pv.File, pv.Member(), len(pv.Members) > 0
		where := ""
		if inArchive {
			where = fmt.Sprintf(" in archive member %s (line %d, column %d)", member, f.Line, f.Column)
		}
		loc := sarifPhysicalLocation{
			ArtifactLocation: sarifArtifact(file),
			Region:           sarifRegionFor(f),
			ContextRegion:    sarifContextRegionFor(f),
		}
		if inArchive {
			// Lines of a member are not lines of the outer file; GitHub
			// needs a startLine: the archive's first.
			loc.Region, loc.ContextRegion = &sarifRegion{StartLine: 1}, nil
		}
		r := sarifResult{
			RuleID:    f.RuleID,
			RuleIndex: index[f.RuleID],
			Level:     severityLevel(sev),
			Message:   sarifText{Text: desc + where + ": " + finding.Preview(f.Secret)},
			Locations: []sarifLocation{{PhysicalLocation: loc}},
			Properties: sarifResultProps{
				Repository: f.Repository,
				Commit:     f.Commit,
				Author:     f.Author,
				Email:      f.Email,
				Date:       f.Date,
				Message:    f.Message,
				Entropy:    f.Entropy,

				Occurrences:     f.Occurrences,
				OccurrenceCount: f.OccurrenceCount,
				RemovedIn:       f.RemovedIn,
				PresentAtHead:   f.PresentAtHead,
				PresentIn:       f.PresentIn,

				Verification: f.Verification,
				Decoded:      f.Decoded,
			},
		}
		if inArchive {
			r.Properties.Member, r.Properties.MemberLine, r.Properties.MemberColumn = member, f.Line, f.Column
		}
		if f.Fingerprint != "" {
			r.PartialFingerprints = map[string]string{sarifFingerprintKey: f.Fingerprint}
		}
		results[i] = r
	}

	log := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{
				Name:           "keyhound",
				Version:        rep.Version,
				InformationURI: sarifInformationURI,
				Rules:          rules,
			}},
			Invocations: sarifInvocations(&rep.Stats),
			ColumnKind:  "unicodeCodePoints",
			Results:     results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// sarifRuleFor builds the reportingDescriptor of a rule.
func sarifRuleFor(ri finding.RuleInfo) sarifRule {
	desc := ri.Description
	if desc == "" {
		desc = ri.ID
	}
	full := desc
	if ri.Severity != "" {
		full += " (keyhound rule " + ri.ID + ", severity " + strings.ToLower(ri.Severity) + ")"
	} else {
		full += " (keyhound rule " + ri.ID + ")"
	}
	return sarifRule{
		ID:               ri.ID,
		Name:             ruleName(ri.ID),
		ShortDescription: sarifText{Text: desc},
		FullDescription:  sarifText{Text: full},
		Help: sarifText{Text: "A secret matching " + desc + " was found. Revoke and rotate it, " +
			"then remove it from the code (and from the history when it was committed)."},
		DefaultConfiguration: sarifConfiguration{Level: severityLevel(ri.Severity)},
		Properties: sarifRuleProps{
			// GitHub code scanning treats a rule as a security rule, and
			// uses security-severity, only when its tags include "security".
			Tags:             uniqueTags(append([]string{"security", "secret"}, ri.Tags...)),
			SecuritySeverity: securitySeverity(ri.Severity),
		},
	}
}

// ruleName turns a kebab-case rule id into the PascalCase name SARIF
// viewers show ("github-pat" -> "GithubPat").
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == ' ' }) {
		b.WriteString(strings.ToUpper(part[:1]))
		b.WriteString(part[1:])
	}
	if b.Len() == 0 {
		return id
	}
	return b.String()
}

// uniqueTags drops empty and repeated tags (SARIF requires unique tags).
func uniqueTags(tags []string) []string {
	seen := make(map[string]bool, len(tags))
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	return out
}

// sarifArtifact is the artifactLocation of a finding's file: a relative
// URI reference against %SRCROOT%, or a file: URI for an absolute path.
func sarifArtifact(file string) sarifArtifactLocation {
	if strings.HasPrefix(file, "/") {
		return sarifArtifactLocation{URI: "file://" + escapePath(file)}
	}
	return sarifArtifactLocation{URI: escapePath(file), URIBaseID: sarifURIBaseID}
}

// escapePath percent-encodes a /-separated path for use as a URI path:
// every byte but unreserved characters, sub-delimiters, '@' and '/' is
// encoded (so are ':' which would read as a scheme, and non-ASCII bytes).
func escapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
			b.WriteByte(c)
		case strings.IndexByte("-._~!$&'()*+,;=@/", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}

// sarifRegionFor converts a finding's position, the secret's (1-based code
// points, end column inclusive), to a SARIF region (end column exclusive).
func sarifRegionFor(f *finding.Finding) *sarifRegion {
	return sarifSpan(f.Line, f.Column, f.EndLine, f.EndColumn)
}

// sarifContextRegionFor is the whole match's region when it is larger than
// the secret's (SARIF's contextRegion must contain the region), else nil.
func sarifContextRegionFor(f *finding.Finding) *sarifRegion {
	if f.MatchLine <= 0 || f.Line <= 0 || (f.MatchLine == f.Line && f.MatchColumn == f.Column &&
		f.MatchEndLine == f.EndLine && f.MatchEndColumn == f.EndColumn) {
		return nil
	}
	if f.MatchLine > f.Line || (f.MatchLine == f.Line && f.MatchColumn > f.Column) ||
		f.MatchEndLine < f.EndLine || (f.MatchEndLine == f.EndLine && f.MatchEndColumn < f.EndColumn) {
		return nil // not a superset: left out rather than invalid
	}
	return sarifSpan(f.MatchLine, f.MatchColumn, f.MatchEndLine, f.MatchEndColumn)
}

func sarifSpan(line, col, endLine, endCol int) *sarifRegion {
	if line <= 0 {
		return nil
	}
	r := &sarifRegion{StartLine: line}
	if col > 0 {
		r.StartColumn = col
	}
	if endLine == 0 {
		endLine = line
	}
	if endLine >= line {
		r.EndLine = endLine
		if endCol > 0 && endCol < math.MaxInt {
			r.EndColumn = endCol + 1
		}
	}
	return r
}
