//go:build unix

package gitscan

import (
	"os"
	"syscall"
)

// maxMapped is the largest pack file mapped into memory; larger ones are
// read with pread, so that the pages a scan touches never make the
// resident set grow past a bound.
const maxMapped = 1 << 30

// mapFile maps f read-only, or returns nil when it cannot or should not be.
func mapFile(f *os.File, size int64) []byte {
	if size <= 0 || size > maxMapped {
		return nil
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil
	}
	return data
}

func unmapFile(data []byte) {
	if data != nil {
		_ = syscall.Munmap(data)
	}
}

// dropPages lets the kernel take back the pages of a mapping that were read
// (they stay in the page cache: reading them again costs a page fault).
func dropPages(data []byte) {
	if data != nil {
		_ = syscall.Madvise(data, syscall.MADV_DONTNEED)
	}
}
