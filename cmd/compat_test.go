package cmd

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"path/filepath"
	"strings"
	"testing"
)

// A report file's extension names its format when -f is not given, as
// gitleaks infers it; -f still wins.
func TestOutputExtensionNamesFormat(t *testing.T) {
	dir, tok, _ := twoSecrets(t)
	out := t.TempDir()
	schema := loadSARIFSchema(t)

	sarif := filepath.Join(out, "r.sarif")
	if r := run(t, "", "dir", "-o", sarif, dir); r.code != 1 || r.stdout != "" {
		t.Fatalf("-o r.sarif: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	var doc any
	if err := json.Unmarshal(readFile(t, sarif), &doc); err != nil {
		t.Fatalf("r.sarif is not JSON: %v", err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Errorf("r.sarif is not valid SARIF: %v", err)
	}

	js := filepath.Join(out, "r.JSON")
	run(t, "", "dir", "-o", js, dir)
	if fs := parseFindings(t, string(readFile(t, js))); len(fs) != 2 {
		t.Errorf("r.JSON: %d findings, want 2", len(fs))
	}

	junit := filepath.Join(out, "junit.xml")
	csvf := filepath.Join(out, "r.csv")
	if r := run(t, "", "dir", "-o", junit, "-o", csvf, dir); r.code != 1 {
		t.Fatalf("two -o: exit %d %s", r.code, r.stderr)
	}
	var suites struct {
		Tests int `xml:"tests,attr"`
	}
	if err := xml.Unmarshal(readFile(t, junit), &suites); err != nil || suites.Tests != 2 {
		t.Errorf("junit.xml: %v, %d tests", err, suites.Tests)
	}
	if !bytes.HasPrefix(readFile(t, csvf), []byte("rule_id,")) || !bytes.Contains(readFile(t, csvf), []byte(tok)) {
		t.Errorf("r.csv: %q", readFile(t, csvf))
	}

	txt := filepath.Join(out, "r.txt")
	run(t, "", "dir", "-f", "json", "-o", sarif, "-o", txt, "-f", "text", dir)
	if !bytes.HasPrefix(readFile(t, sarif), []byte(`{`)) || !bytes.Contains(readFile(t, sarif), []byte(`"findings"`)) {
		t.Errorf("-f json -o r.sarif: not the JSON report: %.80q", readFile(t, sarif))
	}
	if !bytes.Contains(readFile(t, txt), []byte("kh-test-token")) {
		t.Errorf("r.txt: %q", readFile(t, txt))
	}
}

// gitleaks's flag names run as keyhound's.
func TestGitleaksFlagAliases(t *testing.T) {
	dir, tok, _ := twoSecrets(t)
	out := t.TempDir()

	rp := filepath.Join(out, "gl.json")
	r := run(t, "", "dir", "--report-format", "json", "--report-path", rp, "--no-banner", dir)
	if r.code != 1 || r.stdout != "" || len(parseFindings(t, string(readFile(t, rp)))) != 2 {
		t.Fatalf("--report-format json --report-path: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	// -r infers the format from the extension, -v prints the findings too.
	sarif := filepath.Join(out, "gl.sarif")
	r = run(t, "", "dir", "-r", sarif, "-v", dir)
	if !bytes.Contains(readFile(t, sarif), []byte(`"$schema"`)) {
		t.Errorf("-r gl.sarif: %.80q", readFile(t, sarif))
	}
	if !strings.Contains(r.stdout, "kh-test-token") || !strings.Contains(r.stdout, "kh-test-password") {
		t.Errorf("-v: the findings are not on stdout: %q", r.stdout)
	}
	// -r with no format: JSON unless the extension names one, as in
	// gitleaks; "-" is standard output.
	logf := filepath.Join(out, "gitleaks.log")
	if r := run(t, "", "dir", "-r", logf, dir); r.code != 1 || len(parseFindings(t, string(readFile(t, logf)))) != 2 {
		t.Errorf("-r gitleaks.log: exit %d %q", r.code, readFile(t, logf))
	}
	if r := run(t, "", "dir", "-r", "-", dir); r.code != 1 || len(parseFindings(t, r.stdout)) != 2 {
		t.Errorf("-r -: exit %d %q", r.code, r.stdout)
	}
	if r := run(t, "", "dir", "-r", "-", "--report-format", "csv", dir); !strings.HasPrefix(r.stdout, "rule_id,") {
		t.Errorf("-r - --report-format csv: %q", r.stdout)
	}
	both := filepath.Join(out, "both.sarif")
	if r := run(t, "", "dir", "-o", both, "-r", logf, dir); r.code != 1 || !bytes.Contains(readFile(t, both), []byte(`"$schema"`)) || len(parseFindings(t, string(readFile(t, logf)))) != 2 {
		t.Errorf("-o both.sarif -r gitleaks.log: exit %d %s", r.code, r.stderr)
	}
	// -b is --baseline: both findings are in it.
	if r := run(t, "", "dir", "-b", rp, dir); r.code != 0 || !strings.Contains(r.stderr, "2 in the baseline") {
		t.Errorf("-b: exit %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "dir", "-b", rp, "--baseline", sarif, dir); r.code != 2 || !strings.Contains(r.stderr, "give one of them") {
		t.Errorf("-b and --baseline: exit %d %q", r.code, r.stderr)
	}

	// --redact=N: any N > 0 hides the whole secret (100 silently).
	for _, arg := range []string{"--redact", "--redact=100", "--redact=40", "--redact=true"} {
		r := run(t, "", "dir", arg, "-f", "json", dir)
		if r.code != 1 || strings.Contains(r.stdout, tok) || !strings.Contains(r.stdout, `"REDACTED"`) {
			t.Errorf("%s: exit %d, secret shown or not redacted: %s", arg, r.code, r.stdout)
		}
		if notice := strings.Contains(r.stderr, "hides the whole secret"); notice != (arg == "--redact=40") {
			t.Errorf("%s: notice %v: %q", arg, notice, r.stderr)
		}
	}
	for _, arg := range []string{"--redact=0", "--redact=false"} {
		if r := run(t, "", "dir", arg, "-f", "json", dir); !strings.Contains(r.stdout, tok) {
			t.Errorf("%s redacted the report", arg)
		}
	}
	if r := run(t, "", "dir", "--redact=150", dir); r.code != 2 || !strings.Contains(r.stderr, "--redact") {
		t.Errorf("--redact=150: exit %d %q", r.code, r.stderr)
	}

	// --max-target-megabytes 1 skips a file over 1 MB.
	big := t.TempDir()
	writeFile(t, filepath.Join(big, "big.txt"), strings.Repeat("x", 1_100_000)+"\n"+tok+"\n")
	if r := run(t, "", "dir", "--max-target-megabytes", "1", big); r.code != 0 || !strings.Contains(r.stderr, "1 too large skipped") {
		t.Errorf("--max-target-megabytes 1: exit %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "dir", "--max-target-megabytes", "2", big); r.code != 1 {
		t.Errorf("--max-target-megabytes 2: exit %d %q", r.code, r.stderr)
	}

	// --no-color: no ANSI even on a terminal.
	if r := termRun(t, nil, "dir", "--no-color", dir); r.code != 1 || strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("--no-color: exit %d %q", r.code, r.stdout)
	}

	// The aliases stay out of --help.
	r = run(t, "", "dir", "--help")
	for _, name := range []string{"report-path", "report-format", "baseline-path", "max-target-megabytes", "no-banner"} {
		if strings.Contains(r.stdout, name) {
			t.Errorf("--help shows --%s", name)
		}
	}
}

// A gitleaks flag keyhound has no equivalent for exits 2 saying what to do.
func TestGitleaksFlagHints(t *testing.T) {
	dir, _ := tree(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"dir", "--timeout", "60", dir}, "timeout 10m keyhound"},
		{[]string{"dir", "--source", dir}, "keyhound dir PATH"},
		{[]string{"dir", "-s", dir}, "keyhound dir PATH"},
		{[]string{"git", "--no-git", dir}, "did you mean keyhound dir PATH?"},
		{[]string{"dir", "--report-format", "template", dir}, "no report templates"},
		{[]string{"dir", "--log-level=debug", dir}, "did you mean -q"},
		{[]string{"dir", "-l", "warn", dir}, "did you mean -q"},
		{[]string{"git", "--pre-commit", dir}, "did you mean keyhound git --staged"},
		{[]string{"dir", "--log-opts", "--all", dir}, "did you mean keyhound git --since DATE"},
	}
	for _, tt := range tests {
		r := run(t, "", tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q", tt.args, r.code, r.stderr, tt.want)
		}
	}
}

// gitleaks's old detect and protect commands run as git, dir and stdin.
func TestGitleaksDetectProtect(t *testing.T) {
	dir, _ := tree(t)
	r := run(t, "", "detect", "--source", dir, "--no-git", "-r", filepath.Join(t.TempDir(), "x.json"), "-v")
	if r.code != 1 || !strings.Contains(r.stdout, "kh-test-token") || !strings.Contains(r.stderr, "runs as: keyhound dir") {
		t.Errorf("detect --no-git: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := run(t, "x="+token(3)+"\n", "detect", "--pipe", "-q"); r.code != 1 || r.stderr != "" {
		t.Errorf("detect --pipe -q: exit %d stderr %q", r.code, r.stderr)
	}

	repo := newCLIRepo(t)
	repo.write("a.txt", "t="+gitToken(1)+"\n")
	repo.commit("one")
	rules := gitRulesFile(t)
	r = runGitCmdArgs(t, "detect", "-s", repo.dir, "-c", rules, "-f", "json")
	if r.code != 1 || len(parseGitJSON(t, r.stdout).Findings) != 1 || !strings.Contains(r.stderr, "runs as: keyhound git") {
		t.Errorf("detect -s REPO: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	repo.write("b.txt", "t="+gitToken(2)+"\n")
	repo.git("add", "b.txt")
	r = runGitCmdArgs(t, "protect", "--staged", "--source="+repo.dir, "-c", rules, "-f", "json")
	if g := parseGitJSON(t, r.stdout); r.code != 1 || len(g.Findings) != 1 || g.Findings[0].File != "b.txt" {
		t.Errorf("protect --staged: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runGitCmdArgs(t, "protect", "--source", repo.dir)
	if r.code != 2 || !strings.Contains(r.stderr, "did you mean keyhound git --staged") {
		t.Errorf("protect without --staged: exit %d %q", r.code, r.stderr)
	}
}

// runGitCmdArgs runs Main with the git test rules as the default and args as given.
func runGitCmdArgs(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(Env{DefaultRules: []byte(gitTestRules), Version: "test", Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" }}, args)
	return result{code, out.String(), errb.String()}
}

// gitleaksTeamConfig is a gitleaks-format rule file with one rule of its own.
const gitleaksTeamConfig = `title = "team gitleaks config"

[[rules]]
id = "Team-Key"
description = "team key"
regex = '''teamkey_([a-z0-9]{20})'''
keywords = ["teamkey_"]
`

// tokenRuleOnly is the test token rule without examples (a rule file that
// is itself scanned holds no secret).
const tokenRuleOnly = `[[rules]]
id = "kh-test-token"
description = "keyhound test token"
regex = '''\bkhtok_[a-z0-9]{24}\b'''
keywords = ["khtok_"]
`

// envRun runs Main with the test rules and the given environment.
func envRun(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(Env{DefaultRules: []byte(cliRules), Version: "test", Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }}, args)
	return result{code, out.String(), errb.String()}
}

// What a gitleaks repository already has is honoured: gitleaks:allow, its
// .gitleaks.toml when there is no .keyhound.toml, and $GITLEAKS_CONFIG.
func TestGitleaksRepositoryConfig(t *testing.T) {
	teamKey := "teamkey_" + strings.Repeat("k3", 10)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.env"), "A="+token(5)+"\nB="+token(6)+" # gitleaks:allow\nC="+teamKey+"\n")

	// Built-in (test) rules: the allowed line is not reported, the team key is unknown.
	r := run(t, "", "dir", "-f", "json", dir)
	if fs := parseFindings(t, r.stdout); len(fs) != 1 || fs[0].RuleID != "kh-test-token" || fs[0].Line != 1 {
		t.Fatalf("gitleaks:allow: %+v %s", fs, r.stderr)
	}

	// .gitleaks.toml at the root, named on stderr once.
	writeFile(t, filepath.Join(dir, ".gitleaks.toml"), gitleaksTeamConfig)
	r = run(t, "", "dir", "-f", "json", dir)
	if fs := parseFindings(t, r.stdout); len(fs) != 1 || fs[0].RuleID != "team-key" {
		t.Errorf(".gitleaks.toml: %+v", fs)
	}
	if strings.Count(r.stderr, "using "+filepath.Join(dir, ".gitleaks.toml")) != 1 {
		t.Errorf(".gitleaks.toml not named once: %q", r.stderr)
	}
	if r := run(t, "", "dir", "-q", dir); r.stderr != "" {
		t.Errorf("-q: %q", r.stderr)
	}
	// .keyhound.toml wins over it, without a word about .gitleaks.toml.
	writeFile(t, filepath.Join(dir, ".keyhound.toml"), tokenRuleOnly)
	r = run(t, "", "dir", "-f", "json", dir)
	if fs := parseFindings(t, r.stdout); len(fs) != 1 || fs[0].RuleID != "kh-test-token" || strings.Contains(r.stderr, "gitleaks") {
		t.Errorf(".keyhound.toml and .gitleaks.toml: %+v %q", fs, r.stderr)
	}

	// $GITLEAKS_CONFIG: over .gitleaks.toml, under -c and .keyhound.toml.
	other := t.TempDir()
	writeFile(t, filepath.Join(other, "a.env"), "A="+token(5)+"\nC="+teamKey+"\n")
	writeFile(t, filepath.Join(other, ".gitleaks.toml"), tokenRuleOnly)
	cfg := filepath.Join(t.TempDir(), "gl.toml")
	writeFile(t, cfg, gitleaksTeamConfig)
	env := map[string]string{"GITLEAKS_CONFIG": cfg}
	r = envRun(t, env, "dir", "-f", "json", other)
	if fs := parseFindings(t, r.stdout); len(fs) != 1 || fs[0].RuleID != "team-key" || !strings.Contains(r.stderr, "using GITLEAKS_CONFIG="+cfg) {
		t.Errorf("GITLEAKS_CONFIG: %+v %q", fs, r.stderr)
	}
	rc := filepath.Join(t.TempDir(), "kh.toml")
	writeFile(t, rc, tokenRuleOnly)
	if fs := parseFindings(t, envRun(t, env, "dir", "-f", "json", "-c", rc, other).stdout); len(fs) != 1 || fs[0].RuleID != "kh-test-token" {
		t.Errorf("-c under GITLEAKS_CONFIG: %+v", fs)
	}
	r = envRun(t, map[string]string{"GITLEAKS_CONFIG": filepath.Join(other, "missing.toml")}, "dir", other)
	if r.code != 2 || !strings.HasPrefix(r.stderr, "keyhound: using GITLEAKS_CONFIG=") || !strings.Contains(r.stderr, "keyhound: GITLEAKS_CONFIG: ") {
		t.Errorf("missing GITLEAKS_CONFIG: exit %d %q", r.code, r.stderr)
	}
}

// --enable-rule runs only the rules it names.
func TestEnableRule(t *testing.T) {
	dir, _, _ := twoSecrets(t)
	r := run(t, "", "dir", "-f", "json", "--enable-rule", "kh-test-password", dir)
	if fs := parseFindings(t, r.stdout); r.code != 1 || len(fs) != 1 || fs[0].RuleID != "kh-test-password" {
		t.Errorf("one rule: exit %d %+v", r.code, fs)
	}
	r = run(t, "", "dir", "-f", "json", "--enable-rule", "kh-test-password", "--enable-rule", "kh-test-token", dir)
	if fs := parseFindings(t, r.stdout); len(fs) != 2 {
		t.Errorf("two rules: %+v", fs)
	}
	r = run(t, "", "dir", "--enable-rule", "kh-test-tokn", dir)
	if r.code != 2 || !strings.Contains(r.stderr, `--enable-rule kh-test-tokn (the built-in rules): no rule "kh-test-tokn" (did you mean "kh-test-token"?)`) || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("unknown rule: exit %d %q", r.code, r.stderr)
	}
	if r := run(t, "", "dir", "--help"); !strings.Contains(r.stdout, "--enable-rule") {
		t.Errorf("--enable-rule is not in --help")
	}
}

// A .gitleaksignore keeps its fingerprints quiet, mapped onto keyhound's
// findings by file, line, commit and (where keyhound has it) rule.
func TestGitleaksIgnoreFile(t *testing.T) {
	dir, tok, _ := twoSecrets(t) // token on line 2, password on line 4 of app.env
	writeFile(t, filepath.Join(dir, ".gitleaksignore"), "# from gitleaks\napp.env:generic-api-key:2\n")
	r := run(t, "", "dir", "-f", "json", dir)
	if fs := parseFindings(t, r.stdout); len(fs) != 1 || fs[0].RuleID != "kh-test-password" {
		t.Errorf(".gitleaksignore: %+v", fs)
	}
	if strings.Count(r.stderr, "using "+filepath.Join(dir, ".gitleaksignore")+": 1 gitleaks fingerprints") != 1 || !strings.Contains(r.stderr, "1 ignored by .gitleaksignore") {
		t.Errorf("stderr: %q", r.stderr)
	}
	if fs := parseFindings(t, run(t, "", "dir", "-f", "json", "--no-ignore", dir).stdout); len(fs) != 2 {
		t.Errorf("--no-ignore: %d findings", len(fs))
	}
	// -i: a file (or a directory holding one) for every root.
	elsewhere := t.TempDir()
	writeFile(t, filepath.Join(elsewhere, ".gitleaksignore"), "app.env:whatever:4\n")
	for _, arg := range []string{elsewhere, filepath.Join(elsewhere, ".gitleaksignore")} {
		r := run(t, "", "dir", "-f", "json", "-i", arg, dir)
		if fs := parseFindings(t, r.stdout); len(fs) != 1 || fs[0].Secret != tok {
			t.Errorf("-i %s: %+v", arg, fs)
		}
	}
	writeFile(t, filepath.Join(elsewhere, "bad"), "app.env:2\n")
	if r := run(t, "", "dir", "-i", filepath.Join(elsewhere, "bad"), dir); r.code != 2 || !strings.Contains(r.stderr, "bad:1: ") {
		t.Errorf("bad .gitleaksignore: exit %d %q", r.code, r.stderr)
	}

	// Git history: commit:file:rule:line names the commit.
	repo := newCLIRepo(t)
	repo.write("a.env", "A="+gitToken(1)+"\n")
	c1 := repo.commit("one")
	repo.write("b.env", "\nB="+gitToken(2)+"\n")
	repo.commit("two")
	writeFile(t, filepath.Join(repo.dir, ".gitleaksignore"), c1+":a.env:generic-api-key:1\n"+c1+":b.env:generic-api-key:2\n")
	r = runGitCmd(t, "-f", "json", repo.dir)
	if g := parseGitJSON(t, r.stdout); r.code != 1 || len(g.Findings) != 1 || g.Findings[0].File != "b.env" {
		t.Errorf("git .gitleaksignore: exit %d %+v %s", r.code, g.Findings, r.stderr)
	}
}

// --baseline takes a gitleaks JSON report as it is.
func TestGitleaksBaselineReport(t *testing.T) {
	dir, tok, pw := twoSecrets(t)
	base := filepath.Join(t.TempDir(), "gitleaks-report.json")
	writeFile(t, base, `[
 {"Description": "Generic API Key", "StartLine": 2, "EndLine": 2, "StartColumn": 7, "Match": "TOKEN=`+tok+`",
  "Secret": "`+tok+`", "File": "app.env", "Commit": "", "RuleID": "generic-api-key", "Fingerprint": "app.env:generic-api-key:2"}
]`)
	r := run(t, "", "dir", "-f", "json", "--baseline", base, dir)
	if fs := parseFindings(t, r.stdout); r.code != 1 || len(fs) != 1 || fs[0].Secret != pw || !strings.Contains(r.stderr, "1 in the baseline") {
		t.Errorf("gitleaks baseline: exit %d %+v %q", r.code, fs, r.stderr)
	}
	// gitleaks's -b, over git history, its secret redacted: the commit decides.
	repo := newCLIRepo(t)
	repo.write("a.env", "A="+gitToken(1)+"\n")
	c1 := repo.commit("one")
	writeFile(t, base, `[{"File": "a.env", "StartLine": 1, "Secret": "REDACTED", "Commit": "`+c1+`", "RuleID": "x"}]`)
	if r := runGitCmd(t, "-b", base, repo.dir); r.code != 0 {
		t.Errorf("git, gitleaks baseline: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	writeFile(t, base, `[{"File": "a.env", "StartLine": 1, "Secret": "REDACTED", "Commit": "`+strings.Repeat("f", 40)+`"}]`)
	if r := runGitCmd(t, "-b", base, repo.dir); r.code != 1 {
		t.Errorf("git, gitleaks baseline of another commit: exit %d", r.code)
	}
	writeFile(t, base, `[{"file": 3}]`)
	if r := run(t, "", "dir", "--baseline", base, dir); r.code != 2 || !strings.Contains(r.stderr, "not a gitleaks JSON report") {
		t.Errorf("broken gitleaks report: exit %d %q", r.code, r.stderr)
	}
}

// keyhound explain names the .gitleaksignore line that left a finding out.
func TestExplainGitleaksIgnore(t *testing.T) {
	dir, _, _ := twoSecrets(t)
	writeFile(t, filepath.Join(dir, ".gitleaksignore"), "# reviewed\napp.env:generic-api-key:2\n")
	r := run(t, "", "explain", dir)
	if want := "ignored by " + filepath.Join(dir, ".gitleaksignore") + ":2 (a gitleaks fingerprint)"; !strings.Contains(r.stdout+r.stderr, want) {
		t.Errorf("explain: want %q in\n%s%s", want, r.stdout, r.stderr)
	}
}
