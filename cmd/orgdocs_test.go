package cmd

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/keyhound/keyhound/shard"
)

// docBlocks returns the fenced code blocks of a markdown file by language.
func docBlocks(t *testing.T, path string) map[string][]string {
	t.Helper()
	blocks := map[string][]string{}
	lang, cur := "", []string(nil)
	in := false
	for _, line := range strings.Split(string(readFile(t, path)), "\n") {
		switch {
		case !in && strings.HasPrefix(line, "```"):
			in, lang, cur = true, strings.TrimPrefix(line, "```"), nil
		case in && strings.HasPrefix(line, "```"):
			in = false
			blocks[lang] = append(blocks[lang], strings.Join(cur, "\n"))
		case in:
			cur = append(cur, line)
		}
	}
	return blocks
}

// checkKeyhoundCommands finds every keyhound command line in text and
// checks that its subcommand and flags exist and that a --shard value is
// valid (after substituting the CI's variables with shard 1).
func checkKeyhoundCommands(t *testing.T, where, text string, subst map[string]string) int {
	t.Helper()
	n := 0
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "- "))
		if !strings.HasPrefix(line, "keyhound ") {
			continue
		}
		// Longest variable first: "$CI_NODE_INDEX/$CI_NODE_TOTAL" before
		// "$CI_NODE_INDEX" (map order is random: the test was flaky).
		keys := make([]string, 0, len(subst))
		for k := range subst {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
		for _, k := range keys {
			line = strings.ReplaceAll(line, k, subst[k])
		}
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		if i := strings.Index(line, " >"); i >= 0 {
			line = line[:i]
		}
		line = strings.NewReplacer(`"`, "", `'`, "").Replace(line)
		args := strings.Fields(line)[1:]
		root := newRootCmd(&Env{Getenv: func(string) string { return "" }})
		c, rest, err := root.Find(args)
		if err != nil || c == root {
			t.Errorf("%s: %q: no such command (%v)", where, line, err)
			continue
		}
		if err := c.ParseFlags(rest); err != nil {
			t.Errorf("%s: %q: %v", where, line, err)
			continue
		}
		if f := c.Flags().Lookup("shard"); f != nil && f.Value.String() != "" {
			if _, err := shard.Parse(f.Value.String()); err != nil {
				t.Errorf("%s: %q: --shard %v", where, line, err)
			}
		}
		if subst != nil && strings.Contains(line, "$") {
			t.Errorf("%s: %q: unsubstituted variable", where, line)
		}
		n++
	}
	return n
}

var shardOfN = regexp.MustCompile(`--shard \S*?/(\d+)`)

