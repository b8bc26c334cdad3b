package gitscan

import (
	"sort"
	"strings"

	"github.com/keyhound/keyhound/finding"
)

// secretKey is a secret as one rule matched it.
type secretKey struct{ rule, secret string }

// blobKeys lists the distinct secrets of one blob, with the finding that
// first shows each.
type blobKeys struct {
	keys  []int32
	first []int // index into the blob's findings
}

func (b *blobKeys) index(k int32) int {
	for i, x := range b.keys {
		if x == k {
			return i
		}
	}
	return -1
}

// identity is one reported finding: a secret at a path, followed through
// edits and renames of its file.
type identity struct {
	key      int32
	path     int32
	intro    int32 // position of the introducing node; -1: it predates the scanned range
	tmplBlob int32
	tmplIdx  int
	occ      []occurrence
	occCount int
	removed  int32 // position of the last node that dropped it, -1 none
	holders  []string
	atHead   bool
	selected bool // added by a commit and at a path Options select
}

type occurrence struct{ pos, path int32 }

// entry is a file holding secrets in some commit's tree.
type entry struct {
	blob int32
	ids  []int32 // identity per key of the blob
}

// state maps path -> entry for the files of one tree that hold secrets. A
// state is never modified once built, so commits share it until a change.
type state map[int32]*entry

type replayer struct {
	s      *session
	bk     map[int32]*blobKeys
	keys   []secretKey
	ids    []identity
	byKey  map[[2]int32]int32 // (key, path) -> identity
	before map[int32]int32    // key -> identity of a secret that predates the scan
}

// replay follows every file holding a secret through the scanned history
// in topological order, grouping the blobs' findings into identities (rule,
// secret, path: an edit that keeps the secret, or a rename, continues the
// identity) and recording occurrences, removals and the refs still
// holding each. It returns one finding per identity.
func (s *session) replay() []finding.Finding {
	rp := &replayer{s: s, bk: map[int32]*blobKeys{}, byKey: map[[2]int32]int32{}, before: map[int32]int32{}}
	keyIdx := map[secretKey]int32{}
	for id, fs := range s.finds {
		if len(fs) == 0 {
			continue
		}
		b := &blobKeys{}
		for i := range fs {
			k := secretKey{fs[i].RuleID, fs[i].Secret}
			ki, ok := keyIdx[k]
			if !ok {
				ki = int32(len(rp.keys))
				keyIdx[k] = ki
				rp.keys = append(rp.keys, k)
			}
			if b.index(ki) < 0 {
				b.keys = append(b.keys, ki)
				b.first = append(b.first, i)
			}
		}
		rp.bk[int32(id)] = b
	}
	if len(rp.bk) == 0 {
		return nil
	}
	g := s.g
	children := make([]int32, len(g.nodes))
	for i := range g.nodes {
		for _, p := range g.nodes[i].parents {
			if p.idx >= 0 {
				children[p.idx]++
			}
		}
	}
	states := make([]state, len(g.nodes))
	for pos, ni := range g.order {
		t := int32(pos)
		n := &g.nodes[ni]
		chs := s.changes[s.chStart[pos]:s.chStart[pos+1]]
		cur := rp.step(t, n, chs, states)
		states[ni] = cur
		// Removals: an identity a parent held and this commit does not.
		for _, p := range n.parents {
			if p.idx < 0 {
				continue
			}
			ps := states[p.idx]
			if len(ps) == 0 || sameState(ps, cur) {
				continue
			}
			have := idSet(cur)
			for _, e := range ps {
				for _, id := range e.ids {
					if !have[id] && rp.ids[id].intro >= 0 && rp.ids[id].removed < t {
						rp.ids[id].removed = t
					}
				}
			}
		}
		if names := s.tips[ni]; len(names) > 0 {
			for _, e := range cur {
				for _, id := range e.ids {
					rp.ids[id].holders = append(rp.ids[id].holders, names...)
				}
			}
		}
		if ni == s.headNode {
			for _, e := range cur {
				for _, id := range e.ids {
					rp.ids[id].atHead = true
				}
			}
		}
		for _, p := range n.parents {
			if p.idx >= 0 {
				children[p.idx]--
				if children[p.idx] == 0 {
					states[p.idx] = nil
				}
			}
		}
		if children[ni] == 0 {
			states[ni] = nil
		}
	}
	return rp.findings()
}

