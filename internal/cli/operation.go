package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/operation"
)

const operationHint = "'vibora operation list' shows the operations you may see"

func newOperationCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "operation",
		Short: "Operations across agencies: partners, cases, suspect statuses to the arrest, the report",
		Long: `An operation groups cases of several agencies under a lead agency, with
partner agencies and coordinators (an INTERPOL or Europol desk). Every
suspect, a person of one of its cases named CASE/PERSON (vibora suspects
--case CASE lists them), moves through statuses from candidate to the
outcome of a national investigation; each change records who, when, why and
the evidence. 'operation report' counts it all as of a day.`,
	}
	cmd.AddCommand(newOperationCreateCmd(g), newOperationListCmd(g), newOperationShowCmd(g), newOperationAddCaseCmd(g),
		newOperationAddPartnerCmd(g), newOperationStatusCmd(g), newOperationSeizedCmd(g), newOperationSafeguardedCmd(g),
		newOperationReportCmd(g))
	return cmd
}

// withService opens the store's service for a command and closes it after
// fn.
func withService(g *globals, cmd *cobra.Command, fn func(s *investigation.Service) error) error {
	s, done, err := g.openService(cmd.Context())
	if err != nil {
		return err
	}
	defer done()
	return fn(s)
}

func newOperationCreateCmd(g *globals) *cobra.Command {
	var lead, contact string
	cmd := &cobra.Command{
		Use:   "create OP [--lead-agency A] [--contact TEXT]",
		Short: "Create an operation led by an agency (yours unless named)",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				o, err := s.CreateOperation(cmd.Context(), args[0], lead, contact)
				if errors.Is(err, investigation.ErrUnknownAgency) {
					return classify(err, "'vibora agency list' shows the registered agencies")
				}
				if err != nil {
					return classify(err, "")
				}
				if g.json {
					return newJSONLines(g.streams.Out).Write(o)
				}
				if o.LeadAgency == "" {
					return newLines(g.streams.Out).Printf("operation %s created\n", o.Name)
				}
				return newLines(g.streams.Out).Printf("operation %s created, led by %s\n", o.Name, o.LeadAgency)
			})
		},
	}
	cmd.Flags().StringVar(&lead, "lead-agency", "", "the lead agency (default: yours)")
	cmd.Flags().StringVar(&contact, "contact", "", "the lead agency's contact for the operation")
	return cmd
}

func newOperationListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the operations your agency leads or takes part in",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				list, err := s.Operations(cmd.Context())
				if err != nil {
					return classify(err, "")
				}
				if g.json {
					return writeAll(g.streams.Out, list)
				}
				t := newTable(g.streams.Out, "OPERATION", "LEAD", "CREATED", "BY")
				for _, o := range list {
					t.Row(o.Name, orDash(o.LeadAgency), o.CreatedAt, o.CreatedBy)
				}
				return t.Flush()
			})
		},
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func newOperationShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show OP",
		Short: "Show an operation: agencies, cases, suspects with their status, seizures",
		Long: `Show an operation: its agencies with their contacts, its cases, and the
suspects and tallies of the cases you may read (the others are counted,
not shown). --json prints each suspect's whole status history.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				o, err := s.Operation(cmd.Context(), args[0])
				if err != nil {
					return classify(err, operationHint)
				}
				if g.json {
					return newJSONLines(g.streams.Out).Write(o)
				}
				renderOperation(g.streams.Out, o)
				return nil
			})
		},
	}
}

func renderOperation(w io.Writer, o investigation.Operation) {
	newLines(w).Printf("OPERATION %s  lead %s  created %s by %s\n", o.Name, orDash(o.LeadAgency), o.CreatedAt, o.CreatedBy)
	section(w, "Agencies")
	t := newTable(w, "AGENCY", "ROLE", "COUNTRY", "CONTACT")
	for _, a := range o.Agencies {
		t.Row(a.Agency, a.Role, orDash(a.Country), orDash(a.Contact))
	}
	t.Flush()
	section(w, "Cases")
	t = newTable(w, "CASE", "AGENCY", "ADDED", "BY")
	for _, c := range o.Cases {
		t.Row(c.Case, orDash(c.Agency), c.CreatedAt, c.CreatedBy)
	}
	t.Flush()
	if o.HiddenCases > 0 {
		newLines(w).Printf("(%d more cases you may not read; their suspects are not shown)\n", o.HiddenCases)
	}
	section(w, "Suspects")
	t = newTable(w, "SUSPECT", "ROLE", "STATUS", "COUNTRY", "SINCE", "WHY")
	for _, x := range o.Suspects {
		last := investigation.StatusChange{}
		if n := len(x.History); n > 0 {
			last = x.History[n-1]
		}
		t.Row(x.Suspect, orDash(x.Role), x.Status, orDash(x.Country), last.Day, last.Why)
	}
	t.Flush()
	if len(o.Tallies) > 0 {
		section(w, "Devices seized and victims safeguarded")
		t = newTable(w, "DAY", "SUSPECT", "DEVICES", "VICTIMS", "NOTE")
		for _, tl := range o.Tallies {
			t.Row(tl.Day, orDash(tl.Suspect), tl.Devices, tl.Victims, tl.Note)
		}
		t.Flush()
	}
}

func newOperationAddCaseCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "add-case OP CASE",
		Short: "Add a case to an operation (you must administer the case)",
		Args:  argsUsage(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				c, err := s.AddOperationCase(cmd.Context(), args[0], args[1])
				if err != nil {
					return classify(err, operationHint)
				}
				if g.json {
					return newJSONLines(g.streams.Out).Write(c)
				}
				return newLines(g.streams.Out).Printf("case %s added to operation %s\n", c.Case, args[0])
			})
		},
	}
}

func newOperationAddPartnerCmd(g *globals) *cobra.Command {
	var role, contact string
	cmd := &cobra.Command{
		Use:   "add-partner OP AGENCY --role partner|coordinator [--contact TEXT]",
		Short: "Add an agency to an operation as partner or coordinator",
		Long: `Add an agency to an operation as partner (a country's unit) or coordinator
(an INTERPOL or Europol desk), with the contact other agencies reach it
through. Adding again changes the role and contact. The lead agency's
administrators may. The agency sees the operation; it sees the suspects
of a case only when the case is shared with it.`,
		Args: argsUsage(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				a, err := s.AddOperationPartner(cmd.Context(), args[0], args[1], role, contact)
				if errors.Is(err, investigation.ErrUnknownAgency) {
					return classify(err, "'vibora agency list' shows the registered agencies")
				}
				if err != nil {
					return classify(err, operationHint)
				}
				if g.json {
					return newJSONLines(g.streams.Out).Write(a)
				}
				return newLines(g.streams.Out).Printf("%s takes part in operation %s as %s\n", a.Agency, args[0], a.Role)
			})
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "partner or coordinator")
	cmd.Flags().StringVar(&contact, "contact", "", "how to reach the agency for this operation")
	cmd.MarkFlagRequired("role")
	return cmd
}

func newOperationStatusCmd(g *globals) *cobra.Command {
	var req investigation.StatusRequest
	cmd := &cobra.Command{
		Use:   "status OP CASE/PERSON STATUS --why TEXT [--country CC] [--channel C] [--date D] [--evidence REF]",
		Short: "Record a suspect's status change, with the reason and the evidence",
		Long: `Record a suspect's status change. The suspect is a person of one of the
operation's cases, named CASE/PERSON (e.g. op-example/P1). A person enters
as candidate or identified; then attributed (--country), deconflicted,
referral_prepared, referred (--channel, e.g. SIENA or I-24/7), acknowledged,
under_investigation, searched or arrested, charged, convicted or
no_further_action; side exits: already_known, insufficient, declined,
out_of_reach. docs/operations.md has the whole table. --date is the day it
happened (default today); --role records the suspect's role (admin,
moderator, uploader, distributor, payer, viewer; derived from the evidence
when a suspect enters without one).`,
		Args: argsUsage(cobra.ExactArgs(3)),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := operation.ParseStatus(args[2])
			if err != nil {
				return usageError{err}
			}
			req.Status = st
			return withService(g, cmd, func(s *investigation.Service) error {
				x, err := s.SetSuspectStatus(cmd.Context(), args[0], args[1], req)
				if err != nil {
					return classify(err, operationHint)
				}
				if g.json {
					return newJSONLines(g.streams.Out).Write(x)
				}
				where := ""
				if x.Country != "" {
					where = " (" + x.Country + ")"
				}
				return newLines(g.streams.Out).Printf("%s%s is %s in operation %s\n", x.Suspect, where, x.Status, args[0])
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&req.Why, "why", "", "why the status changes")
	f.StringVar(&req.Country, "country", "", "attributed: the country (ISO 3166-1 alpha-2)")
	f.StringVar(&req.Channel, "channel", "", "referred: the channel (SIENA, I-24/7, bilateral, ...)")
	f.StringVar(&req.Date, "date", "", "the day it happened, YYYY-MM-DD (default today)")
	f.StringVar(&req.Evidence, "evidence", "", "a reference to the evidence (exhibit, report)")
	f.StringVar(&req.Package, "package", "", "the referral package it came with")
	f.StringVar(&req.Role, "role", "", "the suspect's role")
	cmd.MarkFlagRequired("why")
	return cmd
}

func newOperationSeizedCmd(g *globals) *cobra.Command {
	var devices int64
	var day, note string
	cmd := &cobra.Command{
		Use:   "seized OP CASE/PERSON --devices N [--date D] [--note TEXT]",
		Short: "Record devices seized from a suspect",
		Args:  argsUsage(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				tl, err := s.RecordTally(cmd.Context(), args[0], args[1], devices, 0, day, note)
				return printTally(g, tl, err, args[0])
			})
		},
	}
	cmd.Flags().Int64Var(&devices, "devices", 0, "how many devices were seized")
	cmd.Flags().StringVar(&day, "date", "", "the day, YYYY-MM-DD (default today)")
	cmd.Flags().StringVar(&note, "note", "", "a note")
	cmd.MarkFlagRequired("devices")
	return cmd
}

func newOperationSafeguardedCmd(g *globals) *cobra.Command {
	var victims int64
	var day, note string
	cmd := &cobra.Command{
		Use:   "safeguarded OP [CASE/PERSON] --victims N [--date D] [--note TEXT]",
		Short: "Record victims safeguarded, in a suspect's case or in the operation",
		Args:  argsUsage(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref := ""
			if len(args) == 2 {
				ref = args[1]
			}
			return withService(g, cmd, func(s *investigation.Service) error {
				tl, err := s.RecordTally(cmd.Context(), args[0], ref, 0, victims, day, note)
				return printTally(g, tl, err, args[0])
			})
		},
	}
	cmd.Flags().Int64Var(&victims, "victims", 0, "how many victims were safeguarded")
	cmd.Flags().StringVar(&day, "date", "", "the day, YYYY-MM-DD (default today)")
	cmd.Flags().StringVar(&note, "note", "", "a note")
	cmd.MarkFlagRequired("victims")
	return cmd
}

func printTally(g *globals, tl investigation.OperationTally, err error, op string) error {
	if err != nil {
		return classify(err, operationHint)
	}
	if g.json {
		return newJSONLines(g.streams.Out).Write(tl)
	}
	who := "operation " + op
	if tl.Suspect != "" {
		who = tl.Suspect + " in operation " + op
	}
	if tl.Devices > 0 {
		return newLines(g.streams.Out).Printf("%d devices seized: %s (%s)\n", tl.Devices, who, tl.Day)
	}
	return newLines(g.streams.Out).Printf("%d victims safeguarded: %s (%s)\n", tl.Victims, who, tl.Day)
}

func newOperationReportCmd(g *globals) *cobra.Command {
	var asOf, csvPath string
	cmd := &cobra.Command{
		Use:   "report OP [--as-of DATE] [--csv FILE]",
		Short: "The operation report so far: countries, people by country, role and week, the funnel",
		Long: `Compute the operation report from the recorded statuses as of a day
