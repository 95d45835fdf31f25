//go:build unix

package hostile

import (
	"path/filepath"
	"syscall"
)

// FIFO makes a named pipe dir/name that nobody ever writes to: opening it
// for reading the ordinary way blocks for ever.
func FIFO(dir, name string) (string, error) {
	p := filepath.Join(dir, name)
	return p, syscall.Mkfifo(p, 0o644)
}