func sameState(a, b state) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func idSet(st state) map[int32]bool {
	m := make(map[int32]bool, len(st))
	for _, e := range st {
		for _, id := range e.ids {
			m[id] = true
		}
	}
	return m
}

// step builds the state of node n from its first parent's and its changes.
func (rp *replayer) step(t int32, n *node, chs []change, states []state) state {
	var base state
	virtual := false
	if len(n.parents) > 0 {
		if p := n.parents[0]; p.idx >= 0 {
			base = states[p.idx]
		} else {
			virtual = true
		}
	}
	if virtual {
		// The first parent is outside the scan: what it held at the
		// changed paths comes from the old versions scanned for context.
		for _, c := range chs {
			if c.old < 0 {
				continue
			}
			b := rp.bk[c.old]
			if b == nil {
				continue
			}
			if base == nil {
				base = state{}
			}
			e := &entry{blob: c.old, ids: make([]int32, len(b.keys))}
			for i, k := range b.keys {
				e.ids[i] = rp.predating(k)
			}
			base[c.path] = e
		}
	}
	relevant := false
	for _, c := range chs {
		if (c.blob >= 0 && rp.bk[c.blob] != nil) || base[c.path] != nil || (c.flags&chDirGone != 0 && len(base) > 0) {
			relevant = true
			break
		}
	}
	if !relevant {
		if virtual {
			return nil
		}
		return base
	}
	s := rp.s
	cur := make(state, len(base)+4)
	for k, v := range base {
		cur[k] = v
	}
	newAt := map[int32]int32{}
	var gone []string
	for _, c := range chs {
		if c.flags&chDirGone != 0 {
			prefix := s.paths[c.path] + "/"
			gone = append(gone, prefix)
			for p := range cur {
				if strings.HasPrefix(s.paths[p], prefix) {
					delete(cur, p)
				}
			}
			continue
		}
		newAt[c.path] = c.blob
		delete(cur, c.path)
	}
	changed := func(p int32) bool {
		if _, ok := newAt[p]; ok {
			return true
		}
		for _, g := range gone {
			if strings.HasPrefix(s.paths[p], g) {
				return true
			}
		}
		return false
	}
	for _, c := range chs {
		if c.blob < 0 {
			continue
		}
		b := rp.bk[c.blob]
		if b == nil {
			continue
		}
		e := &entry{blob: c.blob, ids: make([]int32, len(b.keys))}
		for ki, k := range b.keys {
			id := int32(-1)
			var others []parentRef
			if len(n.parents) > 1 {
				others = n.parents[1:]
			}
			if c.flags&chIntro == 0 {
				// Merged in unchanged from another parent: same identity.
				for _, p := range others {
					if p.idx < 0 {
						continue
					}
					if pe := states[p.idx][c.path]; pe != nil && pe.blob == c.blob {
						id = pe.ids[ki]
						break
					}
				}
			}
			if id < 0 {
				id = rp.sameFile(base, c.path, k)
			}
			if id < 0 {
				for _, p := range others {
					if p.idx >= 0 {
						if id = rp.sameFile(states[p.idx], c.path, k); id >= 0 {
							break
						}
					}
				}
			}
			if id < 0 {
				id = rp.renamed(base, k, changed, newAt)
			}
			if id < 0 {
				id = rp.identityFor(k, c.path, t, c.blob, b.first[ki])
				if c.flags&chIntro != 0 && s.selects(t, c.path) {
					rp.ids[id].selected = true // added here, not carried over
				}
			}
			e.ids[ki] = id
			if c.flags&chIntro != 0 && rp.ids[id].intro >= 0 {
				it := &rp.ids[id]
				it.occCount++
				if len(it.occ) < rp.maxOcc() {
					it.occ = append(it.occ, occurrence{t, c.path})
				}
			}
		}
		cur[c.path] = e
	}
	return cur
}

