package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// khRun runs keyhound through Main with the given environment variables
// and version ("test" when empty).
type khRun struct {
	env     map[string]string
	version string
	stdin   string
}

func (k khRun) run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	v := k.version
	if v == "" {
		v = "test"
	}
	code := Main(Env{
		DefaultRules: []byte(gitTestRules),
		Version:      v,
		Stdin:        strings.NewReader(k.stdin),
		Stdout:       &out,
		Stderr:       &errb,
		Getenv:       func(name string) string { return k.env[name] },
	}, args)
	return result{code, out.String(), errb.String()}
}

// fullJSON is a JSON report with every finding field, compared whole.
type fullJSON struct {
	Findings []map[string]any `json:"findings"`
	Stats    struct {
		Files   int64 `json:"files"`
		Errors  int64 `json:"errors"`
		Commits int64 `json:"commits"`
		Blobs   int64 `json:"blobs"`
	} `json:"stats"`
}

func parseFull(t *testing.T, s string) fullJSON {
	t.Helper()
	var r fullJSON
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, s)
	}
	return r
}

// repoOf returns the repository → files map of a report's findings.
func reposOf(r fullJSON) map[string][]string {
	m := map[string][]string{}
	for _, f := range r.Findings {
		repo, _ := f["repository"].(string)
		m[repo] = append(m[repo], f["file"].(string))
	}
	for _, v := range m {
		sort.Strings(v)
	}
	return m
}

// TestGitManyRepositoriesOneBroken: a list of repositories, some of which
// cannot be scanned (a path that does not exist, a directory that is not a
// repository, a URL that cannot be cloned): each is named on stderr, the
// others are scanned, findings name their repository, and the exit status
// is 1 with findings, 2 without (a failure never looks like a clean run).
func TestGitManyRepositoriesOneBroken(t *testing.T) {
	a, b := newCLIRepo(t), newCLIRepo(t)
	a.write("a.txt", gitToken(101)+"\n")
	a.commit("a")
	b.write("b.txt", gitToken(102)+"\n")
	b.commit("b")
	clean := newCLIRepo(t)
	clean.write("c.txt", "nothing here\n")
	clean.commit("c")
	missing := filepath.Join(t.TempDir(), "missing")
	plain := t.TempDir()
	unreachable := "file://" + filepath.Join(t.TempDir(), "gone.git")

	list := filepath.Join(t.TempDir(), "repos.txt")
	writeFile(t, list, "# the sweep\n"+a.dir+"\n"+missing+"\n\n"+plain+"\n"+unreachable+"\n"+b.dir+"\n")
	k := khRun{}
	res := k.run(t, "git", "--config", gitRulesFile(t), "-f", "json", "--repos-file", list, "-j", "2")
	if res.code != 1 {
		t.Fatalf("exit %d, want 1 (findings)\n%s", res.code, res.stderr)
	}
	r := parseFull(t, res.stdout)
	want := map[string][]string{a.dir: {"a.txt"}, b.dir: {"b.txt"}}
	if got := reposOf(r); !reflect.DeepEqual(got, want) {
		t.Errorf("findings by repository %v, want %v", got, want)
	}
	for _, bad := range []string{missing, plain, unreachable} {
		if !strings.Contains(res.stderr, bad) {
			t.Errorf("stderr does not name %s:\n%s", bad, res.stderr)
		}
	}
	if !strings.Contains(res.stderr, "3 of 5 repositories could not be scanned") {
		t.Errorf("no count of failed repositories:\n%s", res.stderr)
	}
	if r.Stats.Errors < 3 {
		t.Errorf("stats.errors %d, want >= 3", r.Stats.Errors)
	}

	// Without findings, a failed repository makes the run fail: exit 2.
	res = k.run(t, "git", "--config", gitRulesFile(t), "-q", clean.dir, missing)
	if res.code != 2 || !strings.Contains(res.stderr, missing) {
		t.Errorf("clean + missing: exit %d, want 2\n%s", res.code, res.stderr)
	}
	// --exit-code 0 hides findings, never failures.
	res = k.run(t, "git", "--config", gitRulesFile(t), "-q", "--exit-code", "0", a.dir, missing)
	if res.code != 2 {
		t.Errorf("--exit-code 0 with a failure: exit %d, want 2", res.code)
	}
	// The list from standard input, all fine: exit 0.
	res = khRun{stdin: clean.dir + "\n"}.run(t, "git", "--config", gitRulesFile(t), "-f", "json", "--repos-file", "-")
	if res.code != 0 {
		t.Errorf("clean list on stdin: exit %d\n%s", res.code, res.stderr)
	}
	// A list that cannot be read is a usage error.
	res = k.run(t, "git", "--repos-file", filepath.Join(t.TempDir(), "nope.txt"))
	if res.code != 2 || !strings.Contains(res.stderr, "--repos-file") {
		t.Errorf("missing list: exit %d %s", res.code, res.stderr)
	}
}

