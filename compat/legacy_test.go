package compat

import (
	"reflect"
	"strings"
	"testing"
)

func TestLegacyArgs(t *testing.T) {
	tests := []struct {
		cmd  string
		args []string
		want []string
		err  string
	}{
		{"detect", nil, []string{"git"}, ""},
		{"detect", []string{"--source", "repo", "-v"}, []string{"git", "-v", "repo"}, ""},
		{"detect", []string{"-s", "src", "--no-git", "-c", "x.toml"}, []string{"dir", "-c", "x.toml", "src"}, ""},
		{"detect", []string{"-ssrc", "--no-git"}, []string{"dir", "src"}, ""},
		{"detect", []string{"--source=src", "--", "docs"}, []string{"git", "src", "--", "docs"}, ""},
		{"detect", []string{"--pipe", "-r", "x.json"}, []string{"stdin", "-r", "x.json"}, ""},
		{"detect", []string{"--pipe", "--source", "x"}, nil, "keyhound stdin"},
		{"detect", []string{"--source"}, nil, "needs a path"},
		{"protect", []string{"--staged", "-s", "."}, []string{"git", "--staged", "."}, ""},
		{"protect", []string{"-s", "."}, nil, "did you mean keyhound git --staged"},
	}
	for _, tt := range tests {
		got, err := LegacyArgs(tt.cmd, tt.args)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s %v: err %v, want %q", tt.cmd, tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %v = %q, %v; want %q", tt.cmd, tt.args, got, err, tt.want)
		}
	}
}
