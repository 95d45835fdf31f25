package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/api"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/auth"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/server"
	"github.com/vibora-project/vibora/internal/store"
)

var telegramExport = filepath.Join("..", "chatexport", "telegram", "testdata", "DataExport_2024-01-20")

func mustRun(t *testing.T, db string, args ...string) string {
	t.Helper()
	out, errOut, code := run(t, db, args...)
	if code != 0 {
		t.Fatalf("vibora %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// importChat imports the Telegram test export, which holds one broken
// record on purpose (exit 1, the rest imported).
func importChat(t *testing.T, db, caseName string) {
	t.Helper()
	if _, errOut, code := run(t, db, "chat", "import", "--case", caseName, telegramExport); code > 1 {
		t.Fatalf("chat import: exit %d: %s", code, errOut)
	}
}

// TestDeconflictHubInternal: two agencies' cases on one store holding the
// same chat export; notices on both sides, listed and acknowledged.
func TestDeconflictHubInternal(t *testing.T) {
	for name, db := range dbs(t) {
		t.Run(name, func(t *testing.T) {
			mustRun(t, db, "agency", "add", "NL-POL", "--country", "NL")
			mustRun(t, db, "agency", "add", "BE-FCCU", "--country", "BE")
			mustRun(t, db, "agency", "contact", "BE-FCCU", "fccu-desk@example.org")
			mustRun(t, db, "case", "create", "nl-case", "--agency", "NL-POL")
			mustRun(t, db, "case", "create", "be-case", "--agency", "BE-FCCU")
			importChat(t, db, "nl-case")
			importChat(t, db, "be-case")
			type notice struct {
				ID      int64  `json:"id"`
				Agency  string `json:"agency"`
				Contact string `json:"contact"`
				Acked   bool   `json:"acknowledged"`
			}
			var ns []notice
			for _, line := range strings.Split(strings.TrimSpace(mustRun(t, db, "--json", "deconflict", "notices", "--case", "nl-case")), "\n") {
				var n notice
				if err := json.Unmarshal([]byte(line), &n); err != nil {
					t.Fatalf("%v: %q", err, line)
				}
				ns = append(ns, n)
			}
			if len(ns) == 0 || ns[0].Agency != "BE-FCCU" || ns[0].Contact != "fccu-desk@example.org" {
				t.Fatalf("notices %+v", ns)
			}
			if out := mustRun(t, db, "deconflict", "ack", "1"); !strings.Contains(out, "acknowledged") {
				t.Fatalf("ack: %q", out)
			}
			out := mustRun(t, db, "deconflict", "check", "--case", "be-case")
			if !strings.Contains(out, "0 new matches") || !strings.Contains(out, "NL-POL") {
				t.Fatalf("check: %q", out)
			}
			if _, _, code := run(t, db, "deconflict", "ack", "999"); code != 2 {
				t.Fatalf("ack of a missing notice: exit %d", code)
			}
		})
	}
}

// TestDeconflictExportMatch: the HMAC tier between two stores: export,
// match (overlaps and the contact only), another master key matches
// nothing, a changed byte or an untrusted signer is refused.
func TestDeconflictExportMatch(t *testing.T) {
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	a, b := p("a.db"), p("b.db")
	mustRun(t, a, "deconflict", "keygen", "--master", p("m.key"), "--signing", p("es.pem"), "--public", p("es.pub"))
	mustRun(t, a, "deconflict", "keygen", "--master", p("other.key"), "--signing", p("x.pem"), "--public", p("x.pub"))
	if _, _, code := run(t, a, "deconflict", "keygen", "--master", p("m.key")); code != 2 {
		t.Fatalf("keygen overwrote a key: exit %d", code)
	}
	mustRun(t, a, "case", "create", "es-case", "--agency", "ES-PN", "--operation", "OP-SAND")
	importChat(t, a, "es-case")
	mustRun(t, a, "deconflict", "export", "--operation", "OP-SAND", "--key", p("m.key"), "--sign-key", p("es.pem"),
		"--out", p("es.vdc"), "--contact", "desk@example.org")
	mustRun(t, b, "case", "create", "nl-case", "--agency", "NL-POL", "--operation", "OP-SAND")
	importChat(t, b, "nl-case")

	var m matchView
	if err := json.Unmarshal([]byte(mustRun(t, b, "--json", "deconflict", "match", p("es.vdc"), "--key", p("m.key"), "--trust", p("es.pub"))), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Overlaps) == 0 || len(m.Overlaps) != m.Checked || m.Creator.Agency != "ES-PN" || m.Creator.Contact != "desk@example.org" || m.Overlaps[0].Case != "nl-case" {
		t.Fatalf("match %+v", m)
	}
	m = matchView{}
	if err := json.Unmarshal([]byte(mustRun(t, b, "--json", "deconflict", "match", p("es.vdc"), "--key", p("other.key"), "--trust", p("es.pub"))), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Overlaps) != 0 || m.Checked == 0 {
		t.Fatalf("another master key: %+v", m)
	}
	if _, errOut, code := run(t, b, "deconflict", "match", p("es.vdc"), "--key", p("m.key"), "--trust", p("x.pub")); code != 2 || !strings.Contains(errOut, "not trusted") {
		t.Fatalf("untrusted signer: exit %d %s", code, errOut)
	}
	raw, err := os.ReadFile(p("es.vdc"))
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)-100] ^= 1
	if err := os.WriteFile(p("bad.vdc"), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := run(t, b, "deconflict", "match", p("bad.vdc"), "--key", p("m.key"), "--trust", p("es.pub")); code != 2 || !strings.Contains(errOut, "signature") {
		t.Fatalf("changed byte: exit %d %s", code, errOut)
	}
}

// TestDeconflictOPRF: the OPRF tier end to end. A coordinating hub (the
// REST API over its own store) holds operation OP-SAND led by ES-PN with
// NL-POL as partner; each agency's own store exports or matches through
// it with an analyst's API token. The hub counts and audits evaluations.
func TestDeconflictOPRF(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	hubDB, err := store.Open(ctx, p("hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	hub := investigation.New(hubDB, "hub-owner", cheapPasswords)
	defer hub.Close()
	tokens := map[string]string{}
	for _, a := range [][2]string{{"ES-PN", "ES"}, {"NL-POL", "NL"}, {"DE-BKA", "DE"}} {
		if _, err := hub.AddAgency(ctx, a[0], a[1]); err != nil {
			t.Fatal(err)
		}
		user := strings.ToLower(a[1]) + "-analyst"
		if _, err := hub.AddUser(ctx, investigation.NewUser{Name: user, Agency: a[0], Role: "analyst", Password: "synthetic-pass-0001"}); err != nil {
			t.Fatal(err)
		}
		tok, err := hub.CreateToken(ctx, user, "test", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		tokens[a[0]] = tok.Secret
	}
	err = hubDB.InTx(ctx, func(tx *store.Tx) error {
		o := store.Operation{Name: "OP-SAND", LeadAgency: "ES-PN", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "hub-owner"}
		if err := tx.InsertOperation(ctx, &o); err != nil {
			return err
		}
		return tx.PutOperationAgency(ctx, store.OperationAgency{OperationID: o.ID, Agency: "NL-POL", Role: "partner", CreatedAt: o.CreatedAt, CreatedBy: "hub-owner"})
	})
	if err != nil {
		t.Fatal(err)
	}
	quiet := slog.New(slog.DiscardHandler)
	srv, err := server.New(server.Config{Handler: api.New(api.Config{Service: hub, Auth: auth.New(hub, auth.Config{}), Logger: quiet}), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(srv.Handler())
	defer web.Close()

	a, b := p("a.db"), p("b.db")
	mustRun(t, a, "deconflict", "keygen", "--signing", p("es.pem"), "--public", p("es.pub"))
	mustRun(t, a, "case", "create", "es-case", "--agency", "ES-PN", "--operation", "OP-SAND")
	importChat(t, a, "es-case")
	mustRun(t, b, "case", "create", "nl-case", "--agency", "NL-POL", "--operation", "OP-SAND")
	importChat(t, b, "nl-case")

	t.Setenv("VIBORA_HUB_TOKEN", tokens["ES-PN"])
	mustRun(t, a, "deconflict", "export", "--operation", "OP-SAND", "--oprf", web.URL, "--sign-key", p("es.pem"), "--out", p("es.vdc"),
		"--agency", "ES-PN", "--contact", "desk@example.org")
	t.Setenv("VIBORA_HUB_TOKEN", tokens["NL-POL"])
	var m matchView
	if err := json.Unmarshal([]byte(mustRun(t, b, "--json", "deconflict", "match", p("es.vdc"), "--oprf", web.URL, "--trust", p("es.pub"))), &m); err != nil {
		t.Fatal(err)
	}
	if m.Scheme != "oprf-ristretto255-sha512" || len(m.Overlaps) == 0 || len(m.Overlaps) != m.Checked || m.Creator.Contact != "desk@example.org" {
		t.Fatalf("match %+v", m)
	}
	// The HMAC tier cannot read an OPRF file.
	if _, errOut, code := run(t, b, "deconflict", "match", p("es.vdc"), "--key", p("es.pem"), "--trust", p("es.pub")); code != 2 {
		t.Fatalf("OPRF file matched with --key: exit %d %s", code, errOut)
	}
	// An agency outside the operation gets nothing from the hub.
	t.Setenv("VIBORA_HUB_TOKEN", tokens["DE-BKA"])
	if _, errOut, code := run(t, b, "deconflict", "match", p("es.vdc"), "--oprf", web.URL, "--trust", p("es.pub")); code == 0 || !strings.Contains(errOut, "404") {
		t.Fatalf("DE through the hub: exit %d %s", code, errOut)
	}
	// Every evaluation is audited with its count, never its elements.
	var counts []string
	err = hub.AuditLog(ctx, "", func(r audit.Record) error {
		if r.Action == "deconflict.oprf.evaluate" {
			counts = append(counts, r.Actor+" "+r.Detail)
		}
		return nil
	})
	want := fmt.Sprintf(`es-analyst {"count":%d}|nl-analyst {"count":%d}`, m.FileTokens, m.Checked)
	if err != nil || strings.Join(counts, "|") != want {
		t.Fatalf("hub audit %q, want %q (%v)", counts, want, err)
	}
}
