// Package archive reads archives — the zip family (zip, jar, war, ear, apk,
// whl, nupkg, xpi), tar, and gzip, bzip2 and xz streams — from memory or a
// stream, recognised by their magic bytes, and hands over their members one
// at a time without writing anything to disk. Every byte decompressed and
// every member counts against a Budget, so a zip bomb ends early with a
// notice instead of filling memory or running for hours.
package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/bzip2"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/ulikunitz/xz"
)

// Format is an archive or compression format.
type Format uint8

// The formats Detect recognises.
const (
	None Format = iota
	Zip
	Tar
	Gzip
	Bzip2
	Xz
)

// String names the format.
func (f Format) String() string {
	return [...]string{"none", "zip", "tar", "gzip", "bzip2", "xz"}[f]
}

// Compressed reports whether f is a compression of one stream (its content
// may itself be an archive) rather than a container of named members.
func (f Format) Compressed() bool { return f == Gzip || f == Bzip2 || f == Xz }

// HeadLen is how much of the start of content Detect needs to see them all.
const HeadLen = 512

// Detect recognises an archive by its first bytes (HeadLen of them find a
// tar; the others need a few).
func Detect(head []byte) Format {
	switch {
	case len(head) >= 4 && head[0] == 'P' && head[1] == 'K' &&
		(head[2] == 3 && head[3] == 4 || head[2] == 5 && head[3] == 6 || head[2] == 7 && head[3] == 8):
		return Zip
	case len(head) >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8:
		return Gzip
	case len(head) >= 10 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && '1' <= head[3] && head[3] <= '9' &&
		(string(head[4:10]) == "1AY&SY" || string(head[4:10]) == "\x17rE8P\x90"):
		return Bzip2
	case len(head) >= 6 && string(head[:6]) == "\xfd7zXZ\x00":
		return Xz
	case len(head) >= 263 && string(head[257:262]) == "ustar":
		return Tar
	}
	return None
}

// Limits bound what one archive, with every archive nested in it, may expand
// to. Zero fields take the defaults.
type Limits struct {
	MaxBytes   int64 // decompressed bytes (default 256 MiB)
	MaxRatio   int64 // decompressed bytes per byte of the archive, above MinBytes (default 100)
	MinBytes   int64 // bytes always allowed whatever the ratio (default 16 MiB)
	MaxEntries int   // members (default 10,000)
	MaxBuffer  int64 // bytes held in memory to open a zip read from a stream (default 64 MiB)
	MaxDict    int64 // largest xz dictionary accepted (default 64 MiB)
	// MaxStream bounds what is scanned of one compressed stream that holds
	// no archive (a .gz, .bz2 or .xz of a log, a dump, a test corpus):
	// decompressed bytes past it are not read (default 1 MiB).
	MaxStream int64
}

// Defaults fills in the zero fields.
func (l Limits) Defaults() Limits {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxBytes, 256<<20)
	def(&l.MaxRatio, 100)
	def(&l.MinBytes, 16<<20)
	def(&l.MaxBuffer, 64<<20)
	def(&l.MaxDict, 64<<20)
	def(&l.MaxStream, 1<<20)
	if l.MaxEntries <= 0 {
		l.MaxEntries = 10000
	}
	return l
}

// LimitError says a Budget bound stopped the expansion of an archive.
type LimitError struct{ Bound string }

func (e *LimitError) Error() string { return "stopped at the " + e.Bound + " bound" }

// IsLimit reports whether err is a LimitError.
func IsLimit(err error) bool {
	var le *LimitError
	return errors.As(err, &le)
}

// Budget is what is left of one top-level archive's Limits; it is not safe
// for concurrent use.
type Budget struct {
	lim        Limits
	compressed int64 // bytes of the archive itself read so far (or its size)
	expanded   int64
	buffered   int64
	entries    int
}

// NewBudget starts a budget for an archive of size bytes (-1: unknown; the
// bytes read from it are counted as they come, see Input).
func NewBudget(lim Limits, size int64) *Budget {
	return &Budget{lim: lim.Defaults(), compressed: max(size, 0)}
}

// Input counts the bytes read through r as the archive's own size, for an
// archive read from a stream.
func (b *Budget) Input(r io.Reader) io.Reader { return &inputReader{r: r, b: b} }

type inputReader struct {
	r io.Reader
	b *Budget
}

func (i *inputReader) Read(p []byte) (int, error) {
	n, err := i.r.Read(p)
	i.b.compressed += int64(n)
	return n, err
}

// Entry counts one member; it fails once there are too many.
func (b *Budget) Entry() error {
	b.entries++
	if b.entries > b.lim.MaxEntries {
		return &LimitError{fmt.Sprintf("%d-entry", b.lim.MaxEntries)}
	}
	return nil
}

