package auth

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/vibora-project/vibora/internal/access"
)

// The API token cache. Looking a token up costs a join over tokens, users
// and agencies per request; the cache keeps what a token granted, keyed by
// the token's SHA-256, and trusts it only while the store's auth epoch (a
// counter that every change to accounts, tokens, memberships and shares
// bumps in its own transaction, whichever process makes it) is the one
// read before the lookup. Every request reads the epoch, so a revocation
// committed before a request arrives refuses that request; the read is one
// row, and requests that arrive while a read is in flight share the next
// one, or none at all while the store's commit mark has not moved
// (epochGate).
//
// An entry is trusted at most until the token expires or its last use is
// due to be written again (a minute), so expiry and last-use stay as exact
// as without the cache. Refusals are not cached.

// maxCachedTokens bounds the cache; a full cache is emptied.
const maxCachedTokens = 10_000

type tokenEntry struct {
	p     access.Principal
	until time.Time
}

type tokenCache struct {
	mu      sync.RWMutex
	epoch   int64
	entries map[[sha256.Size]byte]tokenEntry
}

// get returns the principal cached for key under epoch, if still trusted
// at now.
func (c *tokenCache) get(key [sha256.Size]byte, epoch int64, now time.Time) (access.Principal, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.epoch != epoch {
		return access.Principal{}, false
	}
	e, ok := c.entries[key]
	if !ok || !now.Before(e.until) {
		return access.Principal{}, false
	}
	return e.p, true
}

// put caches the principal of key, looked up after epoch was read. An
// epoch other than the cache's empties it first; one older than the
// cache's is not cached at all.
func (c *tokenCache) put(key [sha256.Size]byte, epoch int64, p access.Principal, until time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case epoch < c.epoch:
		return
	case epoch > c.epoch || c.entries == nil || len(c.entries) >= maxCachedTokens:
		c.epoch, c.entries = epoch, map[[sha256.Size]byte]tokenEntry{}
	}
	c.entries[key] = tokenEntry{p: p, until: until}
}

// epochGate reads the auth epoch for many concurrent requests without
// giving any of them a value read before it arrived: a request that finds
// no read in flight starts one; one that finds a read in flight waits for
// the next, which starts when that one ends and serves every request that
// arrived meanwhile. Each request so sees a value read after it arrived,
// and under load one read serves many requests.
//
// Where the store offers a commit mark (SQLite: a fingerprint of its last
// commit by any process, one pread), a request whose mark equals the one
// taken before the newest read takes that read's value without reading:
// nothing was committed since that read began.
type epochGate struct {
	read func(context.Context) (int64, error)
	mark func() ([commitMarkSize]byte, bool) // nil: none

	mu   sync.Mutex
	busy bool       // a read is in flight
	next *epochRead // the read that follows it, with its waiters
	// The newest read's value and the mark taken before it began, if it
	// succeeded and a mark was taken.
	last     int64
	lastMark [commitMarkSize]byte
	haveLast bool
}

// commitMarkSize is store.CommitMarkSize (auth does not import the store).
const commitMarkSize = 48

type epochRead struct {
	done chan struct{}
	n    int64
	err  error
}

// current returns an epoch read after the call began, or one that the
// commit mark shows is still the store's.
func (g *epochGate) current(ctx context.Context) (int64, error) {
	var mark [commitMarkSize]byte
	marked := false
	if g.mark != nil {
		mark, marked = g.mark()
	}
	g.mu.Lock()
	if marked && g.haveLast && mark == g.lastMark {
		n := g.last
		g.mu.Unlock()
		return n, nil
	}
	if !g.busy {
		g.busy = true
		g.mu.Unlock()
		r := &epochRead{done: make(chan struct{})}
		g.run(ctx, r)
		return r.n, r.err
	}
	if g.next == nil {
		g.next = &epochRead{done: make(chan struct{})}
	}
	r := g.next
	g.mu.Unlock()
	select {
	case <-r.done:
		return r.n, r.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// run performs read r, then hands the gate to the read queued behind it
// (on a goroutine of its own, so that the caller returns) or frees it.
func (g *epochGate) run(ctx context.Context, r *epochRead) {
	var mark [commitMarkSize]byte
	marked := false
	if g.mark != nil {
		mark, marked = g.mark() // before the read: it sees every commit the mark shows
	}
	r.n, r.err = g.read(context.WithoutCancel(ctx))
	close(r.done)
	g.mu.Lock()
	g.last, g.lastMark, g.haveLast = r.n, mark, marked && r.err == nil
	next := g.next
	g.next = nil
	g.busy = next != nil
	g.mu.Unlock()
	if next != nil {
		go g.run(ctx, next)
	}
}
