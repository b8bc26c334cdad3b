package main

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/keyhound/keyhound/cmd"
	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner"
)

// TestDefaultRules checks every built-in rule's examples and negative
// examples through the full matching pipeline (what `keyhound rules test` does).
func TestDefaultRules(t *testing.T) {
	// Compiled eagerly, as a user's file is: every regex and secret_group is
	// checked here, since the built-in rules are compiled lazily at run time.
	f, err := rules.Parse("rules.toml", defaultRules)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rules.Compile([]string{"rules.toml"}, f); err != nil {
		t.Fatal(err)
	}
	set, _, err := rules.Load(rules.LoadOptions{Default: defaultRules})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) < 60 {
		t.Errorf("only %d built-in rules", len(set.Rules))
	}
	for _, f := range scanner.CheckExamples(set) {
		t.Error(f)
	}
}

// TestQuickStart: the README's first command, `go run . dir .`, exits 0 on
// this repository: every fake secret it holds on purpose (rule examples, the
// generated rule table, test data) is allowlisted by its .keyhound.toml, and
// nothing else is a finding.
func TestQuickStart(t *testing.T) {
	var stdout, stderr strings.Builder
	code := cmd.Main(cmd.Env{DefaultRules: defaultRules, Stdout: &stdout, Stderr: &stderr,
		Getenv: func(string) string { return "" }}, []string{"dir", "--no-progress", "."})
	if code != 0 {
		t.Errorf("keyhound dir . exited %d, want 0\n%.3000s\n%s", code, stdout.String(), stderr.String())
	}
}

// TestHoldGC: the collector is off, under a heap limit, for the window
// only, and GOGC or GOMEMLIMIT leave it alone.
func TestHoldGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	gc := func() (percent, limit uint64) {
		s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}}
		metrics.Read(s)
		return s[0].Value.Uint64(), s[1].Value.Uint64()
	}
	holdGC(func(string) string { return "" }, 100*time.Millisecond)
	if p, l := gc(); int64(p) != -1 || l != startupHeap { // off reads as -1
		t.Fatalf("in the window: GC percent %d, limit %d", p, l)
	}
	deadline := time.Now().Add(5 * time.Second)
	for p, l := gc(); p != 100 || l != math.MaxInt64; p, l = gc() {
		if time.Now().After(deadline) {
			t.Fatalf("after the window: GC percent %d, limit %d", p, l)
		}
		time.Sleep(10 * time.Millisecond)
	}
	holdGC(func(k string) string {
		if k == "GOMEMLIMIT" {
			return "1GiB"
		}
		return ""
	}, time.Hour)
	if p, l := gc(); p != 100 || l != math.MaxInt64 {
		t.Errorf("with GOMEMLIMIT set: GC percent %d, limit %d", p, l)
	}
}
