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
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
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
	cpu            time.Duration // user + system, the process and its children
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
	r := binResult{code: c.ProcessState.ExitCode(), stdout: out.String(), stderr: errb.String(), wall: wall,
		cpu: c.ProcessState.UserTime() + c.ProcessState.SystemTime()}
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
//
// The time bound is on CPU (user + system), not wall time: it tells work
// that grows with the hostile input (reading a 2 GiB hole, backtracking)
// from work that does not, and unlike wall time it does not move when CI
// runs other tests beside this one. A hang is caught by the kill timeout.
func (r binResult) within(t *testing.T, name string, cpu time.Duration, rssMiB float64) {
	t.Helper()
	t.Logf("hostile %s: %v CPU, %v wall, %.0f MiB peak RSS (bounds %v CPU, %.0f MiB)", name, r.cpu.Round(time.Millisecond), r.wall.Round(time.Millisecond), r.rssMiB, cpu, rssMiB)
	if r.cpu > cpu || r.rssMiB > rssMiB {
		t.Errorf("hostile %s: %v CPU, %.0f MiB peak RSS: over the bounds %v, %.0f MiB", name, r.cpu, r.rssMiB, cpu, rssMiB)
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

// TestHostileSymlinks: symlinks to files and directories outside the root,
// relative and absolute, loops (to itself, to each other, to an ancestor),
// a dangling one and one to /dev/zero are skipped and counted, and nothing
// outside the root is ever opened (inotify watches it).
func TestHostileSymlinks(t *testing.T) {
	bin, rules := hostileSetup(t)
	outside := hostileDir(t)
	mustWrite(t, filepath.Join(outside, "secret.txt"), []byte(token(30)+"\n"))
	mustWrite(t, filepath.Join(outside, "sub", "deep.txt"), []byte(token(31)+"\n"))
	dir := hostileDir(t)
	mustWrite(t, filepath.Join(dir, "in.txt"), []byte(token(32)+"\n"))
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	links := map[string]string{
		"file-out":    filepath.Join(outside, "secret.txt"),
		"dir-out":     outside,
		"rel-out":     filepath.Join("..", filepath.Base(outside), "secret.txt"),
		"self":        "self",
		"a":           "b",
		"b":           "a",
		"up":          "..",
		"root":        dir,
		"sub/loop":    "..",
		"dangling":    "does/not/exist",
		"zero":        "/dev/zero",
		"sub/sub-out": filepath.Join(outside, "sub"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	w := watchOpens(t, outside, filepath.Join(outside, "sub"))
	r := runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "symlinks out of the root and loops", 5*time.Second, 64)
	r.wantSecrets(t, map[string]string{token(32): "in.txt:1:1"})
	if opened := w.opened(t); len(opened) > 0 {
		t.Errorf("opened outside the root: %v", opened)
	}
	if r.rep.Stats.SkippedOther != int64(len(links)) || r.rep.Stats.Errors != 0 ||
		!strings.Contains(r.stderr, fmt.Sprintf("%d symlinks or special files skipped", len(links))) {
		t.Errorf("stats %+v\n%s", r.rep.Stats, r.stderr)
	}
}

// TestHostileSpecialFiles: a FIFO, a socket and (as root) character and
// block devices are skipped and counted, never opened (inotify); given as
// the path to scan, each is a usage error at once, not a blocked read.
func TestHostileSpecialFiles(t *testing.T) {
	bin, rules := hostileSetup(t)
	dir := hostileDir(t)
	mustWrite(t, filepath.Join(dir, "ok.txt"), []byte(token(35)+"\n"))
	special := []string{"fifo", "sock"}
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o666); err != nil {
		t.Fatal(err)
	}
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: filepath.Join(dir, "sock")}); err != nil {
		t.Fatal(err)
	}
	syscall.Listen(fd, 1)
	devs := []struct {
		name       string
		mode       uint32
		major, min int
	}{{"zero", syscall.S_IFCHR, 1, 5}, {"urandom", syscall.S_IFCHR, 1, 9}, {"loop0", syscall.S_IFBLK, 7, 0}}
	for _, d := range devs {
		err := syscall.Mknod(filepath.Join(dir, d.name), d.mode|0o666, d.major<<8|d.min)
		if err != nil {
			t.Logf("mknod %s: %v (device files not tested)", d.name, err)
			continue
		}
		special = append(special, d.name)
	}
	w := watchOpens(t, dir)
	r := runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "FIFO, socket, devices", 5*time.Second, 64)
	r.wantSecrets(t, map[string]string{token(35): "ok.txt:1:1"})
	for _, p := range w.opened(t) {
		if base := filepath.Base(p); p != dir && base != "ok.txt" {
			t.Errorf("opened %s", p)
		}
	}
	if r.rep.Stats.SkippedOther != int64(len(special)) {
		t.Errorf("skipped_other %d, want %d (%v)", r.rep.Stats.SkippedOther, len(special), special)
	}
	for _, name := range special {
		r := runBin(t, bin, binOptions{timeout: 10 * time.Second}, "dir", "-c", rules, filepath.Join(dir, name))
		if r.code != 2 || !strings.Contains(r.stderr, name+": not a regular file or directory") || r.cpu > 2*time.Second {
			t.Errorf("dir %s: exit %d after %v CPU: %s", name, r.code, r.cpu, r.stderr)
		}
	}
	if opened := w.opened(t); len(opened) > 0 {
		t.Errorf("special files given as the path were opened: %v", opened)
	}
}

