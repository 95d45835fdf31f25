package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
)

// DemoCase is the case the demo builds.
const DemoCase = "op-demo"

func newDemoCmd(g *globals) *cobra.Command {
	var dir, listen string
	var serve bool
	cmd := &cobra.Command{
		Use:   "demo [--dir DIR] [--serve [--listen 127.0.0.1:PORT]]",
		Short: "Run the main job on generated synthetic demo data",
		Long: `Generate a synthetic scenario (abstract images, hash banks, group chats,
stealer logs, a platform dump, generator outputs; every value invented) in
a new directory and run Vibora's pipeline on it: import the banks, ingest
a seized phone, triage it into known, ignorable and new material, analyse
a group chat and stealer logs, rank suspects, serve the REST API to two
agencies' analysts on a loopback port, refer the top suspect to their
country, find payments in chats, import a seized platform's database,
read AI generator metadata, match a video by vPDQ (when ffmpeg is on
PATH; skipped otherwise), and verify the audit trail. The store is a new
file in the demo directory unless --db or VIBORA_DB names one.

With --serve, the demo then serves the browser workspace (and the REST API)
on its store on loopback (a random port unless --listen names one), prints
the URL and a login (the demo analyst "ana" with a new random password), and
serves until Ctrl-C.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if cmd.Flags().Changed("listen") && !serve {
				return usagef("--listen goes with --serve")
			}
			if serve {
				if err := checkDemoListen(listen); err != nil {
					return err
				}
			}
			if dir == "" {
				d, err := os.MkdirTemp("", "vibora-demo-")
				if err != nil {
					return err
				}
				dir = d
			}
			l, err := demo.Generate(dir)
			if err != nil {
				return withHint(err, "give --dir a new or empty directory")
			}
			if !cmd.Flags().Changed("db") && os.Getenv("VIBORA_DB") == "" {
				g.db = filepath.Join(dir, "demo.db")
			}
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			w := g.streams.Out
			newLines(w).Printf("Vibora demo: synthetic data in %s, store %s\n", l.Root, investigation.RedactDSN(g.db))

			section(w, "1. Hash banks")
			t := newTable(w, "BANK", "KIND", "FORMAT", "RECORDS", "REJECTED")
			for _, b := range l.Banks {
				res, err := s.ImportBank(ctx, b.Path, investigation.BankImportOptions{Name: b.Name, Kind: b.Kind, Source: "Vibora demo (synthetic)"})
				if err != nil {
					return fmt.Errorf("demo bank %s: %w", b.Name, err)
				}
				t.Row(res.Bank.Name, res.Bank.Kind, res.Bank.Format+" "+res.Bank.FormatVersion, res.Bank.RecordCount, res.Stats.Rejected)
			}
			t.Flush()

			section(w, "2. Ingest of exhibit PHONE-01")
			if _, err := s.CreateCase(ctx, investigation.Case{Name: DemoCase, Agency: demoAgency, Country: "NL", Operation: "DEMO"}); err != nil {
				return err
			}
			if _, err := s.AddExhibit(ctx, DemoCase, investigation.Exhibit{Label: "PHONE-01", Type: "phone", Make: "Example", Model: "X1",
				IMEI: "490154203237518", SeizedBy: "Officer Dana Test", SeizedWhere: "Example City", LegalAuthority: "Warrant EX-2024-001 (synthetic)"}); err != nil {
				return err
			}
			rep, err := s.Ingest(ctx, DemoCase, investigation.IngestOptions{Exhibit: "PHONE-01", Paths: []string{l.Evidence}, Reason: "demo triage",
				Match: investigation.MatchOptions{Dihedral: true}})
			if err != nil {
				return err
			}
			newLines(w).Printf("%d files, %s, in %.2fs (match index %s); manifest sha256 %s\n", rep.Files, humanBytes(float64(rep.Bytes)), rep.ElapsedSeconds, rep.IndexSource, rep.Manifest)
			vr, err := s.Verify(ctx, DemoCase, "PHONE-01", 0)
			if err != nil {
				return err
			}
			newLines(w).Printf("verify against the manifest: %d matched, %d changed, %d missing, %d new (the source is untouched)\n",
				vr.Matched, len(vr.Changed), len(vr.Missing), len(vr.New))

			section(w, "3. Triage")
			cr, err := s.Report(ctx, DemoCase)
			if err != nil {
				return err
			}
			renderReport(w, cr)

			section(w, "4. Group chat")
			chat, err := s.ImportChat(ctx, DemoCase, l.Chat, investigation.ChatImportOptions{Exhibit: "CHAT-01"})
			if err != nil {
				return err
			}
			newLines(w).Printf("%s export: %d messages, %d participants, %d membership events; %d attachments linked to evidence (%d matched known material)\n",
				chat.Format, chat.Messages, chat.Participants, chat.Events, chat.Linked, chat.Files.ByStatus["matched"])

			section(w, "5. Stealer logs")
			st, err := s.ScanStealer(ctx, DemoCase, investigation.StealerScanOptions{Watchlist: l.Watchlist, Paths: []string{l.Stealer}})
			if err != nil {
				return err
			}
			newLines(w).Printf("%d victim logs scanned, %d touch the watchlist\n", st.Logs.Logs, st.Leads)
			renderStealerProfiles(g, st.Profiles)

			section(w, "6. Suspects (vibora suspects --case op-demo)")
			people, err := s.People(ctx, DemoCase)
			if err != nil {
				return err
			}
			renderSuspects(g, people, 5)
			if len(people) > 0 {
				newLines(w).Printf("\nWhy %s ranks first:\n", people[0].Name)
				for _, r := range people[0].Reasons {
					newLines(w).Printf("  %s\n", r)
				}
				for _, li := range people[0].Links {
					newLines(w).Printf("  linked: %s\n", li)
				}
			}

			section(w, "7. The hub: agencies, tokens and the REST API")
			if err := demoHub(ctx, w, s); err != nil {
				return err
			}

			section(w, "8. Across borders: an operation and a referral package")
			if err := demoAcrossBorders(ctx, w, s, l.Root, people); err != nil {
				return err
			}

			section(w, "9. Payments in the chats")
			if err := demoPayments(ctx, w, s, l); err != nil {
				return err
			}

			section(w, "10. A seized platform's database")
			if err := demoPlatform(ctx, w, s, l); err != nil {
				return err
			}

			section(w, "11. AI-generated material")
			if err := demoAI(ctx, w, s, l); err != nil {
				return err
			}

			section(w, "12. Video (vPDQ)")
			if err := demoVideo(ctx, w, s, l.Root); err != nil {
				return err
			}

			section(w, "13. Audit trail")
			ar, err := s.VerifyAudit(ctx)
			if err != nil {
				return err
			}
			state := "intact"
			if !ar.OK() {
				state = fmt.Sprintf("BROKEN (%d problems)", len(ar.Problems))
			}
			newLines(w).Printf("%d records, chain %s\n", ar.Records, state)
			newLines(w).Printf("\nExplore: vibora --db %s files --case %s --matched\n", g.db, DemoCase)
			if !serve {
				newLines(w).Printf("See it in the browser: vibora demo --serve\n")
				return nil
			}
			section(w, "14. The browser workspace")
			return demoServe(ctx, w, g.streams.Err, s, l.Root, listen)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "where to write the demo data (default: a new temporary directory)")
	cmd.Flags().BoolVar(&serve, "serve", false, "then serve the browser workspace on the demo store until Ctrl-C")
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:0", "with --serve: the loopback address to listen on (default: a random port)")
	return cmd
}
