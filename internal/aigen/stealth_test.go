package aigen

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"reflect"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

const (
	lighthouseComment = `{"prompt": "a lighthouse at dusk", "steps": 28, "height": 768, "width": 512, "scale": 5.0, "seed": 1234567890, "sampler": "k_euler_ancestral", "uc": "lowres"}`
	lighthouseParams  = "a lighthouse at dusk\nNegative prompt: lowres\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 42, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly"
)

// lighthouseJSON is NovelAI's stealth payload: the PNG text keys as one
// object.
func lighthouseJSON(t testing.TB) []byte {
	return []byte(`{"Title": "AI generated image", "Description": "a lighthouse at dusk", "Software": "NovelAI", "Source": "Stable Diffusion XL 9CC2F394", "Generation time": "3.2", "Comment": ` + quote(t, lighthouseComment) + `}`)
}

func quote(t testing.TB, s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// stealthBits is the bit stream a stealth writer embeds: signature, length
// in bits (big-endian), payload (gzip for *comp).
func stealthBits(t testing.TB, sig string, payload []byte) []byte {
	if strings.HasSuffix(sig, "comp") {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(payload)
		zw.Close()
		payload = z.Bytes()
	}
	out := []byte(sig)
	out = binary.BigEndian.AppendUint32(out, uint32(8*len(payload)))
	return append(out, payload...)
}

// stealthPNG writes a w x h PNG whose pixels' low bits carry stream: in
// alpha (an NRGBA image) or in R, G, B (an opaque image, encoded as RGB),
// column by column or row by row.
func stealthPNG(t testing.TB, w, h int, alpha, rows bool, stream []byte) []byte {
	t.Helper()
	per := 3
	if alpha {
		per = 1
	}
	if len(stream)*8 > w*h*per {
		t.Fatalf("%d bytes do not fit %dx%d", len(stream), w, h)
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.SetNRGBA(x, y, color.NRGBA{uint8(x * 5), uint8(y * 3), uint8(x + y), 255})
		}
	}
	bit := func(i int) uint8 {
		if i/8 >= len(stream) {
			return 0
		}
		return stream[i/8] >> (7 - i%8) & 1
	}
	for p := range w * h {
		x, y := p/h, p%h
		if rows {
			x, y = p%w, p/w
		}
		o := img.PixOffset(x, y)
		if alpha {
			img.Pix[o+3] = 254 | bit(p)
			continue
		}
		for c := range 3 {
			img.Pix[o+c] = img.Pix[o+c]&^1 | bit(3*p+c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// colorType is the PNG colour type in IHDR.
func colorType(b []byte) byte { return b[25] }

// TestStealthNovelAI: NovelAI's alpha-LSB JSON, plain and gzip, gives the
// same record as its PNG text chunks; with the text chunks present too,
// the two join as one record.
func TestStealthNovelAI(t *testing.T) {
	text := pngFile(tEXt("Title", "AI generated image"), tEXt("Description", "a lighthouse at dusk"), tEXt("Software", "NovelAI"),
		tEXt("Source", "Stable Diffusion XL 9CC2F394"), tEXt("Comment", lighthouseComment), idat())
	want := one(t, text, NovelAI)
	want.Sources = nil
	for _, sig := range []string{"stealth_pnginfo", "stealth_pngcomp"} {
		b := stealthPNG(t, 64, 64, true, false, stealthBits(t, sig, lighthouseJSON(t)))
		if colorType(b) != 6 {
			t.Fatalf("fixture colour type %d", colorType(b))
		}
		r := one(t, b, NovelAI)
		if len(r.Sources) != 1 || r.Sources[0].Place != "stealth" || r.Sources[0].Key != sig || r.Sources[0].Offset <= 8 {
			t.Errorf("%s sources %+v", sig, r.Sources)
		}
		r.Sources = nil
		if !reflect.DeepEqual(r, want) {
			t.Errorf("%s:\n got %+v\nwant %+v", sig, r, want)
		}
		if r.Prompt != "a lighthouse at dusk" || r.Seed != "1234567890" || r.NegativePrompt != "lowres" || r.Width != 512 {
			t.Errorf("%s fields %+v", sig, r)
		}
	}
	// Text chunks and stealth pixels saying the same: one record, both sources.
	b := stealthPNG(t, 64, 64, true, false, stealthBits(t, "stealth_pngcomp", lighthouseJSON(t)))
	both := insertChunks(t, b, tEXt("Title", "AI generated image"), tEXt("Description", "a lighthouse at dusk"), tEXt("Software", "NovelAI"),
		tEXt("Source", "Stable Diffusion XL 9CC2F394"), tEXt("Comment", lighthouseComment))
	r := one(t, both, NovelAI)
	if len(r.Sources) != 4 || r.Sources[3].Place != "stealth" {
		t.Errorf("joined sources %+v", r.Sources)
	}
}

// insertChunks puts chunks after a PNG's IHDR.
func insertChunks(t testing.TB, b []byte, chunks ...chunk) []byte {
	extra := pngFile(chunks...)
	// pngFile writes signature, IHDR, the chunks, IEND: keep the chunks.
	body := extra[8+25 : len(extra)-12]
	out := append([]byte(nil), b[:8+25]...)
	out = append(out, body...)
	return append(out, b[8+25:]...)
}

// TestStealthA1111: the stealth pnginfo extension's RGB modes carry the
// infotext; rows order (some readers') is read too; a tall image with a
// short first column and a wide one.
func TestStealthA1111(t *testing.T) {
	for _, tc := range []struct {
		name        string
		w, h        int
		alpha, rows bool
		sig         string
	}{
		{"rgb columns", 40, 50, false, false, "stealth_rgbinfo"},
		{"rgb columns gzip", 40, 50, false, false, "stealth_rgbcomp"},
		{"rgb rows", 50, 40, false, true, "stealth_rgbinfo"},
		{"alpha rows", 130, 30, true, true, "stealth_pnginfo"},
		{"alpha columns, short columns", 220, 8, true, false, "stealth_pnginfo"},
	} {
		b := stealthPNG(t, tc.w, tc.h, tc.alpha, tc.rows, stealthBits(t, tc.sig, []byte(lighthouseParams)))
		if want := map[bool]byte{true: 6, false: 2}[tc.alpha]; colorType(b) != want {
			t.Fatalf("%s: fixture colour type %d", tc.name, colorType(b))
		}
		r := one(t, b, A1111)
		if r.Prompt != "a lighthouse at dusk" || r.Seed != "42" || r.Width != 512 || r.Height != 768 || r.Sources[0].Key != tc.sig {
			t.Errorf("%s: %+v", tc.name, r)
		}
	}
}

// TestStealthAbsent: ordinary RGB and RGBA images, with or without
// transparency, carry no stealth field; the probe stops within the first
// rows.
func TestStealthAbsent(t *testing.T) {
	for _, alpha := range []uint8{255, 128, 0} {
		img := image.NewNRGBA(image.Rect(0, 0, 300, 200))
		for i := range img.Pix {
			img.Pix[i] = uint8(i * 7)
			if i%4 == 3 {
				img.Pix[i] = alpha
			}
		}
		var b bytes.Buffer
		png.Encode(&b, img)
		fields, err := Fields(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			if strings.HasPrefix(f.Place, "stealth") {
				t.Errorf("alpha %d: %+v", alpha, f)
			}
		}
	}
}

// TestStealthDamage: a signature with a length past the pixels, or a
// broken gzip payload, is a recorded error, not silence; an image over the
// pixel budget is not decoded.
func TestStealthDamage(t *testing.T) {
	s := stealthBits(t, "stealth_pnginfo", []byte("x"))
	binary.BigEndian.PutUint32(s[15:], 1<<20)
	b := stealthPNG(t, 32, 32, true, false, s)
	fields, _ := Fields(b)
	if f := fields[len(fields)-1]; f.Place != "stealth-error" || !strings.Contains(string(f.Value), "runs past") {
		t.Errorf("long length: %+v", f)
	}
	s = stealthBits(t, "stealth_pngcomp", []byte("a lighthouse at dusk"))
	s[len(s)-3] ^= 0xFF // the gzip trailer
	fields, _ = Fields(stealthPNG(t, 32, 32, true, false, s))
	if f := fields[len(fields)-1]; f.Place != "stealth-error" || !strings.Contains(string(f.Value), "gzip") {
		t.Errorf("bad gzip: %+v", f)
	}
	if recs, _ := Read(stealthPNG(t, 32, 32, true, false, s)); len(recs) != 0 {
		t.Errorf("records from a damaged payload: %+v", recs)
	}
	var img pngImage
	var walked []Field
	good := stealthPNG(t, 64, 64, true, false, stealthBits(t, "stealth_pnginfo", lighthouseJSON(t)))
	for off := 8; off+12 <= len(good); {
		n := int(binary.BigEndian.Uint32(good[off:]))
		switch data := good[off+8 : off+8+n]; string(good[off+4 : off+8]) {
		case "IHDR":
			img.ihdr(data)
		case "IDAT":
			img.idat = append(img.idat, data)
		}
		off += 12 + n
	}
	if f, ok := img.stealth(64 * 64); ok {
		walked = append(walked, f)
	}
	if len(walked) != 1 || walked[0].Place != "stealth" {
		t.Fatalf("within the budget: %+v", walked)
	}
	if f, ok := img.stealth(64*64 - 1); ok {
		t.Errorf("over the budget: %+v", f)
	}
}

func TestStealthBudgetIsPDQs(t *testing.T) {
	if MaxStealthPixels != pdq.DefaultMaxPixels {
		t.Errorf("MaxStealthPixels %d, pdq.DefaultMaxPixels %d", MaxStealthPixels, pdq.DefaultMaxPixels)
	}
}

func FuzzStealth(f *testing.F) {
	f.Add(stealthPNG(f, 64, 64, true, false, stealthBits(f, "stealth_pngcomp", lighthouseJSON(f))), uint16(0), byte(0))
	f.Add(stealthPNG(f, 40, 50, false, false, stealthBits(f, "stealth_rgbinfo", []byte(lighthouseParams))), uint16(0), byte(0))
	f.Add(stealthPNG(f, 50, 40, false, true, stealthBits(f, "stealth_rgbcomp", []byte(lighthouseParams))), uint16(0), byte(0))
	f.Fuzz(func(t *testing.T, b []byte, at uint16, x byte) {
		// Flip one byte: inside the pixel data the CRC no longer matches,
		// which the walk records and goes on.
		if len(b) > 0 {
			b = bytes.Clone(b)
			b[int(at)%len(b)] ^= x
		}
		recs, _ := Read(b)
		for _, r := range recs {
			if len(r.Sources) == 0 {
				t.Fatalf("record without a source: %+v", r)
			}
		}
	})
}
