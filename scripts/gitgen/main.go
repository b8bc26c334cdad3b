//go:build tools

// Command gitgen writes a deterministic git fast-import stream. The default
// shape (-shape go) is a history of many commits built from real source
// text (the Go distribution's src/),
// with feature branches merged back (and a few left unmerged), tags, file
// additions, deletions and renames, and a few hundred generated fake
// secrets added (some removed again later). It is the input of
// scripts/bench-git.sh:
//
//	go run -tags tools ./scripts/gitgen -commits 20000 | git -C repo.git fast-import
//
// -shape helm writes a history like a Helm chart monorepo's instead (see
// helm.go): scripts/bench-git.sh SHAPE=helm.
//
// The secrets it plants are listed on the file named by -planted.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

func main() {
	shape := flag.String("shape", "go", "go: Go source files (the default); helm: large YAML and README files edited a few lines at a time, like a Helm chart monorepo")
	commits := flag.Int("commits", 20000, "commits on the main line (merge and branch commits come on top)")
	initial := flag.Int("files", 0, "files in the first commit (0: 2500 for go, 300 for helm)")
	secrets := flag.Int("secrets", 0, "fake secrets to plant (0: 300 for go, 200 for helm)")
	planted := flag.String("planted", "", "write the planted secrets to this file")
	src := flag.String("src", filepath.Join(runtime.GOROOT(), "src"), "source tree to take text from (go)")
	minKB := flag.Int("min-kb", 50, "smallest file size in KiB (helm)")
	maxKB := flag.Int("max-kb", 500, "largest file size in KiB (helm)")
	flag.Parse()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "gitgen:", err)
		os.Exit(1)
	}
	or := func(v, def int) int {
		if v > 0 {
			return v
		}
		return def
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	var secretsPlanted []string
	switch *shape {
	case "go":
		g, err := newGen(*src, or(*initial, 2500), or(*secrets, 300))
		if err != nil {
			fail(err)
		}
		g.w = w
		g.run(*commits)
		secretsPlanted = g.planted
	case "helm":
		g := &helmGen{w: w, r: rand.New(rand.NewSource(19)), when: 1600000000}
		g.init(or(*initial, 300), *minKB<<10, *maxKB<<10)
		g.run(*commits, or(*secrets, 200))
		secretsPlanted = g.planted
	default:
		fail(fmt.Errorf("-shape %q: want go or helm", *shape))
	}
	if err := w.Flush(); err != nil {
		fail(err)
	}
	if *planted != "" {
		if err := os.WriteFile(*planted, []byte(strings.Join(secretsPlanted, "\n")+"\n"), 0o644); err != nil {
			fail(err)
		}
	}
}

type gen struct {
	w        *bufio.Writer
	r        *rand.Rand
	pool     [][]byte // source files to draw text from
	poolName []string
	next     int               // next pool file to add
	files    map[string][]byte // main's tree
	paths    []string          // main's paths, sorted
	hot      []string          // often-edited paths
	mark     int
	tip      int // main's tip mark
	when     int64
	nsecrets int
	secretAt map[int]bool // commit numbers that add a secret
	live     []liveSecret // planted secrets still in main, to remove some later
	planted  []string
	branches int
}

type liveSecret struct{ path, line string }

func newGen(src string, initial, nsecrets int) (*gen, error) {
	g := &gen{r: rand.New(rand.NewSource(20000)), files: map[string][]byte{}, when: 1600000000, nsecrets: nsecrets, secretAt: map[int]bool{}}
	var names []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ".go") {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, p := range names {
		data, err := os.ReadFile(p)
		if err != nil || len(data) > 200<<10 || bytes.IndexByte(data, 0) >= 0 {
			continue
		}
		rel, _ := filepath.Rel(src, p)
		g.pool = append(g.pool, data)
		g.poolName = append(g.poolName, filepath.ToSlash(rel))
	}
	if len(g.pool) < initial+100 {
		return nil, fmt.Errorf("only %d source files under %s", len(g.pool), src)
	}
	// Shuffle deterministically so the first commit spans many packages.
	g.r.Shuffle(len(g.pool), func(i, j int) {
		g.pool[i], g.pool[j] = g.pool[j], g.pool[i]
		g.poolName[i], g.poolName[j] = g.poolName[j], g.poolName[i]
	})
	for i := 0; i < initial; i++ {
		g.files[g.poolName[i]] = g.pool[i]
	}
	g.next = initial
	g.sortPaths()
	for i := 0; i < 300; i++ {
		g.hot = append(g.hot, g.paths[g.r.Intn(len(g.paths))])
	}
	return g, nil
}

func (g *gen) sortPaths() {
	g.paths = g.paths[:0]
	for p := range g.files {
		g.paths = append(g.paths, p)
	}
	sort.Strings(g.paths)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func (g *gen) rnd(alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.Intn(len(alphabet))]
	}
	return string(b)
}

