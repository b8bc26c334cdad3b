package scanner

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// prefilter finds every occurrence of a set of keywords in one pass, ASCII
// case-insensitively: an Aho-Corasick automaton compiled to a full DFA over
// byte classes, so the hot loop is one table load per input byte.
//
// The built-in rules' automaton has some 8,500 states: a 2 MB table that
// takes 10–40 ms to build, more than the rest of start-up. A short scan (a
// pre-commit hook's few staged files) is done sooner without it, so the
// matcher's prefilter (newPrefilter) starts with a small keyword index and
// builds the automaton only once the index has searched a megabyte
// (or is handed more at once); both give the same hits in the same order.
type prefilter struct {
	plen   []int // pattern -> length
	maxLen int   // longest pattern

	// The automaton: read only after once has run (dfaBuilt, or find's
	// and findOne's once.Do).
	class    [256]uint8 // byte -> class; 0 is "no keyword has this byte"
	nclass   int
	trans    []uint32 // state*nclass+class -> next state*nclass | outFlag; states in breadth-first order
	out      [][]int  // state -> patterns that end here (incl. via failure links)
	patterns []string // what the automaton is built from
	once     sync.Once
	dfaBuilt atomic.Bool

	index  *keywordIndex // searches until the automaton is built; nil: build it now
	budget atomic.Int64  // bytes the index may still search

	vs *vsPrefilter // the same search on Vectorscan (vectorscan build only), or nil

	boundsOnce sync.Once
	kb         *keywordBounds // see bounds
}

// indexBudget is how many bytes the keyword index searches before the
// automaton is built: about the cost of building it (the built-in rules'
// automaton takes ~9 ms of CPU to build, the index ~13 ms to search a
// megabyte of source, where 4 MB cost a history scan ~50 ms).
const indexBudget = 1 << 20

const outFlag = uint32(1) << 30

// hit is one keyword occurrence: pattern index and the offset just past it.
type hit struct {
	pat int
	end int
}

