package investigation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// fixtures returns ../shared/testdata/fixtures, skipping outside CI when absent.
func fixtures(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "testdata", "fixtures")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared fixtures missing in CI: %v", err)
		}
		t.Skipf("shared fixtures not found at %s", dir)
	}
	return dir
}

func TestChatImportFixtures(t *testing.T) {
	fx := fixtures(t)
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		s.CreateCase(ctx, investigation.Case{Name: "op"})
		tg := filepath.Join(fx, "telegram", "ChatExport_2024-01-20")
		rep, err := s.ImportChat(ctx, "op", tg, investigation.ChatImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Messages != 21 || rep.NewMessages != 21 || rep.Linked == 0 {
			t.Fatalf("telegram import: %+v", rep)
		}
		again, err := s.ImportChat(ctx, "op", tg, investigation.ChatImportOptions{})
		if err != nil || again.NewMessages != 0 || again.Conversations != 0 || again.Files.Files != 0 {
			t.Fatalf("second import changed something: %+v %v", again, err)
		}
		wa, _ := filepath.Glob(filepath.Join(fx, "whatsapp", "android_en_US", "*.txt"))
		if _, err := s.ImportChat(ctx, "op", wa[0], investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		convs, err := s.Conversations(ctx, "op")
		if err != nil || len(convs) != 2 {
			t.Fatalf("conversations: %+v %v", convs, err)
		}
		byPlatform := map[string]investigation.Conversation{}
		for _, cv := range convs {
			byPlatform[cv.Platform] = cv
		}
		if tgc := byPlatform["telegram"]; tgc.Messages != 14 || tgc.ServiceMessages != 7 || tgc.ExtID != "1234567890" {
			t.Errorf("telegram counts: %+v", tgc)
		}
		if wac := byPlatform["whatsapp"]; wac.Messages != 13 || wac.ServiceMessages != 8 || wac.AttachmentsPresent != 4 {
			t.Errorf("whatsapp counts: %+v", wac)
		}
		v, err := s.ConversationView(ctx, "op", "1234567890")
		if err != nil || len(v.Roster) == 0 || len(v.Events) == 0 || len(v.Timeline) != 1 {
			t.Fatalf("view: %+v %v", v, err)
		}
		// The number change joins the two WhatsApp numbers into one person.
		people, err := s.People(ctx, "op")
		if err != nil {
			t.Fatal(err)
		}
		joined := false
		for _, p := range people {
			if strings.Contains(fmt.Sprint(p.Links), "number change +12025550147 -> +12025550148") {
				joined = true
			}
		}
		if !joined {
			t.Error("number change did not join the two numbers")
		}
	})
}

func TestDemoSuspectsAndLeads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range l.Banks {
			if _, err := s.ImportBank(ctx, b.Path, investigation.BankImportOptions{Name: b.Name, Kind: b.Kind}); err != nil {
				t.Fatal(err)
			}
		}
		s.CreateCase(ctx, investigation.Case{Name: "op"})
		if _, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "PHONE-01", Paths: []string{l.Evidence}}); err != nil {
			t.Fatal(err)
		}
		chat, err := s.ImportChat(ctx, "op", l.Chat, investigation.ChatImportOptions{})
		if err != nil || chat.Linked != 5 {
			t.Fatalf("chat: %+v %v", chat, err)
		}
		st, err := s.ScanStealer(ctx, "op", investigation.StealerScanOptions{Watchlist: l.Watchlist, Paths: []string{l.Stealer}})
		if err != nil || st.Logs.Logs != 3 || st.Leads != 2 {
			t.Fatalf("stealer: %+v %v", st, err)
		}
		people, err := s.People(ctx, "op")
		if err != nil {
			t.Fatal(err)
		}
		top := people[0]
		if top.Name != "Rowan Example" || top.KnownShared != 3 || len(top.Leads) != 1 || !slices.Contains(top.Roles, investigation.Role{Name: investigation.RoleCreator, Conversation: "Example Exchange Group"}) {
			t.Fatalf("top suspect: %+v", top)
		}
		if people[1].Name != "Sky Sample" || people[1].NewShared != 2 || len(people[1].Leads) != 1 {
			t.Fatalf("second suspect: %+v", people[1])
		}
		// Each country candidate carries its evidence: the +1 202 phone and
		// the stealer log's US field place Rowan; Sky's log says NL.
		if c := top.Countries; len(c) == 0 || c[0].Country != "US" || len(c[0].Evidence) < 2 {
			t.Errorf("top suspect countries: %+v", c)
		}
		if c := people[1].Countries; len(c) == 0 || c[0].Country != "NL" || len(c[0].Evidence) == 0 {
			t.Errorf("second suspect countries: %+v", c)
		}
		sum := 0.0
		for _, r := range top.Reasons {
			var v float64
			if _, err := fmtSscanf(r, &v); err == nil {
				sum += v
			}
		}
		if d := sum - top.Score; d > 0.01 || d < -0.01 {
			t.Errorf("reasons add to %.2f, score is %.2f", sum, top.Score)
		}
		leads, err := s.Leads(ctx, "op")
		if err != nil || len(leads) != 2 || leads[0].Person == "" {
			t.Fatalf("leads: %+v %v", leads, err)
		}
		for _, l := range leads {
			profile, err := json.Marshal(l.Profile)
			if err != nil || l.Profile == nil {
				t.Fatalf("lead %s: profile %v", l.LogID, err)
			}
			if strings.Contains(string(profile), "Demo-Passw0rd!") || strings.Contains(string(profile), "Rowan-demo-9") {
				t.Fatal("a password is stored in clear without --keep-passwords")
			}
		}
		// Scanning again changes nothing.
		st2, err := s.ScanStealer(ctx, "op", investigation.StealerScanOptions{Watchlist: l.Watchlist, Paths: []string{l.Stealer}})
		if err != nil || st2.NewLeads != 0 {
			t.Fatalf("second scan: %+v %v", st2, err)
		}
	})
}

func TestFullAccountExportJoinsOwner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		s.CreateCase(ctx, investigation.Case{Name: "op"})
		export := filepath.Join("..", "chatexport", "telegram", "testdata", "DataExport_2024-01-20")
		if _, err := s.ImportChat(ctx, "op", export, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		people, err := s.People(ctx, "op")
		if err != nil {
			t.Fatal(err)
		}
		var owner *investigation.Person
		for i := range people {
			if strings.Contains(strings.Join(people[i].Conversations, " "), "owner of the full-account export") {
				owner = &people[i]
			}
		}
		if owner == nil {
			t.Fatalf("no person owns the export: %+v", people)
		}
		ids := strings.Join(owner.Identifiers, " ")
		if owner.Name != "Alex Example" || !strings.Contains(ids, "ipv4:") || !strings.Contains(ids, "telegram_id:1000000001") {
			t.Fatalf("owner: %+v", owner)
		}
	})
}
