package cli

import (
	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

func newExhibitCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "exhibit", Short: "Register and list seized items"}
	cmd.AddCommand(newExhibitAddCmd(g), newExhibitListCmd(g), newExhibitShowCmd(g), newExhibitOwnerCmd(g))
	return cmd
}

func newExhibitAddCmd(g *globals) *cobra.Command {
	var e investigation.Exhibit
	var caseName string
	cmd := &cobra.Command{
		Use:   "add --case CASE LABEL",
		Short: "Register an exhibit (a seized item) in a case",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			e.Label = args[0]
			e, err = s.AddExhibit(cmd.Context(), caseName, e)
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(e)
			}
			err = newLines(g.streams.Out).Printf("exhibit %s added to case %s\n", e.Label, caseName)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	f.StringVar(&e.Type, "type", "", "phone, computer, storage, cloud account, chat export, other")
	f.StringVar(&e.Description, "description", "", "description")
	f.StringVar(&e.Make, "make", "", "make")
	f.StringVar(&e.Model, "model", "", "model")
	f.StringVar(&e.Serial, "serial", "", "serial number")
	f.StringVar(&e.IMEI, "imei", "", "IMEI")
	f.StringVar(&e.SeizedAt, "seized-at", "", "when it was seized (RFC 3339)")
	f.StringVar(&e.SeizedWhere, "seized-where", "", "where it was seized")
	f.StringVar(&e.SeizedBy, "seized-by", "", "who seized it")
	f.StringVar(&e.LegalAuthority, "legal-authority", "", "legal authority for the seizure")
	return cmd
}

func newExhibitListCmd(g *globals) *cobra.Command {
	var caseName string
	cmd := &cobra.Command{
		Use:   "list --case CASE",
		Short: "List a case's exhibits",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			list, err := s.Exhibits(ctx, caseName)
			if err != nil {
				return classify(err, "'vibora case list' shows the existing cases")
			}
			if g.json {
				return writeAll(g.streams.Out, list)
			}
			t := newTable(g.streams.Out, "EXHIBIT", "TYPE", "MAKE", "MODEL", "SERIAL", "IMEI", "SEIZED", "OWNER")
			for _, e := range list {
				t.Row(e.Label, e.Type, e.Make, e.Model, e.Serial, e.IMEI, e.SeizedAt, e.Owner)
			}
			return t.Flush()
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	return cmd
}

func newExhibitShowCmd(g *globals) *cobra.Command {
	var caseName string
	cmd := &cobra.Command{
		Use:   "show --case CASE LABEL",
		Short: "Show an exhibit and its chain of custody",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, c, done, err := g.openCase(ctx, caseName)
			if err != nil {
				return err
			}
			defer done()
			d, err := s.ExhibitDetail(ctx, caseName, args[0])
			if err != nil {
				return classify(err, "'vibora exhibit list --case "+caseName+"' shows the exhibits")
			}
			e, events := d.Exhibit, d.Custody
			if g.json {
				return newJSONLines(g.streams.Out).Write(d)
			}
			w := g.streams.Out
			t := newTable(w)
			for _, kv := range [][2]string{{"Exhibit", e.Label}, {"Case", c.Name}, {"Type", e.Type}, {"Description", e.Description},
				{"Make", e.Make}, {"Model", e.Model}, {"Serial", e.Serial}, {"IMEI", e.IMEI}, {"Seized at", e.SeizedAt},
				{"Seized where", e.SeizedWhere}, {"Seized by", e.SeizedBy}, {"Legal authority", e.LegalAuthority}, {"Owner", e.Owner}, {"Registered", e.CreatedAt + " by " + e.CreatedBy}} {
				t.Row(kv[0], kv[1])
			}
			t.Flush()
			newLines(w).Println()
			t = newTable(w, "WHEN", "EVENT", "BY", "REASON", "DIGESTS")
			for _, ev := range events {
				t.Row(ev.At, ev.Event, ev.Actor, ev.Reason, ev.Digests)
			}
			return t.Flush()
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	return cmd
}

func newExhibitOwnerCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "owner", Short: "Attribute an exhibit (a seized device) to a person of the case"}
	cmd.AddCommand(newExhibitOwnerSetCmd(g, true), newExhibitOwnerSetCmd(g, false))
	return cmd
}

// newExhibitOwnerSetCmd is "owner set" (set) or "owner clear".
func newExhibitOwnerSetCmd(g *globals, set bool) *cobra.Command {
	var caseName, person string
	use, short := "clear --case CASE LABEL", "Take back an exhibit's attribution to a person"
	if set {
		use, short = "set --case CASE LABEL --person ID", "Attribute an exhibit to a person (an ID of 'vibora suspects'): they hold what is on it"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			e, err := s.SetExhibitOwner(ctx, caseName, args[0], person)
			if err != nil {
				return classify(err, "'vibora suspects --case "+caseName+"' lists the persons, 'vibora exhibit list --case "+caseName+"' the exhibits")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(e)
			}
			if e.Owner == "" {
				return newLines(g.streams.Out).Printf("exhibit %s of case %s is attributed to no one\n", e.Label, caseName)
			}
			return newLines(g.streams.Out).Printf("exhibit %s of case %s attributed to person %s\n", e.Label, caseName, e.Owner)
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	if set {
		f.StringVar(&person, "person", "", "person ID from 'vibora suspects' (P12, L3, A7, U4) (required)")
		cmd.MarkFlagRequired("person")
	}
	return cmd
}
