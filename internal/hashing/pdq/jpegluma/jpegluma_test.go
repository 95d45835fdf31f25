package jpegluma

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func allIdx(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func nnIdx(src, dst int) []int {
	s := make([]int, dst)
	for i := range s {
		s[i] = int(int64(i) * int64(src) / int64(dst))
	}
	return s
}

// TestLibjpegDigests compares full decodes of cjpeg-made fixtures (see
// testdata/gen.sh: every subsampling, restart intervals, progressive,
// optimised tables, grey) with libjpeg-turbo's djpeg output: RGB mode
// must equal `djpeg -ppm` and Luma mode `djpeg -grayscale` byte for byte.
func TestLibjpegDigests(t *testing.T) {
	f, err := os.Open("testdata/djpeg.sha256")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 {
			t.Fatalf("bad line %q", sc.Text())
		}
		name, wantRGB, wantY := fs[0], fs[1], fs[2]
		n++
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			info, err := DecodeInfo(data)
			if err != nil {
				t.Fatal(err)
			}
			xs, ys := allIdx(info.Width), allIdx(info.Height)
			rgb, _, err := Decode(data, xs, ys, RGB, 0)
			if err != nil {
				t.Fatal(err)
			}
			magic := "P6"
			if info.Components == 1 {
				magic = "P5"
			}
			if got := pnmDigest(magic, info, rgb); got != wantRGB {
				t.Errorf("RGB decode differs from djpeg -ppm: %s, want %s", got, wantRGB)
			}
			y, _, err := Decode(data, xs, ys, Luma, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got := pnmDigest("P5", info, y); got != wantY {
				t.Errorf("luma decode differs from djpeg -grayscale: %s, want %s", got, wantY)
			}
			// Sampled decoding must pick exactly the full decode's pixels,
			// in both modes.
			nch := 3
			if info.Components == 1 {
				nch = 1
			}
			// The grids give 1 to 8 sampled rows and columns per block
			// (on the 203x157 fixtures {51, 79} is about 2 columns and 4
			// rows, {76, 59} 3 and 3, {101, 40} 4 and 2), so every
			// sampled-IDCT path meets restart intervals, odd sizes and
			// each chroma layout.
			for _, g := range [][2]int{{64, 64}, {37, 151}, {512, 512}, {51, 79}, {76, 59}, {101, 40}} {
				sx, sy := nnIdx(info.Width, g[0]), nnIdx(info.Height, g[1])
				sr, _, err := Decode(data, sx, sy, RGB, 0)
				if err != nil {
					t.Fatal(err)
				}
				for i, yy := range sy {
					for j, xx := range sx {
						for ch := 0; ch < nch; ch++ {
							got, want := sr[(i*len(sx)+j)*nch+ch], rgb[(yy*info.Width+xx)*nch+ch]
							if got != want {
								t.Fatalf("RGB grid %v: sample (%d,%d) channel %d = %d, full decode %d", g, xx, yy, ch, got, want)
							}
						}
					}
				}
				s, _, err := Decode(data, sx, sy, Luma, 0)
				if err != nil {
					t.Fatal(err)
				}
				for i, yy := range sy {
					for j, xx := range sx {
						if s[i*len(sx)+j] != y[yy*info.Width+xx] {
							t.Fatalf("grid %v: sample (%d,%d) = %d, full decode %d", g, xx, yy, s[i*len(sx)+j], y[yy*info.Width+xx])
						}
					}
				}
			}
		})
	}
	if n < 10 {
		t.Fatalf("only %d fixtures listed", n)
	}
}

func pnmDigest(magic string, info Info, pix []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%d %d\n255\n", magic, info.Width, info.Height)
	h.Write(pix)
	return hex.EncodeToString(h.Sum(nil))
}

func TestArithmeticUnsupported(t *testing.T) {
	data, err := os.ReadFile("testdata/arith.jpg")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Decode(data, []int{0}, []int{0}, Luma, 0)
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("got %v, want ErrUnsupported", err)
	}
}

// testPicture is a small deterministic colour picture with detail.
func testPicture(w, h int, seed uint64) *image.RGBA {
	rng := rand.New(rand.NewPCG(seed, 1))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			n := rng.NormFloat64() * 8
			r := 128 + 90*math.Sin(float64(x)/19+float64(y)/37) + n
			g := 128 + 80*math.Cos(float64(y)/13-float64(x)/29) + n
			b := float64((x ^ y) & 0xff)
			img.SetRGBA(x, y, color.RGBA{u8(r), u8(g), u8(b), 255})
		}
	}
	return img
}

