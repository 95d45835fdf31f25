package investigation_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/icse"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestSeriesAcrossAgencies: two agencies hold the same new material; each
// turns its cluster into a series, the two are linked by PDQ and each sees
// the other's agency and contact, not its case; a share gives a victim-ID
// desk the series, not the case; exports are ICSE and VICS hash lists.
func TestSeriesAcrossAgencies(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newHubFixture(t, open)
		s := f.s
		ctx := context.Background()
		if _, err := s.AddAgency(ctx, "VID-DESK", "nl"); err != nil {
			t.Fatal(err)
		}
		desk, err := s.AddUser(ctx, investigation.NewUser{Name: "desk", Agency: "VID-DESK", Role: "analyst", Password: testPassword})
		if err != nil {
			t.Fatal(err)
		}
		f.p["desk"] = access.Principal{ID: access.UserPrincipalID(desk.ID), Name: "desk", Agency: "VID-DESK", Roles: []access.Role{access.Analyst}, Method: access.Password}
		l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"nl-1", "be-1"} {
			if _, err := s.Ingest(ctx, c, investigation.IngestOptions{Exhibit: "PHONE-01", Paths: []string{l.Evidence}, Workers: 1}); err != nil {
				t.Fatal(err)
			}
		}
		clusters, err := s.Clusters(f.as("nl-analyst"), "nl-1", investigation.ClusterOptions{})
		if err != nil || len(clusters) == 0 || clusters[0].Size < 2 {
			t.Fatalf("clusters: %+v, %v", clusters, err)
		}
		id := clusters[0].ID

		if _, err := s.CreateSeries(f.as("nl-viewer"), "nl-1", "Garden", id, investigation.SeriesFlags{}); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("a viewer creates a series: %v", err)
		}
		if _, err := s.CreateSeries(f.as("nl-analyst"), "nl-1", "Garden", 9999, investigation.SeriesFlags{}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no such cluster: %v", err)
		}
		if _, err := s.CreateSeries(f.as("nl-analyst"), "nl-1", "Garden", id, investigation.SeriesFlags{Country: "Spain"}); !errors.Is(err, investigation.ErrInvalid) {
			t.Fatalf("a country name: %v", err)
		}
		nl, err := s.CreateSeries(f.as("nl-analyst"), "nl-1", "Garden", id, investigation.SeriesFlags{VictimIdentified: true, Country: "es", Contact: "vid-nl@example.org"})
		if err != nil || nl.Members == 0 || nl.Country != "ES" || len(nl.Links) != 0 || len(nl.MembersList) != int(nl.Members) || nl.MembersList[0].MD5 == "" {
			t.Fatalf("NL series: %+v, %v", nl, err)
		}
		beClusters, err := s.Clusters(f.as("be-analyst"), "be-1", investigation.ClusterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		be, err := s.CreateSeries(f.as("be-analyst"), "be-1", "Kitchen", beClusters[0].ID, investigation.SeriesFlags{Baseline: true, Contact: "+1 202 555 0103"})
		if err != nil || len(be.Links) != 1 {
			t.Fatalf("BE series: %+v, %v", be, err)
		}
		// Both sides see the link: the other's agency, contact and flags, not
		// its case or name.
		if lk := be.Links[0]; lk.Agency != "NL-POL" || lk.Contact != "vid-nl@example.org" || !lk.VictimIdentified || lk.Case != "" || lk.Name != "" || lk.Matches == 0 || lk.MinDistance != 0 {
			t.Fatalf("BE sees %+v", lk)
		}
		nl, err = s.Series(f.as("nl-viewer"), "nl-1", "Garden")
		if err != nil || len(nl.Links) != 1 || nl.Links[0].Agency != "BE-FCCU" || nl.Links[0].Contact != "+1 202 555 0103" || !nl.Links[0].Baseline || nl.Links[0].Case != "" {
			t.Fatalf("NL sees %+v, %v", nl.Links, err)
		}
		// Both case owners are told, as deconfliction notices naming the
		// other agency (never its case).
		for _, side := range []struct{ user, c, other string }{{"nl-analyst", "nl-1", "BE-FCCU"}, {"be-analyst", "be-1", "NL-POL"}} {
			ns, err := s.Notices(f.as(side.user), side.c, false)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(ns, func(n investigation.NoticeView) bool { return n.Kind == store.SeriesKind })
			if i < 0 || ns[i].Agency != side.other || ns[i].OtherCase != "" || len(ns[i].Keys) != 1 || !strings.Contains(ns[i].Message, "victim-identification series") {
				t.Errorf("%s: series notice %d of %+v", side.c, i, ns)
			}
		}

		// Another agency and the desk see nothing until the series is shared.
		for _, user := range []string{"be-analyst", "desk", "hub"} {
			if _, err := s.Series(f.as(user), "nl-1", "Garden"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s reads NL's series: %v", user, err)
			}
		}
		if _, err := s.ShareSeries(f.as("nl-viewer"), "nl-1", "Garden", "VID-DESK"); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("a viewer shares: %v", err)
		}
		if _, err := s.ShareSeries(f.as("nl-analyst"), "nl-1", "Garden", "NOPE"); !errors.Is(err, investigation.ErrUnknownAgency) {
			t.Fatalf("share with an unknown agency: %v", err)
		}
		sh, err := s.ShareSeries(f.as("nl-analyst"), "nl-1", "Garden", "VID-DESK")
		if err != nil || strings.Join(sh.SharedWith, ",") != "VID-DESK" {
			t.Fatalf("share: %+v, %v", sh, err)
		}
		got, err := s.Series(f.as("desk"), "nl-1", "Garden")
		if err != nil || got.Members != nl.Members {
			t.Fatalf("the desk reads the shared series: %+v, %v", got, err)
		}
		if _, err := s.CaseDetail(f.as("desk"), "nl-1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the desk reads the case: %v", err)
		}
		if _, err := s.ShareSeries(f.as("desk"), "nl-1", "Garden", "BE-FCCU"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the desk reshares: %v", err)
		}
		list, err := s.SeriesList(f.as("desk"))
		if err != nil || len(list) != 1 || list[0].Name != "Garden" {
			t.Fatalf("the desk lists %+v, %v", list, err)
		}
		if list, _ := s.SeriesList(f.as("nl-viewer")); len(list) != 1 {
			t.Fatalf("NL lists %+v", list)
		}

		// Exports: ICSE reads back with the series name and flags; VICS is a
		// #Media hash set.
		var b bytes.Buffer
		n, err := s.ExportSeries(f.as("desk"), "nl-1", "Garden", investigation.ExportICSE, &b)
		if err != nil || n != nl.Members {
			t.Fatalf("ICSE export: %d, %v", n, err)
		}
		r := icse.NewReader(bytes.NewReader(b.Bytes()), "garden.csv", hashset.Options{})
		rec, err := r.Next()
		if err != nil || rec.Series != "Garden" || rec.VictimIdentified != hashset.True || rec.OffenderIdentified != hashset.False || rec.HexMD5() != nl.MembersList[0].MD5 {
			t.Fatalf("ICSE record %+v, %v\n%s", rec, err, b.String())
		}
		b.Reset()
		if n, err := s.ExportSeries(f.as("be-analyst"), "be-1", "Kitchen", investigation.ExportVICS, &b); err != nil || n != be.Members || !strings.Contains(b.String(), `"#Media"`) && !strings.Contains(b.String(), "Media") {
			t.Fatalf("VICS export: %d, %v\n%s", n, err, b.String())
		}
		if _, err := s.ExportSeries(f.as("be-analyst"), "be-1", "Kitchen", "pdf", &b); !errors.Is(err, investigation.ErrInvalid) {
			t.Fatalf("unknown format: %v", err)
		}

		counts := map[string]int{}
		if err := f.db.AuditRecords(ctx, "series:", func(r audit.Record) error { counts[r.Action]++; return nil }); err != nil {
			t.Fatal(err)
		}
		if counts["series.create"] != 2 || counts["series.share"] != 1 || counts["series.export"] != 2 {
			t.Fatalf("audit %v", counts)
		}
	})
}
