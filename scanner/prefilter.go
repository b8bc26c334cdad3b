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
	// trie
	type node struct {
		next map[uint8]int
		fail int
		out  []int
	}
	nodes := []node{{next: map[uint8]int{}}}
	for pi, s := range patterns {
		p.plen[pi] = len(s)
		cur := 0
		for i := 0; i < len(s); i++ {
			c := p.class[lower(s[i])]
			nx, ok := nodes[cur].next[c]
			if !ok {
				nodes = append(nodes, node{next: map[uint8]int{}})
				nx = len(nodes) - 1
				nodes[cur].next[c] = nx
			}
			cur = nx
		}
		nodes[cur].out = append(nodes[cur].out, pi)
	}
	// failure links (BFS) and full DFA
	p.trans = make([]int32, len(nodes)*p.nclass)
	p.out = make([][]int, len(nodes))
	queue := []int{}
	for c := 0; c < p.nclass; c++ {
		if nx, ok := nodes[0].next[uint8(c)]; ok {
			nodes[nx].fail = 0
			queue = append(queue, nx)
			p.trans[c] = int32(nx)
		}
	}
	p.out[0] = nodes[0].out
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := nodes[s].fail
		p.out[s] = append(append([]int{}, nodes[s].out...), p.out[f]...)
		for c := 0; c < p.nclass; c++ {
			if nx, ok := nodes[s].next[uint8(c)]; ok {
				nodes[nx].fail = int(p.trans[f*p.nclass+c] &^ outFlag)
				queue = append(queue, nx)
				p.trans[s*p.nclass+c] = int32(nx)
			} else {
				p.trans[s*p.nclass+c] = p.trans[f*p.nclass+c] &^ outFlag
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
