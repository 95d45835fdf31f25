package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/oschwald/maxminddb-golang/v2"
	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/investigation"
)

func newIDCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "id",
		Short: "Extract, normalise and attribute identifiers (phones, e-mails, wallets, …)",
		Long: `Work with identifiers: phone numbers, e-mail addresses, usernames, URLs,
domains, onion services, IP addresses, cryptocurrency addresses (BTC, ETH,
LTC, XMR, TRX, TON), Telegram user ids, IMEIs and HWIDs.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newIDExtractCmd(g), newIDNormalizeCmd(g), newIDAttributeCmd(g))
	return cmd
}

// checkRegion validates a --region flag value (ISO 3166-1 alpha-2).
func checkRegion(region string) (string, error) {
	if region == "" {
		return "", nil
	}
	c, ok := identifier.ParseCountry(region)
	if !ok || len(region) != 2 {
		return "", withHint(usagef("unknown region %q", region), "give an ISO 3166-1 alpha-2 code, e.g. US or ES")
	}
	return c, nil
}

func newIDExtractCmd(g *globals) *cobra.Command {
	var region, platform string
	var withContext bool
	cmd := &cobra.Command{
		Use:   "extract [--json] [--region CC] [--platform P] [--context] FILE|-",
		Short: "List every identifier in a file (or stdin) with its byte offset",
		Long: `Scan a file, or standard input for "-", for identifiers and print each
with its kind, value as found, normalized form and byte offset. Checksummed
kinds are only reported when the checksum verifies. The file is only read.

--region lets national-format phone numbers ("(202) 555-0143") be found.
--platform telegram|discord checks @mentions against that platform's rules
(and finds legacy Discord name#1234 tags).`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := checkRegion(region)
			if err != nil {
				return err
			}
			switch platform {
			case "", identifier.PlatformTelegram, identifier.PlatformDiscord:
			default:
				return usagef("unknown platform %q (want telegram or discord)", platform)
			}
			var r io.Reader = g.streams.In
			name := "stdin"
			if args[0] != "-" {
				f, err := source.OpenInput(args[0])
				if err != nil {
					return withHint(usageError{fmt.Errorf("open input: %w", err)}, "give an existing file, or - for standard input")
				}
				defer f.Close()
				r, name = f, args[0]
			}
			opt := identifier.ExtractOptions{DefaultRegion: reg, Platform: platform, WithContext: withContext}
			var out *jsonLines
			var t *table
			if g.json {
				out = newJSONLines(g.streams.Out)
			} else {
				t = newTable(g.streams.Out, "OFFSET", "KIND", "VALUE", "NORMALIZED")
			}
			errOut := errors.New("write output")
			err = identifier.ExtractReader(r, opt, func(id identifier.Identifier) error {
				if out != nil {
					if err := out.Write(investigation.NewIdentifierView(id)); err != nil {
						return fmt.Errorf("%w: %w", errOut, err)
					}
					return nil
				}
				kind := string(id.Kind)
				if id.Platform != "" {
					kind += "/" + id.Platform
				}
				t.Row(id.Offset, kind, id.Value, id.Normalized)
				return nil
			})
			if t != nil {
				if ferr := t.Flush(); err == nil {
					err = ferr
				}
			}
			if err != nil && !errors.Is(err, errOut) {
				return fmt.Errorf("read %s: %w", name, err)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&region, "region", "", "default region (ISO 3166-1 alpha-2) for phone numbers without a country code")
	cmd.Flags().StringVar(&platform, "platform", "", "where the text comes from: telegram or discord (username rules)")
	cmd.Flags().BoolVar(&withContext, "context", false, "add up to 16 bytes of context on each side (JSON field context)")
	return cmd
}

func kindList() string {
	ks := make([]string, len(identifier.Kinds))
	for i, k := range identifier.Kinds {
		ks[i] = string(k)
	}
	return strings.Join(ks, ", ")
}