// grow counts n decompressed bytes.
func (b *Budget) grow(n int) error {
	b.expanded += int64(n)
	if b.expanded > b.lim.MaxBytes {
		return &LimitError{fmt.Sprintf("%d-byte expansion", b.lim.MaxBytes)}
	}
	if b.expanded > b.lim.MinBytes && b.expanded > b.lim.MaxRatio*b.compressed {
		return &LimitError{fmt.Sprintf("%d:1 expansion ratio", b.lim.MaxRatio)}
	}
	return nil
}

// Expand counts every byte read through r against the budget; the reader
// fails with a LimitError once the budget is spent.
func (b *Budget) Expand(r io.Reader) io.Reader { return &expandReader{r: r, b: b} }

type expandReader struct {
	r   io.Reader
	b   *Budget
	err error
}

func (e *expandReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.r.Read(p)
	if lerr := e.b.grow(n); lerr != nil {
		e.err = lerr
		return n, lerr
	}
	return n, err
}

// Buffer reads all of r into memory, within the budget's MaxBuffer (for a
// zip, which needs random access, read from a stream).
func (b *Budget) Buffer(r io.Reader) ([]byte, error) {
	room := b.lim.MaxBuffer - b.buffered
	data, err := io.ReadAll(io.LimitReader(r, room+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > room {
		return nil, &LimitError{fmt.Sprintf("%d-byte in-memory zip", b.lim.MaxBuffer)}
	}
	b.buffered += int64(len(data))
	return data, nil
}

// Stream returns the first MaxStream bytes of r, the decompressed content of
// a compressed stream that is not an archive.
func (b *Budget) Stream(r io.Reader) *Stream {
	return &Stream{r: r, left: b.lim.MaxStream, max: b.lim.MaxStream}
}

// Stream is the start of a decompressed stream, cut at the budget's
// MaxStream bytes.
type Stream struct {
	r         io.Reader
	left, max int64
	cut       bool
}

// Read reads the stream and ends (io.EOF) at the bound.
func (s *Stream) Read(p []byte) (int, error) {
	if s.left <= 0 {
		// Only a byte past the bound says the stream was cut.
		var one [1]byte
		if n, _ := io.ReadFull(s.r, one[:]); n > 0 {
			s.cut = true
		}
		return 0, io.EOF
	}
	if int64(len(p)) > s.left {
		p = p[:s.left]
	}
	n, err := s.r.Read(p)
	s.left -= int64(n)
	return n, err
}

// Cut returns the bound that stopped the stream, or nil when it was read to
// its end (or not read that far).
func (s *Stream) Cut() *LimitError {
	if !s.cut {
		return nil
	}
	return &LimitError{fmt.Sprintf("%d-byte compressed stream", s.max)}
}

// Release returns n buffered bytes to the budget once they are dropped.
func (b *Budget) Release(n int) { b.buffered -= int64(n) }

// Decompress returns the decompressed stream of r, in format f (Gzip, Bzip2
// or Xz), counted against b.
func Decompress(f Format, r io.Reader, b *Budget) (io.Reader, error) {
	var d io.Reader
	switch f {
	case Gzip:
		z, err := gzip.NewReader(r)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		d = z
	case Bzip2:
		d = bzip2.NewReader(r)
	case Xz:
		// The xz reader allocates the dictionary the stream asks for: look
		// at the first block's before trusting it.
		br := &peekReader{r: r}
		head, err := br.peek(64)
		if err != nil {
			return nil, fmt.Errorf("xz: %w", err)
		}
		if dict, ok := xzDict(head); ok && dict > b.lim.MaxDict {
			return nil, &LimitError{fmt.Sprintf("%d-byte xz dictionary", b.lim.MaxDict)}
		}
		z, err := xz.ReaderConfig{DictCap: 1 << 20}.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("xz: %w", err)
		}
		d = z
	default:
		return nil, fmt.Errorf("%s is not a compression format", f)
	}
	return b.Expand(d), nil
}

// xzDict reads the LZMA2 dictionary size of the first block of an xz stream.
func xzDict(h []byte) (int64, bool) {
	// 12-byte stream header, then the block header: size, flags, optional
	// sizes (varints), then filter flags: id, property size, properties.
	if len(h) < 14 || h[12] == 0 {
		return 0, false
	}
	flags := h[13]
	i := 14
	varint := func() (uint64, bool) {
		var v uint64
		for s := 0; i < len(h) && s < 63; s += 7 {
			c := h[i]
			i++
			v |= uint64(c&0x7f) << s
			if c < 0x80 {
				return v, true
			}
		}
		return 0, false
	}
	for k := 0; k < 2; k++ {
		if flags&(0x40<<k) != 0 {
			if _, ok := varint(); !ok {
				return 0, false
			}
		}
	}
	nf := int(flags&3) + 1
	for f := 0; f < nf; f++ {
		id, ok1 := varint()
		psize, ok2 := varint()
		if !ok1 || !ok2 || i+int(psize) > len(h) {
			return 0, false
		}
		if id == 0x21 && psize == 1 {
			c := h[i] & 0x3f
			if c > 40 {
				return 1 << 62, true
			}
			if c == 40 {
				return 0xffffffff, true
			}
			return int64(2|c&1) << (c/2 + 11), true
		}
		i += int(psize)
	}
	return 0, false
}

// peekReader lets the start of a stream be looked at before it is read.
type peekReader struct {
	r    io.Reader
	head []byte
}

func (p *peekReader) peek(n int) ([]byte, error) {
	buf := make([]byte, n)
	k, err := io.ReadFull(p.r, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	p.head = buf[:k]
	return p.head, err
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.head) > 0 {
		n := copy(b, p.head)
		p.head = p.head[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// Member is one regular file inside a container.
type Member struct {
	Name string    // sanitised path inside the archive
	R    io.Reader // its content, counted against the budget
	Size int64     // uncompressed size as the archive states it (-1: unknown)
}

// Walk calls visit for each regular file of the container in format f (Zip
// or Tar) read from r, or from ra (size bytes) when random access is
// available (a zip needs it; without it the zip is buffered within the
// budget). A member that cannot be read (encrypted, an unknown method) is
// passed to notice and skipped. Walk stops at the first error visit returns,
// at a budget bound and at a corrupt header, and returns that error.
func Walk(f Format, r io.Reader, ra io.ReaderAt, size int64, b *Budget, visit func(Member) error, notice func(member, msg string)) error {
	switch f {
	case Zip:
		if ra == nil {
			data, err := b.Buffer(r)
			if err != nil {
				return err
			}
			defer b.Release(len(data))
			ra, size = bytes.NewReader(data), int64(len(data))
		}
		return walkZip(ra, size, b, visit, notice)
	case Tar:
		return walkTar(r, b, visit)
	}
	return fmt.Errorf("%s is not a container format", f)
}

func walkZip(ra io.ReaderAt, size int64, b *Budget, visit func(Member) error, notice func(member, msg string)) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return fmt.Errorf("zip: %w", err)
	}
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return flate.NewReader(r) })
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || !zf.Mode().IsRegular() {
			continue
		}
		if err := b.Entry(); err != nil {
			return err
		}
		name := Clean(zf.Name)
		if zf.Flags&1 != 0 {
			notice(name, "encrypted, not scanned")
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			notice(name, fmt.Sprintf("not scanned: %v", err))
			continue
		}
		err = visit(Member{Name: name, R: b.Expand(rc), Size: int64(zf.UncompressedSize64)})
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func walkTar(r io.Reader, b *Budget, visit func(Member) error) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("tar: %w", err)
		}
		if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA {
			continue
		}
		if err := b.Entry(); err != nil {
			return err
		}
		if err := visit(Member{Name: Clean(h.Name), R: b.Expand(tr), Size: h.Size}); err != nil {
			return err
		}
	}
}

