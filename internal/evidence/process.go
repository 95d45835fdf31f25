// Package evidence turns evidence sources into per-file facts: one read of
// each file gives its MD5, SHA-1 and SHA-256, its media type from magic
// bytes and, for images, its PDQ hash and quality. Run walks sources
// (directories, files, archives, see evidence/source) on every core with
// bounded memory; what the facts are matched against and where they are
// stored is the caller's business (internal/investigation).
package evidence

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/vibora-project/vibora/internal/aigen"
	"github.com/vibora-project/vibora/internal/aigen/modelfile"
	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/hashing"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/video"
)

// Result is what one file yielded.
type Result struct {
	Path       string
	Size       int64
	ModTime    time.Time
	MediaType  string
	Digests    hashing.Digests
	Hashed     bool // Digests are valid
	PDQ        *pdq.Hash
	PDQQuality int
	Dihedral   []pdq.Hash
	Video      *video.Info // a video's facts and vPDQ frame hashes
	// Generation is what image generators wrote into the file (prompt,
	// models, seed, C2PA and IPTC declarations): claims of the file, read
	// from its container; pixels are decoded only for a PNG whose low bits
	// spell a stealth signature (NovelAI, stealth pnginfo: docs/ai.md).
	Generation []aigen.Record
	// Model is a model file's format, generator hashes (AutoV1/V2/V3,
	// BLAKE3, CRC32) and training claims, for files named like model files
	// (.safetensors, .ckpt, ...): hashed in the same read, never loaded.
	Model    *modelfile.Facts
	Err      string   // why the file could not be (fully) processed
	Warnings []string // what was odd about it
}

// ProcessOptions control per-file work.
type ProcessOptions struct {
	PDQ          bool  // compute PDQ for images
	Dihedral     bool  // also the 8 dihedral hashes
	MaxImageSize int64 // images larger than this are hashed but not PDQ-hashed (0: 256 MiB)
	// MaxDecodeBytes bounds the memory one image may need to decode, from
	// its declared dimensions and bit depth (0: pdq.DefaultMaxDecodeBytes);
	// an image over it is hashed, not decoded, and gets an ErrLimit error.
	MaxDecodeBytes int64
	// Video, when set, computes the vPDQ of videos on disk (ffmpeg as a
	// child process) with these options.
	Video *video.Options

	// gate, when set (by Run), admits decodes by their declared cost so
	// that those in flight together stay within the memory budget; done
	// (the run's cancellation) ends a wait for admission.
	gate *decodeGate
	done <-chan struct{}
}

func (o ProcessOptions) maxImage() int64 {
	if o.MaxImageSize > 0 {
		return o.MaxImageSize
	}
	return pdq.DefaultMaxBytes
}

// Processor does the per-file work. It is not safe for concurrent use:
// give each worker its own.
type Processor struct {
	opt      ProcessOptions
	hasher   *hashing.Hasher
	cap      capture
	parallel bool
}

// NewProcessor returns a Processor.
func NewProcessor(opt ProcessOptions) *Processor {
	return &Processor{opt: opt, hasher: hashing.NewHasher()}
}

// SetParallel passes through to the hasher (see hashing.Hasher.SetParallel).
func (p *Processor) SetParallel(on bool) { p.parallel = on; p.hasher.SetParallel(on) }

