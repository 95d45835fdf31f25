package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newVerifyCmd(g *globals) *cobra.Command {
	var caseName, exhibit string
	var workers int
	cmd := &cobra.Command{
		Use:   "verify --case C --exhibit E",
		Short: "Re-hash an exhibit's sources against its ingest manifest (hashdeep audit)",
		Long: `Re-hash the files of an exhibit's last ingest and compare them with the
stored digests, as hashdeep's audit mode does. Exit 0 when every file
matches, 1 otherwise, listing each changed, missing, new and moved file.
The result is recorded in the chain of custody.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
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
					fmt.Fprintf(w, "CHANGED  %s (was %s, now %s)\n", d.Path, short(d.Was), short(d.Now))
				}
				for _, d := range rep.Missing {
					fmt.Fprintf(w, "MISSING  %s\n", d.Path)
				}
				for _, d := range rep.Moved {
					fmt.Fprintf(w, "MOVED    %s -> %s\n", d.Path, d.MovedTo)
				}
				for _, d := range rep.New {
					fmt.Fprintf(w, "NEW      %s\n", d.Path)
				}
				fmt.Fprintf(w, "matched %d, changed %d, missing %d, new %d, moved %d\n", rep.Matched, len(rep.Changed), len(rep.Missing), len(rep.New), len(rep.Moved))
			}
			if !rep.OK() {
				return failureError{"exhibit does not match its ingest manifest"}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	f.StringVar(&exhibit, "exhibit", "", "exhibit label (required)")
	cmd.MarkFlagRequired("case")
	cmd.MarkFlagRequired("exhibit")
	f.IntVar(&workers, "workers", 0, "parallel workers (default: every core)")
	return cmd
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}