// Clean makes a member name safe to print and unambiguous: control and
// invisible formatting characters become '?', backslashes '/', and a leading
// '/', a drive letter and '.' or '..' segments are dropped — the name is
// only ever reported, never used as a path.
func Clean(name string) string {
	name = strings.Map(func(r rune) rune {
		switch {
		case r == '\\':
			return '/'
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar:
			return '?'
		}
		return r
	}, name)
	if len(name) >= 2 && name[1] == ':' {
		name = name[2:]
	}
	var segs []string
	for _, s := range strings.Split(name, "/") {
		if s == "" || s == "." || s == ".." {
			continue
		}
		segs = append(segs, s)
	}
	if len(segs) == 0 {
		return "?"
	}
	return path.Join(segs...)
}

// StreamName is the name of the content of a compressed file called name:
// name without its compression suffix (a .tgz holds a .tar).
func StreamName(name string) string {
	base := path.Base(name)
	if i := strings.LastIndexByte(base, '!'); i >= 0 {
		base = base[i+1:]
	}
	lower := strings.ToLower(base)
	for _, s := range []struct{ ext, repl string }{{".tgz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"}, {".txz", ".tar"}, {".gz", ""}, {".bz2", ""}, {".xz", ""}} {
		if strings.HasSuffix(lower, s.ext) && len(base) > len(s.ext) {
			return base[:len(base)-len(s.ext)] + s.repl
		}
	}
	return base
}
