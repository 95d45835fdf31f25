package video

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestGrowPipe: the frame pipe is grown to 1 MiB, and stays non-blocking
// (read through Go's poller, so a cancelled read does not hold a thread).
func TestGrowPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	growPipe(r)
	c, err := r.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var size, flags uintptr
	c.Control(func(fd uintptr) {
		const getPipeSize = 1032 // F_GETPIPE_SZ
		size, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, getPipeSize, 0)
		flags, _, _ = syscall.Syscall(syscall.SYS_FCNTL, fd, syscall.F_GETFL, 0)
	})
	b, _ := os.ReadFile("/proc/sys/fs/pipe-max-size")
	if most, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && most < 1<<20 {
		t.Logf("pipe size %d: the system allows at most %d", size, most)
	} else if size != 1<<20 {
		t.Errorf("pipe size %d, want %d", size, 1<<20)
	}
	if flags&syscall.O_NONBLOCK == 0 {
		t.Error("pipe made blocking")
	}
}
