package hashing

import (
	"bytes"
	"encoding/binary"
	"strings"
)

// SniffLen is how many leading bytes MediaType looks at. Fewer bytes are
// accepted (a short file is sniffed from what it has); more are ignored.
// 512 covers the tar header block, the largest structure examined.
const SniffLen = 512

// Media types returned by MediaType.
const (
	TypeJPEG      = "image/jpeg"
	TypePNG       = "image/png"
	TypeGIF       = "image/gif"
	TypeBMP       = "image/bmp"
	TypeTIFF      = "image/tiff"
	TypeWebP      = "image/webp"
	TypeHEIC      = "image/heic"
	TypeHEIF      = "image/heif"
	TypeAVIF      = "image/avif"
	TypeMP4       = "video/mp4"
	TypeQuickTime = "video/quicktime"
	Type3GPP      = "video/3gpp"
	TypeAVI       = "video/x-msvideo"
	TypeMatroska  = "video/x-matroska"
	TypeWebM      = "video/webm"
	TypeFLV       = "video/x-flv"
	TypeMPEGTS    = "video/mp2t"
	TypeMPEGPS    = "video/mpeg"
	TypeASF       = "video/x-ms-asf" // WMV (and its audio-only twin WMA)
	TypeZip       = "application/zip"
	TypeTar       = "application/x-tar"
	TypeGzip      = "application/gzip"
	TypeBzip2     = "application/x-bzip2"
	TypeXz        = "application/x-xz"
	TypeZstd      = "application/zstd"
	Type7z        = "application/x-7z-compressed"
	TypeRAR       = "application/vnd.rar"
	TypePDF       = "application/pdf"
	TypeSQLite    = "application/vnd.sqlite3"
	TypeUnknown   = "application/octet-stream"
)

// MediaType returns the media type of content starting with head, decided
// from magic numbers only (the file name and extension are never
// consulted). head should hold the first SniffLen bytes, or the whole
// content when it is shorter. Anything unrecognised is
// application/octet-stream.
//
// Containers are reported as such: a gzip-compressed tar is
// application/gzip (the tar is only visible after decompression), a DOCX or
// APK is application/zip.
func MediaType(head []byte) string {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	switch {
	case len(head) >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF:
		return TypeJPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		return TypeGIF
	case isBMP(head):
		return TypeBMP
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")),
		bytes.HasPrefix(head, []byte("II+\x00")), bytes.HasPrefix(head, []byte("MM\x00+")): // BigTIFF
		return TypeTIFF
	case len(head) >= 12 && bytes.HasPrefix(head, []byte("RIFF")):
		switch string(head[8:12]) {
		case "WEBP":
			return TypeWebP
		case "AVI ":
			return TypeAVI
		}
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		if t := isoBMFF(head); t != "" {
			return t
		}
	case bytes.HasPrefix(head, []byte{0x1A, 0x45, 0xDF, 0xA3}):
		return ebml(head)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")),
		bytes.HasPrefix(head, []byte("PK\x07\x08")):
		return TypeZip
	case len(head) >= 3 && head[0] == 0x1F && head[1] == 0x8B && head[2] == 0x08:
		return TypeGzip
	case isBzip2(head):
		return TypeBzip2
	case bytes.HasPrefix(head, []byte{0xFD, '7', 'z', 'X', 'Z', 0x00}):
		return TypeXz
	case bytes.HasPrefix(head, []byte{0x28, 0xB5, 0x2F, 0xFD}):
		return TypeZstd
	case bytes.HasPrefix(head, []byte{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C}):
		return Type7z
	case bytes.HasPrefix(head, []byte("Rar!\x1a\x07\x00")), bytes.HasPrefix(head, []byte("Rar!\x1a\x07\x01\x00")):
		return TypeRAR
	case bytes.HasPrefix(head, []byte("FLV\x01")):
		return TypeFLV
	case bytes.HasPrefix(head, asfHeaderGUID):
		return TypeASF
	case bytes.HasPrefix(head, []byte{0x00, 0x00, 0x01, 0xBA}) && len(head) >= 5 && head[4]&0xC0 == 0x40,
		bytes.HasPrefix(head, []byte{0x00, 0x00, 0x01, 0xBA}) && len(head) >= 5 && head[4]&0xF0 == 0x20:
		return TypeMPEGPS // pack header, MPEG-2 ('01' marker) or MPEG-1 ('0010')
	case isMPEGTS(head):
		return TypeMPEGTS
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return TypeSQLite
	}
	if isTar(head) {
		return TypeTar
	}
	return TypeUnknown
}

// IsImage reports whether mediaType is a still-image type.
func IsImage(mediaType string) bool { return strings.HasPrefix(mediaType, "image/") }

// IsVideo reports whether mediaType is a video type.
func IsVideo(mediaType string) bool { return strings.HasPrefix(mediaType, "video/") }

// IsArchive reports whether mediaType is an archive or a compressed stream
// that internal/evidence/source can open.
func IsArchive(mediaType string) bool {
	switch mediaType {
	case TypeZip, TypeTar, TypeGzip, TypeBzip2, TypeXz, TypeZstd, Type7z, TypeRAR:
		return true
	}
	return false
}

// asfHeaderGUID is the ASF Header Object's GUID
// (75B22630-668E-11CF-A6D9-00AA0062CE6C as stored, little-endian fields).
var asfHeaderGUID = []byte{0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11, 0xA6, 0xD9, 0x00, 0xAA, 0x00, 0x62, 0xCE, 0x6C}

