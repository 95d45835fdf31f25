package investigation_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/platform"
	"github.com/vibora-project/vibora/internal/platform/dump"
	"github.com/vibora-project/vibora/internal/platform/synth"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

var platformScale = synth.Scale{Users: 120, Logins: 300, Uploads: 40, Views: 30, Messages: 10, Payments: 12, Seed: 5}

// writePlatform writes the synthetic platform dump and the mapping
// Suggest proposes for it, and returns their paths.
func writePlatform(t *testing.T) (dumpPath, mapPath string) {
	t.Helper()
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := synth.WriteMySQL(&buf, platformScale); err != nil {
		t.Fatal(err)
	}
	dumpPath = filepath.Join(dir, "platform.sql")
	if err := os.WriteFile(dumpPath, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := dump.Open(dumpPath, bytes.NewReader(buf.Bytes()), "", dump.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	y, err := platform.Suggest("examplevid", []dump.Reader{r})
	if err != nil {
		t.Fatal(err)
	}
	mapPath = filepath.Join(dir, "map.yaml")
	if err := os.WriteFile(mapPath, y, 0o600); err != nil {
		t.Fatal(err)
	}
	return dumpPath, mapPath
}

func TestImportPlatform(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		db := open(t, -1)
		s := investigation.New(db, "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op-stream"}); err != nil {
			t.Fatal(err)
		}
		bank := filepath.Join(t.TempDir(), "known.txt")
		if err := os.WriteFile(bank, []byte(synth.UploadMD5(platformScale.Seed, 1)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportBank(ctx, bank, investigation.BankImportOptions{Name: "known"}); err != nil {
			t.Fatal(err)
		}
		dumpPath, mapPath := writePlatform(t)
		opt := investigation.PlatformImportOptions{Mapping: mapPath, Dumps: []string{dumpPath}}
		rep, err := s.ImportPlatform(ctx, "op-stream", opt)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Platform != "examplevid" || rep.Users != 120 || rep.Records["upload"] != 40 || rep.Records["login"] != 300 || rep.Records["payment"] != 12 ||
			rep.KnownFiles != 1 || rep.UnknownFiles != 39 || rep.Incomplete() || rep.Payments == nil || rep.Payments.New != 12 {
			t.Fatalf("report %+v payments %+v", rep, rep.Payments)
		}
		if rep.Exclusive {
			t.Error("an import not asked to be exclusive reports it was")
		}
		// The rerun has the store to itself, as with --exclusive: on SQLite
		// through a rollback journal, which changes nothing stored.
		exclusive := opt
		exclusive.Exclusive = true
		again, err := s.ImportPlatform(ctx, "op-stream", exclusive)
		if err != nil {
			t.Fatal(err)
		}
		if again.Users != 120 || again.Payments.New != 0 || again.Payments.Existing != 12 {
			t.Fatalf("rerun %+v payments %+v", again, again.Payments)
		}
		if again.Exclusive != (db.Dialect() == store.SQLite) {
			t.Errorf("exclusive rerun on %s: report says exclusive %v", db.Dialect(), again.Exclusive)
		}
		logins, err := s.PlatformLogins(ctx, "op-stream", investigation.PlatformLoginsOptions{Limit: 1000})
		if err != nil || logins.Total != 300 || len(logins.Logins) != 300 || logins.Logins[0].Table != "logins" || logins.Logins[0].Line == 0 ||
			logins.Logins[0].IP == "" || logins.Logins[0].UserAgent == "" || logins.Logins[0].At == "" {
			t.Fatalf("logins after a rerun: total %d, %d listed, %v; first %+v", logins.Total, len(logins.Logins), err, logins.Logins)
		}
		one, err := s.PlatformLogins(ctx, "op-stream", investigation.PlatformLoginsOptions{User: logins.Logins[0].User})
		if err != nil || one.Total == 0 || one.Logins[0].User != logins.Logins[0].User {
			t.Fatalf("one user's logins %+v, %v", one, err)
		}
		if _, err := s.PlatformLogins(ctx, "op-stream", investigation.PlatformLoginsOptions{User: "no-such-user"}); err == nil {
			t.Error("logins of an unknown user: no error")
		}
		// Every message names its sender and its recipient, both users.
		var pid int64
		if err := db.SQL().QueryRowContext(ctx, "SELECT id FROM platforms WHERE name = 'examplevid'").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		msgs, err := db.PlatformActivityOf(ctx, pid, "message")
		if err != nil || len(msgs) != platformScale.Messages {
			t.Fatalf("messages %d, %v; want %d", len(msgs), err, platformScale.Messages)
		}
		for _, m := range msgs {
			if m.UserID == 0 || m.OtherID == 0 {
				t.Errorf("message %s: from user %d to user %d", m.Ref, m.UserID, m.OtherID)
			}
			// A message has no id mapped: its row is named by where it is.
			if want := fmt.Sprintf("messages line %d offset %d", m.Line, m.Offset); m.Ref != want || m.Line == 0 || m.Offset == 0 {
				t.Errorf("message ref %q, want %q", m.Ref, want)
			}
		}
		pays, err := s.Payments(ctx, "op-stream")
		if err != nil || len(pays) != 12 {
			t.Fatalf("payments %d, %v", len(pays), err)
		}
		// The import stores the payee's key as the mapping made it, without
		// normalising it again: it must be what normalising gives.
		for _, p := range pays {
			if k, err := investigation.PaymentKey(p.Payee.Identifier); err != nil || k == "" || k != p.Payee.Identifier {
				t.Errorf("payment %s: payee key %q normalises to %q, %v", p.SourceRef, p.Payee.Identifier, k, err)
			}
		}

		users, err := s.PlatformUsers(ctx, "op-stream", investigation.PlatformUsersOptions{})
		if err != nil || len(users.Users) != 120 {
			t.Fatalf("platform users %d, %v", len(users.Users), err)
		}
		top := users.Users[0]
		if top.NewUploads == 0 || !slices.Contains(top.Roles, investigation.PlatformRoleUploader) || !strings.Contains(strings.Join(top.Reasons, "; "), "no bank knows") {
			t.Errorf("top user %+v", top)
		}
		known, loginSum := 0, int64(0)
		for _, u := range users.Users {
			loginSum += u.Logins
			if u.Logins > 0 && (u.FirstLogin == "" || u.LastLogin < u.FirstLogin) {
				t.Errorf("user %s logins %d first %q last %q", u.ID, u.Logins, u.FirstLogin, u.LastLogin)
			}
			known += int(u.KnownUploads)
			if u.ID == "50" && (u.Country != "US" || !slices.Contains(u.Identifiers, "phone:+12025550101")) {
				t.Errorf("user 50: %+v", u)
			}
			if u.ID == "1" && !slices.Contains(u.Roles, investigation.PlatformRoleAdmin) {
				t.Errorf("user 1 (admin): %+v", u)
			}
		}
		if loginSum != 300 {
			t.Errorf("logins per user add up to %d, want 300", loginSum)
		}
		if known != 1 {
			t.Errorf("%d known uploads, want 1", known)
		}
		payers, err := s.PlatformUsers(ctx, "op-stream", investigation.PlatformUsersOptions{Role: investigation.PlatformRolePayer})
		if err != nil || len(payers.Users) == 0 || len(payers.Users) > 12 {
			t.Fatalf("payers %d, %v", len(payers.Users), err)
		}
		us, err := s.PlatformUsers(ctx, "op-stream", investigation.PlatformUsersOptions{Country: "us"})
		if err != nil || len(us.Users) == 0 || us.Users[0].Country != "US" {
			t.Fatalf("US users %+v, %v", us.Users, err)
		}
		tp, err := s.PlatformTagPack(ctx, "op-stream", investigation.PlatformTagPackOptions{Platform: "examplevid", Creator: "Example Unit", Source: "ref-1"})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(tp), "is_public: false") || !strings.Contains(strings.ToLower(string(tp)), synth.Address(platformScale.Seed, 1)) ||
			strings.Contains(string(tp), synth.Username(1)) || strings.Count(string(tp), "- address:") != 40 {
			t.Errorf("tagpack:\n%s", tp)
		}

		// A WhatsApp member whose number is platform user 50's joins it.
		chat := writeWhatsAppChat(t, "Side Group", "1/15/24, 9:05 AM - +1 202 555 0101: hello")
		if _, err := s.ImportChat(ctx, "op-stream", chat, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		people, err := s.People(ctx, "op-stream")
		if err != nil {
			t.Fatal(err)
		}
		var joined *investigation.Person
		for i, p := range people {
			if slices.Contains(p.Conversations, "platform: examplevid") {
				joined = &people[i]
			}
		}
		if joined == nil || !slices.Contains(joined.Identifiers, "phone:+12025550101") || len(joined.Links) != 1 ||
			!strings.Contains(joined.Links[0].String(), synth.Username(50)+" on examplevid (#50)") || len(people) != 2 {
			t.Fatalf("people %+v", people)
		}
	})
}

func TestImportPlatformBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op-bad"}); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		dumpPath := filepath.Join(dir, "cut.sql")
		data := "-- MySQL dump\nCREATE TABLE `users` (`id` int, `email` text, `nick` text);\n" +
			"INSERT INTO `users` VALUES (1,'a@example.org','ann'),(2,'not-an-email','bo'),(3),(4,'d@example.org','\xff');\n" +
			"CREATE TABLE `sessions` (`id` int);\nINSERT INTO `sessions` VALUES (1),(2);\n" +
			"CREATE TABLE `logins` (`uid` int, `ip` text);\nINSERT INTO `logins` VALUES (1,'192.0.2.1'),(2,'198.51.100.7'),(1,'192.0.2.9"
		if err := os.WriteFile(dumpPath, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		mapPath := filepath.Join(dir, "map.yaml")
		mapping := "mapping_version: 1\nplatform: examplevid\ntables:\n  users: {entity: user, properties: {id: id, email: email, username: nick}}\n" +
			"  logins: {entity: login, properties: {user: uid, ip: ip, user_agent: agent}}\n  uploads: {entity: upload, properties: {user: uid, sha256: h}}\n"
		if err := os.WriteFile(mapPath, []byte(mapping), 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := s.ImportPlatform(ctx, "op-bad", investigation.PlatformImportOptions{Mapping: mapPath, Dumps: []string{dumpPath}})
		if err != nil {
			t.Fatal(err)
		}
		// Rows: users 1, 2 and 4, and two whole login rows.
		if !rep.Incomplete() || rep.Users != 3 || rep.Records["user"] != 3 || len(rep.Records) != 1 || rep.Rows != 5 ||
			len(rep.Unmapped) != 1 || rep.Unmapped["sessions"] != 2 {
			t.Fatalf("report %+v", rep)
		}
		var msgs []string
		for _, e := range rep.Errors {
			msgs = append(msgs, e.Table+"|"+e.Column+"|"+e.Message)
		}
		got := strings.Join(msgs, "\n")
		for _, want := range []string{`users|email|e-mail "not-an-email"`, "users||wrong number of values", "users|nick|not valid UTF-8",
			`logins||mapping: table "logins": column "agent" is not in the dump`, "logins||truncated", "uploads||the mapping names this table"} {
			if !strings.Contains(got, want) {
				t.Errorf("errors lack %q:\n%s", want, got)
			}
		}
		if rep.SkippedRows != 4 { // users row 3, two login rows (bad mapping), the cut third; uploads is no row
			t.Errorf("skipped rows %d, want 4:\n%s", rep.SkippedRows, got)
		}
	})
}
