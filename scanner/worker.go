package scanner

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"github.com/keyhound/keyhound/archive"
	"github.com/keyhound/keyhound/finding"
)

const (
	// chunkSize is how much of a file is matched at once; larger files are
	// read in chunks so memory stays bounded whatever their size.
	chunkSize = 4 << 20
	// overlap is how much of the previous chunk is kept in front of the next
	// one: half of it is context before the first owned byte, half is room
	// for a match to extend past the owned region.
	overlap = 64 << 10
	// sniffLen is how much of the start of a file decides whether it is binary.
	sniffLen = 8000
)

// ErrBinary says content was not scanned because it is binary.
var ErrBinary = errors.New("binary content")

// Worker scans content with a Matcher; it holds reusable buffers and is not
// safe for concurrent use: use one per goroutine.
type Worker struct {
	m       *Matcher
	cm      *chunkMatcher
	bufs    [][]byte // a chunk buffer per archive nesting level
	enabled []bool

	// pathRules' last answer, for the path pathSeen.
	pathSeen    string
	pathEnabled []bool
	pathAny     bool
	pathCached  bool

	accepted []match    // scratch: the accepted matches of a chunk
	also     [][]string // scratch: per kept match, the other rules at its place

	exp        Expand
	level      int             // archive nesting level being scanned
	budget     *archive.Budget // the top-level archive's, while one is open
	stopped    int64           // expansions a bound stopped, for Stopped
	dec        []*decodeLevel  // per decoding depth
	decodedBuf []decoded

	explain func(Rejected) // Options.Explain; nil (the usual case): nothing is recorded
}

// NewWorker returns a Worker for m.
func (m *Matcher) NewWorker() *Worker {
	enabled := make([]bool, len(m.set.Rules))
	for i := range enabled {
		enabled[i] = true // rules without a path condition stay enabled
	}
	return &Worker{m: m, cm: newChunkMatcher(m), enabled: enabled}
}

// pathRules decides which rules apply to path (nil: all of them); it reports
// false when none does, e.g. because the whole path is allowlisted.
func (w *Worker) pathRules(path string) ([]bool, bool) {
	w.cm.err = nil // each scan reports its own
	// Git history hands over the versions of one path in runs: the path
	// regexes run once per run, not once per blob.
	if w.pathCached && path == w.pathSeen {
		return w.pathEnabled, w.pathAny
	}
	enabled, any := w.rulesForPath(path)
	w.pathSeen, w.pathEnabled, w.pathAny, w.pathCached = path, enabled, any, true
	return enabled, any
}

// rulesForPath is pathRules without the memory of the last path.
func (w *Worker) rulesForPath(path string) ([]bool, bool) {
	set := w.m.set
	if path == "" {
		return nil, len(set.Rules) > 0 // no path (stdin, rule examples): every rule applies
	}
	lower := asciiLower(path)
	filters := w.m.pathFilters()
	if filters.allow.match(path, lower) {
		if w.explain != nil {
			w.pathRejected(path)
		}
		return nil, false
	}
	if len(w.m.pathScoped) == 0 {
		return nil, len(set.Rules) > 0
	}
	// Only the few rules with a path condition need looking at.
	off := 0
	for _, sp := range filters.scoped {
		i := sp.rule
		if (sp.path != nil && !sp.path.match(path, lower)) || sp.allow.match(path, lower) {
			w.enabled[i] = false
			off++
		} else {
			w.enabled[i] = true
		}
	}
	return w.enabled, off < len(set.Rules)
}

