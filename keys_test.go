package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/cmd"
	"github.com/keyhound/keyhound/internal/testfixture"
)

// scanStdin scans text with the built-in rules (and config, if not "") and
// returns the JSON report's findings.
func scanStdin(t *testing.T, text, config string) []map[string]any {
	t.Helper()
	args := []string{"stdin", "-f", "json", "--name", "key.txt"}
	if config != "" {
		p := filepath.Join(t.TempDir(), "rules.toml")
		if err := os.WriteFile(p, []byte(config), 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-c", p)
	}
	var out, errb bytes.Buffer
	code := cmd.Main(cmd.Env{DefaultRules: defaultRules, Version: "test", Stdin: strings.NewReader(text),
		Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, args)
	if code != 0 && code != 1 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep struct {
		Findings []map[string]any `json:"findings"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	return rep.Findings
}

func ruleIDs(fs []map[string]any) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f["rule_id"].(string))
	}
	return ids
}

// Every freshly generated private key, in every format, is one finding of
// its rule — also when its comment or armor header says "dummy-key" (a
// global stopword): stopwords and allowlist regexes look at the key
// material, not at the headers (#14.4).
func TestGeneratedPrivateKeys(t *testing.T) {
	keys, err := testfixture.PrivateKeys("dummy-key")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		t.Run(k.Name, func(t *testing.T) {
			ctxs := []struct{ name, text string }{
				{"file", k.Text},
				{"surrounded", "# a dummy key for the example below\n" + k.Text + "# end of the example\n"},
			}
			if strings.Contains(k.Name, "rsa") || k.Name == "pgp" {
				// A big key cut off by the end of the file (or of the scan
				// window) is still enough material to be a key.
				ctxs = append(ctxs, struct{ name, text string }{"cut off at the end of the file", k.Text[:len(k.Text)*3/4]})
			}
			for _, ctx := range ctxs {
				fs := scanStdin(t, ctx.text, "")
				if ids := ruleIDs(fs); len(ids) != 1 || ids[0] != k.Rule {
					t.Errorf("%s: findings %v, want one of %s in\n%s", ctx.name, ids, k.Rule, ctx.text)
				}
			}
		})
	}
}

// An allowlist still applies to the key material itself.
func TestAllowlistOnKeyMaterial(t *testing.T) {
	keys, err := testfixture.PrivateKeys("")
	if err != nil {
		t.Fatal(err)
	}
	k := keys[0] // rsa-pkcs1
	body := strings.Split(k.Text, "\n")[1]
	for _, cfg := range []string{
		"[extend]\nuse_default = true\n[allowlist]\nstopwords = [\"" + strings.ToLower(body[10:30]) + "\"]\n",
		"[extend]\nuse_default = true\n[allowlist]\nregexes = ['''^" + regexp.QuoteMeta(body[:20]) + "''']\n",
	} {
		if fs := scanStdin(t, k.Text, cfg); len(fs) != 0 {
			t.Errorf("allowlist over the key material ignored (%s): %v", cfg, ruleIDs(fs))
		}
	}
	// A header is not key material: a stopword found only there suppresses nothing.
	cfg := "[extend]\nuse_default = true\n[allowlist]\nstopwords = [\"proc-type\", \"dek-info\", \"putty\", \"encryption\"]\n"
	for _, k := range keys {
		if strings.Contains(k.Name, "encrypted-pem") || strings.Contains(k.Name, "ppk") {
			if fs := scanStdin(t, k.Text, cfg); len(fs) != 1 {
				t.Errorf("%s: a stopword in a header suppressed the key: %v", k.Name, ruleIDs(fs))
			}
		}
	}
}
