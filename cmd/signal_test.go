package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptWritesFindingsSoFar sends SIGINT to a real keyhound reading a
// pipe that never closes: it must stop promptly, still write the report with
// the finding from the part it had read, say it was interrupted and exit 130.
func TestInterruptWritesFindingsSoFar(t *testing.T) {
	bin := keyhoundBinary(t)
	cfg := t.TempDir() + "/rules.toml"
	writeFile(t, cfg, cliRules)
	c := exec.Command(bin, "stdin", "-c", cfg, "-f", "json")
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	stdin, err := c.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	// More than one chunk, so the first is matched while the pipe stays open.
	secret := token(42)
	payload := secret + "\n" + strings.Repeat("filler line without secrets\n", (5<<20)/28)
	if _, err := io.WriteString(stdin, payload); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	if err := c.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		c.Process.Kill()
		t.Fatal("keyhound did not stop within 10s of SIGINT")
	}
	stdin.Close()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != ExitInterrupted {
		t.Fatalf("exit %v, want %d; stderr %s", err, ExitInterrupted, errb.String())
	}
	t.Logf("stopped %v after SIGINT", time.Since(start).Round(time.Millisecond))
	var rep struct {
		Findings []struct {
			Secret string `json:"secret"`
		} `json:"findings"`
		Stats struct {
			Interrupted bool `json:"interrupted"`
		} `json:"stats"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("report: %v\n%s", err, out.String())
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Secret != secret || !rep.Stats.Interrupted {
		t.Errorf("report %+v", rep)
	}
	if !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("stderr does not say interrupted: %s", errb.String())
	}
}

// TestCancelledBeforeScan: a scan whose context is already done writes an
// empty, valid report marked interrupted and exits 130.
func TestCancelledBeforeScan(t *testing.T) {
	dir, _ := tree(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := Main(Env{DefaultRules: []byte(cliRules), Stdout: &out, Stderr: &errb, Context: ctx,
		Getenv: func(string) string { return "" }}, []string{"dir", "-f", "json", dir})
	if code != ExitInterrupted || !strings.Contains(out.String(), `"interrupted": true`) {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
}
