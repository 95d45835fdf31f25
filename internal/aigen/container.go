package aigen

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Field is one piece of text or data a file carries where generators
// write: a PNG text chunk, an EXIF tag, an XMP packet, a JPEG comment, a
// C2PA store. It is what the file claims, byte for byte (Value), with
// where it was found, so that a report can show it exactly.
type Field struct {
	Container string // png, jpeg, webp
	Place     string // tEXt, iTXt, zTXt, comf, eXIf, caBX, APP1, APP11, COM, EXIF, XMP, C2PA
	Key       string // the text keyword, or the EXIF tag's name
	Offset    int64  // of the chunk or segment in the file
	Value     []byte
}

// Limits bound what a walk reads from one file.
const (
	maxFields     = 256      // fields kept per file
	maxFieldBytes = 16 << 20 // one field's bytes (a decompressed zTXt/iTXt too)
	maxIFDEntries = 512      // entries read from one EXIF directory
)

// ErrNotImage is returned for content that is not a PNG, JPEG or WebP.
var ErrNotImage = errors.New("not a PNG, JPEG or WebP image")

// Fields walks an image's container and returns its metadata fields in
// file order. It reads the whole container, past the image data (ComfyUI
// writes chunks after IDAT), and never decodes pixels. A damaged container
// yields the fields read before the damage and an error that says where.
func Fields(b []byte) ([]Field, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return pngFields(b)
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return jpegFields(b)
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return webpFields(b)
	}
	return nil, ErrNotImage
}

type walker struct {
	out []Field
}

func (w *walker) add(f Field) {
	if len(w.out) < maxFields {
		w.out = append(w.out, f)
	}
}

func pngFields(b []byte) ([]Field, error) {
	var w walker
	var img pngImage
	off := 8
	for off+12 <= len(b) {
		n := int(binary.BigEndian.Uint32(b[off:]))
		typ := string(b[off+4 : off+8])
		if n < 0 || n > len(b)-off-12 {
			return w.out, fmt.Errorf("png chunk %q at offset %d: length %d runs past the end of the file", typ, off, n)
		}
		data := b[off+8 : off+8+n]
		if crc32.ChecksumIEEE(b[off+4:off+8+n]) != binary.BigEndian.Uint32(b[off+8+n:]) {
			// A wrong CRC is recorded, not fatal: the text is still what the file says.
			w.add(Field{Container: "png", Place: "crc-error", Key: typ, Offset: int64(off)})
		}
		switch typ {
		case "tEXt":
			if k, v, ok := bytes.Cut(data, []byte{0}); ok {
				w.add(Field{Container: "png", Place: typ, Key: latin1(k), Offset: int64(off), Value: []byte(latin1(v))})
			}
		case "zTXt":
			if k, v, ok := bytes.Cut(data, []byte{0}); ok && len(v) > 0 {
				if text, err := inflate(v[1:]); err == nil {
					w.add(Field{Container: "png", Place: typ, Key: latin1(k), Offset: int64(off), Value: []byte(latin1(text))})
				} else {
					w.add(Field{Container: "png", Place: "zTXt-error", Key: latin1(k), Offset: int64(off), Value: []byte(err.Error())})
				}
			}
		case "iTXt":
			if f, ok := itxt(data, off); ok {
				w.add(f)
			}
		case "comf":
			if k, v, ok := bytes.Cut(data, []byte{0}); ok {
				w.add(Field{Container: "png", Place: typ, Key: string(k), Offset: int64(off), Value: v})
			}
		case "eXIf":
			w.tiff("png", data, int64(off+8))
		case "caBX":
			w.add(Field{Container: "png", Place: typ, Key: "c2pa", Offset: int64(off), Value: data})
		case "IHDR":
			img.ihdr(data)
		case "IDAT":
			if len(img.idat) == 0 {
				img.idatAt = int64(off)
			}
			img.idat = append(img.idat, data)
		case "IEND":
			if f, ok := img.stealth(MaxStealthPixels); ok {
				w.add(f)
			}
			return w.out, nil
		}
		off += 12 + n
	}
	return w.out, fmt.Errorf("png: no IEND chunk (truncated at offset %d)", off)
}

