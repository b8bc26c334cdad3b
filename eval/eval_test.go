package eval

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner"
)

// format is one rule's entry in the evaluation corpus.
type format struct {
	Rule       string   `toml:"rule"`
	Family     string   `toml:"family"`
	Tokens     []string `toml:"tokens"`      // token templates (the documented format)
	Name       string   `toml:"name"`        // variable the token is assigned to in the contexts below
	Docs       []string `toml:"docs"`        // whole documents (templates) in which the rule must find its secret
	NearMisses []string `toml:"near_misses"` // documents (templates) with a near miss: none may yield a finding
	Path       string   `toml:"path"`        // file path for rules limited to some paths (.pypirc, .netrc, …)
}

// formatsFile is the evaluation catalog: one [[format]] per built-in rule.
const formatsFile = "testdata/formats.toml"

// loadFormats reads the evaluation catalog; an unknown key or an entry
// without a rule or family is an error naming the file.
func loadFormats(t testing.TB) []format {
	t.Helper()
	var file struct {
		Format []format `toml:"format"`
	}
	md, err := toml.DecodeFile(formatsFile, &file)
	if err != nil {
		t.Fatalf("%s: %v", formatsFile, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		t.Fatalf("%s: unknown key %s", formatsFile, un[0])
	}
	seen := map[string]bool{}
	for i, f := range file.Format {
		if f.Rule == "" || f.Family == "" {
			t.Fatalf("%s: format %d: rule and family are required", formatsFile, i+1)
		}
		if seen[f.Rule] {
			t.Fatalf("%s: rule %s has two entries", formatsFile, f.Rule)
		}
		seen[f.Rule] = true
		if f.Name != "" && len(f.Tokens) == 0 {
			t.Fatalf("%s: rule %s: name without tokens", formatsFile, f.Rule)
		}
	}
	return file.Format
}

// A context places an assignment of a token to a name in a kind of file.
type context struct {
	path string
	doc  func(name, tok string) string
}

func lowerName(n string) string { return strings.ToLower(n) }

var contexts = []context{
	{".env", func(n, t string) string {
		return "# service settings\nLOG_LEVEL=info\n" + n + "=" + t + "\nPORT=8080\n"
	}},
	{"config/app.yaml", func(n, t string) string {
		return "service:\n  name: billing\n  replicas: 3\ncredentials:\n  " + lowerName(n) + ": \"" + t + "\"\n  region: eu-west-1\n"
	}},
	{"config/settings.json", func(n, t string) string {
		return "{\n  \"name\": \"billing\",\n  \"" + lowerName(n) + "\": \"" + t + "\",\n  \"timeout\": 30\n}\n"
	}},
	{"internal/client/config.go", func(n, t string) string {
		return "package client\n\n// Defaults for the staging environment.\nvar defaults = map[string]string{\n\t\"" + n + "\": \"" + t + "\",\n\t\"region\": \"eu-west-1\",\n}\n"
	}},
	{"scripts/deploy.py", func(n, t string) string {
		return "import requests\n\n" + n + " = '" + t + "'\n\ndef deploy():\n    return requests.post(URL, timeout=10)\n"
	}},
	{"scripts/release.sh", func(n, t string) string {
		return "#!/bin/sh\nset -eu\nexport " + n + "=\"" + t + "\"\n./release --prod\n"
	}},
	{"Dockerfile", func(n, t string) string {
		return "FROM golang:1.26 AS build\nWORKDIR /src\nENV " + n + "=" + t + "\nRUN go build ./...\n"
	}},
	{"infra/main.tf", func(n, t string) string {
		return "provider \"acme\" {\n  region = \"eu-west-1\"\n  " + lowerName(n) + " = \"" + t + "\"\n}\n"
	}},
	{"deploy/app.config.xml", func(n, t string) string {
		return "<configuration>\n  <" + n + ">" + t + "</" + n + ">\n</configuration>\n"
	}},
}

// placeholderDoc turns a token template into its placeholder: every random
// class becomes x's, every UUID zeros; templates with other specials have none.
func placeholderTok(t string) (string, bool) {
	ok := true
	s := placeholderRe.ReplaceAllStringFunc(t, func(m string) string {
		sub := placeholderRe.FindStringSubmatch(m)
		if _, isClass := alphabets[sub[1]]; isClass {
			n, _ := strconv.Atoi(strings.SplitN(sub[2], "-", 2)[0])
			return strings.Repeat("x", n)
		}
		if sub[1] == "uuid" {
			return "00000000-0000-0000-0000-000000000000"
		}
		ok = false
		return m
	})
	return s, ok
}

// sample is one file of the corpus.
type sample struct {
	family, rule string // rule: the rule that must report it (positives)
	path, doc    string
	positive     bool
}

const repeats = 3 // fresh tokens per template and context

func buildCorpus(t testing.TB) []sample {
	g := gen{rand.New(rand.NewPCG(2026, 4))}
	var out []sample
	for _, f := range loadFormats(t) {
		for _, tt := range f.Tokens {
			if f.Name == "" {
				break
			}
			for _, c := range contexts {
				path := c.path
				if f.Path != "" {
					path = f.Path
				}
				for i := 0; i < repeats; i++ {
					out = append(out, sample{f.Family, f.Rule, path, c.doc(f.Name, g.expand(tt)), true})
				}
				if p, ok := placeholderTok(tt); ok {
					out = append(out, sample{f.Family, f.Rule, path, c.doc(f.Name, p), false})
				}
			}
		}
		for _, d := range f.Docs {
			path := "config/" + f.Rule + ".txt"
			if f.Path != "" {
				path = f.Path
			}
			for i := 0; i < repeats*3; i++ {
				out = append(out, sample{f.Family, f.Rule, path, g.expand(d), true})
			}
		}
		for _, d := range f.NearMisses {
			path := "config/" + f.Rule + ".txt"
			if f.Path != "" {
				path = f.Path
			}
			out = append(out, sample{f.Family, f.Rule, path, g.expand(d), false})
		}
	}
	for _, n := range hardNegatives {
		for i := 0; i < 2; i++ {
			out = append(out, sample{"generic", "", n.path, g.expand(n.doc), false})
		}
	}
	return out
}

// counts accumulates one family's results.
type counts struct{ pos, found, neg, fp int }

func loadMatcher(t testing.TB) *scanner.Matcher {
	t.Helper()
	set, _, err := rules.Load(rules.LoadOptions{Path: "../rules.toml"})
	if err != nil {
		t.Fatal(err)
	}
	return scanner.NewMatcher(set)
}

// TestEvaluation scans the generated corpus and reports recall and
// false-positive rate per family; it fails below recall 0.97 or above a
// false-positive rate of 0.02 in any family. With KEYHOUND_EVAL_DIR set the
// corpus is also written there, one file per sample, for inspection or for
// scanning with the keyhound binary.
func TestEvaluation(t *testing.T) {
	start := time.Now()
	corpus := buildCorpus(t)
	m := loadMatcher(t)
	isGeneric := map[string]bool{}
	for _, r := range m.Rules().Rules {
		isGeneric[r.ID] = r.Generic
	}
	w := m.NewWorker()
	fam := map[string]*counts{}
	var misses, fps []string
	for i, s := range corpus {
		c := fam[s.family]
		if c == nil {
			c = &counts{}
			fam[s.family] = c
		}
		var got []finding.Finding
		if err := w.ScanBytes([]byte(s.doc), s.path, func(f finding.Finding) { got = append(got, f) }); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if s.positive {
			c.pos++
			ok := false
			for _, f := range got {
				ok = ok || f.Reports(s.rule)
			}
			if ok {
				c.found++
			} else {
				misses = append(misses, fmt.Sprintf("%s in %s: %q (found %s)", s.rule, s.path, s.doc, ids(got)))
			}
			continue
		}
		c.neg++
		// A near miss of a provider format (a truncated token, a wrong
		// checksum) is a false positive when a provider rule reports it; a
		// generic rule reporting a random value under a credential name is
		// doing its job. Generic rules are judged on the hard negatives,
		// where any finding counts.
		var bad []finding.Finding
		for _, f := range got {
			if s.rule == "" || s.rule == f.RuleID || !isGeneric[f.RuleID] {
				bad = append(bad, f)
			}
		}
		if len(bad) > 0 {
			c.fp++
			fps = append(fps, fmt.Sprintf("near miss of %q in %s: %q reported by %s (%q)", s.rule, s.path, s.doc, ids(bad), bad[0].Secret))
		}
	}
	if dir := os.Getenv("KEYHOUND_EVAL_DIR"); dir != "" {
		writeCorpus(t, dir, corpus)
	}
	names := make([]string, 0, len(fam))
	for n := range fam {
		names = append(names, n)
	}
	sort.Strings(names)
	var tot counts
	t.Logf("%-18s %9s %7s %9s %7s", "family", "positives", "recall", "negatives", "FP rate")
	failed := false
	for _, n := range names {
		c := fam[n]
		recall, fpRate := ratio(c.found, c.pos), ratio(c.fp, c.neg)
		t.Logf("%-18s %9d %7.3f %9d %7.3f", n, c.pos, recall, c.neg, fpRate)
		if c.pos > 0 && recall < 0.97 || fpRate > 0.02 {
			failed = true
		}
		tot.pos += c.pos
		tot.found += c.found
		tot.neg += c.neg
		tot.fp += c.fp
	}
	t.Logf("%-18s %9d %7.3f %9d %7.3f   (%d samples in %v)", "all", tot.pos, ratio(tot.found, tot.pos), tot.neg, ratio(tot.fp, tot.neg), len(corpus), time.Since(start).Round(time.Millisecond))
	for i, m := range misses {
		if i == 40 {
			t.Logf("... %d more misses", len(misses)-40)
			break
		}
		t.Logf("miss: %s", m)
	}
	for i, m := range fps {
		if i == 40 {
			t.Logf("... %d more false positives", len(fps)-40)
			break
		}
		t.Logf("false positive: %s", m)
	}
	if failed {
		t.Error("a family is below recall 0.97 or above false-positive rate 0.02")
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func ids(fs []finding.Finding) string {
	if len(fs) == 0 {
		return "nothing"
	}
	var s []string
	for _, f := range fs {
		s = append(s, f.RuleID)
	}
	return strings.Join(s, ",")
}

func writeCorpus(t *testing.T, dir string, corpus []sample) {
	for i, s := range corpus {
		kind := "neg"
		if s.positive {
			kind = "pos"
		}
		p := filepath.Join(dir, kind, s.family, fmt.Sprintf("%05d-%s", i, strings.TrimPrefix(strings.ReplaceAll(s.path, "/", "_"), ".")))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s.doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCatalog checks what the issue asks of every rule: at least 300 rules,
// each with a description, severity, tags, keywords, two examples and a
// negative example, and an entry in this corpus.
func TestCatalog(t *testing.T) {
	set, _, err := rules.Load(rules.LoadOptions{Path: "../rules.toml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) < 300 {
		t.Errorf("%d rules, want at least 300", len(set.Rules))
	}
	inCorpus := map[string]bool{}
	for _, f := range loadFormats(t) {
		inCorpus[f.Rule] = true
	}
	// Keywords that are common English words or code identifiers would run a
	// rule on most lines of text: a rule's keywords must be distinctive.
	common := map[string]bool{"key": true, "the": true, "password": false, "token": true, "secret": true, "api": true, "auth": true, "user": true, "pass": true, "data": true, "value": true, "config": true}
	for _, r := range set.Rules {
		if r.Description == "" || r.Severity == "" || len(r.Tags) == 0 || len(r.Keywords) == 0 {
			t.Errorf("rule %s: description, severity, tags and keywords are required", r.ID)
		}
		if len(r.Examples) < 2 || len(r.NegativeExamples) < 1 {
			t.Errorf("rule %s: %d examples and %d negative examples, want at least 2 and 1", r.ID, len(r.Examples), len(r.NegativeExamples))
		}
		if !inCorpus[r.ID] {
			t.Errorf("rule %s has no entry in the evaluation catalog (%s)", r.ID, formatsFile)
		}
		for _, k := range r.Keywords {
			if common[k] || len(k) < 3 {
				t.Errorf("rule %s: keyword %q is not distinctive", r.ID, k)
			}
		}
	}
}
