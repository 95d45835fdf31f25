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
	"sync/atomic"

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
// safetensors header it starts with (under 16 MiB). The stream is cut
// into 1 MiB chunks that BLAKE3, CRC-32 and two SHA-256 workers read. The
// SHA-256 workers share the two SHA-256 messages (the whole file with
// AutoV2, and AutoV3 with AutoV1's slice): a worker that finds both free
// hashes them side by side, which costs less CPU than two loops (see
// sha256x2.go), and one that finds only one takes that one, so that free
// cores run them apart. Sum must be called once, after the last Write, to
// release the goroutines.
type Hasher struct {
	full, v3 shaStream
	v1       hash.Hash
	b3       *blake3.Hasher
	crc      hash.Hash32
	v3skip   int64 // set from the first 8 bytes, before the first chunk is sent
	chans    []chan *chunk
	sha      shaQueue
	done     sync.WaitGroup
	pool     sync.Pool
	cur      *chunk // the chunk being filled
	off      int64  // bytes written
	head     []byte // the first bytes, up to the header's end or MaxHeader
	headWant int64
}

type chunk struct {
	buf  *[]byte
	n    int
	off  int64
	left atomic.Int32 // readers still to read it; the last returns it to the pool
}

// The chunks a SHA-256 worker may be ahead of the slower message, and
// the hashes that read every chunk.
const (
	shaAhead = 16
	readers  = 4 // BLAKE3, CRC-32, the two SHA-256 messages
)

// shaQueue holds the chunks the SHA-256 messages have still to read.
type shaQueue struct {
	mu     sync.Mutex
	cond   sync.Cond
	chunks []*chunk // from chunk index base on
	base   int
	next   [2]int  // the next chunk of each message
	busy   [2]bool // a worker has the message
	closed bool
}

// NewHasher starts a Hasher.
func NewHasher() *Hasher {
	h := &Hasher{full: newSHAStream(), v3: newSHAStream(), v1: sha256.New(), b3: blake3.New(), crc: crc32.NewIEEE(), v3skip: 8, headWant: 8}
	h.pool.New = func() any { b := make([]byte, chunkSize); return &b }
	h.sha.cond.L = &h.sha.mu
	work := []func(b []byte){
		func(b []byte) { h.b3.Write(b) },
		func(b []byte) { h.crc.Write(b) },
	}
	h.chans = make([]chan *chunk, len(work))
	for i, w := range work {
		h.chans[i] = make(chan *chunk, shaAhead)
		h.done.Go(func() {
			for c := range h.chans[i] {
				w((*c.buf)[:c.n])
				h.release(c)
			}
		})
	}
	for range 2 {
		h.done.Go(h.shaWorker)
	}
	return h
}

func (h *Hasher) release(c *chunk) {
	if c.left.Add(-1) == 0 {
		h.pool.Put(c.buf)
	}
}

// shaWorker takes both messages when both are free and have a chunk, or
// the one that is, until every chunk is read.
func (h *Hasher) shaWorker() {
	q := &h.sha
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		var take [2]*chunk
		for m := range 2 {
			if !q.busy[m] && q.next[m] < q.base+len(q.chunks) {
				take[m] = q.chunks[q.next[m]-q.base]
			}
		}
		if take[0] == nil && take[1] == nil {
			if q.closed && q.next[0] == q.base+len(q.chunks) && q.next[1] == q.base+len(q.chunks) {
				return
			}
			q.cond.Wait()
			continue
		}
		for m, c := range take {
			if c != nil {
				q.busy[m] = true
			}
		}
		q.mu.Unlock()
		var a, b []byte
		if c := take[0]; c != nil {
			a = (*c.buf)[:c.n]
		}
		if c := take[1]; c != nil {
			b = tail((*c.buf)[:c.n], c.off, h.v3skip)
			writeRange(h.v1, (*c.buf)[:c.n], c.off, autoV1Offset, autoV1Offset+autoV1Length)
		}
		switch {
		case take[0] != nil && take[1] != nil:
			writeBoth(h.full, h.v3, a, b)
		case take[0] != nil:
			h.full.write(a)
		default:
			h.v3.write(b)
		}
		q.mu.Lock()
		for m, c := range take {
			if c != nil {
				q.busy[m] = false
				q.next[m]++
				h.release(c)
			}
		}
		// Forget the chunks both messages have read.
		if k := min(q.next[0], q.next[1]) - q.base; k > shaAhead {
			q.chunks = append(q.chunks[:0], q.chunks[k:]...)
			q.base += k
		}
		q.cond.Broadcast()
	}
}

// Write hashes p. It never fails.
func (h *Hasher) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		c := h.chunk()
		k := copy((*c.buf)[c.n:], p)
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
		k, err := r.Read((*c.buf)[c.n:])
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

// chunk returns the chunk being filled.
func (h *Hasher) chunk() *chunk {
	if h.cur == nil {
		h.cur = &chunk{buf: h.pool.Get().(*[]byte), off: h.off}
	}
	return h.cur
}

// filled records k more bytes in the current chunk: the header kept, the
// chunk sent when full.
func (h *Hasher) filled(k int) {
	c := h.cur
	p := (*c.buf)[c.n : c.n+k]
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
	c.left.Store(readers)
	for _, ch := range h.chans {
		ch <- c
	}
	q := &h.sha
	q.mu.Lock()
	for q.base+len(q.chunks)-min(q.next[0], q.next[1]) >= shaAhead {
		q.cond.Wait()
	}
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
	for _, ch := range h.chans {
		close(ch)
	}
	h.sha.mu.Lock()
	h.sha.closed = true
	h.sha.cond.Broadcast()
	h.sha.mu.Unlock()
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
