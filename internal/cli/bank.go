package cli

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

func newBankCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "bank", Short: "Import, list, export and remove hash banks"}
	cmd.AddCommand(newBankImportCmd(g), newBankListCmd(g), newBankShowCmd(g), newBankExportCmd(g), newBankRemoveCmd(g))
	return cmd
}

func newBankImportCmd(g *globals) *cobra.Command {
	var opt investigation.BankImportOptions
	cmd := &cobra.Command{
		Use:   "import --name NAME [--kind K] [--format F] FILE|DIR",
		Short: "Import a hash list (VICS JSON, ICSE CSV, plain list, HMA CSV, NSRL RDSv3, vPDQ video lists) as a bank",
		Long: `Import a hash list into a bank. The format is detected from the file's
content (--format overrides): vics, icse, plain, hma, nsrl, vpdq. Video hash
lists (vpdq) are one file per video, in the reference text form
(frame,quality,pdqHex,timestamp lines) or python-threatexchange's compact
JSON form; give one file, a directory or an archive (zip, tar, 7z...) of
them. They carry no category: --category and --series give one to every
record that has none. Importing the
same file again changes nothing; importing a new version replaces the old
one atomically. Rejected records are listed with their line and reason and
never stop the import.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			res, err := s.ImportBank(cmd.Context(), args[0], opt)
			refused := errors.Is(err, investigation.ErrRefused)
			if err != nil && !refused {
				return classify(err, "see 'vibora bank import --help' for the formats and kinds")
			}
			if g.json {
				res.Rejections = nonNil(res.Rejections)
				if err := newJSONLines(g.streams.Out).Write(res); err != nil {
					return err
				}
			} else {
				writeBankImport(g, res)
			}
			if refused {
				newLines(g.streams.Err).Printf("vibora: %v\n", err)
				newLines(g.streams.Err).Printf("vibora: hint: the bank is unchanged; check --format (and the file), or import anyway with --allow-partial\n")
				return failureError{}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opt.Name, "name", "", "bank name (required)")
	cmd.MarkFlagRequired("name")
	f.StringVar(&opt.Kind, "kind", "", "known, ignorable, watch or custom (default: what the format implies, else custom)")
	f.StringVar(&opt.Format, "format", "", "vics, icse, plain, hma, nsrl or vpdq (default: detected)")
	f.StringVar(&opt.Category, "category", "", "category of records that carry none (video hash lists)")
	f.StringVar(&opt.Series, "series", "", "series of records that carry none")
	f.StringVar(&opt.Source, "source", "", "who supplied the list")
	f.StringVar(&opt.Profile, "profile", "", "category profile override (see docs/hashsets.md)")
	f.StringVar(&opt.Hash64, "hash-kind", "", "what an unlabelled 64-hex value is: sha256 (default) or pdq")
	f.BoolVar(&opt.AllowPartial, "allow-partial", false, fmt.Sprintf("import even when no record is usable or more than %.0f%% are rejected", investigation.MaxRejectedShare*100))
	return cmd
}

// writeBankImport prints an import's summary (stdout) and rejections
// (stderr) for people.
func writeBankImport(g *globals, res investigation.BankImportResult) {
	w := newLines(g.streams.Out)
	b := res.Bank
	switch {
	case res.Refused != "":
		w.Printf("bank %s not changed: %s\n", res.Bank.Name, res.Refused)
	case res.Unchanged:
		w.Printf("bank %s unchanged: %s is already its version %d\n", b.Name, b.FileName, b.Version)
		return
	case res.Replaced != nil:
		w.Printf("bank %s replaced: version %d (%d records) -> version %d\n", b.Name, res.Replaced.Version, res.Replaced.RecordCount, b.Version)
	default:
		w.Printf("bank %s created (kind %s)\n", b.Name, b.Kind)
	}
	if res.Refused == "" {
		w.Printf("format %s, file sha256 %s\n", strings.TrimSpace(b.Format+" "+b.FormatVersion), b.FileSHA256)
	}
	w.Printf("read %d, imported %d, duplicate %d, rejected %d\n", res.Stats.Read, res.Stats.Imported, res.Stats.Duplicate, res.Stats.Rejected)
	if h := res.Hash64; h != nil {
		why := map[string]string{"default": "no column or comment says", "option": "--hash-kind", "directive": "the file's hash-kind comment",
			"header": "the column header", "file name": "the file name"}[h.Reason]
		w.Printf("64-hex values read as %s (%d values; %s); %s\n", strings.ToUpper(h.Kind), h.Values, cmp.Or(why, h.Reason), h.Hint)
		if h.NotPDQLike > 0 {
			w.Printf("%d of them do not look like PDQ hashes (a PDQ hash has about 128 of 256 bits set)\n", h.NotPDQLike)
		}
	}
	if len(res.Categories) > 0 {
		cats := make([]string, 0, len(res.Categories))
		for c, n := range res.Categories {
			cats = append(cats, fmt.Sprintf("%s (%d)", cmp.Or(c, "none"), n))
		}
		sort.Strings(cats)
		w.Printf("categories seen: %s\n", strings.Join(cats, ", "))
	}
	e := newLines(g.streams.Err)
	for _, r := range res.Rejections {
		e.Printf("vibora: rejected %s:%d: %s\n", res.File, r.Line, r.Reason)
	}
	if int64(len(res.Rejections)) < res.Stats.Rejected {
		e.Printf("vibora: ... and %d more rejections (use --json for the first %d)\n", res.Stats.Rejected-int64(len(res.Rejections)), investigation.MaxRejections)
	}
}

func newBankListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List banks",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			banks, err := s.Banks(cmd.Context())
			if err != nil {
				return err
			}
			if g.json {
				return writeAll(g.streams.Out, banks)
			}
			t := newTable(g.streams.Out, "BANK", "KIND", "RECORDS", "FORMAT", "VERSION", "FILE", "IMPORTED")
			for _, b := range banks {
				t.Row(b.Name, b.Kind, b.RecordCount, b.Format+" "+b.FormatVersion, b.Version, b.FileName, b.ImportedAt[:min(19, len(b.ImportedAt))])
			}
			return t.Flush()
		},
	}
}

func newBankShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show a bank's provenance and how its records are classified",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			sum, err := s.BankSummary(ctx, args[0])
			if err != nil {
				return classify(err, "'vibora bank list' shows the banks")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(sum)
			}
			b := sum.Bank
			t := newTable(g.streams.Out)
			for _, kv := range [][2]any{{"Bank", b.Name}, {"Kind", b.Kind}, {"Source", b.Source}, {"File", b.FileName}, {"File SHA-256", b.FileSHA256},
				{"Format", b.Format + " " + b.FormatVersion}, {"Version", b.Version}, {"Imported", b.ImportedAt + " by " + b.ImportedBy},
				{"Records", b.RecordCount}, {"Rejected at import", b.RejectedCount}} {
				t.Row(kv[0], kv[1])
			}
			for _, k := range []string{"md5", "sha1", "sha256", "pdq", "photodna"} {
				t.Row("With "+k, sum.Hashes[k])
			}
			t.Flush()
			newLines(g.streams.Out).Println()
			t = newTable(g.streams.Out, "CLASS", "RECORDS")
			keys := make([]string, 0, len(sum.ByClass))
			for k := range sum.ByClass {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				t.Row(k, sum.ByClass[k])
			}
			return t.Flush()
		},
	}
}

func newBankExportCmd(g *globals) *cobra.Command {
	var format, output string
	cmd := &cobra.Command{
		Use:   "export NAME --format vics|csv|vpdq|vpdq-compact [--output FILE]",
		Short: "Export a bank as a VICS 2.0 hash set, CSV, or its video hash lists (a tar of vPDQ lists)",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			w := g.streams.Out
			var f *os.File
			if output != "" && output != "-" {
				if f, err = os.OpenFile(output, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
					return withHint(err, "export never overwrites a file: choose a new name")
				}
				w = f
			}
			bw := bufio.NewWriterSize(w, 1<<20)
			n, err := s.ExportBank(cmd.Context(), args[0], format, bw)
			if err == nil {
				err = bw.Flush()
			}
			if f != nil {
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				return classify(err, "")
			}
			if f != nil {
				newLines(g.streams.Err).Printf("vibora: exported %d records to %s\n", n, output)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "vics", "vics (VICS 2.0 #Media JSON), csv, vpdq or vpdq-compact (a tar archive of video hash lists, one file per video)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this new file instead of stdout")
	return cmd
}

func newBankRemoveCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a bank and its records (recorded in the audit trail)",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			if err := s.RemoveBank(cmd.Context(), args[0]); err != nil {
				return classify(err, "'vibora bank list' shows the banks")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(investigation.BankRemoved{Removed: args[0]})
			}
			newLines(g.streams.Out).Printf("bank %s removed\n", args[0])
			return nil
		},
	}
}
