package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/store"
)

func newCaseShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show a case, its exhibits and their chain of custody",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, c, done, err := g.openCase(ctx, args[0])
			if err != nil {
				return err
			}
			defer done()
			exhibits, err := s.DB().Exhibits(ctx, c.ID)
			if err != nil {
				return err
			}
			events, err := s.DB().CustodyEvents(ctx, c.ID, 0)
			if err != nil {
				return err
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(struct {
					store.Case
					Exhibits []store.Exhibit      `json:"exhibits"`
					Custody  []store.CustodyEvent `json:"custody"`
				}{c, nonNil(exhibits), nonNil(events)})
			}
			w := g.streams.Out
			fmt.Fprintf(w, "Case       %s\nAgency     %s\nCountry    %s\nOperation  %s\nLegal ref  %s\nCreated    %s by %s\n\n",
				c.Name, c.Agency, c.Country, c.Operation, c.LegalRef, c.CreatedAt, c.CreatedBy)
			t := newTable(w, "EXHIBIT", "TYPE", "DESCRIPTION", "SEIZED", "BY")
			for _, e := range exhibits {
				t.Row(e.Label, e.Type, e.Description, e.SeizedAt, e.SeizedBy)
			}
			t.Flush()
			fmt.Fprintln(w)
			labels := map[int64]string{}
			for _, e := range exhibits {
				labels[e.ID] = e.Label
			}
			t = newTable(w, "WHEN", "EVENT", "EXHIBIT", "BY", "REASON", "DIGESTS")
			for _, e := range events {
				t.Row(e.At, e.Event, labels[e.ExhibitID], e.Actor, e.Reason, e.Digests)
			}
			return t.Flush()
		},
	}
}

// nonNil turns a nil slice into an empty one so JSON shows [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