// TestGitShardsPartitionTheRepositories: the N shards of a list each scan
// a stable subset, together every repository exactly once; keyhound merge
// puts their reports back together.
func TestGitShardsPartitionTheRepositories(t *testing.T) {
	var list []string
	for i := 0; i < 6; i++ {
		r := newCLIRepo(t)
		r.write(fmt.Sprintf("s%d.txt", i), gitToken(int64(200+i))+"\n")
		r.commit("s")
		list = append(list, r.dir)
	}
	file := filepath.Join(t.TempDir(), "repos.txt")
	writeFile(t, file, strings.Join(list, "\n")+"\n")
	rules := gitRulesFile(t)
	out := t.TempDir()
	k := khRun{}
	seen := map[string]int{}
	var reports []string
	for shard := 1; shard <= 3; shard++ {
		rep := filepath.Join(out, fmt.Sprintf("shard-%d.json", shard))
		reports = append(reports, rep)
		res := k.run(t, "git", "--config", rules, "--repos-file", file, "--shard", fmt.Sprintf("%d/3", shard), "--exit-code", "0", "-f", "json", "-o", rep)
		if res.code != 0 {
			t.Fatalf("shard %d: exit %d\n%s", shard, res.code, res.stderr)
		}
		data, _ := os.ReadFile(rep)
		for repo := range reposOf(parseFull(t, string(data))) {
			seen[repo]++
		}
		// The same shard again (another machine, the list in another
		// order) scans the same repositories.
		rev := append([]string(nil), list...)
		sort.Sort(sort.Reverse(sort.StringSlice(rev)))
		file2 := filepath.Join(t.TempDir(), "repos.txt")
		writeFile(t, file2, strings.Join(rev, "\n")+"\n")
		res2 := k.run(t, "git", "--config", rules, "--repos-file", file2, "--shard", fmt.Sprintf("%d/3", shard), "-f", "json")
		if got, want := reposOf(parseFull(t, res2.stdout)), reposOf(parseFull(t, string(data))); !reflect.DeepEqual(got, want) {
			t.Errorf("shard %d differs with the list reversed: %v vs %v", shard, got, want)
		}
	}
	for _, r := range list {
		if seen[r] != 1 {
			t.Errorf("%s scanned by %d shards, want 1", r, seen[r])
		}
	}
	res := k.run(t, append([]string{"merge", "-f", "json"}, reports...)...)
	if res.code != 1 {
		t.Fatalf("merge: exit %d\n%s", res.code, res.stderr)
	}
	if got := len(parseFull(t, res.stdout).Findings); got != 6 {
		t.Errorf("merged %d findings, want 6", got)
	}
	if res := k.run(t, "git", "--shard", "4/3", list[0]); res.code != 2 || !strings.Contains(res.stderr, "--shard") {
		t.Errorf("--shard 4/3: exit %d %s", res.code, res.stderr)
	}
}

