//go:build !unix

package hostile

import "errors"

// FIFO is not available on this platform.
func FIFO(dir, name string) (string, error) { return "", errors.ErrUnsupported }
