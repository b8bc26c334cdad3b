//go:build unix

package scanner

import (
	"errors"
	"os"
	"syscall"
)

// openRegular opens p for reading only if it is still a regular file: never
// through a symlink swapped in after the walk (O_NOFOLLOW), and never
// blocking on a FIFO that replaced the file (O_NONBLOCK, then a check).
func openRegular(p string) (*os.File, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, errors.New("became a symlink during the scan")
		}
		return nil, unwrapPathError(err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, unwrapPathError(err)
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, errors.New("no longer a regular file")
	}
	return f, nil
}
