//go:build tools

// Command gen builds the benchmark corpus: a working tree of real source
// text (copies of the Go distribution's src/) of a chosen size, with fake
// secrets of several providers planted at deterministic places. It writes
// the list of planted secrets to <out>.planted so recall can be checked.
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/keyhound/keyhound/internal/testfixture"
)

func main() {
	out := flag.String("out", "", "directory to create (must not exist)")
	size := flag.Int64("size", 1<<30, "approximate total bytes")
	secrets := flag.Int("secrets", 300, "fake secrets to plant")
	src := flag.String("src", filepath.Join(runtime.GOROOT(), "src"), "source tree to copy")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "gen: -out is required")
		os.Exit(2)
	}
	if err := generate(*out, *src, *size, *secrets); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type file struct {
	rel  string
	data []byte
}

func generate(out, src string, size int64, nsecrets int) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists", out)
	}
	var files []file
	var total int64
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || strings.Contains(p, "/testdata/") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(src, p)
		files = append(files, file{rel, data})
		total += int64(len(data))
		return nil
	})
	if err != nil {
		return err
	}
	if total == 0 {
		return fmt.Errorf("no files under %s", src)
	}
	copies := int((size + total - 1) / total)
	r := rand.New(rand.NewSource(1))
	// Which (copy, file) pairs get a secret: deterministic.
	plant := map[[2]int]string{}
	var planted []string
	for len(planted) < nsecrets {
		c, i := r.Intn(copies), r.Intn(len(files))
		if !strings.HasSuffix(files[i].rel, ".go") || plant[[2]int{c, i}] != "" {
			continue
		}
		line := fakeSecret(r, len(planted))
		plant[[2]int{c, i}] = line
		planted = append(planted, fmt.Sprintf("copy%03d/%s\t%s", c, files[i].rel, line))
	}
	var written int64
	for c := 0; c < copies && written < size; c++ {
		for i, f := range files {
			p := filepath.Join(out, fmt.Sprintf("copy%03d", c), f.rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			data := f.data
			if line := plant[[2]int{c, i}]; line != "" {
				data = append(append(append([]byte{}, data...), "\n// config: "...), line+"\n"...)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				return err
			}
			written += int64(len(data))
		}
	}
	return os.WriteFile(out+".planted", []byte(strings.Join(planted, "\n")+"\n"), 0o644)
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func rnd(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

// fakeSecret returns an assignment holding a well-formed fake secret.
func fakeSecret(r *rand.Rand, i int) string {
	switch i % 5 {
	case 0:
		return "token := \"" + testfixture.GitHubToken("ghp_", rnd(r, alnum, 30)) + "\""
	case 1:
		return "AWS_ACCESS_KEY_ID=AKIA" + rnd(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
	case 2:
		return "slack := \"xoxb-" + rnd(r, "0123456789", 12) + "-" + rnd(r, "0123456789", 13) + "-" + rnd(r, alnum, 24) + "\""
	case 3:
		return "stripe := \"sk_live_" + rnd(r, alnum, 24) + "\""
	default:
		return "NPM_TOKEN=" + testfixture.NPMToken(rnd(r, alnum, 30))
	}
}
