package cmd

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportNamesFailedTargets: a sweep's report names each repository that
// could not be scanned, with its error (JSON stats.failed, SARIF
// toolExecutionNotifications), never with a credential from its URL, and
// keyhound merge keeps them.
func TestReportNamesFailedTargets(t *testing.T) {
	r := newCLIRepo(t)
	r.write("a.txt", gitToken(61)+"\n")
	r.commit("a")
	missing := filepath.Join(t.TempDir(), "no-such-repo")
	const cred = "s3cr3tpassw0rd"
	badURL := "https://user:" + cred + "@127.0.0.1:1/org/repo.git"
	dir := t.TempDir()
	jsonOut, sarifOut := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.sarif")

	res := runGitCmd(t, "--config", gitRulesFile(t), "-f", "json="+jsonOut, "-f", "sarif="+sarifOut, r.dir, missing, badURL)
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (findings): %s", res.code, res.stderr)
	}
	if strings.Contains(res.stderr, cred) {
		t.Errorf("stderr holds the URL's password: %s", res.stderr)
	}
	var rep struct {
		Stats struct {
			Errors int `json:"errors"`
			Failed []struct {
				Target string `json:"target"`
				Error  string `json:"error"`
			} `json:"failed"`
		} `json:"stats"`
	}
	data := readFile(t, jsonOut)
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte(cred)) {
		t.Errorf("the JSON report holds the URL's password:\n%s", data)
	}
	targets := map[string]string{}
	for _, f := range rep.Stats.Failed {
		targets[f.Target] = f.Error
	}
	wantURL := "https://127.0.0.1:1/org/repo.git"
	if len(rep.Stats.Failed) != 2 || targets[missing] == "" || targets[wantURL] == "" {
		t.Fatalf("stats.failed = %+v, want %s and %s with their errors", rep.Stats.Failed, missing, wantURL)
	}

	sarif := readFile(t, sarifOut)
	if bytes.Contains(sarif, []byte(cred)) {
		t.Errorf("the SARIF report holds the URL's password")
	}
	var doc any
	if err := json.Unmarshal(sarif, &doc); err != nil {
		t.Fatal(err)
	}
	if err := loadSARIFSchema(t).Validate(doc); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
	var log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool `json:"executionSuccessful"`
				ToolExecutionNotifications []struct {
					Level   string                `json:"level"`
					Message struct{ Text string } `json:"message"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarif, &log); err != nil {
		t.Fatal(err)
	}
	inv := log.Runs[0].Invocations
	if len(inv) != 1 || inv[0].ExecutionSuccessful || len(inv[0].ToolExecutionNotifications) != 2 {
		t.Fatalf("invocations = %+v", inv)
	}
	for _, n := range inv[0].ToolExecutionNotifications {
		if n.Level != "error" || !(strings.HasPrefix(n.Message.Text, missing+": ") || strings.HasPrefix(n.Message.Text, wantURL+": ")) {
			t.Errorf("notification %+v does not name the target", n)
		}
	}

	// keyhound merge keeps them.
	merged := runGitMerge(t, jsonOut)
	var m struct {
		Stats struct {
			Failed []struct{ Target, Error string } `json:"failed"`
		} `json:"stats"`
	}
	if err := json.Unmarshal([]byte(merged), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Stats.Failed) != 2 {
		t.Errorf("merge lost the failed targets: %+v", m.Stats.Failed)
	}
}

func runGitMerge(t *testing.T, paths ...string) string {
	t.Helper()
	res := run(t, "", append([]string{"merge", "-f", "json"}, paths...)...)
	if res.code != 1 {
		t.Fatalf("merge: exit %d: %s", res.code, res.stderr)
	}
	return res.stdout
}
