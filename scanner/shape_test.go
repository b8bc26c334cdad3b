package scanner

import "testing"

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
	}
	for _, tc := range tests {
		sh := shapeOf(tc.expr)
		if got := sh.withinLine; got != tc.withinLine {
			t.Errorf("withinLine(%q) = %v, want %v", tc.expr, got, tc.withinLine)
		}
		if got := sh.spansLines; got != tc.spansLines {
			t.Errorf("spansLines(%q) = %v, want %v", tc.expr, got, tc.spansLines)
		}
	}
}
