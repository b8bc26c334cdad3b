package source

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/progress"
	"github.com/keyhound/keyhound/scanner/gitscan"
)

func TestRepoListTargets(t *testing.T) {
	list := filepath.Join(t.TempDir(), "repos.txt")
	if err := os.WriteFile(list, []byte("# sweep\nhttps://h/o/a.git\n\n  https://h/o/b  \nhttps://h/o/a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		l      RepoList
		want   []string
		multi  bool
		notice string
		err    string
	}{
		{RepoList{}, []string{"."}, false, "", ""},
		{RepoList{Args: []string{"x"}}, []string{"x"}, false, "", ""},
		{RepoList{Args: []string{"x", "y"}}, []string{"x", "y"}, true, "", ""},
		{RepoList{File: list}, []string{"https://h/o/a.git", "https://h/o/b"}, true, "", ""},
		{RepoList{File: "-", Stdin: strings.NewReader("one\n#two\n")}, []string{"one"}, true, "", ""},
		{RepoList{Args: []string{"x"}, Shard: "1/1"}, []string{"x"}, true, "shard 1/1: 1 of 1 repositories", ""},
		{RepoList{Shard: "3/2"}, nil, false, "", "--shard"},
		{RepoList{File: filepath.Join(t.TempDir(), "none")}, nil, false, "", "--repos-file"},
	}
	for _, tt := range tests {
		got, multi, notice, err := tt.l.Targets()
		if tt.err != "" {
			if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
				t.Errorf("%+v: error %v, want %q", tt.l, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) || multi != tt.multi || notice != tt.notice {
			t.Errorf("%+v = %q, %v, %q, %v; want %q, %v, %q", tt.l, got, multi, notice, err, tt.want, tt.multi, tt.notice)
		}
	}
}

func TestGitRoots(t *testing.T) {
	if _, err := GitRoots([]string{"https://h/o/a.git"}, false, true); err == nil || !strings.Contains(err.Error(), "--staged needs a local work tree") {
		t.Errorf("a URL --staged: %v", err)
	}
	dir := t.TempDir()
	if _, err := GitRoots([]string{dir}, false, false); err == nil || !strings.HasPrefix(err.Error(), "repository "+dir) {
		t.Errorf("not a repository: %v", err)
	}
	if roots, err := GitRoots([]string{dir, "https://h/o/a.git"}, true, false); err != nil || roots != nil {
		t.Errorf("several: %q, %v (each is checked when its turn comes)", roots, err)
	}
}

func TestGitSources(t *testing.T) {
	sh := &GitShared{}
	bar := &progress.Phases{W: io.Discard}
	srcs, workers := GitSources([]string{"a", "b"}, true, gitscan.Options{Branch: "main"}, sh, 0, bar)
	if len(srcs) != 2 || workers != runtime.GOMAXPROCS(0) {
		t.Fatalf("multi: %d sources, %d workers", len(srcs), workers)
	}
	a, b := srcs[0].(*Git), srcs[1].(*Git)
	if a.Options.Pool == nil || a.Options.Pool != b.Options.Pool || a.Options.Progress != nil || !a.Multi || a.Shared != sh || a.Options.Branch != "main" {
		t.Errorf("multi: the repositories do not share one pool and the options: %+v", a.Options)
	}
	srcs, workers = GitSources([]string{"a"}, false, gitscan.Options{}, sh, 3, bar)
	if g := srcs[0].(*Git); workers != 3 || g.Options.Pool != nil || g.Options.Progress == nil || g.Multi {
		t.Errorf("single: %d workers, %+v", workers, g.Options)
	}
}