// fakeSecret returns a line holding a generated, well-formed fake secret.
func (g *gen) fakeSecret(i int) string {
	switch i % 4 {
	case 0:
		return "\tawsKeyID = \"AKIA" + g.rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16) + "\""
	case 1:
		return "\tslackToken = \"xoxb-" + g.rnd("123456789", 1) + g.rnd("0123456789", 11) + "-" + g.rnd("123456789", 1) + g.rnd("0123456789", 12) + "-" + g.rnd(alnum, 24) + "\""
	case 2:
		return "\tstripeKey = \"sk_live_" + g.rnd(alnum, 24) + "\""
	default:
		return "\tdsn = \"postgres://app:" + g.rnd(alnum, 16) + "@db" + g.rnd("0123456789", 2) + ".internal:5432/app\""
	}
}

func (g *gen) data(b []byte) {
	fmt.Fprintf(g.w, "data %d\n", len(b))
	g.w.Write(b)
	g.w.WriteByte('\n')
}

// edit returns content with a few lines replaced by lines of another file.
func (g *gen) edit(content []byte) []byte {
	lines := bytes.SplitAfter(content, []byte{'\n'})
	donor := bytes.SplitAfter(g.pool[g.r.Intn(len(g.pool))], []byte{'\n'})
	at := g.r.Intn(len(lines) + 1)
	del := g.r.Intn(6)
	if at+del > len(lines) {
		del = len(lines) - at
	}
	from := g.r.Intn(len(donor))
	n := 1 + g.r.Intn(12)
	if from+n > len(donor) {
		n = len(donor) - from
	}
	var out []byte
	for _, l := range lines[:at] {
		out = append(out, l...)
	}
	for _, l := range donor[from : from+n] {
		out = append(out, l...)
	}
	for _, l := range lines[at+del:] {
		out = append(out, l...)
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return out
}

func (g *gen) pick() string {
	if g.r.Intn(10) < 6 {
		p := g.hot[g.r.Intn(len(g.hot))]
		if _, ok := g.files[p]; ok {
			return p
		}
	}
	return g.paths[g.r.Intn(len(g.paths))]
}

type op struct {
	kind      byte // 'M', 'D', 'R'
	path, old string
	content   []byte
}

// commit writes one commit on ref with the given parents and operations.
func (g *gen) commit(ref string, from, merge int, msg string, ops []op) int {
	g.mark++
	g.when += 300 + int64(g.r.Intn(600))
	fmt.Fprintf(g.w, "commit %s\nmark :%d\n", ref, g.mark)
	who := []string{"Ada Lovelace <ada@example.com>", "Alan Turing <alan@example.com>", "Grace Hopper <grace@example.com>"}[g.r.Intn(3)]
	fmt.Fprintf(g.w, "author %s %d +0000\ncommitter %s %d +0000\n", who, g.when, who, g.when)
	g.data([]byte(msg))
	if from > 0 {
		fmt.Fprintf(g.w, "from :%d\n", from)
	}
	if merge > 0 {
		fmt.Fprintf(g.w, "merge :%d\n", merge)
	}
	for _, o := range ops {
		switch o.kind {
		case 'M':
			fmt.Fprintf(g.w, "M 100644 inline %s\n", o.path)
			g.data(o.content)
		case 'D':
			fmt.Fprintf(g.w, "D %s\n", o.path)
		case 'R':
			fmt.Fprintf(g.w, "R %s %s\n", o.old, o.path)
		}
	}
	g.w.WriteByte('\n')
	return g.mark
}

// change makes the operations of one ordinary commit against tree files
// (updated in place). n is the commit number (to plant secrets).
func (g *gen) change(files map[string][]byte, n int, avoid map[string]bool) []op {
	var ops []op
	k := 1 + g.r.Intn(3)
	for i := 0; i < k; i++ {
		p := g.pick()
		if avoid[p] {
			continue
		}
		if _, ok := files[p]; !ok {
			continue
		}
		c := g.edit(files[p])
		files[p] = c
		ops = append(ops, op{kind: 'M', path: p, content: c})
	}
	switch x := g.r.Intn(200); {
	case x < 6 && g.next < len(g.pool): // add a file
		p := g.poolName[g.next]
		if _, ok := files[p]; !ok && !avoid[p] {
			files[p] = g.pool[g.next]
			ops = append(ops, op{kind: 'M', path: p, content: g.pool[g.next]})
		}
		g.next++
	case x < 8: // delete a file
		p := g.paths[g.r.Intn(len(g.paths))]
		if _, ok := files[p]; ok && !avoid[p] && !g.holdsSecret(p) {
			delete(files, p)
			ops = append(ops, op{kind: 'D', path: p})
		}
	case x < 9: // rename a file
		p := g.paths[g.r.Intn(len(g.paths))]
		q := strings.TrimSuffix(p, ".go") + "_renamed.go"
		if _, ok := files[p]; ok && !avoid[p] && !avoid[q] && !g.holdsSecret(p) {
			if _, exists := files[q]; !exists {
				files[q] = files[p]
				delete(files, p)
				ops = append(ops, op{kind: 'R', path: q, old: p})
			}
		}
	}
	if g.secretAt[n] && len(ops) > 0 && ops[0].kind == 'M' {
		line := g.fakeSecret(len(g.planted))
		p := ops[0].path
		c := append(append([]byte{}, files[p]...), (line + "\n")...)
		files[p] = c
		ops[0].content = c
		g.planted = append(g.planted, p+"\t"+strings.TrimSpace(line))
		if g.r.Intn(3) == 0 {
			g.live = append(g.live, liveSecret{p, line})
		}
	} else if g.r.Intn(60) == 0 && len(g.live) > 0 {
		// Remove a planted secret again.
		i := g.r.Intn(len(g.live))
		s := g.live[i]
		g.live = append(g.live[:i], g.live[i+1:]...)
		if c, ok := files[s.path]; ok && !avoid[s.path] {
			c = bytes.Replace(c, []byte(s.line+"\n"), nil, 1)
			files[s.path] = c
			ops = append(ops, op{kind: 'M', path: s.path, content: c})
		}
	}
	return ops
}

func (g *gen) holdsSecret(p string) bool {
	for _, s := range g.live {
		if s.path == p {
			return true
		}
	}
	return false
}

func (g *gen) run(commits int) {
	for len(g.secretAt) < g.nsecrets && len(g.secretAt) < commits/2 {
		g.secretAt[1+g.r.Intn(commits-1)] = true
	}
	var ops []op
	for _, p := range g.paths {
		ops = append(ops, op{kind: 'M', path: p, content: g.files[p]})
	}
	g.tip = g.commit("refs/heads/main", 0, 0, "import\n", ops)
	n := 1
	for n < commits {
		if n%100 == 50 {
			n = g.branch(n)
			continue
		}
		ops := g.change(g.files, n, nil)
		g.sortPaths()
		if len(ops) == 0 {
			n++
			continue
		}
		g.tip = g.commit("refs/heads/main", g.tip, 0, fmt.Sprintf("change %d\n\nTouches %s.\n", n, ops[0].path), ops)
		if n%1000 == 0 {
			fmt.Fprintf(g.w, "tag v0.%d.0\nfrom :%d\ntagger Release Bot <release@example.com> %d +0000\n", n/1000, g.tip, g.when)
			g.data([]byte(fmt.Sprintf("release 0.%d.0\n", n/1000)))
		}
		n++
	}
}

// branch makes a feature branch of a few commits while main moves on, and
// merges it back (most of the time).
func (g *gen) branch(n int) int {
	g.branches++
	name := fmt.Sprintf("refs/heads/feature-%d", g.branches)
	fork := g.tip
	bfiles := map[string][]byte{}
	for p, c := range g.files {
		bfiles[p] = c
	}
	touched := map[string]bool{}
	btip := fork
	k := 3 + g.r.Intn(8)
	for i := 0; i < k; i++ {
		ops := g.change(bfiles, n, nil)
		for _, o := range ops {
			touched[o.path] = true
			if o.kind == 'R' {
				touched[o.old] = true
			}
		}
		if len(ops) > 0 {
			btip = g.commit(name, btip, 0, fmt.Sprintf("feature %d: step %d\n", g.branches, i+1), ops)
		}
		n++
		// main moves on elsewhere meanwhile
		if g.r.Intn(2) == 0 {
			mops := g.change(g.files, n, touched)
			g.sortPaths()
			if len(mops) > 0 {
				g.tip = g.commit("refs/heads/main", g.tip, 0, fmt.Sprintf("change %d\n", n), mops)
			}
			n++
		}
	}
	if g.branches%20 == 7 || btip == fork {
		return n // left unmerged
	}
	// Merge: main's tree plus the branch's versions of the files it touched.
	var ops []op
	for p := range touched {
		bc, inB := bfiles[p]
		_, inMain := g.files[p]
		if inB && !bytes.Equal(bc, g.files[p]) {
			g.files[p] = bc
			ops = append(ops, op{kind: 'M', path: p, content: bc})
		} else if !inB && inMain {
			delete(g.files, p)
			ops = append(ops, op{kind: 'D', path: p})
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].path < ops[j].path })
	g.sortPaths()
	g.tip = g.commit("refs/heads/main", g.tip, btip, fmt.Sprintf("Merge branch 'feature-%d'\n", g.branches), ops)
	fmt.Fprintf(g.w, "reset %s\nfrom 0000000000000000000000000000000000000000\n\n", name)
	return n
}
