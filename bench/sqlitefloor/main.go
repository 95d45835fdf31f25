// Command sqlitefloor measures what the embedded store charges for one
// row: it appends rows shaped like a stored login (seven integers in a
// WITHOUT ROWID table keyed by its first two) to a new SQLite file with
// the store's own connection settings, in one transaction, three ways:
// multi-row INSERT statements of 128 rows (as the platform import writes),
// a prepared one-row INSERT, and one statement per 128 rows reading a JSON
// array through json_each. It prints the CPU time per row and the dump
// text per CPU second that one stored row per dump row allows at the
// synthetic platform dump's 145 bytes a row (bench/platform), before
// reading, mapping or any other table.
//
//	go run ./bench/sqlitefloor              # 2M rows each way
//	go run ./bench/sqlitefloor -n 5000000
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/cputime"
	"github.com/vibora-project/vibora/internal/store/sqlite"
)

const chunk = 128

func main() {
	n := flag.Int("n", 2_000_000, "rows appended each way")
	rowBytes := flag.Float64("row-bytes", 145, "dump text per row for the MB/s column (bench/platform's full scale: 4.21 GB for 29.1M rows)")
	flag.Parse()
	runtime.GOMAXPROCS(1)
	dir, err := os.MkdirTemp("", "vibora-sqlitefloor-")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	fmt.Printf("rows: %d each way; %s %s/%s; GOMAXPROCS 1\n", *n, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("%-12s %12s %12s %14s\n", "way", "cpu-ns/row", "wall-ns/row", "MB/s-cpu cap")
	for _, w := range []struct {
		name string
		fill func(context.Context, *sql.Tx, int) error
	}{
		{"multi-row", multiRow},
		{"one-row", oneRow},
		{"json_each", jsonEach},
	} {
		db, err := sql.Open(sqlite.Driver, sqlite.DSN(filepath.Join(dir, w.name+".db")))
		if err != nil {
			fail(err)
		}
		db.SetMaxOpenConns(1)
		ctx := context.Background()
		for _, s := range []string{
			"PRAGMA cache_size = -131072", // the platform import's 128 MB
			`CREATE TABLE logins (source_id INTEGER NOT NULL, off INTEGER NOT NULL, line INTEGER NOT NULL,
				user_id INTEGER NOT NULL, ip_id INTEGER NOT NULL, at INTEGER, agent_id INTEGER NOT NULL,
				PRIMARY KEY (source_id, off)) WITHOUT ROWID`,
		} {
			if _, err := db.ExecContext(ctx, s); err != nil {
				fail(err)
			}
		}
		cpu0, wall0 := cputime.Process(), time.Now()
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			fail(err)
		}
		if err := w.fill(ctx, tx, *n); err != nil {
			fail(fmt.Errorf("%s: %w", w.name, err))
		}
		if err := tx.Commit(); err != nil {
			fail(err)
		}
		cpu, wall := cputime.Process()-cpu0, time.Since(wall0)
		var got int
		if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM logins").Scan(&got); err != nil || got != *n {
			fail(fmt.Errorf("%s: %d rows stored of %d (%v)", w.name, got, *n, err))
		}
		db.Close()
		perRow := float64(cpu.Nanoseconds()) / float64(*n)
		fmt.Printf("%-12s %12.0f %12.0f %14.1f\n", w.name, perRow, float64(wall.Nanoseconds())/float64(*n), *rowBytes/perRow*1e3)
	}
	fmt.Println("cpu is the process's user+system time; the cap is row-bytes divided by the CPU time per row, for this table alone.")
}

// row is the i-th row's values: offsets and lines ascending as a dump
// is read, users and IPs scattered, times ascending with jitter.
func row(i int) [7]int64 {
	u := uint64(i) * 0x9E3779B97F4A7C15
	return [7]int64{1, int64(i) * 145, int64(i) + 40, int64(u>>44) + 1, int64(u>>20&1023) + 1, 1_600_000_000 + int64(i)*3 + int64(u&7), int64(u>>10&63) + 1}
}

func multiRow(ctx context.Context, tx *sql.Tx, n int) error {
	var stmts = map[int]*sql.Stmt{}
	for start := 0; start < n; start += chunk {
		k := min(chunk, n-start)
		st := stmts[k]
		if st == nil {
			q := "INSERT INTO logins VALUES " + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", k), ", ")
			var err error
			if st, err = tx.PrepareContext(ctx, q); err != nil {
				return err
			}
			stmts[k] = st
		}
		args := make([]any, 0, 7*k)
		for i := start; i < start+k; i++ {
			for _, v := range row(i) {
				args = append(args, v)
			}
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

func oneRow(ctx context.Context, tx *sql.Tx, n int) error {
	st, err := tx.PrepareContext(ctx, "INSERT INTO logins VALUES (?, ?, ?, ?, ?, ?, ?)")
	if err != nil {
		return err
	}
	args := make([]any, 7)
	for i := range n {
		for j, v := range row(i) {
			args[j] = v
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

func jsonEach(ctx context.Context, tx *sql.Tx, n int) error {
	st, err := tx.PrepareContext(ctx, `INSERT INTO logins SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6 FROM json_each(?)`)
	if err != nil {
		return err
	}
	var b []byte
	for start := 0; start < n; start += chunk {
		b = append(b[:0], '[')
		for i := start; i < min(n, start+chunk); i++ {
			if i > start {
				b = append(b, ',')
			}
			b = append(b, '[')
			for j, v := range row(i) {
				if j > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, v, 10)
			}
			b = append(b, ']')
		}
		b = append(b, ']')
		if _, err := st.ExecContext(ctx, string(b)); err != nil {
			return err
		}
	}
	return nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "sqlitefloor: error:", err)
	os.Exit(1)
}
