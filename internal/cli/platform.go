package cli

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/platform"
	"github.com/vibora-project/vibora/internal/platform/dump"
)

func newPlatformCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "platform", Short: "Import a seized platform's database: users, logins, uploads, payments"}
	mapping := &cobra.Command{Use: "mapping", Short: "Mapping files: which tables and columns hold what (docs/platform.md)"}
	var name, out string
	suggest := &cobra.Command{
		Use:   "suggest [--name NAME] [-o MAP.yaml] DUMP...",
		Short: "Propose a mapping file from a dump's schema (column names and value shapes)",
		Long: `Read a dump (MySQL mysqldump text, PostgreSQL plain dump, CSV or TSV exports,
gzip-compressed or not) and propose a mapping file: which table holds users,
logins, uploads, views, messages, payments and deposit addresses, and which
column holds which property. Secret columns (passwords, tokens) and columns
it cannot place are listed as comments. Read and correct the proposal
before an import. Nothing is stored.`,
		Args: argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			var readers []dump.Reader
			for _, p := range args {
				f, err := source.OpenInput(p)
				if err != nil {
					return usageError{err}
				}
				defer f.Close()
				r, err := dump.Open(p, f, "", dump.Limits{})
				if err != nil {
					return usageError{err}
				}
				readers = append(readers, r)
			}
			y, err := platform.Suggest(name, readers)
			if err != nil {
				return err
			}
			if out != "" {
				if err := os.WriteFile(out, y, 0o644); err != nil {
					return err
				}
				return newLines(g.streams.Err).Printf("vibora: mapping proposed in %s\n", out)
			}
			_, err = fmt.Fprint(g.streams.Out, string(y))
			return err
		},
	}
	suggest.Flags().StringVar(&name, "name", "platform", "the platform's name in the mapping")
	suggest.Flags().StringVarP(&out, "output", "o", "", "write the mapping to this file instead of standard output")
	mapping.AddCommand(suggest)
	cmd.AddCommand(mapping, newPlatformImportCmd(g), newPlatformUsersCmd(g), newPlatformLoginsCmd(g), newPlatformTagPackCmd(g))
	return cmd
}

func newPlatformImportCmd(g *globals) *cobra.Command {
	var caseName string
	var opt investigation.PlatformImportOptions
	cmd := &cobra.Command{
		Use:   "import --case C --name NAME --mapping MAP.yaml [--json] DUMP...",
		Short: "Import a seized platform's database dumps through a mapping file",
		Long: `Import a seized platform's database: MySQL dumps (mysqldump text), PostgreSQL
plain dumps (COPY blocks; convert a custom-format dump first with
'pg_restore -f plain.sql FILE', which needs no server), CSV or TSV exports
(one table per file, named after it). The mapping file says which tables
and columns hold users, logins, uploads, views, messages, payments and
deposit addresses (docs/platform.md; 'vibora platform mapping suggest'
proposes one). Users become platform users with their identifiers, joined
to the case's people through shared strong identifiers; uploaded and
viewed hashes are matched against the banks; payments become payment
events. The dumps are streamed; a row that cannot be read is recorded with
its file, table, line and column, and the rest is imported (exit code 1).
Rerunning the same import stores nothing twice.`,
		Args: argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			opt.Dumps = args
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			rep, err := s.ImportPlatform(ctx, caseName, opt)
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				if err := newJSONLines(g.streams.Out).Write(rep); err != nil {
					return err
				}
			} else {
				l := newLines(g.streams.Out)
				l.Printf("platform %s: %d row(s) read from %d file(s); %d user(s)\n", rep.Platform, rep.Rows, len(rep.Files), rep.Users)
				for _, e := range slices.Sorted(maps.Keys(rep.Records)) {
					l.Printf("  %-16s %d\n", e, rep.Records[e])
				}
				l.Printf("files: %d row(s) with a hash a bank knows, %d with one no bank knows\n", rep.KnownFiles, rep.UnknownFiles)
				if rep.Payments != nil {
					l.Printf("payments: %d new, %d already stored, %d rejected\n", rep.Payments.New, rep.Payments.Existing, len(rep.Payments.Rejected))
				}
				for _, t := range slices.Sorted(maps.Keys(rep.Unmapped)) {
					l.Printf("not mapped: table %s (%d row(s))\n", t, rep.Unmapped[t])
				}
			}
			e := newLines(g.streams.Err)
			if opt.Exclusive && !rep.Exclusive {
				e.Printf("hint: the store was not the import's alone (another connection had it open, or it is not SQLite): imported through its write-ahead log\n")
			}
			for _, x := range rep.Errors {
				what := "value left out"
				if x.Skipped {
					what = "row skipped"
				}
				e.Printf("vibora: %s line %d table %s column %s: %s (%s)\n", x.File, x.Line, x.Table, x.Column, x.Message, what)
			}
			if !rep.Incomplete() {
				return nil
			}
			return failureError{fmt.Sprintf("import incomplete: %d row(s) skipped, %d value(s) left out (all recorded)", rep.SkippedRows, rep.ValueErrors)}
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	f.StringVar(&opt.Name, "name", "", "the platform's name in the case (default: the mapping's platform)")
	f.StringVar(&opt.Mapping, "mapping", "", "mapping file (required)")
	f.BoolVar(&opt.Exclusive, "exclusive", false, "take the store for the import alone: a SQLite store no other connection has open is written through a rollback journal, each page once (less CPU); other commands and servers wait for the import meanwhile")
	cmd.MarkFlagRequired("case")
	cmd.MarkFlagRequired("mapping")
	return cmd
}