func itxt(data []byte, off int) (Field, bool) {
	k, rest, ok := bytes.Cut(data, []byte{0})
	if !ok || len(rest) < 2 {
		return Field{}, false
	}
	compressed := rest[0] == 1
	rest = rest[2:]
	_, rest, ok = bytes.Cut(rest, []byte{0}) // language tag
	if !ok {
		return Field{}, false
	}
	_, text, ok := bytes.Cut(rest, []byte{0}) // translated keyword
	if !ok {
		return Field{}, false
	}
	f := Field{Container: "png", Place: "iTXt", Key: string(k), Offset: int64(off), Value: text}
	if compressed {
		v, err := inflate(text)
		if err != nil {
			f.Place, f.Value = "iTXt-error", []byte(err.Error())
		} else {
			f.Value = v
		}
	}
	return f, true
}

func inflate(b []byte) ([]byte, error) {
	r, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer r.Close()
	out, err := io.ReadAll(io.LimitReader(r, maxFieldBytes+1))
	if err != nil {
		return nil, err
	}
	if len(out) > maxFieldBytes {
		return nil, fmt.Errorf("compressed text over %d bytes", maxFieldBytes)
	}
	return out, nil
}

// latin1 decodes ISO 8859-1 bytes (PNG tEXt) to UTF-8.
func latin1(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

var (
	xmpPrefix    = []byte("http://ns.adobe.com/xap/1.0/\x00")
	xmpExtPrefix = []byte("http://ns.adobe.com/xmp/extension/\x00")
)

func jpegFields(b []byte) ([]Field, error) {
	var w walker
	off := 2
	var jumbf []byte
	jumbfAt := -1
	for off+4 <= len(b) {
		if b[off] != 0xFF {
			return w.out, fmt.Errorf("jpeg: no marker at offset %d", off)
		}
		m := b[off+1]
		if m == 0xFF { // fill byte
			off++
			continue
		}
		if m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7) {
			off += 2
			continue
		}
		if m == 0xD9 || m == 0xDA { // EOI, or SOS: no metadata follows image data
			break
		}
		n := int(binary.BigEndian.Uint16(b[off+2:]))
		if n < 2 || off+2+n > len(b) {
			return w.out, fmt.Errorf("jpeg segment 0x%02X at offset %d: length %d runs past the end of the file", m, off, n)
		}
		seg := b[off+4 : off+2+n]
		switch m {
		case 0xE1:
			switch {
			case bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
				w.tiff("jpeg", seg[6:], int64(off+10))
			case bytes.HasPrefix(seg, xmpPrefix):
				w.add(Field{Container: "jpeg", Place: "XMP", Key: "xmp", Offset: int64(off), Value: seg[len(xmpPrefix):]})
			case bytes.HasPrefix(seg, xmpExtPrefix):
				// Extended XMP: a 32-byte GUID and two lengths precede the part.
				if len(seg) > len(xmpExtPrefix)+40 {
					w.add(Field{Container: "jpeg", Place: "XMP", Key: "xmp-extension", Offset: int64(off), Value: seg[len(xmpExtPrefix)+40:]})
				}
			}
		case 0xEB: // APP11: JPEG XT boxes (JUMBF), C2PA's carrier
			// CI "JP", En (2), Z (4), then the box; later packets repeat LBox+TBox.
			if len(seg) >= 16 && seg[0] == 'J' && seg[1] == 'P' {
				z := binary.BigEndian.Uint32(seg[4:8])
				if z == 1 {
					jumbf, jumbfAt = append([]byte(nil), seg[8:]...), off
				} else if jumbfAt >= 0 && len(seg) > 16 && len(jumbf)+len(seg) <= maxFieldBytes {
					jumbf = append(jumbf, seg[16:]...)
				}
			}
		case 0xFE:
			w.add(Field{Container: "jpeg", Place: "COM", Key: "comment", Offset: int64(off), Value: seg})
		}
		off += 2 + n
	}
	if jumbfAt >= 0 {
		w.add(Field{Container: "jpeg", Place: "APP11", Key: "c2pa", Offset: int64(jumbfAt), Value: jumbf})
	}
	return w.out, nil
}

