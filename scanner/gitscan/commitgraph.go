package gitscan

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// commitGraph is git's commit-graph file (objects/info/commit-graph) or
// chain of files (objects/info/commit-graphs/): each commit's root tree,
// parents and committer time, so the walk need not inflate the commits.
// Every file's checksum is verified when it is opened.
type commitGraph struct {
	layers []*graphLayer // base first; positions count on from the layers before
}

type graphLayer struct {
	mapped []byte // the mapping, or nil when read
	fanout [256]uint32
	oids   []byte // n*20
	cdat   []byte // n*36
	edges  []byte // 4 per extra parent
	n      int
	base   int // commits in the layers before
}

const (
	graphNoParent = 0x70000000
	graphEdgeBit  = 0x80000000
)

// openCommitGraph opens the commit-graph of the object directory dir. It
// returns nil and no error when there is none.
func openCommitGraph(dir string) (*commitGraph, error) {
	info := filepath.Join(dir, "info")
	single := filepath.Join(info, "commit-graph")
	chain, err := os.ReadFile(filepath.Join(info, "commit-graphs", "commit-graph-chain"))
	if err == nil {
		var files []string
		for _, line := range strings.Fields(string(chain)) {
			if _, ok := parseHash([]byte(line)); !ok {
				return nil, fmt.Errorf("commit-graph chain: bad line %q", line)
			}
			files = append(files, filepath.Join(info, "commit-graphs", "graph-"+line+".graph"))
		}
		if len(files) == 0 {
			return nil, errors.New("commit-graph chain: empty")
		}
		return loadGraphFiles(files)
	}
	if _, err := os.Stat(single); err != nil {
		return nil, nil
	}
	return loadGraphFiles([]string{single})
}

func loadGraphFiles(files []string) (*commitGraph, error) {
	g := &commitGraph{}
	base := 0
	for _, f := range files {
		l, err := openGraphLayer(f)
		if err != nil {
			g.close()
			return nil, fmt.Errorf("%s: %w", filepath.Base(f), err)
		}
		l.base = base
		base += l.n
		g.layers = append(g.layers, l)
	}
	// Parent positions may point anywhere in this layer or the ones before.
	for _, l := range g.layers {
		for i := 0; i < l.n; i++ {
			if err := l.checkParents(i, l.base+l.n); err != nil {
				g.close()
				return nil, err
			}
		}
	}
	return g, nil
}

