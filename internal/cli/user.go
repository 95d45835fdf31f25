package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/auth/secret"
	"github.com/vibora-project/vibora/internal/investigation"
)

func newUserCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage the accounts of a hub"}
	cmd.AddCommand(newUserAddCmd(g), newUserListCmd(g), newUserPasswdCmd(g), newUserDisableCmd(g), newUserEnableCmd(g), newUserRoleCmd(g), newUserLinkCmd(g))
	return cmd
}

// userSecret is what user add and user passwd print: the user, and the
// password when Vibora generated it (shown this once, never stored).
type userSecret struct {
	User     investigation.User `json:"user"`
	Password string             `json:"password,omitempty"`
}

// readPassword returns the password to set: the first line of stdin with
// --password-stdin, else a generated one (generated reports which).
func (g *globals) readPassword(fromStdin bool) (password string, generated bool, err error) {
	if !fromStdin {
		return secret.GeneratePassword(), true, nil
	}
	line, err := bufio.NewReaderSize(io.LimitReader(g.streams.In, 4096), 4096).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("read password from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", false, usagef("--password-stdin: stdin holds no password")
	}
	return line, false, nil
}

func (g *globals) printUserSecret(us userSecret, what string) error {
	if g.json {
		return newJSONLines(g.streams.Out).Write(us)
	}
	l := newLines(g.streams.Out)
	if err := l.Printf("user %s (%s, %s) %s\n", us.User.Name, us.User.Agency, us.User.Role, what); err != nil {
		return err
	}
	if us.Password != "" {
		fmt.Fprintln(g.streams.Err, "vibora: the password is shown this once and is not stored; hand it over securely")
		return l.Printf("password: %s\n", us.Password)
	}
	return nil
}

func newUserAddCmd(g *globals) *cobra.Command {
	var nu investigation.NewUser
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "add NAME --agency A --role R",
		Short: "Add an account",
		Long: `Add an account to an agency with a role: hub-admin, agency-admin, analyst
or viewer. Without --password-stdin a strong password is generated and
printed once; only its argon2id hash is stored.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			pw, generated, err := g.readPassword(fromStdin)
			if err != nil {
				return err
			}
			nu.Name, nu.Password = args[0], pw
			u, err := s.AddUser(cmd.Context(), nu)
			if errors.Is(err, investigation.ErrUnknownAgency) {
				return classify(err, "'vibora agency list' shows the registered agencies")
			}
			if err != nil {
				return classify(err, "user names are unique; 'vibora user list' shows the existing ones")
			}
			us := userSecret{User: u}
			if generated {
				us.Password = pw
			}
			return g.printUserSecret(us, "added")
		},
	}
	f := cmd.Flags()
	f.StringVar(&nu.Agency, "agency", "", "agency of the user")
	f.StringVar(&nu.Role, "role", "", "role: hub-admin, agency-admin, analyst or viewer")
	f.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of stdin (at least 12 characters)")
	cmd.MarkFlagRequired("agency")
	cmd.MarkFlagRequired("role")
	return cmd
}

func newUserListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the accounts you manage",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			list, err := s.Users(cmd.Context())
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				return writeAll(g.streams.Out, list)
			}
			t := newTable(g.streams.Out, "USER", "AGENCY", "ROLE", "STATE", "CREATED", "BY")
			for _, u := range list {
				state := "active"
				switch {
				case u.Disabled:
					state = "disabled"
				case u.LockedUntil != "":
					state = "locked until " + u.LockedUntil[:min(len(u.LockedUntil), 19)]
				}
				t.Row(u.Name, u.Agency, u.Role, state, u.CreatedAt[:min(len(u.CreatedAt), 19)], u.CreatedBy)
			}
			return t.Flush()
		},
	}
}

func newUserPasswdCmd(g *globals) *cobra.Command {
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "passwd NAME",
		Short: "Set an account's password",
		Long: `Set an account's password: your own, or one of a user you administer.
The user's sessions end and any lockout is lifted. Without --password-stdin
a strong password is generated and printed once.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			pw, generated, err := g.readPassword(fromStdin)
			if err != nil {
				return err
			}
			u, err := s.SetPassword(cmd.Context(), args[0], pw)
			if err != nil {
				return classify(err, "'vibora user list' shows the accounts you manage")
			}
			us := userSecret{User: u}
			if generated {
				us.Password = pw
			}
			return g.printUserSecret(us, "has a new password")
		},
	}
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of stdin (at least 12 characters)")
	return cmd
}

func newUserDisableCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "disable NAME",
		Short: "Disable an account: its sessions and tokens are refused at once",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			u, err := s.DisableUser(cmd.Context(), args[0])
			if err != nil {
				return classify(err, "'vibora user list' shows the accounts you manage")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(u)
			}
			return newLines(g.streams.Out).Printf("user %s disabled\n", u.Name)
		},
	}
}

func newUserEnableCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "enable NAME",
		Short: "Enable a disabled account and clear its lockout",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			u, err := s.EnableUser(cmd.Context(), args[0])
			if err != nil {
				return classify(err, "'vibora user list' shows the accounts you manage")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(u)
			}
			return newLines(g.streams.Out).Printf("user %s enabled\n", u.Name)
		},
	}
}

func newUserRoleCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "role NAME ROLE",
		Short: "Change an account's role",
		Long: `Change an account's role to hub-admin, agency-admin, analyst or viewer.
Only a hub administrator makes or unmakes hub administrators, and nobody
changes their own role. The user's sessions end; its API tokens act with
the new role from the next request on.`,
		Args: argsUsage(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			u, err := s.SetRole(cmd.Context(), args[0], args[1])
			if err != nil {
				return classify(err, "roles: hub-admin, agency-admin, analyst, viewer; 'vibora user list' shows the accounts you manage")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(u)
			}
			return newLines(g.streams.Out).Printf("user %s is now %s\n", u.Name, u.Role)
		},
	}
}

func newUserLinkCmd(g *globals) *cobra.Command {
	var issuer, subject string
	cmd := &cobra.Command{
		Use:   "link NAME --issuer URL --subject SUB",
		Short: "Link an account to its OpenID Connect identity",
		Long: `Link an account to the identity its agency's OpenID Connect provider knows
it by: the provider's issuer URL and the user's subject ("sub") there,
never an e-mail address. The account may then log in through the provider.
--subject "" unlinks it. The user's sessions end.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			u, err := s.LinkOIDC(cmd.Context(), args[0], issuer, subject)
			if err != nil {
				return classify(err, "an identity links one account; 'vibora user list' shows the accounts you manage")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(u)
			}
			if u.OIDCSubject == "" {
				return newLines(g.streams.Out).Printf("user %s unlinked from OpenID Connect\n", u.Name)
			}
			return newLines(g.streams.Out).Printf("user %s linked to %s at %s\n", u.Name, u.OIDCSubject, u.OIDCIssuer)
		},
	}
	f := cmd.Flags()
	f.StringVar(&issuer, "issuer", "", "the provider's issuer URL")
	f.StringVar(&subject, "subject", "", "the user's subject at the provider (\"\" unlinks)")
	cmd.MarkFlagRequired("subject")
	return cmd
}
