package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/video"
)

// demoPayments imports the seller's group (chat import finds the payment
// events in its messages, as `vibora chat import` does) and lists the
// case's payments as `vibora payments` does, with the cross-border
// payees flagged to safeguard.
func demoPayments(ctx context.Context, w io.Writer, s *investigation.Service, l *demo.Layout) error {
	chat, err := s.ImportChat(ctx, DemoCase, l.MarketChat, investigation.ChatImportOptions{Exhibit: "CHAT-02"})
	if err != nil {
		return fmt.Errorf("demo payments: %w", err)
	}
	list, err := s.Payments(ctx, DemoCase)
	if err != nil {
		return fmt.Errorf("demo payments: %w", err)
	}
	var flagged []investigation.PaymentView
	for _, p := range list {
		if p.CrossBorder {
			flagged = append(flagged, p)
		}
	}
	out := newLines(w)
	out.Printf("%s export of a seller's group: %d messages, %d payment event(s) found in them (an amount with a currency near an IBAN, a payment handle or a crypto address)\n",
		chat.Format, chat.Messages, chat.Payments)
	if err := renderPayments(w, list); err != nil {
		return err
	}
	out.Printf("%d payment event(s), %d cross-border payee(s) flagged to safeguard\n", len(list), len(flagged))
	for _, p := range flagged {
		out.Printf("  %s: %s\n", p.SourceRef, p.Safeguard)
	}
	out.Printf("Why it matters: a payment ties a buyer to a seller through an account a bank or exchange can name the holder of;\n" +
		"a payee in another country than the payer may be a victim being paid, for the safeguarding desk of that country.\n" +
		"Payers score in `vibora suspects` (+2 a payment, +4 once for a payee abroad); payees are flagged, not scored.\n")
	return nil
}

// demoPlatform imports the seized platform's dump through its mapping
// file (`vibora platform import`), ranks its users with the per-country
// summary (`vibora platform users`) and shows which of them the import
// joined to the chat's people (`vibora suspects`).
func demoPlatform(ctx context.Context, w io.Writer, s *investigation.Service, l *demo.Layout) error {
	rep, err := s.ImportPlatform(ctx, DemoCase, investigation.PlatformImportOptions{Name: demo.DemoPlatform, Mapping: l.PlatformMapping, Dumps: []string{l.PlatformDump}})
	if err != nil {
		return fmt.Errorf("demo platform: %w", err)
	}
	out := newLines(w)
	out.Printf("platform %s (MySQL dump, mapping %s): %d row(s) read, %d user(s); %d file row(s) a bank knows, %d no bank knows",
		rep.Platform, "examplevid.yaml", rep.Rows, rep.Users, rep.KnownFiles, rep.UnknownFiles)
	if rep.Payments != nil {
		out.Printf("; %d payment(s)", rep.Payments.New+rep.Payments.Existing)
	}
	out.Printf("\n")
	for _, t := range slices.Sorted(maps.Keys(rep.Unmapped)) {
		out.Printf("not mapped: table %s (%d row(s)); password hashes and tokens are never imported\n", t, rep.Unmapped[t])
	}
	if rep.Incomplete() {
		out.Printf("import incomplete: %d row(s) skipped, %d value(s) left out (all recorded with the import)\n", rep.SkippedRows, rep.ValueErrors)
	}
	users, err := s.PlatformUsers(ctx, DemoCase, investigation.PlatformUsersOptions{})
	if err != nil {
		return fmt.Errorf("demo platform: %w", err)
	}
	if err := renderPlatformUsers(w, users); err != nil {
		return err
	}
	people, err := s.People(ctx, DemoCase)
	if err != nil {
		return err
	}
	joined := 0
	for _, p := range people {
		for _, li := range p.Links {
			if li.Kind != investigation.LinkIdentifier {
				continue
			}
			if end, ok := platformEnd(li); ok {
				joined++
				out.Printf("joined: %s (%s) is %s through %s; the person now scores %.1f\n", p.Name, p.ID, end, li.Key, p.Score)
			}
		}
	}
	out.Printf("%d platform user(s) joined to the case's people\n", joined)
	out.Printf("Why it matters: the dump names who uploaded what: an upload no bank knows is possible new material (flag for victim\n" +
		"identification), and its uploader is also a member of the chat group, now one person with more evidence behind the score.\n")
	return nil
}

// platformEnd returns the side of a link that is a user of the demo
// platform.
func platformEnd(li investigation.Link) (string, bool) {
	for _, e := range []investigation.LinkEnd{li.A, li.B} {
		if strings.Contains(e.Source, " on "+demo.DemoPlatform) {
			return e.Source, true
		}
	}
	return "", false
}

