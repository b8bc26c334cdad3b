package gitscan

import (
	"container/heap"
	"context"
	"fmt"
)

// Node kinds: a commit, or a tree or blob that a tag names directly.
const (
	nodeCommit uint8 = iota
	nodeTree
	nodeBlob
)

// parentRef is one parent of a node.
type parentRef struct {
	idx  int32 // the parent's node, or -1 when it is outside the scan
	tree hash  // the parent's tree
}

// node is one commit of the scanned history (or a tag's tree or blob).
type node struct {
	hash    hash
	tree    hash // for nodeBlob: the blob
	parents []parentRef
	time    int64
	kind    uint8
	name    string // nodeTree, nodeBlob: the tag's name
}

// graph is the scanned part of the commit graph.
type graph struct {
	nodes   []node
	index   map[hash]int32
	order   []int32 // topological: parents before children, older first
	shallow int     // shallow boundary commits met
}

// walkOptions select the part of history to walk.
type walkOptions struct {
	roots   []hash          // commits, trees or blobs (tags already peeled)
	names   map[hash]string // names for trees and blobs named by tags
	exclude map[hash]hash   // commits outside the scan (and their ancestors) -> tree
	ahead   *commitsAhead   // commits decoded before the walk (nil: none)
	graph   *commitGraph    // the repository's commit-graph (nil: none)
}

// known returns commit h's tree, parents and committer time without
// reading the commit when the commit-graph or the commits decoded ahead
// hold it.
func (o *walkOptions) known(db *odb, h hash) (aheadCommit, bool) {
	if c, ok := o.graph.lookup(h); ok {
		return c, true
	}
	return o.ahead.lookup(db, h)
}

// excludeFrom walks every ancestor of tips and returns commit -> tree.
func (r *repo) excludeFrom(ctx context.Context, tips []hash, cg *commitGraph, warn func(string)) (map[hash]hash, error) {
	out := map[hash]hash{}
	stack := append([]hash(nil), tips...)
	for len(stack) > 0 {
		if len(out)&1023 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := out[h]; ok {
			continue
		}
		if c, ok := cg.lookup(h); ok {
			out[h] = c.tree
			if !r.shallow[h] {
				stack = append(stack, c.parents...)
			}
			continue
		}
		t, data, err := r.db.read(h)
		if err != nil || t != objCommit {
			if !r.shallow[h] {
				warn(fmt.Sprintf("commit %s: %v", h, errOrType(err, t, objCommit)))
			}
			continue
		}
		c, err := parseCommit(data, false)
		if err != nil {
			warn(fmt.Sprintf("commit %s: %v", h, err))
			continue
		}
		out[h] = c.tree
		if r.shallow[h] {
			continue
		}
		stack = append(stack, c.parents...)
	}
	return out, nil
}

func errOrType(err error, got, want objType) error {
	if err != nil {
		return err
	}
	return fmt.Errorf("is a %s, not a %s", got, want)
}

