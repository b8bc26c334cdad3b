package console

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		s     string
		width int
		want  []string
	}{
		{"one two three", 20, []string{"one two three"}},
		{"one two three", 8, []string{"one two", "three"}},
		{"abcdefghijkl xy", 8, []string{"abcdefgh", "ijkl xy"}}, // a word too long is cut
		{"", 10, []string{""}},
		{"a b", 3, []string{"a b"}}, // at least 8
	}
	for _, tt := range tests {
		if got := Wrap(tt.s, tt.width); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tt.s, tt.width, got, tt.want)
		}
	}
}

func TestTable(t *testing.T) {
	rows := [][]string{{"ID", "SEV", "DESCRIPTION"}, {"a-rule", "high", "a description long enough to wrap at forty columns"}, {"b", "low", "short"}}
	if got := Table(rows, 0); got != "ID      SEV   DESCRIPTION\na-rule  high  a description long enough to wrap at forty columns\nb       low   short\n" {
		t.Errorf("no width:\n%s", got)
	}
	got := Table(rows, 40)
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if utf8.RuneCountInString(l) > 40 {
			t.Errorf("width 40: %q is longer", l)
		}
	}
	if !strings.HasPrefix(got, "ID      SEV   DESCRIPTION\na-rule  high  a description long enough\n              to wrap") {
		t.Errorf("width 40: descriptions not wrapped beside their row:\n%s", got)
	}
	// Too narrow for the description beside its row: it goes below.
	if got := Table(rows, 30); !strings.Contains(got, "a-rule  high\n    a description long enough\n") {
		t.Errorf("width 30:\n%s", got)
	}
}
