// Command webui measures the browser workspace on a large case: it builds
// (once) a store with one case of N synthetic file rows, then times the
// case dashboard and pages of the files table at several depths through
// the real handler (vibora serve's composition, in process, no network).
//
//	go run ./bench/webui [-n 1000000] [-db DIR/vibora.db | postgres://...] [-runs 20] [-only TEXT]
//
// It prints one line per measurement: the median and the worst server
// time, and the CPU time per request of this process:
//
//	page=dashboard runs=20 p50_ms=... max_ms=... cpu_ms_per_req=...
//
// Rows are synthetic: random digests and PDQ hashes (seeded), paths in an
// order unlike the order the rows were stored; 70% unknown (half with a
// PDQ hash), 20% matched (a bank, 3 categories, 5 series), 8% ignorable,
// 2% errors, in two exhibits. They are stored with the store's own
// InsertFiles, in batches of 1,000, so the kept counts are built as an
// ingest builds them.
package main

import (
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/cli"
	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
)

const (
	caseName = "bench-case"
	user     = "bench-analyst"
	password = "bench-password-long-enough"
)

func main() {
	n := flag.Int("n", 1_000_000, "file rows in the case")
	dsn := flag.String("db", filepath.Join(os.TempDir(), "vibora-bench-webui", "vibora.db"), "store: a SQLite path or a postgres:// DSN (built when it has no case yet)")
	runs := flag.Int("runs", 20, "requests per measurement")
	flag.StringVar(&only, "only", "", "measure only the pages whose label contains this text (e.g. category)")
	flag.Parse()
	if err := run(*dsn, *n, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "webui:", err)
		os.Exit(1)
	}
}

// only restricts the measurements to labels containing it.
var only string

