package matchshard

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// cluster serves shards over httptest and lists them as a registry.
type cluster struct {
	mu    sync.Mutex
	nodes []Node
}

func (c *cluster) list(context.Context) ([]Node, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Node(nil), c.nodes...), nil
}

func (c *cluster) serve(t *testing.T, name string, s *Shard) *httptest.Server {
	srv := httptest.NewServer(Handler(s, "s3cret", slog.New(slog.NewTextHandler(io.Discard, nil))))
	t.Cleanup(srv.Close)
	p, held := s.Partitions()
	c.mu.Lock()
	c.nodes = append(c.nodes, Node{Name: name, Addr: strings.TrimPrefix(srv.URL, "http://"), Partitions: held, Of: p, Heartbeat: time.Now()})
	c.mu.Unlock()
	return srv
}

func TestClientFailsOverAndChecksViews(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 8))
	src := newMemSource()
	qs := fixture(r, src, 3, 5000, 100)
	src.setLive(Bank{ID: 3, Digest: "a"})
	want := brute(src, qs, 31)
	// Three shards, every partition on two of them.
	var c cluster
	var srvs []*httptest.Server
	for i, held := range [][]int{{0, 1, 2, 3}, {2, 3, 4, 5}, {4, 5, 0, 1}} {
		s, _ := NewShard(6, held)
		if err := s.Refresh(ctx, src); err != nil {
			t.Fatal(err)
		}
		srvs = append(srvs, c.serve(t, string(rune('a'+i)), s))
	}
	cl := &Client{Nodes: c.list, Secret: "s3cret"}
	hits, err := cl.SearchPDQ(ctx, qs, 31)
	if err != nil {
		t.Fatal(err)
	}
	sameHits(t, hits, want)
	// One dead: the same answer from the others.
	srvs[1].Close()
	hits, err = cl.SearchPDQ(ctx, qs, 31)
	if err != nil {
		t.Fatal(err)
	}
	sameHits(t, hits, want)
	// Two dead: partitions 2 and 3 have no owner left.
	srvs[0].Close()
	if _, err := cl.SearchPDQ(ctx, qs, 31); err == nil || !strings.Contains(err.Error(), "no live matcher") {
		t.Fatalf("search with partitions unowned: %v", err)
	}
	// A stale heartbeat counts as dead.
	cl.Now = func() time.Time { return time.Now().Add(time.Hour) }
	if _, err := cl.SearchPDQ(ctx, qs, 31); err == nil || !strings.Contains(err.Error(), "no live matcher") {
		t.Fatalf("search with stale registry: %v", err)
	}
}

func TestClientWaitsForOneView(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(9, 10))
	src := newMemSource()
	qs := fixture(r, src, 1, 2000, 40)
	src.setLive(Bank{ID: 1, Digest: "a"})
	a, _ := NewShard(2, []int{0})
	b, _ := NewShard(2, []int{1})
	for _, s := range []*Shard{a, b} {
		if err := s.Refresh(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	var c cluster
	c.serve(t, "a", a)
	c.serve(t, "b", b)
	// Bank 1 replaced by bank 2; only a has seen it so far.
	fixture(r, src, 2, 2000, 0)
	src.add(2, near(r, qs[0], 5))
	src.setLive(Bank{ID: 2, Digest: "b"})
	if err := a.Refresh(ctx, src); err != nil {
		t.Fatal(err)
	}
	cl := &Client{Nodes: c.list, Secret: "s3cret", Settle: 200 * time.Millisecond}
	if _, err := cl.SearchPDQ(ctx, qs, 31); err != ErrBadView {
		t.Fatalf("mixed views: %v, want ErrBadView", err)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		b.Refresh(ctx, src)
	}()
	cl.Settle = 5 * time.Second
	hits, err := cl.SearchPDQ(ctx, qs, 31)
	if err != nil {
		t.Fatal(err)
	}
	sameHits(t, hits, brute(src, qs, 31))
}

func TestHandlerRefusesWithoutSecret(t *testing.T) {
	s, _ := NewShard(1, []int{0})
	srv := httptest.NewServer(Handler(s, "s3cret", slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	for _, auth := range []string{"", "Bearer wrong", "s3cret", "bearer s3cret"} {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/search", strings.NewReader(string(encodeRequest(1, nil, nil))))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %s", auth, resp.Status)
		}
	}
	// An empty secret on the server refuses everyone.
	open := httptest.NewServer(Handler(s, "", slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer open.Close()
	req, _ := http.NewRequest("GET", open.URL+"/v1/health", nil)
	req.Header.Set("Authorization", "Bearer ")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("empty secret: %s", resp.Status)
	}
	// An unloaded shard does not hold its partitions yet: 409.
	req, _ = http.NewRequest("POST", srv.URL+"/v1/search", strings.NewReader(string(encodeRequest(1, []int{0}, nil))))
	req.Header.Set("Authorization", "Bearer s3cret")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("unloaded shard: %s", resp.Status)
	}
}
