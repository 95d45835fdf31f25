package modelfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/zeebo/blake3"
)

// The test vectors come from the research notes (§7.1): "hello world" from
// Civitai's own tests, and fixture F5, a safetensors file of 2,359,296 U8
// bytes b[i] = i mod 251 behind a 536-byte header. AutoV1 and AutoV3 of F5
// depend only on the header's length and the tensor bytes, so a header of
// the same length with our own metadata reproduces them.

func TestHelloWorld(t *testing.T) {
	d, err := Hash(strings.NewReader("hello world"))
	if err != nil {
		t.Fatal(err)
	}
	if d.SHA256 != "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9" || d.AutoV2 != "b94d27b993" ||
		d.BLAKE3 != "d74981efa70a0c880b8d8c1985d075dbcbf679b99a5f9914e5aaf96b831a9e24" || d.CRC32 != "0d4a1185" ||
		d.CivitaiCRC32() != "85114A0D" || d.AutoV1 != "" || d.Size != 11 {
		t.Errorf("hello world: %+v", d)
	}
}

const f5Tensor = 2359296

// f5 builds a LoRA-like safetensors file: metadata (benign tags), one U8
// tensor, the header space-padded to headerLen bytes.
func f5(t testing.TB, outputName string, headerLen int) []byte {
	t.Helper()
	meta := `{"__metadata__":{"ss_output_name":"` + outputName + `","ss_network_module":"networks.lora","ss_base_model_version":"sd_v1","ss_sd_model_name":"v1-5-pruned-emaonly.safetensors","ss_training_started_at":"1700000000.0","ss_dataset_dirs":"{\"10_watercolor\": {\"n_repeats\": 10, \"img_count\": 12}}","ss_tag_frequency":"{\"10_watercolor\": {\"watercolor\": 12, \"landscape\": 7}}","sshs_model_hash":"1e2032e8e59f05df577f13d27bd7a4367d5893142d99f5e430c0556556ab094c"},"w":{"dtype":"U8","shape":[2359296],"data_offsets":[0,2359296]}}`
	if len(meta) > headerLen {
		t.Fatalf("header %d bytes, over %d", len(meta), headerLen)
	}
	b := make([]byte, 8, 8+headerLen+f5Tensor)
	binary.LittleEndian.PutUint64(b, uint64(headerLen))
	b = append(b, meta...)
	b = append(b, bytes.Repeat([]byte{' '}, headerLen-len(meta))...)
	for i := range f5Tensor {
		b = append(b, byte(i%251))
	}
	return b
}

