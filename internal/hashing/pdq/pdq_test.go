package pdq

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/color/palette"
	"image/draw"
	"image/gif"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

func TestHashHexAndBits(t *testing.T) {
	const s = "f8f8f0cce0f4e84d0e370a22028f67f0b36e2ed596623e1d33e6339c4e9c9b22"
	h, err := ParseHex(strings.ToUpper(s))
	if err != nil {
		t.Fatal(err)
	}
	if h.String() != s {
		t.Fatalf("round trip %s", h)
	}
	// Bit k is bit k of the hex read as one big-endian number: bit 0 is
	// the low bit of the last hex digit (2 = 0010), bit 255 the top bit of
	// the first (f).
	if h.Bit(0) || !h.Bit(1) || !h.Bit(255) {
		t.Fatal("bit order differs from the reference")
	}
	var g Hash
	for k := 0; k < 256; k++ {
		if h.Bit(k) {
			setBit(&g, k)
		}
	}
	if g != h {
		t.Fatal("setBit/Bit disagree")
	}
	for _, bad := range []string{"", "abc", strings.Repeat("g", 64), s + "00"} {
		if _, err := ParseHex(bad); err == nil {
			t.Errorf("ParseHex(%q) accepted", bad)
		}
	}
	other, _ := ParseHex("b0a10efd71cc3f429413d48d0ffffe12e34e0e17ada952a9d29684210aa9e5af")
	if d := Distance(h, other); d != 124 { // "delta=124" in the reference's reg test
		t.Fatalf("distance %d, want 124", d)
	}
	if Distance(h, h) != 0 {
		t.Fatal("self distance")
	}
}

// TestDihedral: each of the 8 hashes derived from bridge-1's DCT is closer
// to the reference hash of the matching rotated or flipped file than to
// any other variant (they differ by up to ~20 bits: the nearest-neighbour
// 512 grid and the box filter's edges are not symmetric under flips), and
// flipPlus1 (a transpose, which commutes with both) matches exactly.
func TestDihedral(t *testing.T) {
	cases := loadRef(t)
	want := map[string]Hash{}
	for _, c := range cases {
		want[c.name] = c.hash
	}
	res := hashFile(t, filepath.Join(refDir, "images", "bridge-1-original.jpg"), Options{Dihedral: true})
	if len(res.Dihedral) != 8 || res.Dihedral[0] != res.Hash {
		t.Fatalf("dihedral: %d hashes, first %v vs %v", len(res.Dihedral), res.Dihedral[0], res.Hash)
	}
	files := []string{"bridge-1-original.jpg", "bridge-2-rotate-90.jpg", "bridge-3-rotate-180.jpg", "bridge-4-rotate-270.jpg",
		"bridge-5-flipx.jpg", "bridge-6-flipy.jpg", "bridge-7-flip-plus-1.jpg", "bridge-8-flip-minus-1.jpg"}
	for i, f := range files {
		d := Distance(res.Dihedral[i], want[f])
		t.Logf("%-26s derived vs file hash: %d bits", f, d)
		if d > 24 || (i == 6 && d != 0) {
			t.Errorf("%s: derived dihedral hash %d bits from the file's hash", f, d)
		}
		for j := range files {
			if j != i && Distance(res.Dihedral[j], want[f]) <= d {
				t.Errorf("%s: variant %d is closer than variant %d", f, j, i)
			}
		}
	}
}

