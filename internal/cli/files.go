package cli

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

func newFilesCmd(g *globals) *cobra.Command {
	var caseName, exhibit, category string
	var matched, unknown, ignorable, errs bool
	cmd := &cobra.Command{
		Use:   "files --case C [--exhibit E] [--matched|--unknown|--ignorable|--errors] [--category N] [--json]",
		Short: "List a case's files with their triage status and matches",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			ff := investigation.FileQuery{Category: category, Exhibit: exhibit}
			n := 0
			for flag, status := range map[*bool]string{&matched: "matched", &unknown: "unknown", &ignorable: "ignorable", &errs: "error"} {
				if *flag {
					ff.Status = status
					n++
				}
			}
			if n > 1 {
				return usagef("--matched, --unknown, --ignorable and --errors exclude each other")
			}
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			out := newJSONLines(g.streams.Out)
			var t *table
			if !g.json {
				t = newTable(g.streams.Out, "EXHIBIT", "PATH", "SIZE", "TYPE", "STATUS", "MATCHES", "NOTE")
			}
			err = s.Files(ctx, caseName, ff, func(f investigation.FileView) error {
				if g.json {
					return out.Write(f.Entry())
				}
				var ms []string
				for _, m := range f.Matches {
					if m.Kind == "vpdq" {
						ms = append(ms, fmt.Sprintf("%s:%s(vpdq q=%.1f%% c=%.1f%%%s)", m.Bank, cmp.Or(m.NormCategory, m.Category), m.QueryPercent, m.ComparedPercent, seriesNote(m.Series)))
						continue
					}
					ms = append(ms, fmt.Sprintf("%s:%s(%s d=%d)", m.Bank, cmp.Or(m.NormCategory, m.Category), m.Kind, m.Distance))
				}
				note := f.Error
				if note == "" && f.Warnings != "" {
					note = "warning: " + strings.ReplaceAll(f.Warnings, "\n", "; ")
				}
				t.Row(f.Exhibit, f.Path, f.Size, f.MediaType, f.Status, strings.Join(ms, " "), note)
				return nil
			})
			if err != nil {
				return classify(err, "'vibora case list' shows the cases")
			}
			if t != nil {
				return t.Flush()
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	f.StringVar(&exhibit, "exhibit", "", "only this exhibit")
	f.BoolVar(&matched, "matched", false, "only files matched in a bank (not ignorable)")
	f.BoolVar(&unknown, "unknown", false, "only files in no bank")
	f.BoolVar(&ignorable, "ignorable", false, "only files in ignorable banks")
	f.BoolVar(&errs, "errors", false, "only files that could not be processed")
	f.StringVar(&category, "category", "", "only files matched with this category (as given, or normalised)")
	return cmd
}

// seriesNote is " series S", or "" without a series.
func seriesNote(s string) string {
	if s == "" {
		return ""
	}
	return " series " + s
}
