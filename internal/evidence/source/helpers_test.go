package source

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

var testTime = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// jpegBytes is content that sniffs as JPEG.
func jpegBytes(tag string) []byte { return []byte("\xff\xd8\xff\xe0synthetic " + tag) }

type member struct {
	name   string
	data   []byte
	method uint16 // zip only
	raw    bool   // zip only: name written as is (no UTF-8 flag)
}

func zipBytes(t testing.TB, members ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range members {
		method := m.method
		if method == 0 && m.data != nil {
			method = zip.Deflate
		}
		if method == 0xffff {
			method = zip.Store
		}
		h := &zip.FileHeader{Name: m.name, Method: method, Modified: testTime, NonUTF8: m.raw}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const stored = 0xffff

func tarBytes(t testing.TB, members ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range members {
		if err := tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.data)), ModTime: testTime, Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(m.data)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipBytes(t testing.TB, name string, data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Name = name
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

func xzBytes(t testing.TB, data []byte) []byte {
	var buf bytes.Buffer
	zw, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

func zstdBytes(t testing.TB, data []byte) []byte {
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll(data, nil)
}

// bzip2Bytes uses the bzip2 CLI (no writer in the standard library).
func bzip2Bytes(t testing.TB, data []byte) []byte {
	if _, err := exec.LookPath("bzip2"); err != nil {
		t.Skip("bzip2 command not installed: cannot generate a bzip2 fixture")
	}
	cmd := exec.Command("bzip2", "-c")
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

// seen is what a test records of an entry: the entry plus its content
// digest (or read error).
type seen struct {
	Entry
	sha     string
	readErr error
}

// walkAll walks root reading every entry's content.
func walkAll(t testing.TB, root string, opt Options) []seen {
	t.Helper()
	var out []seen
	err := Walk(context.Background(), root, opt, func(e Entry) error {
		s := seen{Entry: e}
		if e.Mode.IsRegular() {
			rc, err := e.Open()
			if err == nil {
				h := sha256.New()
				_, err = io.Copy(h, rc)
				rc.Close()
				s.sha = hex.EncodeToString(h.Sum(nil))
			}
			s.readErr = err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	return out
}

func paths(ss []seen) []string {
	var p []string
	for _, s := range ss {
		p = append(p, s.Path)
	}
	return p
}

func find(t testing.TB, ss []seen, path string) seen {
	t.Helper()
	for _, s := range ss {
		if s.Path == path {
			return s
		}
	}
	t.Fatalf("no entry %q in %q", path, paths(ss))
	return seen{}
}

func isErr(err, target error) bool { return err != nil && errors.Is(err, target) }
