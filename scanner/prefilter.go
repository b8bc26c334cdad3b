package scanner

// prefilter finds every occurrence of a set of keywords in one pass, ASCII
// case-insensitively: an Aho-Corasick automaton compiled to a full DFA over
// byte classes, so the hot loop is one table load per input byte.
type prefilter struct {
	class  [256]uint8 // byte -> class; 0 is "no keyword has this byte"
	nclass int
	trans  []int32 // state*nclass+class -> next state*nclass | outFlag
	out    [][]int // state -> patterns that end here (incl. via failure links)
	plen   []int   // pattern -> length
	maxLen int     // longest pattern

	vs *vsPrefilter // the same search on Vectorscan (vectorscan build only), or nil
}

const outFlag = int32(1) << 30

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

func newPrefilter(patterns []string) *prefilter {
	p := &prefilter{plen: make([]int, len(patterns))}
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
	// the root is never a child).
	n := p.nclass
	states := 1
	for _, s := range patterns {
		states += len(s)
	}
	trie := make([]int32, n, n*states) // at most one state per pattern byte
	var outs [][]int
	outs = append(outs, nil)
	for pi, s := range patterns {
		p.plen[pi] = len(s)
		p.maxLen = max(p.maxLen, len(s))
		cur := 0
		for i := 0; i < len(s); i++ {
			c := int(p.class[lower(s[i])])
			nx := int(trie[cur*n+c])
			if nx == 0 {
				nx = len(outs)
				trie = trie[:len(trie)+n] // zeroed: within the capacity made above
				outs = append(outs, nil)
				trie[cur*n+c] = int32(nx)
			}
			cur = nx
		}
		outs[cur] = append(outs[cur], pi)
	}
	// Failure links (BFS) turn the trie into a full DFA in place.
	p.trans = trie
	p.out = make([][]int, len(outs))
	fail := make([]int32, len(outs))
	queue := make([]int32, 0, len(outs))
	for c := 0; c < n; c++ {
		if nx := p.trans[c]; nx != 0 {
			queue = append(queue, nx)
		}
	}
	p.out[0] = outs[0]
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		f := fail[st]
		p.out[st] = append(outs[st], p.out[f]...)
		for c := 0; c < n; c++ {
			i := int(st)*n + c
			if nx := p.trans[i]; nx != 0 {
				fail[nx] = p.trans[int(f)*n+c]
				queue = append(queue, nx)
			} else {
				p.trans[i] = p.trans[int(f)*n+c]
			}
		}
	}
	// Store next states premultiplied by the row width, so the hot loop
	// indexes without a multiplication.
	for i, v := range p.trans {
		st := v &^ outFlag
		v = st * int32(p.nclass)
		if len(p.out[st]) > 0 {
			v |= outFlag
		}
		p.trans[i] = v
	}
	p.vs = newVectorscan(patterns, p.plen)
	return p
}

// find appends every keyword occurrence in data to hits, in order of end offset.
//
// The automaton's state after a byte depends only on the last maxLen-1
// bytes, so two automata can run at once, one over each half of the input,
// the second starting maxLen-1 bytes before the middle: their table loads
// do not depend on each other, which roughly doubles throughput on a core.
// scratch holds the second half's hits; it is reused by the caller.
func (p *prefilter) find(data []byte, hits []hit, scratch *[]hit) []hit {
	if p.vs != nil {
		if hits, ok := p.vs.find(data, hits); ok {
			return hits
		}
	}
	if len(data) < 1024 || p.maxLen == 0 {
		return p.findOne(data, hits)
	}
	mid := len(data) / 2
	start2 := max(0, mid-(p.maxLen-1))
	trans, class, n := p.trans, &p.class, int32(p.nclass)
	a, b := data[:mid], data[start2:]
	hits2 := (*scratch)[:0]
	s1, s2 := int32(0), int32(0)
	steps := min(len(a), len(b))
	for i := 0; i < steps; i++ {
		s1 = trans[s1+int32(class[a[i]])]
		s2 = trans[s2+int32(class[b[i]])]
		if (s1|s2)&outFlag != 0 {
			if s1&outFlag != 0 {
				s1 &^= outFlag
				for _, pat := range p.out[s1/n] {
					hits = append(hits, hit{pat: pat, end: i + 1})
				}
			}
			if s2&outFlag != 0 {
				s2 &^= outFlag
				if end := start2 + i + 1; end > mid {
					for _, pat := range p.out[s2/n] {
						hits2 = append(hits2, hit{pat: pat, end: end})
					}
				}
			}
		}
	}
	// Finish whichever half is longer (b is, by at most maxLen).
	for i := steps; i < len(b); i++ {
		s2 = trans[s2+int32(class[b[i]])]
		if s2&outFlag != 0 {
			s2 &^= outFlag
			if end := start2 + i + 1; end > mid {
				for _, pat := range p.out[s2/n] {
					hits2 = append(hits2, hit{pat: pat, end: end})
				}
			}
		}
	}
	for i := steps; i < len(a); i++ { // only when maxLen is tiny and a is longer
		s1 = trans[s1+int32(class[a[i]])]
		if s1&outFlag != 0 {
			s1 &^= outFlag
			for _, pat := range p.out[s1/n] {
				hits = append(hits, hit{pat: pat, end: i + 1})
			}
		}
	}
	*scratch = hits2
	return append(hits, hits2...)
}

// findOne runs one automaton over data.
func (p *prefilter) findOne(data []byte, hits []hit) []hit {
	trans, class := p.trans, &p.class
	s := int32(0)
	for i, b := range data {
		s = trans[s+int32(class[b])]
		if s&outFlag != 0 {
			s &^= outFlag
			for _, pat := range p.out[s/int32(p.nclass)] {
				hits = append(hits, hit{pat: pat, end: i + 1})
			}
		}
	}
	return hits
}