type ghWorkflow struct {
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		Needs    any    `yaml:"needs"`
		If       string `yaml:"if"`
		Strategy struct {
			Matrix struct {
				Shard []int `yaml:"shard"`
			} `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"jobs"`
}

// TestOrgScaleDocs checks the workflows and manifests of docs/org-scale.md:
// they parse, every keyhound command in them is one keyhound accepts, the
// GitHub matrix and the Kubernetes Indexed Job run as many shards as their
// --shard K/N says, and what the jobs pass each other exists.
func TestOrgScaleDocs(t *testing.T) {
	const doc = "../docs/org-scale.md"
	blocks := docBlocks(t, doc)
	for i, b := range blocks["sh"] {
		checkKeyhoundCommands(t, fmt.Sprintf("sh block %d", i+1), b, nil)
	}
	for i, b := range docBlocks(t, "../README.md")["sh"] {
		checkKeyhoundCommands(t, fmt.Sprintf("README sh block %d", i+1), b, nil)
	}
	yamls := blocks["yaml"]
	if len(yamls) != 3 {
		t.Fatalf("%d yaml blocks, want 3 (GitHub Actions, GitLab CI, Kubernetes)", len(yamls))
	}

	// GitHub Actions.
	var wf ghWorkflow
	if err := yaml.Unmarshal([]byte(yamls[0]), &wf); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	scan, ok := wf.Jobs["scan"]
	if !ok || wf.Jobs["list"].Steps == nil || wf.Jobs["merge"].Steps == nil {
		t.Fatalf("workflow jobs: want list, scan and merge")
	}
	n := len(scan.Strategy.Matrix.Shard)
	for i, k := range scan.Strategy.Matrix.Shard {
		if k != i+1 {
			t.Errorf("matrix shards %v: want 1..N", scan.Strategy.Matrix.Shard)
		}
	}
	cmds := 0
	for name, job := range wf.Jobs {
		if s, ok := job.Needs.(string); ok {
			if _, ok := wf.Jobs[s]; !ok {
				t.Errorf("job %s needs %s, which does not exist", name, s)
			}
		}
		for _, st := range job.Steps {
			if st.Uses != "" && !pinnedRE.MatchString(st.Uses) {
				t.Errorf("job %s: %s is not pinned to a major version", name, st.Uses)
			}
			cmds += checkKeyhoundCommands(t, "workflow job "+name, st.Run, map[string]string{"${{ matrix.shard }}": "1", "$ORG": "my-org"})
			if m := shardOfN.FindStringSubmatch(strings.ReplaceAll(st.Run, "${{ matrix.shard }}", "K")); m != nil && m[1] != fmt.Sprint(n) {
				t.Errorf("workflow: --shard .../%s with a matrix of %d shards", m[1], n)
			}
			if strings.Contains(st.Run, "keyhound git") && !strings.Contains(st.Run, "--shard ${{ matrix.shard }}/") {
				t.Errorf("workflow: the scan does not take its shard from the matrix: %s", st.Run)
			}
		}
	}
	if cmds < 3 || !strings.Contains(yamls[0], "KEYHOUND_GIT_TOKEN: ${{ secrets.") {
		t.Errorf("workflow: %d keyhound commands; the token must come from a secret", cmds)
	}

	// GitLab CI.
	var gl map[string]struct {
		Parallel int      `yaml:"parallel"`
		Script   []string `yaml:"script"`
	}
	if err := yaml.Unmarshal([]byte(yamls[1]), &gl); err != nil {
		t.Fatalf("gitlab: %v", err)
	}
	for name, job := range gl {
		checkKeyhoundCommands(t, "gitlab job "+name, strings.Join(job.Script, "\n"),
			map[string]string{"$CI_NODE_INDEX/$CI_NODE_TOTAL": "1/4", "$CI_NODE_INDEX": "1"})
	}
	if gl["keyhound-shard"].Parallel < 2 {
		t.Errorf("gitlab: keyhound-shard is not parallel")
	}

	// Kubernetes.
	dec := yaml.NewDecoder(strings.NewReader(yamls[2]))
	var job, cm map[string]any
	for {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			break
		}
		switch d["kind"] {
		case "Job":
			job = d
		case "ConfigMap":
			cm = d
		}
	}
	if job == nil || cm == nil {
		t.Fatalf("kubernetes: want a ConfigMap and a Job")
	}
	get := func(m any, path ...string) any {
		for _, p := range path {
			mm, ok := m.(map[string]any)
			if !ok {
				return nil
			}
			m = mm[p]
		}
		return m
	}
	spec := get(job, "spec")
	if get(spec, "completionMode") != "Indexed" || get(spec, "template", "spec", "restartPolicy") != "Never" {
		t.Errorf("kubernetes: want completionMode Indexed and restartPolicy Never")
	}
	completions, parallelism := get(spec, "completions"), get(spec, "parallelism")
	containers, _ := get(spec, "template", "spec", "containers").([]any)
	if len(containers) != 1 {
		t.Fatalf("kubernetes: %d containers", len(containers))
	}
	args, _ := get(containers[0], "args").([]any)
	script := fmt.Sprint(args...)
	m := shardOfN.FindStringSubmatch(script)
	if m == nil || fmt.Sprint(completions) != m[1] || fmt.Sprint(parallelism) != m[1] {
		t.Errorf("kubernetes: completions %v, parallelism %v, --shard .../%v", completions, parallelism, m)
	}
	if !strings.Contains(script, "K=$((JOB_COMPLETION_INDEX + 1))") {
		t.Errorf("kubernetes: the shard is not JOB_COMPLETION_INDEX + 1")
	}
	checkKeyhoundCommands(t, "kubernetes", script, map[string]string{"$K": "1"})
	mounts := map[string]string{}
	for _, v := range get(containers[0], "volumeMounts").([]any) {
		mounts[fmt.Sprint(get(v, "name"))] = fmt.Sprint(get(v, "mountPath"))
	}
	vols := map[string]any{}
	for _, v := range get(spec, "template", "spec", "volumes").([]any) {
		vols[fmt.Sprint(get(v, "name"))] = v
	}
	for name := range mounts {
		if vols[name] == nil {
			t.Errorf("kubernetes: mount %s has no volume", name)
		}
	}
	if get(vols["repos"], "configMap", "name") != get(cm, "metadata", "name") {
		t.Errorf("kubernetes: the repos volume is not the ConfigMap")
	}
	if _, ok := get(cm, "data").(map[string]any)["repos.txt"]; !ok || !strings.Contains(script, mounts["repos"]+"/repos.txt") {
		t.Errorf("kubernetes: --repos-file is not the ConfigMap's repos.txt")
	}
}
