package rules

import (
	"regexp"
	"testing"
)

func TestClosest(t *testing.T) {
	ids := []string{"aws-access-key-id", "aws-secret-access-key", "github-pat", "github-fine-grained-pat", "slack-bot-token", "snyk-token", "age-secret-key"}
	for _, tc := range []struct{ id, want string }{
		{"aws-access-key", "aws-access-key-id"}, // a prefix of the real id
		{"github-pta", "github-pat"},            // a typo
		{"githb-pat", "github-pat"},
		{"aws-secret-key", "aws-secret-access-key"},
		{"azure-storage-key", ""}, // nothing close: no misleading suggestion
		{"slack-token", "slack-bot-token"},
		{"x", ""},
	} {
		if got := closest(tc.id, ids); got != tc.want {
			t.Errorf("closest(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
}

// TestKebabID: the id check accepts exactly the kebab-case ids the rule
// file format describes.
func TestKebabID(t *testing.T) {
	want := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, id := range []string{"", "a", "github-pat", "aws-access-key-id", "x1-2y", "-a", "a-", "a--b", "A", "a_b", "a b", "é", "a-B", "9", "-", "--"} {
		if got := kebabID(id); got != want.MatchString(id) {
			t.Errorf("kebabID(%q) = %v, want %v", id, got, !got)
		}
	}
}
