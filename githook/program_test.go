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
	// Under go test, this program is a temporary build: unless a keyhound is
	// on PATH, the hook is told to run "keyhound" and a warning says why.
	if program, warning := Program(); program == "keyhound" && warning != "" && warning[:8] != "warning:" {
		t.Errorf("Program() = %q, %q", program, warning)
	}
}