// TestHostileVanishingFiles: while one worker reads a large file, files
// already listed vanish, shrink, turn into a FIFO or a symlink to outside
// the root, a listed directory is removed, and the large file itself is
// truncated under the reader. The scan ends, names each file it could not
// read, finds the secrets that are still there and none of what is gone.
func TestHostileVanishingFiles(t *testing.T) {
	bin, rules := hostileSetup(t)
	outside := hostileDir(t)
	mustWrite(t, filepath.Join(outside, "secret.txt"), []byte(token(48)+"\n"))
	dir := hostileDir(t)
	big := filepath.Join(dir, "0-big.txt")
	sparse(t, big, []byte("k = "+token(40)+"\n"+strings.Repeat("text ", 4000)), []byte(token(39)), 1<<30)
	mustWrite(t, filepath.Join(dir, "d-dir", "x.txt"), []byte(token(49)+"\n"))
	mustWrite(t, filepath.Join(dir, "k-keep.txt"), []byte(token(41)+"\n"))
	mustWrite(t, filepath.Join(dir, "l-link.txt"), []byte(token(47)+"\n"))
	mustWrite(t, filepath.Join(dir, "r-fifo.txt"), []byte(token(46)+"\n"))
	shrink := token(44) + "\n" + strings.Repeat("filler\n", 1000) + token(45) + "\n"
	mustWrite(t, filepath.Join(dir, "s-shrink.txt"), []byte(shrink))
	mustWrite(t, filepath.Join(dir, "v-gone1.txt"), []byte(token(42)+"\n"))
	mustWrite(t, filepath.Join(dir, "v-gone2.txt"), []byte(token(43)+"\n"))
	// The walk is lexical: when it opens z-last/ it has listed every file above.
	if err := os.Mkdir(filepath.Join(dir, "z-last"), 0o755); err != nil {
		t.Fatal(err)
	}
	w := watchOpens(t, dir)
	mutated := make(chan error, 1)
	go func() {
		deadline := time.Now().Add(20 * time.Second)
		var opened []string
		for !contains(opened, big) || !contains(opened, filepath.Join(dir, "z-last")) {
			if time.Now().After(deadline) {
				mutated <- fmt.Errorf("0-big.txt and z-last were not opened: %v", opened)
				return
			}
			time.Sleep(time.Millisecond)
			opened = append(opened, w.opened(t)...)
		}
		var errs []error
		do := func(err error) { errs = append(errs, err) }
		do(os.RemoveAll(filepath.Join(dir, "d-dir")))
		do(os.Remove(filepath.Join(dir, "v-gone1.txt")))
		do(os.Remove(filepath.Join(dir, "v-gone2.txt")))
		do(os.Truncate(filepath.Join(dir, "s-shrink.txt"), int64(len(token(44))+1)))
		do(os.Remove(filepath.Join(dir, "r-fifo.txt")))
		do(syscall.Mkfifo(filepath.Join(dir, "r-fifo.txt"), 0o644))
		do(os.Remove(filepath.Join(dir, "l-link.txt")))
		do(os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "l-link.txt")))
		do(os.Truncate(big, 64<<10)) // under the reader
		mutated <- errors.Join(errs...)
	}()
	r := runBin(t, bin, binOptions{}, "dir", "-j", "1", "-c", rules, "-f", "json", dir)
	if err := <-mutated; err != nil {
		t.Fatal(err)
	}
	r.within(t, "files vanishing, shrinking, replaced during the scan", 10*time.Second, 64)
	r.wantSecrets(t, map[string]string{token(40): "0-big.txt:1:5", token(41): "k-keep.txt:1:1", token(44): "s-shrink.txt:1:1"})
	for _, want := range []string{
		"d-dir/x.txt: no such file or directory (skipped)",
		"v-gone1.txt: no such file or directory (skipped)",
		"v-gone2.txt: no such file or directory (skipped)",
		"r-fifo.txt: no longer a regular file (skipped)",
		"l-link.txt: became a symlink during the scan (skipped)",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.rep.Stats.Errors != 5 || r.code != 1 {
		t.Errorf("exit %d, stats %+v", r.code, r.rep.Stats)
	}
}

