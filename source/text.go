package source

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/keyhound/keyhound/finding"
)

// TextMax bounds the text a source gives back for a finding.
const TextMax = 1 << 20

// Texter is a source that can give back the text (its first TextMax bytes)
// a finding was found in: verification takes companion values from it (a
// service account's client_email, an account id on another line).
type Texter interface {
	Text(f *finding.Finding) []byte // nil: not this source's, or no longer available
}

// Text returns the text of the file a finding of this directory is in, read
// again from disk; nil for an archive member, a finding of another source or
// a file that is no longer a regular file.
func (d Dir) Text(f *finding.Finding) []byte {
	if strings.Contains(f.File, "!") || f.Repository != "" {
		return nil
	}
	var disk string
	root := d.Root()
	prefix := ""
	if d.Prefixed && root != "" {
		prefix = filepath.ToSlash(filepath.Clean(d.Path))
	}
	switch {
	case root == "":
		if f.File == filepath.ToSlash(d.Path) || f.File == filepath.ToSlash(filepath.Clean(d.Path)) {
			disk = d.Path
		}
	case prefix == "":
		disk = filepath.Join(d.Path, filepath.FromSlash(f.File))
	case strings.HasPrefix(f.File, prefix+"/"):
		disk = filepath.Join(d.Path, filepath.FromSlash(strings.TrimPrefix(f.File, prefix+"/")))
	}
	if disk == "" {
		return nil
	}
	st, err := os.Lstat(disk)
	if err != nil || !st.Mode().IsRegular() {
		return nil
	}
	fh, err := os.Open(disk)
	if err != nil {
		return nil
	}
	defer fh.Close()
	b, _ := io.ReadAll(io.LimitReader(fh, TextMax))
	return b
}

// Text returns the first TextMax bytes of standard input, when the source
// was created with a Head to keep them in.
func (s Stdin) Text(f *finding.Finding) []byte {
	if s.Head == nil || f.File != s.Name() {
		return nil
	}
	return s.Head.Bytes()
}

// Head keeps the first TextMax bytes written to it. Safe for concurrent use.
type Head struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (h *Head) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if room := TextMax - h.buf.Len(); room > 0 {
		h.buf.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// Bytes returns what was kept.
func (h *Head) Bytes() []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return bytes.Clone(h.buf.Bytes())
}
