package cli

import (
	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the Vibora version",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			v := investigation.NewVersionInfo(Version)
			if g.json {
				return newJSONLines(g.streams.Out).Write(v)
			}
			err := newLines(g.streams.Out).Printf("vibora %s (%s %s/%s)\n", v.Version, v.Go, v.OS, v.Arch)
			return err
		},
	}
}