(default: everything recorded): participating countries, suspects
identified, referred and arrested by country, role and ISO week, devices
seized, victims safeguarded, referral packages sent and acknowledged, and
per country the funnel from identified to arrested with the status where
most suspects wait (where referrals stall). Only the suspects of cases
you may read are counted. --csv FILE also writes the per-country table.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				rep, err := s.OperationReport(cmd.Context(), args[0], asOf)
				if err != nil {
					return classify(err, operationHint)
				}
				if csvPath != "" {
					if err := writeReportCSV(csvPath, rep); err != nil {
						return err
					}
				}
				if g.json {
					return newJSONLines(g.streams.Out).Write(rep)
				}
				renderOperationReport(g.streams.Out, rep)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&asOf, "as-of", "", "count what happened up to this day, YYYY-MM-DD")
	cmd.Flags().StringVar(&csvPath, "csv", "", "also write the per-country table to FILE as CSV")
	return cmd
}

func writeReportCSV(path string, rep operation.Report) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("report csv: %w", err)
	}
	if err := operation.WriteCSV(f, rep); err != nil {
		f.Close()
		return fmt.Errorf("report csv %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("report csv %s: %w", path, err)
	}
	return nil
}

func countryName(cc string) string {
	if cc == operation.Unattributed {
		return "(unattributed)"
	}
	return cc
}

