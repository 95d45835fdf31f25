package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

func newClustersCmd(g *globals) *cobra.Command {
	var caseName string
	var opt investigation.ClusterOptions
	var all bool
	cmd := &cobra.Command{
		Use:   "clusters --case C [--json]",
		Short: "Group a case's unknown images by PDQ: new-material candidates, largest first",
		Long: `Group the unknown images (in no bank) of a case, and near-duplicates of them
in other cases, by PDQ distance (31 or less, transitively). A picture seen
several times, across exhibits or cases, and in no bank is a candidate for
new material: review these first. Images of PDQ quality under 50 are left
out (flat images hash unreliably).`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var err error
			if opt.MaxDistance, err = maxDistanceOption(opt.MaxDistance); err != nil {
				return err
			}
			if opt.MinQuality, err = minQualityOption(cmd, opt.MinQuality); err != nil {
				return err
			}
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			cs, err := s.Clusters(ctx, caseName, opt)
			if err != nil {
				return classify(err, "'vibora case list' shows the cases")
			}
			if g.json {
				out := newJSONLines(g.streams.Out)
				for _, c := range cs {
					if !all && c.Size < 2 {
						continue
					}
					c.OtherCases = nonNil(c.OtherCases)
					if err := out.Write(c); err != nil {
						return err
					}
				}
				return nil
			}
			t := newTable(g.streams.Out, "CLUSTER", "SIZE", "EXHIBITS", "OTHER CASES", "FIRST IMAGE")
			singles := 0
			for _, c := range cs {
				if c.Size < 2 && !all {
					singles++
					continue
				}
				t.Row(c.ID, c.Size, strings.Join(c.Exhibits, " "), otherCases(c), c.Members[0].Exhibit+":"+c.Members[0].Path)
			}
			t.Flush()
			if singles > 0 {
				newLines(g.streams.Out).Printf("\n%d unknown image(s) seen once (--all lists them)\n", singles)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	f.IntVar(&opt.MaxDistance, "max-distance", investigation.DefaultMaxDistance, "largest PDQ distance within a cluster (0-31)")
	f.IntVar(&opt.MinQuality, "min-quality", investigation.DefaultMinQuality, "images of lower PDQ quality are left out (0-100; 0: no gate)")
	f.BoolVar(&all, "all", false, "also list images seen once")
	return cmd
}

// otherCases names the other cases of a cluster the user may read and
// counts the others.
func otherCases(c investigation.Cluster) string {
	s := strings.Join(c.OtherCases, " ")
	if c.OtherCasesUnnamed > 0 {
		s = strings.TrimSpace(fmt.Sprintf("%s also seen in %d other case(s)", s, c.OtherCasesUnnamed))
	}
	return s
}
