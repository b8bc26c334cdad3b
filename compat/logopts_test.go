package compat

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseLogOpts(t *testing.T) {
	tests := []struct {
		in   string
		want logOpts
		err  string
	}{
		{"--all --since=2024-01-01", logOpts{since: "2024-01-01"}, ""},
		{`--after "2 weeks ago" --before=2024-06-01`, logOpts{since: "2 weeks ago", until: "2024-06-01"}, ""},
		{"main..feature -- src ':!src/gen'", logOpts{rangeAB: "main..feature", paths: []string{"src", ":!src/gen"}}, ""},
		{"release -p -U0 --full-history", logOpts{branch: "release"}, ""},
		{"-n 5", logOpts{}, "-n is not supported"},
		{"--author=ada", logOpts{}, "--author=ada is not supported"},
		{"a...b", logOpts{}, "did you mean A..B"},
		{"main dev", logOpts{}, "dev is not supported"},
		{"--since", logOpts{}, "--since needs a date"},
		{`--since "2024`, logOpts{}, "unclosed"},
	}
	for _, tt := range tests {
		got, err := parseLogOpts(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.HasPrefix(err.Error(), "--log-opts ") {
				t.Errorf("%q: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}
