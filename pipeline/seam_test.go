package pipeline_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/pipeline"
	"github.com/keyhound/keyhound/report"
	"github.com/keyhound/keyhound/scanner"
	"github.com/keyhound/keyhound/source"
)

// memorySource is a source added by implementing one interface: named
// in-memory documents (think of a bucket's objects), each scanned under its
// name through the same driver, stages and sinks as a directory.
type memorySource struct {
	name string
	docs map[string]string
}

func (m memorySource) Name() string { return m.name }

func (m memorySource) Scan(ctx context.Context, env *source.Env) error {
	root, err := env.Configure("") // no configuration of its own: -c or the built-in rules
	if err != nil {
		return err
	}
	return source.RunItems(ctx, env, root, func(ctx context.Context, out chan<- scanner.Item) error {
		for name, text := range m.docs {
			out <- scanner.Item{Path: m.name + "/" + name, Size: int64(len(text)), Open: func() (io.ReadCloser, error) {
				return io.NopCloser(strings.NewReader(text)), nil
			}}
		}
		return nil
	})
}

const seamRules = `
[[rules]]
id = "seam-token"
description = "test token"
regex = '''\bseam_[a-z0-9]{20}\b'''
keywords = ["seam_"]
severity = "high"

[allowlist]
paths = ['''(^|/)vendor/''']
`

// TestNewSourceEndToEnd: a source implemented in a test runs through the
// pipeline (driver, dedup, path allowlist, baseline-free stages) to a JSON
// report, and a source that fails is named in it.
func TestNewSourceEndToEnd(t *testing.T) {
	const tok = "seam_0123456789abcdefghij"
	p, err := pipeline.New(pipeline.Options{DefaultRules: []byte(seamRules)})
	if err != nil {
		t.Fatal(err)
	}
	src := memorySource{name: "bucket", docs: map[string]string{
		"app.env":        "TOKEN=" + tok + "\n",
		"vendor/lib.txt": tok + "\n", // the global path allowlist applies to the item's path
		"blob.bin":       "\x00\x01\x02" + tok,
	}}
	res, err := p.Run(context.Background(), pipeline.Sources{List: []source.Source{src, failing{}}, KeepGoing: true}, scanner.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, "json", &finding.Report{Findings: res.Found, Stats: res.Stats}, report.Options{}); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Findings []finding.Finding `json:"findings"`
		Stats    finding.Stats     `json:"stats"`
	}
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].File != "bucket/app.env" || rep.Findings[0].Line != 1 {
		t.Fatalf("findings %+v, want one in bucket/app.env", rep.Findings)
	}
	if rep.Stats.Files != 2 || rep.Stats.SkippedBinary != 1 {
		t.Errorf("stats %+v: want 2 files scanned and 1 binary skipped by the driver", rep.Stats)
	}
	if len(rep.Stats.Failed) != 1 || rep.Stats.Failed[0].Target != "broken" || res.Failed != 1 {
		t.Errorf("failed %+v, want the broken source named", rep.Stats.Failed)
	}
}

// failing is a source that cannot be scanned at all.
type failing struct{}

func (failing) Name() string { return "broken" }
func (failing) Scan(context.Context, *source.Env) error {
	return io.ErrUnexpectedEOF
}
