package scanner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/keyhound/keyhound/archive"
	"github.com/keyhound/keyhound/decode"
	"github.com/keyhound/keyhound/finding"
	"github.com/keyhound/keyhound/rules"
)

// Expand says what a worker looks into beyond plain text: archives (their
// members are scanned as files named outer!member) and encoded spans (their
// decoded text is matched with the same rules). The zero value opens and
// decodes nothing.
type Expand struct {
	ArchiveDepth int            // nested archive levels opened (0: archives are binary content)
	Limits       archive.Limits // bounds per top-level archive (zero fields: defaults)
	DecodeDepth  int            // nested decodings, e.g. 2 for base64 inside base64 (0: none)
	// Notice receives what could not be opened in full: an encrypted,
	// corrupt or truncated archive or member, a bound that stopped an
	// expansion. It is called from the worker's goroutine.
	Notice func(path, msg string)
}

// SetExpand configures what w opens and decodes.
func (w *Worker) SetExpand(e Expand) { w.exp = e }

// sizedReaderAt is content with random access (a file, bytes in memory):
// a zip in it is read in place instead of being buffered.
type sizedReaderAt interface {
	io.ReaderAt
	Size() int64
}

// fileReader is a reader over a file that also offers the file's random access.
type fileReader struct {
	io.Reader
	ra   io.ReaderAt
	size int64
}

func (f *fileReader) ReadAt(p []byte, off int64) (int, error) { return f.ra.ReadAt(p, off) }
func (f *fileReader) Size() int64                             { return f.size }

// withReaderAt returns r with src's random access when src has it (an open
// file of known size), so that a zip is not buffered in memory.
func withReaderAt(r io.Reader, src io.Reader, size int64) io.Reader {
	if ra, ok := src.(io.ReaderAt); ok && size >= 0 {
		return &fileReader{Reader: r, ra: ra, size: size}
	}
	return r
}

func (w *Worker) notice(path, msg string) {
	if w.exp.Notice != nil {
		w.exp.Notice(path, msg)
	}
}

// scanArchive scans the members of the archive at path, whose first bytes
// are head and the rest r. Problems are notices: the archive's other members
// are scanned and no finding is lost. Only a bound reached inside a nested
// archive is returned, to end the top-level one.
func (w *Worker) scanArchive(f archive.Format, head []byte, r io.Reader, path string, emit func(finding.Finding)) error {
	src := io.MultiReader(bytes.NewReader(head), r)
	var ra io.ReaderAt
	size := int64(-1)
	if s, ok := r.(sizedReaderAt); ok {
		ra, size = s, s.Size()
	}
	top := w.budget == nil
	if top {
		w.budget = archive.NewBudget(w.exp.Limits, size)
		if size < 0 {
			src = w.budget.Input(src)
		}
		defer func() { w.budget = nil }()
	}
	w.level++
	defer func() { w.level-- }()
	err := w.expand(f, src, ra, size, path, emit, 0)
	var le *archive.LimitError
	switch {
	case err == nil:
	case errors.As(err, &le) && !top:
		return err
	case errors.As(err, &le):
		w.stop(path, fmt.Sprintf("archive %s; the rest of it is not scanned", le.Error()))
	default:
		w.notice(path, fmt.Sprintf("archive not scanned in full: %v", err))
	}
	return nil
}

// truncation reports a stream that ends early (a truncated archive) as an
// error of its own: Scan takes io.ErrUnexpectedEOF for the end of content.
type truncation struct{ r io.Reader }

func (t truncation) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if err == io.ErrUnexpectedEOF {
		err = errors.New("truncated")
	}
	return n, err
}

// maxChain bounds compression layers in a row (gzip of gzip of …).
const maxChain = 4

