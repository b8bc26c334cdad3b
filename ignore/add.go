package ignore

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SetKey sets e's fingerprint from exactly one of key (at most one: a
// finding's fingerprint, or sha256:<hex>) and secret (the secret itself,
// read to its end; nil for none), which is hashed (SecretHash).
func (e *NewEntry) SetKey(key []string, secret io.Reader) error {
	switch {
	case secret != nil && len(key) > 0:
		return fmt.Errorf("give a FINGERPRINT or --secret-stdin, not both")
	case secret != nil:
		data, err := io.ReadAll(secret)
		if err != nil {
			return fmt.Errorf("reading the secret from standard input: %w", err)
		}
		s := strings.TrimRight(string(data), "\r\n")
		if s == "" {
			return fmt.Errorf("--secret-stdin: standard input is empty")
		}
		e.Fingerprint = SecretHash(s)
	case len(key) == 1:
		e.Fingerprint = strings.TrimSpace(key[0])
	default:
		return fmt.Errorf("give the FINGERPRINT of a finding (from a report) or --secret-stdin")
	}
	return nil
}

// SetExpires sets e's last day from s (YYYY-MM-DD; "": none), which must
// not be before the day of now (UTC).
func (e *NewEntry) SetExpires(s string, now time.Time) error {
	if s == "" {
		return nil
	}
	d, err := ParseDate(s)
	if err != nil {
		return fmt.Errorf("--expires %w", err)
	}
	if d.Before(time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)) {
		return fmt.Errorf("--expires %s is in the past", s)
	}
	e.Expires = d
	return nil
}

// Find loads the ignore file a check reads: path, or else root's own
// FileName. It is an error when there is none.
func Find(path, root string) (*File, error) {
	if path == "" && root != "" {
		if st, err := os.Stat(filepath.Join(root, FileName)); err == nil && st.Mode().IsRegular() {
			path = filepath.Join(root, FileName)
		}
	}
	none := fmt.Errorf("no %s in %s (give --ignore-file)", FileName, root)
	if path == "" {
		return nil, none
	}
	f, err := Load(path)
	if err == nil && f == nil {
		return nil, none
	}
	return f, err
}
