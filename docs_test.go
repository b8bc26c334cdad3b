package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/validate"
)

var (
	// ruleListRE finds `rules = [...]` and `disabled_rules = [...]` (TOML,
	// one line or several); ruleRE finds `rule = "..."`.
	ruleListRE = regexp.MustCompile(`(?m)(?:^|[\s#])(?:disabled_)?rules\s*=\s*\[([^\]]*)\]`)
	ruleRE     = regexp.MustCompile(`(?m)(?:^|[\s#])rule\s*=\s*\\?["']([^"'\\]*)\\?["']`)
	// --rule ID on a command line.
	ruleFlagRE = regexp.MustCompile(`--rule[= ]([a-z0-9-]+)`)
	quotedRE   = regexp.MustCompile(`["']([^"']*)["']`)
	// backtickRE finds kebab-case words in backticks: a rule id when its
	// first word is the first word of a built-in rule id (`aws-…`,
	// `github-…`): a family keyhound has rules for.
	backtickRE = regexp.MustCompile("`([a-z0-9]+(?:-[a-z0-9]+)+)`")
)

// ruleIDsIn returns the rule ids that text names: in webhook rules, ignore
// entries, disabled_rules, --rule flags, and backticked kebab-case words of a
// rule family.
func ruleIDsIn(text string, families map[string]bool) []string {
	var ids []string
	for _, m := range ruleListRE.FindAllStringSubmatch(text, -1) {
		for _, q := range quotedRE.FindAllStringSubmatch(m[1], -1) {
			ids = append(ids, q[1])
		}
	}
	for _, re := range []*regexp.Regexp{ruleRE, ruleFlagRE} {
		for _, m := range re.FindAllStringSubmatch(text, -1) {
			ids = append(ids, m[1])
		}
	}
	for _, m := range backtickRE.FindAllStringSubmatch(text, -1) {
		first, _, _ := strings.Cut(m[1], "-")
		if families[first] {
			ids = append(ids, m[1])
		}
	}
	return ids
}

// TestDocumentedRuleIDs checks that every rule id the README, docs/ and
// the command help name is a built-in rule: an example naming a rule that
// does not exist ("aws-access-key" for aws-access-key-id) teaches users a
// webhook filter or ignore entry that never matches.
func TestDocumentedRuleIDs(t *testing.T) {
	set, _, err := rules.Load(rules.LoadOptions{Default: defaultRules})
	if err != nil {
		t.Fatal(err)
	}
	families := map[string]bool{}
	others := map[string]bool{} // tags and validator names share the look
	for _, v := range validate.Names() {
		others[v] = true
	}
	for _, r := range set.Rules {
		first, _, _ := strings.Cut(r.ID, "-")
		families[first] = true
		for _, tag := range r.Tags {
			others[tag] = true
		}
	}
	// The docs, and the help texts and package docs in the Go source.
	files := []string{"README.md"}
	docs, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, docs...)
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && p != ".":
			return filepath.SkipDir
		case strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go"):
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ruleIDsIn(string(data), families) {
			checked++
			if err := set.CheckID(id); err != nil && !others[id] {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
	if checked < 5 {
		t.Errorf("only %d rule ids found in the documentation: is the extraction broken?", checked)
	}
}

// The extraction finds rule ids in every form the documentation uses, and
// no ordinary words.
func TestRuleIDsIn(t *testing.T) {
	families := map[string]bool{"aws": true, "github": true, "generic": true}
	text := "```toml\n[[webhooks]]\nrules = [\"github-pat\", \"aws-access-key\"]  # only these\n" +
		"[extend]\ndisabled_rules = [\n  \"generic-api-key\",\n]\n```\n" +
		"#   rule = \"aws-secret\"    # optional\n" +
		"\"  rule = \\\"aws-x\\\"      # optional\\n\" +\n" +
		"keyhound ignore add FP --rule github-oauth --reason r\n" +
		"The `aws-session-token` rule; `pre-commit` hooks, `kebab-case` ids, `go-git`, `--rule`, `github`.\n" +
		"[[rules]]\nid = \"my-rule\"\nkeywords = [\"x\"]\n"
	got := ruleIDsIn(text, families)
	sort.Strings(got)
	want := []string{"aws-access-key", "aws-secret", "aws-session-token", "aws-x", "generic-api-key", "github-oauth", "github-pat"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ids = %v\nwant %v", got, want)
	}
}
