//go:build !amd64

package modelfile

func newSHAStream() shaStream { return newStdStream() }

type niStream struct{ stdStream }

func writePair(x, y *niStream, a, b []byte) { x.write(a); y.write(b) }
