package cli

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/stealerlog"
)

func newStealerCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "stealer", Short: "Find users of watched sites in leaked infostealer logs"}
	var caseName, passwordsFile, password string
	var opt investigation.StealerScanOptions
	scan := &cobra.Command{
		Use:   "scan --case C --watchlist FILE [--json] PATH...",
		Short: "Scan victim-log folders, archives of them and ULP files for credentials on watched sites",
		Long: `Scan stealer logs (RedLine/META, Vidar, Raccoon, Lumma, StealC, RisePro and a
generic fallback; folders, zip/7z/RAR archives of them, ULP combo files) for
credentials, cookies and history entries on the sites of a watchlist
(domains cover their subdomains; .onion addresses; URL patterns). Each hit
machine becomes a lead of the case with its profile: identifiers, the
logins used on watched sites, and where else the same logins appear.
Passwords are masked unless --keep-passwords.`,
		Args: argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			opt.Paths = args
			if password != "" {
				opt.Passwords = append(opt.Passwords, password)
			}
			if passwordsFile != "" {
				pw, err := readLines(passwordsFile)
				if err != nil {
					return usageError{err}
				}
				opt.Passwords = append(opt.Passwords, pw...)
			}
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			rep, err := s.ScanStealer(ctx, caseName, opt)
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				out := newJSONLines(g.streams.Out)
				for _, p := range rep.Profiles {
					if err := out.Write(investigation.NewStealerProfileView(p)); err != nil {
						return err
					}
				}
			} else {
				newLines(g.streams.Out).Printf("%d victim logs scanned (%s), %d ULP file(s); %d hit machine(s)/login(s) on %d watchlist entries; %d new lead(s)\n",
					rep.Logs.Logs, families(rep.Families), len(rep.ULP), rep.Leads, rep.Watchlist, rep.NewLeads)
				renderStealerProfiles(g, rep.Profiles)
			}
			return stealerProblems(g, rep)
		},
	}
	f := scan.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	f.StringVar(&opt.Watchlist, "watchlist", "", "watchlist file (required)")
	scan.MarkFlagRequired("case")
	scan.MarkFlagRequired("watchlist")
	f.StringVar(&password, "password", "", "password for encrypted archives")
	f.StringVar(&passwordsFile, "passwords-file", "", "file of archive passwords, one per line")
	f.BoolVar(&opt.KeepPasswords, "keep-passwords", false, "store passwords in clear (lawful use only; default masked)")
	cmd.AddCommand(scan)
	return cmd
}

// stealerProblems reports on stderr what a scan could not read (archives
// that did not open, files encrypted without the password, corrupt, cut at
// the size cap or past the file cap) and how ULP files were decoded, and
// turns any loss into exit code 1: a scan that lost content never passes
// for "0 hits".
func stealerProblems(g *globals, rep investigation.StealerScanReport) error {
	e := newLines(g.streams.Err)
	for _, u := range rep.ULP {
		if u.UTF16 {
			e.Printf("vibora: %s: read as %s\n", u.File, u.Encoding)
		}
	}
	for _, msg := range rep.Errors {
		e.Printf("vibora: error: %s\n", msg)
	}
	l := rep.Logs.Losses
	for _, w := range rep.Logs.Problems {
		e.Printf("vibora: %s: %s: %s\n", w.Kind, w.File, w.Reason)
	}
	if n := l.Total() - len(rep.Logs.Problems); n > 0 {
		e.Printf("vibora: ... and %d more\n", n)
	}
	if len(rep.Errors) == 0 && l.Total() == 0 {
		return nil
	}
	msg := fmt.Sprintf("scan incomplete: %d path(s) not read, %d file(s) unreadable (encrypted without the password, or corrupt), %d cut at the size cap, %d skipped past the file cap",
		len(rep.Errors), l.Unreadable, l.Truncated, l.Skipped)
	if l.Unreadable > 0 {
		msg += "\nvibora: hint: give the archive password with --password or --passwords-file"
	}
	return failureError{msg}
}

func families(m map[stealerlog.Family]int) string {
	var parts []string
	for _, f := range sortedFamilies(m) {
		parts = append(parts, fmt.Sprintf("%s %d", f, m[stealerlog.Family(f)]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func sortedFamilies(m map[stealerlog.Family]int) []string {
	var out []string
	for f := range m {
		out = append(out, string(f))
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func renderStealerProfiles(g *globals, ps []*stealerlog.Profile) {
	t := newTable(g.streams.Out, "LOG", "FAMILY", "COUNTRY", "WATCHED", "HITS", "REUSED ELSEWHERE")
	for _, p := range ps {
		l := investigation.NewStealerProfileView(p)
		var hits, reuse []string
		for _, h := range l.Hits {
			hits = append(hits, h.Site+" "+cmp.Or(h.Login, "-"))
		}
		for _, r := range p.Reuse {
			if len(r.OtherSites) > 0 {
				reuse = append(reuse, fmt.Sprintf("%s on %d site(s)", r.Login, len(r.OtherSites)))
			}
		}
		t.Row(p.LogID, p.Family, p.System.Country, p.Rank.WatchedSites, strings.Join(hits, "; "), strings.Join(reuse, "; "))
	}
	t.Flush()
}

func newLeadsCmd(g *globals) *cobra.Command {
	var caseName string
	cmd := &cobra.Command{
		Use:   "leads --case C [--json]",
		Short: "List a case's stealer-log leads, most watched sites first, with the person each joins",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			leads, err := s.Leads(ctx, caseName)
			if err != nil {
				return classify(err, "'vibora case list' shows the cases")
			}
			if g.json {
				return writeAll(g.streams.Out, leads)
			}
			t := newTable(g.streams.Out, "LOG", "FAMILY", "COUNTRY", "IP", "MACHINE", "WATCHED", "PERSON", "SITES")
			for _, l := range leads {
				var sites []string
				if l.Profile != nil {
					for _, s := range l.Profile.Sites {
						sites = append(sites, s.Entry.Pattern)
					}
				}
				t.Row(l.LogID, l.Family, l.Country, l.IP, strings.Trim(l.Machine+"/"+l.OSUser, "/"), l.WatchedSites, strings.TrimSpace(l.Person+" "+l.PersonName), strings.Join(sites, " "))
			}
			return t.Flush()
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	return cmd
}
