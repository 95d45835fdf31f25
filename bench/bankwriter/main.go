// Command bankwriter measures how long a bank import keeps other writers
// of a SQLite store waiting. Run it beside `vibora bank import` on the same
// store: every -every it makes one small write transaction (in a table of
// its own, probe_writes) and prints the slowest wait so far and, at the
// end, a summary. A store whose writer is held for a whole import shows a
// wait as long as the import (or busy-timeout failures).
//
//	go run ./bench/bankwriter -db v.db -for 10m &
//	vibora --db v.db bank import --name big list.txt
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"time"

	"github.com/vibora-project/vibora/internal/store/sqlite"
)

func main() {
	db := flag.String("db", "vibora.db", "SQLite store")
	every := flag.Duration("every", 100*time.Millisecond, "time between probe writes")
	dur := flag.Duration("for", 10*time.Minute, "how long to probe")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *dur)
	defer cancel()
	sdb, err := sql.Open(sqlite.Driver, sqlite.DSN(*db))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer sdb.Close()
	if _, err := sdb.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS probe_writes (at TEXT)"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var waits []time.Duration
	failed := 0
	for ctx.Err() == nil {
		t0 := time.Now()
		_, err := sdb.ExecContext(ctx, "INSERT INTO probe_writes (at) VALUES (?)", t0.Format(time.RFC3339Nano))
		d := time.Since(t0)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			failed++
			fmt.Printf("%s write failed after %v: %v\n", t0.Format("15:04:05"), d.Round(time.Millisecond), err)
		} else {
			if len(waits) == 0 || d > slices(waits) {
				fmt.Printf("%s new slowest write: %v\n", t0.Format("15:04:05"), d.Round(time.Millisecond))
			}
			waits = append(waits, d)
		}
		select {
		case <-ctx.Done():
		case <-time.After(*every):
		}
	}
	sort.Slice(waits, func(i, j int) bool { return waits[i] < waits[j] })
	if len(waits) == 0 {
		fmt.Printf("no write succeeded; %d failed\n", failed)
		return
	}
	q := func(p float64) time.Duration { return waits[int(p*float64(len(waits)-1))].Round(time.Millisecond) }
	fmt.Printf("writes %d, failed %d, wait p50 %v p99 %v max %v\n", len(waits), failed, q(0.5), q(0.99), waits[len(waits)-1].Round(time.Millisecond))
}

// slices returns the largest wait so far.
func slices(w []time.Duration) time.Duration {
	m := w[0]
	for _, d := range w {
		m = max(m, d)
	}
	return m
}
