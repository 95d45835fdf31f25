package cli

import (
	"github.com/spf13/cobra"
)

func newAgencyContactCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "contact NAME TEXT",
		Short: "Record whom other agencies contact about a deconfliction match",
		Long: `Record the agency's contact for deconfliction: the desk, officer or
channel another agency is told to contact when its case holds an
identifier or media hash one of this agency's cases holds. Notices and
token files carry it; nothing else about the case.`,
		Args: argsUsage(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			if err := s.SetAgencyContact(cmd.Context(), args[0], args[1]); err != nil {
				return classify(err, "'vibora agency list' shows the agencies")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(map[string]string{"agency": args[0], "contact": args[1]})
			}
			return newLines(g.streams.Out).Printf("agency %s: contact recorded\n", args[0])
		},
	}
}