// expand scans the content of one archive layer.
func (w *Worker) expand(f archive.Format, src io.Reader, ra io.ReaderAt, size int64, path string, emit func(finding.Finding), chain int) error {
	if !f.Compressed() {
		return archive.Walk(f, src, ra, size, w.budget,
			func(m archive.Member) error { return w.scanMember(m.R, path+"!"+m.Name, emit) },
			func(member, msg string) { w.notice(path+"!"+member, msg) })
	}
	if chain >= maxChain {
		return fmt.Errorf("more than %d compression layers", maxChain)
	}
	d, err := archive.Decompress(f, src, w.budget)
	if err != nil {
		return err
	}
	head := make([]byte, archive.HeadLen)
	n, err := io.ReadFull(d, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return err
	}
	head = head[:n]
	inner := io.MultiReader(bytes.NewReader(head), d)
	if g := archive.Detect(head); g != archive.None {
		// A tar.gz: its members are named right under the outer file.
		if err := w.expand(g, inner, nil, -1, path, emit, chain+1); err != nil {
			return err
		}
		// Read what the container left (padding, the checksum): a
		// truncated or corrupt stream is said so.
		_, err := io.Copy(io.Discard, d)
		return err
	}
	// A compressed file that is not an archive (a log, a dump, a test
	// corpus) is scanned up to a bound: decompressing all of a large
	// corpus costs far more than scanning the text it yields.
	st := w.budget.Stream(inner)
	if err := w.scanMember(st, path+"!"+archive.StreamName(path), emit); err != nil {
		return err
	}
	if le := st.Cut(); le != nil {
		w.stop(path, le.Error()+"; the rest is not scanned")
	}
	return nil
}

// stop reports a bound that ended the expansion of path, as a notice and in
// the count Stopped returns.
func (w *Worker) stop(path, msg string) {
	w.stopped++
	w.notice(path, msg)
}

// Stopped returns how many archives and compressed streams a bound stopped
// since it was last called, and starts counting again.
func (w *Worker) Stopped() int64 {
	n := w.stopped
	w.stopped = 0
	return n
}

// scanMember scans one member (which may be an archive in turn). A budget
// bound ends the whole archive; a member that cannot be read is a notice.
func (w *Worker) scanMember(r io.Reader, path string, emit func(finding.Finding)) error {
	err := w.Scan(truncation{r}, path, emit)
	switch {
	case err == nil, errors.Is(err, ErrBinary):
		return nil
	case archive.IsLimit(err):
		return err
	}
	w.notice(path, fmt.Sprintf("not scanned in full: %v", err))
	return nil
}

// isArchive reports whether data is an archive w opens.
func (w *Worker) isArchive(data []byte) bool {
	return w.exp.ArchiveDepth > 0 && archive.Detect(data) != archive.None
}

// maybeArchive scans content that starts with head as an archive when it is
// one and nesting allows; it reports whether it did, and a bound that ends
// the enclosing archive.
func (w *Worker) maybeArchive(head []byte, r io.Reader, path string, emit func(finding.Finding)) (bool, error) {
	if w.exp.ArchiveDepth <= 0 {
		return false, nil
	}
	f := archive.Detect(head)
	if f == archive.None {
		return false, nil
	}
	if w.level >= w.exp.ArchiveDepth {
		w.stop(path, fmt.Sprintf("%s archive nested deeper than --max-archive-depth %d, not opened", f, w.exp.ArchiveDepth))
		return false, nil
	}
	return true, w.scanArchive(f, head, r, path, emit)
}

// ---- decoding

// decoded is a match in decoded text, located at its encoded span.
type decoded struct {
	start, end int // the secret's encoded bytes in the buffer
	rule       int
	secret     string
	match      string
	chain      []string // decodings, outermost first
	also       []string // other rules at the same place
}

// decodeLevel is one decoding depth's scratch state.
type decodeLevel struct {
	cm    *chunkMatcher
	spans []decode.Span
	esc   decode.Scratch // the text of spans' escapes
	wins  []span
	items []decItem // decodeTop's
	acc   []match
	also  [][]string
}

func (w *Worker) decodeAt(level int) *decodeLevel {
	for len(w.dec) <= level {
		w.dec = append(w.dec, &decodeLevel{cm: newChunkMatcher(w.m)})
	}
	return w.dec[level]
}

