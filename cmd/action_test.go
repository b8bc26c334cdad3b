package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type actionStep struct {
	ID    string            `yaml:"id"`
	Name  string            `yaml:"name"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	With  map[string]string `yaml:"with"`
	Env   map[string]string `yaml:"env"`
}

type actionFile struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Author      string `yaml:"author"`
	Branding    struct {
		Icon  string `yaml:"icon"`
		Color string `yaml:"color"`
	} `yaml:"branding"`
	Inputs map[string]struct {
		Description string  `yaml:"description"`
		Required    bool    `yaml:"required"`
		Default     *string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

var (
	exprRE      = regexp.MustCompile(`\$\{\{(.*?)\}\}`)
	inputRefRE  = regexp.MustCompile(`\binputs\.([A-Za-z0-9_-]+)`)
	stepsRefRE  = regexp.MustCompile(`\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
	outputSetRE = regexp.MustCompile(`echo "([a-z-]+)=.*>> "\$GITHUB_OUTPUT"`)
	pinnedRE    = regexp.MustCompile(`^[\w.-]+/[\w./-]+@v\d+$`)
)

// TestActionYAML lints action.yml: a composite action whose every step can
// run, whose expressions name inputs and step outputs that exist, and which
// does what the documentation says (Go, install, scan, SARIF upload, fail).
func TestActionYAML(t *testing.T) {
	data := readFile(t, "../action.yml")
	var a actionFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true) // an unknown (misspelt) key is an error
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Name == "" || a.Description == "" || a.Branding.Icon == "" || a.Branding.Color == "" {
		t.Errorf("name, description and branding are required for the Marketplace: %+v", a)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q, want composite", a.Runs.Using)
	}
	for _, in := range []string{"scan", "path", "config", "args", "sarif", "upload-sarif", "fail-on-findings", "version", "go-version"} {
		i, ok := a.Inputs[in]
		if !ok {
			t.Errorf("no input %s", in)
			continue
		}
		if i.Description == "" || i.Default == nil || i.Required {
			t.Errorf("input %s needs a description and a default, and must be optional", in)
		}
	}
	for name, o := range a.Outputs {
		if o.Description == "" || o.Value == "" {
			t.Errorf("output %s needs a description and a value", name)
		}
	}

	ids := map[string]bool{}
	outputs := map[string]map[string]bool{}
	uses := map[string]string{}
	for i, s := range a.Runs.Steps {
		where := s.Name
		if where == "" {
			t.Errorf("step %d has no name", i+1)
		}
		switch {
		case (s.Uses == "") == (s.Run == ""):
			t.Errorf("step %q: exactly one of uses and run", where)
		case s.Run != "" && s.Shell == "":
			t.Errorf("step %q: a composite run step needs shell", where)
		case s.Run != "" && strings.Contains(s.Run, "${{"):
			t.Errorf("step %q: expressions inside run invite script injection; pass them through env", where)
		case s.Uses != "":
			if !pinnedRE.MatchString(s.Uses) {
				t.Errorf("step %q: uses %q is not owner/repo@vN", where, s.Uses)
			}
			uses[s.Uses[:strings.Index(s.Uses, "@")]] = where
		}
		if s.ID != "" {
			ids[s.ID] = true
			outputs[s.ID] = map[string]bool{}
			for _, m := range outputSetRE.FindAllStringSubmatch(s.Run, -1) {
				outputs[s.ID][m[1]] = true
			}
			if strings.HasPrefix(s.Uses, "actions/cache@") {
				outputs[s.ID]["cache-hit"] = true // actions/cache's output
			}
		}
		if s.Run != "" && s.Shell == "bash" {
			if _, err := exec.LookPath("bash"); err == nil {
				c := exec.Command("bash", "-n")
				c.Stdin = strings.NewReader(s.Run)
				if out, err := c.CombinedOutput(); err != nil {
					t.Errorf("step %q: bash -n: %v\n%s", where, err, out)
				}
			}
		}
	}
	for _, u := range []string{"actions/setup-go", "actions/cache", "github/codeql-action/upload-sarif"} {
		if _, ok := uses[u]; !ok {
			t.Errorf("no step uses %s", u)
		}
	}
	// The build is cached: Go is set up and keyhound built only on a miss.
	for _, s := range a.Runs.Steps {
		if (s.Uses != "" && strings.HasPrefix(s.Uses, "actions/setup-go@")) || strings.Contains(s.Run, "go install") {
			if !strings.Contains(s.If, "steps.cache.outputs.cache-hit != 'true'") {
				t.Errorf("step %q runs even when the build is in the cache (if: %q)", s.Name, s.If)
			}
		}
		if strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") && s.Uses != "github/codeql-action/upload-sarif@v4" {
			t.Errorf("upload-sarif: %s, want @v4", s.Uses)
		}
	}
	for _, want := range []string{"go install", "keyhound", "--range", "sarif=$SARIF", "$GITHUB_PATH"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("action.yml does not contain %q", want)
		}
	}

	// Every expression names an input or a step output that exists.
	for _, e := range exprRE.FindAllStringSubmatch(string(data), -1) {
		for _, m := range inputRefRE.FindAllStringSubmatch(e[1], -1) {
			if _, ok := a.Inputs[m[1]]; !ok {
				t.Errorf("expression %q: no input %s", e[0], m[1])
			}
		}
		for _, m := range stepsRefRE.FindAllStringSubmatch(e[1], -1) {
			if !ids[m[1]] || !outputs[m[1]][m[2]] {
				t.Errorf("expression %q: step %s does not set output %s", e[0], m[1], m[2])
			}
		}
	}
}

