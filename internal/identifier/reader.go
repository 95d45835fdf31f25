package identifier

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Chunking for ExtractReader. No identifier spans a line break, so chunks
// are cut after the last '\n'. A line longer than maxLineBytes is cut at
// the last space or control byte at least maxTokenBytes before the end of
// the buffer (or, in a run without any, at that distance): only an
// identifier in such a pathological run could be split.
const (
	readChunkBytes = 1 << 20
	maxLineBytes   = 4 << 20
	maxTokenBytes  = 4096
	lookbackBytes  = 64 // kept before a cut for labels and context
)

// ExtractReader streams r through the extractor and calls fn for every
// identifier, in order. Offsets are relative to the start of the stream.
// An error from fn stops the scan and is returned.
func ExtractReader(r io.Reader, opt ExtractOptions, fn func(Identifier) error) error {
	buf := make([]byte, 0, readChunkBytes+lookbackBytes)
	var (
		base int // stream offset of buf[0]
		from int // buf[:from] is look-back only, already scanned
		eof  bool
		memo phoneMemo
	)
	for !eof {
		if cap(buf)-len(buf) < readChunkBytes/2 {
			nb := make([]byte, len(buf), 2*cap(buf))
			copy(nb, buf)
			buf = nb
		}
		n, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("extract identifiers at offset %d: %w", base+len(buf), err)
			}
			eof = true
		}
		cut := len(buf)
		if !eof {
			cut = safeCut(buf, from)
			if cut < 0 {
				continue // read more of this line
			}
		}
		s := scanner{text: buf[:cut], ctx: buf, base: base, opt: opt, emit: fn, memo: &memo}
		s.run(from, cut)
		if s.err != nil {
			return s.err
		}
		// Keep a look-back window plus the unscanned tail.
		keep := max(cut-lookbackBytes, 0)
		rest := copy(buf, buf[keep:])
		buf = buf[:rest]
		base += keep
		from = cut - keep
	}
	return nil
}

// safeCut returns where to cut buf (scanned from 'from'), or -1 to read more.
func safeCut(buf []byte, from int) int {
	if nl := bytes.LastIndexByte(buf[from:], '\n'); nl >= 0 {
		return from + nl + 1
	}
	if len(buf)-from < maxLineBytes {
		return -1
	}
	limit := len(buf) - maxTokenBytes
	for i := limit - 1; i > from; i-- {
		if charClass[buf[i]]&clDelim != 0 {
			return i + 1
		}
	}
	return limit
}
