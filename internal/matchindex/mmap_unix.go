//go:build unix

package matchindex

import (
	"os"
	"syscall"
)

// mapFile maps size bytes of f read-only, or returns nil when it cannot
// (or when the host is big-endian: the arrays are stored little-endian).
func mapFile(f *os.File, size int64) ([]byte, func([]byte)) {
	if !littleEndian || size <= 0 || size != int64(int(size)) {
		return nil, nil
	}
	mem, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil
	}
	return mem, func(m []byte) { syscall.Munmap(m) }
}
