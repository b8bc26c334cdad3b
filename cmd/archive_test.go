package cmd

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// archived builds archives in memory for the end-to-end tests.
func zipBytes(t *testing.T, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, files[i+1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tarBytes(t *testing.T, files ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for i := 0; i+1 < len(files); i += 2 {
		tw.WriteHeader(&tar.Header{Name: files[i], Mode: 0o644, Size: int64(len(files[i+1])), Typeflag: tar.TypeReg})
		io.WriteString(tw, files[i+1])
	}
	tw.Close()
	return b.Bytes()
}

func gzipBytes(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

func xzBytes(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	w, err := xz.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// bzip2Bytes compresses with the bzip2 program (the standard library only
// decompresses); the case is skipped without it.
func bzip2Bytes(t *testing.T, data []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath("bzip2"); err != nil {
		return nil
	}
	c := exec.Command("bzip2", "-c")
	c.Stdin = bytes.NewReader(data)
	out, err := c.Output()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

type jsonFinding struct {
	RuleID  string   `json:"rule_id"`
	File    string   `json:"file"`
	Line    int      `json:"line"`
	Column  int      `json:"column"`
	Secret  string   `json:"secret"`
	Commit  string   `json:"commit"`
	Decoded []string `json:"decoded"`
}

func parseFindings(t *testing.T, out string) []jsonFinding {
	t.Helper()
	var rep struct{ Findings []jsonFinding }
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, out)
	}
	return rep.Findings
}

// keys lists findings as "rule file:line:col decoded" lines, sorted.
func keys(fs []jsonFinding) []string {
	var k []string
	for _, f := range fs {
		k = append(k, f.RuleID+" "+f.File+":"+itoa(f.Line)+":"+itoa(f.Column)+" "+strings.Join(f.Decoded, ","))
	}
	sort.Strings(k)
	return k
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestArchiveFormats: a secret in each archive format, found by magic bytes
// whatever the name, and in nested archives, is reported as outer!member
// with its line and column in the member; --max-archive-depth bounds the
// nesting (with a notice) and 0 turns archives off.
func TestArchiveFormats(t *testing.T) {
	env := func(seed int64) string { return "APP=1\nTOKEN=" + token(seed) + "\n" }
	dir := t.TempDir()
	inner := gzipBytes(tarBytes(t, "c/.env", env(3)))
	files := map[string][]byte{
		"backup.zip":        zipBytes(t, "config/.env", env(1)),
		"app.jar":           zipBytes(t, "META-INF/app.properties", env(2)),
		"bundle.bin":        zipBytes(t, "x/.env", env(4)), // a zip by its bytes, not its name
		"a.zip":             zipBytes(t, "b.tar.gz", string(inner)),
		"release.tar.gz":    gzipBytes(tarBytes(t, "config/.env", env(5))),
		"plain.tar":         tarBytes(t, "etc/.env", env(6)),
		"notes.env.xz":      xzBytes(t, []byte(env(7))),
		"corrupt.zip":       []byte("PK\x03\x04 this is not a zip at all"),
		"truncated.tar.gz":  gzipBytes(tarBytes(t, "big/.env", env(8)+strings.Repeat("x", 4000)))[:200],
		"ok.env":            []byte(env(9)),
		"evil.zip":          zipBytes(t, "../../../etc/\x1b[31mcron\n.env", env(10)),
		"release.tgz":       gzipBytes(tarBytes(t, "d/.env", env(11))),
		"lib.whl":           zipBytes(t, "pkg/settings.py", "TOKEN = '"+token(12)+"'\n"),
		"deep.zip":          zipBytes(t, "l2.zip", string(zipBytes(t, "l3.zip", string(zipBytes(t, "l4.zip", string(zipBytes(t, "x.env", env(13)))))))),
		"ignored/other.txt": []byte("nothing"),
	}
	want := []string{
		"kh-test-token a.zip!b.tar.gz!c/.env:2:7 ",
		"kh-test-token app.jar!META-INF/app.properties:2:7 ",
		"kh-test-token backup.zip!config/.env:2:7 ",
		"kh-test-token bundle.bin!x/.env:2:7 ",
		"kh-test-token evil.zip!etc/?[31mcron?.env:2:7 ",
		"kh-test-token lib.whl!pkg/settings.py:1:10 ",
		"kh-test-token notes.env.xz!notes.env:2:7 ",
		"kh-test-token ok.env:2:7 ",
		"kh-test-token plain.tar!etc/.env:2:7 ",
		"kh-test-token release.tar.gz!config/.env:2:7 ",
		"kh-test-token release.tgz!d/.env:2:7 ",
		"kh-test-token truncated.tar.gz!big/.env:2:7 ", // before the cut
	}
	if bz := bzip2Bytes(t, []byte(env(14))); bz != nil {
		files["dump.env.bz2"] = bz
		want = append(want, "kh-test-token dump.env.bz2!dump.env:2:7 ")
		sort.Strings(want)
	}
	for name, data := range files {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := run(t, "", "dir", "-f", "json", "--no-progress", dir)
	if r.code != 1 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	got := keys(parseFindings(t, r.stdout))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, notice := range []string{"corrupt.zip: archive not scanned in full", "truncated.tar.gz: archive not scanned in full",
		"deep.zip!l2.zip!l3.zip!l4.zip: zip archive nested deeper than --max-archive-depth 3"} {
		if !strings.Contains(r.stderr, notice) {
			t.Errorf("no notice %q in stderr:\n%s", notice, r.stderr)
		}
	}
	if strings.ContainsAny(r.stderr, "\x1b") {
		t.Errorf("a member name reached stderr raw: %q", r.stderr)
	}
	// Deeper nesting when asked; none at 0.
	r = run(t, "", "dir", "-f", "json", "--no-progress", "--max-archive-depth", "4", filepath.Join(dir, "deep.zip"))
	if got := keys(parseFindings(t, r.stdout)); len(got) != 1 || !strings.Contains(got[0], "deep.zip!l2.zip!l3.zip!l4.zip!x.env:2:7") {
		t.Errorf("depth 4: %v", got)
	}
	r = run(t, "", "dir", "-f", "json", "--no-progress", "--max-archive-depth", "0", dir)
	if got := keys(parseFindings(t, r.stdout)); len(got) != 1 || !strings.Contains(got[0], "ok.env") {
		t.Errorf("--max-archive-depth 0: %v", got)
	}
	if r := run(t, "", "dir", "--max-archive-depth", "-1", dir); r.code != 2 || !strings.Contains(r.stderr, "--max-archive-depth") {
		t.Errorf("--max-archive-depth -1: exit %d, %s", r.code, r.stderr)
	}
}

// TestArchiveOnStdin: an archive piped in is opened; members are reported
// under the --name given.
func TestArchiveOnStdin(t *testing.T) {
	r := run(t, string(gzipBytes(tarBytes(t, "config/.env", "TOKEN="+token(20)+"\n"))), "stdin", "--name", "upload.tgz", "-f", "json")
	if got := keys(parseFindings(t, r.stdout)); len(got) != 1 || got[0] != "kh-test-token upload.tgz!config/.env:1:7 " {
		t.Errorf("stdin: exit %d %v\n%s", r.code, got, r.stderr)
	}
}

// TestCompressedStreamBound: a compressed log past 1 MiB is scanned up to
// the bound — the token on its first line is found, the one at its end is
// not — and the cut is a notice, the summary and stats.expansion_stopped,
// even with -q.
func TestCompressedStreamBound(t *testing.T) {
	log := "TOKEN=" + token(30) + "\n" + strings.Repeat("GET /healthz 200\n", 80000) + "TOKEN=" + token(31) + "\n"
	r := run(t, string(gzipBytes([]byte(log))), "stdin", "--name", "app.log.gz", "-f", "json")
	if got := keys(parseFindings(t, r.stdout)); len(got) != 1 || got[0] != "kh-test-token app.log.gz!app.log:1:7 " {
		t.Errorf("findings %v, want the first line's token only\n%s", got, r.stderr)
	}
	for _, want := range []string{"app.log.gz: stopped at the 1048576-byte compressed stream bound; the rest is not scanned", "1 stopped at an archive bound"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("no %q in stderr:\n%s", want, r.stderr)
		}
	}
	r = run(t, string(gzipBytes([]byte(log))), "stdin", "--name", "app.log.gz", "-f", "json", "-q")
	var rep struct {
		Stats struct {
			ExpansionStopped int `json:"expansion_stopped"`
		} `json:"stats"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Stats.ExpansionStopped != 1 {
		t.Errorf("-q: stats.expansion_stopped = %d (%v), want 1", rep.Stats.ExpansionStopped, err)
	}
}

// TestArchiveInGitHistory: a zip committed and later deleted is scanned in
// the blob of the commit that added it, with that commit's provenance.
func TestArchiveInGitHistory(t *testing.T) {
	repo := newCLIRepo(t)
	repo.write("README.md", "hello\n")
	repo.commit("init")
	repo.write("dist/release.zip", string(zipBytes(t, "config/.env", "TOKEN="+gitToken(21)+"\n")))
	added := repo.commit("add release")
	os.Remove(filepath.Join(repo.dir, "dist/release.zip"))
	repo.commit("remove release")
	r := run(t, "", "git", "-c", gitRulesFile(t), "-f", "json", repo.dir)
	fs := parseFindings(t, r.stdout)
	if len(fs) != 1 || fs[0].File != "dist/release.zip!config/.env" || fs[0].Line != 1 || fs[0].Column != 7 || fs[0].Commit != added || fs[0].Secret != gitToken(21) {
		t.Errorf("exit %d findings %+v\n%s", r.code, fs, r.stderr)
	}
}

// fakeRSAKey is a freshly generated PKCS#8 PEM key: never a real credential.
func fakeRSAKey(t *testing.T) string {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// TestDecodedSecrets: the named cases of encoded secrets are reported under
// the decoded secret's own rule, located at the encoded text, with how they
// were decoded, and the manifest-level finding of the same secret is not
// reported again; placeholders, images, hashes and integrity strings stay
// quiet.
func TestDecodedSecrets(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	pat := func(seed int64) string { return fakeGitHubPAT(seed) }
	dockerCfg, _ := json.MarshalIndent(map[string]any{"auths": map[string]any{
		"ghcr.io":  map[string]string{"auth": b64("ci:" + pat(31))},
		"quay.io":  map[string]string{"auth": b64("robot:" + pat(32))},
		"gcr.io":   map[string]string{"auth": b64("deploy:Zq8XwLp3Vr6NtYk2Ab9")},
		"docker.x": map[string]string{"auth": b64("deploy:Hq2YwLp3Vr6NtYk2Ab7")},
	}}, "", "  ")
	legacy, _ := json.Marshal(map[string]any{"https://index.docker.io/v1/": map[string]string{"auth": b64("u:" + pat(33)), "email": "ci@acme.io"}})
	key := fakeRSAKey(t)
	sa, _ := json.MarshalIndent(map[string]string{"type": "service_account", "project_id": "p", "private_key": key, "client_email": "x@p.iam.gserviceaccount.com"}, "", "  ")
	dir := t.TempDir()
	files := map[string]string{
		"k8s/secret.yaml":    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: gh\ndata:\n  token: " + b64(pat(34)) + "\n  password: cGFzc3dvcmQ=\n  other: " + b64("changeme") + "\n  r: " + b64("REPLACE_ME") + "\n",
		"k8s/nested.yaml":    "kind: Secret\ndata:\n  config.json: " + b64(string(dockerCfg)) + "\n",
		"docker/config.json": string(dockerCfg),
		"docker/.dockercfg":  string(legacy),
		"http/request.txt":   "GET / HTTP/1.1\nAuthorization: Basic " + b64("ci:"+pat(35)) + "\n",
		".npmrc":             "registry=https://npm.acme.io/\n_auth=" + b64("ci:"+pat(36)) + "\n",
		"gcp/sa.json":        string(sa),
		"web/site.css":       ".logo { background: url(data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==); }\n",
		"web/index.html":     "<img src=\"data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7\">\n",
		"package-lock.json":  `{"packages": {"node_modules/x": {"integrity": "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="}}}` + "\n",
		"checksums.txt":      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty\n",
		"go.sum":             "golang.org/x/text v0.3.0 h1:g61tztE5qeGQ89tm6NTjjM9VPIm088od1l6aSorWRWg=\n",
		"hex/token.txt":      "value: " + strings.Join([]string{"6768705f", "hex"}, "") + "\n", // short: not decoded
		"escaped/creds.json": `{"aws_secret_access_key": "wJalrXUtnFEMI\/K7MDENG\/bPxRfiCYzq9Rt3Lk8Hv"}` + "\n",
	}
	for name, body := range files {
		writeFile(t, filepath.Join(dir, name), body)
	}
	r := runBuiltin(t, "dir", "-f", "json", "--no-progress", dir)
	fs := parseFindings(t, r.stdout)
	got := map[string][]string{}
	for _, f := range fs {
		got[f.File] = append(got[f.File], f.RuleID+"/"+strings.Join(f.Decoded, ","))
	}
	want := map[string][]string{
		"k8s/secret.yaml":    {"github-pat/base64"},
		"k8s/nested.yaml":    {"docker-registry-config-auth/base64", "docker-registry-config-auth/base64", "github-pat/base64,base64", "github-pat/base64,base64"},
		"docker/config.json": {"docker-registry-config-auth/", "docker-registry-config-auth/", "github-pat/base64", "github-pat/base64"},
		"docker/.dockercfg":  {"github-pat/base64"},
		"http/request.txt":   {"github-pat/base64"},
		".npmrc":             {"github-pat/base64"},
		"gcp/sa.json":        {"private-key-pkcs8/"},
		"escaped/creds.json": {"generic-api-key/escape"},
	}
	for file, rules := range got {
		sort.Strings(rules)
		if strings.Join(rules, " ") != strings.Join(want[file], " ") {
			t.Errorf("%s: %v, want %v", file, rules, want[file])
		}
	}
	for file, rules := range want {
		if _, ok := got[file]; !ok {
			t.Errorf("%s: nothing found, want %v", file, rules)
		}
	}
	// Located at the encoded text, with the decoded secret.
	for _, f := range fs {
		if f.File == "k8s/secret.yaml" && (f.Line != 6 || f.Column != 10 || f.Secret != pat(34)) {
			t.Errorf("k8s finding at %d:%d secret %q", f.Line, f.Column, f.Secret)
		}
	}
	// Off: nothing decoded.
	r = runBuiltin(t, "dir", "-f", "json", "--no-progress", "--max-decode-depth", "0", filepath.Join(dir, "k8s/secret.yaml"))
	for _, f := range parseFindings(t, r.stdout) {
		if len(f.Decoded) > 0 {
			t.Errorf("--max-decode-depth 0 decoded %+v", f)
		}
	}
}
