package scanner

import "sort"

// Specificity ranks of a rule: when several rules report secrets that
// overlap at one place, the finding comes from the highest rank (ties: a
// rule limited to some paths, then the longer match, then the earlier rule)
// and names the others in AlsoRules.
const (
	rankGeneric  = iota // tagged "generic": a credential-like name and a random value
	rankContext         // a credential format that holds any password: URIs, connection strings, credential files
	rankProvider        // a provider's own token format
)

// contextTags mark rules that report whatever password a format holds,
// whoever issued it: a provider's token inside is more specific.
var contextTags = map[string]bool{
	"password": true, "connection-string": true, "basic-auth": true, "uri": true,
}

// ruleRank returns the specificity rank of every rule of m.
func (m *Matcher) ruleRanks() []int8 {
	m.rankOnce.Do(func() {
		m.ranks = make([]int8, len(m.set.Rules))
		for i, r := range m.set.Rules {
			rank := int8(rankProvider)
			if r.Generic {
				rank = rankGeneric
			} else {
				for _, t := range r.Tags {
					if contextTags[t] {
						rank = rankContext
						break
					}
				}
			}
			m.ranks[i] = rank
		}
	})
	return m.ranks
}

// better reports whether match a should report a place rather than b.
func (m *Matcher) better(a, b *match) bool {
	ranks := m.ruleRanks()
	if ranks[a.rule] != ranks[b.rule] {
		return ranks[a.rule] > ranks[b.rule]
	}
	ra, rb := m.set.Rules[a.rule], m.set.Rules[b.rule]
	if (ra.Path != nil) != (rb.Path != nil) {
		return ra.Path != nil
	}
	// A match that takes in more context (the provider's name before the
	// value) says more about what the secret is.
	if la, lb := a.end-a.start, b.end-b.start; la != lb {
		return la > lb
	}
	return a.rule < b.rule
}

// oneFindingPerPlace keeps, of the accepted matches whose secrets overlap,
// the one of the most specific rule, and returns for each kept match the ids
// of the other rules that reported the same place. ms is sorted by start and
// so is the result; ms is reused.
func (m *Matcher) oneFindingPerPlace(ms []match, also [][]string) ([]match, [][]string) {
	also = also[:0]
	if len(ms) < 2 {
		for range ms {
			also = append(also, nil)
		}
		return ms, also
	}
	// Group by overlapping secrets, in secret order.
	idx := make([]int, len(ms))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return ms[idx[i]].secStart < ms[idx[j]].secStart })
	keep := make([]bool, len(ms))
	alsoOf := map[int][]string{}
	for g := 0; g < len(idx); {
		best, end := idx[g], ms[idx[g]].sEnd
		h := g + 1
		for ; h < len(idx) && ms[idx[h]].secStart < end; h++ {
			if ms[idx[h]].sEnd > end {
				end = ms[idx[h]].sEnd
			}
			if m.better(&ms[idx[h]], &ms[best]) {
				best = idx[h]
			}
		}
		keep[best] = true
		var ids []string
		for _, k := range idx[g:h] {
			id := m.set.Rules[ms[k].rule].ID
			if k != best && id != m.set.Rules[ms[best].rule].ID && !contains(ids, id) {
				ids = append(ids, id)
			}
		}
		if len(ids) > 0 {
			sort.Strings(ids)
			alsoOf[best] = ids
		}
		g = h
	}
	out := ms[:0]
	for i := range ms {
		if keep[i] {
			also = append(also, alsoOf[i])
			out = append(out, ms[i])
		}
	}
	return out, also
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