// Process reads r once and fills res with digests, media type and PDQ.
// Errors are recorded in res, never returned: one bad file never stops a job.
func (p *Processor) Process(r io.Reader, res *Result) {
	p.cap.reset(p.opt.PDQ, p.opt.maxImage())
	var sink io.Writer = &p.cap
	var mh *modelfile.Hasher
	if modelfile.IsModelName(res.Path) {
		// The model hasher computes the file's SHA-256 (paired with
		// AutoV3's): the digests pass leaves it out and takes it from there.
		mh = modelfile.NewHasher()
		sink = io.MultiWriter(&p.cap, mh)
		p.hasher.SetSHA256(false)
	}
	d, err := p.hasher.SumTee(r, sink)
	if mh != nil {
		p.hasher.SetSHA256(true)
		f := mh.Facts()
		if err == nil {
			sum, herr := hex.DecodeString(f.Digests.SHA256)
			if herr != nil || len(sum) != len(d.SHA256) {
				err = fmt.Errorf("model file SHA-256 %q: %v", f.Digests.SHA256, herr)
			} else {
				copy(d.SHA256[:], sum)
				res.Model = &f
			}
		}
	}
	res.MediaType = hashing.MediaType(p.cap.head())
	if err != nil {
		res.Err = fmt.Sprintf("read: %v", err)
		return
	}
	res.Digests, res.Hashed = d, true
	if res.Size == 0 || res.Size != d.Size {
		if res.Size != 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("size changed while reading: listed %d, read %d", res.Size, d.Size))
		}
		res.Size = d.Size
	}
	if !p.opt.PDQ || !hashing.IsImage(res.MediaType) {
		return
	}
	if p.cap.overflow {
		res.Warnings = append(res.Warnings, fmt.Sprintf("image over %d bytes: PDQ not computed", p.opt.maxImage()))
		return
	}
	// Generator metadata comes from the same captured bytes; a damaged
	// container yields what was read before the damage (PDQ reports the
	// damage itself).
	res.Generation, _ = aigen.Read(p.cap.buf)
	popt := pdq.Options{Dihedral: p.opt.Dihedral, MaxDecodeBytes: p.opt.MaxDecodeBytes}
	release, ok := p.admit(popt)
	if !ok {
		res.Err = "cancelled while waiting for memory to decode the image"
		return
	}
	defer release()
	pr, err := pdq.FromBytes(p.cap.buf, popt)
	if err != nil {
		switch {
		case errors.Is(err, pdq.ErrNoDecoder):
			res.Warnings = append(res.Warnings, "no decoder for "+res.MediaType+": PDQ not computed")
		case errors.Is(err, pdq.ErrTooLarge):
			// A decompression bomb, or an image too large for the
			// memory budget: a finding, counted as a limit reached.
			res.Err = fmt.Sprintf("%v: %v", source.ErrLimit, err)
		default:
			res.Err = fmt.Sprintf("pdq: %v", err)
		}
		return
	}
	h := pr.Hash
	res.PDQ, res.PDQQuality, res.Dihedral = &h, pr.Quality, pr.Dihedral
}

// capture keeps the first bytes of a stream for sniffing and, when they
// show an image, the whole stream (up to a limit) for PDQ.
type capture struct {
	buf      []byte
	keep     bool // keeping everything (so far)
	decided  bool
	limit    int64
	overflow bool
}

func (c *capture) reset(images bool, limit int64) {
	if cap(c.buf) > 32<<20 {
		c.buf = nil // do not keep a large image's buffer for the rest of the job
	}
	c.buf = c.buf[:0]
	c.keep, c.decided, c.limit, c.overflow = images, !images, limit, false
}

func (c *capture) head() []byte {
	return c.buf[:min(len(c.buf), hashing.SniffLen)]
}

func (c *capture) Write(p []byte) (int, error) {
	n := len(p)
	if !c.decided {
		need := hashing.SniffLen - len(c.buf)
		if need > 0 {
			take := min(need, len(p))
			c.buf = append(c.buf, p[:take]...)
			p = p[take:]
		}
		if len(c.buf) < hashing.SniffLen && len(p) == 0 {
			return n, nil
		}
		c.decided = true
		c.keep = hashing.IsImage(hashing.MediaType(c.buf))
	} else if !c.keep && len(c.buf) < hashing.SniffLen {
		take := min(hashing.SniffLen-len(c.buf), len(p))
		c.buf = append(c.buf, p[:take]...)
		return n, nil
	}
	if c.keep && len(p) > 0 {
		if int64(len(c.buf)+len(p)) > c.limit {
			c.keep, c.overflow = false, true
			return n, nil
		}
		c.buf = append(c.buf, p...)
	}
	return n, nil
}
