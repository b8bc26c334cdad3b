package gitscan

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/scanner"
)

// branchyHistory builds a packed history with a branch, a merge and an
// octopus merge; it returns the repository and the secrets committed.
func branchyHistory(t *testing.T) (*testRepo, []string) {
	r := newTestRepo(t)
	var secrets []string
	for i := 0; i < 3; i++ {
		s := token(int64(300 + i))
		secrets = append(secrets, s)
		r.write("main.txt", strings.Repeat("line\n", i)+s+"\n")
		r.commit("main " + s[:6])
	}
	for _, b := range []string{"one", "two"} {
		r.git("checkout", "-q", "-b", b, "HEAD~1")
		s := token(int64(310 + len(secrets)))
		secrets = append(secrets, s)
		r.write(b+".txt", s+"\n")
		r.commit("on " + b)
	}
	r.git("checkout", "-q", "main")
	r.git("merge", "-q", "--no-edit", "one", "two") // an octopus merge
	r.write("main.txt", "gone\n")
	r.commit("remove the secret")
	r.git("repack", "-adq")
	return r, secrets
}

func TestCommitsDecodedAhead(t *testing.T) {
	r, secrets := branchyHistory(t)
	db, err := openODB(filepath.Join(r.dir, ".git", "objects"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.close()
	a := db.decodeCommitsAhead(context.Background(), 2)
	ids := strings.Fields(r.git("rev-list", "--all"))
	if len(ids) < 7 {
		t.Fatalf("history has %d commits", len(ids))
	}
	decoded := 0
	for _, id := range ids {
		h, _ := parseHash([]byte(id))
		got, ok := a.lookup(db, h)
		if !ok {
			// Only commits stored whole are decoded ahead; a delta is read by the walk.
			p, off, _ := db.locate(h)
			if hd, err := p.header(off); err != nil || hd.typ == objCommit {
				t.Errorf("commit %s was not decoded ahead", id)
			}
			continue
		}
		decoded++
		_, data, err := db.read(h)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := parseCommit(data, false)
		if got.tree != want.tree || got.time != want.time || !reflect.DeepEqual(got.parents, want.parents) {
			t.Errorf("commit %s: ahead %+v, read %+v", id, got, want)
		}
	}
	if decoded == 0 {
		t.Error("no commit decoded ahead")
	}
	// One worker decodes nothing ahead; the findings are the same.
	if db.decodeCommitsAhead(context.Background(), 1) != nil {
		t.Error("decoded ahead with one worker")
	}
	two := scanRepo(t, r.dir, Options{})
	one, err := tryScanWorkers(r.dir, Options{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := two.secrets(); !reflect.DeepEqual(got, sorted(secrets...)) {
		t.Errorf("secrets = %v, want %v", got, sorted(secrets...))
	}
	if !reflect.DeepEqual(one.findings, two.findings) {
		t.Errorf("findings differ with and without commits decoded ahead:\n%+v\n%+v", one.findings, two.findings)
	}
}

func TestCorruptPackedCommitIsReported(t *testing.T) {
	r, _ := branchyHistory(t)
	head := r.git("rev-parse", "HEAD~1")
	r.corruptPacked(head, func(data []byte, x packedExtent) {
		for i := x.off + 4; i < x.off+10; i++ {
			data[i] ^= 0x55
		}
	})
	sr := scanRepo(t, r.dir, Options{})
	if !strings.Contains(strings.Join(sr.warnings, "\n"), head) {
		t.Errorf("warnings do not name the corrupt commit %s: %v", head, sr.warnings)
	}
}

// cancelAt cancels a scan when it enters a phase.
type cancelAt struct {
	phase  string
	cancel context.CancelFunc
}

func (c cancelAt) Phase(name string, total int64) {
	if name == c.phase {
		c.cancel()
	}
}
func (c cancelAt) Add(n, bytes int64) {}

func TestCanceledWhilePacksAreLaidOut(t *testing.T) {
	r, secrets := branchyHistory(t)
	for _, phase := range []string{"walking commits", "diffing trees", "scanning blobs"} {
		ctx, cancel := context.WithCancel(context.Background())
		run := scanner.Options{Workers: 2}
		_, err := Scan(ctx, r.dir, matcher(t), run, &scanner.Counters{}, func(finding.Finding) {}, Options{Progress: cancelAt{phase, cancel}})
		if err != context.Canceled {
			t.Errorf("canceled at %q: err = %v", phase, err)
		}
	}
	// The packs read whole after all.
	if got := scanRepo(t, r.dir, Options{}).secrets(); !reflect.DeepEqual(got, sorted(secrets...)) {
		t.Errorf("secrets = %v", got)
	}
}
