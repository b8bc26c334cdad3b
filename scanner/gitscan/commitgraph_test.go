package gitscan

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// checkGraph checks that the commit-graph gives every commit of the
// history the tree, parents and committer time its object holds.
func checkGraph(t *testing.T, r *testRepo, wantLayers int) {
	t.Helper()
	objects := filepath.Join(r.dir, ".git", "objects")
	cg, err := openCommitGraph(objects)
	if err != nil || cg == nil {
		t.Fatalf("commit-graph not opened: %v", err)
	}
	defer cg.close()
	if len(cg.layers) != wantLayers {
		t.Errorf("commit-graph has %d layers, want %d", len(cg.layers), wantLayers)
	}
	db, err := openODB(objects)
	if err != nil {
		t.Fatal(err)
	}
	defer db.close()
	octopus := false
	for _, id := range strings.Fields(r.git("rev-list", "--all")) {
		h, _ := parseHash([]byte(id))
		got, ok := cg.lookup(h)
		if !ok {
			t.Errorf("commit %s not in the commit-graph", id)
			continue
		}
		_, data, err := db.read(h)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := parseCommit(data, false)
		if got.tree != want.tree || got.time != want.time || !reflect.DeepEqual(got.parents, want.parents) {
			t.Errorf("commit %s: commit-graph %+v, object %+v", id, got, want)
		}
		octopus = octopus || len(want.parents) > 2
	}
	if !octopus {
		t.Error("the history has no octopus merge")
	}
}

func TestCommitGraph(t *testing.T) {
	r, secrets := branchyHistory(t)
	plain := scanRepo(t, r.dir, Options{})
	if got := plain.secrets(); !reflect.DeepEqual(got, sorted(secrets...)) {
		t.Fatalf("secrets = %v, want %v", got, sorted(secrets...))
	}
	rng := Options{Range: "HEAD~3..HEAD"}
	plainRange := scanRepo(t, r.dir, rng)
	graphFile := filepath.Join(r.dir, ".git", "objects", "info", "commit-graph")

	r.git("commit-graph", "write", "--reachable")
	checkGraph(t, r, 1)
	withGraph := scanRepo(t, r.dir, Options{})
	if !reflect.DeepEqual(withGraph.findings, plain.findings) {
		t.Errorf("findings differ with a commit-graph:\n%+v\n%+v", withGraph.findings, plain.findings)
	}
	if len(withGraph.notes) != 0 {
		t.Errorf("notes: %v", withGraph.notes)
	}
	// Ranges use it too.
	if got := scanRepo(t, r.dir, rng); len(plainRange.findings) == 0 || !reflect.DeepEqual(got.findings, plainRange.findings) {
		t.Errorf("range findings differ with a commit-graph:\n%+v\n%+v", got.findings, plainRange.findings)
	}

	// A corrupt file is noticed and the commits are read instead.
	data, err := os.ReadFile(graphFile)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), data...)
	bad[len(bad)/2] ^= 0x40
	if err := os.WriteFile(graphFile, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	corrupt := scanRepo(t, r.dir, Options{})
	if !reflect.DeepEqual(corrupt.findings, plain.findings) {
		t.Errorf("findings differ with a corrupt commit-graph:\n%+v\n%+v", corrupt.findings, plain.findings)
	}
	if n := strings.Join(corrupt.notes, "\n"); !strings.Contains(n, "commit-graph") || !strings.Contains(n, "checksum") {
		t.Errorf("no notice of the corrupt commit-graph: %q", n)
	}
	if len(corrupt.warnings) != 0 {
		t.Errorf("warnings: %v", corrupt.warnings)
	}

	// A chain of two files, the newer one holding commits added since.
	if err := os.Remove(graphFile); err != nil {
		t.Fatal(err)
	}
	r.git("commit-graph", "write", "--reachable", "--split")
	s := token(330)
	r.write("late.txt", s+"\n")
	r.commit("late")
	r.git("commit-graph", "write", "--reachable", "--split=no-merge")
	checkGraph(t, r, 2)
	chained := scanRepo(t, r.dir, Options{})
	if got, want := chained.secrets(), sorted(append([]string{s}, secrets...)...); !reflect.DeepEqual(got, want) {
		t.Errorf("secrets with a commit-graph chain = %v, want %v", got, want)
	}
}

func TestCommitGraphBadInput(t *testing.T) {
	for name, mutate := range map[string]func([]byte) []byte{
		"truncated":     func(b []byte) []byte { return b[:len(b)/2] },
		"bad signature": func(b []byte) []byte { b[0] = 'X'; return b },
		"empty":         func(b []byte) []byte { return nil },
	} {
		t.Run(name, func(t *testing.T) {
			r, _ := branchyHistory(t)
			r.git("commit-graph", "write", "--reachable")
			f := filepath.Join(r.dir, ".git", "objects", "info", "commit-graph")
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, mutate(data), 0o644); err != nil {
				t.Fatal(err)
			}
			cg, err := openCommitGraph(filepath.Join(r.dir, ".git", "objects"))
			if err == nil || cg != nil {
				t.Errorf("opened a bad commit-graph (err %v)", err)
			}
		})
	}
}
