package video

import (
	"os"
	"os/exec"
	"syscall"
	"unsafe"
)

// harden puts the child in a process group of its own, which cancel kills
// whole, and asks the kernel to kill it if Vibora dies first.
func harden(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return killGroup(cmd) }
}

func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	// The child is its group's leader: -pid names the group.
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

// limitMemory caps the address space (RLIMIT_AS) of the started child
// with prlimit(2): no cgo and no wrapper program needed.
func limitMemory(pid int, bytes int64) error {
	lim := syscall.Rlimit{Cur: uint64(bytes), Max: uint64(bytes)}
	_, _, errno := syscall.RawSyscall6(syscall.SYS_PRLIMIT64, uintptr(pid), uintptr(syscall.RLIMIT_AS),
		uintptr(unsafe.Pointer(&lim)), 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// growPipe asks for a 1 MiB pipe buffer (F_SETPIPE_SZ; Linux's default
// maximum for an unprivileged process); the default size stays when the
// kernel refuses.
func growPipe(f *os.File) {
	const setPipeSize = 1031  // F_SETPIPE_SZ
	c, err := f.SyscallConn() // not Fd, which would make the pipe blocking
	if err != nil {
		return
	}
	c.Control(func(fd uintptr) { syscall.Syscall(syscall.SYS_FCNTL, fd, setPipeSize, 1<<20) })
}