// TestGitIncrementalRescan: with --cache-dir, a second run over an
// unchanged history reads nothing and reports the same findings (with the
// same provenance); new commits are read and nothing old is, and the
// report equals a full scan's (a removal shows in removed_in); a changed
// rule set, another keyhound version or --full reads everything again.
func TestGitIncrementalRescan(t *testing.T) {
	r := newCLIRepo(t)
	r.write("README.md", "hello\n")
	r.commit("init")
	r.git("checkout", "-q", "-b", "feature")
	r.write("feature.txt", gitToken(302)+"\n")
	r.commit("feature")
	r.git("checkout", "-q", "main")
	old := gitToken(301)
	r.write("config/app.env", "TOKEN="+old+"\n")
	r.commit("add config")
	r.write("config/app.env", "TOKEN="+old+"\nDEBUG=1\n")
	r.write("src/main.go", "package main\n")
	r.commit("edit config")

	rules := gitRulesFile(t)
	cache := t.TempDir()
	k := khRun{}
	scan := func(extra ...string) fullJSON {
		t.Helper()
		args := append([]string{"git", "--config", rules, "-f", "json", "--cache-dir", cache}, extra...)
		res := k.run(t, append(args, r.dir)...)
		if res.code != 1 {
			t.Fatalf("exit %d\n%s", res.code, res.stderr)
		}
		return parseFull(t, res.stdout)
	}
	noCache := func() fullJSON {
		t.Helper()
		res := k.run(t, "git", "--config", rules, "-f", "json", r.dir)
		return parseFull(t, res.stdout)
	}

	first := scan()
	if first.Stats.Blobs == 0 || len(first.Findings) != 2 {
		t.Fatalf("first run: %d blobs, %d findings", first.Stats.Blobs, len(first.Findings))
	}
	total := first.Stats.Blobs

	second := scan()
	if second.Stats.Blobs != 0 || second.Stats.Files != 0 {
		t.Errorf("unchanged history: %d blobs read, want 0", second.Stats.Blobs)
	}
	if !reflect.DeepEqual(second.Findings, first.Findings) {
		t.Errorf("unchanged history: findings differ\nfirst  %v\nsecond %v", first.Findings, second.Findings)
	}
	if second.Stats.Commits != first.Stats.Commits {
		t.Errorf("commits %d, want %d", second.Stats.Commits, first.Stats.Commits)
	}

	// A new ref and no new object: the history is walked again, but every
	// blob is known.
	r.git("branch", "also-feature", "feature")
	third := scan()
	if third.Stats.Blobs != 0 {
		t.Errorf("new branch, no new blob: %d blobs read, want 0", third.Stats.Blobs)
	}
	if want := noCache(); !reflect.DeepEqual(third.Findings, want.Findings) {
		t.Errorf("new branch: findings differ from a full scan\ngot  %v\nwant %v", third.Findings, want.Findings)
	}

	// New commits: the old secret removed, a new one added. Only the new
	// blobs are read; the report is a full scan's.
	r.write("config/app.env", "DEBUG=1\n")
	r.write("deploy/key.txt", "k="+gitToken(303)+"\n")
	removal := r.commit("rotate")
	fourth := scan()
	if fourth.Stats.Blobs != 2 {
		t.Errorf("two new blobs: %d read", fourth.Stats.Blobs)
	}
	full := noCache()
	if !reflect.DeepEqual(fourth.Findings, full.Findings) {
		t.Errorf("after new commits: findings differ from a full scan\ngot  %v\nwant %v", fourth.Findings, full.Findings)
	}
	var removed bool
	for _, f := range fourth.Findings {
		if f["file"] == "config/app.env" {
			ri, _ := f["removed_in"].(map[string]any)
			removed = ri != nil && ri["commit"] == removal && f["present_at_head"] == false
		}
	}
	if len(fourth.Findings) != 3 || !removed {
		t.Errorf("want 3 findings, the old one removed in %s: %v", removal, fourth.Findings)
	}

	// Another rule set (here: one more rule) matches everything again.
	rules2 := filepath.Join(t.TempDir(), "rules2.toml")
	writeFile(t, rules2, gitTestRules+"\n[[rules]]\nid = \"other\"\ndescription = \"other\"\nregex = '''zzq_[0-9]{30}'''\nkeywords = [\"zzq_\"]\n")
	res := k.run(t, "git", "--config", rules2, "-f", "json", "--cache-dir", cache, r.dir)
	if got := parseFull(t, res.stdout); got.Stats.Blobs != full.Stats.Blobs || len(got.Findings) != 3 {
		t.Errorf("new rules: %d blobs read, want %d; %d findings", got.Stats.Blobs, full.Stats.Blobs, len(got.Findings))
	}
	// ... and then nothing again.
	res = k.run(t, "git", "--config", rules2, "-f", "json", "--cache-dir", cache, r.dir)
	if got := parseFull(t, res.stdout); got.Stats.Blobs != 0 || len(got.Findings) != 3 {
		t.Errorf("new rules, second run: %d blobs read, %d findings", got.Stats.Blobs, len(got.Findings))
	}
	// Another keyhound version matches everything again.
	res = khRun{version: "v9.9.9"}.run(t, "git", "--config", rules2, "-f", "json", "--cache-dir", cache, r.dir)
	if got := parseFull(t, res.stdout); got.Stats.Blobs != full.Stats.Blobs {
		t.Errorf("new version: %d blobs read, want %d", got.Stats.Blobs, full.Stats.Blobs)
	}
	// --full reads everything.
	if got := scan("--full"); got.Stats.Blobs != full.Stats.Blobs || !reflect.DeepEqual(got.Findings, full.Findings) {
		t.Errorf("--full: %d blobs read, want %d", got.Stats.Blobs, full.Stats.Blobs)
	}
	if total == 0 {
		t.Fatal("unreachable")
	}

	// A range scan uses the record too: the blobs are all known.
	res = k.run(t, "git", "--config", rules, "-f", "json", "--cache-dir", cache, "--range", "HEAD~1..HEAD", r.dir)
	if got := parseFull(t, res.stdout); got.Stats.Blobs != 0 || len(got.Findings) != 1 {
		t.Errorf("--range with the record: %d blobs read, %d findings", got.Stats.Blobs, len(got.Findings))
	}

	// A record that is not one (truncated, overwritten) is started afresh.
	recs, _ := filepath.Glob(filepath.Join(cache, "records", "*", "*.rec"))
	if len(recs) != 1 {
		t.Fatalf("records %v, want one (the old rule set's removed)", recs)
	}
	if err := os.WriteFile(recs[0], []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	res = k.run(t, "git", "--config", rules, "-f", "json", "--cache-dir", cache, r.dir)
	if got := parseFull(t, res.stdout); res.code != 1 || got.Stats.Blobs != full.Stats.Blobs || !strings.Contains(res.stderr, "starting afresh") {
		t.Errorf("corrupt record: exit %d, %d blobs read\n%s", res.code, got.Stats.Blobs, res.stderr)
	}
	if st, err := os.Stat(recs[0]); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("record mode: %v %v", st, err)
	}
}

