package main

import (
	"testing"

	"github.com/keyhound/keyhound/cmd"
	"github.com/keyhound/keyhound/rules"
)

// TestDefaultRules checks every built-in rule's examples and negative
// examples through the full matching pipeline (what `keyhound rules test` does).
func TestDefaultRules(t *testing.T) {
	set, err := rules.Load(rules.LoadOptions{Default: defaultRules})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Rules) < 60 {
		t.Errorf("only %d built-in rules", len(set.Rules))
	}
	for _, f := range cmd.TestRules(set) {
		t.Error(f)
	}
}
