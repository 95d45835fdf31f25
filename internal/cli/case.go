package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

func newCaseCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "case", Short: "Create, list and report on cases"}
	cmd.AddCommand(newCaseCreateCmd(g), newCaseListCmd(g), newCaseShowCmd(g), newCaseReportCmd(g),
		newCaseShareCmd(g), newCaseUnshareCmd(g), newCaseMemberCmd(g))
	return cmd
}

func newCaseCreateCmd(g *globals) *cobra.Command {
	var c investigation.Case
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create a case",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			c.Name = args[0]
			c, err = s.CreateCase(cmd.Context(), c)
			if errors.Is(err, investigation.ErrUnknownAgency) {
				return classify(err, "this store has agencies: 'vibora agency list' shows them, 'vibora agency add' registers one")
			}
			if err != nil {
				return classify(err, "case names are unique; 'vibora case list' shows the existing ones")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(c)
			}
			err = newLines(g.streams.Out).Printf("case %s created\n", c.Name)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&c.Agency, "agency", "", "agency leading the case")
	f.StringVar(&c.Country, "country", "", "country of the agency (ISO 3166 alpha-2)")
	f.StringVar(&c.Operation, "operation", "", "operation name")
	f.StringVar(&c.LegalRef, "legal-ref", "", "legal reference (warrant, file number)")
	return cmd
}

func newCaseListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List cases",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			cases, err := s.Cases(cmd.Context())
			if err != nil {
				return err
			}
			if g.json {
				return writeAll(g.streams.Out, cases)
			}
			t := newTable(g.streams.Out, "CASE", "AGENCY", "COUNTRY", "OPERATION", "CREATED", "BY")
			for _, c := range cases {
				t.Row(c.Name, c.Agency, c.Country, c.Operation, c.CreatedAt[:min(len(c.CreatedAt), 19)], c.CreatedBy)
			}
			return t.Flush()
		},
	}
}
