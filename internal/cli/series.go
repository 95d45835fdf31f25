package cli

import (
	"errors"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

const seriesHint = "'vibora series list' shows the series you may see"

func newSeriesCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "series",
		Short: "Victim-identification series: from a new-material cluster to ICSE and VICS exports",
		Long: `A series is a new-material cluster of a case (vibora clusters --case C)
turned into a unit for victim identification: a name, flags (victim
identified, offender identified, baseline), the country of production if
known and a contact. Its images travel as hashes only. Series of other
cases, of any agency on the store, whose images match by PDQ are linked,
and both sides see the other's agency, contact and flags (docs/series.md).`,
	}
	cmd.AddCommand(newSeriesCreateCmd(g), newSeriesListCmd(g), newSeriesShowCmd(g), newSeriesShareCmd(g), newSeriesExportCmd(g))
	return cmd
}

func newSeriesCreateCmd(g *globals) *cobra.Command {
	var caseName string
	var cluster int
	var f investigation.SeriesFlags
	cmd := &cobra.Command{
		Use:   "create --case C NAME --cluster ID [--victim-identified] [--offender-identified] [--baseline] [--country CC] [--contact TEXT]",
		Short: "Turn a new-material cluster into a series",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				v, err := s.CreateSeries(cmd.Context(), caseName, args[0], cluster, f)
				if err != nil {
					return classify(err, "'vibora clusters --case "+caseName+"' lists the clusters")
				}
				if g.json {
					return newJSONLines(g.streams.Out).Write(v)
				}
				l := newLines(g.streams.Out)
				l.Printf("series %s of case %s: %d images\n", v.Name, v.Case, v.Members)
				for _, lk := range v.Links {
					l.Printf("linked: %d images match a series of %s (contact %s)\n", lk.Matches, orDash(lk.Agency), orDash(lk.Contact))
				}
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&caseName, "case", "", "the case")
	fl.IntVar(&cluster, "cluster", 0, "the cluster's ID in 'vibora clusters --case C'")
	fl.BoolVar(&f.VictimIdentified, "victim-identified", false, "the victim is identified")
	fl.BoolVar(&f.OffenderIdentified, "offender-identified", false, "the offender is identified")
	fl.BoolVar(&f.Baseline, "baseline", false, "the material is baseline (illegal everywhere)")
	fl.StringVar(&f.Country, "country", "", "the country of production, if known (ISO 3166-1 alpha-2)")
	fl.StringVar(&f.Contact, "contact", "", "whom to contact about the series")
	cmd.MarkFlagRequired("case")
	cmd.MarkFlagRequired("cluster")
	return cmd
}

func newSeriesListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the series of your cases and those shared with your agency",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				list, err := s.SeriesList(cmd.Context())
				if err != nil {
					return classify(err, "")
				}
				if g.json {
					return writeAll(g.streams.Out, list)
				}
				t := newTable(g.streams.Out, "CASE", "SERIES", "IMAGES", "FLAGS", "COUNTRY", "CONTACT")
				for _, v := range list {
					t.Row(v.Case, v.Name, v.Members, seriesFlags(v), orDash(v.Country), orDash(v.Contact))
				}
				return t.Flush()
			})
		},
	}
}

func seriesFlags(v investigation.SeriesSummary) string {
	var f []string
	if v.VictimIdentified {
		f = append(f, "victim-identified")
	}
	if v.OffenderIdentified {
		f = append(f, "offender-identified")
	}
	if v.Baseline {
		f = append(f, "baseline")
	}
	return orDash(strings.Join(f, ","))
}

func newSeriesShowCmd(g *globals) *cobra.Command {
	var caseName string
	cmd := &cobra.Command{
		Use:   "show --case C NAME",
		Short: "Show a series: flags, contact, member hashes, links to other agencies' series",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				v, err := s.Series(cmd.Context(), caseName, args[0])
				if err != nil {
					return classify(err, seriesHint)
				}
				if g.json {
					return newJSONLines(g.streams.Out).Write(v)
				}
				renderSeries(g.streams.Out, v)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "the case")
	cmd.MarkFlagRequired("case")
	return cmd
}

func renderSeries(w io.Writer, v investigation.SeriesView) {
	l := newLines(w)
	l.Printf("SERIES %s  case %s (%s)  %d images  flags %s\n", v.Name, v.Case, orDash(v.Agency), v.Members, seriesFlags(v.SeriesSummary))
	l.Printf("country of production %s, contact %s, shared with %s\n", orDash(v.Country), orDash(v.Contact), joinOrDash(v.SharedWith))
	section(w, "Images (hashes only)")
	t := newTable(w, "SHA256", "MD5", "PDQ", "QUALITY", "EXHIBIT")
	for _, m := range v.MembersList {
		t.Row(m.SHA256, orDash(m.MD5), orDash(m.PDQ), m.PDQQuality, orDash(m.Exhibit))
	}
	t.Flush()
	section(w, "Linked series (images matching by PDQ)")
	t = newTable(w, "AGENCY", "CONTACT", "SERIES", "MATCHES", "MIN DISTANCE", "VICTIM IDENTIFIED")
	for _, lk := range v.Links {
		name := "-"
		if lk.Name != "" {
			name = lk.Case + "/" + lk.Name
		}
		t.Row(orDash(lk.Agency), orDash(lk.Contact), name, lk.Matches, lk.MinDistance, lk.VictimIdentified)
	}
	t.Flush()
}

func newSeriesShareCmd(g *globals) *cobra.Command {
	var caseName, agency string
	cmd := &cobra.Command{
		Use:   "share --case C NAME --agency A",
		Short: "Share a series (hashes, flags, contact) with an agency such as a hub's victim-ID desk",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				v, err := s.ShareSeries(cmd.Context(), caseName, args[0], agency)
				if errors.Is(err, investigation.ErrUnknownAgency) {
					return classify(err, "'vibora agency list' shows the registered agencies")
				}
				if err != nil {
					return classify(err, seriesHint)
				}
				if g.json {
					return newJSONLines(g.streams.Out).Write(v)
				}
				return newLines(g.streams.Out).Printf("series %s of case %s shared with %s\n", v.Name, v.Case, agency)
			})
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "the case")
	cmd.Flags().StringVar(&agency, "agency", "", "the agency to share with")
	cmd.MarkFlagRequired("case")
	cmd.MarkFlagRequired("agency")
	return cmd
}

func newSeriesExportCmd(g *globals) *cobra.Command {
	var caseName, format string
	cmd := &cobra.Command{
		Use:   "export --case C NAME --format icse|vics",
		Short: "Write a series to stdout as an ICSE CSV export or a VICS 2.0 hash list",
		Long: `Write a series to stdout as an ICSE export (semicolon-separated, ICSE's
columns) or a VICS 2.0 #Media hash list: hashes, the series name and its
flags only, never media. The export is audited.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				if _, err := s.ExportSeries(cmd.Context(), caseName, args[0], format, g.streams.Out); err != nil {
					return classify(err, seriesHint)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "the case")
	cmd.Flags().StringVar(&format, "format", "icse", "icse or vics")
	cmd.MarkFlagRequired("case")
	return cmd
}
