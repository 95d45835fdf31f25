// Package modelfile fingerprints the model files found on a seized
// generator machine (.safetensors, .ckpt, .pt, .pth, .bin, .gguf): every
// hash the generators and model sites record, computed in one read, and
// the safetensors header with its kohya ss_* training metadata.
//
// Pickle-based files (.ckpt, .pt, .bin) are never loaded: loading a pickle
// runs code. They are hashed, and their zip entry names may be listed.
// Embedded hashes and training metadata are claims of the file, reported
// as such; a mismatch between an embedded hash and the computed one is a
// finding (an edited or merged file). The package is pure: readers in,
// values out.
package modelfile

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"path"
	"strings"
	"sync"

	"github.com/zeebo/blake3"
)

// Byte ranges of the hashes (see docs/ai.md).
const (
	autoV1Offset = 0x100000 // AutoV1: SHA-256 of 0x10000 bytes from 1 MiB
	autoV1Length = 0x10000
	// A header length at or over this is not skipped by AutoV3 (Civitai's
	// rule, which makes AutoV3 of a zip file the hash of file[8:]).
	autoV3MaxHeader = 16 << 20
	// MaxHeader caps the safetensors header read (the reference
	// implementation's limit).
	MaxHeader = 100 << 20
)

// Digests are a model file's hashes, lower-case hex.
type Digests struct {
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	AutoV1 string `json:"autov1,omitempty"` // 8 hex; empty when the file ends before 1 MiB
	AutoV2 string `json:"autov2"`           // the first 10 hex of SHA-256
	AutoV3 string `json:"autov3"`           // SHA-256 after the safetensors header (file[8:] for other files)
	BLAKE3 string `json:"blake3"`
	CRC32  string `json:"crc32"` // the IEEE value, big-endian hex ("0d4a1185"); Civitai shows its bytes reversed
}

// CivitaiCRC32 renders the CRC-32 as Civitai shows it: the value's
// little-endian bytes in upper-case hex.
func (d Digests) CivitaiCRC32() string {
	v, err := hex.DecodeString(d.CRC32)
	if err != nil || len(v) != 4 {
		return ""
	}
	return fmt.Sprintf("%X", []byte{v[3], v[2], v[1], v[0]})
}

const chunkSize = 1 << 20

// Hash reads r once to its end and computes every digest.
func Hash(r io.Reader) (Digests, error) {
	h := NewHasher()
	n, err := h.ReadFrom(r)
	d := h.Sum()
	if err != nil {
		return Digests{}, fmt.Errorf("read model file at offset %d: %w", n, err)
	}
	return d, nil
}

// Hasher computes every digest of a stream written to it, and keeps the
// safetensors header it starts with (under 16 MiB). The stream is read
// into a ring of chunks that two workers consume, each chunk once by
// each, so that both cores hash the same read:
//
//   - the SHA-256 worker hashes the whole file (and AutoV2) and, in the
//     same loop, AutoV3's message (and AutoV1's slice) whenever that
//     message is at the same chunk: two messages side by side cost less
//     CPU than two loops (sha256x2.go);
//   - the other worker hashes BLAKE3 and CRC-32 and, when it has no chunk
//     left to read (the SHA-256 worker is the slower), takes AutoV3's
//     message for the next chunk, so that the work moves to the idle core.
//
// AutoV3's message is hashed in order by whichever worker holds it. Sum
// must be called once, after the last Write, to release the workers.
type Hasher struct {
	full, v3 shaStream
	v1       hash.Hash
	b3       *blake3.Hasher
	crc      hash.Hash32
	v3skip   int64 // set from the first 8 bytes, before the first chunk is sent
	q        chunkQueue
	done     sync.WaitGroup
	cur      *chunk // the chunk being filled
	off      int64  // bytes written
	head     []byte // the first bytes, up to the header's end or MaxHeader
	headWant int64
	// Chunks of AutoV3's message hashed side by side with the whole
	// file's, and alone (under the queue's lock); stealFirst (tests) makes
	// the BLAKE3 worker take AutoV3's message whenever it is free.
	paired, alone int
	stealFirst    bool
}

type chunk struct {
	buf  []byte
	n    int
	off  int64
	left int // readers still to read it (under the queue's lock)
}

// The chunks in flight, and the readers of each: the whole file's
// SHA-256, AutoV3's, and BLAKE3 with CRC-32.
const (
	ringSize = 16
	readers  = 3
)

