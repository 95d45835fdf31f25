package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/investigation"
)

// openServiceGeoIP opens the service, with a MaxMind-format database for
// attribution when path is set and the operator's exchange list when
// exchanges is; done closes both.
func (g *globals) openServiceGeoIP(ctx context.Context, path, exchanges string) (*investigation.Service, func(), error) {
	var opts []investigation.Option
	if exchanges != "" {
		o, err := exchangesOption(exchanges)
		if err != nil {
			return nil, nil, err
		}
		opts = append(opts, o)
	}
	if path == "" {
		return g.openService(ctx, opts...)
	}
	db, err := maxminddb.Open(path)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("geoip database: %w", err)}
	}
	s, done, err := g.openService(ctx, append(opts, investigation.WithGeoIP(db))...)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return s, func() { done(); db.Close() }, nil
}

// exchangesFlag documents --exchanges.
const exchangesFlag = "CSV of chain,address,exchange,country: addresses known to belong to exchanges place their holders (docs/payments.md)"

// exchangesOption reads the operator's exchange list.
func exchangesOption(path string) (investigation.Option, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usageError{fmt.Errorf("exchange list: %w", err)}
	}
	defer f.Close()
	book, err := identifier.ReadExchangeBook(filepath.Base(path), io.LimitReader(f, 256<<20))
	if err != nil {
		return nil, withHint(usageError{err}, "one line per address: chain,address,exchange,country (e.g. btc,bc1q…,Example Exchange,DE)")
	}
	return investigation.WithExchanges(book), nil
}

func newSuspectsCmd(g *globals) *cobra.Command {
	var caseName, geoip, exchanges string
	cmd := &cobra.Command{
		Use:   "suspects --case C [--json]",
		Short: "Rank the people of a case as suspects, with the facts behind every score",
		Long: `Group a case's chat participants and stealer-log leads into persons (joined
by shared phone numbers, e-mails, platform ids, usernames on one platform,
wallets, hardware ids) and rank them. Distributing known material weighs
most; sharing unknown images is flagged for victim identification;
creators and admins are flagged. See docs/suspects.md for the weights.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openServiceGeoIP(ctx, geoip, exchanges)
			if err != nil {
				return err
			}
			defer done()
			people, err := s.People(ctx, caseName)
			if err != nil {
				return classify(err, "'vibora case list' shows the cases")
			}
			if g.json {
				out := newJSONLines(g.streams.Out)
				for _, p := range people {
					if err := out.Write(p.Suspect()); err != nil {
						return err
					}
				}
				return nil
			}
			renderSuspects(g, people, 0)
			return nil
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	cmd.Flags().StringVar(&geoip, "geoip", "", "MaxMind-format .mmdb database to place IP addresses")
	cmd.Flags().StringVar(&exchanges, "exchanges", "", exchangesFlag)
	return cmd
}

func renderSuspects(g *globals, people []investigation.Person, limit int) {
	t := newTable(g.streams.Out, "RANK", "ID", "PERSON", "COUNTRY", "SCORE", "KNOWN", "NEW", "SOURCES", "WHY")
	for i, p := range people {
		if limit > 0 && i == limit {
			break
		}
		sources := len(p.Conversations) + len(p.Leads)
		why := ""
		if len(p.Reasons) > 0 {
			why = p.Reasons[0]
			if len(p.Reasons) > 1 {
				why += fmt.Sprintf(" (+%d more)", len(p.Reasons)-1)
			}
		}
		country := "-"
		if len(p.Countries) > 0 {
			country = fmt.Sprintf("%s %.2f", p.Countries[0].Country, p.Countries[0].Confidence)
		}
		t.Row(i+1, p.ID, p.Name, country, fmt.Sprintf("%.1f", p.Score), p.KnownShared, p.NewShared, sources, why)
	}
	t.Flush()
}

func newPersonCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "person", Short: "Show what the evidence says about one person"}
	var caseName, geoip, exchanges string
	show := &cobra.Command{
		Use:   "show --case C PERSON",
		Short: "Show a person: identifiers, sources and why they are one person, activity, shared material, score",
		Long:  "PERSON is a person ID from 'vibora suspects' (P12, L3), a name, or an identifier (phone, e-mail, username).",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openServiceGeoIP(ctx, geoip, exchanges)
			if err != nil {
				return err
			}
			defer done()
			found, err := s.PersonDetail(ctx, caseName, args[0])
			if err != nil {
				return classify(err, "'vibora suspects --case "+caseName+"' lists the people of a case, 'vibora case list' the cases")
			}
			if g.json {
				out := newJSONLines(g.streams.Out)
				for _, p := range found {
					if err := out.Write(p.View()); err != nil {
						return err
					}
				}
				return nil
			}
			w := g.streams.Out
			for _, p := range found {
				newLines(w).Printf("%s  %s  score %.1f\n", p.ID, p.Name, p.Score)
				kv := newTable(w)
				kv.Row("Names", strings.Join(p.Names, ", "))
				kv.Row("Identifiers", strings.Join(p.Identifiers, ", "))
				kv.Row("Conversations", strings.Join(p.Conversations, "; "))
				kv.Row("Stealer-log leads", strings.Join(p.Leads, ", "))
				kv.Row("Roles", joinText(p.Roles, "; "))
				for i, c := range p.Countries {
					label := ""
					if i == 0 {
						label = "Countries"
					}
					var ev []string
					for _, e := range c.Evidence {
						ev = append(ev, e.Identifier+" ("+e.Reason+")")
					}
					kv.Row(label, fmt.Sprintf("%s %.2f: %s", c.Country, c.Confidence, strings.Join(ev, "; ")))
				}
				kv.Row("Activity", fmt.Sprintf("%d messages, %d forwards, %s to %s", p.Messages, p.Forwards, day(p.First), day(p.Last)))
				kv.Row("Membership", fmt.Sprintf("%d join(s), %d departure(s), added %d member(s), invited by %s", p.Joins, p.Departures, p.Invited, strings.Join(p.InvitedBy, ", ")))
				kv.Row("Known material shared", fmt.Sprintf("%d file(s)", p.KnownShared))
				for _, k := range sortedMapKeys(p.KnownSeries) {
					kv.Row("", fmt.Sprintf("%s: %d", k, p.KnownSeries[k]))
				}
				kv.Row("Unknown images shared", fmt.Sprintf("%d (review for victim identification)", p.NewShared))
				kv.Flush()
				if len(p.Links) > 0 {
					newLines(w).Println("\nWhy these sources are one person:")
					for _, l := range p.Links {
						newLines(w).Printf("  - %s\n", l)
					}
				}
				if len(p.PossibleLinks) > 0 {
					newLines(w).Println("\nPossible links (not merged):")
					for _, l := range p.PossibleLinks {
						newLines(w).Printf("  - %s\n", l)
					}
				}
				newLines(w).Println("\nScore:")
				for _, r := range p.Reasons {
					newLines(w).Printf("  %s\n", r)
				}
				newLines(w).Println()
			}
			return nil
		},
	}
	show.Flags().StringVar(&caseName, "case", "", "case name (required)")
	show.Flags().StringVar(&geoip, "geoip", "", "MaxMind-format .mmdb database to place IP addresses")
	show.Flags().StringVar(&exchanges, "exchanges", "", exchangesFlag)
	show.MarkFlagRequired("case")
	cmd.AddCommand(show)
	return cmd
}

func sortedMapKeys(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// joinText joins the sentences of typed values (roles, links).
func joinText[T fmt.Stringer](xs []T, sep string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = x.String()
	}
	return strings.Join(s, sep)
}
