package investigation

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/matchshard"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/video"
)

// WithMatchers makes the service match PDQ hashes through the matcher
// processes of the store's registry (vibora matcher) instead of an index
// in its own memory; secret is their shared secret. Digests are still
// matched in process.
func WithMatchers(secret string) Option {
	return func(s *Service) {
		s.shards = &matchshard.Client{Secret: secret, Nodes: s.matcherNodes}
	}
}

func (s *Service) matcherNodes(ctx context.Context) ([]matchshard.Node, error) {
	ms, err := s.db.Matchers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]matchshard.Node, len(ms))
	for i, m := range ms {
		out[i] = matchshard.Node{Name: m.Name, Addr: m.Addr, Partitions: m.Partitions, Of: m.Of, Heartbeat: time.UnixMilli(m.HeartbeatMS)}
	}
	return out, nil
}

// shardSource feeds a matchshard.Shard from the store.
type shardSource struct{ db *store.DB }

func (src shardSource) LiveBanks(ctx context.Context) ([]matchshard.Bank, error) {
	bs, err := src.db.LiveBanks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]matchshard.Bank, len(bs))
	for i, b := range bs {
		out[i] = matchshard.Bank{ID: b.ID, Digest: fmt.Sprintf("%d:%s", b.Version, b.ContentDigest)}
	}
	return out, nil
}

// PDQAfter feeds photo records' PDQ hashes and, under the same record
// ID, each bank video's unique frame hashes of quality 50 or more (as the
// embedded index holds them), quality unknown (-1).
func (src shardSource) PDQAfter(ctx context.Context, bank, after int64, fn func(int64, pdq.Hash, int) error) error {
	return src.db.BankMatchHashesAfter(ctx, bank, after, func(id int64, h string, q int, vp string) error {
		if h != "" {
			ph, err := pdq.ParseHex(h)
			if err != nil {
				return fmt.Errorf("bank %d record %d: %w", bank, id, err)
			}
			if err := fn(id, ph, q); err != nil {
				return err
			}
		}
		if vp == "" {
			return nil
		}
		frames, err := video.ReadText(strings.NewReader(vp), 0)
		if err != nil {
			return fmt.Errorf("bank %d record %d: vpdq %w", bank, id, err)
		}
		for _, fh := range video.UniqueHashes(frames, video.QualityThreshold) {
			if err := fn(id, fh, -1); err != nil {
				return err
			}
		}
		return nil
	})
}

func (src shardSource) RemovalsAfter(ctx context.Context, seq int64, limit int) ([]matchshard.Removal, error) {
	rs, err := src.db.BankRemovalsAfter(ctx, seq, limit)
	if err != nil {
		return nil, err
	}
	out := make([]matchshard.Removal, len(rs))
	for i, r := range rs {
		out[i] = matchshard.Removal{Seq: r.Seq, Bank: r.BankID, Record: r.RecordID}
	}
	return out, nil
}

// MatcherConfig configures ServeMatcher.
type MatcherConfig struct {
	// Name is the matcher's registry entry (unique per process).
	Name string
	// Of is P, the number of virtual partitions of the hub; Partitions
	// are those this process holds.
	Of         int
	Partitions []int
	// Listen is the HTTP address (default 127.0.0.1:0).
	Listen string
	// Advertise is the address others reach it at (default: the one
	// listened on).
	Advertise string
	// Secret authenticates every request (matchshard.Handler).
	Secret string
	// Poll is how often the bank tables are tailed and the heartbeat
	// written (default 2 s).
	Poll time.Duration
	// Logger, if set, is the matcher's operational log (default the
	// service's).
	Logger *slog.Logger
	// Ready, if set, is called once the partitions are loaded and the
	// matcher is registered, with the address it listens on.
	Ready func(addr string)
	// Dir, if set, keeps the partitions on disk (matchshard.Shard.Save):
	// a matcher restarted on it loads them from there and reads from the
	// store only what changed since (records past its watermarks,
	// tombstones, replaced banks).
	Dir string
}

