package cli

import (
	"github.com/spf13/cobra"
)

func newAgencyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "agency", Short: "Register and list the agencies of a hub"}
	cmd.AddCommand(newAgencyAddCmd(g), newAgencyListCmd(g), newAgencyContactCmd(g))
	return cmd
}

func newAgencyAddCmd(g *globals) *cobra.Command {
	var country string
	cmd := &cobra.Command{
		Use:   "add NAME --country CC",
		Short: "Register an agency (hub administrators)",
		Long: `Register an agency: the owner of its cases and of its users' accounts.
Once a store has agencies, a new case must name one of them.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			a, err := s.AddAgency(cmd.Context(), args[0], country)
			if err != nil {
				return classify(err, "agency names are unique; 'vibora agency list' shows the registered ones")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(a)
			}
			return newLines(g.streams.Out).Printf("agency %s (%s) added\n", a.Name, a.Country)
		},
	}
	cmd.Flags().StringVar(&country, "country", "", "country of the agency (ISO 3166 alpha-2, such as NL)")
	cmd.MarkFlagRequired("country")
	return cmd
}

func newAgencyListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List agencies",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			list, err := s.Agencies(cmd.Context())
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				return writeAll(g.streams.Out, list)
			}
			t := newTable(g.streams.Out, "AGENCY", "COUNTRY", "CREATED", "BY")
			for _, a := range list {
				t.Row(a.Name, a.Country, a.CreatedAt[:min(len(a.CreatedAt), 19)], a.CreatedBy)
			}
			return t.Flush()
		},
	}
}
