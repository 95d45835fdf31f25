package source

import (
	"errors"
	"os"
	"syscall"
)

// openFlags: never follow a symlink swapped in after the Lstat, never block
// on a FIFO swapped in after the Lstat (the regular-file check after open
// then rejects it), and try not to touch the access time.
func openReadOnly(name string, follow bool) (*os.File, error) {
	flags := os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_CLOEXEC
	if !follow {
		flags |= syscall.O_NOFOLLOW
	}
	f, err := os.OpenFile(name, flags|syscall.O_NOATIME, 0)
	if errors.Is(err, syscall.EPERM) {
		// O_NOATIME needs ownership of the file (or CAP_FOWNER).
		f, err = os.OpenFile(name, flags, 0)
	}
	return f, err
}

// noATime is O_NOATIME where the platform has it.
const noATime = syscall.O_NOATIME