func (rp *replayer) maxOcc() int {
	if rp.s.opts.MaxOccurrences > 0 {
		return rp.s.opts.MaxOccurrences
	}
	return 20
}

// sameFile returns the identity of secret k in the file at path in st.
func (rp *replayer) sameFile(st state, path int32, k int32) int32 {
	e := st[path]
	if e == nil {
		return -1
	}
	if i := rp.bk[e.blob].index(k); i >= 0 {
		return e.ids[i]
	}
	return -1
}

// renamed returns the identity of secret k in a file of base that this
// commit deleted or changed so that it no longer holds k: the secret moved.
func (rp *replayer) renamed(base state, k int32, changed func(int32) bool, newAt map[int32]int32) int32 {
	best, bestPath := int32(-1), ""
	for p, e := range base {
		i := rp.bk[e.blob].index(k)
		if i < 0 || !changed(p) {
			continue
		}
		if nb, ok := newAt[p]; ok && nb >= 0 {
			if b := rp.bk[nb]; b != nil && b.index(k) >= 0 {
				continue // still there: a copy, not a move
			}
		}
		if path := rp.s.paths[p]; best < 0 || path < bestPath {
			best, bestPath = e.ids[i], path
		}
	}
	return best
}

func (rp *replayer) identityFor(k, path, t, blob int32, idx int) int32 {
	if id, ok := rp.byKey[[2]int32{k, path}]; ok {
		return id
	}
	id := int32(len(rp.ids))
	rp.ids = append(rp.ids, identity{key: k, path: path, intro: t, tmplBlob: blob, tmplIdx: idx, removed: -1})
	rp.byKey[[2]int32{k, path}] = id
	return id
}

// predating returns the identity standing for secret k as it was before the
// scanned range: never reported, it only keeps old secrets from being
// reported as new.
func (rp *replayer) predating(k int32) int32 {
	if id, ok := rp.before[k]; ok {
		return id
	}
	id := int32(len(rp.ids))
	rp.ids = append(rp.ids, identity{key: k, path: -1, intro: -1, removed: -1})
	rp.before[k] = id
	return id
}

// findings turns identities into findings.
func (rp *replayer) findings() []finding.Finding {
	s := rp.s
	g := s.g
	refs := map[int32]finding.CommitRef{}
	ref := func(pos int32) finding.CommitRef {
		if r, ok := refs[pos]; ok {
			return r
		}
		r := s.commitRef(g.order[pos])
		refs[pos] = r
		return r
	}
	var out []finding.Finding
	selective := s.opts.Selective()
	for i := range rp.ids {
		it := &rp.ids[i]
		if it.intro < 0 || selective && !it.selected {
			continue
		}
		f := s.finds[it.tmplBlob][it.tmplIdx]
		// Inside an archive the file is path!member: keep the member.
		member := strings.TrimPrefix(f.File, s.paths[s.blobs[it.tmplBlob].path])
		f.File = s.paths[it.path] + member
		f.Fingerprint = finding.Fingerprint(f.RuleID, f.Secret, f.File)
		f.Repository = s.opts.Repository
		if !s.staged {
			c := ref(it.intro)
			f.Commit, f.Author, f.Email, f.Date, f.Message = c.Commit, c.Author, c.Email, c.Date, c.Message
			sort.Slice(it.occ, func(a, b int) bool { return it.occ[a].pos < it.occ[b].pos })
			for _, o := range it.occ {
				n := &g.nodes[g.order[o.pos]]
				f.Occurrences = append(f.Occurrences, finding.Occurrence{Commit: n.hash.String(), Path: s.paths[o.path], Date: rfc3339(n.time, 0)})
			}
			f.OccurrenceCount = it.occCount
			if len(it.holders) == 0 && it.removed >= 0 {
				c := ref(it.removed)
				f.RemovedIn = &c
			}
			if s.headNode >= 0 {
				v := it.atHead
				f.PresentAtHead = &v
			}
			if len(it.holders) > 0 {
				h := sortedNames(it.holders)
				if len(h) > 20 {
					h = h[:20]
				}
				f.PresentIn = h
			}
		}
		out = append(out, f)
	}
	return out
}
