package cli

import (
	"cmp"
	"io"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

func newPaymentsCmd(g *globals) *cobra.Command {
	var caseName, geoip, exchanges string
	cmd := &cobra.Command{
		Use:   "payments --case C [--json]",
		Short: "List a case's payment events: who paid whom, how much, where, and payees to safeguard",
		Long: `List the payment events of a case: those found in chat messages (an amount
near an IBAN, a card, a payment handle or a crypto address, in a message or
its reply) and those imported from a seized platform's database. Each side
shows its person and country where the evidence tells them; a payee in
another country than the payer is flagged as a possible victim to
safeguard. See docs/payments.md.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openServiceGeoIP(ctx, geoip, exchanges)
			if err != nil {
				return err
			}
			defer done()
			list, err := s.Payments(ctx, caseName)
			if err != nil {
				return classify(err, "'vibora case list' shows the cases")
			}
			if g.json {
				return writeAll(g.streams.Out, list)
			}
			return renderPayments(g.streams.Out, list)
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	cmd.Flags().StringVar(&geoip, "geoip", "", "MaxMind-format .mmdb database to place IP addresses")
	cmd.Flags().StringVar(&exchanges, "exchanges", "", exchangesFlag)
	cmd.AddCommand(newPaymentsScanCmd(g))
	return cmd
}

// renderPayments prints payment events as the table of `vibora payments`.
func renderPayments(w io.Writer, list []investigation.PaymentView) error {
	t := newTable(w, "AT", "PAYER", "PAYEE", "AMOUNT", "METHOD", "SOURCE", "FLAG")
	for _, p := range list {
		flag := ""
		if p.CrossBorder {
			flag = "safeguard: " + p.Payee.Country + " payee"
		}
		t.Row(cmp.Or(p.At, "-"), party(p.Payer), party(p.Payee), cmp.Or(p.Amount+" "+p.Currency, "-"), cmp.Or(p.Method, "-"),
			p.Source+": "+p.SourceRef, flag)
	}
	return t.Flush()
}

// party is one side of a payment in a table cell: name or person,
// identifier, country.
func party(p investigation.PaymentPartyView) string {
	s := cmp.Or(p.Name, p.Person, p.Identifier, "?")
	if p.Person != "" && p.Name != "" {
		s += " (" + p.Person + ")"
	}
	if p.Identifier != "" && s != p.Identifier {
		s += " " + p.Identifier
	}
	if p.Country != "" {
		s += " [" + p.Country + "]"
	}
	return s
}

func newPaymentsScanCmd(g *globals) *cobra.Command {
	var caseName string
	cmd := &cobra.Command{
		Use:   "scan --case C",
		Short: "Find payment events in the stored messages of every conversation of a case",
		Long: `Read the stored messages of a case's conversations and record the payment
events they hold. A chat import does this for its own conversations; run
it for chats imported before. Events already recorded stay as they are.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			res, err := s.DetectPayments(ctx, caseName)
			if err != nil {
				return classify(err, "'vibora case list' shows the cases")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(res)
			}
			out := newLines(g.streams.Out)
			if err := out.Printf("case %s: %d payment event(s) found, %d new, %d already recorded, %d rejected\n", res.Case, res.Events, res.New, res.Existing, len(res.Rejected)); err != nil {
				return err
			}
			for _, r := range res.Rejected {
				if err := out.Printf("rejected %s: %s\n", r.SourceRef, r.Reason); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	return cmd
}
