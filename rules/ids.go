package rules

import (
	"fmt"
	"slices"
	"strings"
)

// CheckID returns nil when id names a rule of the set's files (enabled or
// disabled), and otherwise an error saying so, with the closest rule id
// suggested.
func (s *Set) CheckID(id string) error {
	var ids []string
	if s.known == nil { // a set not built by Compile: its rules are all there is
		for _, r := range s.Rules {
			if r.ID == id {
				return nil
			}
			ids = append(ids, r.ID)
		}
		return unknownID(id, ids)
	}
	if slices.Contains(s.known, id) {
		return nil
	}
	return unknownID(id, s.known)
}

// unknownID is the error for a rule id that names none of ids.
func unknownID(id string, ids []string) error {
	if best := closest(id, ids); best != "" {
		return fmt.Errorf("no rule %q (did you mean %q?)", id, best)
	}
	return fmt.Errorf("no rule %q (keyhound rules list shows them)", id)
}

// closest returns the id in ids nearest to id, or "" when none is near
// enough to be a likely typo. Nearness is the edit distance, or, for an id
// whose words all appear in order in another ("aws-access-key" in
// "aws-access-key-id", "slack-token" in "slack-bot-token"), the number of
// words it lacks.
func closest(id string, ids []string) string {
	best, bestD := "", max(2, len(id)/4)+1
	for _, c := range ids {
		d := editDistance(id, c)
		if n, ok := missingWords(id, c); ok {
			d = min(d, n)
		}
		if d < bestD || (d == bestD && c < best) {
			best, bestD = c, d
		}
	}
	return best
}

// missingWords reports whether every hyphen-separated word of id occurs in
// c in the same order, and how many words of c are not in id.
func missingWords(id, c string) (int, bool) {
	want, have := strings.Split(id, "-"), strings.Split(c, "-")
	i := 0
	for _, w := range have {
		if i < len(want) && w == want[i] {
			i++
		}
	}
	return len(have) - len(want), i == len(want)
}

// editDistance is the Levenshtein distance between a and b in bytes (rule
// ids are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
