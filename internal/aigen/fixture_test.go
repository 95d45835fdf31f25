package aigen

// Synthetic fixtures built with the byte layouts generators use (see
// ../shared/research/phase2-ai-provenance-platforms.md §2-§6, §9). All
// prompts are benign (a red bicycle, a lighthouse); images are 1x1 pixels
// that are never decoded.

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"sort"
	"unicode/utf16"
)

type chunk struct {
	typ  string
	data []byte
}

func pngFile(chunks ...chunk) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	all := append([]chunk{{"IHDR", []byte{0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0}}}, chunks...)
	all = append(all, chunk{"IEND", nil})
	for _, c := range all {
		binary.Write(&b, binary.BigEndian, uint32(len(c.data)))
		b.WriteString(c.typ)
		b.Write(c.data)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(c.typ), c.data...)))
	}
	return b.Bytes()
}

func tEXt(key, text string) chunk {
	return chunk{"tEXt", append(append([]byte(key), 0), text...)}
}

func iTXt(key, text string, compress bool) chunk {
	d := append([]byte(key), 0)
	if compress {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write([]byte(text))
		w.Close()
		d = append(d, 1, 0, 0, 0)
		return chunk{"iTXt", append(d, z.Bytes()...)}
	}
	d = append(d, 0, 0, 0, 0)
	return chunk{"iTXt", append(d, text...)}
}

func idat() chunk {
	return chunk{"IDAT", []byte{0x78, 0x9c, 0x63, 0x60, 0x60, 0x60, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01}}
}

type tag struct {
	id   uint16
	typ  uint16
	data []byte
}

// tiffBlock builds a TIFF block: IFD0 with the given tags, and an Exif
// sub-IFD with exifTags when there are any.
func tiffBlock(bo binary.ByteOrder, ifd0, exifTags []tag) []byte {
	if len(exifTags) > 0 {
		ifd0 = append(ifd0, tag{0x8769, 4, nil})
	}
	sort.Slice(ifd0, func(i, j int) bool { return ifd0[i].id < ifd0[j].id })
	ifdSize := func(ts []tag) int { return 2 + 12*len(ts) + 4 }
	dataSize := func(ts []tag) int {
		n := 0
		for _, t := range ts {
			if len(t.data) > 4 {
				n += len(t.data) + len(t.data)%2
			}
		}
		return n
	}
	encode := func(ts []tag, dataAt, exifAt int) []byte {
		var dir, data bytes.Buffer
		binary.Write(&dir, bo, uint16(len(ts)))
		for _, t := range ts {
			binary.Write(&dir, bo, t.id)
			binary.Write(&dir, bo, t.typ)
			switch {
			case t.id == 0x8769:
				binary.Write(&dir, bo, uint32(1))
				binary.Write(&dir, bo, uint32(exifAt))
			case len(t.data) <= 4:
				binary.Write(&dir, bo, uint32(len(t.data)))
				v := make([]byte, 4)
				copy(v, t.data)
				dir.Write(v)
			default:
				binary.Write(&dir, bo, uint32(len(t.data)))
				binary.Write(&dir, bo, uint32(dataAt+data.Len()))
				data.Write(t.data)
				if data.Len()%2 == 1 {
					data.WriteByte(0)
				}
			}
		}
		binary.Write(&dir, bo, uint32(0))
		return append(dir.Bytes(), data.Bytes()...)
	}
	var b bytes.Buffer
	if bo == binary.BigEndian {
		b.WriteString("MM\x00*")
	} else {
		b.WriteString("II*\x00")
	}
	binary.Write(&b, bo, uint32(8))
	exifAt := 8 + ifdSize(ifd0) + dataSize(ifd0)
	b.Write(encode(ifd0, 8+ifdSize(ifd0), exifAt))
	if len(exifTags) > 0 {
		b.Write(encode(exifTags, exifAt+ifdSize(exifTags), 0))
	}
	return b.Bytes()
}

func ascii(s string) []byte { return append([]byte(s), 0) }

// unicodeComment is piexif's UserComment: "UNICODE\0" and UTF-16.
func unicodeComment(s string, bo binary.AppendByteOrder) []byte {
	out := []byte("UNICODE\x00")
	for _, u := range utf16.Encode([]rune(s)) {
		out = bo.AppendUint16(out, u)
	}
	return out
}