// ScanBytes scans data, known to be the whole content of path, calling emit
// for each finding. It returns ErrBinary (and emits nothing) for binary data.
// Content that fits in one chunk is matched in place, without a copy.
func (w *Worker) ScanBytes(data []byte, path string, emit func(finding.Finding)) error {
	if len(data) > chunkSize || isUTF16(data) {
		return w.Scan(bytes.NewReader(data), path, emit)
	}
	if w.isArchive(data) {
		return w.Scan(bytes.NewReader(data), path, emit)
	}
	enabled, any := w.pathRules(path)
	if !any {
		return nil
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if isBinary(data) {
		return ErrBinary
	}
	pos := position{line: 1, col: 1}
	w.matchChunk(data, 0, len(data), enabled, path, &pos, emit)
	return w.ruleErr()
}

// ruleErr returns (and clears) the error of a rule that could not run on
// the content just matched; the other rules' findings were emitted.
func (w *Worker) ruleErr() error {
	err := w.cm.err
	w.cm.err = nil
	return err
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// isUTF16 reports whether b starts like UTF-16 text with a byte order mark.
// UTF-16 text has NUL bytes (any ASCII character, a newline); bytes that
// merely start like a BOM but have none are scanned as they are.
func isUTF16(b []byte) bool {
	if utf16BOM(b) == nil {
		return false
	}
	sniff := b[2:min(len(b), sniffLen)]
	return len(b) < 8 || bytes.IndexByte(sniff, 0) >= 0
}

// isBinary reports whether content is binary: a NUL byte near its start.
func isBinary(b []byte) bool {
	return bytes.IndexByte(b[:min(len(b), sniffLen)], 0) >= 0
}

// matchChunk reports the accepted matches of buf that start in [from, to),
// moving pos forward to each.
func (w *Worker) matchChunk(buf []byte, from, to int, enabled []bool, path string, pos *position, emit func(finding.Finding)) {
	acc := w.accepted[:0]
	for _, mt := range w.cm.find(buf, from, to, enabled) {
		mt := mt
		r := w.m.set.Rules[mt.rule]
		secret := string(buf[mt.secStart:mt.sEnd])
		if !w.m.accept(r, buf, &mt, secret) {
			if w.explain != nil {
				w.rejected(buf, &mt, secret, path, *pos, "")
			}
			continue
		}
		if w.exp.DecodeDepth > 0 && r.Generic && w.m.encodedPlaceholder(r, secret) {
			if w.explain != nil {
				w.rejected(buf, &mt, secret, path, *pos, "its base64 decoding is a placeholder or example value")
			}
			continue
		}
		acc = append(acc, mt)
	}
	acc, w.also = w.m.oneFindingPerPlace(acc, w.also)
	if w.exp.DecodeDepth > 0 {
		w.withDecoded(buf, from, to, enabled, acc, w.also, path, pos, emit)
		w.accepted = acc[:0]
		return
	}
	for i := range acc {
		f := w.m.toFinding(buf, &acc[i], path, pos)
		f.AlsoRules = w.also[i]
		emit(f)
	}
	w.accepted = acc[:0]
}

// Scan reads r to the end in bounded memory and calls emit for each finding
// in it, attributed to path. Binary content yields ErrBinary; UTF-16 text
// with a byte order mark is decoded first.
func (w *Worker) Scan(r io.Reader, path string, emit func(finding.Finding)) error {
	enabled, any := w.pathRules(path)
	if !any {
		return nil // no rule applies to this path: nothing to read
	}
	for len(w.bufs) <= w.level {
		w.bufs = append(w.bufs, nil)
	}
	if cap(w.bufs[w.level]) < chunkSize+overlap {
		w.bufs[w.level] = make([]byte, 0, chunkSize+overlap)
	}
	buf := w.bufs[w.level][:0]
	// Sniff the start for a BOM or binary content.
	n, err := io.ReadFull(r, buf[:sniffLen])
	buf = buf[:n]
	eof := err == io.EOF || err == io.ErrUnexpectedEOF
	if err != nil && !eof {
		return err
	}
	if ok, err := w.maybeArchive(buf, r, path, emit); ok {
		return err
	}
	if isUTF16(buf) {
		r = newUTF16Reader(io.MultiReader(bytes.NewReader(append([]byte{}, buf[2:]...)), r), utf16BOM(buf))
		buf = buf[:0]
		eof = false
	} else {
		if bytes.HasPrefix(buf, utf8BOM) {
			buf = buf[:copy(buf, buf[3:])]
		}
		if isBinary(buf) {
			return ErrBinary // the rest is never read
		}
	}
	pos := position{line: 1, col: 1}
	from := 0
	for {
		if !eof {
			n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				eof = true
			} else if err != nil {
				return err
			}
		}
		to := len(buf)
		if !eof {
			to = len(buf) - overlap/2
		}
		w.matchChunk(buf, from, to, enabled, path, &pos, emit)
		if eof {
			return w.ruleErr()
		}
		// Keep the last overlap bytes in front of the next chunk, starting
		// on a character boundary: a multi-byte character split there
		// would be counted twice by the column arithmetic.
		keep := charStart(buf, len(buf)-overlap)
		pos.advance(buf, keep)
		pos.off -= keep
		n := copy(buf, buf[keep:])
		buf = buf[:n]
		from = to - keep // the next chunk reports what this one did not
	}
}

// charStart returns i, or the start of the valid multi-byte UTF-8 character
// that buf[i] lies inside: splitting there counts every character once, as
// utf8.RuneCount of the whole would (invalid bytes count one each anyway).
func charStart(buf []byte, i int) int {
	for k := i; k >= 0 && k > i-utf8.UTFMax; k-- {
		if utf8.RuneStart(buf[k]) {
			if k < i {
				if _, size := utf8.DecodeRune(buf[k:]); k+size > i {
					return k
				}
			}
			return i
		}
	}
	return i
}
