package cmd

// Hostile inputs, end to end: each test runs the keyhound binary on content
// built to hurt it and holds the run to a bound on wall time and on peak
// resident memory (the child's rusage), checks that the secrets in the rest
// of the input are still found and that what was skipped is reported (in
// the stats and, for what could not be read, on stderr). Each logs a line
//
//	hostile NAME: WALL wall, RSS MiB peak RSS (bounds WALL, RSS MiB)
//
// with what it measured. They exercise a binary built without the race
// detector, so they do not run again under -race.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/keyhound/keyhound/finding"
)

// hostileReport is the part of a JSON report these tests read.
type hostileReport struct {
	Findings []struct {
		RuleID string `json:"rule_id"`
		File   string `json:"file"`
		Line   int    `json:"line"`
		Column int    `json:"column"`
		Secret string `json:"secret"`
	} `json:"findings"`
	Stats finding.Stats `json:"stats"`
}

// secrets maps each secret found to its file:line:col.
func (r *hostileReport) secrets() map[string]string {
	m := map[string]string{}
	for _, f := range r.Findings {
		m[f.Secret] = fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
	}
	return m
}

type binResult struct {
	code           int
	stdout, stderr string
	wall           time.Duration
	rssMiB         float64
	rep            hostileReport
}

type binOptions struct {
	asNobody bool          // run as uid/gid 65534 (root bypasses permission checks)
	timeout  time.Duration // kill after this (default 60s): the test fails
	stdin    io.Reader
}