func jpegFile(segments ...[]byte) []byte {
	b := []byte{0xFF, 0xD8}
	for _, s := range segments {
		b = append(b, s...)
	}
	// SOS, some entropy-coded bytes, EOI.
	return append(b, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9)
}

func segment(marker byte, payload []byte) []byte {
	s := []byte{0xFF, marker, 0, 0}
	binary.BigEndian.PutUint16(s[2:], uint16(len(payload)+2))
	return append(s, payload...)
}

func webpFile(chunks ...chunk) []byte {
	var body bytes.Buffer
	body.WriteString("WEBP")
	all := append([]chunk{{"VP8X", make([]byte, 10)}}, chunks...)
	for _, c := range all {
		body.WriteString(c.typ)
		binary.Write(&body, binary.LittleEndian, uint32(len(c.data)))
		body.Write(c.data)
		if len(c.data)%2 == 1 {
			body.WriteByte(0)
		}
	}
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(body.Len()))
	b.Write(body.Bytes())
	return b.Bytes()
}

// cborEncode writes the few CBOR items the C2PA fixture needs.
func cborEncode(v any) []byte {
	head := func(major byte, n int) []byte {
		switch {
		case n < 24:
			return []byte{major<<5 | byte(n)}
		case n < 256:
			return []byte{major<<5 | 24, byte(n)}
		default:
			return []byte{major<<5 | 25, byte(n >> 8), byte(n)}
		}
	}
	switch x := v.(type) {
	case string:
		return append(head(3, len(x)), x...)
	case int:
		return head(0, x)
	case []any:
		out := head(4, len(x))
		for _, e := range x {
			out = append(out, cborEncode(e)...)
		}
		return out
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := head(5, len(x))
		for _, k := range keys {
			out = append(out, cborEncode(k)...)
			out = append(out, cborEncode(x[k])...)
		}
		return out
	}
	panic("cborEncode: unsupported")
}

func box(typ string, payload []byte) []byte {
	b := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint32(b, uint32(8+len(payload)))
	copy(b[4:], typ)
	return append(b, payload...)
}

// superbox builds a JUMBF superbox: a jumd description (type 4cc + the
// C2PA UUID tail, toggles 0x03, label) and its children.
func superbox(kind, label string, children ...[]byte) []byte {
	d := append([]byte(kind), 0x00, 0x11, 0x00, 0x10, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71, 0x03)
	d = append(d, label...)
	d = append(d, 0)
	body := box("jumd", d)
	for _, c := range children {
		body = append(body, c...)
	}
	return box("jumb", body)
}

// c2paStore is a minimal manifest store declaring AI generation.
func c2paStore() []byte {
	actions := map[string]any{"actions": []any{map[string]any{
		"action":            "c2pa.created",
		"digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia",
		"softwareAgent":     "synthetic-gen/1.0",
	}}}
	claim := map[string]any{
		"claim_generator_info": []any{map[string]any{"name": "vibora-fixture", "version": "0.1"}},
		"dc:format":            "image/png",
		"signature":            "self#jumbf=c2pa.signature",
	}
	return superbox("c2pa", "c2pa",
		superbox("c2ma", "urn:c2pa:00000000-0000-4000-8000-000000000001",
			superbox("c2as", "c2pa.assertions", superbox("cbor", "c2pa.actions", box("cbor", cborEncode(actions)))),
			superbox("c2cl", "c2pa.claim", box("cbor", cborEncode(claim))),
			superbox("c2cs", "c2pa.signature", box("cbor", []byte{0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40})),
		))
}

// app11 splits a JUMBF store over JPEG APP11 segments as JPEG XT does.
func app11(store []byte, parts int) [][]byte {
	var out [][]byte
	step := (len(store) + parts - 1) / parts
	for i, z := 0, uint32(1); i < len(store); i, z = i+step, z+1 {
		p := []byte{'J', 'P', 0x02, 0x11, 0, 0, 0, 0}
		binary.BigEndian.PutUint32(p[4:], z)
		if z > 1 {
			p = append(p, store[:8]...) // later packets repeat LBox and TBox
		}
		p = append(p, store[i:min(i+step, len(store))]...)
		out = append(out, segment(0xEB, p))
	}
	return out
}
