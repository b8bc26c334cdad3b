package cmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/gitcache"
	"github.com/keyhound/keyhound/scanner/gitscan"
	"github.com/keyhound/keyhound/verify"
)

// verifyOptions are the live verification flags (--verify and friends).
type verifyOptions struct {
	on       bool
	only     bool          // --only-verified: report (and deliver) only live findings
	workers  int           // --verify-workers
	timeout  time.Duration // --verify-timeout, per request
	cacheDir string        // results across runs; "" keeps them for this run only
}

func addVerifyFlags(c *cobra.Command, o *verifyOptions) {
	f := c.Flags()
	f.BoolVar(&o.on, "verify", false, "check each found secret against its provider's API (read-only requests over HTTPS to the provider's fixed hosts; see docs/verification.md)")
	f.BoolVar(&o.only, "only-verified", false, "report only findings whose secret is verified live (implies --verify)")
	f.IntVar(&o.workers, "verify-workers", verify.DefaultWorkers, "verification requests in flight at once")
	f.DurationVar(&o.timeout, "verify-timeout", verify.DefaultTimeout, "timeout of each verification request")
}

// addVerifyCacheFlag adds --cache-dir to commands that have none of their
// own (dir, stdin): there it holds only verification results.
func addVerifyCacheFlag(c *cobra.Command, o *verifyOptions) {
	c.Flags().StringVar(&o.cacheDir, "cache-dir", "", "with --verify: keep verification results in `DIR` for 24 h (hashes of the secrets, never the secrets)")
}

// check validates the flags.
func (o *verifyOptions) check() error {
	if o.only {
		o.on = true
	}
	if !o.on {
		return nil
	}
	if o.workers < 1 {
		return fmt.Errorf("--verify-workers %d: must be 1 or more", o.workers)
	}
	if o.timeout <= 0 {
		return fmt.Errorf("--verify-timeout %s: must be positive", o.timeout)
	}
	return nil
}

// stage returns the verification stage of a run, or nil without --verify.
func (o *verifyOptions) stage(ctx context.Context, text func(*finding.Finding) []byte) (*verify.Stage, error) {
	if !o.on {
		return nil, nil
	}
	cache, err := verify.NewCache(o.cacheDir, verify.DefaultTTL, nil)
	if err != nil {
		return nil, fmt.Errorf("--cache-dir: %w", err)
	}
	return verify.NewStage(ctx, verify.Options{
		Client:  verify.NewClient(verify.ClientOptions{Timeout: o.timeout, PerHost: min(o.workers, verify.DefaultPerHost), UserAgent: "keyhound-verify"}),
		Cache:   cache,
		Workers: o.workers,
		Context: text,
	}), nil
}

// verifySummary counts the outcomes for the summary line.
func verifySummary(found []finding.Finding) string {
	by := map[string]int{}
	for i := range found {
		by[found[i].Verification.State()]++
	}
	parts := []string{fmt.Sprintf("%d live", by[finding.StatusLive]), fmt.Sprintf("%d invalid", by[finding.StatusInvalid]), fmt.Sprintf("%d error", by[finding.StatusError])}
	if n := by[finding.StatusUnknown]; n > 0 {
		parts = append(parts, fmt.Sprintf("%d unknown", n))
	}
	return "verified: " + strings.Join(parts, ", ")
}

// contextMax bounds the text read for a finding's companion values.
const contextMax = 1 << 20

// headBuffer keeps the first max bytes written to it.
type headBuffer struct {
	buf bytes.Buffer
	max int
}

func (h *headBuffer) Write(p []byte) (int, error) {
	if room := h.max - h.buf.Len(); room > 0 {
		h.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// dirContext returns the text (its first MiB) of the file a dir finding
// is in, found again under the scanned paths as dirScan named it; nil for
// an archive member or a file that is no longer a regular file.
func dirContext(paths []string) func(f *finding.Finding) []byte {
	roots := dirRoots(paths)
	return func(f *finding.Finding) []byte {
		if strings.Contains(f.File, "!") {
			return nil
		}
		var disk string
		for i, a := range paths {
			prefix := ""
			if len(paths) > 1 && roots[i] != "" {
				prefix = filepath.ToSlash(filepath.Clean(a))
			}
			switch {
			case roots[i] == "" && (len(paths) == 1 || f.File == filepath.ToSlash(a) || f.File == filepath.ToSlash(filepath.Clean(a))):
				disk = a
			case prefix == "":
				if len(paths) == 1 {
					disk = filepath.Join(a, filepath.FromSlash(f.File))
				}
			case strings.HasPrefix(f.File, prefix+"/"):
				disk = filepath.Join(a, filepath.FromSlash(strings.TrimPrefix(f.File, prefix+"/")))
			}
			if disk != "" {
				break
			}
		}
		if disk == "" {
			return nil
		}
		st, err := os.Lstat(disk)
		if err != nil || !st.Mode().IsRegular() {
			return nil
		}
		fh, err := os.Open(disk)
		if err != nil {
			return nil
		}
		defer fh.Close()
		b, _ := io.ReadAll(io.LimitReader(fh, contextMax))
		return b
	}
}

// gitContext returns the text (its first MiB) of the blob a git finding
// is in, read from its local repository at its commit; nil for a cloned
// URL (the clone is gone by then), an archive member or staged content.
func gitContext(targets []string, multi bool) func(f *finding.Finding) []byte {
	var mu sync.Mutex
	repos := map[string]*git.Repository{}
	return func(f *finding.Finding) []byte {
		if f.Commit == "" || strings.Contains(f.File, "!") || !plumbing.IsHash(f.Commit) {
			return nil
		}
		target := ""
		for _, t := range targets {
			if !multi || gitcache.Redact(t) == f.Repository {
				target = t
				break
			}
		}
		if target == "" || gitscan.IsURL(target) {
			return nil
		}
		mu.Lock()
		r, ok := repos[target]
		if !ok {
			r, _ = git.PlainOpenWithOptions(target, &git.PlainOpenOptions{DetectDotGit: true})
			repos[target] = r
		}
		mu.Unlock()
		if r == nil {
			return nil
		}
		c, err := r.CommitObject(plumbing.NewHash(f.Commit))
		if err != nil {
			return nil
		}
		file, err := c.File(f.File)
		if err != nil {
			return nil
		}
		rd, err := file.Reader()
		if err != nil {
			return nil
		}
		defer rd.Close()
		b, _ := io.ReadAll(io.LimitReader(rd, contextMax))
		return b
	}
}