// hostileDir returns a fresh directory every user can traverse (t.TempDir
// is 0700, and the nobody tests run the binary as another user).
func hostileDir(t *testing.T) string {
	t.Helper()
	d, err := os.MkdirTemp("", "keyhound-hostile-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		filepath.WalkDir(d, func(p string, e os.DirEntry, err error) error {
			if e != nil && e.IsDir() {
				os.Chmod(p, 0o755)
			}
			return nil
		})
		os.RemoveAll(d)
	})
	if err := os.Chmod(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

// hostileSetup returns the keyhound binary and the test rule file, both
// readable by every user; it skips the test under -race.
func hostileSetup(t *testing.T) (bin, rules string) {
	t.Helper()
	if raceEnabled {
		t.Skip("runs a binary built without -race: nothing more to learn under -race")
	}
	src := keyhoundBinary(t)
	d := hostileDir(t)
	bin = filepath.Join(d, "keyhound")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	rules = filepath.Join(d, "rules.toml")
	if err := os.WriteFile(rules, []byte(cliRules), 0o644); err != nil {
		t.Fatal(err)
	}
	return bin, rules
}

// runBin runs the binary and measures it; a JSON report on stdout is parsed.
// The peak RSS comes from GNU time (/usr/bin/time), which forks before it
// runs keyhound: the rusage of a child started by Go itself would include
// the test process's own peak (Go starts children with vfork, and exec
// carries the old address space's high-water mark over). Without GNU time,
// the child's VmHWM is sampled every few milliseconds instead.
func runBin(t *testing.T, bin string, o binOptions, args ...string) binResult {
	t.Helper()
	rssFile := filepath.Join(hostileDir(t), "rss")
	if err := os.WriteFile(rssFile, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	os.Chmod(rssFile, 0o666)
	c := exec.Command(bin, args...)
	gnuTime := false
	if p, err := exec.LookPath("/usr/bin/time"); err == nil && exec.Command(p, "-f", "%M", "-o", os.DevNull, "true").Run() == nil {
		c = exec.Command(p, append([]string{"-f", "%M", "-o", rssFile, bin}, args...)...)
		gnuTime = true
	}
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr, c.Stdin = &out, &errb, o.stdin
	c.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=/nonexistent", "NO_COLOR=1"}
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if o.asNobody {
		c.SysProcAttr.Credential = &syscall.Credential{Uid: 65534, Gid: 65534}
	}
	if o.timeout == 0 {
		o.timeout = 60 * time.Second
	}
	start := time.Now()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	pgid := c.Process.Pid
	timer := time.AfterFunc(o.timeout, func() { syscall.Kill(-pgid, syscall.SIGKILL) })
	var hwm int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() { // fallback: sample the child's VmHWM
		defer close(sampled)
		for !gnuTime {
			if kb := vmHWM(pgid); kb > hwm {
				hwm = kb
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	err := c.Wait()
	wall := time.Since(start)
	close(stop)
	<-sampled
	if !timer.Stop() {
		t.Fatalf("keyhound %s: killed after %v\nstderr: %s", strings.Join(args, " "), o.timeout, errb.String())
	}
	var ee *exec.ExitError
	if err != nil && !errorsAs(err, &ee) {
		t.Fatal(err)
	}
	r := binResult{code: c.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String(), wall: wall}
	if gnuTime {
		data, _ := os.ReadFile(rssFile)
		lines := strings.Fields(string(data))
		if len(lines) > 0 {
			fmt.Sscan(lines[len(lines)-1], &hwm)
		}
	}
	r.rssMiB = float64(hwm) / 1024
	if strings.HasPrefix(r.stdout, "{") {
		if err := json.Unmarshal(out.Bytes(), &r.rep); err != nil {
			t.Fatalf("report: %v\n%.2000s", err, r.stdout)
		}
	}
	return r
}

// vmHWM is a process's peak resident set in KiB, 0 when it cannot be read.
func vmHWM(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb
		}
	}
	return 0
}

func errorsAs(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*ee = e
	}
	return ok
}

// within logs what r measured and fails the test past the bounds.
func (r binResult) within(t *testing.T, name string, wall time.Duration, rssMiB float64) {
	t.Helper()
	t.Logf("hostile %s: %v wall, %.0f MiB peak RSS (bounds %v, %.0f MiB)", name, r.wall.Round(time.Millisecond), r.rssMiB, wall, rssMiB)
	if r.wall > wall || r.rssMiB > rssMiB {
		t.Errorf("hostile %s: %v wall, %.0f MiB peak RSS: over the bounds %v, %.0f MiB", name, r.wall, r.rssMiB, wall, rssMiB)
	}
}

// wantSecrets checks exactly these secrets were found, at these positions
// when given (file:line:col, "" for any).
func (r binResult) wantSecrets(t *testing.T, want map[string]string) {
	t.Helper()
	got := r.rep.secrets()
	for s, pos := range want {
		p, ok := got[s]
		switch {
		case !ok:
			t.Errorf("secret %s (%s) not found", s, pos)
		case pos != "" && p != pos:
			t.Errorf("secret %s found at %s, want %s", s, p, pos)
		}
	}
	for s, p := range got {
		if _, ok := want[s]; !ok {
			t.Errorf("unexpected secret %s at %s", s, p)
		}
	}
}

func mustWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sparse makes a file of size bytes holding head at its start and tail at
// its end, a hole (zeros, no disk space) in between.
func sparse(t *testing.T, path string, head, tail []byte, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(head); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(tail, size-int64(len(tail))); err != nil {
		t.Fatal(err)
	}
}

// openWatch reports the names opened in dirs (inotify IN_OPEN) until stop.
type openWatch struct {
	fd    int
	names map[int]string // watch descriptor -> directory
}

func watchOpens(t *testing.T, dirs ...string) *openWatch {
	t.Helper()
	fd, err := syscall.InotifyInit1(syscall.IN_CLOEXEC | syscall.IN_NONBLOCK)
	if err != nil {
		t.Skipf("inotify: %v", err)
	}
	w := &openWatch{fd: fd, names: map[int]string{}}
	t.Cleanup(func() { syscall.Close(fd) })
	for _, d := range dirs {
		wd, err := syscall.InotifyAddWatch(fd, d, syscall.IN_OPEN)
		if err != nil {
			t.Fatal(err)
		}
		w.names[wd] = d
	}
	return w
}

// opened drains the events so far: the paths opened (directories too).
func (w *openWatch) opened(t *testing.T) []string {
	t.Helper()
	var out []string
	buf := make([]byte, 64<<10)
	for {
		n, err := syscall.Read(w.fd, buf)
		if err == syscall.EAGAIN || n <= 0 {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; off+syscall.SizeofInotifyEvent <= n; {
			ev := (*syscall.InotifyEvent)(unsafe.Pointer(&buf[off]))
			if ev.Mask&syscall.IN_Q_OVERFLOW != 0 {
				t.Fatal("inotify queue overflow: cannot tell what was opened")
			}
			name := string(bytes.TrimRight(buf[off+syscall.SizeofInotifyEvent:off+syscall.SizeofInotifyEvent+int(ev.Len)], "\x00"))
			out = append(out, filepath.Join(w.names[int(ev.Wd)], name))
			off += syscall.SizeofInotifyEvent + int(ev.Len)
		}
	}
}

// TestHostileSparseFile: a 2 GiB sparse file is binary from its first
// bytes: sniffed, skipped and counted, never read whole. A text file whose
// 256 MiB hole follows a text head is read whole, in bounded memory, and
// the secrets at both its ends are found.
func TestHostileSparseFile(t *testing.T) {
	bin, rules := hostileSetup(t)
	dir := hostileDir(t)
	sparse(t, filepath.Join(dir, "disk.img"), nil, []byte(token(1)), 2<<30)
	mustWrite(t, filepath.Join(dir, "ok.txt"), []byte("k = "+token(2)+"\n"))
	r := runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "2 GiB sparse file", 2*time.Second, 64)
	if r.code != 1 || r.rep.Stats.SkippedBinary != 1 || r.rep.Stats.Bytes > 1<<20 || !strings.Contains(r.stderr, "1 binary skipped") {
		t.Errorf("exit %d, stats %+v\n%s", r.code, r.rep.Stats, r.stderr)
	}
	r.wantSecrets(t, map[string]string{token(2): "ok.txt:1:5"})

	dir = hostileDir(t)
	head := []byte("k = " + token(3) + "\n" + strings.Repeat("text ", 2000) + "\n")
	sparse(t, filepath.Join(dir, "head-then-hole.txt"), head, []byte("\nk = "+token(4)+"\n"), 256<<20)
	r = runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "text head + 256 MiB hole (read whole)", 10*time.Second, 64)
	r.wantSecrets(t, map[string]string{token(3): "head-then-hole.txt:1:5", token(4): ""})
	if r.rep.Stats.Bytes != 256<<20 {
		t.Errorf("read %d bytes, want the whole file", r.rep.Stats.Bytes)
	}
}

// TestHostileLongLine: one 100 MiB line (minified code) with secrets at its
// start, in its middle, at its end and across the scanner's 4 MiB chunk
// boundaries: all found at their exact columns, in bounded memory.
func TestHostileLongLine(t *testing.T) {
	bin, rules := hostileSetup(t)
	dir := hostileDir(t)
	const size = 100 << 20
	line := bytes.Repeat([]byte("abcdefgh"), size/8)
	want := map[string]string{}
	for i, off := range []int{0, size / 2, size - 31, 4<<20 - 20, 4<<20 - 32<<10 - 15, 8<<20 - 64<<10 - 3} {
		s := token(int64(10 + i))
		copy(line[off:], " "+s+" ")
		want[s] = fmt.Sprintf("long.min.js:1:%d", off+2)
	}
	mustWrite(t, filepath.Join(dir, "long.min.js"), line)
	r := runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "100 MiB single line", 5*time.Second, 64)
	r.wantSecrets(t, want)
	if r.code != 1 || r.rep.Stats.Bytes != size {
		t.Errorf("exit %d, stats %+v", r.code, r.rep.Stats)
	}
}