func lower(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// newPrefilter returns the keyword prefilter: the automaton, built when
// first needed (see prefilter), and in the vectorscan build the same search
// on Vectorscan.
func newPrefilter(patterns []string) *prefilter {
	p := lazyAutomaton(patterns)
	p.index = newKeywordIndex(patterns)
	p.budget.Store(indexBudget)
	p.vs = newVectorscan(patterns, p.plen)
	return p
}

// newAutomaton returns the Go automaton for patterns, built now.
func newAutomaton(patterns []string) *prefilter {
	p := lazyAutomaton(patterns)
	p.once.Do(p.build)
	return p
}

// lazyAutomaton returns the prefilter of patterns with its automaton not
// built yet.
func lazyAutomaton(patterns []string) *prefilter {
	p := &prefilter{plen: make([]int, len(patterns)), patterns: patterns}
	for pi, s := range patterns {
		p.plen[pi] = len(s)
		p.maxLen = max(p.maxLen, len(s))
	}
	return p
}

// build builds the automaton (run it through p.once).
func (p *prefilter) build() {
	defer p.dfaBuilt.Store(true)
	patterns := p.patterns
	// byte classes
	p.nclass = 1
	for _, s := range patterns {
		for i := 0; i < len(s); i++ {
			b := lower(s[i])
			if p.class[b] == 0 {
				if p.nclass == 255 {
					break // cannot happen: at most 230 distinct lower-cased bytes
				}
				p.class[b] = uint8(p.nclass)
				p.nclass++
			}
		}
	}
	for b := 'A'; b <= 'Z'; b++ {
		p.class[b] = p.class[b+'a'-'A']
	}
	// Trie, built directly as rows of the transition table (0 = no child:
	// the root is never a child), one depth at a time: states are numbered
	// in breadth-first order, so the states near the root, where the
	// automaton spends nearly all its time, share a compact part of the
	// table, and every state's failure state comes before it.
	n := p.nclass
	trie := make([]uint32, n, n*trieStates(patterns))
	outs := [][]int{nil}
	cur := make([]uint32, len(patterns)) // each pattern's state at this depth
	for pi, s := range patterns {
		if s == "" {
			outs[0] = append(outs[0], pi)
		}
	}
	for d := 0; d < p.maxLen; d++ {
		for pi, s := range patterns {
			if d >= len(s) {
				continue
			}
			i := int(cur[pi])*n + int(p.class[lower(s[d])])
			nx := trie[i]
			if nx == 0 {
				nx = uint32(len(outs))
				trie = append(trie, make([]uint32, n)...)
				outs = append(outs, nil)
				trie[i] = nx
			}
			cur[pi] = nx
			if d == len(s)-1 {
				outs[nx] = append(outs[nx], pi)
			}
		}
	}
	// Failure links turn the trie into a full DFA in place, state by state
	// in breadth-first order.
	p.trans = trie
	p.out = make([][]int, len(outs))
	fail := make([]uint32, len(outs))
	p.out[0] = outs[0]
	for st := 1; st < len(outs); st++ {
		f := fail[st]
		p.out[st] = append(outs[st], p.out[f]...)
		for c := 0; c < n; c++ {
			i := st*n + c
			if nx := p.trans[i]; nx != 0 {
				fail[nx] = p.trans[int(f)*n+c]
			} else {
				p.trans[i] = p.trans[int(f)*n+c]
			}
		}
	}
	// Store next states premultiplied by the row width, so the hot loop
	// indexes without a multiplication.
	for i, st := range p.trans {
		v := st * uint32(n)
		if len(p.out[st]) > 0 {
			v |= outFlag
		}
		p.trans[i] = v
	}
}

// trieStates returns how many states the trie of patterns has: one per
// distinct (lower-cased) prefix.
func trieStates(patterns []string) int {
	low := make([]string, len(patterns))
	for i, s := range patterns {
		b := []byte(s)
		for k := range b {
			b[k] = lower(b[k])
		}
		low[i] = string(b)
	}
	slices.Sort(low)
	states, prev := 1, ""
	for _, s := range low {
		k := 0
		for k < len(s) && k < len(prev) && s[k] == prev[k] {
			k++
		}
		states += len(s) - k
		prev = s
	}
	return states
}

// find appends every keyword occurrence in data to hits, in order of end offset.
//
// The automaton's state after a byte depends only on the last maxLen-1
// bytes, so several automata can run at once, each over a third of the
// input, each but the first starting maxLen-1 bytes before its third:
// their table loads do not depend on each other, so a core overlaps their
// latencies. scratch holds the later thirds' hits; it is reused by the
// caller.
func (p *prefilter) find(data []byte, hits []hit, scratch *[]hit) []hit {
	if p.vs != nil {
		if hits, ok := p.vs.find(data, hits); ok {
			return hits
		}
	}
	if !p.dfaBuilt.Load() {
		if p.index != nil && p.budget.Add(-int64(len(data))) >= 0 {
			return p.index.find(data, hits)
		}
		p.once.Do(p.build)
	}
	if len(data) < 4096 || p.maxLen == 0 {
		return p.findOne(data, hits)
	}
	q := len(data) / streams
	var own [streams + 1]int // stream k reports hits ending in (own[k], own[k+1]]
	var from [streams]int    // and starts reading at from[k]
	for k := 1; k < streams; k++ {
		own[k] = k * q
		from[k] = max(0, own[k]-(p.maxLen-1))
	}
	own[streams] = len(data)
	// Every stream reads at least q bytes in step with the others; each
	// then finishes its own part.
	a0, a1, a2 := data[from[0]:from[0]+q], data[from[1]:from[1]+q], data[from[2]:from[2]+q]
	var st [streams]uint32
	later := (*scratch)[:0] // hits of streams 1.. (stream 0's go to hits)
	for i := 0; i < q; i++ {
		i = p.steps(a0, a1, a2, i, &st)
		if i == q {
			break
		}
		hits, later = p.emit(&st, &from, &own, i, hits, later)
	}
	for k := range streams {
		out := &later
		if k == 0 {
			out = &hits
		}
		*out = p.run(data, from[k]+q, own[k+1], st[k], own[k], *out)
	}
	*scratch = later
	// later holds each stream's hits in order, interleaved: gather them
	// stream by stream (their end offsets lie in disjoint ranges).
	var count [streams]int
	for _, h := range later {
		count[streamOf(&own, h.end)]++
	}
	n := len(hits)
	var at [streams]int
	for k := 1; k < streams; k++ {
		at[k] = n
		n += count[k]
	}
	hits = slices.Grow(hits, len(later))[:n]
	for _, h := range later {
		k := streamOf(&own, h.end)
		hits[at[k]] = h
		at[k]++
	}
	return hits
}

// streams is how many automata find runs side by side.
const streams = 3

// steps moves the three automata in step over a0, a1, a2 (of equal length)
// from byte i on, stopping after the first byte at which one of them has
// the output flag; it returns that byte's index, or len(a0). It calls
// nothing, so its values stay in registers.
//
//go:noinline
func (p *prefilter) steps(a0, a1, a2 []byte, i int, st *[streams]uint32) int {
	trans, class := p.trans, &p.class
	a1, a2 = a1[:len(a0)], a2[:len(a0)]
	s0, s1, s2 := st[0], st[1], st[2]
	for ; i < len(a0); i++ {
		s0 = trans[s0+uint32(class[a0[i]])]
		s1 = trans[s1+uint32(class[a1[i]])]
		s2 = trans[s2+uint32(class[a2[i]])]
		if (s0|s1|s2)&outFlag != 0 {
			break
		}
	}
	st[0], st[1], st[2] = s0, s1, s2
	return i
}

// streamOf returns which stream reports a hit ending at end.
func streamOf(own *[streams + 1]int, end int) int {
	k := streams - 1
	for k > 0 && end <= own[k] {
		k--
	}
	return k
}

// emit records the hits of the streams whose state after byte i of their
// part has the output flag, clearing it. It is kept out of find's loop so
// that the loop keeps its states in registers.
//
//go:noinline
func (p *prefilter) emit(st *[streams]uint32, from *[streams]int, own *[streams + 1]int, i int, hits, later []hit) ([]hit, []hit) {
	n := uint32(p.nclass)
	for k := range streams {
		s := st[k]
		if s&outFlag == 0 {
			continue
		}
		s &^= outFlag
		st[k] = s
		end := from[k] + i + 1
		if end <= own[k] {
			continue // still warming up: the previous stream reports it
		}
		for _, pat := range p.out[s/n] {
			if k == 0 {
				hits = append(hits, hit{pat: pat, end: end})
			} else {
				later = append(later, hit{pat: pat, end: end})
			}
		}
	}
	return hits, later
}

// run moves the automaton from state s over data[from:to], appending the
// hits that end after minEnd.
func (p *prefilter) run(data []byte, from, to int, s uint32, minEnd int, hits []hit) []hit {
	trans, class := p.trans, &p.class
	for i := from; i < to; i++ {
		s = trans[s+uint32(class[data[i]])]
		if s&outFlag != 0 {
			s &^= outFlag
			if i+1 > minEnd {
				for _, pat := range p.out[s/uint32(p.nclass)] {
					hits = append(hits, hit{pat: pat, end: i + 1})
				}
			}
		}
	}
	return hits
}

// findOne runs one automaton over data.
func (p *prefilter) findOne(data []byte, hits []hit) []hit {
	p.once.Do(p.build)
	return p.run(data, 0, len(data), 0, 0, hits)
}

// keywordIndex finds keywords without an automaton: each keyword is listed
// under a hash of its first few bytes, and each input position looks up the
// hash of its own. It is built in microseconds; searching costs a few times
// the automaton's per byte.
type keywordIndex struct {
	k     int      // bytes hashed: every pattern has at least k
	shift uint     // 32 - log2(len(head))
	head  []int32  // hash -> first pattern + 1 in its chain, 0: none
	next  []int32  // pattern -> next pattern + 1 in its chain
	low   []string // patterns in lower case
}

// newKeywordIndex returns the index of patterns, or nil when one is shorter
// than two bytes (the automaton handles those).
func newKeywordIndex(patterns []string) *keywordIndex {
	if len(patterns) == 0 {
		return nil
	}
	x := &keywordIndex{k: 3, next: make([]int32, len(patterns)), low: make([]string, len(patterns))}
	for _, s := range patterns {
		if len(s) < 2 {
			return nil
		}
		x.k = min(x.k, len(s))
	}
	bits := uint(8)
	for 1<<bits < 4*len(patterns) && bits < 16 {
		bits++
	}
	x.shift = 32 - bits
	x.head = make([]int32, 1<<bits)
	for pi := len(patterns) - 1; pi >= 0; pi-- {
		low := strings.ToLower(patterns[pi]) // no copy when it is (the matcher's keywords are)
		if !isASCII(patterns[pi]) {          // ToLower folds more than lower does
			b := []byte(patterns[pi])
			for i := range b {
				b[i] = lower(b[i])
			}
			low = string(b)
		}
		x.low[pi] = low
		h := x.hash(low[0], low[1], low[min(2, len(low)-1)])
		x.next[pi] = x.head[h]
		x.head[h] = int32(pi + 1)
	}
	return x
}

// hash hashes the first k bytes of a keyword or an input position: b0, b1
// and b2 (ignored when k is 2), lower-cased.
func (x *keywordIndex) hash(b0, b1, b2 byte) uint32 {
	v := uint32(lower(b0))<<8 | uint32(lower(b1))
	if x.k == 3 {
		v = v<<8 | uint32(lower(b2))
	}
	return (v * 0x9E3779B1) >> x.shift
}

// find appends every keyword occurrence in data to hits in the automaton's
// order: by end offset, then longest first (then by pattern index).
func (x *keywordIndex) find(data []byte, hits []hit) []hit {
	n := len(hits)
	for i := 0; i+x.k <= len(data); i++ {
		for c := x.head[x.hash(data[i], data[i+1], data[i+x.k-1])]; c != 0; c = x.next[c-1] {
			pat := x.low[c-1]
			if len(pat) <= len(data)-i && equalLower(data[i:i+len(pat)], pat) {
				hits = append(hits, hit{pat: int(c - 1), end: i + len(pat)})
			}
		}
	}
	if len(hits)-n > 1 {
		slices.SortFunc(hits[n:], func(a, b hit) int {
			if a.end != b.end {
				return a.end - b.end
			}
			if la, lb := len(x.low[a.pat]), len(x.low[b.pat]); la != lb {
				return lb - la
			}
			return a.pat - b.pat
		})
	}
	return hits
}

// equalLower reports whether b equals pat (lower case) ASCII
// case-insensitively.
func equalLower(b []byte, pat string) bool {
	for i := range b {
		if lower(b[i]) != pat[i] {
			return false
		}
	}
	return true
}