func newPlatformUsersCmd(g *globals) *cobra.Command {
	var caseName, geoip, exchanges string
	var opt investigation.PlatformUsersOptions
	cmd := &cobra.Command{
		Use:   "users --case C [--country CC] [--role uploader|payer|admin|viewer] [--geoip FILE.mmdb] [--json]",
		Short: "Rank the users of a case's seized platforms, with reasons and countries",
		Long: `Rank the users of the case's seized platforms (docs/platform.md): uploaders of
material no bank knows first, then admins, uploaders of known material,
payers, then volume and recency; every score lists its reasons. Users are
attributed to countries through their phone numbers, e-mail domains, a
country the platform recorded and, with --geoip, their login and
registration IPs. A per-country summary follows the list.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			var opts []investigation.Option
			if exchanges != "" {
				o, err := exchangesOption(exchanges)
				if err != nil {
					return err
				}
				opts = append(opts, o)
			}
			if geoip != "" {
				db, err := maxminddb.Open(geoip)
				if err != nil {
					return withHint(usageError{fmt.Errorf("open geoip database: %w", err)}, "give a MaxMind .mmdb file, e.g. GeoLite2-Country.mmdb")
				}
				defer db.Close()
				opts = append(opts, investigation.WithGeoIP(db))
			}
			s, done, err := g.openService(ctx, opts...)
			if err != nil {
				return err
			}
			defer done()
			rep, err := s.PlatformUsers(ctx, caseName, opt)
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(rep)
			}
			return renderPlatformUsers(g.streams.Out, rep)
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	f.StringVar(&opt.Country, "country", "", "only users attributed to this country (ISO code)")
	f.StringVar(&opt.Role, "role", "", "only users with this role: uploader, payer, admin or viewer")
	f.StringVar(&geoip, "geoip", "", "MaxMind database to place login IPs")
	f.StringVar(&exchanges, "exchanges", "", exchangesFlag)
	cmd.MarkFlagRequired("case")
	return cmd
}

// renderPlatformUsers prints the ranked users and the per-country
// summary as `vibora platform users` does.
func renderPlatformUsers(w io.Writer, rep investigation.PlatformUsersReport) error {
	t := newTable(w, "SCORE", "PLATFORM", "ID", "USERNAME", "ROLES", "COUNTRY", "UPLOADS", "NEW", "PAYMENTS", "LAST", "REASONS")
	for _, u := range rep.Users {
		t.Row(fmt.Sprintf("%.1f", u.Score), u.Platform, u.ID, u.Username, strings.Join(u.Roles, ","), u.Country, u.Uploads, u.NewUploads, u.Payments, u.LastActivity, strings.Join(u.Reasons, "; "))
	}
	if err := t.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	ct := newTable(w, "COUNTRY", "USERS", "NEW-MATERIAL", "PAYERS", "ADMINS")
	for _, c := range rep.Countries {
		ct.Row(cmp.Or(c.Country, "(none)"), c.Users, c.NewMaterialUsers, c.Payers, c.Admins)
	}
	return ct.Flush()
}

func newPlatformTagPackCmd(g *globals) *cobra.Command {
	var caseName, out string
	var opt investigation.PlatformTagPackOptions
	cmd := &cobra.Command{
		Use:   "tagpack --case C --platform NAME --creator UNIT --source REF [-o FILE]",
		Short: "Export a platform's deposit addresses as a private GraphSense TagPack",
		Long: `Write the deposit addresses of a seized platform as a private GraphSense
TagPack (is_public: false, confidence forensic_investigation, concept
child_sexual_abuse): each address is tagged as the platform's, never with
the user it was assigned to. --source is free text: use a reference that
does not reveal the case. The export is audited.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			y, err := s.PlatformTagPack(ctx, caseName, opt)
			if err != nil {
				return classify(err, "")
			}
			if out != "" {
				return os.WriteFile(out, y, 0o600)
			}
			_, err = g.streams.Out.Write(y)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	f.StringVar(&opt.Platform, "platform", "", "the platform's name in the case (required)")
	f.StringVar(&opt.Creator, "creator", "", "the creator named in the TagPack: your unit (required)")
	f.StringVar(&opt.Source, "source", "", "the source named in the TagPack (required)")
	f.StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	for _, r := range []string{"case", "platform", "creator", "source"} {
		cmd.MarkFlagRequired(r)
	}
	return cmd
}
