package cmd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/report"
)

// compatOptions are gitleaks's flags, accepted so that a gitleaks command
// line runs with the binary renamed. Those that duplicate one of ours are
// hidden from --help; prepare folds them into scanOptions (applyCompat).
type compatOptions struct {
	reportPath   []string // -r/--report-path: -o ("-": standard output)
	reportFormat []string // --report-format: -f
	baselinePath string   // -b/--baseline-path: --baseline
	verbose      bool     // -v/--verbose: findings as text on stdout too
	noColor      bool     // --no-color
	noBanner     bool     // --no-banner: keyhound prints none
	maxTargetMB  int      // --max-target-megabytes: --max-file-size NMB
	redactPct    int      // --redact=N: the percent given, -1 when none
	enableRules  []string // --enable-rule
	glIgnore     string   // -i/--gitleaks-ignore-path
}

// redactValue is --redact: a switch, or gitleaks's --redact=N (percent of
// the secret hidden; keyhound hides all of it for any N above 0).
type redactValue struct {
	on  *bool
	pct *int
}

func (v redactValue) String() string { return strconv.FormatBool(*v.on) }
func (v redactValue) Type() string   { return "bool" }
func (v redactValue) Set(s string) error {
	if b, err := strconv.ParseBool(s); err == nil {
		*v.on = b
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 100 {
		return fmt.Errorf("want true, false or a percentage 0..100")
	}
	*v.on, *v.pct = n > 0, n
	return nil
}

// addCompatFlags registers gitleaks's flag names on a scanning command.
func addCompatFlags(c *cobra.Command, o *scanOptions) {
	f := c.Flags()
	co := &o.compat
	co.redactPct = -1
	f.Var(redactValue{&o.redact, &co.redactPct}, "redact", "keep secrets out of every output, webhooks included (overrides include_secret; stderr names each hook overridden)")
	f.Lookup("redact").NoOptDefVal = "true"
	f.StringArrayVarP(&co.reportPath, "report-path", "r", nil, "gitleaks's name for -o")
	f.StringArrayVar(&co.reportFormat, "report-format", nil, "gitleaks's name for -f")
	f.StringVarP(&co.baselinePath, "baseline-path", "b", "", "gitleaks's name for --baseline")
	f.BoolVarP(&co.verbose, "verbose", "v", false, "also print the findings as text on standard output when the report goes to a file")
	f.BoolVar(&co.noColor, "no-color", false, "no colour in the text report (as NO_COLOR does)")
	f.BoolVar(&co.noBanner, "no-banner", false, "keyhound prints no banner")
	f.IntVar(&co.maxTargetMB, "max-target-megabytes", 0, "gitleaks's --max-file-size in megabytes")
	f.StringVarP(&co.glIgnore, "gitleaks-ignore-path", "i", "", "a .gitleaksignore `FILE` (or a directory holding one) for every root (default: each scanned root's own)")
	f.StringArrayVar(&co.enableRules, "enable-rule", nil, "run only the rule with this `ID` (repeatable; keyhound rules list shows the ids)")
	for _, name := range []string{"report-path", "report-format", "baseline-path", "verbose", "no-color", "no-banner", "max-target-megabytes"} {
		_ = f.MarkHidden(name)
	}
}

// applyCompat folds the gitleaks flags given into o; notices go to env's
// stderr.
func applyCompat(env *Env, o *scanOptions) error {
	co := &o.compat
	if len(co.reportPath) > 0 && len(o.formats) == 0 && len(co.reportFormat) == 0 {
		// No format given: each file's extension names its format, and for
		// gitleaks's -r anything else is JSON (its default); "-" is stdout.
		for _, p := range o.outputs {
			o.formats = append(o.formats, report.FormatFor(p)+"="+p)
		}
		o.outputs = nil
		for _, p := range co.reportPath {
			f := report.FormatFor(p)
			if f == "text" {
				f = "json"
			}
			if p != "-" {
				f += "=" + p
			}
			o.formats = append(o.formats, f)
		}
	} else {
		for _, p := range co.reportPath {
			if p != "-" {
				o.outputs = append(o.outputs, p)
			}
		}
	}
	for _, rf := range co.reportFormat {
		if strings.HasPrefix(rf, "template") {
			return fmt.Errorf("--report-format %s: keyhound has no report templates; did you mean -f json (or sarif, csv, junit) and a converter of its JSON report?", rf)
		}
		o.formats = append(o.formats, rf)
	}
	if co.baselinePath != "" {
		if o.baseline != "" && o.baseline != co.baselinePath {
			return fmt.Errorf("--baseline %s and --baseline-path %s: give one of them", o.baseline, co.baselinePath)
		}
		o.baseline = co.baselinePath
	}
	if co.maxTargetMB != 0 {
		if co.maxTargetMB < 0 {
			return fmt.Errorf("--max-target-megabytes %d: must be 0 or more", co.maxTargetMB)
		}
		if o.maxFileSize != "" {
			return fmt.Errorf("--max-file-size and --max-target-megabytes: give one of them")
		}
		o.maxFileSize = strconv.Itoa(co.maxTargetMB) + "MB"
	}
	if co.redactPct > 0 && co.redactPct < 100 && !o.quiet {
		fmt.Fprintf(env.Stderr, "keyhound: notice: --redact=%d: keyhound hides the whole secret, not part of it\n", co.redactPct)
	}
	return nil
}

// gitleaksHints are the gitleaks flags keyhound has no equivalent for, with
// what to use instead: the one-line error for an unknown flag says it.
var gitleaksHints = map[string]string{
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

// flagHint adds to a flag parsing error what to use instead of a gitleaks
// flag keyhound does not have.
func flagHint(err error) error {
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
	if h, ok := gitleaksHints[name]; ok {
		return fmt.Errorf("%w (a gitleaks flag): %s", err, h)
	}
	return err
}

// newLegacyCmd is gitleaks's old detect or protect command: its command
// line is translated (legacyArgs) and run as keyhound's own command.
func newLegacyCmd(env *Env, name string) *cobra.Command {
	return &cobra.Command{
		Use:                name,
		Short:              "gitleaks's " + name + " (runs as keyhound git, dir or stdin)",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if a == "-h" || a == "--help" {
					return errors.New(legacyHelp)
				}
			}
			out, err := legacyArgs(name, args)
			if err != nil {
				return err
			}
			if !contains(args, "-q") && !contains(args, "--quiet") {
				fmt.Fprintf(env.Stderr, "keyhound: notice: gitleaks's %s runs as: keyhound %s\n", name, strings.Join(out, " "))
			}
			root := newRootCmd(env)
			root.SetArgs(out)
			root.SetIn(cmd.InOrStdin())
			root.SetOut(cmd.OutOrStdout())
			root.SetErr(cmd.ErrOrStderr())
			return root.ExecuteContext(cmd.Context())
		},
	}
}

const legacyHelp = "gitleaks's detect and protect: `detect --source P` is `keyhound git P` (`--no-git`: `keyhound dir P`, `--pipe`: `keyhound stdin`), `protect --staged` is `keyhound git --staged`; see keyhound --help"

// legacyArgs translates a gitleaks detect or protect command line (without
// the command) into keyhound's: --source/-s P becomes the argument P,
// --no-git makes it a dir scan, --pipe a stdin scan, and protect needs
// --staged. Every other flag passes through as it is.
func legacyArgs(cmd string, args []string) ([]string, error) {
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