func u8(v float64) uint8 { return uint8(max(0, min(255, v))) }

// TestAgainstStdlibY compares the luma plane with image/jpeg's Y plane on
// generated JPEGs and on the fixtures. The two IDCTs differ (image/jpeg
// does not use libjpeg's islow), so samples may differ by a level or two.
func TestAgainstStdlibY(t *testing.T) {
	var inputs []struct {
		name string
		data []byte
	}
	for i, sz := range [][2]int{{64, 48}, {203, 157}, {333, 250}, {17, 9}} {
		img := testPicture(sz[0], sz[1], uint64(i))
		for _, q := range []int{50, 90} {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, struct {
				name string
				data []byte
			}{fmt.Sprintf("go-%dx%d-q%d", sz[0], sz[1], q), buf.Bytes()})
			gray := image.NewGray(img.Bounds())
			for y := 0; y < sz[1]; y++ {
				for x := 0; x < sz[0]; x++ {
					gray.Set(x, y, img.At(x, y))
				}
			}
			buf.Reset()
			if err := jpeg.Encode(&buf, gray, &jpeg.Options{Quality: q}); err != nil {
				t.Fatal(err)
			}
			inputs = append(inputs, struct {
				name string
				data []byte
			}{fmt.Sprintf("go-grey-%dx%d-q%d", sz[0], sz[1], q), buf.Bytes()})
		}
	}
	files, _ := filepath.Glob("testdata/*.jpg")
	for _, f := range files {
		if strings.HasSuffix(f, "arith.jpg") {
			continue
		}
		d, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, struct {
			name string
			data []byte
		}{filepath.Base(f), d})
	}
	for _, in := range inputs {
		std, err := jpeg.Decode(bytes.NewReader(in.data))
		if err != nil {
			// image/jpeg rejects some valid files (progressive with
			// restart intervals: prst420.jpg); TestLibjpegDigests covers
			// them against libjpeg itself.
			t.Logf("%s: image/jpeg cannot decode it: %v", in.name, err)
			continue
		}
		b := std.Bounds()
		got, _, err := Decode(in.data, allIdx(b.Dx()), allIdx(b.Dy()), Luma, 0)
		if err != nil {
			t.Fatalf("%s: %v", in.name, err)
		}
		maxd, sum := 0, 0
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				var want uint8
				switch m := std.(type) {
				case *image.YCbCr:
					want = m.Y[m.YOffset(x, y)]
				case *image.Gray:
					want = m.Pix[m.PixOffset(x, y)]
				default:
					t.Fatalf("%s: image/jpeg returned %T", in.name, std)
				}
				d := int(got[y*b.Dx()+x]) - int(want)
				if d < 0 {
					d = -d
				}
				maxd = max(maxd, d)
				sum += d
			}
		}
		mean := float64(sum) / float64(b.Dx()*b.Dy())
		if maxd > 2 || mean > 0.2 {
			t.Errorf("%s: Y differs from image/jpeg by up to %d (mean %.3f)", in.name, maxd, mean)
		}
	}
}

// TestIDCTPartial checks the sampled IDCT against the full one on random
// blocks of every density, for every row range and column subset shape.
func TestIDCTPartial(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for iter := 0; iter < 3000; iter++ {
		var c [64]int32
		var nz []uint8
		density := rng.IntN(64) + 1
		for k := 0; k < 64; k++ {
			if rng.IntN(64) < density {
				c[k] = int32(rng.IntN(2001) - 1000)
				if k == 0 {
					c[k] *= 2
				}
			}
			if c[k] != 0 {
				nz = append(nz, uint8(k))
			}
		}
		var full [64]byte
		idct8x8(&c, full[:], 8)
		var rows, cols []uint8
		for x := 0; x < 8; x++ {
			if rng.IntN(3) == 0 {
				cols = append(cols, uint8(x))
			}
			if rng.IntN(3) == 0 {
				rows = append(rows, uint8(x))
			}
		}
		if len(cols) == 0 {
			cols = []uint8{uint8(rng.IntN(8))}
		}
		if len(rows) == 0 {
			rows = []uint8{uint8(rng.IntN(8))}
		}
		out := make([]byte, len(rows)*len(cols))
		idctPartial(&c, nz, rows, cols, out, len(cols))
		for i, r := range rows {
			for j, x := range cols {
				if out[i*len(cols)+j] != full[int(r)*8+int(x)] {
					t.Fatalf("iter %d: (%d,%d) partial %d full %d", iter, r, x, out[i*len(cols)+j], full[int(r)*8+int(x)])
				}
			}
		}
	}
}

