package cmd

import (
	"github.com/spf13/cobra"

	"github.com/keyhound/keyhound/verify"
)

func addVerifyFlags(c *cobra.Command, o *verify.Settings) {
	f := c.Flags()
	f.BoolVar(&o.On, "verify", false, "check each found secret against its provider's API (read-only requests over HTTPS to the provider's fixed hosts; see docs/verification.md)")
	f.BoolVar(&o.Only, "only-verified", false, "report only findings whose secret is verified live (implies --verify)")
	f.IntVar(&o.Workers, "verify-workers", verify.DefaultWorkers, "verification requests in flight at once")
	f.DurationVar(&o.Timeout, "verify-timeout", verify.DefaultTimeout, "timeout of each verification request")
}

// addVerifyCacheFlag adds --cache-dir to commands that have none of their
// own (dir, stdin): there it holds only verification results.
func addVerifyCacheFlag(c *cobra.Command, o *verify.Settings) {
	c.Flags().StringVar(&o.CacheDir, "cache-dir", "", "with --verify: keep verification results in `DIR` for 24 h (hashes of the secrets, never the secrets)")
}
