package gitscan

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
	"github.com/keyhound/keyhound/scanner"
)

// editedHistory writes a fast-import stream: a few large files edited a
// few lines at a time, with secrets (one-line and multi-line) inserted,
// cut by edits, completed by edits, deleted and moved.
func editedHistory(seed int64, commits int) []byte {
	r := rand.New(rand.NewSource(seed))
	rnd := func(alpha string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[r.Intn(len(alpha))]
		}
		return string(b)
	}
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	secret := func() []string {
		switch r.Intn(6) {
		case 0:
			return []string{"  accessKeyId: AKIA" + rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16) + "\n"}
		case 1:
			return []string{"  stripeKey: sk_live_" + rnd(alnum, 24) + "\n"}
		case 2:
			return []string{"  slack: xoxb-" + rnd("123456789", 1) + rnd("0123456789", 11) + "-" + rnd("123456789", 1) + rnd("0123456789", 12) + "-" + rnd(alnum, 24) + "\n"}
		case 3:
			return []string{"  note: " + token(r.Int63()) + " é\n"}
		case 4:
			return []string{"  url: postgres://app:" + rnd(alnum, 16) + "@db.internal:5432/app\n"}
		default:
			raw := make([]byte, 300+r.Intn(400))
			r.Read(raw)
			b := base64.StdEncoding.EncodeToString(raw)
			out := []string{"  tls.key: |\n", "    -----BEGIN RSA PRIVATE KEY-----\n"}
			for len(b) > 64 {
				out = append(out, "    "+b[:64]+"\n")
				b = b[64:]
			}
			return append(out, "    "+b+"\n", "    -----END RSA PRIVATE KEY-----\n")
		}
	}
	words := []string{"image", "tag", "password", "key", "secret", "token", "enabled", "port", "名前", "the", "value"}
	line := func() string {
		n := 2 + r.Intn(10)
		ws := make([]string, n)
		for i := range ws {
			ws[i] = words[r.Intn(len(words))]
		}
		return strings.Repeat("  ", r.Intn(3)) + strings.Join(ws, " ") + ":\n"
	}
	files := make([][]string, 3)
	for i := range files {
		for n := 0; n < 150+i*100; n++ {
			files[i] = append(files[i], line())
		}
	}
	var out bytes.Buffer
	when := int64(1700000000)
	for c := 0; c < commits; c++ {
		fi := r.Intn(len(files))
		f := files[fi]
		for k := 1 + r.Intn(3); k > 0; k-- {
			at := r.Intn(len(f))
			switch r.Intn(7) {
			case 0, 1: // a secret inserted
				f = append(f[:at], append(secret(), f[at:]...)...)
			case 2: // lines deleted
				f = append(f[:at], f[min(len(f), at+1+r.Intn(8)):]...)
			case 3: // a block moved
				n := min(len(f)-at, 1+r.Intn(30))
				block := append([]string(nil), f[at:at+n]...)
				rest := append(f[:at:at], f[at+n:]...)
				to := r.Intn(len(rest) + 1)
				f = append(rest[:to], append(block, rest[to:]...)...)
			case 4: // a line cut in two, or two lines joined (secrets cut or completed)
				l := f[at]
				if cut := r.Intn(len(l)); r.Intn(2) == 0 {
					f = append(f[:at], append([]string{l[:cut] + "\n", l[cut:]}, f[at+1:]...)...)
				} else if at+1 < len(f) {
					f = append(f[:at], append([]string{strings.TrimSuffix(l, "\n") + f[at+1]}, f[at+2:]...)...)
				}
			default: // a line replaced
				f[at] = line()
			}
		}
		files[fi] = f
		when += 60
		fmt.Fprintf(&out, "commit refs/heads/main\ncommitter A <a@example.com> %d +0000\ndata 2\nc\n", when)
		for i, lines := range files {
			if c > 0 && i != fi {
				continue
			}
			content := strings.Join(lines, "")
			fmt.Fprintf(&out, "M 100644 inline chart%d/values.yaml\ndata %d\n%s\n", i, len(content), content)
		}
		out.WriteString("\n")
	}
	return out.Bytes()
}

// TestMatchFromDeltaBase scans generated histories, packed by git with
// deep delta chains, matching blobs from their delta bases, and checks the
// findings against a scan that matches every blob whole.
func TestMatchFromDeltaBase(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	def, err := os.ReadFile("../../rules.toml")
	if err != nil {
		t.Fatal(err)
	}
	set, _, err := rules.Load(rules.LoadOptions{Default: def})
	if err != nil {
		t.Fatal(err)
	}
	m := scanner.NewMatcher(set)
	for _, seed := range []int64{1} {
		dir := t.TempDir()
		var when int64
		runGit(t, dir, &when, "init", "-q", "--bare", "-b", "main")
		cmd := exec.Command("git", "fast-import", "--quiet")
		cmd.Dir = dir
		cmd.Stdin = bytes.NewReader(editedHistory(seed, 80))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("fast-import: %v\n%s", err, out)
		}
		runGit(t, dir, &when, "repack", "-adfq", "--window=10", "--depth=50")
		scan := func(reader string) ([]finding.Finding, Result) {
			var fs []finding.Finding
			var cnt scanner.Counters
			res, err := Scan(context.Background(), dir, m, scanner.Options{Workers: 2}, &cnt, func(f finding.Finding) { fs = append(fs, f) }, Options{Reader: reader})
			if err != nil || cnt.Errors.Load() > 0 {
				t.Fatalf("%s reader: %v (%d errors)", reader, err, cnt.Errors.Load())
			}
			finding.Sort(fs)
			return fs, res
		}
		got, res := scan("pack")
		t.Logf("seed %d: %d of %d blobs from base", seed, res.FromBase, res.Blobs)
		want, _ := scan("go-git") // every blob matched whole
		if res.FromBase < res.Blobs/2 || len(want) < 20 {
			t.Fatalf("seed %d: %d of %d blobs matched from their base, %d findings: the test proves nothing", seed, res.FromBase, res.Blobs, len(want))
		}
		if !reflect.DeepEqual(got, want) {
			for i := 0; i < max(len(got), len(want)); i++ {
				var g, w finding.Finding
				if i < len(got) {
					g = got[i]
				}
				if i < len(want) {
					w = want[i]
				}
				if !reflect.DeepEqual(g, w) {
					t.Fatalf("seed %d: finding %d from delta bases:\n%+v\nwhole:\n%+v", seed, i, g, w)
				}
			}
		}
	}
}