// TestDihedralExact: on a 64x64 luma image (hashed without blur) each
// derived variant equals, up to float rounding near the median, the hash of
// the image actually transformed.
func TestDihedralExact(t *testing.T) {
	const n = 64
	src := photoLike(n, n, 11)
	luma := make([]float32, n*n)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			p := src.RGBAAt(x, y)
			luma[y*n+x] = lumaFromRGB(p.R, p.G, p.B)
		}
	}
	base, err := FromLuma(luma, n, n, Options{Dihedral: true})
	if err != nil {
		t.Fatal(err)
	}
	at := func(x, y int) float32 { return luma[y*n+x] }
	transforms := []func(x, y int) float32{
		func(x, y int) float32 { return at(x, y) },
		func(x, y int) float32 { return at(n-1-y, x) },     // rot90
		func(x, y int) float32 { return at(n-1-x, n-1-y) }, // rot180
		func(x, y int) float32 { return at(y, n-1-x) },     // rot270
		func(x, y int) float32 { return at(x, n-1-y) },     // flipX: upside down
		func(x, y int) float32 { return at(n-1-x, y) },     // flipY: mirror
		func(x, y int) float32 { return at(y, x) },         // flipPlus1: transpose
		func(x, y int) float32 { return at(n-1-y, n-1-x) }, // flipMinus1: anti-transpose
	}
	out := make([]float32, n*n)
	for k, f := range transforms {
		for y := 0; y < n; y++ {
			for x := 0; x < n; x++ {
				out[y*n+x] = f(x, y)
			}
		}
		r, _ := FromLuma(out, n, n, Options{})
		if d := Distance(r.Hash, base.Dihedral[k]); d > 2 {
			t.Errorf("variant %d: derived hash %d bits from the transformed image's", k, d)
		}
	}
}

// TestOtherModes: the same picture stored as RGBA PNG, grey+alpha PNG,
// CMYK JPEG and WebP (which the reference cannot read) lands near
// original.jpg's reference hash.
func TestOtherModes(t *testing.T) {
	cases := loadRef(t)
	var orig Hash
	for _, c := range cases {
		if c.name == "original.jpg" {
			orig = c.hash
		}
	}
	for _, f := range []string{"RGBA.png", "LA.png", "CMYK.jpg", "F.webp", "L.png", "P.png"} {
		res := hashFile(t, filepath.Join(refDir, "images", f), Options{})
		d := Distance(res.Hash, orig)
		t.Logf("%-9s %s q%d distance to original.jpg %d", f, res.Format, res.Quality, d)
		if d > 8 {
			t.Errorf("%s: %d bits from original.jpg", f, d)
		}
	}
}

