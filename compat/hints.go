package compat

import (
	"fmt"
	"strings"
)

// hints are the gitleaks flags keyhound has no equivalent for, with what
// to use instead: the one-line error for an unknown flag says it.
var hints = map[string]string{
	"timeout":               "keyhound has no scan time limit; did you mean `timeout 10m keyhound ...`? On SIGTERM the report keeps what was found (exit 130)",
	"report-template":       "keyhound has no report templates; did you mean -f json and a converter of its JSON report?",
	"log-level":             "did you mean -q (only errors on stderr)?",
	"l":                     "gitleaks's -l/--log-level: did you mean -q (only errors on stderr)?",
	"diagnostics":           "did you mean -j 1 and `go tool pprof` on a build of keyhound?",
	"diagnostics-dir":       "did you mean -j 1 and `go tool pprof` on a build of keyhound?",
	"ignore-gitleaks-allow": "did you mean to delete the gitleaks:allow comment? keyhound always honours it",
	"follow-symlinks":       "keyhound never follows a symlink out of the scanned root; did you mean to scan the link's target path?",
	"source":                "did you mean the path as an argument (keyhound dir PATH, keyhound git REPO)?",
	"s":                     "did you mean the path as an argument (keyhound dir PATH, keyhound git REPO)?",
	"no-git":                "did you mean keyhound dir PATH?",
	"pipe":                  "did you mean keyhound stdin?",
	"pre-commit":            "did you mean keyhound git --staged (what the commit adds; keyhound install-hook writes the hook)?",
	"platform":              "keyhound's reports carry repository-relative paths and commits, not links; did you mean -f sarif?",
	"log-opts":              "history filters apply to git history: did you mean keyhound git --since DATE, --until DATE, -- PATHSPEC (or --log-opts)?",
}

// FlagHint adds to a flag parsing error what to use instead of a gitleaks
// flag keyhound does not have; any other error is returned as it is.
func FlagHint(err error) error {
	msg := err.Error()
	var name string
	switch {
	case strings.HasPrefix(msg, "unknown flag: --"):
		name = strings.TrimPrefix(msg, "unknown flag: --")
	case strings.HasPrefix(msg, "unknown shorthand flag: '"):
		name = msg[len("unknown shorthand flag: '"):]
		if i := strings.IndexByte(name, '\''); i >= 0 {
			name = name[:i]
		}
	default:
		return err
	}
	name, _, _ = strings.Cut(name, "=")
	if h, ok := hints[name]; ok {
		return fmt.Errorf("%w (a gitleaks flag): %s", err, h)
	}
	return err
}
