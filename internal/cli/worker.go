package cli

import (
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
)

func newWorkerCmd(g *globals) *cobra.Command {
	var roots, queues []string
	var concurrency int
	var spoolDir string
	cmd := &cobra.Command{
		Use:   "worker --db postgres://... --evidence-root DIR... [--queues ingest,hash,match,import] [--concurrency N]",
		Short: "Run a stateless worker: jobs of the hub's queues, pulled from its PostgreSQL",
		Long: `Work the background jobs of a hub (vibora serve, which may run none itself:
--job-workers 0) from its PostgreSQL, on any number of machines. A worker
keeps nothing of its own: the jobs, their progress and their results are
rows of the hub's database, and a job whose worker dies (killed, cut off
from the database) is given to another.

--evidence-root names the same directories as the server's, at the same
paths (a shared file system): ingests read the evidence there, never
through the queue or the database. The import queue needs the server's
spool directory (--spool-dir, shared), where uploads wait; leave it out
of --queues otherwise.

--concurrency is how many jobs of each queue run at once (default 2).
SIGINT or SIGTERM stops the worker; its running jobs go back to the queue.

Environment: VIBORA_EVIDENCE_ROOTS (a list separated like PATH),
VIBORA_WORKER_QUEUES, VIBORA_SPOOL_DIR.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !investigation.IsPostgres(g.db) {
				return withHint(usagef("a worker works for a hub: --db must be a postgres:// DSN"), "vibora serve runs the jobs of a SQLite store itself")
			}
			if len(roots) == 0 && os.Getenv("VIBORA_EVIDENCE_ROOTS") != "" {
				roots = filepath.SplitList(os.Getenv("VIBORA_EVIDENCE_ROOTS"))
			}
			if len(queues) == 0 && os.Getenv("VIBORA_WORKER_QUEUES") != "" {
				queues = strings.Split(os.Getenv("VIBORA_WORKER_QUEUES"), ",")
			}
			if len(queues) == 0 {
				queues = []string{job.QueueIngest, job.QueueHash, job.QueueMatch, job.QueueImport}
			}
			if concurrency < 1 {
				return usagef("--concurrency must be at least 1")
			}
			ctx := context.WithoutCancel(cmd.Context())
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			go func() { <-cmd.Context().Done(); cancel() }()
			log := g.serveLogger()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			spool := cmp.Or(spoolDir, os.Getenv("VIBORA_SPOOL_DIR"), filepath.Join(cacheDir(g.db), "spool"))
			w, err := job.New(ctx, s, job.Config{EvidenceRoots: roots, SpoolDir: spool, Queues: queues, Workers: concurrency, Logger: log})
			if err != nil {
				if errors.Is(err, investigation.ErrInvalid) {
					return withHint(usageError{err}, "--queues takes ingest, hash, match and import")
				}
				return withHint(err, "--evidence-root must name existing directories")
			}
			defer w.Close()
			log.Info("worker started", "queues", strings.Join(queues, ","), "concurrency", concurrency)
			if err := w.Serve(ctx); err != nil && !errors.Is(err, context.Canceled) {
				return err
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&roots, "evidence-root", nil, "directory ingest jobs may read, as the server names it; repeat for several (env VIBORA_EVIDENCE_ROOTS)")
	f.StringSliceVar(&queues, "queues", nil, "queues to work, comma-separated (env VIBORA_WORKER_QUEUES; default ingest,hash,match,import)")
	f.IntVar(&concurrency, "concurrency", 2, "jobs of each queue run at once")
	f.StringVar(&spoolDir, "spool-dir", "", "the server's spool directory, shared, for import jobs (env VIBORA_SPOOL_DIR)")
	return cmd
}