// TestHostileManyTinyFiles: 200,000 files in 200 directories (hard links to
// a few clean files, so that making them takes a few seconds) and 200
// distinct files holding a secret each.
func TestHostileManyTinyFiles(t *testing.T) {
	bin, rules := hostileSetup(t)
	dir := hostileDir(t)
	const dirs, perDir = 200, 1000
	want := map[string]string{}
	var src string
	for d := 0; d < dirs; d++ {
		dd := filepath.Join(dir, fmt.Sprintf("d%03d", d))
		if err := os.Mkdir(dd, 0o755); err != nil {
			t.Fatal(err)
		}
		if d%50 == 0 { // a file system allows ~65,000 links to one inode
			src = filepath.Join(dir, fmt.Sprintf("clean%d.txt", d/50))
			mustWrite(t, src, []byte("nothing to see here\n"))
		}
		for f := 0; f < perDir-1; f++ {
			if err := os.Link(src, filepath.Join(dd, fmt.Sprintf("f%04d.txt", f))); err != nil {
				t.Fatal(err)
			}
		}
		s := token(int64(1000 + d))
		mustWrite(t, filepath.Join(dd, "secret.env"), []byte("TOKEN="+s+"\n"))
		want[s] = fmt.Sprintf("d%03d/secret.env:1:7", d)
	}
	r := runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "200,000 tiny files", 20*time.Second, 128)
	r.wantSecrets(t, want)
	if r.rep.Stats.Files != dirs*perDir+4 || r.rep.Stats.Errors != 0 {
		t.Errorf("stats %+v", r.rep.Stats)
	}
}