// TestIDCTAccuracy checks the islow IDCT against a float IDCT.
func TestIDCTAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 500; iter++ {
		var c [64]int32
		for k := 0; k < 64; k++ {
			if rng.IntN(4) == 0 {
				c[k] = int32(rng.IntN(201) - 100)
			}
		}
		var got [64]byte
		idct8x8(&c, got[:], 8)
		for y := 0; y < 8; y++ {
			for x := 0; x < 8; x++ {
				s := 0.0
				for v := 0; v < 8; v++ {
					for u := 0; u < 8; u++ {
						cu, cv := 1.0, 1.0
						if u == 0 {
							cu = 1 / math.Sqrt2
						}
						if v == 0 {
							cv = 1 / math.Sqrt2
						}
						s += cu * cv * float64(c[v*8+u]) *
							math.Cos(float64(2*x+1)*float64(u)*math.Pi/16) *
							math.Cos(float64(2*y+1)*float64(v)*math.Pi/16)
					}
				}
				want := math.Round(s/4 + 128)
				want = max(0, min(255, want))
				if d := math.Abs(float64(got[y*8+x]) - want); d > 1 {
					t.Fatalf("iter %d (%d,%d): islow %d float %v", iter, x, y, got[y*8+x], want)
				}
			}
		}
	}
}

// TestCorruptInputs: truncations and garbage give errors, never panics.
func TestCorruptInputs(t *testing.T) {
	data, err := os.ReadFile("testdata/p420.jpg")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 1, 2, 3, 20, 200, len(data) / 3, len(data) / 2} {
		_, _, err := Decode(data[:n], []int{0}, []int{0}, Luma, 0)
		if err == nil {
			t.Errorf("truncated to %d bytes: no error", n)
		}
	}
	// 60000x60000 header refused by the pixel bound before allocation.
	big := bytes.Clone(data)
	for i := 0; i+8 < len(big); i++ {
		if big[i] == 0xFF && (big[i+1] == 0xC0 || big[i+1] == 0xC2) {
			big[i+5], big[i+6], big[i+7], big[i+8] = 0xEA, 0x60, 0xEA, 0x60
			break
		}
	}
	if _, _, err := Decode(big, []int{0}, []int{0}, Luma, 100_000_000); err == nil {
		t.Error("60000x60000 accepted")
	}
}

func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.jpg")
	for _, p := range files {
		d, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(d)
		f.Add(d[:len(d)/2])
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testPicture(20, 12, 9), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := DecodeInfo(data)
		if err != nil || int64(info.Width)*int64(info.Height) > 1<<16 {
			return
		}
		xs, ys := nnIdx(info.Width, 37), nnIdx(info.Height, 23)
		for _, m := range []Mode{Luma, RGB} {
			out, _, err := Decode(data, xs, ys, m, 1<<16)
			if err != nil {
				continue
			}
			want := len(xs) * len(ys)
			if m == RGB && info.Components == 3 {
				want *= 3
			}
			if len(out) != want {
				t.Fatalf("mode %d: %d samples, want %d", m, len(out), want)
			}
		}
	})
}

// TestScanLimit: a file repeating a scan past MaxScans is refused.
func TestScanLimit(t *testing.T) {
	data, err := os.ReadFile("testdata/p420.jpg")
	if err != nil {
		t.Fatal(err)
	}
	eoi := bytes.LastIndex(data, []byte{0xFF, 0xD9})
	if eoi < 0 {
		t.Fatal("fixture has no EOI")
	}
	info, err := DecodeInfo(data)
	if err != nil {
		t.Fatal(err)
	}
	// A DC refinement scan of the first component: one bit per block, valid
	// whatever came before.
	blocks := ((info.Width + 7) / 8) * ((info.Height + 7) / 8)
	scan := append([]byte{0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0, 0x10}, make([]byte, blocks/8+1)...)
	var b bytes.Buffer
	b.Write(data[:eoi])
	for i := 0; i < MaxScans; i++ {
		b.Write(scan)
	}
	b.Write(data[eoi:])
	_, _, err = Decode(b.Bytes(), []int{0}, []int{0}, Luma, 0)
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("got %v, want ErrLimit", err)
	}
	// The original decodes fine.
	if _, _, err := Decode(data, []int{0}, []int{0}, Luma, 0); err != nil {
		t.Fatal(err)
	}
}
