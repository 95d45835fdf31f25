package source

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing"
)

// benchTree writes n files of 1 KB..200 KB (JPEG-looking) in 10 folders
// plus a zip and a tar.gz holding copies of the first 100, and returns the
// root and the number of bytes a walk hashes.
func benchTree(b *testing.B, n int) string {
	root := filepath.Join(b.TempDir(), "ev")
	r := rand.New(rand.NewPCG(1, 2))
	pool := make([]byte, 200_000)
	for i := range pool {
		pool[i] = byte(r.Uint32())
	}
	var members []member
	for i := range n {
		size := 1000 + r.IntN(199_000)
		data := append(jpegBytes(fmt.Sprint(i)), pool[:size]...)
		write(b, filepath.Join(root, fmt.Sprintf("d%02d", i%10), fmt.Sprintf("f%05d.jpg", i)), data)
		if i < 100 {
			members = append(members, member{name: fmt.Sprintf("m%03d.jpg", i), data: data})
		}
	}
	write(b, filepath.Join(root, "a.zip"), zipBytes(b, members...))
	write(b, filepath.Join(root, "a.tar.gz"), gzipBytes(b, "", tarBytes(b, members...)))
	return root
}

// BenchmarkWalkHash walks a generated tree and hashes every entry (files,
// archives and their members) as the ingest pipeline does.
func BenchmarkWalkHash(b *testing.B) {
	root := benchTree(b, 2000)
	h := hashing.NewHasher()
	var bytes int64
	for b.Loop() {
		bytes = 0
		err := Walk(context.Background(), root, Options{}, func(e Entry) error {
			if e.Err != nil || !e.Mode.IsRegular() {
				return nil
			}
			rc, err := e.Open()
			if err != nil {
				return err
			}
			d, err := h.Sum(rc)
			rc.Close()
			bytes += d.Size
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(bytes)
}

// BenchmarkWalkOnly is the walk without reading contents (sniffing only).
func BenchmarkWalkOnly(b *testing.B) {
	root := benchTree(b, 2000)
	for b.Loop() {
		if err := Walk(context.Background(), root, Options{}, func(e Entry) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
