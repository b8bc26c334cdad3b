package compat

import (
	"fmt"
	"strings"
)

// LegacyHelp is the help of gitleaks's detect and protect commands.
const LegacyHelp = "gitleaks's detect and protect: `detect --source P` is `keyhound git P` (`--no-git`: `keyhound dir P`, `--pipe`: `keyhound stdin`), `protect --staged` is `keyhound git --staged`; see keyhound --help"

// LegacyArgs translates a gitleaks detect or protect command line (without
// the command) into keyhound's: --source/-s P becomes the argument P,
// --no-git makes it a dir scan, --pipe a stdin scan, and protect needs
// --staged. Every other flag passes through as it is.
func LegacyArgs(cmd string, args []string) ([]string, error) {
	var rest, paths []string
	noGit, pipe, staged := false, false, false
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i:]...)
			i = len(args)
		case a == "--source" || a == "-s":
			if i+1 >= len(args) {
				return nil, fmt.Errorf("%s %s: needs a path", cmd, a)
			}
			i++
			paths = append(paths, args[i])
		case strings.HasPrefix(a, "--source="):
			paths = append(paths, strings.TrimPrefix(a, "--source="))
		case strings.HasPrefix(a, "-s") && !strings.HasPrefix(a, "--"):
			paths = append(paths, strings.TrimPrefix(strings.TrimPrefix(a, "-s"), "="))
		case a == "--no-git" || a == "--no-git=true":
			noGit = true
		case a == "--pipe" || a == "--pipe=true":
			pipe = true
		case a == "--staged" || a == "--staged=true":
			staged = true
		default:
			rest = append(rest, a)
		}
	}
	var out []string
	switch {
	case cmd == "protect" && !staged:
		return nil, fmt.Errorf("protect without --staged (gitleaks scanned the uncommitted changes): keyhound has no such scan; did you mean keyhound git --staged (what a commit would add) or keyhound dir (the work tree)?")
	case cmd == "protect":
		out = []string{"git", "--staged"}
	case pipe:
		if len(paths) > 0 || noGit || staged {
			return nil, fmt.Errorf("detect --pipe reads standard input: did you mean keyhound stdin without --source, --no-git or --staged?")
		}
		out = []string{"stdin"}
	case noGit:
		if staged {
			return nil, fmt.Errorf("detect --no-git --staged: did you mean keyhound git --staged?")
		}
		out = []string{"dir"}
	default:
		out = []string{"git"}
		if staged {
			out = append(out, "--staged")
		}
	}
	out = append(out, rest...)
	if len(paths) > 0 {
		// Paths after the flags, but before a "--" pathspec separator.
		at := len(out)
		for i, a := range out {
			if a == "--" {
				at = i
				break
			}
		}
		out = append(out[:at], append(append([]string(nil), paths...), out[at:]...)...)
	}
	return out, nil
}
