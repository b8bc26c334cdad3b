package gitscan

import (
	"bufio"
	"bytes"
	"container/list"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/klauspost/compress/zlib"
)

// hash is a SHA-1 object id.
type hash = plumbing.Hash

var zeroHash hash

// objType is a git object type as stored in pack headers.
type objType int8

const (
	objBad      objType = 0
	objCommit   objType = 1
	objTree     objType = 2
	objBlob     objType = 3
	objTag      objType = 4
	objOfsDelta objType = 6
	objRefDelta objType = 7
)

func (t objType) String() string {
	switch t {
	case objCommit:
		return "commit"
	case objTree:
		return "tree"
	case objBlob:
		return "blob"
	case objTag:
		return "tag"
	case objOfsDelta:
		return "ofs-delta"
	case objRefDelta:
		return "ref-delta"
	}
	return "bad object type " + strconv.Itoa(int(t))
}

// errNotFound says an object is in no pack and no loose object file.
var errNotFound = errors.New("object not found")

// maxObjectSize bounds the size an object header may claim, so that a
// corrupt header cannot make us allocate without limit.
const maxObjectSize = 1 << 34

// maxRatio bounds how much deflate can expand data.
const maxRatio = 1100

// maxChain bounds delta chains (git's own limit is 4095 by default for
// aggressive repacks; anything deeper is corrupt or hostile).
const maxChain = 10000

// packIndex is a version 2 pack index file, mapped into memory where it can
// be (a lookup touches a few pages: reading a large index whole took most
// of a short scan's time), else read.
type packIndex struct {
	n      int
	fanout [256]uint32
	names  []byte // n*20
	off32  []byte // n*4
	off64  []byte // 8 per large offset
	mapped []byte // the mapping the slices above point into, or nil
}

// close unmaps the index; it must not be used after.
func (x *packIndex) close() {
	unmapFile(x.mapped)
	x.mapped, x.names, x.off32, x.off64 = nil, nil, nil, nil
}

func readPackIndex(path string) (*packIndex, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	data := mapFile(f, st.Size())
	mapped := data
	if data == nil {
		if data, err = io.ReadAll(f); err != nil {
			return nil, err
		}
	}
	x, err := parsePackIndex(path, data)
	if err != nil {
		unmapFile(mapped)
		return nil, err
	}
	x.mapped = mapped
	return x, nil
}

func parsePackIndex(path string, data []byte) (*packIndex, error) {
	if len(data) < 8+256*4 || !bytes.Equal(data[:4], []byte{0xff, 't', 'O', 'c'}) {
		return nil, fmt.Errorf("%s: not a version 2 pack index", filepath.Base(path))
	}
	if v := binary.BigEndian.Uint32(data[4:]); v != 2 {
		return nil, fmt.Errorf("%s: pack index version %d not supported", filepath.Base(path), v)
	}
	x := &packIndex{}
	prev := uint32(0)
	for i := 0; i < 256; i++ {
		x.fanout[i] = binary.BigEndian.Uint32(data[8+4*i:])
		if x.fanout[i] < prev {
			return nil, fmt.Errorf("%s: corrupt fan-out table", filepath.Base(path))
		}
		prev = x.fanout[i]
	}
	x.n = int(x.fanout[255])
	p := 8 + 256*4
	need := p + x.n*(20+4+4) + 40
	if x.n < 0 || need > len(data) || need < 0 {
		return nil, fmt.Errorf("%s: truncated pack index", filepath.Base(path))
	}
	x.names = data[p : p+20*x.n]
	p += 20 * x.n
	p += 4 * x.n // CRC32s
	x.off32 = data[p : p+4*x.n]
	p += 4 * x.n
	x.off64 = data[p : len(data)-40]
	return x, nil
}

func (x *packIndex) hashAt(i int) hash {
	var h hash
	copy(h[:], x.names[20*i:])
	return h
}

func (x *packIndex) offsetAt(i int) (int64, bool) {
	o := binary.BigEndian.Uint32(x.off32[4*i:])
	if o&0x80000000 == 0 {
		return int64(o), true
	}
	j := int(o & 0x7fffffff)
	if 8*j+8 > len(x.off64) {
		return 0, false
	}
	v := binary.BigEndian.Uint64(x.off64[8*j:])
	if v > 1<<62 {
		return 0, false
	}
	return int64(v), true
}