// chunkQueue holds the chunks sent and not yet read by every reader.
// Positions are chunk indices from the start of the stream.
type chunkQueue struct {
	mu     sync.Mutex
	cond   sync.Cond
	chunks []*chunk // from chunk index base on
	base   int
	full   int  // the SHA-256 worker's next chunk
	v3     int  // AutoV3's next chunk
	v3busy bool // a worker holds AutoV3's message
	b3     int  // the BLAKE3 and CRC-32 worker's next chunk
	free   []*chunk
	made   int
	closed bool
}

func (q *chunkQueue) sent() int { return q.base + len(q.chunks) }

// NewHasher starts a Hasher.
func NewHasher() *Hasher {
	h := &Hasher{full: newSHAStream(), v3: newSHAStream(), v1: sha256.New(), b3: blake3.New(), crc: crc32.NewIEEE(), v3skip: 8, headWant: 8}
	h.q.cond.L = &h.q.mu
	h.done.Go(h.shaWorker)
	h.done.Go(h.blakeWorker)
	return h
}

// release marks c read by one more reader (under the lock): the last
// returns it to the ring, and the chunks every reader has passed leave
// the queue.
func (q *chunkQueue) release(c *chunk) {
	if c.left--; c.left == 0 {
		q.free = append(q.free, c)
	}
	if k := min(q.full, q.v3, q.b3) - q.base; k > 0 {
		q.chunks = append(q.chunks[:0], q.chunks[k:]...)
		q.base += k
	}
	q.cond.Broadcast()
}

// v3Bytes hashes chunk c into AutoV1's slice and returns the part of it
// in AutoV3's message.
func (h *Hasher) v3Bytes(c *chunk) []byte {
	b := c.buf[:c.n]
	writeRange(h.v1, b, c.off, autoV1Offset, autoV1Offset+autoV1Length)
	return tail(b, c.off, h.v3skip)
}

// shaWorker hashes every chunk into the whole file's SHA-256, paired with
// AutoV3's when that message is free at the same chunk; once the whole
// file is hashed, it helps finish AutoV3's.
func (h *Hasher) shaWorker() {
	q := &h.q
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		switch {
		case q.full < q.sent():
			c := q.chunks[q.full-q.base]
			pair := !q.v3busy && q.v3 == q.full
			q.v3busy = q.v3busy || pair
			q.mu.Unlock()
			if pair {
				writeBoth(h.full, h.v3, c.buf[:c.n], h.v3Bytes(c))
			} else {
				h.full.write(c.buf[:c.n])
			}
			q.mu.Lock()
			q.full++
			if pair {
				q.v3++
				q.v3busy = false
				h.paired++
				q.release(c)
			}
			q.release(c)
		case !q.v3busy && q.v3 < q.sent():
			h.v3Alone()
		case q.closed && q.v3 == q.sent():
			return
		default:
			q.cond.Wait()
		}
	}
}

// blakeWorker hashes every chunk into BLAKE3 and CRC-32 and, when it has
// caught up with the reader, AutoV3's message alone.
func (h *Hasher) blakeWorker() {
	q := &h.q
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		switch {
		case h.stealFirst && !q.v3busy && q.v3 < q.sent():
			h.v3Alone()
		case q.b3 < q.sent():
			c := q.chunks[q.b3-q.base]
			q.mu.Unlock()
			h.b3.Write(c.buf[:c.n])
			h.crc.Write(c.buf[:c.n])
			q.mu.Lock()
			q.b3++
			q.release(c)
		case !q.v3busy && q.v3 < q.sent():
			h.v3Alone()
		case q.closed:
			return
		default:
			q.cond.Wait()
		}
	}
}

// v3Alone hashes AutoV3's next chunk alone (called and returning with the
// lock held).
func (h *Hasher) v3Alone() {
	q := &h.q
	c := q.chunks[q.v3-q.base]
	q.v3busy = true
	q.mu.Unlock()
	h.v3.write(h.v3Bytes(c))
	q.mu.Lock()
	q.v3++
	q.v3busy = false
	h.alone++
	q.release(c)
}

// Write hashes p. It never fails.
func (h *Hasher) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		c := h.chunk()
		k := copy(c.buf[c.n:], p)
		h.filled(k)
		p = p[k:]
	}
	return n, nil
}

