package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/job"
)

func newJobsCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "See and steer a hub's background jobs: list, show, retry, cancel",
		Long: `The background jobs of a store served by vibora serve (ingests of evidence
roots, imports of uploads, verifications), run by the server or by vibora
worker processes. list shows them with the engine's queues (jobs per
queue and state, the failures with their errors and attempts), show one
job, retry puts a failed or cancelled job back in its queue, cancel stops
a queued or running one.`,
	}
	cmd.AddCommand(newJobsListCmd(g), newJobsShowCmd(g), newJobsRetryCmd(g), newJobsCancelCmd(g))
	return cmd
}

// openJobs opens the store and a job manager on it that runs no job.
func (g *globals) openJobs(ctx context.Context) (*job.Manager, func(), error) {
	s, done, err := g.openService(ctx)
	if err != nil {
		return nil, nil, err
	}
	m, err := job.New(ctx, s, job.Config{SpoolDir: filepath.Join(cacheDir(g.db), "spool"), Workers: -1, Logger: g.logger})
	if err != nil {
		done()
		return nil, nil, err
	}
	return m, func() { m.Close(); done() }, nil
}

func newJobsListCmd(g *globals) *cobra.Command {
	var f investigation.JobFilter
	cmd := &cobra.Command{
		Use:   "list [--case CASE] [--state STATE] [--kind KIND] [--limit N]",
		Short: "List jobs, newest first, and the engine's queues",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			m, done, err := g.openJobs(ctx)
			if err != nil {
				return err
			}
			defer done()
			list, err := m.List(ctx, f)
			if err != nil {
				return classify(err, "states: queued, running, done, failed, cancelled")
			}
			q, err := m.Queues(ctx)
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(JobList{Jobs: list, Queues: q})
			}
			t := newTable(g.streams.Out, "ID", "KIND", "CASE", "STATE", "ATTEMPTS", "FILES", "SUBMITTED", "BY", "ERROR")
			for _, j := range list {
				files := ""
				if j.Progress != nil {
					files = strconv.FormatInt(j.Progress.Files, 10)
					if j.Progress.FilesTotal > 0 {
						files += "/" + strconv.FormatInt(j.Progress.FilesTotal, 10)
					}
				}
				t.Row(j.ID, j.Kind, j.Case, j.State, j.Attempts, files, j.CreatedAt, j.SubmittedBy, j.Error)
			}
			t.Flush()
			w := newLines(g.streams.Out)
			w.Println()
			t = newTable(g.streams.Out, "QUEUE", "AVAILABLE", "RUNNING", "RETRYABLE", "COMPLETED", "FAILED", "CANCELLED", "DONE/MIN")
			for _, row := range q.Queues {
				t.Row(row.Queue, row.Available, row.Running, row.Retryable, row.Completed, row.Discarded, row.Cancelled, row.CompletedLastMinute)
			}
			t.Flush()
			for _, fl := range q.Failures {
				w.Printf("failed: engine job %d (%s, queue %s, job %d) attempt %d of %d at %s: %s\n", fl.ID, fl.Kind, fl.Queue, fl.Job, fl.Attempt, fl.MaxAttempts, fl.At, fl.Error)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&f.Case, "case", "", "jobs of one case")
	cmd.Flags().StringVar(&f.State, "state", "", "jobs in one state: queued, running, done, failed, cancelled")
	cmd.Flags().StringVar(&f.Kind, "kind", "", "jobs of one kind: ingest, bank_import, chat_import, stealer_scan, verify")
	cmd.Flags().IntVar(&f.Limit, "limit", 100, "at most this many jobs")
	return cmd
}

// JobList is what vibora jobs list --json prints: the jobs the caller may
// see and the engine's queues.
type JobList struct {
	Jobs   []investigation.Job `json:"jobs"`
	Queues job.Overview        `json:"queues"`
}

// jobAction runs a command on one job named by its id.
func jobAction(g *globals, use, short string, act func(ctx context.Context, m *job.Manager, id int64) (investigation.Job, error)) *cobra.Command {
	return &cobra.Command{
		Use:   use + " ID",
		Short: short,
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usagef("job id %q: want a number", args[0])
			}
			ctx := cmd.Context()
			m, done, err := g.openJobs(ctx)
			if err != nil {
				return err
			}
			defer done()
			j, err := act(ctx, m, id)
			if err != nil {
				return classify(err, "'vibora jobs list' shows the jobs")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(j)
			}
			t := newTable(g.streams.Out)
			for _, kv := range [][2]any{{"Job", j.ID}, {"Kind", j.Kind}, {"Case", j.Case}, {"State", j.State}, {"Cancel requested", j.CancelRequested},
				{"Attempts", j.Attempts}, {"Parameters", string(j.Params)}, {"Submitted", j.CreatedAt + " by " + j.SubmittedBy},
				{"Started", j.StartedAt}, {"Finished", j.FinishedAt}, {"Error", j.Error}} {
				t.Row(kv[0], kv[1])
			}
			if p := j.Progress; p != nil {
				t.Row("Progress", fmt.Sprintf("%d of %d files, %d bytes, %.1f s", p.Files, p.FilesTotal, p.Bytes, p.ElapsedSeconds))
			}
			return t.Flush()
		},
	}
}

func newJobsShowCmd(g *globals) *cobra.Command {
	return jobAction(g, "show", "Show a job: state, attempts, progress, error", func(ctx context.Context, m *job.Manager, id int64) (investigation.Job, error) {
		return m.Get(ctx, id)
	})
}

func newJobsRetryCmd(g *globals) *cobra.Command {
	return jobAction(g, "retry", "Put a failed or cancelled job back in its queue", func(ctx context.Context, m *job.Manager, id int64) (investigation.Job, error) {
		return m.Retry(ctx, id)
	})
}

func newJobsCancelCmd(g *globals) *cobra.Command {
	return jobAction(g, "cancel", "Cancel a queued or running job", func(ctx context.Context, m *job.Manager, id int64) (investigation.Job, error) {
		return m.Cancel(ctx, id)
	})
}