// isMPEGTS recognises an MPEG transport stream by its sync byte 0x47 at
// the start of three consecutive packets: 188-byte packets (broadcast,
// .ts) or 192-byte ones with a 4-byte timecode first (Blu-ray and AVCHD
// camcorders, .m2ts/.mts). One sync byte alone is too weak ("G...").
func isMPEGTS(h []byte) bool {
	for _, p := range []struct{ off, size int }{{0, 188}, {4, 192}} {
		if len(h) < p.off+2*p.size+1 {
			continue
		}
		if h[p.off] == 0x47 && h[p.off+p.size] == 0x47 && h[p.off+2*p.size] == 0x47 {
			return true
		}
	}
	return false
}

// isBMP checks "BM" plus the BITMAPFILEHEADER fields that are fixed: the
// reserved words are zero and the DIB header size is one of the known ones.
// "BM" alone is too weak (plenty of text starts with it).
func isBMP(h []byte) bool {
	if len(h) < 18 || h[0] != 'B' || h[1] != 'M' {
		return false
	}
	if binary.LittleEndian.Uint32(h[6:10]) != 0 {
		return false
	}
	switch binary.LittleEndian.Uint32(h[14:18]) {
	case 12, 16, 40, 52, 56, 64, 108, 124:
		return true
	}
	return false
}

// isBzip2 checks "BZh1".."BZh9" followed by a block magic (pi) or the
// end-of-stream magic (sqrt pi) of an empty stream.
func isBzip2(h []byte) bool {
	if len(h) < 10 || h[0] != 'B' || h[1] != 'Z' || h[2] != 'h' || h[3] < '1' || h[3] > '9' {
		return false
	}
	m := h[4:10]
	return bytes.Equal(m, []byte{0x31, 0x41, 0x59, 0x26, 0x53, 0x59}) ||
		bytes.Equal(m, []byte{0x17, 0x72, 0x45, 0x38, 0x50, 0x90})
}

// isoBMFF classifies an ISO base media file (MP4 family, HEIF family) by
// the brands of its leading ftyp box: the major brand when it is known,
// else the first known compatible brand. Image brands win over the generic
// ones because HEIF/AVIF files often list "mif1" or "iso8" too.
func isoBMFF(h []byte) string {
	boxLen := int(binary.BigEndian.Uint32(h[0:4]))
	if boxLen < 16 || boxLen > len(h) {
		boxLen = len(h) // truncated head: use what is there
	}
	boxLen -= boxLen % 4
	brands := []string{string(h[8:12])}
	for off := 16; off+4 <= boxLen; off += 4 {
		brands = append(brands, string(h[off:off+4]))
	}
	if t := brandType(brands[0]); t != "" && t != TypeHEIF && t != TypeMP4 {
		return t
	}
	// Major brand generic (mif1, isom...) or unknown: look for a more
	// specific compatible brand, in priority order.
	best := brandType(brands[0])
	for _, want := range []string{TypeAVIF, TypeHEIC, TypeHEIF, TypeQuickTime, Type3GPP, TypeMP4} {
		if best == want {
			return best
		}
		for _, b := range brands[1:] {
			if brandType(b) == want {
				return want
			}
		}
	}
	return best
}

func brandType(b string) string {
	switch b {
	case "avif", "avis":
		return TypeAVIF
	case "heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs":
		return TypeHEIC
	case "mif1", "msf1", "mif2", "heif":
		return TypeHEIF
	case "qt  ":
		return TypeQuickTime
	case "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9",
		"mp41", "mp42", "avc1", "dash", "M4V ", "M4VH", "M4VP", "f4v ", "mmp4", "MSNV", "NDAS", "NDSC", "NDSH", "XAVC":
		return TypeMP4
	}
	if strings.HasPrefix(b, "3g") {
		return Type3GPP
	}
	return ""
}

// ebml distinguishes WebM from Matroska by the DocType element (ID 0x4282)
// of the EBML header. Without a readable DocType it is Matroska.
func ebml(h []byte) string {
	i := bytes.Index(h, []byte{0x42, 0x82})
	if i < 0 || i+3 > len(h) {
		return TypeMatroska
	}
	size := int(h[i+2])
	if size&0x80 == 0 { // only one-byte sizes occur for a DocType in practice
		return TypeMatroska
	}
	size &^= 0x80
	start := i + 3
	if start+size > len(h) {
		return TypeMatroska
	}
	if string(h[start:start+size]) == "webm" {
		return TypeWebM
	}
	return TypeMatroska
}

// isTar recognises a tar header block: the "ustar" magic at 257 (POSIX and
// GNU) or, for pre-POSIX v7 archives, a header checksum that matches.
func isTar(h []byte) bool {
	if len(h) < 512 {
		return false
	}
	if bytes.HasPrefix(h[257:], []byte("ustar\x00")) || bytes.HasPrefix(h[257:], []byte("ustar  \x00")) {
		return true
	}
	if h[0] == 0 { // v7 headers start with a non-empty name
		return false
	}
	return tarChecksumOK(h)
}

// tarChecksumOK verifies the header checksum: the octal field at 148..155
// equals the sum of the 512 header bytes with that field taken as spaces.
func tarChecksumOK(h []byte) bool {
	field := h[148:156]
	var want int64
	digits := 0
	for _, c := range field {
		if c >= '0' && c <= '7' {
			want = want*8 + int64(c-'0')
			digits++
			continue
		}
		if c != ' ' && c != 0 {
			return false
		}
		if digits > 0 {
			break
		}
	}
	if digits == 0 {
		return false
	}
	var sum int64
	for i, c := range h[:512] {
		if i >= 148 && i < 156 {
			c = ' '
		}
		sum += int64(c)
	}
	return sum == want
}
