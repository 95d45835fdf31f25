package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

func newVerifyCmd(g *globals) *cobra.Command {
	var caseName, exhibit string
	var workers int
	var storeOnly bool
	cmd := &cobra.Command{
		Use:   "verify (--case C --exhibit E | --store)",
		Short: "Re-hash an exhibit's sources against its ingest manifest (hashdeep audit), or check the stored results",
		Long: `Re-hash the files on disk of every root ingested into an exhibit and
compare them with the stored digests, as hashdeep's audit mode does. The
evidence is read as ingest reads it: read-only, without changing access
times, never through a symlink. Exit 0 when every file matches, 1
otherwise, listing each changed, missing, new and moved file. The result
is recorded in the chain of custody.

With --store, check the store instead of the evidence: the audit chain,
then every ingest batch's stored results (file rows with their digests,
statuses and matches) against the digest its audit record holds, so that
results edited in the database are detected. Exit 1 on any difference.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if storeOnly == (caseName != "" || exhibit != "") || !storeOnly && (caseName == "" || exhibit == "") {
				return usagef("give --case and --exhibit, or --store")
			}
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			if storeOnly {
				return verifyStore(ctx, g, s)
			}
			rep, err := s.Verify(ctx, caseName, exhibit, workers)
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				rep.Changed, rep.Missing, rep.New, rep.Moved = nonNil(rep.Changed), nonNil(rep.Missing), nonNil(rep.New), nonNil(rep.Moved)
				if err := newJSONLines(g.streams.Out).Write(rep); err != nil {
					return err
				}
			} else {
				w := g.streams.Out
				for _, d := range rep.Changed {
					newLines(w).Printf("CHANGED  %s (was %s, now %s)\n", d.Path, short(d.Was), short(d.Now))
				}
				for _, d := range rep.Missing {
					newLines(w).Printf("MISSING  %s\n", d.Path)
				}
				for _, d := range rep.Moved {
					newLines(w).Printf("MOVED    %s -> %s\n", d.Path, d.MovedTo)
				}
				for _, d := range rep.New {
					newLines(w).Printf("NEW      %s\n", d.Path)
				}
				newLines(w).Printf("matched %d, changed %d, missing %d, new %d, moved %d\n", rep.Matched, len(rep.Changed), len(rep.Missing), len(rep.New), len(rep.Moved))
			}
			if !rep.OK() {
				return failureError{"exhibit does not match its ingest manifest"}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name")
	f.StringVar(&exhibit, "exhibit", "", "exhibit label")
	f.BoolVar(&storeOnly, "store", false, "check the stored ingest results against the audit trail instead of the evidence")
	f.IntVar(&workers, "workers", 0, "parallel workers (default: every core)")
	return cmd
}

func verifyStore(ctx context.Context, g *globals, s *investigation.Service) error {
	rep, err := s.VerifyStore(ctx)
	if err != nil {
		return classify(err, "")
	}
	if g.json {
		rep.Audit.Problems = nonNil(rep.Audit.Problems)
		if err := newJSONLines(g.streams.Out).Write(rep); err != nil {
			return err
		}
	} else {
		w := g.streams.Out
		for _, p := range rep.Audit.Problems {
			newLines(w).Printf("AUDIT    %s\n", p)
		}
		for _, p := range rep.Bad {
			newLines(w).Printf("CHANGED  ingest %d batch %d (%s): %s\n", p.Ingest, p.Batch, p.Exhibit, p.Problem)
		}
		newLines(w).Printf("audit records %d, ingest batches %d holding %d files checked, %d problems", rep.Audit.Records, rep.Batches, rep.Files, len(rep.Audit.Problems)+len(rep.Bad))
		if rep.Legacy > 0 {
			newLines(w).Printf("; %d files stored before results were sealed not checked", rep.Legacy)
		}
		newLines(w).Println()
	}
	if !rep.OK() {
		return failureError{"stored results do not match the audit trail"}
	}
	return nil
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}
