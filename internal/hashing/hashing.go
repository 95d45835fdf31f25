// Package hashing computes the cryptographic digests Vibora records for every
// evidence file (MD5, SHA-1 and SHA-256 in one read pass) and sniffs a file's
// media type from its leading bytes.
//
// The three digests are the ones an acquisition report carries (SHA-256 as
// the primary identifier, MD5 and SHA-1 for interchange with hash sets that
// still use them). A Hasher reads its input once, in large reused buffers;
// for inputs larger than one buffer, and when more than one CPU is
// available, MD5 (the slowest of the three) runs in a second goroutine one
// buffer behind SHA-1 and SHA-256, so that the three finish at the speed of
// MD5 alone instead of at the sum of the three.
//
// Media types are decided from magic bytes only, never from a file name:
// see MediaType.
package hashing

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"runtime"
)

// Digests are the size and the three digests of one byte stream.
type Digests struct {
	Size   int64
	MD5    [md5.Size]byte
	SHA1   [sha1.Size]byte
	SHA256 [sha256.Size]byte
}

// MD5Hex returns the MD5 digest as lower-case hex.
func (d Digests) MD5Hex() string { return hex.EncodeToString(d.MD5[:]) }

// SHA1Hex returns the SHA-1 digest as lower-case hex.
func (d Digests) SHA1Hex() string { return hex.EncodeToString(d.SHA1[:]) }

// SHA256Hex returns the SHA-256 digest as lower-case hex.
func (d Digests) SHA256Hex() string { return hex.EncodeToString(d.SHA256[:]) }

// String formats the digests like a hashdeep line without the file name:
// size,md5,sha1,sha256.
func (d Digests) String() string {
	return fmt.Sprintf("%d,%s,%s,%s", d.Size, d.MD5Hex(), d.SHA1Hex(), d.SHA256Hex())
}

const (
	// bufSize is the size of one read buffer. 512 KiB amortises the
	// per-call overhead of the hash functions and of read(2), and a buffer
	// read by SHA-1 and SHA-256 on one core is still in cache when MD5
	// reads it on the other: on a 1 GB file, 512 KiB buffers in a ring of
	// 16 ran 1.2-1.3x faster than 1 MiB buffers in a ring of 4, in one run
	// on an idle 2-core machine (docs/performance.md).
	bufSize = 1 << 19
	// ringSize is the number of buffers in flight in parallel mode: one
	// being read, one being hashed by MD5, spares to absorb jitter.
	ringSize = 16
)

// Hasher computes Digests. It reuses its buffers and hash states between
// calls; it is not safe for concurrent use (give each goroutine its own).
// The zero value is not usable: call NewHasher.
type Hasher struct {
	md5, sha1, sha256 hash.Hash
	bufs              [ringSize][]byte
	parallel          bool
	noSHA256          bool
}

// NewHasher returns a Hasher. It hashes in parallel (MD5 in a second
// goroutine) when GOMAXPROCS > 1 and the input is larger than one buffer;
// see SetParallel.
func NewHasher() *Hasher {
	h := &Hasher{
		md5:      md5.New(),
		sha1:     sha1.New(),
		sha256:   sha256.New(),
		parallel: runtime.GOMAXPROCS(0) > 1,
	}
	h.bufs[0] = make([]byte, bufSize)
	return h
}

// SetParallel turns the second MD5 goroutine on or off for large inputs.
// Turn it off when many Hashers already keep every CPU busy (hashing many
// files at once): it then only adds hand-over overhead.
func (h *Hasher) SetParallel(on bool) { h.parallel = on }

// SetSHA256 turns the SHA-256 digest on (the default) or off. Off, Sum
// leaves Digests.SHA256 zero: for a caller whose tee writer computes the
// same SHA-256 already (a model file's hasher) and fills it in, so that
// the file's SHA-256 is computed once.
func (h *Hasher) SetSHA256(on bool) { h.noSHA256 = !on }

// Sum reads r to its end and returns its size and digests.
func (h *Hasher) Sum(r io.Reader) (Digests, error) {
	return h.SumTee(r, nil)
}