// TestGitCacheMirrorReuse: a URL is cloned into the cache once; later runs
// fetch only what is new into the same mirror (the first pack stays), and
// branches deleted on the server are pruned from it.
func TestGitCacheMirrorReuse(t *testing.T) {
	src := newCLIRepo(t)
	src.write("a.txt", gitToken(401)+"\n")
	src.commit("a")
	src.git("checkout", "-q", "-b", "wip")
	src.write("wip.txt", gitToken(402)+"\n")
	src.commit("wip")
	src.git("checkout", "-q", "main")
	url := "file://" + src.dir
	cache := t.TempDir()
	rules := gitRulesFile(t)
	k := khRun{}

	res := k.run(t, "git", "--config", rules, "-f", "json", "--cache-dir", cache, url)
	if res.code != 1 || !strings.Contains(res.stderr, "1 mirror cloned, 0 fetched") {
		t.Fatalf("first run: exit %d\n%s", res.code, res.stderr)
	}
	if n := len(parseFull(t, res.stdout).Findings); n != 2 {
		t.Fatalf("first run: %d findings", n)
	}
	mirrors, _ := filepath.Glob(filepath.Join(cache, "mirrors", "*.git"))
	if len(mirrors) != 1 {
		t.Fatalf("mirrors %v", mirrors)
	}
	mirror := mirrors[0]
	packs, _ := filepath.Glob(filepath.Join(mirror, "objects", "pack", "*.pack"))
	marker := filepath.Join(mirror, "keyhound-test-marker")
	writeFile(t, marker, "x")

	src.write("b.txt", gitToken(403)+"\n")
	src.commit("b")
	src.git("branch", "-D", "wip")
	res = k.run(t, "git", "--config", rules, "-f", "json", "--cache-dir", cache, url)
	if res.code != 1 || !strings.Contains(res.stderr, "0 mirrors cloned, 1 fetched") {
		t.Fatalf("second run: exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("the mirror was replaced, not fetched into: %v", err)
	}
	for _, p := range packs {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("first pack gone: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(mirror, "refs", "heads", "wip")); err == nil {
		t.Errorf("deleted branch wip still in the mirror")
	}
	got := parseFull(t, res.stdout)
	files := reposOf(got)[""]
	// wip.txt's commit is unreachable now: only a.txt and b.txt.
	if !reflect.DeepEqual(files, []string{"a.txt", "b.txt"}) {
		t.Errorf("second run files %v", files)
	}
	if got.Stats.Blobs != 1 {
		t.Errorf("second run read %d blobs, want 1 (b.txt)", got.Stats.Blobs)
	}
	for _, f := range got.Findings {
		if f["repository"] != nil {
			t.Errorf("one repository: repository set: %v", f["repository"])
		}
	}
}

// gitHTTPServer serves the bare repositories under root over git's smart
// HTTP protocol (git http-backend through CGI) on 127.0.0.1, requiring
// HTTP basic auth with password token; requests records what it was sent.
func gitHTTPServer(t *testing.T, root, token string) (*httptest.Server, *strings.Builder) {
	t.Helper()
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skip("git --exec-path:", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(backend); err != nil {
		t.Skip("no git-http-backend")
	}
	h := &cgi.Handler{
		Path: backend,
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + t.TempDir()},
	}
	var log strings.Builder
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pass, ok := r.BasicAuth()
		log.WriteString(r.Method + " " + r.URL.String() + " " + r.Header.Get("Authorization") + "\n")
		if !ok || pass != token {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &log
}

// TestGitHTTPSCredentialsFromTheEnvironment: a private repository over
// HTTP is cloned with the token from $KEYHOUND_GIT_TOKEN (or one embedded
// in the URL), and the token is never written to the cache, the report or
// stderr; without it, the repository fails with a message that names it.
func TestGitHTTPSCredentialsFromTheEnvironment(t *testing.T) {
	src := newCLIRepo(t)
	secret := gitToken(501)
	src.write("a.txt", secret+"\n")
	src.commit("a")
	root := t.TempDir()
	bare := filepath.Join(root, "private.git")
	if out, err := exec.Command("git", "clone", "-q", "--bare", src.dir, bare).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	token := "tok-" + gitToken(502)[4:]
	srv, log := gitHTTPServer(t, root, token)
	url := srv.URL + "/private.git"
	rules := gitRulesFile(t)
	cache := t.TempDir()

	// No token: the clone fails, named on stderr; exit 2.
	res := khRun{}.run(t, "git", "--config", rules, "--cache-dir", cache, url)
	if res.code != 2 || !strings.Contains(res.stderr, url) {
		t.Fatalf("without a token: exit %d\n%s", res.code, res.stderr)
	}

	// The token from the environment, twice (clone, then fetch), and one
	// run with the token in the URL instead.
	withEnv := khRun{env: map[string]string{"KEYHOUND_GIT_TOKEN": token}}
	var outputs []string
	for i := 0; i < 2; i++ {
		res = withEnv.run(t, "git", "--config", rules, "-f", "json", "--cache-dir", cache, url, src.dir)
		if res.code != 1 {
			t.Fatalf("with the token (run %d): exit %d\n%s", i+1, res.code, res.stderr)
		}
		outputs = append(outputs, res.stdout, res.stderr)
		if got := reposOf(parseFull(t, res.stdout)); !reflect.DeepEqual(got[url], []string{"a.txt"}) {
			t.Errorf("run %d: findings %v", i+1, got)
		}
	}
	inURL := strings.Replace(url, "http://", "http://ci:"+token+"@", 1)
	res = khRun{}.run(t, "git", "--config", rules, "-f", "json", "--cache-dir", cache, inURL, src.dir)
	if res.code != 1 {
		t.Fatalf("token in the URL: exit %d\n%s", res.code, res.stderr)
	}
	if got := reposOf(parseFull(t, res.stdout)); !reflect.DeepEqual(got[url], []string{"a.txt"}) {
		t.Errorf("token in the URL: findings %v, want them under %s", got, url)
	}
	outputs = append(outputs, res.stdout, res.stderr)
	if !strings.Contains(log.String(), "Basic ") {
		t.Fatalf("no credentials were sent:\n%s", log.String())
	}
	for i, o := range outputs {
		if strings.Contains(o, token) {
			t.Errorf("output %d contains the token:\n%s", i, o)
		}
	}
	err := filepath.Walk(cache, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(token)) {
			t.Errorf("%s holds the token", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGitEmptyRemoteThenFilled: an empty repository is scanned (nothing
// found, exit 0), with or without the cache; once commits are pushed to
// it, the cached mirror fetches them.
func TestGitEmptyRemoteThenFilled(t *testing.T) {
	src := newCLIRepo(t)
	bare := filepath.Join(t.TempDir(), "empty.git")
	if out, err := exec.Command("git", "init", "-q", "--bare", "-b", "main", bare).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	url := "file://" + bare
	cache := t.TempDir()
	rules := gitRulesFile(t)
	k := khRun{}
	for _, args := range [][]string{{url}, {"--cache-dir", cache, url}} {
		res := k.run(t, append([]string{"git", "--config", rules}, args...)...)
		if res.code != 0 || !strings.Contains(res.stderr, "is empty") {
			t.Fatalf("%v: exit %d\n%s", args, res.code, res.stderr)
		}
	}
	src.write("a.txt", gitToken(701)+"\n")
	src.commit("a")
	src.git("push", "-q", bare, "main")
	res := k.run(t, "git", "--config", rules, "-f", "json", "--cache-dir", cache, url)
	if res.code != 1 || !strings.Contains(res.stderr, "0 mirrors cloned, 1 fetched") {
		t.Fatalf("after a push: exit %d\n%s", res.code, res.stderr)
	}
	got := parseFull(t, res.stdout)
	if files := reposOf(got)[""]; !reflect.DeepEqual(files, []string{"a.txt"}) {
		t.Errorf("after a push: %v", files)
	}
	if len(got.Findings) == 1 && got.Findings[0]["present_at_head"] != true {
		t.Errorf("the mirror's HEAD does not follow the server's: present_at_head %v", got.Findings[0]["present_at_head"])
	}
}
