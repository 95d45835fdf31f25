package evidence

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

func pngBytes(t *testing.T, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 96, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 96; x++ {
			img.Set(x, y, color.RGBA{uint8(x * seed), uint8(y * 3), uint8((x ^ y) * 7), 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func TestProcessOneRead(t *testing.T) {
	img := pngBytes(t, 3)
	cases := []struct {
		name  string
		data  []byte
		pdq   bool
		media string
	}{
		{"image", img, true, "image/png"},
		{"image without pdq", img, false, "image/png"},
		{"text", []byte("hello, synthetic evidence\n"), true, "application/octet-stream"},
		{"empty", nil, true, "application/octet-stream"},
		{"tiny", []byte{0xff}, true, "application/octet-stream"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := NewProcessor(ProcessOptions{PDQ: tc.pdq})
			var r Result
			p.Process(bytes.NewReader(tc.data), &r)
			if !r.Hashed || r.Err != "" {
				t.Fatalf("not hashed: %+v", r)
			}
			if r.MediaType != tc.media {
				t.Errorf("media type %q, want %q", r.MediaType, tc.media)
			}
			if got, want := r.Digests.SHA256Hex(), sha256.Sum256(tc.data); got != hex.EncodeToString(want[:]) {
				t.Errorf("sha256 %s", got)
			}
			if got, want := r.Digests.MD5Hex(), md5.Sum(tc.data); got != hex.EncodeToString(want[:]) {
				t.Errorf("md5 %s", got)
			}
			if r.Size != int64(len(tc.data)) {
				t.Errorf("size %d", r.Size)
			}
			if (r.PDQ != nil) != (tc.pdq && tc.media == "image/png") {
				t.Errorf("pdq %v", r.PDQ)
			}
		})
	}
	// The processor is reused: an image after a text file still gets PDQ.
	p := NewProcessor(ProcessOptions{PDQ: true})
	var a, b Result
	p.Process(bytes.NewReader([]byte("text first")), &a)
	p.Process(bytes.NewReader(img), &b)
	if b.PDQ == nil {
		t.Fatal("reused processor lost PDQ")
	}
}

func TestProcessCorruptImage(t *testing.T) {
	p := NewProcessor(ProcessOptions{PDQ: true})
	var r Result
	p.Process(bytes.NewReader([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR broken")), &r)
	if !r.Hashed || r.Err == "" || r.PDQ != nil {
		t.Fatalf("corrupt image: %+v", r)
	}
}

func TestRunStacksSourcesAndSkips(t *testing.T) {
	root := filepath.Join(t.TempDir(), "E1")
	os.MkdirAll(filepath.Join(root, "a"), 0o755)
	img := pngBytes(t, 5)
	os.WriteFile(filepath.Join(root, "a", "img.png"), img, 0o644)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB: over MaxBuffered below
	os.WriteFile(filepath.Join(root, "big.bin"), big, 0o644)
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	w, _ := zw.Create("inner/img.png")
	w.Write(img)
	zw.Close()
	os.WriteFile(filepath.Join(root, "b.zip"), zb.Bytes(), 0o644)
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o644); err != nil {
		t.Logf("mkfifo: %v", err)
	}

	run := func(skip func(Identity) bool) map[string]Item {
		got := map[string]Item{}
		err := Run(context.Background(), []string{root}, RunOptions{Process: ProcessOptions{PDQ: true}, MaxBuffered: 64 << 10, Workers: 2, Skip: skip},
			func(it Item) error { got[it.Path] = it; return nil })
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	got := run(nil)
	var paths []string
	for p := range got {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	want := "E1/a/img.png E1/b.zip E1/b.zip!/inner/img.png E1/big.bin E1/fifo"
	if strings.Join(paths, " ") != want {
		t.Fatalf("paths %v, want %s", paths, want)
	}
	if a, m := got["E1/a/img.png"], got["E1/b.zip!/inner/img.png"]; a.PDQ == nil || m.PDQ == nil || *a.PDQ != *m.PDQ || m.Depth != 1 || m.OSPath != "" {
		t.Errorf("member of zip not hashed like the file: %+v %+v", a, m)
	}
	if b := got["E1/big.bin"]; !b.Hashed || b.Size != int64(len(big)) || b.OSPath != filepath.Join(root, "big.bin") {
		t.Errorf("streamed large file: %+v", b)
	}
	if f := got["E1/fifo"]; f.Err == "" || f.Hashed {
		t.Errorf("fifo must be recorded, not read: %+v", f)
	}
	again := run(func(id Identity) bool { return id.Member != "E1/big.bin" })
	if len(again) != 1 {
		t.Fatalf("skip: got %d results", len(again))
	}
}

func TestListFilesAndHashFilesOrder(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"c.txt", "a.txt", "sub/b.txt"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, n)), 0o755)
		os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644)
	}
	os.Symlink("a.txt", filepath.Join(dir, "link"))
	files, odd, err := ListFiles([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || !sort.StringsAreSorted(files) || len(odd) != 1 || !strings.Contains(odd[0].Warnings[0], "symlink") {
		t.Fatalf("files %v odd %+v", files, odd)
	}
	var order []string
	HashFiles(context.Background(), files, ProcessOptions{}, 3, func(r Result) error { order = append(order, r.Path); return nil })
	if strings.Join(order, ",") != strings.Join(files, ",") {
		t.Fatalf("results out of order: %v", order)
	}
	if _, _, err := ListFiles([]string{filepath.Join(dir, "missing")}); err == nil {
		t.Fatal("missing path accepted")
	}
}

// TestProcessModelFileSHA256Once checks that a model file's digests are
// unchanged now that its SHA-256 comes from the model hasher alone: the
// recorded SHA-256 (both of them), MD5 and size are the file's, for a file
// inside one read buffer and one across many, and the processor computes
// SHA-256 itself again for the next file.
func TestProcessModelFileSHA256Once(t *testing.T) {
	for _, size := range []int{100, 3<<20 + 17} {
		header := []byte(`{"__metadata__":{"ss_output_name":"lighthouse"},"w":{"dtype":"F16","shape":[1],"data_offsets":[0,2]}}`)
		data := make([]byte, 8, size)
		data[0] = byte(len(header))
		data = append(data, header...)
		for len(data) < size {
			data = append(data, byte(len(data)*7))
		}
		data = data[:max(size, len(data))]
		for _, parallel := range []bool{false, true} {
			p := NewProcessor(ProcessOptions{PDQ: true})
			p.SetParallel(parallel)
			r := Result{Path: "models/lighthouse.safetensors"}
			p.Process(bytes.NewReader(data), &r)
			if !r.Hashed || r.Err != "" || r.Model == nil {
				t.Fatalf("size %d: not hashed as a model file: %+v", size, r)
			}
			want := sha256.Sum256(data)
			if got := r.Digests.SHA256Hex(); got != hex.EncodeToString(want[:]) {
				t.Errorf("size %d parallel=%v: recorded sha256 %s", size, parallel, got)
			}
			if r.Model.Digests.SHA256 != hex.EncodeToString(want[:]) || r.Model.Digests.AutoV2 != hex.EncodeToString(want[:])[:10] {
				t.Errorf("size %d parallel=%v: model digests %+v", size, parallel, r.Model.Digests)
			}
			if m := md5.Sum(data); r.Digests.MD5Hex() != hex.EncodeToString(m[:]) || r.Size != int64(len(data)) {
				t.Errorf("size %d parallel=%v: md5 %s size %d", size, parallel, r.Digests.MD5Hex(), r.Size)
			}
			if r.Model.Format != "safetensors" || r.Model.Training == nil || r.Model.Training.OutputName != "lighthouse" {
				t.Errorf("size %d: model facts %+v", size, r.Model)
			}
			// The next file, not a model file, gets its SHA-256 from the
			// digests pass again.
			var next Result
			p.Process(bytes.NewReader(data), &next)
			if next.Model != nil || next.Digests.SHA256Hex() != hex.EncodeToString(want[:]) {
				t.Errorf("size %d parallel=%v: the next file's sha256 %s", size, parallel, next.Digests.SHA256Hex())
			}
		}
	}
}
