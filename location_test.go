package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyhound/keyhound/cmd"
)

// runFormat scans text from stdin with the built-in rules in format fmt.
func runFormat(t *testing.T, text, format string) string {
	t.Helper()
	var out, errb bytes.Buffer
	code := cmd.Main(cmd.Env{DefaultRules: defaultRules, Version: "test", Stdin: strings.NewReader(text),
		Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }},
		[]string{"stdin", "--name", "manifest.yaml", "-f", format})
	if code != 1 {
		t.Fatalf("exit %d, want 1 (findings): %s", code, errb.String())
	}
	return out.String()
}

// lineCol is the 1-based line and column (in code points) of byte offset off.
func lineCol(text string, off int) (int, int) {
	before := text[:off]
	ls := strings.LastIndexByte(before, '\n') + 1
	return strings.Count(before, "\n") + 1, utf8.RuneCountInString(before[ls:]) + 1
}

// A finding's line and column locate the secret itself, not the start of a
// multi-line match (#14.8): a Kubernetes Secret's match starts at "kind:
// Secret", many lines above the value. The match's own span is reported as
// match_line and match_column. JSON, SARIF, CSV and text agree.
func TestFindingLocatesTheSecret(t *testing.T) {
	for _, tc := range []struct {
		name, text, rule, secret, matchFrom string
	}{
		{"kubernetes secret", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\n  labels:\n    app: billing\n    tier: backend\ntype: Opaque\nstringData:\n  region: eu-west-1\n  endpoint: api.internal\n  API_TOKEN: \"El9pDwosuEKgz3AyZxKoXwE33gZaFa0k801YDRtn\"\n",
			"kubernetes-secret-manifest", "El9pDwosuEKgz3AyZxKoXwE33gZaFa0k801YDRtn", "kind: Secret"},
		{"docker config.json", "{\n  \"auths\": {\n    \"ghcr.io\": {\n      \"auth\": \"amVua2luczppaFVMM2hIaTBCVUpqdXM4TXk=\"\n    }\n  }\n}\n",
			"docker-registry-config-auth", "amVua2luczppaFVMM2hIaTBCVUpqdXM4TXk=", `"ghcr.io"`},
		{"kubeconfig", "apiVersion: v1\nkind: Config\nusers:\n- name: deployer\n  user:\n    token: \"kubeadm.ane4a70XMboKpsvK5W8snbySvHuy507ImF3C\"\n",
			"kubeconfig-token", "kubeadm.ane4a70XMboKpsvK5W8snbySvHuy507ImF3C", "users:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			off := strings.Index(tc.text, tc.secret)
			line, col := lineCol(tc.text, off)
			endLine, endCol := lineCol(tc.text, off+len(tc.secret)-1)
			mLine, mCol := lineCol(tc.text, strings.Index(tc.text, tc.matchFrom))

			var rep struct {
				Findings []map[string]any `json:"findings"`
			}
			if err := json.Unmarshal([]byte(runFormat(t, tc.text, "json")), &rep); err != nil {
				t.Fatal(err)
			}
			if len(rep.Findings) != 1 {
				t.Fatalf("findings %v", rep.Findings)
			}
			f := rep.Findings[0]
			if f["rule_id"] != tc.rule {
				// Another rule reports it (a newer, more specific one): the
				// secret's place is the same, the match's is that rule's.
				t.Logf("rule %v, not %s: match span not checked", f["rule_id"], tc.rule)
				mLine, mCol = int(f["match_line"].(float64)), int(f["match_column"].(float64))
			}
			for k, want := range map[string]int{"line": line, "column": col, "end_line": endLine, "end_column": endCol,
				"match_line": mLine, "match_column": mCol} {
				if got, _ := f[k].(float64); int(got) != want {
					t.Errorf("json %s = %v, want %d", k, f[k], want)
				}
			}

			var sarif struct {
				Runs []struct {
					Results []struct {
						Locations []struct {
							PhysicalLocation struct {
								Region        map[string]any `json:"region"`
								ContextRegion map[string]any `json:"contextRegion"`
							} `json:"physicalLocation"`
						} `json:"locations"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(runFormat(t, tc.text, "sarif")), &sarif); err != nil {
				t.Fatal(err)
			}
			pl := sarif.Runs[0].Results[0].Locations[0].PhysicalLocation
			for k, want := range map[string]int{"startLine": line, "startColumn": col, "endLine": endLine, "endColumn": endCol + 1} {
				if got, _ := pl.Region[k].(float64); int(got) != want {
					t.Errorf("sarif region %s = %v, want %d", k, pl.Region[k], want)
				}
			}
			if got, _ := pl.ContextRegion["startLine"].(float64); (mLine != line || mCol != col) && int(got) != mLine {
				t.Errorf("sarif contextRegion = %v, want it to start at line %d", pl.ContextRegion, mLine)
			}

			rows, err := csv.NewReader(strings.NewReader(runFormat(t, tc.text, "csv"))).ReadAll()
			if err != nil || len(rows) != 2 {
				t.Fatalf("csv: %v %v", rows, err)
			}
			row := map[string]string{}
			for i, h := range rows[0] {
				row[h] = rows[1][i]
			}
			for k, want := range map[string]int{"line": line, "column": col, "end_line": endLine, "end_column": endCol, "match_line": mLine, "match_column": mCol} {
				if row[k] != strconv.Itoa(want) {
					t.Errorf("csv %s = %q, want %d", k, row[k], want)
				}
			}

			if text := runFormat(t, tc.text, "text"); !strings.Contains(text, "manifest.yaml:"+strconv.Itoa(line)+":"+strconv.Itoa(col)+":") {
				t.Errorf("text report does not point at %d:%d: %s", line, col, text)
			}
		})
	}
}
