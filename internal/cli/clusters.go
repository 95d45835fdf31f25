package cli

import (
	"fmt"
	"strconv"
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
		Short: "Group a case's unknown images by PDQ and videos by vPDQ: new-material candidates, largest first",
		Long: `Group the unknown images (in no bank) of a case, and near-duplicates of them
in other cases, by PDQ distance (31 or less, transitively). A picture seen
several times, across exhibits or cases, and in no bank is a candidate for
new material: review these first. Images of PDQ quality under 50 are left
out (flat images hash unreliably). Unknown videos hashed with vPDQ form
clusters of their own: two join when one matches the other under the vPDQ
rule (q% 80 or more of its unique frame hashes near the other's).`,
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
			t := newTable(g.streams.Out, "CLUSTER", "SIZE", "REVIEW", "EXHIBITS", "OTHER CASES", "FIRST MEMBER")
			singles := 0
			for _, c := range cs {
				if c.Size < 2 && !all {
					singles++
					continue
				}
				first := c.Members[0].Exhibit + ":" + c.Members[0].Path
				if c.Members[0].Video {
					first += " (video)"
				}
				t.Row(c.ID, c.Size, reviewState(c.Review), strings.Join(c.Exhibits, " "), otherCases(c), first)
			}
			t.Flush()
			if singles > 0 {
				newLines(g.streams.Out).Printf("\n%d unknown image(s) or video(s) seen once (--all lists them)\n", singles)
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
	cmd.AddCommand(newClustersMarkCmd(g))
	return cmd
}

// reviewState is a cluster's review state for the table ("-": none).
func reviewState(r *investigation.ClusterReview) string {
	if r == nil {
		return "-"
	}
	return r.State
}

func newClustersMarkCmd(g *globals) *cobra.Command {
	var caseName, note string
	var reviewed, victimID bool
	var opt investigation.ClusterOptions
	cmd := &cobra.Command{
		Use:   "mark CLUSTER --case C --reviewed|--flag-victim-id [--note TEXT]",
		Short: "Mark a cluster reviewed or flagged for victim identification (audited)",
		Long: `Record an analyst's verdict on a cluster: --reviewed, or --flag-victim-id
(the pictures go to victim identification), with an optional --note.
CLUSTER is the number 'vibora clusters' shows (give the same --max-distance
and --min-quality if you changed them there). The review is kept against
the cluster's first image, so it stays with the cluster when new copies
arrive; marking again replaces it, and the audit trail keeps every mark.
Prints the cluster with its review.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if reviewed == victimID {
				return usagef("give one of --reviewed and --flag-victim-id")
			}
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 1 {
				return withHint(usagef("cluster %q: want the cluster's number", args[0]), "'vibora clusters --case C' numbers the clusters")
			}
			if opt.MaxDistance, err = maxDistanceOption(opt.MaxDistance); err != nil {
				return err
			}
			if opt.MinQuality, err = minQualityOption(cmd, opt.MinQuality); err != nil {
				return err
			}
			state := investigation.ClusterReviewed
			if victimID {
				state = investigation.ClusterVictimID
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
			if n > len(cs) {
				return withHint(usagef("case %s has no cluster %d", caseName, n), "'vibora clusters --case C --all' lists every cluster")
			}
			c := cs[n-1]
			r, err := s.MarkCluster(ctx, caseName, c.Members[0].FileID, state, note)
			if err != nil {
				return classify(err, "")
			}
			c.Review = &r
			if g.json {
				c.OtherCases = nonNil(c.OtherCases)
				return newJSONLines(g.streams.Out).Write(c)
			}
			return newLines(g.streams.Out).Printf("cluster %d of case %s (%d images, first %s:%s) marked %s\n", c.ID, caseName, c.Size, c.Members[0].Exhibit, c.Members[0].Path, r.State)
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	f.BoolVar(&reviewed, "reviewed", false, "the cluster was reviewed")
	f.BoolVar(&victimID, "flag-victim-id", false, "flag the cluster for victim identification")
	f.StringVar(&note, "note", "", "a note kept with the review (up to 4096 bytes)")
	f.IntVar(&opt.MaxDistance, "max-distance", investigation.DefaultMaxDistance, "as given to 'vibora clusters' (0-31)")
	f.IntVar(&opt.MinQuality, "min-quality", investigation.DefaultMinQuality, "as given to 'vibora clusters' (0-100)")
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
