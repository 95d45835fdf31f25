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

// anonMap maps size bytes of new private memory outside the Go heap (its
// size then does not raise the collector's target), or returns nil.
func anonMap(size int) ([]byte, func([]byte)) {
	if size <= 0 {
		return nil, nil
	}
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil, nil
	}
	return mem, func(m []byte) { syscall.Munmap(m) }
}
