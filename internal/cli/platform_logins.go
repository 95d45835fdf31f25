package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

func newPlatformLoginsCmd(g *globals) *cobra.Command {
	var caseName string
	var opt investigation.PlatformLoginsOptions
	cmd := &cobra.Command{
		Use:   "logins --case C [--platform NAME] [--user ID] [--limit N] [--json]",
		Short: "List a case's platform logins: user, IP, time, user agent and the dump row behind each",
		Long: `List the login rows imported from a case's seized platforms, oldest first:
the platform user (the platform's own id), IP, time, user agent and the
source row (file, table, line and byte offset). --user keeps one user's
logins; at most --limit rows are listed per platform, and the total is
printed.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			rep, err := s.PlatformLogins(ctx, caseName, opt)
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(rep)
			}
			t := newTable(g.streams.Out, "PLATFORM", "USER", "TIME", "IP", "USER-AGENT", "SOURCE")
			for _, l := range rep.Logins {
				t.Row(l.Platform, l.User, l.At, l.IP, l.UserAgent, fmt.Sprintf("%s table %s line %d", l.File, l.Table, l.Line))
			}
			if err := t.Flush(); err != nil {
				return err
			}
			return newLines(g.streams.Err).Printf("vibora: %d of %d login(s) listed\n", len(rep.Logins), rep.Total)
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	f.StringVar(&opt.Platform, "platform", "", "only this platform of the case")
	f.StringVar(&opt.User, "user", "", "only this user (the platform's own user id)")
	f.IntVar(&opt.Limit, "limit", investigation.DefaultLoginLimit, "at most this many logins per platform")
	cmd.MarkFlagRequired("case")
	return cmd
}
