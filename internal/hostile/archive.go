package hostile

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

var stamp = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// NestedBomb writes at path an archive that nests copies of copies: level
// 1 is a zip of copies members of leaf zero bytes each (deflated); every
// further level is a gzip-compressed tar of copies copies of the level
// below, levels levels in all. Each level on its own stays under a
// 1000:1 ratio, but the whole expands to copies^levels * leaf bytes:
// NestedBomb(p, 3, 16, 1<<20) is a file of some tens of KB that expands to
// 4 GiB, and more levels or copies to terabytes. It returns the total
// expansion it declares (leaf bytes only, archives inside not counted).
func NestedBomb(path string, levels, copies, leaf int) (int64, error) {
	if levels < 1 || copies < 1 {
		return 0, fmt.Errorf("hostile: nested bomb needs a level and a copy")
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zeros := make([]byte, leaf)
	for i := range copies {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("zeros-%02d.bin", i), Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return 0, err
		}
		w.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	inner, name := buf.Bytes(), "level1.zip"
	total := int64(copies) * int64(leaf)
	for lvl := 2; lvl <= levels; lvl++ {
		var out bytes.Buffer
		gz, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
		tw := tar.NewWriter(gz)
		for i := range copies {
			h := &tar.Header{Name: fmt.Sprintf("copy-%02d-%s", i, name), Mode: 0o644, Size: int64(len(inner)), ModTime: stamp, Format: tar.FormatPAX}
			if err := tw.WriteHeader(h); err != nil {
				return 0, err
			}
			tw.Write(inner)
		}
		if err := tw.Close(); err != nil {
			return 0, err
		}
		if err := gz.Close(); err != nil {
			return 0, err
		}
		inner, name = out.Bytes(), fmt.Sprintf("level%d.tar.gz", lvl)
		total *= int64(copies)
	}
	return total, os.WriteFile(path, inner, 0o644)
}

// LargeArchive writes at path an honest archive: a zip holding a nested zip
// of size bytes of incompressible pseudo-random data (fixed seed) plus a
// small text file. Its expansion is about its size: caps against bombs
// must let it through.
func LargeArchive(path string, size int) error {
	data := make([]byte, size)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i+8 <= len(data); i += 8 {
		v := r.Uint64()
		for j := range 8 {
			data[i+j] = byte(v >> (8 * j))
		}
	}
	innerZip, err := zipOf(map[string][]byte{"camera/clip.bin": data, "notes.txt": []byte("synthetic notes\n")})
	if err != nil {
		return err
	}
	outer, err := zipOf(map[string][]byte{"backup/inner.zip": innerZip, "readme.txt": []byte("synthetic backup\n")})
	if err != nil {
		return err
	}
	return os.WriteFile(path, outer, 0o644)
}

func zipOf(files map[string][]byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range sortedKeys(files) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			return nil, err
		}
		w.Write(files[name])
	}
	err := zw.Close()
	return buf.Bytes(), err
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
