package evidence

import (
	"sync"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// DefaultMemoryLimit is the memory budget of a run when RunOptions leaves
// it at zero: 2 GiB.
const DefaultMemoryLimit = 2 << 30

// The budget is shared out as follows: half of it for images being
// decoded (admitted by their declared cost, which also bounds a single
// image), an eighth for one captured encoded image per worker, and the
// rest for the hashers' and the walker's buffers, the results in flight
// and the garbage collector's headroom.
const (
	decodeShare  = 2 // limit / decodeShare for decodes in flight
	captureShare = 8 // limit / captureShare for one encoded image
)

// decodeGate is a counting semaphore over bytes: a decode takes its
// declared cost before it starts and gives it back when done, so decodes
// in flight never declare more than the capacity together. A request over
// the capacity waits until the gate is empty and then runs alone.
type decodeGate struct {
	mu       sync.Mutex
	capacity int64
	used     int64
	wake     chan struct{} // closed (and replaced) on every release
}

func newDecodeGate(capacity int64) *decodeGate {
	return &decodeGate{capacity: capacity, wake: make(chan struct{})}
}

// acquire takes n bytes (at most the capacity), waiting while they are not
// free; it gives up, returning false, when done is closed.
func (g *decodeGate) acquire(n int64, done <-chan struct{}) (int64, bool) {
	n = min(max(n, 1), g.capacity)
	for {
		g.mu.Lock()
		if g.used+n <= g.capacity {
			g.used += n
			g.mu.Unlock()
			return n, true
		}
		wake := g.wake
		g.mu.Unlock()
		select {
		case <-wake:
		case <-done:
			return 0, false
		}
	}
}

func (g *decodeGate) release(n int64) {
	g.mu.Lock()
	g.used -= n
	close(g.wake)
	g.wake = make(chan struct{})
	g.mu.Unlock()
}

// admit waits until the image in the capture buffer may be decoded within
// the run's memory budget. The cost is what the header declares (pixels
// times bit depth, see pdq.DecodeCost) plus the encoded bytes held during
// the decode. Images the decoder will refuse anyway (no decoder, over
// MaxDecodeBytes) pass without waiting. ok is false when the run was
// cancelled during the wait.
func (p *Processor) admit(opt pdq.Options) (release func(), ok bool) {
	if p.opt.gate == nil {
		return func() {}, true
	}
	c, err := pdq.DecodeCost(p.cap.buf)
	limit := opt.MaxDecodeBytes
	if limit <= 0 {
		limit = pdq.DefaultMaxDecodeBytes
	}
	if err != nil || c.Bytes > limit {
		return func() {}, true
	}
	n, ok := p.opt.gate.acquire(c.Bytes+int64(len(p.cap.buf)), p.opt.done)
	if !ok {
		return nil, false
	}
	return func() { p.opt.gate.release(n) }, true
}