// walk reads every commit reachable from the roots and not excluded, and
// orders them topologically.
func (r *repo) walk(ctx context.Context, o walkOptions, warn func(string), progress func(int64)) (*graph, error) {
	// Commits known ahead are about as many as will be walked: size for them.
	hint := min(o.graph.count()+o.ahead.count(), 1<<22)
	g := &graph{index: make(map[hash]int32, hint), nodes: make([]node, 0, hint)}
	type pending struct {
		node    int32
		parents []hash
	}
	todo := make([]pending, 0, hint)
	stack := []hash{}
	for _, h := range o.roots {
		stack = append(stack, h)
	}
	warned := map[hash]bool{}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if _, ok := g.index[h]; ok {
			continue
		}
		if _, ok := o.exclude[h]; ok {
			continue
		}
		if len(g.nodes)&1023 == 0 {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
		}
		n := node{hash: h}
		var parents []hash
		if c, ok := o.known(r.db, h); ok {
			n.tree, n.time = c.tree, c.time
			if r.shallow[h] {
				g.shallow++
			} else {
				parents = c.parents
			}
		} else {
			t, data, err := r.db.read(h)
			if err != nil {
				if !warned[h] {
					warned[h] = true
					warn(fmt.Sprintf("commit %s: %v (its history is not scanned)", h, err))
				}
				continue
			}
			switch t {
			case objCommit:
				c, err := parseCommit(data, false)
				if err != nil {
					warn(fmt.Sprintf("commit %s: %v", h, err))
					continue
				}
				n.tree, n.time = c.tree, c.time
				if r.shallow[h] {
					g.shallow++
				} else {
					parents = c.parents
				}
			case objTree:
				n.kind, n.tree, n.name = nodeTree, h, o.names[h]
			case objBlob:
				n.kind, n.tree, n.name = nodeBlob, h, o.names[h]
			default:
				warn(fmt.Sprintf("object %s: a %s cannot be scanned as history", h, t))
				continue
			}
		}
		idx := int32(len(g.nodes))
		g.index[h] = idx
		g.nodes = append(g.nodes, n)
		if progress != nil {
			progress(1)
		}
		todo = append(todo, pending{idx, parents})
		for i := len(parents) - 1; i >= 0; i-- {
			stack = append(stack, parents[i])
		}
	}
	// Link parents now that every walked commit has an index.
	for _, p := range todo {
		n := &g.nodes[p.node]
		seen := map[hash]bool{}
		for _, ph := range p.parents {
			if seen[ph] {
				continue // a commit listing the same parent twice
			}
			seen[ph] = true
			if pi, ok := g.index[ph]; ok {
				n.parents = append(n.parents, parentRef{idx: pi, tree: g.nodes[pi].tree})
			} else if tree, ok := o.exclude[ph]; ok {
				n.parents = append(n.parents, parentRef{idx: -1, tree: tree})
			}
			// else: missing, already reported; diffed as if absent
		}
	}
	g.order = topoOrder(g)
	return g, nil
}

// topoOrder orders nodes parents first, and among the nodes that are ready,
// oldest (committer time) first, so that the first commit to add a blob is
// the one that introduced it.
func topoOrder(g *graph) []int32 {
	n := len(g.nodes)
	indeg := make([]int32, n)
	childStart := make([]int32, n+1)
	for i := range g.nodes {
		for _, p := range g.nodes[i].parents {
			if p.idx >= 0 {
				indeg[i]++
				childStart[p.idx+1]++
			}
		}
	}
	for i := 0; i < n; i++ {
		childStart[i+1] += childStart[i]
	}
	children := make([]int32, childStart[n])
	fill := append([]int32(nil), childStart[:n]...)
	for i := range g.nodes {
		for _, p := range g.nodes[i].parents {
			if p.idx >= 0 {
				children[fill[p.idx]] = int32(i)
				fill[p.idx]++
			}
		}
	}
	h := &nodeHeap{g: g}
	for i := 0; i < n; i++ {
		if indeg[i] == 0 {
			h.items = append(h.items, int32(i))
		}
	}
	heap.Init(h)
	order := make([]int32, 0, n)
	for h.Len() > 0 {
		i := heap.Pop(h).(int32)
		order = append(order, i)
		for _, c := range children[childStart[i]:childStart[i+1]] {
			indeg[c]--
			if indeg[c] == 0 {
				heap.Push(h, c)
			}
		}
	}
	return order // a cycle (impossible in a valid repository) leaves its nodes out
}

type nodeHeap struct {
	g     *graph
	items []int32
}

func (h *nodeHeap) Len() int { return len(h.items) }
func (h *nodeHeap) Less(i, j int) bool {
	a, b := &h.g.nodes[h.items[i]], &h.g.nodes[h.items[j]]
	if a.time != b.time {
		return a.time < b.time
	}
	return h.items[i] < h.items[j]
}
func (h *nodeHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *nodeHeap) Push(x any)    { h.items = append(h.items, x.(int32)) }
func (h *nodeHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
