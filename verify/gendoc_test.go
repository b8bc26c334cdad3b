package verify

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// docTable is the provider table of docs/verification.md.
func docTable() string {
	var b strings.Builder
	b.WriteString("| verifier | rules | hosts | request |\n| --- | --- | --- | --- |\n")
	for _, v := range Default().Verifiers() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", v.Name, "`"+strings.Join(v.Rules, "`, `")+"`", strings.Join(v.Hosts, ", "), strings.ReplaceAll(v.Doc, "|", "\\|"))
	}
	return b.String()
}

// TestDocsListEveryVerifier: docs/verification.md holds the table of what
// is sent where, exactly as the verifiers declare it
// (KEYHOUND_UPDATE_DOCS=1 rewrites it).
func TestDocsListEveryVerifier(t *testing.T) {
	const path = "../docs/verification.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- verifiers:begin -->\n", "<!-- verifiers:end -->"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q … %q section", path, begin, end)
	}
	want := docTable()
	if got := s[i+len(begin) : j]; got != want {
		if os.Getenv("KEYHOUND_UPDATE_DOCS") == "1" {
			if err := os.WriteFile(path, []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("%s: the verifier table is out of date; run KEYHOUND_UPDATE_DOCS=1 go test ./verify -run TestDocsListEveryVerifier", path)
	}
	for _, v := range Default().Verifiers() {
		if v.Doc == "" {
			t.Errorf("verifier %s has no Doc", v.Name)
		}
	}
}
