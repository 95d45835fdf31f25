package hashing

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
)

func ftyp(major string, compat ...string) []byte {
	b := make([]byte, 16, 16+4*len(compat))
	binary.BigEndian.PutUint32(b, uint32(16+4*len(compat)))
	copy(b[4:], "ftyp")
	copy(b[8:], major)
	for _, c := range compat {
		b = append(b, c...)
	}
	return append(b, "\x00\x00\x00\x08free"...)
}

func riff(kind string) []byte { return []byte("RIFF\x24\x00\x00\x00" + kind + "junk") }

func bmp(dib uint32) []byte {
	b := make([]byte, 54)
	copy(b, "BM")
	binary.LittleEndian.PutUint32(b[2:], 54)
	binary.LittleEndian.PutUint32(b[10:], 54)
	binary.LittleEndian.PutUint32(b[14:], dib)
	return b
}

// ustarHeader builds a real tar header with archive/tar (USTAR or GNU).
func tarHeader(t *testing.T, format tar.Format) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: "a.txt", Mode: 0o644, Size: 3, Format: format}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte("abc"))
	tw.Close()
	return buf.Bytes()
}

// v7Header builds a pre-POSIX tar header: no magic, valid checksum.
func v7Header(corrupt bool) []byte {
	h := make([]byte, 1024)
	copy(h, "old.txt")
	copy(h[100:], "0000644\x00")
	copy(h[124:], "00000000003\x00")
	copy(h[136:], "14720000000\x00")
	var sum int
	for i, c := range h[:512] {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int(c)
	}
	if corrupt {
		sum++
	}
	copy(h[148:], fmt.Sprintf("%06o\x00 ", sum))
	return h
}

// tsPackets builds n transport-stream packets of size bytes, each with its
// sync byte at off.
func tsPackets(off, size, n int) []byte {
	b := make([]byte, size*n)
	for i := 0; i < n; i++ {
		b[i*size+off] = 0x47
		b[i*size+off+1] = 0x40
	}
	return b
}

