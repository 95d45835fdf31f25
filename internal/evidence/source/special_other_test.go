//go:build !unix

package source

import (
	"errors"
	"net"
	"testing"
)

func mkfifo(string) error { return errors.New("no FIFOs on this platform") }

func listenUnix(t *testing.T, _ string) net.Listener {
	t.Skip("no unix sockets here")
	return nil
}
