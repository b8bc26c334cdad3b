package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/finding"
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
