package investigation_test

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// writeBlocks writes a generated, synthetic image of random 8x8 blocks
// and returns its PDQ hash.
func writeBlocks(t *testing.T, path string, r *rand.Rand) pdq.Hash {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 128, 128))
	for by := 0; by < 16; by++ {
		for bx := 0; bx < 16; bx++ {
			c := color.RGBA{uint8(r.Uint32()), uint8(r.Uint32()), uint8(r.Uint32()), 255}
			for y := by * 8; y < by*8+8; y++ {
				for x := bx * 8; x < bx*8+8; x++ {
					img.Set(x, y, c)
				}
			}
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	res, err := pdq.FromImage(img, pdq.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Hash
}

// TestIngestBatchesThroughTheMatchers: an ingest through a matcher
// process sends one search per stored batch (not one per file), and
// stores the same statuses and matches as the embedded matcher, dihedral
// transforms included; MatchHashes' batch answers as its hashes one by
// one.
func TestIngestBatchesThroughTheMatchers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		db := open(t, -1)
		r := rand.New(rand.NewPCG(31, 32))
		dir := t.TempDir()
		ev := filepath.Join(dir, "evidence")
		if err := os.Mkdir(ev, 0o755); err != nil {
			t.Fatal(err)
		}
		var bank strings.Builder
		bank.WriteString("pdq,pdq_quality,category\n")
		var queries []string
		const files = 60
		for i := range files {
			h := writeBlocks(t, filepath.Join(ev, fmt.Sprintf("img%02d.png", i)), r)
			queries = append(queries, "pdq:"+h.String())
			if i%3 == 0 { // a near copy in the bank, 0..19 bits away
				for _, b := range r.Perm(256)[:i%20] {
					h[b/8] ^= 1 << (b % 8)
				}
				fmt.Fprintf(&bank, "%x,90,cat\n", h[:])
			}
		}
		for range 2000 {
			var h pdq.Hash
			for j := range h {
				h[j] = byte(r.Uint32())
			}
			fmt.Fprintf(&bank, "%x,90,cat\n", h[:])
		}
		if err := os.WriteFile(filepath.Join(dir, "bank.csv"), []byte(bank.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		local := investigation.New(db, "alex")
		if _, err := local.ImportBank(ctx, filepath.Join(dir, "bank.csv"), investigation.BankImportOptions{Name: "b", Kind: "known", Format: "plain"}); err != nil {
			t.Fatal(err)
		}
		// One matcher holding every partition, behind a proxy that counts
		// the searches.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		target, _ := url.Parse("http://" + addr)
		var searches atomic.Int64
		proxy := httputil.NewSingleHostReverseProxy(target)
		pln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		psrv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.URL.Path == "/v1/search" {
				searches.Add(1)
			}
			proxy.ServeHTTP(w, req)
		})}
		go psrv.Serve(pln)
		defer psrv.Close()
		done := make(chan error, 1)
		ready := make(chan struct{})
		go func() {
			done <- local.ServeMatcher(ctx, investigation.MatcherConfig{Name: "m", Of: 4, Partitions: []int{0, 1, 2, 3}, Secret: "k",
				Listen: addr, Advertise: pln.Addr().String(), Poll: time.Second, Ready: func(string) { close(ready) }})
		}()
		select {
		case <-ready:
		case err := <-done:
			t.Fatal(err)
		}
		remote := investigation.New(db, "alex", investigation.WithMatchers("k"))

		type row struct {
			Path, Status string
			Matches      []string
		}
		ingest := func(s *investigation.Service, name string) ([]row, int) {
			if _, err := s.CreateCase(ctx, investigation.Case{Name: name}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Ingest(ctx, name, investigation.IngestOptions{Exhibit: "E1", Paths: []string{ev}, BatchSize: 16,
				Match: investigation.MatchOptions{Dihedral: true}}); err != nil {
				t.Fatal(err)
			}
			c, err := db.CaseByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			fm, err := db.FileMatches(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			var rows []row
			batches := map[int]bool{}
			err = db.Files(ctx, store.FileFilter{CaseID: c.ID}, func(f store.File) error {
				x := row{Path: f.Path, Status: f.Status}
				for _, m := range fm[f.ID] {
					x.Matches = append(x.Matches, fmt.Sprintf("%s/%d %s d=%d", m.Bank, m.RecordID, m.Kind, m.Distance))
				}
				rows = append(rows, x)
				batches[f.Batch] = true
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return rows, len(batches)
		}
		want, _ := ingest(local, "embedded")
		if searches.Load() != 0 {
			t.Fatalf("the embedded ingest asked the matcher %d times", searches.Load())
		}
		got, batches := ingest(remote, "remote")
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("through the matcher:\n%v\nembedded:\n%v", got, want)
		}
		matched := 0
		for _, x := range want {
			if x.Status == "matched" {
				matched++
			}
		}
		if len(want) != files || matched < files/3-2 {
			t.Fatalf("%d files, %d matched: the fixture does not exercise matching", len(want), matched)
		}
		if n := searches.Load(); n > int64(batches) || n < 1 {
			t.Fatalf("%d searches for %d files in %d batches: want at most one a batch", n, files, batches)
		}
		t.Logf("%d files: %d searches in %d batches", files, searches.Load(), batches)

		// MatchHashes: every PDQ hash of a call in one search, each answered
		// as alone.
		for _, s := range []*investigation.Service{local, remote} {
			before := searches.Load()
			all, err := s.MatchHashes(ctx, queries, investigation.MatchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if s == remote && searches.Load() != before+1 {
				t.Fatalf("MatchHashes of %d hashes: %d searches, want 1", len(queries), searches.Load()-before)
			}
			for i, q := range queries {
				one, err := s.MatchHashes(ctx, []string{q}, investigation.MatchOptions{})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(one[0], all[i]) {
					t.Fatalf("hash %d alone: %+v, in the batch: %+v", i, one[0], all[i])
				}
			}
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}
