package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp/syntax"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// compiledSize is the exact size of expr's program, for comparison.
func compiledSize(t *testing.T, expr string) int64 {
	t.Helper()
	re, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		t.Fatal(err)
	}
	return int64(len(prog.Inst))
}

// TestProgSizeEstimate: the estimate follows the real program size closely
// enough for a limit (within a factor of 2 plus a constant) on every
// built-in rule and on shapes a hostile file would use.
func TestProgSizeEstimate(t *testing.T) {
	data, err := os.ReadFile("../rules.toml")
	if err != nil {
		t.Fatal(err)
	}
	def, err := Parse("rules.toml", data)
	if err != nil {
		t.Fatal(err)
	}
	exprs := []string{`a`, `(a{30}){30}`, `\w{1000}`, `(?i)[a-z]{1000}`, `((a{10}){10}){10}`, `(x[a-z]{10}){100}`,
		`(a|b|c|d){2,999}`, `(ab+c*){5,}`, `(?:x?){1000}`, strings.Repeat("(a|", 200) + "b" + strings.Repeat(")", 200)}
	var largest int64
	for _, r := range def.Rules {
		exprs = append(exprs, r.Regex)
	}
	for _, e := range exprs {
		re, err := syntax.Parse(e, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		est, real := progSize(re), compiledSize(t, e)
		if est < real/2 || est > 2*real+8 {
			t.Errorf("%.40q: estimate %d, compiled %d", e, est, real)
		}
		largest = max(largest, real)
	}
	if largest*5 > MaxRegexSize {
		t.Errorf("the largest built-in regex compiles to %d instructions: MaxRegexSize %d leaves too little room", largest, MaxRegexSize)
	}
}

// TestRegexLimits: a regex Go rejects, one over MaxRegexSize and a set over
// MaxTotalRegexSize are one-line errors naming the rule, reached quickly.
func TestRegexLimits(t *testing.T) {
	rule := func(id, re string) string {
		return fmt.Sprintf("[[rules]]\nid = %q\nregex = '''%s'''\nkeywords = [\"kw_\"]\n", id, re)
	}
	big := "kw_(x" + strings.Repeat("[a-z]", 3000) + "){1000}" // legal for Go: 3 million instructions
	var many strings.Builder
	for i := 0; i < 100; i++ {
		many.WriteString(rule(fmt.Sprintf("r%d", i), "kw_"+strings.Repeat("[a-z0-9]{1000}", 16))) // 16,000 each
	}
	tests := []struct{ name, file, want string }{
		{"nested repeat", rule("nested", "kw_(a{1000}){1000}"), "rule nested: regex: error parsing regexp: invalid repeat count"},
		{"repeat over 1000", rule("count", "kw_a{1001}"), "rule count: regex: error parsing regexp: invalid repeat count"},
		{"too large", rule("huge", big), "rule huge: regex: too large: compiles to about 3003003 instructions, over the limit of 20000 per regex"},
		{"too large path", rule("p", "kw_x") + "path = '''" + strings.Repeat("[a-z]{1000}", 30) + "'''\n", "rule p: path: too large"},
		{"too large allowlist", "[allowlist]\nregexes = ['''(ab){1000}[a-z]{1000}x{1000}(y{1000}){0}z{1000}" + strings.Repeat("[0-9]{1000}", 20) + "''']\n", "allowlist: regexes \"(ab){1000}"},
		{"too large together", many.String(), "rule r62: regex: too large: with this one the rule file's regexes compile to more than 1000000 instructions together"},
	}
	for _, tc := range tests {
		start := time.Now()
		f, err := Parse("hostile.toml", []byte(tc.file))
		if err == nil {
			_, err = Compile([]string{"hostile.toml"}, f)
		}
		d := time.Since(start)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line containing %q", tc.name, err, tc.want)
		}
		if err != nil && len(err.Error()) > 400 {
			t.Errorf("%s: error is %d bytes long", tc.name, len(err.Error()))
		}
		if d > 2*time.Second {
			t.Errorf("%s: took %v", tc.name, d)
		}
	}
}

// TestHundredsOfBigRules: 300 legal rules with large counted repetitions,
// under both limits, compile in bounded time and memory.
func TestHundredsOfBigRules(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "[[rules]]\nid = \"big-%d\"\nregex = '''kw%d_([A-Za-z0-9+/]{1000}|(?i)[a-f]{1000})'''\n", i, i)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	f, err := Parse("big.toml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	set, err := Compile([]string{"big.toml"}, f)
	if err != nil {
		t.Fatal(err)
	}
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	alloc := (after.TotalAlloc - before.TotalAlloc) >> 20
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := int64(after.HeapAlloc-before.HeapAlloc) >> 20
	t.Logf("300 rules of about 2,000 instructions: compiled in %v, %d MiB allocated, %d MiB live", d.Round(time.Millisecond), alloc, live)
	if len(set.Rules) != 300 || d > 5*time.Second || alloc > 1024 || live > 256 {
		t.Errorf("%d rules in %v, %d MiB allocated, %d MiB live", len(set.Rules), d, alloc, live)
	}
	runtime.KeepAlive(set)
}

// TestRuleFileReadOnce: a rule file given as a pipe (-c /dev/stdin, -c <(...))
// is read once, so its rules are loaded, not an empty second read.
func TestRuleFileReadOnce(t *testing.T) {
	for _, content := range []string{
		"[[rules]]\nid = \"piped\"\nregex = '''pp_[0-9]{8}'''\n",                                       // keyhound format
		"title = \"gl\"\n[[rules]]\nid = \"piped\"\nregex = '''pp_[0-9]{8}'''\nkeywords = [\"pp_\"]\n", // gitleaks format
	} {
		fifo := filepath.Join(t.TempDir(), "rules.fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		go func() {
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			w.WriteString(content)
			w.Close()
		}()
		set, _, err := Load(LoadOptions{Path: fifo})
		if err != nil {
			t.Fatal(err)
		}
		if len(set.Rules) != 1 || set.Rules[0].ID != "piped" {
			t.Errorf("rules from a pipe: %d", len(set.Rules))
		}
	}
}

// TestRuleFileBounds: a rule file larger than MaxFileSize is refused unread,
// and a gitleaks [extend] path (it may come from the scanned repository)
// must name a regular file: never a FIFO (it would block) or a device.
func TestRuleFileBounds(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.toml")
	if err := os.WriteFile(huge, []byte("# sparse\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, 2<<30); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, _, err := Load(LoadOptions{Path: huge})
	if err == nil || !strings.Contains(err.Error(), "huge.toml: larger than 16 MiB") || time.Since(start) > time.Second {
		t.Errorf("2 GiB rule file: %v after %v", err, time.Since(start))
	}
	// A device given as the config (-c /dev/zero) is read up to the bound only.
	if _, _, err := Load(LoadOptions{Path: "/dev/zero"}); err == nil || !strings.Contains(err.Error(), "/dev/zero: larger than 16 MiB") {
		t.Errorf("-c /dev/zero: %v", err)
	}
	fifo := filepath.Join(dir, "base.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{fifo, "/dev/zero", dir} {
		cfg := filepath.Join(dir, "gl.toml")
		os.WriteFile(cfg, []byte(fmt.Sprintf("title = \"x\"\n[extend]\npath = %q\n", target)), 0o644)
		done := make(chan error, 1)
		go func() { _, _, err := Load(LoadOptions{Path: cfg}); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "[extend] path "+target+": not a regular file") {
				t.Errorf("extend path %s: %v", target, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("extend path %s: still reading after 5s", target)
		}
	}
}