// find returns the position of h in the index.
func (x *packIndex) find(h hash) (int, bool) {
	lo := 0
	if h[0] > 0 {
		lo = int(x.fanout[h[0]-1])
	}
	hi := int(x.fanout[h[0]])
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		c := bytes.Compare(x.names[20*mid:20*mid+20], h[:])
		switch {
		case c == 0:
			return mid, true
		case c < 0:
			lo = mid + 1
		default:
			hi = mid
		}
	}
	return 0, false
}

// pack is one pack file with its index.
type pack struct {
	path string
	f    *os.File
	data []byte // the whole file when mapped, else nil (read with pread)
	size int64
	idx  *packIndex

	layoutOnce sync.Once
	lay        *packLayout
	orderOnce  sync.Once // byOffset
	offs       []int64
	pos        []int32
	orderErr   error
}

// odb reads objects from a repository's object directories (and their
// alternates): pack files through their indexes, and loose objects. It is
// safe for concurrent use.
type odb struct {
	dirs  []string // object directories: the repository's, then alternates
	packs []*pack
	cache *objCache
	pool  sync.Pool // *inflater
	slots *Pool     // CPU slots shared with other scans (nil: unbounded)
	// maxBlob, when positive, is --max-file-size: a wanted blob that is
	// larger and that no delta needs as a base is skipped without being
	// inflated (its pack header gives the size), so one huge or
	// highly compressible blob costs no memory.
	maxBlob int64
	// memos, when set, lets the sink match a blob from its delta base's
	// memo (see blobMemos).
	memos *blobMemos
	bg    sync.WaitGroup // background work reading the packs (prepareLayouts)
}

// errTooLarge is handed to the blob sink for a blob skipped unread.
type errTooLarge struct{ size int64 }

func (e errTooLarge) Error() string { return fmt.Sprintf("%d bytes", e.size) }

