package cli

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

// caseUnshared is what case unshare prints.
type caseUnshared struct {
	Case   string `json:"case"`
	Agency string `json:"agency"`
}

// caseMemberRemoved is what case member remove prints.
type caseMemberRemoved struct {
	Case string `json:"case"`
	User string `json:"user"`
}

func newCaseShareCmd(g *globals) *cobra.Command {
	var agency, role string
	cmd := &cobra.Command{
		Use:   "share CASE --agency A --role viewer|analyst",
		Short: "Share a case with another agency",
		Long: `Share a case with another agency as viewer (read) or analyst (read and
change its contents). Its users hold that role, capped by their own: a
viewer stays read-only. Sharing again changes the role. An administrator
of the case (of its agency, or a member with the case role admin) may.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			sh, err := s.ShareCase(cmd.Context(), args[0], agency, role)
			if errors.Is(err, investigation.ErrUnknownAgency) {
				return classify(err, "'vibora agency list' shows the registered agencies")
			}
			if err != nil {
				return classify(err, "'vibora case list' shows the cases you may see")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(sh)
			}
			return newLines(g.streams.Out).Printf("case %s shared with %s as %s\n", sh.Case, sh.Agency, sh.Role)
		},
	}
	f := cmd.Flags()
	f.StringVar(&agency, "agency", "", "the agency to share with")
	f.StringVar(&role, "role", "", "viewer or analyst")
	cmd.MarkFlagRequired("agency")
	cmd.MarkFlagRequired("role")
	return cmd
}

func newCaseUnshareCmd(g *globals) *cobra.Command {
	var agency string
	cmd := &cobra.Command{
		Use:   "unshare CASE --agency A",
		Short: "Withdraw a case's share with an agency, effective at once",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			if err := s.UnshareCase(cmd.Context(), args[0], agency); err != nil {
				return classify(err, "'vibora case list' shows the cases you may see")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(caseUnshared{Case: args[0], Agency: agency})
			}
			return newLines(g.streams.Out).Printf("case %s no longer shared with %s\n", args[0], agency)
		},
	}
	cmd.Flags().StringVar(&agency, "agency", "", "the agency the case is shared with")
	cmd.MarkFlagRequired("agency")
	return cmd
}

func newCaseMemberCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "member", Short: "Add and remove members of a case"}
	cmd.AddCommand(newCaseMemberAddCmd(g), newCaseMemberRemoveCmd(g))
	return cmd
}

func newCaseMemberAddCmd(g *globals) *cobra.Command {
	var user, role string
	cmd := &cobra.Command{
		Use:   "add CASE --user U [--role viewer|analyst|admin]",
		Short: "Make a user a member of a case",
		Long: `Make a user, of any agency, a member of a case with a case role: viewer,
analyst or admin (may also share the case and manage its members), capped
by the user's own role. Adding again changes the role.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			m, err := s.AddCaseMember(cmd.Context(), args[0], user, role)
			if err != nil {
				return classify(err, "'vibora case list' shows the cases you may see")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(m)
			}
			return newLines(g.streams.Out).Printf("%s (%s) is a member of case %s as %s\n", m.User, m.Agency, m.Case, m.Role)
		},
	}
	f := cmd.Flags()
	f.StringVar(&user, "user", "", "the user")
	f.StringVar(&role, "role", "viewer", "viewer, analyst or admin")
	cmd.MarkFlagRequired("user")
	return cmd
}

func newCaseMemberRemoveCmd(g *globals) *cobra.Command {
	var user string
	cmd := &cobra.Command{
		Use:   "remove CASE --user U",
		Short: "End a user's membership of a case, effective at once",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			if err := s.RemoveCaseMember(cmd.Context(), args[0], user); err != nil {
				return classify(err, "'vibora case list' shows the cases you may see")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(caseMemberRemoved{Case: args[0], User: user})
			}
			return newLines(g.streams.Out).Printf("%s is no longer a member of case %s\n", user, args[0])
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "the user")
	cmd.MarkFlagRequired("user")
	return cmd
}