func TestMediaType(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want string
	}{
		{"jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, TypeJPEG},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), TypePNG},
		{"gif87", []byte("GIF87a\x01\x00"), TypeGIF},
		{"gif89", []byte("GIF89a\x01\x00"), TypeGIF},
		{"bmp", bmp(40), TypeBMP},
		{"bmp v5", bmp(124), TypeBMP},
		{"BM text is not bmp", []byte("BMW owners club newsletter, issue 12"), TypeUnknown},
		{"tiff le", []byte("II*\x00\x08\x00\x00\x00"), TypeTIFF},
		{"tiff be", []byte("MM\x00*\x00\x00\x00\x08"), TypeTIFF},
		{"bigtiff", []byte("II+\x00\x08\x00\x00\x00"), TypeTIFF},
		{"webp", riff("WEBP"), TypeWebP},
		{"avi", riff("AVI "), TypeAVI},
		{"wav is unknown", riff("WAVE"), TypeUnknown},
		{"heic", ftyp("heic", "mif1", "heic"), TypeHEIC},
		{"heic via compat", ftyp("mif1", "mif1", "heic"), TypeHEIC},
		{"heif", ftyp("mif1", "mif1"), TypeHEIF},
		{"avif", ftyp("avif", "avif", "mif1", "miaf"), TypeAVIF},
		{"avif via compat", ftyp("mif1", "mif1", "avif"), TypeAVIF},
		{"mp4 isom", ftyp("isom", "isom", "iso2", "avc1", "mp41"), TypeMP4},
		{"mp4 mp42", ftyp("mp42", "mp42", "isom"), TypeMP4},
		{"mp4 unknown major", ftyp("XXXX", "isom"), TypeMP4},
		{"quicktime", ftyp("qt  ", "qt  "), TypeQuickTime},
		{"3gp", ftyp("3gp5", "3gp5", "isom"), Type3GPP},
		{"3g2", ftyp("3g2a", "3g2a"), Type3GPP},
		{"ftyp unknown brands", ftyp("abcd", "efgh"), TypeUnknown},
		{"mkv", []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x88matroska\x42\x87"), TypeMatroska},
		{"webm", []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm\x42\x87"), TypeWebM},
		{"ebml no doctype", []byte("\x1a\x45\xdf\xa3\x80"), TypeMatroska},
		{"flv", []byte("FLV\x01\x05\x00\x00\x00\x09"), TypeFLV},
		{"asf", append(append([]byte{}, asfHeaderGUID...), 0x30, 0x10, 0, 0), TypeASF},
		{"mpeg-2 ps", []byte{0, 0, 1, 0xBA, 0x44, 0, 4, 0, 4, 1}, TypeMPEGPS},
		{"mpeg-1 ps", []byte{0, 0, 1, 0xBA, 0x21, 0, 1, 0, 1, 0x80}, TypeMPEGPS},
		{"mpeg-ts", tsPackets(0, 188, 3), TypeMPEGTS},
		{"m2ts", tsPackets(4, 192, 3), TypeMPEGTS},
		{"one ts packet is not enough", tsPackets(0, 188, 1), TypeUnknown},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00"), TypeZip},
		{"empty zip", []byte("PK\x05\x06" + string(make([]byte, 18))), TypeZip},
		{"gzip", []byte{0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 3}, TypeGzip},
		{"gzip bad method", []byte{0x1F, 0x8B, 0x07, 0}, TypeUnknown},
		{"bzip2", []byte("BZh91AY&SY\x00"), TypeBzip2},
		{"bzip2 empty", []byte("BZh9\x17\x72\x45\x38\x50\x90\x00\x00\x00\x00"), TypeBzip2},
		{"BZh text", []byte("BZh9 hello there"), TypeUnknown},
		{"xz", []byte{0xFD, '7', 'z', 'X', 'Z', 0, 0, 4}, TypeXz},
		{"zstd", []byte{0x28, 0xB5, 0x2F, 0xFD, 0x24, 0x03}, TypeZstd},
		{"7z", []byte{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C, 0, 4}, Type7z},
		{"rar4", []byte("Rar!\x1a\x07\x00\xcf\x90"), TypeRAR},
		{"rar5", []byte("Rar!\x1a\x07\x01\x00\x33\x92"), TypeRAR},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3"), TypePDF},
		{"sqlite", []byte("SQLite format 3\x00\x10\x00"), TypeSQLite},
		{"ustar", tarHeader(t, tar.FormatUSTAR), TypeTar},
		{"gnu tar", tarHeader(t, tar.FormatGNU), TypeTar},
		{"pax tar", tarHeader(t, tar.FormatPAX), TypeTar},
		{"v7 tar", v7Header(false), TypeTar},
		{"v7 tar bad checksum", v7Header(true), TypeUnknown},
		{"zero block", make([]byte, 1024), TypeUnknown},
		{"empty", nil, TypeUnknown},
		{"text", []byte("hello, world\n"), TypeUnknown},
		{"one byte", []byte{0xFF}, TypeUnknown},
		{"truncated png magic", []byte("\x89PN"), TypeUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MediaType(tt.head); got != tt.want {
				t.Errorf("MediaType = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMediaTypeIgnoresBytesPastSniffLen(t *testing.T) {
	// A tar header is only valid with its 512 bytes; bytes after SniffLen
	// must not change the answer.
	h := tarHeader(t, tar.FormatUSTAR)
	if MediaType(h[:SniffLen]) != MediaType(h) {
		t.Fatal("answer depends on bytes past SniffLen")
	}
	if MediaType(h[:SniffLen-1]) == TypeTar {
		t.Fatal("tar recognised from a partial header")
	}
}

func TestClassifiers(t *testing.T) {
	for _, mt := range []string{TypeJPEG, TypePNG, TypeHEIC, TypeAVIF, TypeWebP} {
		if !IsImage(mt) || IsArchive(mt) || IsVideo(mt) {
			t.Errorf("%s misclassified", mt)
		}
	}
	for _, mt := range []string{TypeZip, TypeTar, TypeGzip, TypeBzip2, TypeXz, TypeZstd, Type7z, TypeRAR} {
		if !IsArchive(mt) || IsImage(mt) {
			t.Errorf("%s misclassified", mt)
		}
	}
	for _, mt := range []string{TypeMP4, TypeWebM, TypeAVI, TypeFLV, TypeMPEGTS, TypeMPEGPS, TypeASF} {
		if !IsVideo(mt) || IsImage(mt) {
			t.Errorf("%s misclassified", mt)
		}
	}
	if IsArchive(TypePDF) || IsImage(TypeUnknown) {
		t.Error("pdf/unknown misclassified")
	}
}

func FuzzMediaType(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF})
	f.Add(ftyp("mif1", "heic"))
	f.Add([]byte("\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm"))
	f.Add(v7Header(false))
	f.Add(bmp(40))
	f.Add([]byte{0, 0, 0, 0xff, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm'})
	f.Fuzz(func(t *testing.T, head []byte) {
		mt := MediaType(head)
		if mt == "" {
			t.Fatal("empty media type")
		}
		// Deterministic, and bytes beyond SniffLen never matter.
		if len(head) > SniffLen && MediaType(head[:SniffLen]) != mt {
			t.Fatal("depends on bytes past SniffLen")
		}
		if MediaType(head) != mt {
			t.Fatal("not deterministic")
		}
	})
}