func run(dsn string, n, runs int) error {
	ctx := context.Background()
	if !store.IsPostgres(dsn) {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return err
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := investigation.New(db, "", investigation.WithCacheDir(filepath.Join(os.TempDir(), "vibora-bench-webui", "cache")))
	owner := access.NewContext(ctx, access.LocalPrincipal("bench", "bench"))
	if _, err := svc.Case(owner, caseName); err != nil {
		start := time.Now()
		if err := build(owner, svc, db, n); err != nil {
			return err
		}
		fmt.Printf("built: files=%d seconds=%.1f rows_per_s=%.0f\n", n, time.Since(start).Seconds(), float64(n)/time.Since(start).Seconds())
	}
	a := auth.New(svc, auth.Config{})
	site := cli.Site(svc, a, slog.New(slog.DiscardHandler), false, nil)
	sid, _, err := a.Login(ctx, user, password, "192.0.2.10")
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	get := func(path string) (int, string) {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(&http.Cookie{Name: "vibora_session", Value: sid})
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	measure := func(label, path string) error {
		if !strings.Contains(label, only) {
			return nil
		}
		var times []time.Duration
		cpu0 := cputime.Process()
		for range runs {
			start := time.Now()
			code, body := get(path)
			times = append(times, time.Since(start))
			if code != http.StatusOK {
				return fmt.Errorf("%s: %s answered %d: %.300s", label, path, code, body)
			}
		}
		cpu := cputime.Process() - cpu0
		slices.Sort(times)
		fmt.Printf("page=%s runs=%d p50_ms=%.1f max_ms=%.1f cpu_ms_per_req=%.1f\n", label, runs, ms(times[len(times)/2]), ms(times[len(times)-1]), ms(cpu)/float64(runs))
		return nil
	}
	if err := measure("dashboard", "/cases/"+caseName); err != nil {
		return err
	}
	if err := measure("case-list", "/cases"); err != nil {
		return err
	}
	// Pages at the start, the middle and the end of each order, with and
	// without a status filter: the cursor is the id of the row before.
	for _, q := range []url.Values{
		{}, {"order": {"path"}}, {"order": {"size"}, "desc": {"1"}},
		{"status": {"unknown"}}, {"status": {"unknown"}, "order": {"path"}}, {"status": {"error"}, "order": {"size"}},
		{"exhibit": {"laptop"}, "order": {"path"}}, {"category": {"A2"}},
	} {
		for _, depth := range []float64{0, 0.5, 0.99} {
			if !strings.Contains("files?"+q.Encode(), only) {
				continue
			}
			after, err := cursorAt(owner, svc, q, depth)
			if err != nil {
				return err
			}
			p := url.Values{}
			for k, v := range q {
				p[k] = v
			}
			if after != 0 {
				p.Set("after", fmt.Sprint(after))
			}
			label := "files?" + q.Encode() + fmt.Sprintf("@%.1f%%", depth*100)
			if err := measure(label, "/cases/"+caseName+"/files?"+p.Encode()); err != nil {
				return err
			}
		}
	}
	return nil
}

// cursorAt finds the id of the row at depth (0..1) of the query's order, by
// reading the pages up to it through the service (not timed).
func cursorAt(ctx context.Context, svc *investigation.Service, q url.Values, depth float64) (int64, error) {
	if depth == 0 {
		return 0, nil
	}
	fq := investigation.FileQuery{Status: q.Get("status"), Exhibit: q.Get("exhibit"), Category: q.Get("category"), Order: q.Get("order"), Desc: q.Get("desc") == "1"}
	d, err := svc.CaseDashboard(ctx, caseName)
	if err != nil {
		return 0, err
	}
	total := d.Files
	if fq.Status != "" {
		total = d.ByStatus[fq.Status]
	}
	target := int64(float64(total) * depth)
	var after, seen int64
	for {
		page, err := svc.FilePage(ctx, caseName, fq, after, investigation.MaxFilePage)
		if err != nil {
			return 0, err
		}
		if len(page.Files) == 0 {
			return after, nil
		}
		if seen+int64(len(page.Files)) >= target {
			return page.Files[target-seen-1].ID, nil
		}
		seen += int64(len(page.Files))
		after = page.Files[len(page.Files)-1].ID
		if page.After == 0 {
			return after, nil
		}
	}
}

func build(ctx context.Context, svc *investigation.Service, db *store.DB, n int) error {
	if _, err := svc.AddAgency(ctx, "BENCH", "NL"); err != nil {
		return err
	}
	if _, err := svc.AddUser(ctx, investigation.NewUser{Name: user, Agency: "BENCH", Role: "analyst", Password: password}); err != nil {
		return err
	}
	if _, err := svc.CreateCase(ctx, investigation.Case{Name: caseName, Agency: "BENCH"}); err != nil {
		return err
	}
	var exhibits []int64
	for _, label := range []string{"phone", "laptop"} {
		e, err := svc.AddExhibit(ctx, caseName, investigation.Exhibit{Label: label, Type: "phone"})
		if err != nil {
			return err
		}
		exhibits = append(exhibits, e.ID)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	hexOf := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return hex.EncodeToString(b)
	}
	const batch = 1000
	for start := 0; start < n; start += batch {
		var files []*store.File
		var matches [][]store.FileMatch
		for i := start; i < min(start+batch, n); i++ {
			f := &store.File{ExhibitID: exhibits[i%2], Size: rng.Int64N(8 << 20), MediaType: "image/jpeg", ModTime: "2024-01-20T10:00:00Z",
				MD5: hexOf(16), SHA1: hexOf(20), SHA256: hexOf(32), PDQQuality: -1, Root: "/evidence", Seq: 0, IngestID: 1, Batch: i / batch}
			// Paths in an order unlike the ids'.
			f.Path = fmt.Sprintf("DCIM/%03d/IMG_%07d.jpg", rng.IntN(1000), (i*7919)%n)
			f.Member = f.Path
			var ms []store.FileMatch
			switch r := rng.IntN(100); {
			case r < 70:
				f.Status = "unknown"
				if r < 35 {
					f.PDQ, f.PDQQuality = hexOf(32), 90
				}
			case r < 90:
				f.Status = "matched"
				cat := []string{"A1", "A2", "B1"}[rng.IntN(3)]
				ms = []store.FileMatch{{Bank: "known", BankKind: "known", RecordID: int64(i), Kind: "md5", Hash: f.MD5, Category: cat, NormCategory: cat, Series: fmt.Sprintf("series-%d", rng.IntN(5))}}
			case r < 98:
				f.Status = "ignorable"
				ms = []store.FileMatch{{Bank: "os", BankKind: "ignorable", RecordID: int64(i), Kind: "sha1", Hash: f.SHA1}}
			default:
				f.Status, f.Error, f.SHA256, f.MD5, f.SHA1 = "error", "read: synthetic failure", "", "", ""
			}
			files = append(files, f)
			matches = append(matches, ms)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.InsertFiles(ctx, files, matches)
			return err
		})
		if err != nil {
			return err
		}
		if start%(100*batch) == 0 && start > 0 {
			fmt.Fprintf(os.Stderr, "%d rows\n", start)
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
