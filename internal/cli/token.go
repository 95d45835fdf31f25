package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func newTokenCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Create, list and revoke API tokens"}
	cmd.AddCommand(newTokenCreateCmd(g), newTokenListCmd(g), newTokenRevokeCmd(g))
	return cmd
}

// parseLifetime reads a token lifetime: N followed by d (days) or h
// (hours), or a Go duration; 0 for a token that does not expire.
func parseLifetime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days <= 0 || days > 100_000 {
			return 0, usagef("--expires %q: want days such as 90d, a duration such as 12h, or 0 for none", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, usagef("--expires %q: want days such as 90d, a duration such as 12h, or 0 for none", s)
	}
	return d, nil
}

func newTokenCreateCmd(g *globals) *cobra.Command {
	var user, name, expires string
	cmd := &cobra.Command{
		Use:   "create --user NAME",
		Short: "Create an API token, printed once",
		Long: `Create an API token for an account: yours, or one of a user you
administer. The token is printed this once; only its SHA-256 is stored.
Send it as "Authorization: Bearer TOKEN".`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			life, err := parseLifetime(expires)
			if err != nil {
				return err
			}
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			t, err := s.CreateToken(cmd.Context(), user, name, life)
			if err != nil {
				return classify(err, "'vibora user list' shows the accounts you manage")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(t)
			}
			until := "does not expire"
			if t.ExpiresAt != "" {
				until = "expires " + t.ExpiresAt[:min(len(t.ExpiresAt), 19)]
			}
			fmt.Fprintln(g.streams.Err, "vibora: the token is shown this once and is not stored; keep it like a password")
			return newLines(g.streams.Out).Printf("token %d for %s (%s)\n%s\n", t.ID, t.User, until, t.Secret)
		},
	}
	f := cmd.Flags()
	f.StringVar(&user, "user", "", "the account the token acts as")
	f.StringVar(&name, "name", "", "a label to recognise the token by")
	f.StringVar(&expires, "expires", "90d", "lifetime: days (90d), a duration (12h), or 0 for none")
	cmd.MarkFlagRequired("user")
	return cmd
}

func newTokenListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the API tokens you may see (never their secrets)",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			list, err := s.Tokens(cmd.Context())
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				return writeAll(g.streams.Out, list)
			}
			short := func(v string) string { return v[:min(len(v), 19)] }
			t := newTable(g.streams.Out, "ID", "USER", "AGENCY", "NAME", "CREATED", "EXPIRES", "REVOKED", "LAST USED")
			for _, x := range list {
				t.Row(x.ID, x.User, x.Agency, x.Name, short(x.CreatedAt), short(x.ExpiresAt), short(x.RevokedAt), short(x.LastUsedAt))
			}
			return t.Flush()
		},
	}
}

func newTokenRevokeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token: refused from the next request on",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usagef("token id %q: want the number 'vibora token list' shows", args[0])
			}
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			t, err := s.RevokeToken(cmd.Context(), id)
			if err != nil {
				return classify(err, "'vibora token list' shows the tokens you may revoke")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(t)
			}
			return newLines(g.streams.Out).Printf("token %d of %s revoked\n", t.ID, t.User)
		},
	}
}