// TestHostilePermissionDenied: an unreadable file, an unreadable directory,
// a directory that can be listed but not entered and one that can be
// entered but not listed are each named on stderr and counted; the
// readable secret is found. Root bypasses permission checks, so as root the
// binary runs as nobody.
func TestHostilePermissionDenied(t *testing.T) {
	bin, rules := hostileSetup(t)
	asNobody := os.Geteuid() == 0
	if asNobody {
		probe := exec.Command("true")
		probe.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		if err := probe.Run(); err != nil {
			t.Skipf("root, and cannot run a process as nobody (%v): permissions would not be checked", err)
		}
	}
	dir := hostileDir(t)
	mustWrite(t, filepath.Join(dir, "ok.txt"), []byte(token(50)+"\n"))
	mustWrite(t, filepath.Join(dir, "locked.txt"), []byte(token(51)+"\n"))
	mustWrite(t, filepath.Join(dir, "lockeddir", "f.txt"), []byte(token(52)+"\n"))
	mustWrite(t, filepath.Join(dir, "listonly", "g.txt"), []byte(token(53)+"\n"))
	mustWrite(t, filepath.Join(dir, "noread", "h.txt"), []byte(token(54)+"\n"))
	for p, mode := range map[string]os.FileMode{"locked.txt": 0, "lockeddir": 0, "listonly": 0o644, "noread": 0o711} {
		if err := os.Chmod(filepath.Join(dir, p), mode); err != nil {
			t.Fatal(err)
		}
	}
	r := runBin(t, bin, binOptions{asNobody: asNobody}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "permission-denied files and directories", 5*time.Second, 64)
	r.wantSecrets(t, map[string]string{token(50): "ok.txt:1:1"})
	for _, want := range []string{"locked.txt: permission denied (skipped)", "lockeddir: permission denied (skipped)",
		"listonly/g.txt: permission denied (skipped)", "noread: permission denied (skipped)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 1 || r.rep.Stats.Errors != 4 || !strings.Contains(r.stderr, "4 unreadable") {
		t.Errorf("exit %d, stats %+v\n%s", r.code, r.rep.Stats, r.stderr)
	}
}

func utf16Encode(s string, bigEndian, bom bool) []byte {
	var out []byte
	put := func(u uint16) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	if bom {
		put(0xFEFF)
	}
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			put(uint16(0xD800 + r>>10))
			put(uint16(0xDC00 + r&0x3FF))
			continue
		}
		put(uint16(r))
	}
	return out
}

