package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/report"
)

func newMergeCmd(env *Env) *cobra.Command {
	var formats, outputs []string
	var exitCode int
	var redact, quiet bool
	c := &cobra.Command{
		Use:   "merge REPORT.json...",
		Short: "Combine JSON reports (e.g. of the shards of a sweep) into one report",
		Long: "Read keyhound JSON reports and write one report of all their findings, each once:\n" +
			"findings with the same fingerprint and repository are one (the first report's is kept).\n" +
			"Stats are summed (duration: the longest). Exit status as for a scan: 1 (or --exit-code)\n" +
			"when there are findings, 2 when a report cannot be read.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			outs, err := reportOuts(formats, outputs)
			if err != nil {
				return err
			}
			if exitCode < 0 || exitCode > 125 {
				return fmt.Errorf("--exit-code %d: want 0..125", exitCode)
			}
			rep, dups, err := mergeReports(args)
			if err != nil {
				return err
			}
			rep.Version = env.Version
			if redact {
				for i := range rep.Findings {
					rep.Findings[i].Redact()
				}
				rep.Redacted = true
			}
			for _, r := range outs {
				out := env.Stdout
				var f *os.File
				if r.path != "" {
					if f, err = os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
						return fmt.Errorf("--output %s: %w", r.path, unwrapErr(err))
					}
					out = f
				}
				color := f == nil && r.format == "text" && env.IsTerminal(env.Stdout) && env.Getenv("NO_COLOR") == ""
				werr := report.Write(out, r.format, rep, report.Options{Color: color})
				if f != nil {
					if cerr := f.Close(); werr == nil {
						werr = cerr
					}
				}
				if werr != nil {
					return fmt.Errorf("writing %s report: %w", r.format, werr)
				}
			}
			if !quiet {
				fmt.Fprintf(env.Stderr, "keyhound: merged %d reports: %d findings (%d duplicates left out)\n", len(args), len(rep.Findings), dups)
			}
			if len(rep.Findings) > 0 && exitCode != 0 {
				return exitError{exitCode}
			}
			return nil
		},
	}
	f := c.Flags()
	f.StringArrayVarP(&formats, "format", "f", []string{"json"}, "report format `FMT`: "+strings.Join(report.Formats(), ", ")+"; repeatable, and FMT=FILE writes that report to FILE")
	f.StringArrayVarP(&outputs, "output", "o", nil, "write the report to `FILE` (default: standard output); with several -f, one -o per format in order")
	f.IntVar(&exitCode, "exit-code", ExitFindings, "exit status when findings exist")
	f.BoolVar(&redact, "redact", false, "keep secrets out of the output")
	f.BoolVarP(&quiet, "quiet", "q", false, "print nothing on stderr but errors")
	return c
}

// mergeReports reads JSON reports and combines them: findings deduplicated
// by fingerprint and repository (the first kept) and sorted as every report
// is, stats summed, the rules that fired described from the findings.
func mergeReports(paths []string) (*finding.Report, int, error) {
	rep := &finding.Report{Findings: []finding.Finding{}}
	seen := map[string]bool{}
	rules := map[string]finding.RuleInfo{}
	dups := 0
	for _, p := range paths {
		in, err := readJSONReport(p)
		if err != nil {
			return nil, 0, err
		}
		for _, f := range in.Findings {
			k := f.Fingerprint + "\x00" + f.Repository
			if seen[k] {
				dups++
				continue
			}
			seen[k] = true
			if f.Secret == finding.Redacted {
				rep.Redacted = true
			}
			rep.Findings = append(rep.Findings, f)
			if _, ok := rules[f.RuleID]; !ok {
				rules[f.RuleID] = finding.RuleInfo{ID: f.RuleID, Description: f.Description, Severity: f.Severity, Tags: f.Tags}
			}
		}
		s, t := &rep.Stats, in.Stats
		s.Files += t.Files
		s.Bytes += t.Bytes
		s.SkippedBinary += t.SkippedBinary
		s.SkippedLarge += t.SkippedLarge
		s.SkippedOther += t.SkippedOther
		s.Errors += t.Errors
		s.Commits += t.Commits
		s.Blobs += t.Blobs
		s.DurationSecond = max(s.DurationSecond, t.DurationSecond)
		s.Interrupted = s.Interrupted || t.Interrupted
		s.Failed = append(s.Failed, t.Failed...)
	}
	finding.SortFailures(rep.Stats.Failed)
	finding.Sort(rep.Findings)
	rep.Stats.Findings = len(rep.Findings)
	for _, r := range rules {
		rep.Rules = append(rep.Rules, r)
	}
	sort.Slice(rep.Rules, func(i, j int) bool { return rep.Rules[i].ID < rep.Rules[j].ID })
	return rep, dups, nil
}

// jsonReportIn is a JSON report as read back.
type jsonReportIn struct {
	Version  *int              `json:"version"`
	Findings []finding.Finding `json:"findings"`
	Stats    finding.Stats     `json:"stats"`
}

func readJSONReport(path string) (*jsonReportIn, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", path, unwrapErr(err))
	}
	var in jsonReportIn
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("report %s: not a keyhound JSON report: %v", path, err)
	}
	if in.Findings == nil {
		return nil, fmt.Errorf("report %s: not a keyhound JSON report (no \"findings\" array; write one with -f json)", path)
	}
	if in.Version != nil && *in.Version != 1 {
		return nil, fmt.Errorf("report %s: unsupported report version %d (expected 1)", path, *in.Version)
	}
	for i, f := range in.Findings {
		if f.Fingerprint == "" {
			return nil, fmt.Errorf("report %s: finding %d has no fingerprint", path, i+1)
		}
	}
	return &in, nil
}
