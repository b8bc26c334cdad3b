// Package shard splits a list of repositories into N stable shards, so that
// N machines (a CI matrix, a GitLab parallel job, a Kubernetes Indexed Job)
// can each scan one: a repository's shard is a hash of its normalised
// name, so it does not depend on the order of the list or on the other
// repositories in it, and adding a repository never moves another.
package shard

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/keyhound/keyhound/gitcache"
)

// Spec is shard K of N (1 <= K <= N).
type Spec struct {
	K, N int
}

// Parse reads "K/N" (1-based: 1/4 … 4/4).
func Parse(s string) (Spec, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	k, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil {
		return Spec{}, fmt.Errorf("%q: want K/N, e.g. 1/4", s)
	}
	if n < 1 || k < 1 || k > n {
		return Spec{}, fmt.Errorf("%q: want 1 <= K <= N", s)
	}
	return Spec{k, n}, nil
}

func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

// Of returns the shard (1..n) of repo: the first 8 bytes of the SHA-256 of
// its normalised name (gitcache.Normalize: credentials removed, scheme and
// host lower-cased, no trailing slash or ".git"), modulo n. This function
// is part of keyhound's interface: changing it would move repositories to
// other shards, and so away from their cached mirrors.
func Of(repo string, n int) int {
	sum := sha256.Sum256([]byte(gitcache.Normalize(repo)))
	return int(binary.BigEndian.Uint64(sum[:8])%uint64(n)) + 1
}

// Select returns the repositories of repos in shard s, in their order.
func Select(repos []string, s Spec) []string {
	var out []string
	for _, r := range repos {
		if Of(r, s.N) == s.K {
			out = append(out, r)
		}
	}
	return out
}
