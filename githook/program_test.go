package githook

import "testing"

func TestTemporaryBuild(t *testing.T) {
	for exe, want := range map[string]bool{
		"/tmp/go-build123/b001/exe/keyhound": true,
		"/home/u/keyhound/cmd.test":          true,
		"/usr/local/bin/keyhound":            false,
		"/home/u/go/bin/keyhound":            false,
	} {
		if got := temporaryBuild(exe); got != want {
			t.Errorf("temporaryBuild(%q) = %v, want %v", exe, got, want)
		}
	}
}