// TestHostileEncodings: invalid UTF-8, UTF-16 LE and BE with a byte order
// mark (one past the first 4 MiB chunk, with a lone surrogate), a UTF-8
// BOM, CRLF line ends and text with NULs after its first 8,000 bytes are
// scanned, with lines and columns in code points of the decoded text;
// UTF-16 without a BOM and text with a NUL near its start are binary:
// skipped and counted.
func TestHostileEncodings(t *testing.T) {
	bin, rules := hostileSetup(t)
	dir := hostileDir(t)
	files := map[string][]byte{
		"invalid-utf8.txt":  []byte("\xff\xfe\xfd\xc3 " + token(60) + " \x80\n"),
		"utf16le.txt":       utf16Encode("line 1\r\n"+strings.Repeat("filler line ünïcödé\n", 300_000)+"\xed\U0001F600k = "+token(61)+"\n", false, true),
		"utf16be.txt":       append(utf16Encode("a\nk = ", true, true), append([]byte{0xD8, 0x00}, utf16Encode(token(62)+"\n", true, false)...)...),
		"utf16le-nobom.txt": utf16Encode("k = "+token(63)+"\n", false, false),
		"nul-heavy.txt":     []byte(strings.Repeat("clean text\n", 800) + strings.Repeat("\x00", 5000) + "\n\x00\x00k = " + token(64) + "\x00\n" + strings.Repeat("\x00\n", 5000)),
		"nul-early.txt":     []byte("x\x00y\n" + token(65) + "\n"),
		"crlf.txt":          []byte("a\r\nb\r\nk = " + token(66) + "\r\n"),
		"utf8-bom.txt":      []byte("\xef\xbb\xbf" + token(67) + "\n"),
	}
	for name, data := range files {
		mustWrite(t, filepath.Join(dir, name), data)
	}
	r := runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "invalid UTF-8, UTF-16 LE/BE, NUL-heavy text", 5*time.Second, 64)
	r.wantSecrets(t, map[string]string{
		token(60): "invalid-utf8.txt:1:6",
		token(61): "utf16le.txt:300002:7", // U+FFFD for \xed, the emoji, "k = "
		token(62): "utf16be.txt:2:6",      // after a lone high surrogate (U+FFFD)
		token(64): "nul-heavy.txt:802:7",  // two NULs, "k = "
		token(66): "crlf.txt:3:5",
		token(67): "utf8-bom.txt:1:1",
	})
	if r.rep.Stats.SkippedBinary != 2 || !strings.Contains(r.stderr, "2 binary skipped") {
		t.Errorf("stats %+v\n%s", r.rep.Stats, r.stderr)
	}
}