func TestPreCommitHooksYAML(t *testing.T) {
	var hooks []struct {
		ID            string   `yaml:"id"`
		Name          string   `yaml:"name"`
		Description   string   `yaml:"description"`
		Entry         string   `yaml:"entry"`
		Language      string   `yaml:"language"`
		PassFilenames *bool    `yaml:"pass_filenames"`
		AlwaysRun     bool     `yaml:"always_run"`
		Stages        []string `yaml:"stages"`
		MinVersion    string   `yaml:"minimum_pre_commit_version"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(readFile(t, "../.pre-commit-hooks.yaml"))))
	dec.KnownFields(true)
	if err := dec.Decode(&hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) == 0 || hooks[0].ID != "keyhound" || hooks[0].Language != "golang" {
		t.Fatalf("hooks: %+v", hooks)
	}
	for _, h := range hooks {
		if h.ID == "" || h.Name == "" || h.Entry != "keyhound git --staged" || h.Language == "" {
			t.Errorf("hook %+v: id, name, entry and language are required, entry keyhound git --staged", h)
		}
		if h.PassFilenames == nil || *h.PassFilenames {
			t.Errorf("hook %s: pass_filenames must be false (one scan of the index, not one per file)", h.ID)
		}
		// pre-commit 3.0 (Debian 12 ships 3.0.4) rejects the stage names 3.2
		// introduced (pre-commit, pre-push, …) and 3.2+ deprecates the old
		// ones (commit, push, merge-commit): only names both accept.
		for _, s := range h.Stages {
			switch s {
			case "commit-msg", "post-checkout", "post-commit", "post-merge", "post-rewrite", "prepare-commit-msg", "manual":
			default:
				t.Errorf("hook %s: stage %q is rejected by pre-commit 3.0 or deprecated by 3.2+", h.ID, s)
			}
		}
		if h.MinVersion != "" && !versionAtMost(h.MinVersion, "3.0.4") {
			t.Errorf("hook %s: minimum_pre_commit_version %s excludes pre-commit 3.0.4", h.ID, h.MinVersion)
		}
	}

	// language: golang runs `go install ./...` in this repository: it must
	// build keyhound and nothing else (no helper program on the user's PATH).
	out, err := exec.Command("go", "list", "-f", "{{if eq .Name \"main\"}}{{.ImportPath}}{{end}}", "../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	if got := strings.Fields(string(out)); len(got) != 1 || got[0] != "github.com/keyhound/keyhound" {
		t.Errorf("go install ./... would install %v, want only github.com/keyhound/keyhound", got)
	}
}

// versionAtMost reports whether dotted version a <= b.
func versionAtMost(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			return x < y
		}
	}
	return true
}

// TestCIDocsYAML parses the workflow examples in docs/ci.md.
func TestCIDocsYAML(t *testing.T) {
	doc := string(readFile(t, "../docs/ci.md"))
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(doc, -1)
	if len(blocks) < 2 {
		t.Fatalf("%d yaml blocks in docs/ci.md", len(blocks))
	}
	for i, b := range blocks {
		var v any
		if err := yaml.Unmarshal([]byte(b[1]), &v); err != nil {
			t.Errorf("docs/ci.md yaml block %d: %v\n%s", i+1, err, b[1])
		}
	}
	var wf struct {
		Permissions map[string]string `yaml:"permissions"`
		Jobs        map[string]struct {
			Steps []actionStep `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal([]byte(blocks[0][1]), &wf); err != nil {
		t.Fatal(err)
	}
	steps := wf.Jobs["keyhound"].Steps
	if wf.Permissions["security-events"] != "write" || len(steps) != 2 || steps[0].With["fetch-depth"] != "0" ||
		!strings.HasPrefix(steps[1].Uses, "keyhound/keyhound@") {
		t.Errorf("GitHub workflow example: %+v", wf)
	}
	var gl map[string]struct {
		Script    []string          `yaml:"script"`
		Variables map[string]string `yaml:"variables"`
	}
	for _, b := range blocks {
		if strings.Contains(b[1], ".gitlab-ci.yml") {
			if err := yaml.Unmarshal([]byte(b[1]), &gl); err != nil {
				t.Fatal(err)
			}
		}
	}
	job := gl["keyhound"]
	if job.Variables["GIT_DEPTH"] != "0" || len(job.Script) != 2 || !strings.Contains(job.Script[1], "keyhound git") {
		t.Errorf("GitLab example: %+v", job)
	}
	if _, err := exec.LookPath("bash"); err == nil && len(job.Script) == 2 {
		c := exec.Command("bash", "-n")
		c.Stdin = strings.NewReader(job.Script[1])
		if out, err := c.CombinedOutput(); err != nil {
			t.Errorf("GitLab script: %v %s", err, out)
		}
	}
}

// TestActionScanStep runs the action's Scan step with bash and a stand-in
// keyhound: on exit 2 the error annotation is keyhound's own error line
// (not a guess about fetch-depth); the findings and exit status reach the
// step's outputs; stdout and stderr both reach the log.
func TestActionScanStep(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	var a actionFile
	if err := yaml.Unmarshal(readFile(t, "../action.yml"), &a); err != nil {
		t.Fatal(err)
	}
	var script string
	var stepEnv []string // every variable the step's env sets, empty
	for _, s := range a.Runs.Steps {
		if s.ID == "scan" {
			script = s.Run
			for k := range s.Env {
				stepEnv = append(stepEnv, k+"=")
			}
		}
	}
	if script == "" {
		t.Fatal("no step with id scan")
	}
	for _, tc := range []struct {
		name, fake string
		code       int
		want       []string
		notWant    string
	}{
		{"configuration error", "echo 'keyhound: notice: something' >&2; echo 'keyhound: --config ci.toml: open ci.toml: no such file or directory' >&2; exit 2", 2,
			[]string{"::error title=keyhound (exit 2)::keyhound: --config ci.toml: open ci.toml: no such file or directory", "exit-code=2"}, "fetch-depth"},
		{"findings", "echo 'app.env:1:1: kh-test-token (high)'; echo '{\"ruleId\": \"x\"}' > \"${4#sarif=}\"; echo 'keyhound: scanned 1 file' >&2; exit 1", 0,
			[]string{"app.env:1:1: kh-test-token", "keyhound: scanned 1 file", "exit-code=1", "findings=1"}, "::error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "bin")
			writeFile(t, filepath.Join(bin, "keyhound"), "#!/bin/sh\n"+tc.fake+"\n")
			if err := os.Chmod(filepath.Join(bin, "keyhound"), 0o755); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "output")
			c := exec.Command("bash", "-c", script)
			c.Dir = dir
			c.Env = append(append([]string{}, stepEnv...), "PATH="+bin+":"+os.Getenv("PATH"), "GITHUB_OUTPUT="+out, "RUNNER_TEMP="+dir,
				"MODE=dir", "TARGET=.", "SARIF="+filepath.Join(dir, "k.sarif"), "EVENT=push")
			log, err := c.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			outputs, _ := os.ReadFile(out)
			all := string(log) + string(outputs)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, all)
			}
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("lacks %q:\n%s", w, all)
				}
			}
			if strings.Contains(string(log), tc.notWant) {
				t.Errorf("has %q:\n%s", tc.notWant, all)
			}
		})
	}
}
