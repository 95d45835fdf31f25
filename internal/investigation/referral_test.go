package investigation_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/operation"
	"github.com/vibora-project/vibora/internal/referral"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// senderWithDemo is a store holding the demo case "op" (Rowan Example,
// attributed to US) in operation "op-demo", where Rowan is followed up to
// deconflicted.
func senderWithDemo(t *testing.T, open storetest.Opener) (*investigation.Service, *store.DB, *time.Time) {
	t.Helper()
	ctx := context.Background()
	db := open(t, -1)
	now := time.Date(2024, 1, 20, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { now = now.Add(time.Second); return now }
	s := investigation.New(db, "alex", investigation.WithClock(clock), investigation.WithCacheDir(t.TempDir()))
	l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range l.Banks {
		if _, err := s.ImportBank(ctx, b.Path, investigation.BankImportOptions{Name: b.Name, Kind: b.Kind}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateCase(ctx, investigation.Case{Name: "op", LegalRef: "ES court order 123/2024 (synthetic)"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "PHONE-01", Paths: []string{l.Evidence}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportChat(ctx, "op", l.Chat, investigation.ChatImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ScanStealer(ctx, "op", investigation.StealerScanOptions{Watchlist: l.Watchlist, Paths: []string{l.Stealer}}); err != nil {
		t.Fatal(err)
	}
	people, err := s.People(ctx, "op")
	if err != nil || people[0].Name != "Rowan Example" {
		t.Fatalf("people: %v", err)
	}
	if _, err := s.CreateOperation(ctx, "op-demo", "ES-TEST", "desk@example.org"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddOperationCase(ctx, "op-demo", "op"); err != nil {
		t.Fatal(err)
	}
	ref := "op/" + people[0].ID
	for _, ch := range []operation.Change{
		{Status: operation.Identified, Why: "ranked first"},
		{Status: operation.Attributed, Country: "US", Why: "+1 202 number and stealer-log country"},
		{Status: operation.Deconflicted, Why: "no other agency holds him"},
	} {
		if _, err := s.SetSuspectStatus(ctx, "op-demo", ref, investigation.StatusRequest{Change: ch}); err != nil {
			t.Fatal(err)
		}
	}
	return s, db, &now
}

func TestReferralRoundTripBetweenTwoStores(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx := context.Background()
		sender, senderDB, now := senderWithDemo(t, open)
		recipient := investigation.New(open(t, -1), "sam", investigation.WithClock(func() time.Time { return time.Date(2024, 2, 1, 9, 0, 0, 0, time.UTC) }))

		if _, err := sender.CreateKey(ctx, "ES-TEST", "referrals", nil); err != nil {
			t.Fatal(err)
		}
		if _, err := sender.CreateKey(ctx, "ES-TEST", "referrals", nil); !errors.Is(err, store.ErrExists) {
			t.Fatalf("second key of the same name: %v", err)
		}
		if _, err := recipient.CreateKey(ctx, "US-TEST", "acks", []byte("a long synthetic passphrase")); err != nil {
			t.Fatal(err)
		}
		// A payment of the suspect, as a seized platform's ledger records it.
		people, err := sender.People(ctx, "op")
		if err != nil {
			t.Fatal(err)
		}
		var rowanKey string
		for _, p := range people {
			if p.Name == "Rowan Example" && len(p.Identifiers) > 0 {
				rowanKey = p.Identifiers[0]
			}
		}
		if rowanKey == "" {
			t.Fatal("no identifier of Rowan Example")
		}
		pay := investigation.PaymentEvent{Source: investigation.PaymentFromPlatform, SourceRef: "ledger row 7", Amount: "25.00", Currency: "EUR", Method: "phone",
			At: time.Date(2024, 1, 10, 8, 0, 0, 0, time.UTC), Payer: investigation.PaymentParty{Key: rowanKey}, Payee: investigation.PaymentParty{Key: "phone:+44 20 7946 0958"}}
		if rec, err := sender.RecordPayments(ctx, "op", []investigation.PaymentEvent{pay}); err != nil || rec.New != 1 {
			t.Fatalf("record payment: %+v %v", rec, err)
		}
		// The referral is made on 25 January as of that moment: what it
		// records after (its custody events) is not in a rebuilt package.
		asOf := time.Date(2024, 1, 25, 12, 0, 0, 0, time.UTC)
		*now = asOf
		opts := investigation.ReferralOptions{Operation: "op-demo", Country: "us", Key: "referrals", KeyAgency: "ES-TEST", AsOf: asOf,
			Handling: "H3", H3Text: "No contact with the platform", TLP: "TLP:AMBER+STRICT", Actions: []string{"identify", "search"}, Deadline: "2024-03-01", ToolVersion: "test"}
		res, err := sender.CreateReferral(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Suspects != 1 || res.Media != 3 || res.Counts.StealerHits == 0 || res.Counts.Messages == 0 || res.Counts.Custody == 0 || res.Counts.Payments != 1 {
			t.Fatalf("package: %+v", res)
		}
		again, err := sender.CreateReferral(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		var a1, a2 bytes.Buffer
		if err := res.Package.WriteTar(&a1, asOf); err != nil {
			t.Fatal(err)
		}
		if err := again.Package.WriteTar(&a2, asOf); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a1.Bytes(), a2.Bytes()) {
			t.Fatal("two packages from the same data at the same as-of time differ")
		}
		for name, b := range res.Package.Files {
			if bytes.Contains(b, []byte("Demo-Passw0rd!")) || bytes.Contains(b, []byte("Rowan-demo-9")) {
				t.Fatalf("%s holds a clear password", name)
			}
		}

		// The recipient refuses the package until it trusts the sender.
		pkg, err := referral.ReadTar(a1.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		var fs referral.Failures
		if _, err := recipient.VerifyReferral(ctx, pkg); !errors.As(err, &fs) || !fs.Has(referral.CheckUntrusted) {
			t.Fatalf("untrusted sender: %v", err)
		}
		pub, _, err := sender.ExportKey(ctx, "ES-TEST", "referrals")
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(pub, []byte("private")) || len(pub) > 300 {
			t.Fatalf("export: %s", pub)
		}
		if _, err := recipient.TrustKey(ctx, pub, time.Time{}); err != nil {
			t.Fatal(err)
		}
		v, err := recipient.VerifyReferral(ctx, pkg)
		if err != nil {
			t.Fatal(err)
		}
		if v.Signer.Agency != "ES-TEST" || v.Referral.Handling.Code != "H3" || v.Suspects[0].Name != "Rowan Example" {
			t.Fatalf("verified: %+v", v.Referral)
		}
		want := referral.Payment{Direction: "paid", Identifier: rowanKey, Counterparty: "phone:+442079460958", CounterpartyCountry: "GB", Amount: "25.00",
			Currency: "EUR", Time: "2024-01-10T08:00:00Z", Method: "phone", Source: "platform (ledger row 7)", CrossBorder: true, Grading: referral.Grading{Source: "B", Info: "2"}}
		if ps := v.Suspects[0].Payments; len(ps) != 1 || ps[0] != want {
			t.Fatalf("payments: %+v\nwant %+v", ps, want)
		}
		if csv := string(pkg.Files[pkg.Name+"/"+referral.PaymentFile]) + string(pkg.Files[referral.PaymentFile]); !strings.Contains(csv, "S-0001,paid,"+rowanKey+",phone:+442079460958,GB,25.00,EUR,") {
			t.Errorf("payments.csv: %q", csv)
		}
		imp, err := recipient.ImportReferral(ctx, pkg, "received")
		if err != nil {
			t.Fatal(err)
		}
		if imp.Suspects != 1 || imp.Identifiers == 0 || imp.BankRecords != 3 {
			t.Fatalf("import: %+v", imp)
		}
		got, err := recipient.ReceivedSuspects(ctx, "received")
		if err != nil || len(got) != 1 || got[0].Suspect.Attribution.Country != "US" {
			t.Fatalf("received suspects: %+v %v", got, err)
		}
		rep, err := recipient.Report(ctx, "received")
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Custody) != 2 || rep.Custody[1].Event != "received and verified" || !strings.Contains(rep.Custody[1].Digests, res.TagManifestSHA256) {
			t.Fatalf("custody: %+v", rep.Custody)
		}

		// The acknowledgement needs the sealed key's passphrase.
		if _, _, err := recipient.AckReferral(ctx, pkg, investigation.AckOptions{Status: "action", Key: "acks"}); !errors.Is(err, investigation.ErrPassphrase) {
			t.Fatalf("sealed key without passphrase: %v", err)
		}
		if _, _, err := recipient.AckReferral(ctx, pkg, investigation.AckOptions{Status: "action", Key: "acks", Passphrase: []byte("wrong")}); !errors.Is(err, investigation.ErrPassphrase) {
			t.Fatalf("wrong passphrase: %v", err)
		}
		ack, _, err := recipient.AckReferral(ctx, pkg, investigation.AckOptions{Status: "acknowledged", PerSuspect: map[string]string{"S-0001": "action"},
			Key: "acks", Passphrase: []byte("a long synthetic passphrase")})
		if err != nil {
			t.Fatal(err)
		}
		// The sender refuses the acknowledgement until it trusts the recipient.
		if _, err := sender.ImportAck(ctx, ack); !errors.As(err, &fs) || !fs.Has(referral.CheckUntrusted) {
			t.Fatalf("untrusted acknowledgement: %v", err)
		}
		rpub, _, err := recipient.ExportKey(ctx, "", "acks")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sender.TrustKey(ctx, rpub, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		*now = time.Date(2024, 2, 2, 9, 0, 0, 0, time.UTC)
		ai, err := sender.ImportAck(ctx, ack)
		if err != nil {
			t.Fatal(err)
		}
		if len(ai.Suspects) != 1 || ai.Suspects[0].Moved != "under_investigation" {
			t.Fatalf("ack import: %+v", ai)
		}
		op, _ := senderDB.OperationByName(ctx, "op-demo")
		xs, err := senderDB.Suspects(ctx, op.ID)
		if err != nil || len(xs) != 1 || xs[0].Status != "under_investigation" {
			t.Fatalf("suspect statuses after the acknowledgement: %+v %v", xs, err)
		}
		hist, err := senderDB.StatusHistory(ctx, op.ID, xs[0].ID)
		if err != nil || len(hist) != 6 || hist[len(hist)-1].Package != res.ReferralID || !strings.Contains(hist[len(hist)-1].Why, "US-TEST") || hist[len(hist)-1].Day != "2024-02-01" {
			t.Fatalf("history: %+v %v", hist, err)
		}
		// A second import of the same acknowledgement moves nothing.
		ai, err = sender.ImportAck(ctx, ack)
		if err != nil || ai.Suspects[0].Moved != "" {
			t.Fatalf("ack imported twice: %+v %v", ai, err)
		}
	})
}
