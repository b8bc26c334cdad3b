package githook

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Program is the keyhound a hook should run: "keyhound" when one is on
// PATH; else this program by its absolute path, so that the hook works
// where it is installed. When neither is usable (this keyhound is a
// temporary `go run` or test build, or its path cannot be written into a
// shell script) it is "keyhound", with a warning saying the hook will
// refuse commits until keyhound is on PATH.
func Program() (program, warning string) {
	if _, err := exec.LookPath("keyhound"); err == nil {
		return "keyhound", ""
	}
	exe, err := os.Executable()
	if err == nil {
		if p, err := filepath.EvalSymlinks(exe); err == nil {
			exe = p
		}
	}
	if err == nil && !temporaryBuild(exe) && Embeddable(exe) {
		return exe, "notice: keyhound is not on PATH: the hook runs " + exe + " (reinstall the hook if you move it)"
	}
	return "keyhound", "warning: keyhound is not on PATH, and this keyhound cannot be named in the hook" +
		" (a temporary go run or test build, or an unusual path): the hook refuses every commit until" +
		" keyhound is on PATH (go install github.com/keyhound/keyhound@latest) or $KEYHOUND names it"
}

// temporaryBuild reports whether exe is a binary `go run` or `go test`
// builds in a temporary directory and deletes afterwards.
func temporaryBuild(exe string) bool {
	return strings.HasSuffix(exe, ".test") || strings.Contains(filepath.ToSlash(exe), "/go-build")
}