func webpFields(b []byte) ([]Field, error) {
	var w walker
	size := int(binary.LittleEndian.Uint32(b[4:8]))
	end := min(len(b), 8+size)
	off := 12
	for off+8 <= end {
		id := string(b[off : off+4])
		n := int(binary.LittleEndian.Uint32(b[off+4:]))
		if n < 0 || n > end-off-8 {
			return w.out, fmt.Errorf("webp chunk %q at offset %d: length %d runs past the end of the file", id, off, n)
		}
		data := b[off+8 : off+8+n]
		switch id {
		case "EXIF":
			data = bytes.TrimPrefix(data, []byte("Exif\x00\x00"))
			w.tiff("webp", data, int64(off+8))
		case "XMP ":
			w.add(Field{Container: "webp", Place: "XMP", Key: "xmp", Offset: int64(off), Value: data})
		case "C2PA":
			w.add(Field{Container: "webp", Place: "C2PA", Key: "c2pa", Offset: int64(off), Value: data})
		}
		off += 8 + n + n&1
	}
	return w.out, nil
}

// The TIFF tags generators write to.
var tiffTags = map[uint16]string{
	0x010E: "ImageDescription",
	0x010F: "Make",
	0x0110: "Model",
	0x0131: "Software",
	0x013B: "Artist",
	0x8298: "Copyright",
	0x9286: "UserComment",
	0x927C: "MakerNote",
	0x9C9B: "XPTitle",
	0x9C9C: "XPComment",
	0x9C9D: "XPAuthor",
	0x9C9E: "XPKeywords",
	0x9C9F: "XPSubject",
	0xCD41: "C2PA",
}

// tiff reads IFD0 and the Exif sub-IFD of a TIFF block (the bytes after
// "Exif\0\0"), keeping the tags generators write. base is the block's
// offset in the file. A damaged block yields what was read.
func (w *walker) tiff(container string, t []byte, base int64) {
	if len(t) < 8 {
		return
	}
	var bo binary.ByteOrder
	switch string(t[:4]) {
	case "II*\x00":
		bo = binary.LittleEndian
	case "MM\x00*":
		bo = binary.BigEndian
	default:
		return
	}
	ifd0 := bo.Uint32(t[4:])
	exif := w.ifd(container, t, bo, ifd0, base)
	if exif != 0 && exif != ifd0 {
		w.ifd(container, t, bo, exif, base)
	}
}

// ifd reads one directory and returns the Exif sub-IFD pointer it holds.
func (w *walker) ifd(container string, t []byte, bo binary.ByteOrder, at uint32, base int64) (exif uint32) {
	if int64(at)+2 > int64(len(t)) {
		return 0
	}
	n := int(bo.Uint16(t[at:]))
	n = min(n, maxIFDEntries)
	for i := range n {
		e := int64(at) + 2 + int64(i)*12
		if e+12 > int64(len(t)) {
			return exif
		}
		tag, typ, count := bo.Uint16(t[e:]), bo.Uint16(t[e+2:]), bo.Uint32(t[e+4:])
		if tag == 0x8769 {
			exif = bo.Uint32(t[e+8:])
			continue
		}
		name, ok := tiffTags[tag]
		if !ok {
			continue
		}
		size := int64(count) * typeSize(typ)
		if size <= 0 || size > maxFieldBytes {
			continue
		}
		var v []byte
		if size <= 4 {
			v = t[e+8 : e+8+size]
		} else {
			o := int64(bo.Uint32(t[e+8:]))
			if o+size > int64(len(t)) {
				continue
			}
			v = t[o : o+size]
		}
		if typ == 2 { // ASCII: NUL-terminated
			v = bytes.TrimRight(v, "\x00")
		}
		place := "EXIF"
		if container == "png" {
			place = "eXIf"
		}
		if tag == 0xCD41 {
			place = "C2PA"
		}
		w.add(Field{Container: container, Place: place, Key: name, Offset: base + e, Value: v})
	}
	return exif
}

func typeSize(typ uint16) int64 {
	switch typ {
	case 1, 2, 6, 7:
		return 1
	case 3, 8:
		return 2
	case 4, 9, 11:
		return 4
	case 5, 10, 12:
		return 8
	}
	return 0
}