// escapeWindows returns the lines (bounded around each hit) that hold a
// prefilter hit and a string or percent escape: the only places where
// unescaping can reveal a match (a keyword split by an escape is not looked
// for).
func escapeWindows(buf []byte, hits []hit, plen []int, out []span) []span {
	lines := lineIndex{buf: buf, prevNL: -1, nextNL: -1}
	lastEnd := -1
	for _, h := range hits {
		start := h.end - plen[h.pat]
		if start < lastEnd {
			continue
		}
		ls, le := lines.line(start)
		ws, we := max(ls, start-4096), min(le, h.end+maxWiden)
		lastEnd = we
		if hasEscape(buf[ws:we]) {
			out = append(out, span{ws, we})
		}
	}
	return out
}

// hasEscape is decode.HasEscape, which reads every byte, asked only where
// an escape may start: at a '\' or a '%', found many bytes at a time.
func hasEscape(b []byte) bool {
	for _, c := range [...]byte{'\\', '%'} {
		for i := 0; ; i++ {
			k := bytes.IndexByte(b[i:], c)
			if k < 0 {
				break
			}
			i += k
			if decode.HasEscape(b[i:min(i+3, len(b))]) {
				return true
			}
		}
	}
	return false
}

// decodeIn finds the encoded spans of buf that start in [from, to), matches
// their decoded text (and, below DecodeDepth, what is encoded in it) and
// appends the accepted matches, located in buf, to out. hits are the
// prefilter's hits in buf.
func (w *Worker) decodeIn(buf []byte, from, to int, enabled []bool, hits []hit, level int, out []decoded) []decoded {
	dl := w.decodeAt(level)
	spans := decode.Runs(buf, from, to, dl.spans[:0])
	if len(hits) > 0 {
		dl.wins = escapeWindows(buf, hits, w.m.pf.plen, dl.wins[:0])
		spans = dl.unescape(buf, dl.wins, spans)
	}
	dl.spans = spans
	for i := range spans {
		out = w.decodeSpan(&spans[i], from, to, enabled, level, out)
	}
	return out
}

// unescape appends to spans the decoded text of each of wins that holds
// escapes.
func (dl *decodeLevel) unescape(buf []byte, wins []span, spans []decode.Span) []decode.Span {
	n := 0
	for _, win := range wins {
		n += win.end - win.start + 1
	}
	dl.esc.Reset(n) // the spans of the last call are done with
	for _, win := range wins {
		if sp, ok := dl.esc.Unescape(buf, win.start, win.end); ok {
			spans = append(spans, sp)
		}
	}
	return spans
}

