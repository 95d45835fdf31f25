package auth

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/access"
)

// TestEpochGate: many concurrent callers share reads, and none is given a
// value read before it called.
func TestEpochGate(t *testing.T) {
	var version, reads atomic.Int64
	g := epochGate{read: func(context.Context) (int64, error) {
		reads.Add(1)
		v := version.Load()
		time.Sleep(200 * time.Microsecond)
		return v, nil
	}}
	const callers, calls = 32, 50
	var wg sync.WaitGroup
	var stale atomic.Int64
	for c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range calls {
				if c == 0 {
					version.Add(1) // a change committed now
				}
				before := version.Load()
				got, err := g.current(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				if got < before {
					stale.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := stale.Load(); n != 0 {
		t.Errorf("%d calls got an epoch read before they called", n)
	}
	if n := reads.Load(); n >= callers*calls {
		t.Errorf("%d reads for %d calls: no read was shared", n, callers*calls)
	}
	t.Logf("%d reads for %d calls", reads.Load(), callers*calls)
}

// TestEpochGateMark: with a commit mark, calls while the mark stays put
// read nothing, and a moved mark is never answered with an older value.
func TestEpochGateMark(t *testing.T) {
	var version, reads atomic.Int64
	g := epochGate{
		read: func(context.Context) (int64, error) {
			reads.Add(1)
			v := version.Load()
			time.Sleep(100 * time.Microsecond)
			return v, nil
		},
		mark: func() (m [commitMarkSize]byte, ok bool) {
			binary.LittleEndian.PutUint64(m[:], uint64(version.Load()))
			return m, true
		},
	}
	ctx := context.Background()
	for range 100 {
		if n, err := g.current(ctx); n != 0 || err != nil {
			t.Fatalf("current = %d, %v", n, err)
		}
	}
	if n := reads.Load(); n != 1 {
		t.Errorf("%d reads while nothing was committed, want 1", n)
	}
	var wg sync.WaitGroup
	var stale atomic.Int64
	for c := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				if c == 0 {
					version.Add(1)
				}
				before := version.Load()
				if got, err := g.current(ctx); err != nil || got < before {
					stale.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if n := stale.Load(); n != 0 {
		t.Errorf("%d calls got an epoch older than a commit made before they called", n)
	}
}

// TestEpochGateErrors: a failed read fails the callers that shared it, and
// a caller whose context ends stops waiting.
func TestEpochGateErrors(t *testing.T) {
	boom := errors.New("store unreachable")
	release := make(chan struct{})
	g := epochGate{read: func(context.Context) (int64, error) {
		<-release
		return 0, boom
	}}
	first := make(chan error, 1)
	go func() {
		_, err := g.current(context.Background())
		first <- err
	}()
	for { // wait until the first read is in flight
		g.mu.Lock()
		busy := g.busy
		g.mu.Unlock()
		if busy {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := g.current(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("waiter with an ended context: %v", err)
	}
	close(release)
	if err := <-first; !errors.Is(err, boom) {
		t.Errorf("failed read: %v", err)
	}
	if _, err := g.current(context.Background()); !errors.Is(err, boom) {
		t.Errorf("next read: %v", err)
	}
}

// TestTokenCache: an entry holds under its epoch until its time; another
// epoch misses; a lookup from an older epoch is not kept; the cache is
// bounded.
func TestTokenCache(t *testing.T) {
	var c tokenCache
	now := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	key := func(i int) [sha256.Size]byte {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(i))
		return sha256.Sum256(b[:])
	}
	p := access.Principal{ID: "user:1", Name: "vera", Roles: []access.Role{access.Analyst}, Method: access.Token}
	c.put(key(1), 5, p, now.Add(time.Minute))
	if got, ok := c.get(key(1), 5, now); !ok || got.Name != "vera" {
		t.Errorf("get = %+v, %v", got, ok)
	}
	if _, ok := c.get(key(1), 5, now.Add(time.Minute)); ok {
		t.Error("entry trusted past its time")
	}
	if _, ok := c.get(key(1), 6, now); ok {
		t.Error("entry trusted under another epoch")
	}
	c.put(key(2), 4, p, now.Add(time.Minute))
	if _, ok := c.get(key(2), 4, now); ok {
		t.Error("a lookup from an older epoch was kept")
	}
	c.put(key(3), 6, p, now.Add(time.Minute))
	if _, ok := c.get(key(1), 6, now); ok || len(c.entries) != 1 {
		t.Errorf("a newer epoch kept %d entries", len(c.entries))
	}
	for i := range maxCachedTokens + 10 {
		c.put(key(10+i), 6, p, now.Add(time.Minute))
	}
	if n := len(c.entries); n > maxCachedTokens {
		t.Errorf("%d entries, bound %d", n, maxCachedTokens)
	}
}
