//go:build !linux

package source

import "os"

// openReadOnly opens name read-only. Outside Linux there is no O_NOATIME
// and symlinks are excluded by the Lstat done before.
func openReadOnly(name string, follow bool) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY, 0)
}

// noATime is O_NOATIME where the platform has it.
const noATime = 0

func setBlocking(*os.File) error { return nil }
