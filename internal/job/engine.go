package job

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/sqlite"
)

// engine is what the manager uses of a River client, whichever driver
// (and so transaction type) it has.
type engine interface {
	Start(ctx context.Context) error
	StopAndCancel(ctx context.Context) error
	Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	JobCancel(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobGet(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobRetry(ctx context.Context, id int64) (*rivertype.JobRow, error)
	JobList(ctx context.Context, params *river.JobListParams) (*river.JobListResult, error)
}

// queue is the engine plus what inserts a job inside a transaction of the
// store (database/sql), whatever driver the engine itself runs on.
type queue struct {
	engine
	insertTx     func(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
	insertManyTx func(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) ([]*rivertype.JobInsertResult, error)
	// db reads the engine's tables (the queue overview).
	db *sql.DB
}

// ticket is the engine's job: it names one of our jobs, which the worker
// claims and runs. Our job row is the record; the ticket only carries the
// work to a runner, so a ticket that arrives twice runs nothing twice.
type ticket struct {
	Job int64 `json:"job"`
}

func (ticket) Kind() string { return "vibora.job" }

// openEngine opens River on the store's own database: the SQLite file
// through its own connection (one, as the driver advises), or the
// PostgreSQL server through a pgx pool. River's tables are migrated here.
// Jobs inserted with the store's rows go through a second, insert-only
// client on database/sql for PostgreSQL (the store's transactions are
// database/sql ones); SQLite's driver is database/sql already.
func openEngine(ctx context.Context, dsn string, cfg *river.Config) (queue, func(), error) {
	if investigation.IsPostgres(dsn) {
		pool, err := pgxpool.New(ctx, dsn)
		if err != nil {
			return queue{}, nil, fmt.Errorf("job engine: %w", err)
		}
		c, err := newClient(ctx, riverpgxv5.New(pool), cfg)
		if err != nil {
			pool.Close()
			return queue{}, nil, err
		}
		ins, err := river.NewClient(riverdatabasesql.New(nil), &river.Config{Logger: cfg.Logger})
		if err != nil {
			pool.Close()
			return queue{}, nil, fmt.Errorf("job engine: %w", err)
		}
		db := stdlib.OpenDBFromPool(pool)
		return queue{engine: c, insertTx: ins.InsertTx, insertManyTx: ins.InsertManyTx, db: db}, func() { db.Close(); pool.Close() }, nil
	}
	db, err := sql.Open(sqlite.Driver, sqlite.DSN(dsn))
	if err != nil {
		return queue{}, nil, fmt.Errorf("job engine: %w", err)
	}
	db.SetMaxOpenConns(1)
	c, err := newClient(ctx, riversqlite.New(db), cfg)
	if err != nil {
		db.Close()
		return queue{}, nil, err
	}
	return queue{engine: c, insertTx: c.InsertTx, insertManyTx: c.InsertManyTx, db: db}, func() { db.Close() }, nil
}

func newClient[TTx any](ctx context.Context, drv riverdriver.Driver[TTx], cfg *river.Config) (*river.Client[TTx], error) {
	mig, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: quiet(cfg.Logger)})
	if err != nil {
		return nil, fmt.Errorf("job engine migrations: %w", err)
	}
	if _, err := mig.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("job engine migrations: %w", err)
	}
	c, err := river.NewClient(drv, cfg)
	if err != nil {
		return nil, fmt.Errorf("job engine: %w", err)
	}
	return c, nil
}

// quiet keeps River's informational chatter out of the operational log.
func quiet(l *slog.Logger) *slog.Logger {
	return slog.New(levelFilter{l.Handler(), slog.LevelWarn})
}

type levelFilter struct {
	slog.Handler
	min slog.Level
}

func (f levelFilter) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.Handler.Enabled(ctx, l)
}

func (f levelFilter) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFilter{f.Handler.WithAttrs(a), f.min}
}

func (f levelFilter) WithGroup(g string) slog.Handler {
	return levelFilter{f.Handler.WithGroup(g), f.min}
}