// mkdirDeep makes depth nested directories named name under root, with
// *at calls (the path soon exceeds PATH_MAX), and writes content to file
// at the bottom; it returns the bottom's path relative to root.
func mkdirDeep(t *testing.T, root, name string, depth int, file string, content []byte) string {
	t.Helper()
	fd, err := syscall.Open(root, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < depth; i++ {
		if err := syscall.Mkdirat(fd, name, 0o755); err != nil {
			t.Fatal(err)
		}
		nfd, err := syscall.Openat(fd, name, syscall.O_RDONLY|syscall.O_DIRECTORY, 0)
		syscall.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = nfd
	}
	ffd, err := syscall.Openat(fd, file, syscall.O_WRONLY|syscall.O_CREAT, 0o644)
	syscall.Close(fd)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Write(ffd, content)
	syscall.Close(ffd)
	return strings.Repeat(name+"/", depth) + file
}

// TestHostileDeepNesting: a secret 1,000 directories down is found; one
// 2,000 directories down (a path of 8,000 bytes, past PATH_MAX) cannot be
// opened by path: it is named on stderr as unreadable, and the scan goes on.
func TestHostileDeepNesting(t *testing.T) {
	bin, rules := hostileSetup(t)
	dir := hostileDir(t)
	deep := mkdirDeep(t, dir, "d", 1000, "bottom.txt", []byte(token(20)+"\n"))
	mustWrite(t, filepath.Join(dir, "top.txt"), []byte(token(21)+"\n"))
	r := runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "1,000 nested directories", 5*time.Second, 64)
	r.wantSecrets(t, map[string]string{token(20): deep + ":1:1", token(21): "top.txt:1:1"})

	dir = hostileDir(t)
	mkdirDeep(t, dir, "abc", 2000, "bottom.txt", []byte(token(22)+"\n"))
	mustWrite(t, filepath.Join(dir, "top.txt"), []byte(token(23)+"\n"))
	r = runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "2,000 nested directories (8,000-byte path)", 5*time.Second, 64)
	r.wantSecrets(t, map[string]string{token(23): "top.txt:1:1"})
	if r.rep.Stats.Errors == 0 || !strings.Contains(r.stderr, "file name too long (skipped)") {
		t.Errorf("the part past PATH_MAX is not reported: errors %d\n%.1000s", r.rep.Stats.Errors, r.stderr)
	}
}
