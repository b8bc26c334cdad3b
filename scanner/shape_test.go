package scanner

import (
	"math/rand"
	"testing"
)

func TestRegexShapes(t *testing.T) {
	tests := []struct {
		expr       string
		withinLine bool
		spansLines bool
	}{
		{`\bghp_[A-Za-z0-9]{36}\b`, true, false},
		{`(?i)token\s*[:=]\s*"?([A-Za-z0-9_]{16,})`, false, false},
		{`(?i)key[ \t]*=[ \t]*([a-z0-9]{16,})(?:["'\s;,)]|$)`, true, false},
		{`(?i)[a-z0-9_.-]{0,30}?(?:secret|token)[a-z0-9_.-]{0,20}["']?[ \t]*(?:=|:)[ \t]*["']?([A-Za-z0-9_+/=.~-]{16,128})(?:["'\s;,)]|$)`, true, false},
		{`-----BEGIN[A-Z ]*PRIVATE KEY-----[A-Za-z0-9+/=\s]+-----END[A-Z ]*PRIVATE KEY-----`, false, true},
		{`(?s)BEGIN.*END`, false, true},
		{`AKIA[0-9A-Z]{16}[\s\S]{0,100}[A-Za-z0-9/+]{40}`, false, false},
		{"a\nb", false, false},
		{`KEY[0-9a-f\s]{512,600}END`, false, true},
		{`KEY[0-9a-f\s]{0,100}END`, false, false},
		{"ab\n", true, false},
		{`x(?:\n|$)`, true, false},
		{`x\n?y`, false, false},
		{`users:[^\n]*\n(?:[^\n]*\n){0,50}?user:`, false, true}, // 50 lines of any length
		{`a(?:[ \t]*\w+:[^\n]*\n){0,8}b`, false, false},         // a few: the window's lines hold them
		{`a(?:x\n){0,50}b`, false, false},                       // 50 short lines: at most 100 bytes
	}
	for _, tc := range tests {
		sh := shapeOf(parseExpr(tc.expr))
		if got := sh.withinLine; got != tc.withinLine {
			t.Errorf("withinLine(%q) = %v, want %v", tc.expr, got, tc.withinLine)
		}
		if got := sh.spansLines; got != tc.spansLines {
			t.Errorf("spansLines(%q) = %v, want %v", tc.expr, got, tc.spansLines)
		}
	}
}

func TestRunNeed(t *testing.T) {
	tests := []struct {
		expr  string
		group int
		n     int // 0: no need derived
	}{
		{`\bghp_[A-Za-z0-9]{36}\b`, 0, 36},
		{`(?i)api_key\s*=\s*"([A-Za-z0-9_+/=.-]{16,128})"`, 1, 16},
		{`(?i)(?:public)[a-z]*=[^\s]*|(?:secret)[a-z]*=([A-Za-z0-9]{20,})`, 1, 20},
		{`pass=([^\s]{8,})|pwd=([a-z]{4,})`, 1, 8},
		{`x([a-z]{3,})`, 1, 0},                // too short to be worth checking
		{`(?:[a-f0-9]{32}|[A-Z]{40})`, 0, 32}, // alternatives: the weakest decides
		{`(?:[a-f0-9]{32}|token)`, 0, 0},      // an alternative without a run
		{`key-(\w+)`, 1, 0},                   // + gives no useful length
		{`(?i)k([a-z]{10})`, 1, 10},
	}
	for _, tc := range tests {
		need, ok := needOf(parseExpr(tc.expr), tc.group)
		if (tc.n == 0) != !ok || (ok && need.n != tc.n) {
			t.Errorf("needOf(%q, %d) = %d %v, want %d", tc.expr, tc.group, need.n, ok, tc.n)
		}
	}
	need, _ := needOf(parseExpr(`(?i)k([a-z]{10})`), 1)
	if !need.set['Q'] || !need.set['q'] || need.set['1'] {
		t.Errorf("case folding of the set is wrong")
	}
	cases := []struct {
		buf  string
		s, e int
		want bool
	}{
		{"xx abcdefghij yy", 0, 16, true}, // a full run inside
		{"xx abcdefghi yy", 0, 15, false}, // one short
		{"abcdefghij", 3, 10, true},       // the run continues before the window
		{"abcdefghij", 0, 5, true},        // ... and after it
		{"a1bcdefghij", 2, 11, false},     // 9 letters, and the byte before the window (1) is not in the set
		{"..abc.defg..", 0, 12, false},    // runs of 3 and 4
	}
	for _, c := range cases {
		if got := need.mayHold([]byte(c.buf), c.s, c.e); got != c.want {
			t.Errorf("mayHold(%q[%d:%d]) = %v, want %v", c.buf, c.s, c.e, got, c.want)
		}
	}
}

// TestRunNeedMayHoldRandom: mayHold, which skips ahead, answers as a scan
// of every byte does on random windows of random text.
func TestRunNeedMayHoldRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(19))
	for i := 0; i < 20000; i++ {
		nd := runNeed{n: 1 + rng.Intn(12)}
		for _, b := range "abcdef" {
			nd.set[b] = true
		}
		buf := make([]byte, rng.Intn(60))
		for k := range buf {
			buf[k] = "abcdef.-"[rng.Intn(8)]
		}
		s := rng.Intn(len(buf) + 1)
		e := s + rng.Intn(len(buf)-s+1)
		if got, want := nd.mayHold(buf, s, e), mayHoldScan(&nd, buf, s, e); got != want {
			t.Fatalf("mayHold(%q[%d:%d], n=%d) = %v, a full scan says %v", buf, s, e, nd.n, got, want)
		}
	}
}

// mayHoldScan is mayHold by looking at every byte.
func mayHoldScan(nd *runNeed, buf []byte, s, e int) bool {
	fromEdge := s > 0 && nd.set[buf[s-1]]
	run := 0
	for i := s; i < e; i++ {
		if nd.set[buf[i]] {
			run++
			if run >= nd.n || (fromEdge && run == i-s+1) {
				return true
			}
		} else {
			run = 0
		}
	}
	return run > 0 && e < len(buf) && nd.set[buf[e]]
}
