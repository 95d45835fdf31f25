//go:build !unix

package matchindex

import "os"

// mapFile never maps here: the index files are read.
func mapFile(*os.File, int64) ([]byte, func([]byte)) { return nil, nil }

// anonMap never maps here: Resident copies onto the Go heap.
func anonMap(int) ([]byte, func([]byte)) { return nil, nil }
