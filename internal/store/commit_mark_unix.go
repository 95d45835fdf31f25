//go:build unix

package store

import (
	"os"
	"syscall"
)

// removed reports whether f's file has no name left (SQLite removed it).
func removed(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return true
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink == 0
}
