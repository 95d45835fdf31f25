package cli

import (
	"io"
	"sync"
	"time"
)

// logBuffer batches the lines of a server's log: a hub answers tens of
// thousands of requests a second, each with an access log line, and a
// write call a line cost the server about 4% of its CPU. A line reaches w
// at most logFlushEvery after it is logged, at once when logBufferMax
// bytes wait, and on Close; after Close every line is written at once.
// slog hands over each line in one Write, so lines are never split.
type logBuffer struct {
	mu        sync.Mutex
	w         io.Writer
	buf       []byte
	scheduled bool // a flush is due within logFlushEvery
	closed    bool
}

const (
	logFlushEvery = 50 * time.Millisecond
	logBufferMax  = 64 << 10
)

func newLogBuffer(w io.Writer) *logBuffer { return &logBuffer{w: w} }

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= logBufferMax:
		b.flushLocked()
	case !b.scheduled:
		b.scheduled = true
		time.AfterFunc(logFlushEvery, b.flush)
	}
	return len(p), nil
}

func (b *logBuffer) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.scheduled = false
	b.flushLocked()
}

// flushLocked writes what waits; a failed write (a closed stderr) drops
// it, as an unbuffered log would.
func (b *logBuffer) flushLocked() {
	if len(b.buf) > 0 {
		b.w.Write(b.buf)
		b.buf = b.buf[:0]
	}
}

// Close writes what waits; later lines are written at once.
func (b *logBuffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	b.flushLocked()
	return nil
}