func renderOperationReport(w io.Writer, r operation.Report) {
	asOf := r.AsOf
	if asOf == "" {
		asOf = "everything recorded"
	}
	l := newLines(w)
	l.Printf("OPERATION REPORT  %s  as of %s\n", r.Operation, asOf)
	l.Printf("participating countries: %s\n", joinOrDash(r.ParticipatingCountries))
	l.Printf("countries with referrals: %s\n", joinOrDash(r.ReferralCountries))
	tt := r.Totals
	l.Printf("suspects %d: identified %d, referred %d, acknowledged %d, searched %d, arrested %d, charged %d, convicted %d\n",
		tt.Suspects, tt.Identified, tt.Referred, tt.Acknowledged, tt.Searched, tt.Arrested, tt.Charged, tt.Convicted)
	l.Printf("devices seized %d, victims safeguarded %d, referral packages sent %d (acknowledged %d)\n",
		tt.DevicesSeized, tt.VictimsSafeguarded, tt.PackagesSent, tt.PackagesAcknowledged)

	section(w, "Funnel by country")
	t := newTable(w, "COUNTRY", "IDENTIFIED", "ATTRIBUTED", "REFERRED", "ACKNOWLEDGED", "ARRESTED", "EXITED", "STALLED AT")
	for _, f := range r.Funnel {
		t.Row(countryName(f.Country), f.Identified, f.Attributed, f.Referred, f.Acknowledged, f.Arrested, f.Exited, orDash(string(f.StalledAt)))
	}
	t.Flush()
	section(w, "By country")
	t = newTable(w, "COUNTRY", "IDENTIFIED", "REFERRED", "ARRESTED", "DEVICES", "VICTIMS")
	for _, c := range r.ByCountry {
		t.Row(countryName(c.Country), c.Identified, c.Referred, c.Arrested, c.DevicesSeized, c.VictimsSafeguarded)
	}
	t.Flush()
	section(w, "By role")
	t = newTable(w, "ROLE", "IDENTIFIED", "REFERRED", "ARRESTED")
	for _, c := range r.ByRole {
		t.Row(orDash(c.Role), c.Identified, c.Referred, c.Arrested)
	}
	t.Flush()
	section(w, "By week")
	t = newTable(w, "WEEK", "IDENTIFIED", "REFERRED", "ARRESTED")
	for _, c := range r.ByWeek {
		t.Row(c.Week, c.Identified, c.Referred, c.Arrested)
	}
	t.Flush()
	section(w, "Statuses now")
	t = newTable(w, "STATUS", "SUSPECTS")
	for _, s := range r.Statuses {
		t.Row(s.Status, strconv.Itoa(s.Count))
	}
	t.Flush()
}

func joinOrDash(list []string) string {
	if len(list) == 0 {
		return "-"
	}
	out := list[0]
	for _, s := range list[1:] {
		out += ", " + s
	}
	return out
}
