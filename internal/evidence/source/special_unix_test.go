//go:build unix

package source

import (
	"net"
	"syscall"
	"testing"
)

func mkfifo(p string) error { return syscall.Mkfifo(p, 0o644) }

func listenUnix(t *testing.T, p string) net.Listener {
	l, err := net.Listen("unix", p)
	if err != nil {
		t.Skipf("cannot make a socket here: %v", err)
	}
	return l
}
