package modelfile

import (
	"crypto/sha256"
	"hash"
)

//go:generate sh -c "go run gen_sha256x2.go > sha256x2_amd64.s"

// shaStream is one SHA-256 message being hashed: the whole file, or
// AutoV3's bytes after the header. Two streams can be written side by
// side (writeBoth): with the x86 SHA extensions their blocks then run in
// one loop (sha256x2_amd64.s), which costs less CPU than two loops.
type shaStream interface {
	write(b []byte)
	sum() []byte
}

type stdStream struct{ h hash.Hash }

func (s *stdStream) write(b []byte) { s.h.Write(b) }
func (s *stdStream) sum() []byte    { return s.h.Sum(nil) }

// writeBoth writes a to x and b to y.
func writeBoth(x, y shaStream, a, b []byte) {
	if nx, ok := x.(*niStream); ok {
		if ny, ok := y.(*niStream); ok {
			writePair(nx, ny, a, b)
			return
		}
	}
	x.write(a)
	y.write(b)
}

func newStdStream() shaStream { return &stdStream{sha256.New()} }
