package cli

import (
	"github.com/spf13/cobra"
)

func newCaseShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show a case, its exhibits and their chain of custody",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			d, err := s.CaseDetail(ctx, args[0])
			if err != nil {
				return classify(err, "'vibora case list' shows the existing cases")
			}
			c, exhibits, events := d.Case, d.Exhibits, d.Custody
			if g.json {
				return newJSONLines(g.streams.Out).Write(d)
			}
			w := g.streams.Out
			newLines(w).Printf("Case       %s\nAgency     %s\nCountry    %s\nOperation  %s\nLegal ref  %s\nCreated    %s by %s\n\n",
				c.Name, c.Agency, c.Country, c.Operation, c.LegalRef, c.CreatedAt, c.CreatedBy)
			t := newTable(w, "EXHIBIT", "TYPE", "DESCRIPTION", "SEIZED", "BY")
			for _, e := range exhibits {
				t.Row(e.Label, e.Type, e.Description, e.SeizedAt, e.SeizedBy)
			}
			t.Flush()
			newLines(w).Println()
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