// openODB opens the object directory dir and its alternates.
func openODB(dir string) (*odb, error) {
	db := &odb{cache: newObjCache(8 << 20)}
	db.pool.New = func() any { return &inflater{} }
	seen := map[string]bool{}
	var add func(d string, depth int) error
	add = func(d string, depth int) error {
		d = filepath.Clean(d)
		if seen[d] || depth > 5 {
			return nil
		}
		seen[d] = true
		st, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("object directory %s: %w", d, unwrapPath(err))
		}
		if !st.IsDir() {
			return fmt.Errorf("object directory %s: not a directory", d)
		}
		db.dirs = append(db.dirs, d)
		if err := db.openPacks(d); err != nil {
			return err
		}
		alt, err := os.ReadFile(filepath.Join(d, "info", "alternates"))
		if err != nil {
			return nil // no alternates
		}
		for _, line := range strings.Split(string(alt), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			if !filepath.IsAbs(line) {
				line = filepath.Join(d, line)
			}
			if err := add(line, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := add(dir, 0); err != nil {
		db.close()
		return nil, err
	}
	return db, nil
}

func (db *odb) openPacks(dir string) error {
	names, err := filepath.Glob(filepath.Join(dir, "pack", "pack-*.idx"))
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, in := range names {
		pn := strings.TrimSuffix(in, ".idx") + ".pack"
		f, err := os.Open(pn)
		if err != nil {
			continue // an index without its pack (e.g. mid-repack): objects are found elsewhere or reported missing
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return fmt.Errorf("pack %s: %w", filepath.Base(pn), unwrapPath(err))
		}
		x, err := readPackIndex(in)
		if err != nil {
			f.Close()
			return err
		}
		var hdr [12]byte
		if _, err := f.ReadAt(hdr[:], 0); err != nil || !bytes.Equal(hdr[:4], []byte("PACK")) {
			x.close()
			f.Close()
			return fmt.Errorf("pack %s: not a pack file", filepath.Base(pn))
		}
		db.packs = append(db.packs, &pack{path: pn, f: f, data: mapFile(f, st.Size()), size: st.Size(), idx: x})
	}
	return nil
}

func (db *odb) close() {
	db.bg.Wait()
	for _, p := range db.packs {
		unmapFile(p.data)
		p.data = nil
		p.idx.close()
		p.f.Close()
	}
	db.packs = nil
}

// locate finds the pack holding h.
func (db *odb) locate(h hash) (*pack, int64, bool) {
	for _, p := range db.packs {
		if i, ok := p.idx.find(h); ok {
			if off, ok := p.idx.offsetAt(i); ok {
				return p, off, true
			}
		}
	}
	return nil, 0, false
}

// read returns an object's type and content. The content may be shared with
// the cache and other callers: it must not be modified.
func (db *odb) read(h hash) (objType, []byte, error) {
	if p, off, ok := db.locate(h); ok {
		t, data, err := db.readPacked(p, off, 0)
		if err != nil {
			return objBad, nil, fmt.Errorf("object %s: %w", h, err)
		}
		return t, data, nil
	}
	t, data, err := db.readLoose(h)
	if err != nil {
		if errors.Is(err, errNotFound) {
			return objBad, nil, fmt.Errorf("object %s: %w", h, errNotFound)
		}
		return objBad, nil, fmt.Errorf("object %s: %w", h, err)
	}
	return t, data, nil
}

// readLoose reads a loose object file.
func (db *odb) readLoose(h hash) (objType, []byte, error) {
	hx := h.String()
	for _, d := range db.dirs {
		f, err := os.Open(filepath.Join(d, hx[:2], hx[2:]))
		if err != nil {
			continue
		}
		var limit int64 = maxObjectSize
		if st, err := f.Stat(); err == nil {
			limit = st.Size()
		}
		t, data, err := db.inflateLoose(f, limit)
		f.Close()
		if err != nil {
			return objBad, nil, fmt.Errorf("loose object: %w", err)
		}
		return t, data, nil
	}
	return objBad, nil, errNotFound
}

func (db *odb) inflateLoose(r io.Reader, limit int64) (objType, []byte, error) {
	inf := db.pool.Get().(*inflater)
	defer db.pool.Put(inf)
	zr, err := inf.reset(r)
	if err != nil {
		return objBad, nil, err
	}
	br := bufio.NewReaderSize(zr, 512)
	hdr, err := br.ReadSlice(0)
	if err != nil || len(hdr) > 64 {
		return objBad, nil, fmt.Errorf("corrupt header")
	}
	sp := bytes.IndexByte(hdr, ' ')
	if sp < 0 {
		return objBad, nil, fmt.Errorf("corrupt header")
	}
	var t objType
	switch string(hdr[:sp]) {
	case "commit":
		t = objCommit
	case "tree":
		t = objTree
	case "blob":
		t = objBlob
	case "tag":
		t = objTag
	default:
		return objBad, nil, fmt.Errorf("unknown object type %q", hdr[:sp])
	}
	size, err := strconv.ParseInt(string(hdr[sp+1:len(hdr)-1]), 10, 64)
	if err != nil || size < 0 || size > maxObjectSize || size > limit*maxRatio+4096 {
		return objBad, nil, fmt.Errorf("corrupt size in header")
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(br, data); err != nil {
		return objBad, nil, fmt.Errorf("truncated content: %w", err)
	}
	if err := expectEOF(br); err != nil {
		return objBad, nil, err
	}
	return t, data, nil
}

// objHeader is a parsed pack object header.
type objHeader struct {
	typ     objType
	size    int64
	hdrLen  int   // bytes before the compressed data
	baseOff int64 // ofs-delta: the base's offset
	baseRef hash  // ref-delta: the base's id
}

// parseObjHeader parses the header of the object at offset off from b, the
// bytes starting there.
func parseObjHeader(b []byte, off int64) (objHeader, error) {
	var h objHeader
	if len(b) == 0 {
		return h, errors.New("truncated object header")
	}
	c := b[0]
	h.typ = objType((c >> 4) & 7)
	h.size = int64(c & 15)
	shift := uint(4)
	i := 1
	for c&0x80 != 0 {
		if i >= len(b) || shift > 56 {
			return h, errors.New("corrupt object header")
		}
		c = b[i]
		i++
		h.size |= int64(c&0x7f) << shift
		shift += 7
	}
	if h.size > maxObjectSize {
		return h, fmt.Errorf("object header claims %d bytes", h.size)
	}
	switch h.typ {
	case objCommit, objTree, objBlob, objTag:
	case objOfsDelta:
		if i >= len(b) {
			return h, errors.New("truncated delta header")
		}
		c = b[i]
		i++
		o := int64(c & 0x7f)
		for c&0x80 != 0 {
			if i >= len(b) || o > 1<<55 {
				return h, errors.New("corrupt delta offset")
			}
			c = b[i]
			i++
			o = ((o + 1) << 7) | int64(c&0x7f)
		}
		if o <= 0 || o > off {
			return h, errors.New("delta base offset out of range")
		}
		h.baseOff = off - o
	case objRefDelta:
		if i+20 > len(b) {
			return h, errors.New("truncated delta header")
		}
		copy(h.baseRef[:], b[i:i+20])
		i += 20
	default:
		return h, fmt.Errorf("unknown object type %d", h.typ)
	}
	h.hdrLen = i
	return h, nil
}

func (p *pack) header(off int64) (objHeader, error) {
	var b [32]byte
	if off < 12 || off >= p.size {
		return objHeader{}, fmt.Errorf("offset %d outside pack", off)
	}
	if p.data != nil {
		return parseObjHeader(p.data[off:min(p.size, off+32)], off)
	}
	n, err := p.f.ReadAt(b[:], off)
	if n == 0 && err != nil {
		return objHeader{}, err
	}
	return parseObjHeader(b[:n], off)
}

// inflater is a reusable zlib reader.
type inflater struct {
	zr io.ReadCloser
	br *bufio.Reader
	sr io.SectionReader
	z  *zinflater // for streams held in memory

	scratch []byte // a buffer for content used only while it is held
}

// inflateBytes inflates the zlib stream at the start of src into a buffer
// of exactly size bytes (dst is reused when large enough).
func (in *inflater) inflateBytes(src []byte, size int64, dst []byte) ([]byte, error) {
	if size > int64(len(src))*maxRatio+4096 {
		return nil, fmt.Errorf("object header claims %d bytes from at most %d compressed", size, len(src))
	}
	if in.z == nil {
		in.z = new(zinflater)
	}
	if int64(cap(dst)) < size {
		dst = make([]byte, size)
	}
	dst = dst[:size]
	if err := in.z.inflate(dst, src); err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	return dst, nil
}

func (in *inflater) reset(r io.Reader) (io.Reader, error) {
	if in.zr == nil {
		zr, err := zlib.NewReader(r)
		if err != nil {
			return nil, err
		}
		in.zr = zr
		return zr, nil
	}
	if err := in.zr.(zlib.Resetter).Reset(r, nil); err != nil {
		return nil, err
	}
	return in.zr, nil
}

// inflateAt inflates the zlib stream at off in p into a buffer of exactly
// size bytes (dst is reused when large enough).
func (db *odb) inflateAt(p *pack, off int64, size int64, dst []byte) ([]byte, error) {
	inf := db.pool.Get().(*inflater)
	defer db.pool.Put(inf)
	return db.inflateWith(inf, p, off, size, dst)
}

// inflateWith is inflateAt with the given inflater.
func (db *odb) inflateWith(inf *inflater, p *pack, off int64, size int64, dst []byte) ([]byte, error) {
	if p.data != nil {
		return inf.inflateBytes(p.data[off:], size, dst)
	}
	inf.sr = *io.NewSectionReader(p.f, off, p.size-off)
	if inf.br == nil {
		inf.br = bufio.NewReaderSize(&inf.sr, 16<<10)
	} else {
		inf.br.Reset(&inf.sr)
	}
	return inflateInto(inf, inf.br, p.size-off, size, dst)
}

// inflateInto inflates the zlib stream from r, which must hold exactly size
// bytes, into dst (reallocated if too small).
func inflateInto(inf *inflater, r io.Reader, avail, size int64, dst []byte) ([]byte, error) {
	if size > avail*maxRatio+4096 {
		// Deflate cannot expand data more than about 1032 times: a
		// header claiming more is corrupt, and must not make us allocate it.
		return nil, fmt.Errorf("object header claims %d bytes from at most %d compressed", size, avail)
	}
	zr, err := inf.reset(r)
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	if int64(cap(dst)) < size {
		dst = make([]byte, size)
	}
	dst = dst[:size]
	if _, err := io.ReadFull(zr, dst); err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	if err := expectEOF(zr); err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	return dst, nil
}

// expectEOF reads to the end of a zlib stream, which checks its checksum,
// and fails if any content is left.
func expectEOF(r io.Reader) error {
	var one [1]byte
	for i := 0; i < 4; i++ {
		n, err := r.Read(one[:])
		switch {
		case n != 0:
			return errors.New("content longer than its header says")
		case err == io.EOF:
			return nil
		case err != nil:
			return err
		}
	}
	return errors.New("stream does not end")
}

// readPacked reads the object at off in p, resolving deltas.
func (db *odb) readPacked(p *pack, off int64, depth int) (objType, []byte, error) {
	if t, data, ok := db.cache.get(p, off); ok {
		return t, data, nil
	}
	if depth > maxChain {
		return objBad, nil, errors.New("delta chain too long (corrupt pack?)")
	}
	h, err := p.header(off)
	if err != nil {
		return objBad, nil, fmt.Errorf("%s at %d: %w", filepath.Base(p.path), off, err)
	}
	switch h.typ {
	case objCommit, objTree, objBlob, objTag:
		data, err := db.inflateAt(p, off+int64(h.hdrLen), h.size, nil)
		if err != nil {
			return objBad, nil, fmt.Errorf("%s at %d: %w", filepath.Base(p.path), off, err)
		}
		db.cache.put(p, off, h.typ, data)
		return h.typ, data, nil
	}
	var bt objType
	var base []byte
	if h.typ == objOfsDelta {
		bt, base, err = db.readPacked(p, h.baseOff, depth+1)
	} else {
		bp, boff, ok := db.locate(h.baseRef)
		if !ok {
			var t objType
			t, base, err = db.readLoose(h.baseRef)
			bt = t
			if err != nil {
				err = fmt.Errorf("delta base %s: %w", h.baseRef, err)
			}
		} else {
			bt, base, err = db.readPacked(bp, boff, depth+1)
		}
	}
	if err != nil {
		return objBad, nil, err
	}
	// The delta is needed only while patching: inflate it into a pooled
	// inflater's scratch buffer.
	inf := db.pool.Get().(*inflater)
	defer db.pool.Put(inf)
	delta, err := db.inflateWith(inf, p, off+int64(h.hdrLen), h.size, inf.scratch)
	if err != nil {
		return objBad, nil, fmt.Errorf("%s at %d: %w", filepath.Base(p.path), off, err)
	}
	if cap(delta) <= 1<<20 {
		inf.scratch = delta
	}
	data, err := patchDelta(nil, base, delta)
	if err != nil {
		return objBad, nil, fmt.Errorf("%s at %d: %w", filepath.Base(p.path), off, err)
	}
	db.cache.put(p, off, bt, data)
	return bt, data, nil
}

// objCache is an LRU cache of decoded pack objects, bounded in bytes and
// sharded by offset so that concurrent readers rarely wait for each other.
type objCache struct {
	shards [16]objShard
}

type objShard struct {
	mu    sync.Mutex
	max   int
	size  int
	ll    list.List
	items map[cacheKey]*list.Element
}

type cacheKey struct {
	p   *pack
	off int64
}

type cacheEntry struct {
	key  cacheKey
	typ  objType
	data []byte
}

func newObjCache(max int) *objCache {
	c := &objCache{}
	for i := range c.shards {
		c.shards[i].max = max / len(c.shards)
		c.shards[i].items = map[cacheKey]*list.Element{}
	}
	return c
}

func (c *objCache) shard(off int64) *objShard {
	return &c.shards[(off^off>>7^off>>13)&15]
}

func (c *objCache) get(p *pack, off int64) (objType, []byte, bool) {
	sh := c.shard(off)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e, ok := sh.items[cacheKey{p, off}]; ok {
		sh.ll.MoveToFront(e)
		ce := e.Value.(*cacheEntry)
		return ce.typ, ce.data, true
	}
	return objBad, nil, false
}

// clear empties the cache.
func (c *objCache) clear() {
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		sh.ll.Init()
		clear(sh.items)
		sh.size = 0
		sh.mu.Unlock()
	}
}

func (c *objCache) put(p *pack, off int64, t objType, data []byte) {
	sh := c.shard(off)
	if len(data) > sh.max/2 {
		return
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	k := cacheKey{p, off}
	if _, ok := sh.items[k]; ok {
		return
	}
	sh.items[k] = sh.ll.PushFront(&cacheEntry{key: k, typ: t, data: data})
	sh.size += len(data) + 64
	for sh.size > sh.max {
		e := sh.ll.Back()
		ce := e.Value.(*cacheEntry)
		sh.ll.Remove(e)
		delete(sh.items, ce.key)
		sh.size -= len(ce.data) + 64
	}
}

// parseHash parses a 40-digit hex object id.
func parseHash(s []byte) (hash, bool) {
	var h hash
	if len(s) != 40 {
		return h, false
	}
	if _, err := hex.Decode(h[:], s); err != nil {
		return h, false
	}
	return h, true
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