// TestHostileRuleFiles: regexes Go rejects (a repeat count over 1000, also
// nested), a legal regex of 3 million instructions, and rules too large
// together are each a one-line exit-2 error naming the rule, reached in
// bounded time and memory (20 rules of 3 million instructions took 18 s
// and 3.9 GB before keyhound bounded regex size); 300 legal rules of about
// 2,000 instructions each load and scan a file with 9,000 keyword hits.
func TestHostileRuleFiles(t *testing.T) {
	bin, _ := hostileSetup(t)
	dir := hostileDir(t)
	mustWrite(t, filepath.Join(dir, "scan", "a.txt"), []byte("nothing\n"))
	ruleFile := func(name string, n int, regex func(i int) string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "[[rules]]\nid = \"%s-%d\"\nregex = '''%s'''\n", name, i, regex(i))
		}
		p := filepath.Join(dir, name+".toml")
		mustWrite(t, p, []byte(b.String()))
		return p
	}
	huge := "(x" + strings.Repeat("[a-z]", 3000) + "){1000}"
	for _, tc := range []struct {
		name, file, want string
	}{
		{"nested repeats", ruleFile("nested", 300, func(i int) string { return fmt.Sprintf("kw%d_(a{1000}){1000}", i) }),
			"nested.toml: rule nested-0: regex: error parsing regexp: invalid repeat count: `{1000}`"},
		{"repeat over 1000", ruleFile("count", 300, func(i int) string { return fmt.Sprintf("kw%d_a{1001}", i) }),
			"count.toml: rule count-0: regex: error parsing regexp: invalid repeat count: `{1001}`"},
		{"3 million instructions", ruleFile("huge", 20, func(i int) string { return fmt.Sprintf("kw%d_%s", i, huge) }),
			"huge.toml: rule huge-0: regex: too large: compiles to about 3003004 instructions, over the limit of 20000 per regex"},
		{"too large together", ruleFile("many", 100, func(i int) string { return fmt.Sprintf("kw%d_", i) + strings.Repeat("[a-z0-9]{1000}", 16) }),
			"many.toml: rule many-62: regex: too large: with this one the rule file's regexes compile to more than 1000000 instructions together"},
	} {
		r := runBin(t, bin, binOptions{}, "dir", "-c", tc.file, filepath.Join(dir, "scan"))
		r.within(t, "rule file: "+tc.name, 2*time.Second, 128) // up to 1M instructions compiled before the limit
		if r.code != 2 || !strings.Contains(r.stderr, tc.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q, want one line with %q", tc.name, r.code, r.stderr, tc.want)
		}
	}

	big := ruleFile("big", 300, func(i int) string { return fmt.Sprintf("kw%d_(?:[A-Za-z0-9+/]{40}|(?i)[a-f]{40}){1,25}", i) })
	var text strings.Builder
	want := 0
	for rep := 0; rep < 30; rep++ {
		for i := 0; i < 300; i++ {
			n := []int{20, 80, 200, 999}[(rep+i)%4]
			if n >= 40 {
				want++
			}
			fmt.Fprintf(&text, "x = kw%d_%s\n", i, strings.Repeat("AbCdEf0123", 100)[:n])
		}
	}
	mustWrite(t, filepath.Join(dir, "hits", "many.txt"), []byte(text.String()))
	r := runBin(t, bin, binOptions{}, "dir", "-c", big, "-f", "json", filepath.Join(dir, "hits"))
	r.within(t, "300 rules of 2,000 instructions, 9,000 keyword hits", 5*time.Second, 160)
	if r.code != 1 || len(r.rep.Findings) != want {
		t.Errorf("exit %d, %d findings, want %d\n%s", r.code, len(r.rep.Findings), want, r.stderr)
	}
}

// TestHostileDotGitFile: in dir mode a .git file (a linked work tree's or a
// submodule's, pointing elsewhere) is content: scanned, never followed, and
// nothing where it points is opened; a .git directory is skipped.
func TestHostileDotGitFile(t *testing.T) {
	bin, rules := hostileSetup(t)
	outside := hostileDir(t)
	mustWrite(t, filepath.Join(outside, ".git", "HEAD"), []byte("ref: refs/heads/main\n"))
	mustWrite(t, filepath.Join(outside, ".git", "config"), []byte(token(71)+"\n"))
	mustWrite(t, filepath.Join(outside, "secret.txt"), []byte(token(72)+"\n"))
	dir := hostileDir(t)
	mustWrite(t, filepath.Join(dir, "wt", ".git"), []byte("gitdir: "+filepath.Join(outside, ".git")+"\n# "+token(70)+"\n"))
	mustWrite(t, filepath.Join(dir, "sub", ".git"), []byte("gitdir: ../../"+filepath.Base(outside)+"/.git\n"))
	mustWrite(t, filepath.Join(dir, ".git", "config"), []byte(token(73)+"\n"))
	mustWrite(t, filepath.Join(dir, "app.txt"), []byte(token(74)+"\n"))
	w := watchOpens(t, outside, filepath.Join(outside, ".git"))
	r := runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, ".git file pointing elsewhere (dir mode)", 5*time.Second, 64)
	r.wantSecrets(t, map[string]string{token(70): "wt/.git:2:3", token(74): "app.txt:1:1"})
	if opened := w.opened(t); len(opened) > 0 {
		t.Errorf("followed a .git file: opened %v", opened)
	}
}