// demoAI ingests the seized generator machine and shows what the
// generators wrote into their files, the model file they name, and the
// producer groups (`vibora ai files`, `ai models`, `ai producers`).
// Prompts are evidence text: like the CLI's tables, the demo never
// prints them.
func demoAI(ctx context.Context, w io.Writer, s *investigation.Service, l *demo.Layout) error {
	if _, err := s.AddExhibit(ctx, DemoCase, investigation.Exhibit{Label: "PC-02", Type: "computer", Make: "Example", Model: "Tower",
		SeizedBy: "Officer Dana Test", SeizedWhere: "Example City", LegalAuthority: "Warrant EX-2024-002 (synthetic)"}); err != nil {
		return err
	}
	rep, err := s.Ingest(ctx, DemoCase, investigation.IngestOptions{Exhibit: "PC-02", Paths: []string{l.AIEvidence}, Reason: "demo triage", Workers: 1})
	if err != nil {
		return err
	}
	files, err := s.AIFiles(ctx, DemoCase, investigation.AIFileQuery{})
	if err != nil {
		return err
	}
	models, err := s.AIModels(ctx, DemoCase)
	if err != nil {
		return err
	}
	groups, err := s.AIProducers(ctx, DemoCase)
	if err != nil {
		return err
	}
	verdicts := map[string]int{}
	for _, f := range files {
		verdicts[f.Verdict]++
	}
	out := newLines(w)
	out.Printf("exhibit PC-02: %d files; %d AI-generated (generator metadata), %d probably AI (a copy without metadata, found by PDQ), %d model file(s), %d producer group(s)\n",
		rep.Files, verdicts[investigation.VerdictAI], verdicts[investigation.VerdictProbablyAI], len(models), len(groups))
	if err := renderAIFiles(w, files); err != nil {
		return err
	}
	if err := renderAIModels(w, models); err != nil {
		return err
	}
	if err := renderAIProducers(w, groups); err != nil {
		return err
	}
	if err := demoOwner(ctx, w, s); err != nil {
		return err
	}
	out.Printf("Why it matters: the images name the LoRA on the same machine by its hash, so they were made here with that model;\n" +
		"its kohya claims (training folders, tag counts) describe its training data. Everything read is a claim of the file,\n" +
		"and absence proves nothing: platforms strip metadata, which is why the stripped copy is found by its picture.\n")
	return nil
}

// demoOwner attributes the seized computer PC-02 to the top suspect
// (vibora exhibit owner set) and shows what that adds to their ranking.
func demoOwner(ctx context.Context, w io.Writer, s *investigation.Service) error {
	people, err := s.People(ctx, DemoCase)
	if err != nil || len(people) == 0 {
		return err
	}
	before := people[0]
	if _, err := s.SetExhibitOwner(ctx, DemoCase, "PC-02", before.ID); err != nil {
		return err
	}
	people, err = s.People(ctx, DemoCase)
	if err != nil {
		return err
	}
	out := newLines(w)
	for _, p := range people {
		if p.ID != before.ID {
			continue
		}
		out.Printf("PC-02 attributed to %s (%s; vibora exhibit owner set): score %.1f -> %.1f\n", p.Name, p.ID, before.Score, p.Score)
		for _, r := range p.Reasons {
			if strings.Contains(r, "AI-generated") || strings.Contains(r, "model/LoRA") || strings.Contains(r, "training metadata") {
				out.Printf("  %s\n", r)
			}
		}
	}
	return nil
}

// demoVideo shows vPDQ when ffmpeg is installed: a known video's frame
// hashes go into a bank, and a re-encoded, brightened, larger copy on a
// seized DVR matches it. Without ffmpeg it says it skipped and why.
func demoVideo(ctx context.Context, w io.Writer, s *investigation.Service, dir string) error {
	out := newLines(w)
	if err := video.Available(video.DefaultOptions()); err != nil {
		out.Printf("skipped: %v; videos need ffmpeg and ffprobe on PATH to be decoded for vPDQ (install ffmpeg and run the demo again)\n", err)
		return nil
	}
	v, err := demo.WriteVideos(ctx, dir)
	if err != nil {
		return err
	}
	bank, err := s.ImportBank(ctx, v.Bank, investigation.BankImportOptions{Name: "demo-video", Kind: "known", Source: "Vibora demo (synthetic)"})
	if err != nil {
		return fmt.Errorf("demo video bank: %w", err)
	}
	if _, err := s.AddExhibit(ctx, DemoCase, investigation.Exhibit{Label: "DVR-01", Type: "storage", Make: "Example", Model: "DVR",
		SeizedBy: "Officer Dana Test", SeizedWhere: "Example City", LegalAuthority: "Warrant EX-2024-003 (synthetic)"}); err != nil {
		return err
	}
	opt := video.DefaultOptions()
	rep, err := s.Ingest(ctx, DemoCase, investigation.IngestOptions{Exhibit: "DVR-01", Paths: []string{v.Evidence}, Reason: "demo triage", Video: &opt, Workers: 1})
	if err != nil {
		return err
	}
	out.Printf("bank demo-video: %d video hash list(s) (%s); exhibit DVR-01: %d files ingested, each video hashed one frame a second\n",
		bank.Bank.RecordCount, bank.Bank.Format, rep.Files)
	t := newTable(w, "FILE", "VIDEO", "STATUS", "MATCH")
	matched := 0
	if err := s.Files(ctx, DemoCase, investigation.FileQuery{Exhibit: "DVR-01"}, func(f investigation.FileView) error {
		facts := "-"
		if f.Video != nil {
			facts = fmt.Sprintf("%s %dx%d %.1fs", f.Video.Codec, f.Video.Width, f.Video.Height, f.Video.Duration)
		}
		match := "-"
		for _, m := range f.Matches {
			if m.Kind == "vpdq" {
				matched++
				match = fmt.Sprintf("bank %s by vPDQ (q%% %.0f c%% %.0f)", m.Bank, m.QueryPercent, m.ComparedPercent)
			}
		}
		t.Row(f.Path, facts, f.Status, match)
		return nil
	}); err != nil {
		return err
	}
	if err := t.Flush(); err != nil {
		return err
	}
	out.Printf("%d video(s) matched a known video by vPDQ\n", matched)
	out.Printf("Why it matters: a re-encoded, resized or brightened copy has other MD5 and SHA-256 digests; its frames' PDQ hashes\n" +
		"still match (q%%: share of this video's frames near the bank's, c%%: the other way round), so known video surfaces too.\n")
	return nil
}