// ReadFrom reads r to its end straight into the chunks (no copy).
func (h *Hasher) ReadFrom(r io.Reader) (int64, error) {
	var total int64
	for {
		c := h.chunk()
		k, err := r.Read(c.buf[c.n:])
		h.filled(k)
		total += int64(k)
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// chunk returns the chunk being filled: a free one of the ring, waiting
// for one when all are in flight.
func (h *Hasher) chunk() *chunk {
	if h.cur != nil {
		return h.cur
	}
	q := &h.q
	q.mu.Lock()
	for len(q.free) == 0 && q.made == ringSize {
		q.cond.Wait()
	}
	var c *chunk
	if k := len(q.free); k > 0 {
		c, q.free = q.free[k-1], q.free[:k-1]
	} else {
		c = &chunk{buf: make([]byte, chunkSize)}
		q.made++
	}
	q.mu.Unlock()
	c.n, c.off = 0, h.off
	h.cur = c
	return c
}

// filled records k more bytes in the current chunk: the header kept, the
// chunk sent when full.
func (h *Hasher) filled(k int) {
	c := h.cur
	p := c.buf[c.n : c.n+k]
	for int64(len(h.head)) < h.headWant && len(p) > 0 {
		take := min(int64(len(p)), h.headWant-int64(len(h.head)))
		h.head = append(h.head, p[:take]...)
		p = p[take:]
		if len(h.head) == 8 && h.headWant == 8 {
			hl := binary.LittleEndian.Uint64(h.head)
			h.v3skip = autoV3Skip(hl)
			if hl < autoV3MaxHeader { // the header kept in memory: 16 MiB at most
				h.headWant = 8 + int64(hl)
			}
		}
	}
	c.n += k
	h.off += int64(k)
	if c.n == chunkSize {
		h.send()
	}
}

func (h *Hasher) send() {
	c := h.cur
	h.cur = nil
	q := &h.q
	q.mu.Lock()
	c.left = readers
	q.chunks = append(q.chunks, c)
	q.cond.Broadcast()
	q.mu.Unlock()
}

// Sum flushes what is buffered, waits for every hash and returns the
// digests. The Hasher cannot be written to after.
func (h *Hasher) Sum() Digests {
	if h.cur != nil && h.cur.n > 0 {
		h.send()
	}
	h.q.mu.Lock()
	h.q.closed = true
	h.q.cond.Broadcast()
	h.q.mu.Unlock()
	h.done.Wait()
	d := Digests{Size: h.off, SHA256: hex.EncodeToString(h.full.sum()), BLAKE3: hexOf(h.b3), AutoV3: hex.EncodeToString(h.v3.sum())}
	d.AutoV2 = d.SHA256[:10]
	d.CRC32 = fmt.Sprintf("%08x", h.crc.Sum32())
	if h.off > autoV1Offset {
		d.AutoV1 = hexOf(h.v1)[:8]
	}
	return d
}

// Header parses the safetensors header the stream started with (after
// Sum, or once the header's bytes were written).
func (h *Hasher) Header() (Header, error) {
	return ReadHeader(bytes.NewReader(h.head), h.off)
}

func hexOf(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// autoV3Skip is how many leading bytes AutoV3 leaves out: the 8-byte
// length and a header under 16 MiB, else only the 8 bytes.
func autoV3Skip(n uint64) int64 {
	if n < autoV3MaxHeader {
		return 8 + int64(n)
	}
	return 8
}

// tail is the part of b (at file offset off) at or after from.
func tail(b []byte, off, from int64) []byte {
	if off+int64(len(b)) <= from {
		return nil
	}
	if off < from {
		b = b[from-off:]
	}
	return b
}

// writeRange writes the part of b (at file offset off) within [lo, hi).
func writeRange(h hash.Hash, b []byte, off, lo, hi int64) {
	end := off + int64(len(b))
	if end <= lo || off >= hi {
		return
	}
	s, e := max(lo, off)-off, min(hi, end)-off
	h.Write(b[s:e])
}

// Header is a safetensors file's header: its tensors and the
// __metadata__ string map, kept verbatim.
type Header struct {
	Length   uint64            `json:"length"`
	Tensors  int               `json:"tensors"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// Training is what kohya's ss_* metadata and ModelSpec say about how a
// LoRA was trained: claims of the file.
type Training struct {
	OutputName      string `json:"output_name,omitempty"`
	SessionID       string `json:"session_id,omitempty"`
	StartedAt       string `json:"training_started_at,omitempty"`
	FinishedAt      string `json:"training_finished_at,omitempty"`
	BaseModelName   string `json:"base_model_name,omitempty"`
	BaseModelHash   string `json:"base_model_hash,omitempty"` // ss_sd_model_hash (AutoV1) or ss_new_sd_model_hash (SHA-256)
	BaseVersion     string `json:"base_model_version,omitempty"`
	NetworkModule   string `json:"network_module,omitempty"`
	DatasetDirs     string `json:"dataset_dirs,omitempty"`  // raw JSON: folder names and image counts
	TagFrequency    string `json:"tag_frequency,omitempty"` // raw JSON: caption vocabulary; sensitive, shown gated
	Comment         string `json:"training_comment,omitempty"`
	EmbeddedHash    string `json:"embedded_model_hash,omitempty"`  // sshs_model_hash (claimed AutoV3)
	EmbeddedLegacy  string `json:"embedded_legacy_hash,omitempty"` // sshs_legacy_hash
	ModelSpecSHA256 string `json:"modelspec_hash_sha256,omitempty"`
	Title           string `json:"title,omitempty"`  // modelspec.title
	Author          string `json:"author,omitempty"` // modelspec.author
	Architecture    string `json:"architecture,omitempty"`
}

// ErrNotSafetensors marks content whose first bytes are not a safetensors
// header.
var ErrNotSafetensors = errors.New("not a safetensors file")

// ReadHeader reads a safetensors header from the file's first bytes
// (size is the whole file's). It refuses a length over MaxHeader or past
// the end, and a header that is not a JSON object.
func ReadHeader(r io.Reader, size int64) (Header, error) {
	var lb [8]byte
	if _, err := io.ReadFull(r, lb[:]); err != nil {
		return Header{}, fmt.Errorf("%w: %v", ErrNotSafetensors, err)
	}
	n := binary.LittleEndian.Uint64(lb[:])
	if n < 2 || n > MaxHeader || (size >= 0 && n > uint64(size)-8) {
		return Header{}, fmt.Errorf("%w: header length %d", ErrNotSafetensors, n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return Header{}, fmt.Errorf("%w: header of %d bytes: %v", ErrNotSafetensors, n, err)
	}
	b = bytes.TrimRight(b, " \x00")
	if len(b) == 0 || b[0] != '{' {
		return Header{}, fmt.Errorf("%w: the header is not a JSON object", ErrNotSafetensors)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return Header{}, fmt.Errorf("%w: header JSON: %v", ErrNotSafetensors, err)
	}
	h := Header{Length: n}
	for k, v := range raw {
		if k == "__metadata__" {
			// A string -> string map; values that are not strings are kept as their JSON text.
			var m map[string]json.RawMessage
			if err := json.Unmarshal(v, &m); err == nil {
				h.Metadata = make(map[string]string, len(m))
				for mk, mv := range m {
					var s string
					if json.Unmarshal(mv, &s) != nil {
						s = string(mv)
					}
					h.Metadata[mk] = s
				}
			}
			continue
		}
		h.Tensors++
	}
	return h, nil
}

// Training reads the training claims of a header's metadata.
func (h Header) Training() Training {
	m := h.Metadata
	return Training{
		OutputName: m["ss_output_name"], SessionID: m["ss_session_id"], StartedAt: m["ss_training_started_at"], FinishedAt: m["ss_training_finished_at"],
		BaseModelName: m["ss_sd_model_name"], BaseModelHash: cmp.Or(m["ss_new_sd_model_hash"], m["ss_sd_model_hash"]), BaseVersion: m["ss_base_model_version"],
		NetworkModule: m["ss_network_module"], DatasetDirs: m["ss_dataset_dirs"], TagFrequency: m["ss_tag_frequency"], Comment: m["ss_training_comment"],
		EmbeddedHash: m["sshs_model_hash"], EmbeddedLegacy: m["sshs_legacy_hash"], ModelSpecSHA256: m["modelspec.hash_sha256"],
		Title: m["modelspec.title"], Author: m["modelspec.author"], Architecture: m["modelspec.architecture"],
	}
}

// Model file formats.
const (
	FormatSafetensors = "safetensors"
	FormatPickle      = "pytorch-zip" // a zip holding a pickle: never loaded
	FormatGGUF        = "gguf"
	FormatOther       = "other"
)

// IsModelName reports whether a file name has a model file's extension.
func IsModelName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf", ".sft":
		return true
	}
	return false
}

// Facts is what a model file is: its format, digests and, for
// safetensors, its tensor count and training claims.
type Facts struct {
	Format   string    `json:"format"`
	Digests  Digests   `json:"digests"`
	Tensors  int       `json:"tensors,omitempty"`
	Training *Training `json:"training,omitempty"`
}

// Facts sums the stream and describes it (call instead of Sum).
func (h *Hasher) Facts() Facts {
	f := Facts{Digests: h.Sum(), Format: FormatOther}
	switch {
	case bytes.HasPrefix(h.head, []byte("PK\x03\x04")):
		f.Format = FormatPickle
	case bytes.HasPrefix(h.head, []byte("GGUF")):
		f.Format = FormatGGUF
	default:
		if hd, err := h.Header(); err == nil {
			f.Format, f.Tensors = FormatSafetensors, hd.Tensors
			if tr := hd.Training(); tr != (Training{}) {
				f.Training = &tr
			}
		}
	}
	return f
}