// TestHostileGitDotGitFile: in git mode a .git file is followed as git does
// (a linked work tree, a submodule: their history is scanned); one pointing
// to something that is not a git directory is an exit-2 error naming it.
func TestHostileGitDotGitFile(t *testing.T) {
	bin, _ := hostileSetup(t)
	rules := gitRulesFile(t)
	lib := newCLIRepo(t)
	lib.write("lib.txt", gitToken(80)+"\n")
	lib.commit("lib")
	app := newCLIRepo(t)
	app.write("app.txt", gitToken(81)+"\n")
	app.commit("app")
	app.git("-c", "protocol.file.allow=always", "submodule", "add", "-q", lib.dir, "vendor/lib")
	app.commit("add submodule")
	wt := filepath.Join(t.TempDir(), "wt")
	lib.git("worktree", "add", "-q", "--detach", wt)
	if b, _ := os.ReadFile(filepath.Join(app.dir, "vendor", "lib", ".git")); !strings.HasPrefix(string(b), "gitdir: ") {
		t.Fatalf("submodule checkout has no .git file: %q", b)
	}
	secretsOf := func(r binResult) []string {
		var out []string
		for s := range r.rep.secrets() {
			out = append(out, s)
		}
		return out
	}
	for _, tc := range []struct {
		name, path string
		want       string
	}{
		{"submodule work tree", filepath.Join(app.dir, "vendor", "lib"), gitToken(80)},
		{"linked work tree", wt, gitToken(80)},
		{"superproject (the submodule is a commit id in its trees)", app.dir, gitToken(81)},
	} {
		r := runBin(t, bin, binOptions{}, "git", "-c", rules, "-f", "json", tc.path)
		r.within(t, "git mode: "+tc.name, 10*time.Second, 128)
		if got := secretsOf(r); r.code != 1 || len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s: exit %d, secrets %v, want %s\n%s", tc.name, r.code, got, tc.want, r.stderr)
		}
	}
	bad := hostileDir(t)
	mustWrite(t, filepath.Join(bad, ".git"), []byte("gitdir: /nonexistent/elsewhere\n"))
	r := runBin(t, bin, binOptions{}, "git", "-c", rules, bad)
	if r.code != 2 || !strings.Contains(r.stderr, "points to /nonexistent/elsewhere, which is not a git directory") {
		t.Errorf("dangling .git file: exit %d %s", r.code, r.stderr)
	}
}

// TestHostileGitObjectsOverMaxFileSize: a blob larger than --max-file-size
// is skipped, named on stderr and counted; the rest of the history is
// scanned.
func TestHostileGitObjectsOverMaxFileSize(t *testing.T) {
	bin, _ := hostileSetup(t)
	rules := gitRulesFile(t)
	repo := newCLIRepo(t)
	repo.write("big.txt", gitToken(90)+"\n"+strings.Repeat("filler line of text\n", 3<<20/20))
	repo.write("small.txt", gitToken(91)+"\n")
	repo.commit("one big, one small")
	repo.write("small.txt", gitToken(92)+"\n")
	repo.commit("second")
	repo.git("gc", "-q")
	r := runBin(t, bin, binOptions{}, "git", "-c", rules, "--max-file-size", "1MiB", "-f", "json", repo.dir)
	r.within(t, "git blob over --max-file-size (3 MiB)", 10*time.Second, 128)
	r.wantSecrets(t, map[string]string{gitToken(91): "small.txt:1:1", gitToken(92): "small.txt:1:1"})
	if r.rep.Stats.SkippedLarge != 1 || !strings.Contains(r.stderr, "big.txt (blob ") || !strings.Contains(r.stderr, "larger than --max-file-size") {
		t.Errorf("stats %+v\n%s", r.rep.Stats, r.stderr)
	}
}

