// Command deconflict measures the hub-internal deconfliction check: one
// case with -own identifiers against -held identifiers held by -cases cases
// of another agency.
//
//	go run ./bench/deconflict -db /tmp/dc.db [-held 10000000] [-cases 100] [-own 100000] [-overlap 1000] [-case NAME]
//	go run ./bench/deconflict -db 'postgres://...' ...
//
// The held identifiers are loaded in SQL (a recursive CTE on SQLite,
// generate_series on PostgreSQL) once: a store that already holds them is
// reused, and -case names another checked case (say one whose every
// identifier is held: -overlap 100000). It then runs the on-demand check of the own case (the one join
// on the identifiers' key index, then the notices of both sides) and
// prints one line per run:
//
//	dialect=... held=... own=... overlap=... hits=... check_ms=... query_ms=... cpu_ms=...
//
// query_ms is the join alone (store.IdentifierHits); cpu_ms is this
// process's CPU time for the check (SQLite runs in process; PostgreSQL's
// work is in the server and not counted there).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/deconflict"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
)

func main() {
	dsn := flag.String("db", "", "store: a SQLite file or a postgres:// DSN")
	held := flag.Int("held", 10_000_000, "identifiers held by the other agency's cases")
	cases := flag.Int("cases", 100, "cases holding them")
	own := flag.Int("own", 100_000, "identifiers of the checked case")
	overlap := flag.Int("overlap", 1000, "of which the other agency holds")
	runs := flag.Int("runs", 3, "checks to time")
	name := flag.String("case", "bench-own", "the checked case (made with -own and -overlap unless it exists)")
	flag.Parse()
	if *dsn == "" {
		log.Fatal("-db is required")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, *dsn)
	if err != nil {
		log.Fatal(err)
	}
	s := investigation.New(db, "bench")
	defer s.Close()
	if err := load(ctx, s, db, *held, *cases); err != nil {
		log.Fatal(err)
	}
	if err := loadOwn(ctx, s, db, *name, *held, *own, *overlap); err != nil {
		log.Fatal(err)
	}
	c, err := db.CaseByName(ctx, *name)
	if err != nil {
		log.Fatal(err)
	}
	for r := 0; r < *runs; r++ {
		t0 := time.Now()
		hits, err := db.IdentifierHits(ctx, c.ID, 0, deconflict.Kinds)
		if err != nil {
			log.Fatal(err)
		}
		query := time.Since(t0)
		cpu0, t1 := cputime.Process(), time.Now()
		v, err := s.CheckDeconfliction(ctx, *name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("dialect=%s held=%d own=%d overlap=%d hits=%d/%d new_matches=%d check_ms=%d query_ms=%d cpu_ms=%d\n", db.Dialect(), *held, *own, *overlap,
			len(hits), v.Hits, v.NewMatches, time.Since(t1).Milliseconds(), query.Milliseconds(), (cputime.Process() - cpu0).Milliseconds())
	}
}

// load fills the held cases unless the store holds them already.
func load(ctx context.Context, s *investigation.Service, db *store.DB, held, cases int) error {
	if _, err := db.CaseByName(ctx, "bench-held-000"); err == nil {
		log.Printf("reusing the held identifiers of the store")
		return nil
	}
	t0 := time.Now()
	for _, a := range []string{"BENCH-A", "BENCH-B"} {
		if _, err := s.AddAgency(ctx, a, "NL"); err != nil {
			return err
		}
	}
	per := held / cases
	pg := db.Dialect() == store.Postgres
	for i := 0; i < cases; i++ {
		c, err := s.CreateCase(ctx, investigation.Case{Name: fmt.Sprintf("bench-held-%03d", i), Agency: "BENCH-B"})
		if err != nil {
			return err
		}
		base := i * per
		q := `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
			INSERT INTO identifiers (case_id, kind, normalized, key)
			SELECT ?, 'phone', '+3' || printf('%011d', ? + i), 'phone:+3' || printf('%011d', ? + i) FROM n`
		args := []any{per - 1, c.ID, base, base}
		if pg {
			q = `INSERT INTO identifiers (case_id, kind, normalized, key)
				SELECT $1, 'phone', '+3' || lpad((i)::text, 11, '0'), 'phone:+3' || lpad((i)::text, 11, '0') FROM generate_series($2::bigint, $3::bigint) i`
			args = []any{c.ID, base, base + per - 1}
		}
		if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("load case %d: %w", i, err)
		}
		if i%10 == 9 {
			log.Printf("loaded %d of %d cases (%s)", i+1, cases, time.Since(t0).Round(time.Second))
		}
	}
	log.Printf("held identifiers loaded in %s", time.Since(t0).Round(time.Second))
	return nil
}

// loadOwn makes the checked case unless it exists.
func loadOwn(ctx context.Context, s *investigation.Service, db *store.DB, name string, held, own, overlap int) error {
	if _, err := db.CaseByName(ctx, name); err == nil {
		return nil
	}
	t0 := time.Now()
	pg := db.Dialect() == store.Postgres
	c, err := s.CreateCase(ctx, investigation.Case{Name: name, Agency: "BENCH-A"})
	if err != nil {
		return err
	}
	// The first overlap identifiers are spread over the held ones; the
	// rest are the own case's alone (+4...).
	step := held / max(overlap, 1)
	q := `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO identifiers (case_id, kind, normalized, key)
		SELECT ?, 'phone', v, 'phone:' || v FROM (SELECT CASE WHEN i < ? THEN '+3' || printf('%011d', i * ?) ELSE '+4' || printf('%011d', i) END AS v FROM n)`
	args := []any{own - 1, c.ID, overlap, step}
	if pg {
		q = `INSERT INTO identifiers (case_id, kind, normalized, key)
			SELECT $1, 'phone', v, 'phone:' || v FROM (SELECT CASE WHEN i < $2 THEN '+3' || lpad((i * $3)::text, 11, '0') ELSE '+4' || lpad(i::text, 11, '0') END AS v
			FROM generate_series(0::bigint, $4::bigint) i) s`
		args = []any{c.ID, overlap, step, own - 1}
	}
	if _, err := db.SQL().ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("load own case: %w", err)
	}
	if pg {
		_, err = db.SQL().ExecContext(ctx, "ANALYZE identifiers")
	} else {
		_, err = db.SQL().ExecContext(ctx, "ANALYZE")
	}
	log.Printf("case %s loaded in %s", name, time.Since(t0).Round(time.Second))
	return err
}
