package shard

import (
	"fmt"
	"testing"
)

func repos(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("https://github.com/example-org/repo-%04d.git", i)
	}
	return out
}

// TestShardsPartitionTheList: for every N, each repository is in exactly
// one of the N shards, and no shard is badly unbalanced.
func TestShardsPartitionTheList(t *testing.T) {
	list := repos(1000)
	for _, n := range []int{1, 2, 3, 4, 7, 16} {
		seen := map[string]int{}
		for k := 1; k <= n; k++ {
			got := Select(list, Spec{k, n})
			if want := len(list) / n; n > 1 && (len(got) < want/2 || len(got) > want*3/2) {
				t.Errorf("shard %d/%d holds %d of %d repositories", k, n, len(got), len(list))
			}
			for _, r := range got {
				seen[r]++
			}
		}
		for _, r := range list {
			if seen[r] != 1 {
				t.Fatalf("N=%d: %s is in %d shards", n, r, seen[r])
			}
		}
	}
}

// TestShardIsStable: a repository's shard does not depend on the list's
// order or content, nor on how its URL is spelt, and stays what it was
// (the values are pinned: changing the hash would move repositories away
// from their cached mirrors).
func TestShardIsStable(t *testing.T) {
	list := repos(50)
	before := map[string]int{}
	for _, r := range list {
		before[r] = Of(r, 4)
	}
	// Reversed, and with other repositories added.
	other := append(repos(200)[100:], list...)
	for i, j := 0, len(other)-1; i < j; i, j = i+1, j-1 {
		other[i], other[j] = other[j], other[i]
	}
	for k := 1; k <= 4; k++ {
		for _, r := range Select(other, Spec{k, 4}) {
			if b, ok := before[r]; ok && b != k {
				t.Errorf("%s moved from shard %d to %d", r, b, k)
			}
		}
	}
	same := []string{
		"https://github.com/example-org/repo-0001.git",
		"https://github.com/example-org/repo-0001",
		"https://GitHub.com/example-org/repo-0001/",
		"https://user:secret@github.com/example-org/repo-0001.git",
	}
	for _, s := range same[1:] {
		if Of(s, 16) != Of(same[0], 16) {
			t.Errorf("%s and %s are in different shards", s, same[0])
		}
	}
	pinned := map[string]int{ // Of(repo, 8), as computed when the hash was chosen
		"https://github.com/example-org/repo-0000.git": 8,
		"https://github.com/example-org/repo-0001.git": 6,
		"https://github.com/example-org/api":           7,
		"git@github.com:example-org/web.git":           5,
	}
	for r, want := range pinned {
		if got := Of(r, 8); got != want {
			t.Errorf("Of(%s, 8) = %d, was %d: the shard function changed", r, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, ok := range []string{"1/1", "1/4", "4/4", " 2/3 "} {
		if _, err := Parse(ok); err != nil {
			t.Errorf("Parse(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "0/4", "5/4", "1/0", "a/b", "1", "1/2/3", "-1/4"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q): no error", bad)
		}
	}
}
