package cmd

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/ignore"
	"github.com/keyhound/keyhound/pipeline"
	"github.com/keyhound/keyhound/progress"
	"github.com/keyhound/keyhound/report"
	"github.com/keyhound/keyhound/scanner"
	"github.com/keyhound/keyhound/source"
)

// candidate is one line of keyhound explain: a match of a rule's regex and
// what became of it.
type candidate struct {
	f       finding.Finding
	verdict string // "reported", or "not reported: why"
}

func newExplainCmd(env *Env) *cobra.Command {
	o := &scanOptions{formats: []string{"text"}, noWebhooks: true, quiet: false}
	var name string
	c := &cobra.Command{
		Use:   "explain [PATH...]",
		Short: "Say, for every candidate a rule matched, whether it is reported and why not",
		Long: "Scan PATH (files or directories, default .; - for standard input) as 'keyhound dir' does\n" +
			"and print every candidate a rule's regex matched: reported, or why not — entropy below\n" +
			"the rule's minimum, a failed checksum or structure check, an allowlist regex or stopword\n" +
			"(placeholders, examples), the keyhound:allow comment, an ignore file entry, the baseline —\n" +
			"and each path the allowlist keeps from being scanned. Secrets are masked as in the text\n" +
			"report. Nothing is sent to a webhook or verified. Exit 0, or 2 on an error.",
		RunE: func(cmd *cobra.Command, args []string) error {
			var srcs []source.Source
			var roots []string
			var paths []string
			for _, a := range args {
				if a == "-" {
					srcs = append(srcs, source.Stdin{R: env.Stdin, File: name, Root: "."})
					roots = append(roots, ".")
					continue
				}
				paths = append(paths, a)
			}
			if len(paths) > 0 || len(args) == 0 {
				ds, err := dirSources(paths)
				if err != nil {
					return err
				}
				srcs = append(srcs, ds...)
				roots = append(roots, dirRoots(ds)...)
			}
			j, err := prepare(env, o, roots...)
			if err != nil {
				return err
			}
			var mu sync.Mutex
			var cands []candidate
			add := func(f finding.Finding, verdict string) {
				mu.Lock()
				defer mu.Unlock()
				cands = append(cands, candidate{f, verdict})
			}
			j.run.Explain = func(r scanner.Rejected) {
				if r.Finding.RuleID == "" {
					add(r.Finding, r.Reason) // a path: not scanned
				} else {
					add(r.Finding, "not reported: "+r.Reason)
				}
			}
			j.pipe.Explain(func(f *finding.Finding, why string) { add(*f, "not reported: "+why) })
			res, err := j.collect(cmd.Context(), pipeline.Sources{List: srcs})
			if err != nil {
				return err
			}
			for _, f := range res.Found {
				v := "reported"
				if len(f.AlsoRules) > 0 {
					v += " (also matched by " + strings.Join(f.AlsoRules, ", ") + ")"
				}
				add(f, v)
			}
			writeExplain(env, cands, len(res.Found))
			return nil
		},
	}
	f := c.Flags()
	f.StringVarP(&o.config, "config", "c", "", "rule file, keyhound or gitleaks format (default: the built-in rules, or each scanned root's own .keyhound.toml)")
	f.StringVar(&o.ignoreFile, "ignore-file", "", "ignore file (default: each scanned root's own "+ignore.FileName+")")
	f.BoolVar(&o.noIgnore, "no-ignore", false, "do not read "+ignore.FileName)
	f.StringVar(&o.baseline, "baseline", "", "an earlier JSON report whose findings are not reported again")
	f.IntVar(&o.archives, "max-archive-depth", 3, "open archives nested this deep; 0: none")
	f.IntVar(&o.decodes, "max-decode-depth", 2, "decode encodings nested this deep; 0: none")
	f.StringVar(&name, "name", "stdin", "with -: the file name standard input is scanned as")
	return c
}

// place is where a candidate is: file, line and column.
func place(f *finding.Finding) string { return fmt.Sprintf("%s\x00%d:%d", f.File, f.Line, f.Column) }

// writeExplain prints one line per candidate, sorted by place, and a count
// on stderr.
func writeExplain(env *Env, cands []candidate, reported int) {
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := &cands[i].f, &cands[j].f
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.RuleID < b.RuleID
	})
	// A generic rule yields to a provider's rule at the same place (its
	// allowlist holds the providers' prefixes): that is no news.
	specific := map[string]bool{}
	for i := range cands {
		if f := &cands[i].f; f.RuleID != "" && !slices.Contains(f.Tags, "generic") {
			specific[place(f)] = true
		}
	}
	var b strings.Builder
	matched := 0
	for i := range cands {
		c := &cands[i]
		f := &c.f
		if slices.Contains(f.Tags, "generic") && c.verdict != "reported" && specific[place(f)] {
			continue
		}
		if f.RuleID == "" { // a path the allowlist keeps from being scanned
			fmt.Fprintf(&b, "%s: %s\n", report.CleanText(f.File), report.CleanText(c.verdict))
			continue
		}
		matched++
		fmt.Fprintf(&b, "%s:%d:%d: %s %s: %s\n", report.CleanText(f.File), f.Line, f.Column,
			report.CleanText(f.RuleID), report.CleanText(report.Preview(f)), report.CleanText(c.verdict))
	}
	fmt.Fprint(env.Stdout, b.String())
	if matched == 0 {
		fmt.Fprintln(env.Stderr, "keyhound: no rule's regex matched anything here: nothing looks like a secret keyhound knows (a rule runs only where one of its keywords occurs; keyhound rules list --json shows them)")
		return
	}
	fmt.Fprintf(env.Stderr, "keyhound: %s a rule matched: %d reported, %d not reported\n",
		progress.Count(int64(matched), "candidate"), reported, matched-reported)
}