func newIDNormalizeCmd(g *globals) *cobra.Command {
	var region string
	cmd := &cobra.Command{
		Use:   "normalize [--json] [--region CC] KIND VALUE",
		Short: "Print the canonical form of an identifier (exit 1 if it is not valid)",
		Long: "Print the canonical form of VALUE as KIND. Kinds: " + kindList() + `.
Exit 1 when VALUE is not a valid identifier of that kind.`,
		Args: argsUsage(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := identifier.Kind(strings.ToLower(args[0]))
			if !identifier.IsKind(kind) {
				return withHint(usagef("unknown kind %q", args[0]), "kinds: "+kindList())
			}
			reg, err := checkRegion(region)
			if err != nil {
				return err
			}
			n, err := identifier.Normalize(kind, args[1], identifier.NormalizeOptions{DefaultRegion: reg})
			if err != nil {
				return failureError{msg: fmt.Sprintf("not a valid %s: %v", kind, err)}
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(investigation.NormalizedIdentifier{Kind: kind, Value: args[1], Normalized: n, Key: identifier.Key(kind, n)})
			}
			err = newLines(g.streams.Out).Println(n)
			return err
		},
	}
	cmd.Flags().StringVar(&region, "region", "", "default region (ISO 3166-1 alpha-2) for phone numbers without a country code")
	return cmd
}

// signalFor reads one attribute argument: "tz:ZONE", "country:CC",
// "location:TEXT" or an identifier.
func signalFor(v string) (identifier.Signal, string) {
	for prefix, k := range map[string]identifier.SignalKind{
		"tz:":       identifier.SignalTimezone,
		"country:":  identifier.SignalStealerCountry,
		"location:": identifier.SignalDeclaredLocation,
	} {
		if strings.HasPrefix(v, prefix) {
			return identifier.Signal{Kind: k, Value: v[len(prefix):]}, string(k)
		}
	}
	kind, _, err := identifier.Classify(v, identifier.NormalizeOptions{})
	if err != nil {
		return identifier.Signal{Kind: identifier.SignalIdentifier, Value: v}, ""
	}
	return identifier.Signal{Kind: identifier.SignalIdentifier, Value: v}, string(kind)
}

func newIDAttributeCmd(g *globals) *cobra.Command {
	var geoip string
	var combine bool
	cmd := &cobra.Command{
		Use:   "attribute [--geoip FILE.mmdb] [--json] [--combine] VALUE...",
		Short: "Suggest countries for identifiers, with the evidence for each",
		Long: `For each VALUE, list candidate countries (ISO 3166-1 alpha-2) with a
confidence and the reasons. A VALUE is an identifier (phone, e-mail, domain,
URL, IP address, …), or "tz:Europe/Madrid" (time zone or UTC offset),
"country:US" (a stealer log's country field) or "location:Madrid, Spain"
(a declared location). IP addresses need --geoip, a MaxMind-format database
(GeoLite2/GeoIP2 Country or City). --combine attributes all values together
as one person's signals and prints one result. Scoring: docs/attribution.md.`,
		Args: argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			a := &identifier.Attributor{}
			if geoip != "" {
				db, err := maxminddb.Open(geoip)
				if err != nil {
					return withHint(usageError{fmt.Errorf("open geoip database: %w", err)}, "give a MaxMind .mmdb file, e.g. GeoLite2-Country.mmdb")
				}
				defer db.Close()
				a.GeoIP = db
			}
			var lines []investigation.Attribution
			if combine {
				var signals []identifier.Signal
				for _, v := range args {
					s, _ := signalFor(v)
					signals = append(signals, s)
				}
				lines = append(lines, investigation.Attribution{Value: strings.Join(args, " "), Kind: "combined", Candidates: nonNil(a.Attribute(signals))})
			} else {
				for _, v := range args {
					s, k := signalFor(v)
					lines = append(lines, investigation.Attribution{Value: v, Kind: k, Candidates: nonNil(a.Attribute([]identifier.Signal{s}))})
				}
			}
			if g.json {
				return writeAll(g.streams.Out, lines)
			}
			t := newTable(g.streams.Out, "VALUE", "KIND", "COUNTRY", "CONFIDENCE", "EVIDENCE")
			for _, l := range lines {
				kind := l.Kind
				if kind == "" {
					kind = "unknown"
				}
				if len(l.Candidates) == 0 {
					t.Row(l.Value, kind, "-", "-", "no country evidence")
				}
				for _, c := range l.Candidates {
					reasons := make([]string, len(c.Evidence))
					for i, e := range c.Evidence {
						reasons[i] = e.Identifier + " → " + e.Reason
					}
					t.Row(l.Value, kind, c.Country, fmt.Sprintf("%.3f", c.Confidence), strings.Join(reasons, "; "))
				}
			}
			return t.Flush()
		},
	}
	cmd.Flags().StringVar(&geoip, "geoip", "", "MaxMind-format .mmdb database for IP geolocation")
	cmd.Flags().BoolVar(&combine, "combine", false, "attribute all values together (one person's signals)")
	return cmd
}