// ServeMatcher runs a matcher process: it loads its partitions from the
// banks, serves them over HTTP, registers itself with a heartbeat, and
// tails the bank tables until ctx ends, when it leaves the registry.
func (s *Service) ServeMatcher(ctx context.Context, cfg MatcherConfig) error {
	if err := s.check(ctx, access.Bank, access.Read); err != nil {
		return err
	}
	if cfg.Secret == "" {
		return fmt.Errorf("matcher: no shared secret: %w", ErrInvalid)
	}
	if cfg.Name == "" {
		return fmt.Errorf("matcher: no name: %w", ErrInvalid)
	}
	shard, err := matchshard.NewShard(cfg.Of, cfg.Partitions)
	if err != nil {
		return fmt.Errorf("matcher: %v: %w", err, ErrInvalid)
	}
	log := s.log
	if cfg.Logger != nil {
		log = cfg.Logger
	}
	poll := cfg.Poll
	if poll <= 0 {
		poll = 2 * time.Second
	}
	src := shardSource{s.db}
	t0 := time.Now()
	from := "store"
	if cfg.Dir != "" {
		if err := shard.Load(cfg.Dir); err == nil {
			from = "disk"
		} else if !errors.Is(err, os.ErrNotExist) {
			log.Warn("matcher: partitions on disk not loaded: reading the store", "dir", cfg.Dir, "err", err)
		}
	}
	if err := shard.Refresh(ctx, src); err != nil {
		return fmt.Errorf("matcher: load partitions: %w", err)
	}
	save := func() {
		if cfg.Dir != "" {
			if err := shard.Save(cfg.Dir); err != nil {
				log.Warn("matcher: partitions not saved", "dir", cfg.Dir, "err", err)
			}
		}
	}
	save()
	var records int
	for _, n := range shard.Records() {
		records += n
	}
	log.Info("matcher partitions loaded", "from", from, "partitions", len(cfg.Partitions), "of", cfg.Of, "records", records, "took", time.Since(t0))
	ln, err := net.Listen("tcp", cmp.Or(cfg.Listen, "127.0.0.1:0"))
	if err != nil {
		return fmt.Errorf("matcher: %w", err)
	}
	srv := &http.Server{Handler: matchshard.Handler(shard, cfg.Secret, log), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	addr := cmp.Or(cfg.Advertise, ln.Addr().String())
	node := store.MatcherNode{Name: cfg.Name, Addr: addr, Partitions: cfg.Partitions, Of: cfg.Of, StartedAt: s.timestamp()}
	beat := func(ctx context.Context) error {
		node.HeartbeatMS = s.now().UnixMilli()
		return s.db.InTx(ctx, func(tx *store.Tx) error { return tx.PutMatcher(ctx, node) })
	}
	defer func() {
		bg := context.WithoutCancel(ctx)
		if err := s.db.InTx(bg, func(tx *store.Tx) error { return tx.DeleteMatcher(bg, cfg.Name) }); err != nil {
			log.Warn("matcher: leave the registry", "err", err)
		}
		sctx, cancel := context.WithTimeout(bg, 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := beat(ctx); err != nil {
		return err
	}
	if cfg.Ready != nil {
		cfg.Ready(addr)
	}
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-served:
			return fmt.Errorf("matcher: %w", err)
		case <-tick.C:
		}
		// A failed refresh keeps the last state (still one consistent
		// view); a failed heartbeat lets the registry age this process
		// out, so clients go to the other owner.
		if err := shard.Refresh(ctx, src); err != nil {
			if !errors.Is(err, context.Canceled) {
				log.Warn("matcher: refresh", "err", err)
			}
		} else {
			save()
		}
		if err := beat(ctx); err != nil && !errors.Is(err, context.Canceled) {
			log.Warn("matcher: heartbeat", "err", err)
		}
	}
}

// MatcherNodes lists the matcher registry (vibora matcher list): every
// entry, with whether its heartbeat is recent.
func (s *Service) MatcherNodes(ctx context.Context) ([]MatcherNodeView, error) {
	if err := s.check(ctx, access.Bank, access.Read); err != nil {
		return nil, err
	}
	ns, err := s.matcherNodes(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MatcherNodeView, len(ns))
	for i, n := range ns {
		out[i] = MatcherNodeView{Name: n.Name, Addr: n.Addr, Partitions: n.Partitions, Of: n.Of,
			Heartbeat: n.Heartbeat.UTC().Format(time.RFC3339Nano), Live: s.now().Sub(n.Heartbeat) <= 10*time.Second}
	}
	return out, nil
}

// MatcherNodeView is one registry entry.
type MatcherNodeView struct {
	Name       string `json:"name"`
	Addr       string `json:"addr"`
	Partitions []int  `json:"partitions"`
	Of         int    `json:"of"`
	Heartbeat  string `json:"heartbeat"`
	Live       bool   `json:"live"`
}

// pdqQuery is one PDQ query: a hash of a quality (-1: unknown) and, when
// dihedral matching is wanted, its 8 transforms.
type pdqQuery struct {
	h        pdq.Hash
	quality  int
	dihedral []pdq.Hash
}

// matchPDQBatch is MatchPDQ for several queries in one search of the
// matchers or the local shard: every query's hashes (its transforms, when
// dihedral) in one batch, the best distance per record kept (the first
// transform at that distance). out[i] are queries[i]'s matches.
func (m *Matcher) matchPDQBatch(ctx context.Context, queries []pdqQuery) ([][]Match, error) {
	out := make([][]Match, len(queries))
	if m.search == nil {
		return out, nil
	}
	var hashes []pdq.Hash
	var owner []int // hash -> query
	first := make([]int, len(queries))
	for i, q := range queries {
		first[i] = len(hashes)
		if m.opt.MinQuality > 0 && q.quality >= 0 && q.quality < m.opt.MinQuality {
			continue
		}
		hs := []pdq.Hash{q.h}
		if m.opt.Dihedral && len(q.dihedral) == 8 {
			hs = q.dihedral
		}
		for _, h := range hs {
			hashes, owner = append(hashes, h), append(owner, i)
		}
	}
	if len(hashes) == 0 {
		return out, nil
	}
	hits, err := m.search.SearchPDQ(ctx, hashes, m.opt.MaxDistance)
	if err != nil {
		return nil, fmt.Errorf("match pdq: %w", err)
	}
	type best struct {
		bank     int // in m.banks
		dist, tr int
	}
	bestOf := make([]map[int64]best, len(queries))
	for _, h := range hits {
		if m.opt.MinQuality > 0 && h.Quality >= 0 && h.Quality < m.opt.MinQuality {
			continue
		}
		bi := slices.IndexFunc(m.banks, func(b store.Bank) bool { return b.ID == h.Bank })
		if bi < 0 {
			continue // replaced or removed since this matcher's bank list: no longer live
		}
		qi := owner[h.Query]
		tr := h.Query - first[qi]
		if bestOf[qi] == nil {
			bestOf[qi] = map[int64]best{}
		}
		if b, ok := bestOf[qi][h.Record]; !ok || h.Distance < b.dist || h.Distance == b.dist && tr < b.tr {
			bestOf[qi][h.Record] = best{bi, h.Distance, tr}
		}
	}
	for qi, bo := range bestOf {
		recs := make([]int64, 0, len(bo))
		for r := range bo {
			recs = append(recs, r)
		}
		// The order of the index's ordinals: bank (by name), then record.
		slices.SortFunc(recs, func(a, b int64) int {
			return cmp.Or(cmp.Compare(bo[a].dist, bo[b].dist), cmp.Compare(bo[a].bank, bo[b].bank), cmp.Compare(a, b))
		})
		for _, id := range recs {
			b := bo[id]
			bank := m.banks[b.bank]
			r, err := m.recordByID(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				continue // removed since the matchers answered
			}
			if err != nil {
				return out, err
			}
			if r.PDQ == "" {
				continue // a bank video's frame (MatchVideo's)
			}
			out[qi] = append(out[qi], Match{Bank: bank.Name, BankKind: bank.Kind, BankVersion: bank.Version, Record: r.ID, Kind: "pdq", Hash: r.PDQ,
				Distance: b.dist, Category: r.Category, NormCategory: r.NormCategory, Series: r.Series, Dihedral: dihedralNames[b.tr]})
		}
	}
	return out, nil
}
