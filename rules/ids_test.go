package rules

import "testing"

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
