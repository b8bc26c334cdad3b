package report

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/keyhound/keyhound/finding"
)

// Output is one report to write: a format and a file ("" for standard output).
type Output struct {
	Format string
	Path   string
}

// ParseOutputs pairs the -f and -o flags: a format given as FMT=FILE goes to
// FILE, the others take the -o flags in order, and at most one report goes
// to standard output. No format means text, or with -o the format each
// file's extension names (FormatFor).
func ParseOutputs(formats, outputs []string) ([]Output, error) {
	if len(formats) == 0 {
		formats = []string{"text"}
		if len(outputs) > 0 {
			formats = formats[:0]
			for _, p := range outputs {
				formats = append(formats, FormatFor(p))
			}
		}
	}
	var outs []Output
	var plain []int
	for _, f := range formats {
		name, path, hasPath := strings.Cut(f, "=")
		if !slices.Contains(Formats(), name) {
			return nil, fmt.Errorf("--format %q: want one of %s (optionally FMT=FILE)", f, strings.Join(Formats(), ", "))
		}
		if hasPath && path == "" {
			return nil, fmt.Errorf("--format %q: no file after =", f)
		}
		if !hasPath {
			plain = append(plain, len(outs))
		}
		outs = append(outs, Output{Format: name, Path: path})
	}
	if len(outputs) > len(plain) {
		return nil, fmt.Errorf("--output %s: more -o (%d) than formats without =FILE (%d); give one -o per -f, in order", outputs[len(plain)], len(outputs), len(plain))
	}
	for i, p := range outputs {
		if p == "" {
			return nil, fmt.Errorf("--output: empty file name")
		}
		outs[plain[i]].Path = p
	}
	var stdout []string
	files := map[string]string{}
	for _, r := range outs {
		if r.Path == "" {
			stdout = append(stdout, r.Format)
			continue
		}
		abs, err := filepath.Abs(r.Path)
		if err != nil {
			abs = r.Path
		}
		if prev, ok := files[abs]; ok {
			return nil, fmt.Errorf("--format %s and %s both write to %s", prev, r.Format, r.Path)
		}
		files[abs] = r.Format
	}
	if len(stdout) > 1 {
		return nil, fmt.Errorf("--format %s: %d reports would go to standard output; give all but one a file (-f FMT=FILE or -o FILE)", strings.Join(stdout, ", "), len(stdout))
	}
	return outs, nil
}

// byExtension is the format a report file's extension names.
var byExtension = map[string]string{".json": "json", ".sarif": "sarif", ".csv": "csv", ".xml": "junit"}

// FormatFor is the format of a report written to path when no -f says:
// .json, .sarif, .csv, .xml (JUnit) name theirs; anything else is text.
func FormatFor(path string) string {
	if f, ok := byExtension[strings.ToLower(filepath.Ext(path))]; ok {
		return f
	}
	return "text"
}

// Writers is a set of opened outputs: every report file is created (mode
// 0600) before the scan, so that a bad path fails fast.
type Writers struct {
	outs   []Output
	files  []*os.File
	stdout io.Writer
}

// Open creates the report files of outs; the others go to stdout.
func Open(outs []Output, stdout io.Writer) (*Writers, error) {
	w := &Writers{outs: outs, files: make([]*os.File, len(outs)), stdout: stdout}
	for i, r := range outs {
		if r.Path == "" {
			continue
		}
		f, err := os.OpenFile(r.Path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			w.Close()
			return nil, fmt.Errorf("--output %s: %w", r.Path, unwrapPathError(err))
		}
		w.files[i] = f
	}
	return w, nil
}

// Write writes rep in every format; color(format) says whether a report to
// standard output gets ANSI colour.
func (w *Writers) Write(rep *finding.Report, color func(format string) bool) error {
	for i, r := range w.outs {
		out := w.stdout
		if w.files[i] != nil {
			out = w.files[i]
		}
		c := w.files[i] == nil && color != nil && color(r.Format)
		if err := Write(out, r.Format, rep, Options{Color: c}); err != nil {
			return fmt.Errorf("writing %s report: %w", r.Format, err)
		}
		if w.files[i] != nil {
			err := w.files[i].Close()
			w.files[i] = nil
			if err != nil {
				return fmt.Errorf("--output %s: %w", r.Path, err)
			}
		}
	}
	return nil
}

// Close closes the files not yet written.
func (w *Writers) Close() {
	for i, f := range w.files {
		if f != nil {
			f.Close()
			w.files[i] = nil
		}
	}
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
