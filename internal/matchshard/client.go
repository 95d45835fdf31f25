package matchshard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
)

// Node is a matcher process as the registry lists it.
type Node struct {
	Name       string
	Addr       string // host:port
	Partitions []int
	Of         int // P
	Heartbeat  time.Time
}

// Client scatters batches of queries over the matchers of the registry
// and gathers their hits. It is safe for concurrent use.
type Client struct {
	// Nodes lists the registry.
	Nodes  func(ctx context.Context) ([]Node, error)
	Secret string
	HTTP   *http.Client // nil: a client with a 60 s timeout
	// TTL: a node whose heartbeat is older is dead (default 10 s).
	TTL time.Duration
	// Settle: how long to retry while partitions answer from different
	// bank views (a bank replacement reaching the matchers; default 10 s).
	Settle time.Duration
	Now    func() time.Time
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

var defaultHTTP = &http.Client{Timeout: 60 * time.Second}

// SearchPDQ finds every record within maxDist of each query, over all
// partitions, from one bank view. A partition is asked of one live owner;
// when that owner fails (refused, timed out, not holding it yet) its
// partitions are asked of the next owner, so a dead matcher costs latency
// only while another owner is alive.
func (c *Client) SearchPDQ(ctx context.Context, qs []pdq.Hash, maxDist int) ([]Hit, error) {
	if maxDist < 0 || maxDist > 255 {
		return nil, fmt.Errorf("max distance %d: want 0..255", maxDist)
	}
	settle := c.Settle
	if settle == 0 {
		settle = 10 * time.Second
	}
	deadline := c.now().Add(settle)
	for {
		hits, err := c.once(ctx, qs, maxDist)
		if !errors.Is(err, ErrBadView) || c.now().After(deadline) {
			return hits, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Live returns the live nodes and P, which they must agree on.
func (c *Client) Live(ctx context.Context) ([]Node, int, error) {
	nodes, err := c.Nodes(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("matcher registry: %w", err)
	}
	ttl := c.TTL
	if ttl == 0 {
		ttl = 10 * time.Second
	}
	var live []Node
	p := 0
	for _, n := range nodes {
		if c.now().Sub(n.Heartbeat) > ttl {
			continue
		}
		if p != 0 && n.Of != p {
			return nil, 0, fmt.Errorf("matchers %q and %q disagree on the partition count (%d, %d)", live[0].Name, n.Name, live[0].Of, n.Of)
		}
		p = n.Of
		live = append(live, n)
	}
	if len(live) == 0 {
		return nil, 0, errors.New("no live matcher in the registry")
	}
	return live, p, nil
}

func (c *Client) once(ctx context.Context, qs []pdq.Hash, maxDist int) ([]Hit, error) {
	live, p, err := c.Live(ctx)
	if err != nil {
		return nil, err
	}
	sort.Slice(live, func(i, j int) bool { return live[i].Name < live[j].Name })
	owners := make([][]int, p) // partition -> node indexes
	for i, n := range live {
		for _, q := range n.Partitions {
			if q >= 0 && q < p {
				owners[q] = append(owners[q], i)
			}
		}
	}
	// Spread the load: partition q starts with owner q mod (its owners).
	for q, o := range owners {
		if len(o) > 1 {
			k := q % len(o)
			owners[q] = append(slices.Clone(o[k:]), o[:k]...)
		}
	}
	failed := map[int]error{}
	pending := make([]int, p)
	for i := range pending {
		pending[i] = i
	}
	views := map[string]bool{}
	var hits []Hit
	for len(pending) > 0 {
		plan := map[int][]int{} // node -> partitions
		for _, q := range pending {
			k := slices.IndexFunc(owners[q], func(n int) bool { return failed[n] == nil })
			if k < 0 {
				var last error
				for _, n := range owners[q] {
					last = failed[n]
				}
				return nil, fmt.Errorf("partition %d of %d: no live matcher holds it (last error: %v)", q, p, last)
			}
			n := owners[q][k]
			plan[n] = append(plan[n], q)
		}
		pending = pending[:0]
		type result struct {
			node  int
			parts []int
			view  string
			hits  []Hit
			err   error
		}
		res := make(chan result, len(plan))
		var wg sync.WaitGroup
		for n, parts := range plan {
			wg.Add(1)
			go func() {
				defer wg.Done()
				view, h, err := c.ask(ctx, live[n].Addr, parts, qs, maxDist)
				res <- result{n, parts, view, h, err}
			}()
		}
		wg.Wait()
		close(res)
		for r := range res {
			if r.err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				failed[r.node] = fmt.Errorf("matcher %q: %w", live[r.node].Name, r.err)
				pending = append(pending, r.parts...)
				continue
			}
			views[r.view] = true
			hits = append(hits, r.hits...)
		}
	}
	if len(views) > 1 {
		return nil, ErrBadView
	}
	return hits, nil
}

// ask sends one request to one matcher.
func (c *Client) ask(ctx context.Context, addr string, parts []int, qs []pdq.Hash, maxDist int) (string, []Hit, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/v1/search", bytes.NewReader(encodeRequest(maxDist, parts, qs)))
	if err != nil {
		return "", nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Secret)
	req.Header.Set("Content-Type", "application/octet-stream")
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16+256+hitSize*MaxHits))
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("%s: %s", resp.Status, bytes.TrimSpace(body[:min(len(body), 200)]))
	}
	return decodeResponse(body, len(qs))
}