func openGraphLayer(path string) (*graphLayer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, unwrapPath(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	data := mapFile(f, st.Size())
	l := &graphLayer{mapped: data}
	if data == nil {
		if data, err = io.ReadAll(f); err != nil {
			return nil, err
		}
	}
	if err := l.parse(data); err != nil {
		unmapFile(l.mapped)
		return nil, err
	}
	return l, nil
}

func (l *graphLayer) parse(data []byte) error {
	if len(data) < 8+12+20 || !bytes.Equal(data[:4], []byte("CGPH")) {
		return errors.New("not a commit-graph file")
	}
	if data[4] != 1 || data[5] != 1 {
		return fmt.Errorf("commit-graph version %d, hash %d not supported", data[4], data[5])
	}
	body := data[:len(data)-20]
	if sum := sha1.Sum(body); !bytes.Equal(sum[:], data[len(data)-20:]) {
		return errors.New("checksum mismatch")
	}
	nchunks := int(data[6])
	toc := 8
	if toc+12*(nchunks+1) > len(body) {
		return errors.New("truncated chunk table")
	}
	chunks := map[string][]byte{}
	for i := 0; i < nchunks; i++ {
		e := data[toc+12*i:]
		id := string(e[:4])
		start := binary.BigEndian.Uint64(e[4:])
		end := binary.BigEndian.Uint64(e[16:])
		if start > end || end > uint64(len(body)) || start < uint64(toc+12*(nchunks+1)) {
			return fmt.Errorf("chunk %q out of range", id)
		}
		chunks[id] = data[start:end]
	}
	fan, oids, cdat := chunks["OIDF"], chunks["OIDL"], chunks["CDAT"]
	if len(fan) != 256*4 || oids == nil || cdat == nil {
		return errors.New("missing or bad required chunk")
	}
	prev := uint32(0)
	for i := range l.fanout {
		l.fanout[i] = binary.BigEndian.Uint32(fan[4*i:])
		if l.fanout[i] < prev {
			return errors.New("corrupt fan-out table")
		}
		prev = l.fanout[i]
	}
	l.n = int(l.fanout[255])
	if len(oids) != 20*l.n || len(cdat) != 36*l.n {
		return errors.New("chunk sizes do not match the commit count")
	}
	l.oids, l.cdat, l.edges = oids, cdat, chunks["EDGE"]
	return nil
}

// checkParents checks that commit i's parent positions are below total
// (this layer's and its bases' commits)
// and its extra edges are in range, so that lookups cannot fail later.
func (l *graphLayer) checkParents(i, total int) error {
	d := l.cdat[36*i:]
	p1, p2 := binary.BigEndian.Uint32(d[20:]), binary.BigEndian.Uint32(d[24:])
	if p1 != graphNoParent && int(p1) >= total {
		return errors.New("commit-graph: parent out of range")
	}
	switch {
	case p2 == graphNoParent:
	case p2&graphEdgeBit != 0:
		for k := int(p2 &^ graphEdgeBit); ; k++ {
			if 4*k+4 > len(l.edges) {
				return errors.New("commit-graph: extra edge out of range")
			}
			e := binary.BigEndian.Uint32(l.edges[4*k:])
			if int(e&^graphEdgeBit) >= total {
				return errors.New("commit-graph: parent out of range")
			}
			if e&graphEdgeBit != 0 {
				break
			}
		}
	case int(p2) >= total:
		return errors.New("commit-graph: parent out of range")
	}
	return nil
}

func (g *commitGraph) close() {
	if g == nil {
		return
	}
	for _, l := range g.layers {
		unmapFile(l.mapped)
		l.mapped, l.oids, l.cdat, l.edges = nil, nil, nil, nil
	}
	g.layers = nil
}

// count returns how many commits the graph holds.
func (g *commitGraph) count() int {
	if g == nil || len(g.layers) == 0 {
		return 0
	}
	l := g.layers[len(g.layers)-1]
	return l.base + l.n
}

// find returns the layer and index within it of commit h.
func (g *commitGraph) find(h hash) (*graphLayer, int, bool) {
	for _, l := range g.layers {
		lo := 0
		if h[0] > 0 {
			lo = int(l.fanout[h[0]-1])
		}
		hi := int(l.fanout[h[0]])
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			switch c := bytes.Compare(l.oids[20*mid:20*mid+20], h[:]); {
			case c == 0:
				return l, mid, true
			case c < 0:
				lo = mid + 1
			default:
				hi = mid
			}
		}
	}
	return nil, 0, false
}

// oidAt returns the commit at global position pos.
func (g *commitGraph) oidAt(pos uint32) hash {
	var h hash
	for _, l := range g.layers {
		if int(pos) < l.base+l.n {
			copy(h[:], l.oids[20*(int(pos)-l.base):])
			return h
		}
	}
	return h // unreachable: positions were checked when opened
}

// lookup returns commit h's tree, parents and committer time.
func (g *commitGraph) lookup(h hash) (aheadCommit, bool) {
	if g == nil {
		return aheadCommit{}, false
	}
	l, i, ok := g.find(h)
	if !ok {
		return aheadCommit{}, false
	}
	d := l.cdat[36*i:]
	var c aheadCommit
	copy(c.tree[:], d[:20])
	p1, p2 := binary.BigEndian.Uint32(d[20:]), binary.BigEndian.Uint32(d[24:])
	if p1 != graphNoParent {
		c.parents = append(c.parents, g.oidAt(p1))
	}
	switch {
	case p2 == graphNoParent:
	case p2&graphEdgeBit != 0:
		for k := int(p2 &^ graphEdgeBit); ; k++ {
			e := binary.BigEndian.Uint32(l.edges[4*k:])
			c.parents = append(c.parents, g.oidAt(e&^graphEdgeBit))
			if e&graphEdgeBit != 0 {
				break
			}
		}
	default:
		c.parents = append(c.parents, g.oidAt(p2))
	}
	hi, lo := binary.BigEndian.Uint32(d[28:]), binary.BigEndian.Uint32(d[32:])
	c.time = int64(hi&3)<<32 | int64(lo)
	c.ok = true
	return c, true
}
