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
	trie := make([]int32, n, n*64)
	var outs [][]int
	outs = append(outs, nil)
	for pi, s := range patterns {
		p.plen[pi] = len(s)
		cur := 0
		for i := 0; i < len(s); i++ {
			c := int(p.class[lower(s[i])])
			nx := int(trie[cur*n+c])
			if nx == 0 {
				nx = len(outs)
				trie = append(trie, make([]int32, n)...)
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
	return p
}

// find appends every keyword occurrence in data to hits, in order of end offset.
func (p *prefilter) find(data []byte, hits []hit) []hit {
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