// decodeSpan matches the decoded text of sp (and, below DecodeDepth, what
// is encoded in it) and appends the accepted matches that start in [from,
// to), located in the buffer sp was decoded from, to out. What it appends
// depends only on sp's kind and text, and moves with sp.
func (w *Worker) decodeSpan(sp *decode.Span, from, to int, enabled []bool, level int, out []decoded) []decoded {
	dl := w.decodeAt(level)
	rs := w.m.set.Rules
	acc := dl.acc[:0]
	for _, mt := range dl.cm.find(sp.Text, 0, len(sp.Text), enabled) {
		if !sp.Escaped(mt.secStart, mt.sEnd) {
			continue // found in buf as it is
		}
		if w.m.accept(rs[mt.rule], sp.Text, &mt, string(sp.Text[mt.secStart:mt.sEnd])) {
			acc = append(acc, mt)
		}
	}
	dl.cm.err = nil // a rule that failed on decoded text loses nothing of buf's
	acc, dl.also = w.m.oneFindingPerPlace(acc, dl.also)
	dl.acc = acc
	kind := sp.Kind.String()
	// What is encoded in this text, in its own offsets.
	var inner []decoded
	if level+1 < w.exp.DecodeDepth {
		inner = w.decodeIn(sp.Text, 0, len(sp.Text), enabled, dl.cm.hits, level+1, nil)
	}
	overlaps := func(mt *match, d *decoded) bool { return mt.secStart < d.end && d.start < mt.sEnd }
	for _, d := range inner {
		dup := false
		for a := range acc {
			if overlaps(&acc[a], &d) && (acc[a].rule == d.rule || rs[d.rule].Generic && !rs[acc[a].rule].Generic) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		d.start, d.end = sp.Encoded(d.start, d.end)
		d.chain = append([]string{kind}, d.chain...)
		if d.start >= from && d.start < to {
			out = append(out, d)
		}
	}
	for a, mt := range acc {
		shadowed := false
		for k := range inner {
			if overlaps(&mt, &inner[k]) && mt.rule != inner[k].rule && !(rs[inner[k].rule].Generic && !rs[mt.rule].Generic) {
				shadowed = true // the manifest-level match of a decoded secret
				break
			}
		}
		s, e := sp.Encoded(mt.secStart, mt.sEnd)
		if shadowed || s < from || s >= to {
			continue
		}
		out = append(out, decoded{start: s, end: e, rule: mt.rule, secret: string(sp.Text[mt.secStart:mt.sEnd]),
			match: string(sp.Text[mt.start:mt.end]), chain: []string{kind}, also: dl.also[a]})
	}
	return out
}

// withDecoded emits ps, the accepted matches of buf in [from, to) (also:
// the other rules at each one's place), together with the matches found by
// decoding, in order. A decoded match that the same rule also finds in buf
// as it is, or that is generic where a specific rule matched, is dropped; a
// match in buf whose secret is the encoded text of a kept decoded match (a
// Kubernetes Secret value, a docker auth) gives way to it.
func (w *Worker) withDecoded(buf []byte, from, to int, enabled []bool, ps []match, also [][]string, path string, pos *position, emit func(finding.Finding)) {
	ds := w.decodeTop(buf, from, to, enabled, w.cm.hits, w.decodedBuf[:0])
	w.decodedBuf = ds[:0]
	if len(ds) == 0 {
		for i := range ps {
			f := w.m.toFinding(buf, &ps[i], path, pos)
			f.AlsoRules = also[i]
			emit(f)
		}
		return
	}
	rs := w.m.set.Rules
	overlaps := func(mt *match, d *decoded) bool { return mt.secStart < d.end && d.start < mt.sEnd }
	keepD := ds[:0]
	seen := map[string]bool{}
	for _, d := range ds {
		dup := false
		for i := range ps {
			if overlaps(&ps[i], &d) && (ps[i].rule == d.rule || rs[d.rule].Generic && !rs[ps[i].rule].Generic) {
				dup = true
				break
			}
		}
		key := fmt.Sprintf("%d\x00%d\x00%s", d.rule, d.start, d.secret)
		if !dup && !seen[key] {
			seen[key] = true
			keepD = append(keepD, d)
		}
	}
	sort.SliceStable(keepD, func(i, j int) bool { return keepD[i].start < keepD[j].start })
	i, k := 0, 0
	for i < len(ps) || k < len(keepD) {
		if k >= len(keepD) || i < len(ps) && ps[i].start <= keepD[k].start {
			shadowed := false
			for j := range keepD {
				if overlaps(&ps[i], &keepD[j]) {
					shadowed = true
					break
				}
			}
			if !shadowed {
				f := w.m.toFinding(buf, &ps[i], path, pos)
				f.AlsoRules = also[i]
				emit(f)
			}
			i++
			continue
		}
		d := &keepD[k]
		k++
		ls := lineStart(buf, d.start, markerReach)
		le := lineEnd(buf, d.end, markerReach)
		if allowMarker(buf[ls:le]) != "" {
			continue
		}
		emit(w.m.decodedFinding(buf, d, path, pos))
	}
}

// encodedPlaceholder reports whether a generic rule's secret is the base64
// of a value the rule would not report as it is (password: cGFzc3dvcmQ=,
// the base64 of "password").
func (m *Matcher) encodedPlaceholder(r *rules.Rule, secret string) bool {
	t, ok := decode.Base64Text(secret)
	if !ok {
		return false
	}
	s := string(t)
	return r.Validate != nil && !r.Validate(s) || r.Allowlist.AllowsSecret(s) || m.set.Allowlist.AllowsSecret(s)
}

// decodedFinding builds the finding for d, moving pos to its encoded span.
func (m *Matcher) decodedFinding(buf []byte, d *decoded, path string, pos *position) finding.Finding {
	f := m.findingAt(buf, d.rule, d.start, d.end, d.start, d.end, d.secret, d.match, path, pos)
	f.AlsoRules, f.Decoded = d.also, d.chain
	return f
}
