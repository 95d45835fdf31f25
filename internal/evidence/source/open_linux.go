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

// setBlocking clears O_NONBLOCK on a file opened by openReadOnly (a regular
// file reads the same either way; this keeps the descriptor ordinary for
// whoever reads it next).
func setBlocking(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return serr
}
