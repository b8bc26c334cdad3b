//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package gitcache

import (
	"context"
	"os"
)

// lockFile creates path; there is no cross-process lock on this platform,
// so two processes must not share a cache directory.
func lockFile(_ context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	return func() { f.Close() }, nil
}
