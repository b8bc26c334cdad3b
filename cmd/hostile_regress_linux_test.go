package cmd

// Regression tests for bugs the hardening work (issue 8) found in hostile
// inputs, each fixed since: a symlinked root, special .git files in git
// mode, git blobs over --max-file-size, control characters in errors.

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSymlinkedRoot (fixed): `keyhound dir LINK`, LINK a symlink to a
// directory (macOS's /tmp, a CI workspace, ~/src linked elsewhere), scans
// nothing and exits 0: "scanned 0 files ... 0 findings, 1 symlinks or
// special files skipped". Walk stats the root (following the link) but
// filepath.WalkDir lstats it, sees a symlink, and the callback skips it.
// Fix: walk the resolved root (filepath.EvalSymlinks) or root+"/".
func TestSymlinkedRoot(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "real", "a.txt"), token(1)+"\n")
	link := filepath.Join(dir, "link")
	if err := os.Symlink(filepath.Join(dir, "real"), link); err != nil {
		t.Fatal(err)
	}
	r := run(t, "", "dir", "-f", "json", link)
	if r.code != 1 || !strings.Contains(r.stdout, token(1)) {
		t.Errorf("dir through a symlinked root: exit %d\n%s", r.code, r.stderr)
	}
}

// TestGitDotGitSpecialFile (fixed): in git mode Locate reads a .git that is
// not a directory with os.ReadFile, whatever it is: a FIFO blocks forever
// (and SIGTERM does not end it: the first signal only cancels the scan's
// context, which Locate does not watch), a symlink to /dev/zero reads until
// memory runs out. Fix: read a .git file only if it is regular, and at most
// a few KiB of it.
func TestGitDotGitSpecialFile(t *testing.T) {
	bin, _ := hostileSetup(t)
	rules := gitRulesFile(t)
	fifoDir, zeroDir := hostileDir(t), hostileDir(t)
	if err := syscall.Mkfifo(filepath.Join(fifoDir, ".git"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(zeroDir, ".git")); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{fifoDir, zeroDir} {
		// ulimit -v: a run that reads /dev/zero fails at 2 GB, not at the machine's memory.
		c := exec.Command("sh", "-c", `ulimit -v 2000000; exec "$0" "$@"`, bin, "git", "-c", rules, dir)
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		out, _ := startAndWait(t, c, 10*time.Second)
		if c.ProcessState == nil {
			t.Errorf("keyhound git %s: did not finish: %.300q", dir, out)
			continue
		}
		// CPU, not wall time: reading /dev/zero would cost seconds of it.
		cpu := c.ProcessState.UserTime() + c.ProcessState.SystemTime()
		if c.ProcessState.ExitCode() != 2 || !strings.Contains(out, ".git") || cpu > 2*time.Second {
			t.Errorf("keyhound git %s: exit %d after %v CPU, %.300q", dir, c.ProcessState.ExitCode(), cpu, out)
		}
	}
}

// startAndWait runs c, killing its process group after timeout; it returns
// the combined output.
func startAndWait(t *testing.T, c *exec.Cmd, timeout time.Duration) (string, error) {
	t.Helper()
	var b strings.Builder
	c.Stdout, c.Stderr = &b, &b
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	pg := c.Process.Pid
	timer := time.AfterFunc(timeout, func() { syscall.Kill(-pg, syscall.SIGKILL) })
	err := c.Wait()
	if !timer.Stop() {
		b.WriteString(" [killed after " + timeout.String() + "]")
	}
	return b.String(), err
}

// TestGitBlobSkippedBeforeInflating (fixed): git mode inflates a blob
// whole before comparing it with --max-file-size, so a 1 MB repository
// holding a 256 MiB blob of repeated text makes keyhound use ~280 MB to
// skip it (a 512 MiB blob: 538 MB; a few GiB of zeros compress to a few
// MB: a zip bomb for git mode). The pack entry's header gives the size
// before inflating; a larger blob can be skipped unread. Without
// --max-file-size the whole blob is held in memory too (dir mode reads any
// file in bounded memory).
func TestGitBlobSkippedBeforeInflating(t *testing.T) {
	bin, _ := hostileSetup(t)
	rules := gitRulesFile(t)
	repo := newCLIRepo(t)
	f, err := os.Create(filepath.Join(repo.dir, "big.txt"))
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("abcdefgh", 1<<17)) // 1 MiB
	for i := 0; i < 256; i++ {
		f.Write(line)
	}
	f.Close()
	repo.write("small.txt", gitToken(1)+"\n")
	repo.commit("big")
	repo.git("gc", "-q")
	r := runBin(t, bin, binOptions{}, "git", "-c", rules, "--max-file-size", "1MiB", "-f", "json", repo.dir)
	r.within(t, "git blob of 256 MiB over --max-file-size", 10*time.Second, 128)
	r.wantSecrets(t, map[string]string{gitToken(1): "small.txt:1:1"})
}

// TestFatalErrorControlChars (fixed): the one-line error keyhound exits 2
// with can quote a rule file's content, and a .keyhound.toml comes with
// the scanned repository: its control characters (ESC) reach the terminal.
// Fix (cmd/main.go): print report.CleanText(oneLine(err.Error())).
func TestFatalErrorControlChars(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, ".keyhound.toml"), "[[rules]]\nid = \"x\\u001b]0;owned\\u0007\\u001b[2J\"\nregex = 'abc'\n")
	r := run(t, "", "dir", dir)
	if r.code != 2 || strings.ContainsAny(r.stderr, "\x1b\x07") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}