func TestSafetensorsVectors(t *testing.T) {
	a := f5(t, "watercolorStyle_v2", 536)
	if len(a) != 2359840 {
		t.Fatalf("fixture size %d", len(a))
	}
	da, err := Hash(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if da.AutoV3 != "1e2032e8e59f05df577f13d27bd7a4367d5893142d99f5e430c0556556ab094c" || da.AutoV1 != "a1d97ade" {
		t.Errorf("F5 vectors: %+v", da)
	}
	// Edited metadata changes every whole-file hash but not AutoV3.
	b := f5(t, "renamedStyle", 536)
	db, err := Hash(iotest.HalfReader(bytes.NewReader(b)))
	if err != nil {
		t.Fatal(err)
	}
	if db.AutoV3 != da.AutoV3 || db.SHA256 == da.SHA256 || db.BLAKE3 == da.BLAKE3 || db.CRC32 == da.CRC32 {
		t.Errorf("edited copy: %+v vs %+v", db, da)
	}
	h, err := ReadHeader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	tr := h.Training()
	if h.Tensors != 1 || h.Length != 536 || tr.OutputName != "watercolorStyle_v2" || tr.StartedAt != "1700000000.0" ||
		!strings.Contains(tr.DatasetDirs, "10_watercolor") || tr.EmbeddedHash != da.AutoV3 || tr.BaseModelName != "v1-5-pruned-emaonly.safetensors" {
		t.Errorf("header %+v training %+v", h, tr)
	}
}

// TestZipAutoV3: a pickle zip's first bytes read as a huge header length,
// so AutoV3 covers file[8:], as Civitai computes it.
func TestZipAutoV3(t *testing.T) {
	zipLike := append([]byte("PK\x03\x04\x14\x00\x00\x00"), bytes.Repeat([]byte("synthetic"), 1000)...)
	d, err := Hash(bytes.NewReader(zipLike))
	if err != nil {
		t.Fatal(err)
	}
	tail, _ := Hash(bytes.NewReader(zipLike[8:]))
	if d.AutoV3 != tail.SHA256 {
		t.Errorf("zip AutoV3 %s, want SHA-256 of file[8:] %s", d.AutoV3, tail.SHA256)
	}
	if _, err := ReadHeader(bytes.NewReader(zipLike), int64(len(zipLike))); !errors.Is(err, ErrNotSafetensors) {
		t.Errorf("zip as safetensors: %v", err)
	}
}

func TestReadError(t *testing.T) {
	r := iotest.TimeoutReader(iotest.OneByteReader(strings.NewReader("0123456789")))
	if _, err := Hash(r); err == nil || !strings.Contains(err.Error(), "offset") {
		t.Errorf("read error: %v", err)
	}
}

func TestHostileHeaders(t *testing.T) {
	mk := func(n uint64, body string) []byte {
		b := binary.LittleEndian.AppendUint64(nil, n)
		return append(b, body...)
	}
	for name, b := range map[string][]byte{
		"past the end":   mk(1000, "{}"),
		"over the cap":   mk(MaxHeader+1, "{}"),
		"not an object":  mk(4, "[1] "),
		"broken json":    mk(4, `{"a"`),
		"shorter than 8": []byte{1, 2, 3},
	} {
		if _, err := ReadHeader(bytes.NewReader(b), int64(len(b))); !errors.Is(err, ErrNotSafetensors) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func FuzzReadHeader(f *testing.F) {
	f.Add(binary.LittleEndian.AppendUint64(nil, 30), []byte(`{"__metadata__":{"a":"b"}}    `))
	f.Add(binary.LittleEndian.AppendUint64(nil, 2), []byte(`{}`))
	f.Fuzz(func(t *testing.T, head, body []byte) {
		b := append(head, body...)
		h, err := ReadHeader(bytes.NewReader(b), int64(len(b)))
		if err == nil && h.Length > uint64(len(b)) {
			t.Fatalf("header length %d past a %d-byte file", h.Length, len(b))
		}
		_ = h.Training()
	})
}

func BenchmarkHash(b *testing.B) {
	data := f5(b, "watercolorStyle_v2", 536)
	data = bytes.Repeat(data, 16) // about 36 MiB
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Hash(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSHA256Alone is the yardstick for BenchmarkHash: one SHA-256
// over the same bytes on one core (the slowest of the hashes here).
func BenchmarkSHA256Alone(b *testing.B) {
	data := bytes.Repeat(f5(b, "watercolorStyle_v2", 536), 16)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		h := sha256.New()
		h.Write(data)
		h.Sum(nil)
	}
}

func BenchmarkBLAKE3Alone(b *testing.B) {
	data := bytes.Repeat(f5(b, "watercolorStyle_v2", 536), 16)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		h := blake3.New()
		h.Write(data)
		h.Sum(nil)
	}
}

// TestHasherFacts: the streaming hasher, written in odd-sized pieces, gives
// the same digests as Hash and reads the header it keeps.
func TestHasherFacts(t *testing.T) {
	a := f5(t, "watercolorStyle_v2", 536)
	h := NewHasher()
	for i := 0; i < len(a); i += 77777 {
		h.Write(a[i:min(i+77777, len(a))])
	}
	f := h.Facts()
	want, _ := Hash(bytes.NewReader(a))
	if f.Digests != want || f.Format != FormatSafetensors || f.Tensors != 1 || f.Training == nil || f.Training.OutputName != "watercolorStyle_v2" {
		t.Errorf("facts %+v", f)
	}
	z := NewHasher()
	z.Write([]byte("PK\x03\x04 synthetic zip"))
	if f := z.Facts(); f.Format != FormatPickle || f.Training != nil {
		t.Errorf("zip facts %+v", f)
	}
	if !IsModelName("models/Lora/style.SafeTensors") || IsModelName("notes.txt") {
		t.Error("IsModelName")
	}
}

// TestHashAgainstReference: over many chunks, read (short reads too) or
// written in odd pieces, every digest equals the one computed directly;
// the two SHA-256 messages, hashed apart or side by side as the workers
// find them, give the same.
func TestHashAgainstReference(t *testing.T) {
	const size = 7<<20 + 12345
	b := make([]byte, size)
	for i := range b {
		b[i] = byte(i*31 + i>>11)
	}
	binary.LittleEndian.PutUint64(b, 1000)
	copy(b[8:], `{"__metadata__":{"ss_output_name":"lighthouseStyle"}}`)
	for i := 8 + 54; i < 8+1000; i++ {
		b[i] = ' '
	}
	s, v3, v1 := sha256.Sum256(b), sha256.Sum256(b[1008:]), sha256.Sum256(b[autoV1Offset:autoV1Offset+autoV1Length])
	b3 := blake3.Sum256(b)
	want := Digests{Size: size, SHA256: hex.EncodeToString(s[:]), AutoV2: hex.EncodeToString(s[:5]), AutoV3: hex.EncodeToString(v3[:]),
		AutoV1: hex.EncodeToString(v1[:4]), BLAKE3: hex.EncodeToString(b3[:]), CRC32: fmt.Sprintf("%08x", crc32.ChecksumIEEE(b))}
	got, err := Hash(iotest.HalfReader(bytes.NewReader(b)))
	if err != nil || got != want {
		t.Fatalf("Hash: %v\n got %+v\nwant %+v", err, got, want)
	}
	h := NewHasher()
	for i := 0; i < size; i += 333_333 {
		h.Write(b[i:min(i+333_333, size)])
	}
	if got := h.Sum(); got != want {
		t.Fatalf("Write:\n got %+v\nwant %+v", got, want)
	}
	// The BLAKE3 worker taking AutoV3's message whenever it is free: the
	// chunks hashed alone give the same digests.
	h = NewHasher()
	h.stealFirst = true
	if _, err := h.ReadFrom(iotest.OneByteReader(bytes.NewReader(b[:3<<20]))); err != nil {
		t.Fatal(err)
	}
	h.ReadFrom(bytes.NewReader(b[3<<20:]))
	if got := h.Sum(); got != want || h.alone == 0 || h.paired+h.alone != size>>20+1 {
		t.Fatalf("stealing: %d chunks alone, %d paired\n got %+v\nwant %+v", h.alone, h.paired, got, want)
	}
}