// SumTee is Sum that also writes every byte read to w (when w is not nil),
// in order, before it returns. A write error stops the read and is returned.
func (h *Hasher) SumTee(r io.Reader, w io.Writer) (Digests, error) {
	h.md5.Reset()
	h.sha1.Reset()
	h.sha256.Reset()

	buf := h.bufs[0]
	n, rerr := readFull(r, buf)
	size := int64(n)
	if err := h.both(buf[:n], w); err != nil {
		return Digests{}, err.(*teeError).err
	}
	h.md5.Write(buf[:n])
	if rerr == nil && h.parallel {
		m, err := h.sumParallel(r, w)
		size += m
		rerr = err
	} else if rerr == nil {
		m, err := h.sumSequential(r, w)
		size += m
		rerr = err
	}
	var tee *teeError
	switch {
	case errors.As(rerr, &tee):
		return Digests{}, tee.err
	case rerr != nil && !errors.Is(rerr, io.EOF):
		return Digests{}, fmt.Errorf("hash: read at offset %d: %w", size, rerr)
	}
	d := Digests{Size: size}
	h.md5.Sum(d.MD5[:0])
	h.sha1.Sum(d.SHA1[:0])
	if !h.noSHA256 {
		h.sha256.Sum(d.SHA256[:0])
	}
	return d, nil
}

// both feeds SHA-1 and SHA-256 and the tee writer.
func (h *Hasher) both(p []byte, w io.Writer) error {
	if len(p) == 0 {
		return nil
	}
	h.sha1.Write(p)
	if !h.noSHA256 {
		h.sha256.Write(p)
	}
	if w != nil {
		if _, err := w.Write(p); err != nil {
			return &teeError{fmt.Errorf("hash: tee write: %w", err)}
		}
	}
	return nil
}

// teeError marks a failure of the tee writer, as opposed to the reader.
type teeError struct{ err error }

func (e *teeError) Error() string { return e.err.Error() }

// sumSequential hashes the rest of r in the calling goroutine. It returns
// the bytes read and io.EOF at a clean end.
func (h *Hasher) sumSequential(r io.Reader, w io.Writer) (int64, error) {
	buf := h.bufs[0]
	var size int64
	for {
		n, err := readFull(r, buf)
		size += int64(n)
		if werr := h.both(buf[:n], w); werr != nil {
			return size, werr
		}
		h.md5.Write(buf[:n])
		if err != nil {
			return size, err
		}
	}
}

// sumParallel hashes the rest of r with MD5 in a second goroutine that
// trails the reader by up to ringSize-1 buffers. The calling goroutine
// reads a buffer, feeds SHA-1, SHA-256 and the tee, then hands the buffer
// to the MD5 goroutine, which returns it to the free list when done; so a
// buffer is never read by one goroutine while the other writes it.
func (h *Hasher) sumParallel(r io.Reader, w io.Writer) (int64, error) {
	for i := range h.bufs {
		if h.bufs[i] == nil {
			h.bufs[i] = make([]byte, bufSize)
		}
	}
	free := make(chan []byte, ringSize)
	work := make(chan []byte, ringSize)
	done := make(chan struct{})
	for _, b := range h.bufs {
		free <- b
	}
	md := h.md5
	go func() {
		defer close(done)
		for p := range work {
			md.Write(p)
			free <- p[:cap(p)]
		}
	}()
	var size int64
	var err error
	for {
		buf := <-free
		var n int
		n, err = readFull(r, buf)
		size += int64(n)
		if werr := h.both(buf[:n], w); werr != nil {
			err = werr
			break
		}
		work <- buf[:n]
		if err != nil {
			break
		}
	}
	close(work)
	<-done
	return size, err
}

// readFull reads until buf is full, the reader ends (io.EOF) or fails.
// Unlike io.ReadFull it reports a short final block as io.EOF.
func readFull(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
		if m == 0 {
			// A reader returning 0, nil repeatedly would spin; give it a
			// bounded number of chances like bufio does.
			for range 100 {
				m, err = r.Read(buf[n:])
				n += m
				if err != nil {
					return n, err
				}
				if m > 0 {
					break
				}
			}
			if m == 0 {
				return n, io.ErrNoProgress
			}
		}
	}
	return n, nil
}
