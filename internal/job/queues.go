package job

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Overview is the engine's queues as operators see them: jobs per queue
// and state (tickets, ingest parts and finish jobs alike), how many
// completed in the last minute, and the latest failures with their
// errors and attempts.
type Overview struct {
	Queues   []QueueStats `json:"queues"`
	Failures []Failure    `json:"failures"`
}

// QueueStats counts one queue's engine jobs by state.
type QueueStats struct {
	Queue     string `json:"queue"`
	Available int64  `json:"available"` // waiting (scheduled and pending included)
	Running   int64  `json:"running"`
	Retryable int64  `json:"retryable"` // failed an attempt, will run again
	Completed int64  `json:"completed"`
	Discarded int64  `json:"discarded"` // failed every attempt
	Cancelled int64  `json:"cancelled"`
	// CompletedLastMinute is the queue's throughput (counted up to
	// 10,000).
	CompletedLastMinute int64 `json:"completed_last_minute"`
}

// Failure is an engine job whose last attempt failed: discarded (for
// good) or retryable (it runs again).
type Failure struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Queue       string `json:"queue"`
	State       string `json:"state"`
	Job         int64  `json:"job,omitempty"` // the vibora job it works for
	Attempt     int    `json:"attempt"`
	MaxAttempts int    `json:"max_attempts"`
	Error       string `json:"error"`
	At          string `json:"at"`
}

// Queues returns the overview, for a principal who may see the queues
// (investigation.Service.CheckQueues).
func (m *Manager) Queues(ctx context.Context) (Overview, error) {
	if err := m.svc.CheckQueues(ctx); err != nil {
		return Overview{}, err
	}
	ov := Overview{Queues: []QueueStats{}, Failures: []Failure{}}
	stats := map[string]*QueueStats{}
	for _, q := range append([]string{river.QueueDefault}, Queues...) {
		stats[q] = &QueueStats{Queue: q}
	}
	rows, err := m.eng.db.QueryContext(ctx, "SELECT queue, state, COUNT(*) FROM river_job GROUP BY queue, state")
	if err != nil {
		return ov, fmt.Errorf("job queues: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var q, state string
		var n int64
		if err := rows.Scan(&q, &state, &n); err != nil {
			return ov, fmt.Errorf("job queues: %w", err)
		}
		s := stats[q]
		if s == nil {
			s = &QueueStats{Queue: q}
			stats[q] = s
		}
		switch rivertype.JobState(state) {
		case rivertype.JobStateRunning:
			s.Running += n
		case rivertype.JobStateRetryable:
			s.Retryable += n
		case rivertype.JobStateCompleted:
			s.Completed += n
		case rivertype.JobStateDiscarded:
			s.Discarded += n
		case rivertype.JobStateCancelled:
			s.Cancelled += n
		default:
			s.Available += n
		}
	}
	if err := rows.Err(); err != nil {
		return ov, fmt.Errorf("job queues: %w", err)
	}
	recent, err := m.eng.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateCompleted).
		OrderBy(river.JobListOrderByFinalizedAt, river.SortOrderDesc).First(10_000))
	if err != nil {
		return ov, fmt.Errorf("job queues: %w", err)
	}
	since := time.Now().Add(-time.Minute)
	for _, j := range recent.Jobs {
		if j.FinalizedAt != nil && j.FinalizedAt.After(since) && stats[j.Queue] != nil {
			stats[j.Queue].CompletedLastMinute++
		}
	}
	for _, s := range stats {
		ov.Queues = append(ov.Queues, *s)
	}
	slices.SortFunc(ov.Queues, func(a, b QueueStats) int {
		return slices.Index(Queues, a.Queue) - slices.Index(Queues, b.Queue)
	})
	failed, err := m.eng.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateDiscarded, rivertype.JobStateRetryable).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(20))
	if err != nil {
		return ov, fmt.Errorf("job queues: %w", err)
	}
	for _, j := range failed.Jobs {
		f := Failure{ID: j.ID, Kind: j.Kind, Queue: j.Queue, State: string(j.State), Job: ticketJob(j), Attempt: j.Attempt, MaxAttempts: j.MaxAttempts}
		if n := len(j.Errors); n > 0 {
			f.Error, f.At = j.Errors[n-1].Error, j.Errors[n-1].At.UTC().Format(time.RFC3339)
		}
		ov.Failures = append(ov.Failures, f)
	}
	return ov, nil
}

// ticketJob is the vibora job an engine job works for (0 if none).
func ticketJob(j *rivertype.JobRow) int64 {
	var a struct {
		Job int64 `json:"job"`
	}
	if json.Unmarshal(j.EncodedArgs, &a) != nil {
		return 0
	}
	return a.Job
}
