package report

import (
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

const sarifSchemaPath = "../testdata/sarif-schema-2.1.0.json"

var (
	sarifSchemaOnce sync.Once
	sarifSchemaVal  *jsonschema.Schema
	sarifSchemaErr  error
)

// sarifValidator compiles the OASIS SARIF 2.1.0 schema (draft-04) once.
func sarifValidator(t *testing.T) *jsonschema.Schema {
	t.Helper()
	sarifSchemaOnce.Do(func() {
		f, err := os.Open(sarifSchemaPath)
		if err != nil {
			sarifSchemaErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			sarifSchemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft4)
		c.AssertFormat()
		const loc = "file:///keyhound/sarif-schema-2.1.0.json"
		if err := c.AddResource(loc, doc); err != nil {
			sarifSchemaErr = err
			return
		}
		sarifSchemaVal, sarifSchemaErr = c.Compile(loc)
	})
	if sarifSchemaErr != nil {
		t.Fatalf("loading SARIF schema %s: %v", sarifSchemaPath, sarifSchemaErr)
	}
	return sarifSchemaVal
}

func validateSARIF(t *testing.T, doc string) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	return sarifValidator(t).Validate(inst)
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	for _, tc := range []struct {
		name string
		rep  *finding.Report
	}{
		{"findings", sampleReport()},
		{"redacted", redactedReport()},
		{"empty", emptyReport()},
		{"no version, no rules", &finding.Report{Findings: sampleReport().Findings}},
		{"odd positions", &finding.Report{Findings: []finding.Finding{
			{RuleID: "x", File: "a", Secret: "s"},                                                              // no position at all
			{RuleID: "x", File: "/abs/path with space", Line: 2, Column: 3, EndColumn: 5},                      // absolute path, no end line
			{RuleID: "y", Severity: "bogus", File: `back\slash`, Line: 1, Column: 1, EndLine: 3, EndColumn: 1}, // multi-line
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := render(t, "sarif", tc.rep, Options{})
			if err := validateSARIF(t, out); err != nil {
				t.Fatalf("SARIF does not validate: %v\n%s", err, out)
			}
		})
	}
}

// TestSARIFSchemaRejectsInvalid makes sure the validator really enforces
// the schema, so that TestSARIFValidatesAgainstSchema can fail.
func TestSARIFSchemaRejectsInvalid(t *testing.T) {
	valid := render(t, "sarif", sampleReport(), Options{})
	for _, tc := range []struct {
		name   string
		mutate func(log map[string]any)
	}{
		{"startLine is a string", func(log map[string]any) {
			region(log)["startLine"] = "twelve"
		}},
		{"startLine is 0", func(log map[string]any) {
			region(log)["startLine"] = 0
		}},
		{"unknown level", func(log map[string]any) {
			result(log)["level"] = "fatal"
		}},
		{"wrong version", func(log map[string]any) {
			log["version"] = "2.0.0"
		}},
		{"message without text", func(log map[string]any) {
			result(log)["message"] = map[string]any{}
		}},
		{"unknown top-level property", func(log map[string]any) {
			log["extra"] = true
		}},
		{"uri with backslash", func(log map[string]any) {
			artifact(log)["uri"] = `a\b`
		}},
		{"duplicate tags", func(log map[string]any) {
			run(log)["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)[0].(map[string]any)["properties"].(map[string]any)["tags"] = []any{"a", "a"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log map[string]any
			if err := json.Unmarshal([]byte(valid), &log); err != nil {
				t.Fatal(err)
			}
			tc.mutate(log)
			b, err := json.Marshal(log)
			if err != nil {
				t.Fatal(err)
			}
			if err := validateSARIF(t, string(b)); err == nil {
				t.Fatalf("invalid SARIF log passed validation:\n%s", b)
			}
		})
	}
}

func run(log map[string]any) map[string]any {
	return log["runs"].([]any)[0].(map[string]any)
}
func result(log map[string]any) map[string]any {
	return run(log)["results"].([]any)[0].(map[string]any)
}
func physical(log map[string]any) map[string]any {
	return result(log)["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)
}
func region(log map[string]any) map[string]any { return physical(log)["region"].(map[string]any) }
func artifact(log map[string]any) map[string]any {
	return physical(log)["artifactLocation"].(map[string]any)
}

// sarifDoc is the part of a SARIF log the tests look at.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		ColumnKind string `json:"columnKind"`
		Tool       struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID                   string
					Name                 string
					ShortDescription     struct{ Text string }
					FullDescription      struct{ Text string }
					DefaultConfiguration struct{ Level string }
					Properties           map[string]any
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region map[string]int `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Properties          map[string]any    `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

func decodeSARIF(t *testing.T, out string) sarifDoc {
	t.Helper()
	var doc sarifDoc
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("decode SARIF: %v", err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	return doc
}

func TestSARIFContent(t *testing.T) {
	rep := sampleReport()
	doc := decodeSARIF(t, render(t, "sarif", rep, Options{}))
	if doc.Version != "2.1.0" {
		t.Errorf("version = %q", doc.Version)
	}
	r := doc.Runs[0]
	if r.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind = %q", r.ColumnKind)
	}
	d := r.Tool.Driver
	if d.Name != "keyhound" || d.Version != "1.2.3" || d.InformationURI != "https://github.com/keyhound/keyhound" {
		t.Errorf("driver = %q %q %q", d.Name, d.Version, d.InformationURI)
	}

	// Rules: each rule that fired, exactly once; slack-webhook did not fire.
	wantRules := map[string]struct {
		level, secSev string
	}{
		"aws-access-key": {"error", "9.5"},
		"github-pat":     {"error", "8.0"},
		"my-token":       {"note", "3.0"},
	}
	if len(d.Rules) != len(wantRules) {
		t.Errorf("%d rules, want %d", len(d.Rules), len(wantRules))
	}
	seen := map[string]bool{}
	for _, rule := range d.Rules {
		want, ok := wantRules[rule.ID]
		if !ok || seen[rule.ID] {
			t.Errorf("unexpected or repeated rule %q", rule.ID)
			continue
		}
		seen[rule.ID] = true
		if rule.Name == "" || rule.ShortDescription.Text == "" || rule.FullDescription.Text == "" {
			t.Errorf("rule %s lacks name or descriptions", rule.ID)
		}
		if rule.DefaultConfiguration.Level != want.level {
			t.Errorf("rule %s level = %q, want %q", rule.ID, rule.DefaultConfiguration.Level, want.level)
		}
		if got := rule.Properties["security-severity"]; got != want.secSev {
			t.Errorf("rule %s security-severity = %v, want %q", rule.ID, got, want.secSev)
		}
		tags, _ := rule.Properties["tags"].([]any)
		hasSecurity := false
		for _, tag := range tags {
			hasSecurity = hasSecurity || tag == "security"
		}
		if !hasSecurity {
			t.Errorf("rule %s tags %v lack \"security\"", rule.ID, tags)
		}
	}

	if len(r.Results) != len(rep.Findings) {
		t.Fatalf("%d results, want %d", len(r.Results), len(rep.Findings))
	}
	for i, res := range r.Results {
		f := rep.Findings[i]
		if res.RuleID != f.RuleID {
			t.Errorf("result %d ruleId = %q, want %q (order must be kept)", i, res.RuleID, f.RuleID)
		}
		if res.RuleIndex < 0 || res.RuleIndex >= len(d.Rules) || d.Rules[res.RuleIndex].ID != f.RuleID {
			t.Errorf("result %d ruleIndex %d does not point at rule %s", i, res.RuleIndex, f.RuleID)
		}
		if want := wantRules[f.RuleID].level; res.Level != want {
			t.Errorf("result %d level = %q, want %q", i, res.Level, want)
		}
		if !strings.Contains(res.Message.Text, f.Description) || !strings.Contains(res.Message.Text, finding.Preview(f.Secret)) {
			t.Errorf("result %d message %q lacks description or preview", i, res.Message.Text)
		}
		if strings.Contains(res.Message.Text, f.Secret) {
			t.Errorf("result %d message contains the secret", i)
		}
		loc := res.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d uriBaseId = %q", i, loc.ArtifactLocation.URIBaseID)
		}
		uri := loc.ArtifactLocation.URI
		if strings.ContainsAny(uri, " #?:[]") || strings.ContainsFunc(uri, func(r rune) bool { return r > 0x7e }) {
			t.Errorf("result %d uri %q is not percent-encoded", i, uri)
		}
		if u, err := url.Parse(uri); err != nil || u.Scheme != "" || u.Path != f.File {
			t.Errorf("result %d uri %q does not decode to the relative path %q (err %v)", i, uri, f.File, err)
		}
		wantRegion := map[string]int{"startLine": f.Line, "startColumn": f.Column, "endLine": f.EndLine, "endColumn": f.EndColumn + 1}
		for k, v := range wantRegion {
			if loc.Region[k] != v {
				t.Errorf("result %d region.%s = %d, want %d", i, k, loc.Region[k], v)
			}
		}
		if res.PartialFingerprints["keyhound/v1"] != f.Fingerprint {
			t.Errorf("result %d partialFingerprints = %v", i, res.PartialFingerprints)
		}
		if res.Properties["entropy"] != f.Entropy {
			t.Errorf("result %d entropy = %v", i, res.Properties["entropy"])
		}
		for key, want := range map[string]string{"commit": f.Commit, "author": f.Author, "email": f.Email,
			"date": f.Date, "message": f.Message, "repository": f.Repository} {
			got, ok := res.Properties[key]
			if want == "" && ok {
				t.Errorf("result %d has property %s outside git mode", i, key)
			}
			if want != "" && got != want {
				t.Errorf("result %d property %s = %v, want %q", i, key, got, want)
			}
		}
	}
}

func TestSARIFURI(t *testing.T) {
	for _, tc := range []struct{ file, uri string }{
		{"config/app.env", "config/app.env"},
		{"src/my file.go", "src/my%20file.go"},
		{"docs/café.md", "docs/caf%C3%A9.md"},
		{"a:b/c#d?e%f", "a%3Ab/c%23d%3Fe%25f"},
		{`back\slash`, "back%5Cslash"},
	} {
		if got := sarifArtifact(tc.file).URI; got != tc.uri {
			t.Errorf("uri for %q = %q, want %q", tc.file, got, tc.uri)
		}
	}
}

func TestSARIFEmpty(t *testing.T) {
	out := render(t, "sarif", emptyReport(), Options{})
	var raw struct {
		Runs []struct {
			Results json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw.Runs) != 1 || string(raw.Runs[0].Results) != "[]" {
		t.Errorf("empty report: runs = %s, want one run with results []", out)
	}
}