// TestHostileCorruptPack: bytes flipped inside one object of a pack: that
// blob is named on stderr and counted, the others are still found.
func TestHostileCorruptPack(t *testing.T) {
	bin, _ := hostileSetup(t)
	rules := gitRulesFile(t)
	repo := newCLIRepo(t)
	repo.write("good.txt", strings.Repeat("filler line\n", 50)+gitToken(93)+"\n")
	repo.write("bad.txt", strings.Repeat("other filler\n", 50)+gitToken(94)+"\n")
	repo.commit("two files")
	repo.git("repack", "-adq")
	badHash := repo.git("rev-parse", "HEAD:bad.txt")
	packs, _ := filepath.Glob(filepath.Join(repo.dir, ".git", "objects", "pack", "*.idx"))
	if len(packs) != 1 {
		t.Fatalf("packs: %v", packs)
	}
	var off int64 = -1
	for _, l := range strings.Split(repo.git("verify-pack", "-v", packs[0]), "\n") {
		if f := strings.Fields(l); len(f) >= 5 && f[0] == badHash {
			fmt.Sscan(f[4], &off)
		}
	}
	if off < 0 {
		t.Fatal("bad.txt's blob not in the pack")
	}
	pack := strings.TrimSuffix(packs[0], ".idx") + ".pack"
	data, err := os.ReadFile(pack)
	if err != nil {
		t.Fatal(err)
	}
	for i := off + 6; i < off+12; i++ {
		data[i] ^= 0x55
	}
	os.Chmod(pack, 0o644)
	if err := os.WriteFile(pack, data, 0o644); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, bin, binOptions{}, "git", "-c", rules, "-f", "json", repo.dir)
	r.within(t, "corrupt pack", 10*time.Second, 128)
	r.wantSecrets(t, map[string]string{gitToken(93): "good.txt:51:1"})
	if r.code != 1 || r.rep.Stats.Errors < 1 || !strings.Contains(r.stderr, "bad.txt") || !strings.Contains(r.stderr, badHash[:12]) {
		t.Errorf("exit %d, stats %+v\n%s", r.code, r.rep.Stats, r.stderr)
	}
}

// TestHostileArchives: archives are opened and their members scanned: a
// zip whose entry is stored uncompressed, a gzip, and next to them 256 MiB of
// zeros compressed in the zip (a bomb) whose member is binary and left after
// its first bytes — in bounded time and memory.
func TestHostileArchives(t *testing.T) {
	bin, rules := hostileSetup(t)
	dir := hostileDir(t)
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	h, _ := zw.CreateHeader(&zip.FileHeader{Name: "stored.env", Method: zip.Store})
	io.WriteString(h, "TOKEN="+token(95)+"\n")
	bomb, _ := zw.Create("bomb.bin")
	zeros := make([]byte, 1<<20)
	for i := 0; i < 256; i++ { // 256 MiB of zeros, 250 KB compressed
		bomb.Write(zeros)
	}
	zw.Close()
	mustWrite(t, filepath.Join(dir, "archive.zip"), zbuf.Bytes())
	var gbuf bytes.Buffer
	gz := gzip.NewWriter(&gbuf)
	io.WriteString(gz, "TOKEN="+token(96)+"\n")
	gz.Close()
	mustWrite(t, filepath.Join(dir, "secret.env.gz"), gbuf.Bytes())
	mustWrite(t, filepath.Join(dir, "ok.env"), []byte("TOKEN="+token(97)+"\n"))
	r := runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "archives (zip with a stored entry, 256 MiB zip bomb, gzip)", 2*time.Second, 64)
	// Archives are opened: the stored member and the gzip'd file are
	// scanned; the bomb's zeros are binary, left after their first bytes.
	r.wantSecrets(t, map[string]string{token(97): "ok.env:1:7", token(95): "archive.zip!stored.env:1:7", token(96): "secret.env.gz!secret.env:1:7"})
	if r.rep.Stats.SkippedBinary != 0 || r.rep.Stats.Files != 3 {
		t.Errorf("stats %+v", r.rep.Stats)
	}
}

// TestHostileNamesOnStderr: a file name is the scanned content's to choose:
// one holding a newline and terminal escapes, named on stderr because it
// cannot be read (dir mode) or is too large (git mode), must neither forge
// a line of output nor reach the terminal as a control sequence.
func TestHostileNamesOnStderr(t *testing.T) {
	bin, rules := hostileSetup(t)
	evil := "evil\nkeyhound: scanned 0 files (0 B) in 0.00s: 0 findings\x1b[8m\u202e"
	dir := hostileDir(t)
	mustWrite(t, filepath.Join(dir, evil), []byte(token(98)+"\n"))
	asNobody := os.Geteuid() == 0
	os.Chmod(filepath.Join(dir, evil), 0)
	r := runBin(t, bin, binOptions{asNobody: asNobody}, "dir", "-c", rules, dir)
	if strings.ContainsAny(r.stderr, "\x1b\u202e") || strings.Count(r.stderr, "\n") != 2 || !strings.Contains(r.stderr, `evil\x0akeyhound: scanned 0 files`) {
		t.Errorf("dir mode stderr: %q", r.stderr)
	}
	repo := newCLIRepo(t)
	repo.write(evil, strings.Repeat("big line\n", 1<<18))
	repo.commit("big")
	r = runBin(t, bin, binOptions{}, "git", "-c", gitRulesFile(t), "--max-file-size", "1KiB", repo.dir)
	if strings.ContainsAny(r.stderr, "\x1b\u202e") || strings.Count(r.stderr, "\n") != 2 || !strings.Contains(r.stderr, "larger than --max-file-size") {
		t.Errorf("git mode stderr: %q", r.stderr)
	}
}

