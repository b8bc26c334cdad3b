package cmd

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// twoSecrets makes a tree with a high-severity token and a medium-severity
// password, on lines 2 and 4 of app.env.
func twoSecrets(t *testing.T) (dir, tok, pw string) {
	dir = t.TempDir()
	tok, pw = token(40), "Zq8vN3kLp2Xw"
	writeFile(t, filepath.Join(dir, "app.env"), "# settings\nTOKEN="+tok+"\n\nDATABASE_URL=postgres://app:"+pw+"@db.internal/app\n")
	return dir, tok, pw
}

func TestCSVAndJUnitParse(t *testing.T) {
	dir, tok, pw := twoSecrets(t)
	r := run(t, "", "dir", "-f", "csv", dir)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || r.code != 1 {
		t.Fatalf("csv: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	want := [][]string{{"kh-test-token", "high", "app.env", "2", tok}, {"kh-test-password", "medium", "app.env", "4", pw}}
	if len(rows) != 3 {
		t.Fatalf("csv rows: %q", rows)
	}
	for i, w := range want {
		row := rows[i+1]
		got := []string{row[col["rule_id"]], row[col["severity"]], row[col["file"]], row[col["line"]], row[col["secret"]]}
		if strings.Join(got, ",") != strings.Join(w, ",") {
			t.Errorf("csv row %d: %q, want %q", i+1, got, w)
		}
		if row[col["fingerprint"]] == "" {
			t.Errorf("csv row %d has no fingerprint", i+1)
		}
	}

	r = run(t, "", "dir", "-f", "junit", dir)
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name      string `xml:"name,attr"`
				Classname string `xml:"classname,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Type    string `xml:"type,attr"`
					Body    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(r.stdout), &suites); err != nil {
		t.Fatalf("junit: %v\n%s", err, r.stdout)
	}
	if suites.Tests != 2 || suites.Failures != 2 || len(suites.Suites) != 1 || len(suites.Suites[0].Cases) != 2 {
		t.Fatalf("junit: %+v", suites)
	}
	for i, c := range suites.Suites[0].Cases {
		rule, loc := want[i][0], "app.env:"+want[i][3]+":"
		if c.Failure == nil || c.Failure.Type != rule || c.Classname != "app.env" ||
			!strings.Contains(c.Name, rule+" at "+loc) || !strings.Contains(c.Failure.Body, "location: "+loc) {
			t.Errorf("junit case %d: %+v", i, c)
		}
		if strings.Contains(r.stdout, want[i][4]) {
			t.Errorf("junit holds the whole secret")
		}
	}
	// No findings: one passing test case.
	r = run(t, "", "dir", "-f", "junit", t.TempDir())
	if err := xml.Unmarshal([]byte(r.stdout), &suites); err != nil || suites.Failures != 0 || suites.Tests != 1 {
		t.Errorf("clean junit: %v %s", err, r.stdout)
	}
}

func TestSeveralFormats(t *testing.T) {
	dir, tok, _ := twoSecrets(t)
	out := t.TempDir()
	p := func(n string) string { return filepath.Join(out, n) }
	r := run(t, "", "dir", dir,
		"-f", "sarif="+p("r.sarif"), "-f", "json", "-o", p("r.json"), "-f", "csv", "-o", p("r.csv"),
		"-f", "junit="+p("r.xml"), "-f", "text", "--redact")
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "app.env:2:7: kh-test-token") || strings.Contains(r.stdout, "{") {
		t.Errorf("text on stdout, alone: %q", r.stdout)
	}
	schema := loadSARIFSchema(t)
	var sarif any
	data := readFile(t, p("r.sarif"))
	if err := json.Unmarshal(data, &sarif); err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(sarif); err != nil {
		t.Errorf("sarif: %v", err)
	}
	var js struct{ Findings []map[string]any }
	if err := json.Unmarshal(readFile(t, p("r.json")), &js); err != nil || len(js.Findings) != 2 {
		t.Errorf("json: %v %d", err, len(js.Findings))
	}
	if rows, err := csv.NewReader(bytes.NewReader(readFile(t, p("r.csv")))).ReadAll(); err != nil || len(rows) != 3 {
		t.Errorf("csv: %v %d", err, len(rows))
	}
	if err := xml.Unmarshal(readFile(t, p("r.xml")), new(struct{})); err != nil {
		t.Errorf("junit: %v", err)
	}
	for _, n := range []string{"r.sarif", "r.json", "r.csv", "r.xml"} {
		st, _ := os.Stat(p(n))
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", n, st.Mode().Perm())
		}
		if bytes.Contains(readFile(t, p(n)), []byte(tok)) {
			t.Errorf("%s: --redact not applied", n)
		}
	}

	errs := []struct {
		name string
		args []string
		want string
	}{
		{"two on stdout", []string{"-f", "json", "-f", "text"}, "2 reports would go to standard output"},
		{"more -o than formats", []string{"-f", "json=" + p("a"), "-o", p("b")}, "more -o (1) than formats without =FILE (0)"},
		{"same file twice", []string{"-f", "json=" + p("a"), "-f", "csv=" + p("a")}, "both write to"},
		{"empty file", []string{"-f", "json="}, "no file after ="},
		{"unknown format with file", []string{"-f", "xml=" + p("a")}, `--format "xml=`},
	}
	for _, tc := range errs {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, "", append([]string{"dir", dir}, tc.args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("exit %d, stderr %q, want %q", r.code, r.stderr, tc.want)
			}
			if _, err := os.Stat(p("a")); err == nil {
				t.Errorf("a report was written despite the usage error")
			}
		})
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// termEnv runs Main as if stdout and stderr were terminals.
func termRun(t *testing.T, getenv map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(Env{
		DefaultRules: []byte(cliRules),
		Version:      "test",
		Stdout:       &out,
		Stderr:       &errb,
		Getenv:       func(k string) string { return getenv[k] },
		IsTerminal:   func(any) bool { return true },
	}, args)
	return result{code, out.String(), errb.String()}
}

func TestOutputHygiene(t *testing.T) {
	dir, tok, _ := twoSecrets(t)
	writeFile(t, filepath.Join(dir, ".keyhoundignore"), ignoreEntry("sha256:"+strings.Repeat("0", 64), "expires = 2001-01-01"))
	big := filepath.Join(dir, "big.txt")
	writeFile(t, big, strings.Repeat("x", 4096)+"\n")

	r := run(t, "", "dir", dir)
	if !strings.Contains(r.stderr, "keyhound: scanned 3 files (") || !strings.Contains(r.stderr, ": 2 findings (1 high, 1 medium)") {
		t.Errorf("summary: %q", r.stderr)
	}
	if strings.Contains(r.stdout, "keyhound: scanned") || strings.Contains(r.stderr, "kh-test-token") {
		t.Errorf("report and log mixed: stdout %q stderr %q", r.stdout, r.stderr)
	}

	// -q: the findings and nothing else, even with notices pending.
	r = run(t, "", "dir", "-q", "--max-file-size", "1KB", dir)
	if r.code != 1 || r.stderr != "" || strings.Count(r.stdout, "\n") != 4 { // two findings, each with its fingerprint line
		t.Errorf("-q: exit %d stdout %q stderr %q", r.code, r.stdout, r.stderr)
	}

	// On a terminal: colour unless NO_COLOR, and a progress bar on stderr.
	r = termRun(t, nil, "dir", dir)
	if !strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("no colour on a terminal: %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "scanning") {
		t.Errorf("no progress bar for dir on a terminal: %q", r.stderr)
	}
	r = termRun(t, map[string]string{"NO_COLOR": "1"}, "dir", dir)
	if strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("colour despite NO_COLOR: %q", r.stdout)
	}
	for _, args := range [][]string{{"dir", "--no-progress", dir}, {"dir", "-q", dir}} {
		if r := termRun(t, nil, args...); strings.Contains(r.stderr, "scanning") {
			t.Errorf("%v: progress bar shown: %q", args, r.stderr)
		}
	}
	// Colour never goes into a file, even from a terminal.
	p := filepath.Join(t.TempDir(), "r.txt")
	termRun(t, nil, "dir", "-o", p, dir)
	if data := readFile(t, p); bytes.Contains(data, []byte("\x1b[")) || !bytes.Contains(data, []byte("kh-test-token")) {
		t.Errorf("text file: %q", data)
	}
	if strings.Contains(r.stdout+r.stderr, tok) {
		t.Errorf("the text report shows the whole secret")
	}
}
