//go:build !unix

package scanner

import (
	"errors"
	"os"
)

// openRegular opens p for reading if it is a regular file.
func openRegular(p string) (*os.File, error) {
	st, err := os.Lstat(p)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if !st.Mode().IsRegular() {
		return nil, errors.New("no longer a regular file")
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	return f, nil
}