// bombMember is the deflate stream of n bytes of one line of text repeated,
// with its CRC, to be stored many times in a zip without compressing it again.
func bombMember(t *testing.T, n int) (raw []byte, crc uint32) {
	t.Helper()
	line := bytes.Repeat([]byte("x"), 4096) // text: one byte repeated, as deflate shrinks best
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	h := crc32.NewIEEE()
	w := io.MultiWriter(fw, h)
	for i := 0; i < n; i += len(line) {
		w.Write(line[:min(len(line), n-i)])
	}
	fw.Close()
	return comp.Bytes(), h.Sum32()
}

// bombZip stores members copies of a raw deflate stream of size bytes (after
// an ordinary member holding a secret), and nested zips when given.
func bombZip(t *testing.T, secret string, raw []byte, crc uint32, size uint64, members int, nested []byte, copies int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("first/.env")
	io.WriteString(w, "TOKEN="+secret+"\n")
	for i := 0; i < members; i++ {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("bomb/%03d.log", i), Method: zip.Deflate,
			CRC32: crc, CompressedSize64: uint64(len(raw)), UncompressedSize64: size})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(raw)
	}
	for i := 0; i < copies; i++ {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("nest/%02d.zip", i), Method: zip.Store})
		w.Write(nested)
	}
	zw.Close()
	return b.Bytes()
}

// TestHostileZipBombs: a zip of about 10 MB expanding to 10 GB of text, and
// a 42.zip-style nest of zips (16 copies of 16 copies of a bomb), stop at the
// expansion bound with a notice naming the file, in bounded memory, and the
// secret in front of the bomb is still reported.
func TestHostileZipBombs(t *testing.T) {
	bin, rules := hostileSetup(t)
	dir := hostileDir(t)
	raw, crc := bombMember(t, 100<<20) // 100 MiB of text, about 100 KB deflated
	mustWrite(t, filepath.Join(dir, "flat.zip"), bombZip(t, token(110), raw, crc, 100<<20, 100, nil, 0))
	inner := bombZip(t, token(111), raw, crc, 100<<20, 4, nil, 0)
	mid := bombZip(t, token(112), nil, 0, 0, 0, inner, 16)
	mustWrite(t, filepath.Join(dir, "nested.zip"), bombZip(t, token(113), nil, 0, 0, 0, mid, 16))
	if st, _ := os.Stat(filepath.Join(dir, "flat.zip")); st.Size() > 12<<20 {
		t.Fatalf("flat bomb is %d bytes", st.Size())
	}
	r := runBin(t, bin, binOptions{}, "dir", "-c", rules, "-f", "json", dir)
	r.within(t, "zip bombs (10 GB of text in ~10 MB; 16x16 nested zips)", 60*time.Second, 300)
	// The nest stops at its bound inside the first inner zip: its secret
	// and the middle one's are found, the later copies are never reached.
	for _, s := range []string{token(110), token(113), token(112), token(111)} {
		if _, ok := r.rep.secrets()[s]; !ok {
			t.Errorf("secret %s not found", s)
		}
	}
	for _, f := range []string{"flat.zip", "nested.zip"} {
		if !strings.Contains(r.stderr, f+": archive stopped at the") {
			t.Errorf("no bound notice for %s:\n%s", f, r.stderr)
		}
	}
}
