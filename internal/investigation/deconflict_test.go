package investigation_test

import (
	"context"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/deconflict"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// writePNG writes a generated, synthetic image (a gradient).
func writePNG(t *testing.T, path string, seed uint8) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for y := 0; y < 64; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 4), seed, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// TestDeconflictionNotices: two agencies import the same chat export and
// the same image into their own cases; the imports themselves raise a
// notice on each side naming the other agency and its contact, never the
// other case, and each side sees only its own notices.
func TestDeconflictionNotices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := investigation.New(open(t, -1), "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		ctx := context.Background()
		for _, a := range [][3]string{{"NL-POL", "NL", "NL desk +31 70 555 0100"}, {"BE-FCCU", "BE", "fccu-desk@example.org"}} {
			if _, err := s.AddAgency(ctx, a[0], a[1]); err != nil {
				t.Fatal(err)
			}
			if err := s.SetAgencyContact(ctx, a[0], a[2]); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []investigation.Case{{Name: "nl-case", Agency: "NL-POL"}, {Name: "be-case", Agency: "BE-FCCU"}, {Name: "nl-other", Agency: "NL-POL"}} {
			if _, err := s.CreateCase(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		export := filepath.Join("..", "chatexport", "telegram", "testdata", "DataExport_2024-01-20")
		if _, err := s.ImportChat(as(nlInv), "nl-case", export, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		// The same agency's other case holds the same identifiers: no notice.
		if _, err := s.ImportChat(as(nlInv), "nl-other", export, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if ns, err := s.Notices(as(nlInv), "", false); err != nil || len(ns) != 0 {
			t.Fatalf("notices within one agency: %v, %v", ns, err)
		}
		if _, err := s.ImportChat(as(beInv), "be-case", export, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		nl, err := s.Notices(as(nlInv), "nl-case", false)
		if err != nil || len(nl) == 0 {
			t.Fatalf("nl-case notices: %v, %v", nl, err)
		}
		for _, n := range nl {
			if n.Agency != "BE-FCCU" || n.Contact != "fccu-desk@example.org" || n.OtherCase != "" || n.Matches == 0 ||
				int64(len(n.Keys)) != n.Matches || !strings.Contains(n.Message, "agency BE-FCCU holds a match") {
				t.Fatalf("nl notice %+v", n)
			}
			for _, k := range n.Keys {
				if !strings.HasPrefix(k, n.Kind+":") {
					t.Fatalf("notice of kind %s holds key %s", n.Kind, k)
				}
			}
		}
		// BE is told about each of NL's two cases.
		be, err := s.Notices(as(beInv), "", false)
		if err != nil || len(be) != 2*len(nl) {
			t.Fatalf("be notices: %d, %v; nl-case has %d", len(be), err, len(nl))
		}
		for _, n := range be {
			if n.Case != "be-case" || n.Agency != "NL-POL" || n.Contact != "NL desk +31 70 555 0100" {
				t.Fatalf("be notice %+v", n)
			}
		}
		// Another agency's notices are not found.
		if _, err := s.Notices(as(beInv), "nl-case", false); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("be reads nl-case notices: %v", err)
		}
		if _, err := s.Notice(as(beInv), nl[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("be reads an nl notice: %v", err)
		}
		// A viewer reads but cannot acknowledge; the analyst can.
		if _, err := s.Notice(as(nlViewer), nl[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AckNotice(as(nlViewer), nl[0].ID); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("viewer ack: %v", err)
		}
		acked, err := s.AckNotice(as(nlInv), nl[0].ID)
		if err != nil || !acked.Acknowledged || acked.AckedBy != "Ivo" {
			t.Fatalf("ack: %+v, %v", acked, err)
		}
		if open, _ := s.Notices(as(nlInv), "nl-case", true); len(open) != len(nl)-1 {
			t.Fatalf("open notices after one ack: %d of %d", len(open), len(nl))
		}
		// A check on demand finds nothing new and leaves the ack alone.
		chk, err := s.CheckDeconfliction(as(nlInv), "nl-case")
		if err != nil || chk.NewMatches != 0 || chk.Hits == 0 {
			t.Fatalf("check: %+v, %v", chk, err)
		}
		if _, err := s.CheckDeconfliction(as(nlViewer), "nl-case"); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("viewer check: %v", err)
		}
		// Media: the same generated image ingested on both sides.
		for i, c := range []struct {
			p    access.Principal
			name string
		}{{nlInv, "nl-case"}, {beInv, "be-case"}} {
			dir := t.TempDir()
			writePNG(t, filepath.Join(dir, "img.png"), 7)
			writePNG(t, filepath.Join(dir, "own.png"), uint8(100+i))
			if _, err := s.Ingest(as(c.p), c.name, investigation.IngestOptions{Exhibit: "DISK", Paths: []string{dir}, Workers: 1}); err != nil {
				t.Fatal(err)
			}
		}
		var media *investigation.NoticeView
		nl, _ = s.Notices(as(nlInv), "nl-case", false)
		for i := range nl {
			if nl[i].Kind == store.MediaKind {
				media = &nl[i]
			}
		}
		if media == nil || media.Matches != 1 || !strings.HasPrefix(media.Keys[0], "sha256:") {
			t.Fatalf("media notice %+v", media)
		}
		// Shared with NL, the other case is named to NL.
		if _, err := s.ShareCase(ctx, "be-case", "NL-POL", "viewer"); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Notice(as(nlInv), nl[0].ID); n.OtherCase != "be-case" {
			t.Fatalf("readable other case not named: %+v", n)
		}
		// Audited: the notices raised by the imports, the ack and the check.
		seen := map[string]int{}
		if err := s.AuditLog(ctx, "", func(r audit.Record) error { seen[r.Action]++; return nil }); err != nil {
			t.Fatal(err)
		}
		if seen["deconflict.notice"] < 2 || seen["deconflict.ack"] != 1 || seen["deconflict.check"] != 1 {
			t.Fatalf("audit actions %v", seen)
		}
	})
}

// mustOperation stores an operation led by lead with partners, as the
// operation use cases would.
func mustOperation(t *testing.T, db *store.DB, name, lead string, partners ...string) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *store.Tx) error {
		o := store.Operation{Name: name, LeadAgency: lead, CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
		if err := tx.InsertOperation(ctx, &o); err != nil {
			return err
		}
		for _, p := range partners {
			a := store.OperationAgency{OperationID: o.ID, Agency: p, Role: "partner", Contact: p + " desk", CreatedAt: o.CreatedAt, CreatedBy: "alex"}
			if err := tx.PutOperationAgency(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOPRFEvaluation: the hub evaluates blinded elements for the analysts
// of the operation's agencies, counts them against a daily limit, audits
// each call with its count, and two clients' tokens of one identifier
// agree.
func TestOPRFEvaluation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		db := open(t, -1)
		s := investigation.New(db, "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()),
			investigation.WithOPRFLimit(5))
		mustOperation(t, db, "OP-SAND", "NL-POL", "BE-FCCU")
		mustOperation(t, db, "OP-OTHER", "BE-FCCU")
		mustOperation(t, db, "OP-DE", "DE-BKA")
		if _, err := s.OPRFKey(as(nlViewer), "OP-SAND"); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("viewer: %v", err)
		}
		if _, err := s.OPRFKey(as(nlInv), "OP-DE"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an operation NL takes no part in: %v", err)
		}
		if _, err := s.OPRFKey(as(nlInv), "OP-NONE"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no such operation: %v", err)
		}
		kv, err := s.OPRFKey(as(nlInv), "OP-SAND")
		if err != nil {
			t.Fatal(err)
		}
		again, _ := s.OPRFKey(as(beInv), "OP-SAND")
		other, _ := s.OPRFKey(as(beInv), "OP-OTHER")
		if again.PublicKey != kv.PublicKey || other.PublicKey == kv.PublicKey {
			t.Fatal("one key per operation, kept")
		}
		tokens := func(p access.Principal, keys []string) ([]deconflict.Token, error) {
			pub := mustHex(t, kv.PublicKey)
			bl, err := deconflict.NewBlinder(pub)
			if err != nil {
				t.Fatal(err)
			}
			st, els, err := bl.Blind(keys)
			if err != nil {
				t.Fatal(err)
			}
			ev, err := s.OPRFEvaluate(as(p), "OP-SAND", els)
			if err != nil {
				return nil, err
			}
			return bl.Finalize(st, ev.Evaluated, ev.Proof)
		}
		a, err := tokens(nlInv, []string{"phone:+12025550101", "email:alex@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := tokens(beInv, []string{"email:alex@example.org"})
		if err != nil {
			t.Fatal(err)
		}
		if a[1] != b[0] || a[0] == b[0] {
			t.Fatal("tokens of one identifier differ between clients")
		}
		if _, err := tokens(nlInv, []string{"x:1", "x:2", "x:3"}); err != nil {
			t.Fatalf("within the limit: %v", err)
		}
		if _, err := tokens(nlInv, []string{"x:4"}); !errors.Is(err, investigation.ErrRateLimited) {
			t.Fatalf("over the limit: %v", err)
		}
		if _, err := s.OPRFEvaluate(as(beInv), "OP-SAND", [][]byte{{1, 2, 3}}); !errors.Is(err, investigation.ErrInvalid) {
			t.Fatalf("bad element: %v", err)
		}
		var counts []string
		err = s.AuditLog(context.Background(), "", func(r audit.Record) error {
			if r.Action == "deconflict.oprf.evaluate" {
				counts = append(counts, r.Actor+" "+r.Detail)
			}
			return nil
		})
		if err != nil || strings.Join(counts, "|") != `Ivo {"count":2}|Bram {"count":1}|Ivo {"count":3}|Bram {"count":1}` {
			t.Fatalf("evaluation audit %q, %v", counts, err)
		}
	})
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