// TestLosslessFormats: one picture saved as PNG, BMP, TIFF, 16-bit PNG and
// NRGBA hashes the same; a paletted GIF equals its paletted PNG.
func TestLosslessFormats(t *testing.T) {
	src := photoLike(300, 200, 1)
	want, err := FromImage(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	enc := func(f func(*bytes.Buffer) error) []byte {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	rgba64 := image.NewRGBA64(src.Bounds())
	draw.Draw(rgba64, src.Bounds(), src, image.Point{}, draw.Src)
	for name, data := range map[string][]byte{
		"png":      encodePNG(t, src),
		"png16":    encodePNG(t, rgba64),
		"bmp":      enc(func(b *bytes.Buffer) error { return bmp.Encode(b, src) }),
		"tiff":     enc(func(b *bytes.Buffer) error { return tiff.Encode(b, src, nil) }),
		"tiff-lzw": enc(func(b *bytes.Buffer) error { return tiff.Encode(b, src, &tiff.Options{Compression: tiff.Deflate}) }),
	} {
		got, err := FromBytes(data, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Hash != want.Hash || got.Quality != want.Quality {
			t.Errorf("%s: %s q%d, want %s q%d", name, got.Hash, got.Quality, want.Hash, want.Quality)
		}
	}
	pal := image.NewPaletted(src.Bounds(), palette.Plan9)
	draw.Draw(pal, src.Bounds(), src, image.Point{}, draw.Src)
	wantPal, _ := FromImage(pal, Options{})
	gifData := enc(func(b *bytes.Buffer) error { return gif.Encode(b, pal, nil) })
	for name, data := range map[string][]byte{"gif": gifData, "png-paletted": encodePNG(t, pal)} {
		got, err := FromBytes(data, Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Hash != wantPal.Hash {
			t.Errorf("%s: %s, want %s", name, got.Hash, wantPal.Hash)
		}
	}
	// Grey: luma is the grey value itself (the reference's 1-channel path).
	g := greyOf(src)
	wg, _ := FromImage(g, Options{})
	gg, err := FromBytes(encodePNG(t, g), Options{})
	if err != nil || gg.Hash != wg.Hash {
		t.Errorf("grey png: %v %v", gg.Hash, err)
	}
	// Alpha is ignored: a fully transparent NRGBA keeps its colours.
	nrgba := image.NewNRGBA(src.Bounds())
	draw.Draw(nrgba, src.Bounds(), src, image.Point{}, draw.Src)
	for i := 3; i < len(nrgba.Pix); i += 4 {
		nrgba.Pix[i] = uint8(i % 256)
	}
	if got, _ := FromImage(nrgba, Options{}); Distance(got.Hash, want.Hash) != 0 {
		t.Errorf("NRGBA with alpha: %d bits from opaque", Distance(got.Hash, want.Hash))
	}
	// A sub-image (non-zero bounds origin) hashes as its own pixels.
	sub := src.SubImage(image.Rect(10, 20, 210, 170))
	flat := image.NewRGBA(image.Rect(0, 0, 200, 150))
	draw.Draw(flat, flat.Bounds(), sub, image.Pt(10, 20), draw.Src)
	a, _ := FromImage(sub, Options{})
	b, _ := FromImage(flat, Options{})
	if a.Hash != b.Hash {
		t.Error("sub-image hashes differently from its copy")
	}
}

// TestFastPathAgreement compares the fast luma path with the exact path on
// generated photos of the benchmark sizes.
func TestFastPathAgreement(t *testing.T) {
	sizes := [][2]int{{1600, 1200}, {801, 1203}, {900, 300}}
	if testing.Short() {
		sizes = sizes[1:]
	}
	for i, s := range sizes {
		img := photoLike(s[0], s[1], uint64(100+i))
		for _, q := range []int{75, 92} {
			data := encodeJPEG(t, img, q)
			fast, err := FromBytes(data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			exact, err := FromBytes(data, Options{ExactJPEG: true})
			if err != nil {
				t.Fatal(err)
			}
			d := Distance(fast.Hash, exact.Hash)
			t.Logf("%dx%d q%d: fast vs exact %d bits", s[0], s[1], q, d)
			if d > 6 {
				t.Errorf("%dx%d q%d: fast path %d bits from exact", s[0], s[1], q, d)
			}
		}
	}
}

func TestHostileInputs(t *testing.T) {
	small := encodePNG(t, photoLike(40, 30, 2))
	jpg := encodeJPEG(t, photoLike(40, 30, 2), 80)
	var gifBuf bytes.Buffer
	if err := gif.Encode(&gifBuf, image.NewPaletted(image.Rect(0, 0, 8, 8), palette.Plan9), nil); err != nil {
		t.Fatal(err)
	}
	type tc struct {
		name string
		data []byte
		want error // nil: any error
	}
	cases := []tc{
		{"empty", nil, nil},
		{"garbage", []byte("hello, this is not an image"), ErrNoDecoder},
		{"png-truncated", small[:len(small)/2], nil},
		{"png-header-only", small[:40], nil},
		{"jpeg-truncated", jpg[:len(jpg)/2], nil},
		{"jpeg-soi-only", []byte{0xFF, 0xD8, 0xFF}, nil},
		{"gif-truncated", gifBuf.Bytes()[:20], nil},
		{"png-60000", pngWithSize(small, 60000, 60000), ErrTooLarge},
		{"jpeg-60000", jpegWithSize(jpg, 60000, 60000), ErrTooLarge},
		{"gif-60000", gifWithSize(gifBuf.Bytes(), 60000, 60000), ErrTooLarge},
		{"bmp-60000", bmpWithSize(60000, 60000), ErrTooLarge},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), ErrNoDecoder},
		{"avif", []byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"), ErrNoDecoder},
	}
	for _, c := range cases {
		_, err := FromReader(bytes.NewReader(c.data), Options{})
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		if c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	_, err := FromBytes([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), Options{})
	if err == nil || err.Error() != "no decoder for image/heic" {
		t.Errorf("heic error %q", err)
	}
	if _, err := FromReader(bytes.NewReader(small), Options{MaxBytes: 100}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("byte limit: %v", err)
	}
	if _, err := FromReader(bytes.NewReader(small), Options{MaxPixels: 100}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("pixel limit: %v", err)
	}
}

// TestTiny: images under 5 pixels on a side hash to zero, quality 0.
func TestTiny(t *testing.T) {
	for _, sz := range [][2]int{{1, 1}, {4, 100}, {100, 4}} {
		res, err := FromBytes(encodePNG(t, image.NewGray(image.Rect(0, 0, sz[0], sz[1]))), Options{Dihedral: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Hash != (Hash{}) || res.Quality != 0 || len(res.Dihedral) != 8 {
			t.Errorf("%v: %v q%d", sz, res.Hash, res.Quality)
		}
	}
}

// TestConcurrent hashes many images from many goroutines (run with -race)
// and checks each result against a sequential run.
func TestConcurrent(t *testing.T) {
	var inputs [][]byte
	for i := 0; i < 4; i++ {
		img := photoLike(520+40*i, 200+20*i, uint64(i))
		if i%2 == 0 {
			inputs = append(inputs, encodeJPEG(t, img, 85))
		} else {
			inputs = append(inputs, encodePNG(t, img))
		}
	}
	want := make([]Result, len(inputs))
	for i, d := range inputs {
		r, err := FromBytes(d, Options{Dihedral: true})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = r
	}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := 0; k < 4; k++ {
				i := (g + k) % len(inputs)
				r, err := FromBytes(inputs[i], Options{Dihedral: true})
				if err != nil || r.Hash != want[i].Hash || r.Dihedral[3] != want[i].Dihedral[3] {
					errs <- "mismatch"
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

func pngWithSize(p []byte, w, h uint32) []byte {
	d := bytes.Clone(p)
	binary.BigEndian.PutUint32(d[16:], w)
	binary.BigEndian.PutUint32(d[20:], h)
	// Fix the IHDR CRC so the decoder reaches the size check.
	crc := crc32IEEE(d[12:29])
	binary.BigEndian.PutUint32(d[29:], crc)
	return d
}

func jpegWithSize(j []byte, w, h uint16) []byte {
	d := bytes.Clone(j)
	for i := 2; i+8 < len(d); i++ {
		if d[i] == 0xFF && (d[i+1] == 0xC0 || d[i+1] == 0xC2) {
			binary.BigEndian.PutUint16(d[i+5:], h)
			binary.BigEndian.PutUint16(d[i+7:], w)
			break
		}
	}
	return d
}

func gifWithSize(g []byte, w, h uint16) []byte {
	d := bytes.Clone(g)
	binary.LittleEndian.PutUint16(d[6:], w)
	binary.LittleEndian.PutUint16(d[8:], h)
	return d
}

func bmpWithSize(w, h int32) []byte {
	d := make([]byte, 54)
	copy(d, "BM")
	binary.LittleEndian.PutUint32(d[2:], 54)
	binary.LittleEndian.PutUint32(d[10:], 54)
	binary.LittleEndian.PutUint32(d[14:], 40)
	binary.LittleEndian.PutUint32(d[18:], uint32(w))
	binary.LittleEndian.PutUint32(d[22:], uint32(h))
	binary.LittleEndian.PutUint16(d[26:], 1)
	binary.LittleEndian.PutUint16(d[28:], 24)
	return d
}

func FuzzFromReader(f *testing.F) {
	img := photoLike(24, 16, 3)
	p := encodePNG(f, img)
	j := encodeJPEG(f, img, 75)
	var g bytes.Buffer
	pal := image.NewPaletted(img.Bounds(), palette.WebSafe)
	draw.Draw(pal, img.Bounds(), img, image.Point{}, draw.Src)
	if err := gif.Encode(&g, pal, nil); err != nil {
		f.Fatal(err)
	}
	var bm bytes.Buffer
	if err := bmp.Encode(&bm, img); err != nil {
		f.Fatal(err)
	}
	for _, s := range [][]byte{p, j, g.Bytes(), bm.Bytes(), p[:len(p)/2], j[:len(j)/2], g.Bytes()[:30], {}, {0xFF, 0xD8, 0xFF}} {
		f.Add(s)
	}
	if d, err := os.ReadFile("jpegluma/testdata/p420.jpg"); err == nil {
		f.Add(d)
	}
	gr := image.NewGray16(image.Rect(0, 0, 9, 7))
	gr.Set(3, 3, color.Gray16{0xffff})
	f.Add(encodePNG(f, gr))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := FromReader(bytes.NewReader(data), Options{Dihedral: true, MaxPixels: 1 << 18})
		if err != nil {
			return
		}
		if res.Quality < 0 || res.Quality > 100 || len(res.Dihedral) != 8 {
			t.Fatalf("bad result %+v", res)
		}
	})
}
