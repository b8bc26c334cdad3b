package ignore

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/keyhound/keyhound/finding"
)

// Check writes one line per stale, expired or undecidable entry and a
// summary line; it returns the number of stale and expired entries.
func Check(w io.Writer, file *File, found []finding.Finding, now time.Time) (stale, expired int) {
	hashes := make([]string, len(found))
	redacted := false
	for i := range found {
		hashes[i] = SecretHash(found[i].Secret)
		redacted = redacted || found[i].Secret == finding.Redacted
	}
	inUse, unknown := 0, 0
	for _, e := range file.Entries {
		n := 0
		for i := range found {
			if e.Matches(&found[i], hashes[i]) {
				n++
			}
		}
		desc := e.Describe(file.Path)
		switch {
		case e.Expired(now):
			expired++
			fmt.Fprintf(w, "%s: expired on %s (matches %s)\n", desc, e.Expires.Format(time.DateOnly), count(n, "finding", "findings"))
		case n > 0:
			inUse++
		case redacted && strings.HasPrefix(e.Fingerprint, "sha256:"):
			unknown++
			fmt.Fprintf(w, "%s: cannot tell: the report is redacted, so secrets cannot be hashed\n", desc)
		default:
			stale++
			fmt.Fprintf(w, "%s: stale: matched nothing\n", desc)
		}
	}
	fmt.Fprintf(w, "%s: %s: %d in use, %d stale, %d expired", file.Path, count(len(file.Entries), "entry", "entries"), inUse, stale, expired)
	if unknown > 0 {
		fmt.Fprintf(w, ", %d undecided", unknown)
	}
	fmt.Fprintln(w)
	return stale, expired
}

// count is "1 finding", "2 findings".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
