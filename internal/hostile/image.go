package hostile

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
)

// zeroStream returns n zero bytes compressed with zlib (deflate tops out
// near 1000:1, so a gigabyte of pixels fits in a megabyte). rowLen > 0
// puts a PNG filter byte (0, none) before every rowLen bytes.
func zeroStream(n int64, rowLen int) []byte {
	var buf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&buf, zlib.BestCompression)
	chunk := make([]byte, 1<<20)
	if rowLen > 0 {
		row := make([]byte, rowLen+1)
		for written := int64(0); written < n; written += int64(rowLen) {
			zw.Write(row)
		}
	} else {
		for n > 0 {
			k := min(n, int64(len(chunk)))
			zw.Write(chunk[:k])
			n -= k
		}
	}
	zw.Close()
	return buf.Bytes()
}

// TIFFBomb returns a valid little-endian TIFF of w x h pixels of 16-bit
// RGBA (unassociated alpha), deflate-compressed in a single strip. Its
// pixels are all zero, so the file is about w*h*8/1000 bytes, while
// decoding it fills w*h*8 bytes of image plus as much again of decompressed
// strip (the 10000x9999 case of issue 19 is a 777 KB file that took
// 2.9 GB).
func TIFFBomb(w, h int) []byte {
	data := zeroStream(int64(w)*int64(h)*8, 0)
	type entry struct {
		tag, typ uint16
		count    uint32
		value    uint32
	}
	const short, long = 3, 4
	entries := []entry{
		{256, long, 1, uint32(w)},
		{257, long, 1, uint32(h)},
		{258, short, 4, 0}, // BitsPerSample: offset filled in below
		{259, short, 1, 8}, // deflate
		{262, short, 1, 2}, // RGB
		{273, long, 1, 0},  // StripOffsets: filled in below
		{277, short, 1, 4}, // SamplesPerPixel
		{278, long, 1, uint32(h)},
		{279, long, 1, uint32(len(data))},
		{338, short, 1, 2}, // ExtraSamples: unassociated alpha
	}
	ifdLen := 2 + 12*len(entries) + 4
	bitsOff := 8 + ifdLen
	dataOff := bitsOff + 8
	entries[2].value = uint32(bitsOff)
	entries[5].value = uint32(dataOff)
	var b bytes.Buffer
	le := binary.LittleEndian
	b.WriteString("II*\x00")
	binary.Write(&b, le, uint32(8))
	binary.Write(&b, le, uint16(len(entries)))
	for _, e := range entries {
		binary.Write(&b, le, e.tag)
		binary.Write(&b, le, e.typ)
		binary.Write(&b, le, e.count)
		if e.typ == short && e.count == 1 {
			binary.Write(&b, le, uint16(e.value))
			binary.Write(&b, le, uint16(0))
		} else {
			binary.Write(&b, le, e.value)
		}
	}
	binary.Write(&b, le, uint32(0)) // no next IFD
	for range 4 {
		binary.Write(&b, le, uint16(16))
	}
	b.Write(data)
	return b.Bytes()
}

// PNGBomb returns a valid PNG of w x h pixels of 16-bit RGBA, all zero:
// a file of about w*h*8/1000 bytes that decodes to w*h*8 bytes.
func PNGBomb(w, h int) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, c.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 6 // 16-bit, RGBA
	chunk("IHDR", ihdr)
	chunk("IDAT", zeroStream(int64(w)*int64(h)*8, w*8))
	chunk("IEND", nil)
	return b.Bytes()
}

// Header bomb formats (HeaderBomb).
const (
	FormatGIF  = "gif"
	FormatBMP  = "bmp"
	FormatWebP = "webp"
	FormatJPEG = "jpeg"
)

// HeaderBomb returns only the header of an image of w x h pixels in format
// (gif, bmp, webp, jpeg): a few dozen bytes whose decoder configuration
// reports the full size. A decoder that trusted it would allocate the
// image before finding the data missing. Limits: GIF and JPEG dimensions
// fit in 16 bits, WebP's in 24.
func HeaderBomb(format string, w, h int) []byte {
	var b bytes.Buffer
	le, be := binary.LittleEndian, binary.BigEndian
	switch format {
	case FormatGIF:
		b.WriteString("GIF89a")
		binary.Write(&b, le, uint16(w))
		binary.Write(&b, le, uint16(h))
		b.Write([]byte{0, 0, 0}) // no global colour table
	case FormatBMP:
		b.WriteString("BM")
		binary.Write(&b, le, uint32(54))
		binary.Write(&b, le, uint32(0))
		binary.Write(&b, le, uint32(54))
		binary.Write(&b, le, uint32(40))
		binary.Write(&b, le, int32(w))
		binary.Write(&b, le, int32(h))
		binary.Write(&b, le, uint16(1))
		binary.Write(&b, le, uint16(24))
		b.Write(make([]byte, 24)) // no compression, sizes and palette zero
	case FormatWebP:
		b.WriteString("RIFF")
		binary.Write(&b, le, uint32(4+8+10))
		b.WriteString("WEBPVP8X")
		binary.Write(&b, le, uint32(10))
		b.Write([]byte{0, 0, 0, 0})
		b.Write([]byte{byte(w - 1), byte((w - 1) >> 8), byte((w - 1) >> 16)})
		b.Write([]byte{byte(h - 1), byte((h - 1) >> 8), byte((h - 1) >> 16)})
	case FormatJPEG:
		b.Write([]byte{0xFF, 0xD8, 0xFF, 0xC0})
		binary.Write(&b, be, uint16(17))
		b.WriteByte(8)
		binary.Write(&b, be, uint16(h))
		binary.Write(&b, be, uint16(w))
		b.WriteByte(3)
		for id := byte(1); id <= 3; id++ {
			b.Write([]byte{id, 0x11, 0})
		}
	}
	return b.Bytes()
}
