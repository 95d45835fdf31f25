package storetest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testFileCounts: the counts kept as files are stored equal the counts of
// the stored rows; a repeated identity adds nothing.
func testFileCounts(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "counted")
	other := mustCase(t, db, "other")
	e1, e2 := mustExhibit(t, db, c.ID, "E1"), mustExhibit(t, db, c.ID, "E2")
	eo := mustExhibit(t, db, other.ID, "EO")
	known := func(kind, cat, norm, series string) store.FileMatch {
		return store.FileMatch{Bank: "known", BankKind: "known", RecordID: int64(len(cat) + len(series)), Kind: kind, Hash: "h", Category: cat, NormCategory: norm, Series: series}
	}
	files := []store.File{
		{ExhibitID: e1.ID, Path: "a.jpg", Size: 10, SHA256: "s1", PDQ: "p1", PDQQuality: 90, Status: "matched"},
		{ExhibitID: e1.ID, Path: "b.jpg", Size: 20, SHA256: "s2", PDQ: "p2", PDQQuality: 90, Status: "matched"},
		{ExhibitID: e1.ID, Path: "c.jpg", Size: 30, SHA256: "s3", PDQ: "p3", PDQQuality: 90, Status: "unknown", Warnings: "truncated"},
		{ExhibitID: e2.ID, Path: "d.txt", Size: 40, SHA256: "s4", Status: "unknown"},
		{ExhibitID: e2.ID, Path: "e.bin", Size: 50, Status: "error", Error: "unreadable"},
		{ExhibitID: e2.ID, Path: "f.dll", Size: 60, SHA256: "s1", Status: "ignorable"},
		{ExhibitID: eo.ID, Path: "g.jpg", Size: 70, SHA256: "s1", Status: "unknown"},
	}
	matches := [][]store.FileMatch{
		// Two records of one group (one exact, one near): one exact file.
		{known("md5", "1", "A1", "s"), known("pdq", "A1", "", "s")},
		// Near only.
		{known("pdq", "1", "A1", "s")},
		nil, nil, nil,
		{{Bank: "os", BankKind: "ignorable", RecordID: 1, Kind: "sha1", Hash: "h"}},
		nil,
	}
	for i := range files {
		files[i].Root, files[i].Member = "/r", files[i].Path
	}
	insert := func() int {
		var n int
		err := db.InTx(ctx, func(tx *store.Tx) error {
			ps := make([]*store.File, len(files))
			for i := range files {
				f := files[i]
				ps[i] = &f
			}
			var err error
			n, err = tx.InsertFiles(ctx, ps, matches)
			for i := range ps {
				files[i].ID = cmp.Or(ps[i].ID, files[i].ID)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := insert(); n != len(files) {
		t.Fatalf("inserted %d", n)
	}
	if n := insert(); n != 0 {
		t.Fatalf("inserted again %d", n)
	}
	counts, err := db.FileCounts(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]store.FileCount{}
	for _, fc := range counts {
		fc2 := fc
		got[fmt.Sprintf("%d/%s", fc.ExhibitID, fc.Status)] = fc2
	}
	want := map[string]store.FileCount{
		fmt.Sprintf("%d/matched", e1.ID):   {ExhibitID: e1.ID, Status: "matched", Files: 2, Bytes: 30, PDQ: 2},
		fmt.Sprintf("%d/unknown", e1.ID):   {ExhibitID: e1.ID, Status: "unknown", Files: 1, Bytes: 30, Warned: 1, PDQ: 1},
		fmt.Sprintf("%d/unknown", e2.ID):   {ExhibitID: e2.ID, Status: "unknown", Files: 1, Bytes: 40},
		fmt.Sprintf("%d/error", e2.ID):     {ExhibitID: e2.ID, Status: "error", Files: 1},
		fmt.Sprintf("%d/ignorable", e2.ID): {ExhibitID: e2.ID, Status: "ignorable", Files: 1, Bytes: 60},
	}
	if len(got) != len(want) {
		t.Errorf("FileCounts = %+v", counts)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("FileCounts %s = %+v, want %+v", k, got[k], w)
		}
	}
	mc, err := db.MatchCounts(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	wantMC := []store.MatchCount{
		{Bank: "known", BankKind: "known", Category: "A1", Series: "s", Files: 2, Exact: 1, Near: 1},
		{Bank: "os", BankKind: "ignorable", Files: 1, Exact: 1},
	}
	if !slices.Equal(mc, wantMC) {
		t.Errorf("MatchCounts = %+v, want %+v", mc, wantMC)
	}
	cc, err := db.CaseCounts(ctx, []int64{c.ID, other.ID, 999999})
	if err != nil {
		t.Fatal(err)
	}
	if g := cc[c.ID]; g.Exhibits != 2 || g.Files != 6 || g.ByStatus["matched"] != 2 || g.ByStatus["unknown"] != 2 || g.ByStatus["error"] != 1 {
		t.Errorf("CaseCounts[counted] = %+v", g)
	}
	if g := cc[other.ID]; g.Exhibits != 1 || g.Files != 1 || g.ByStatus["unknown"] != 1 {
		t.Errorf("CaseCounts[other] = %+v", g)
	}
	if g := cc[999999]; g.Files != 0 || g.Exhibits != 0 {
		t.Errorf("CaseCounts[none] = %+v", g)
	}
	// The same content in another case is a sighting; the case's own
	// copies are not.
	seen, err := db.Sightings(ctx, "s1", c.ID)
	if err != nil || len(seen) != 1 || seen[0].Case != "other" || seen[0].Files != 1 {
		t.Errorf("Sightings = %+v %v", seen, err)
	}
	if _, err := db.CaseFile(ctx, other.ID, files[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a file of another case: %v", err)
	}
	if f, err := db.CaseFile(ctx, c.ID, files[0].ID); err != nil || f.Path != "a.jpg" || f.Exhibit != "E1" || f.Case != "counted" {
		t.Errorf("CaseFile = %+v %v", f, err)
	}
}

// testFilePageOrders: paging a case's files through every order, both
// directions, with and without filters, visits the files the filter
// selects exactly once, in order; paths compare by bytes in both dialects.
func testFilePageOrders(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "paged")
	other := mustCase(t, db, "not-paged")
	e1, e2 := mustExhibit(t, db, c.ID, "E1"), mustExhibit(t, db, c.ID, "E2")
	eo := mustExhibit(t, db, other.ID, "EO")
	statuses := []string{"matched", "unknown", "error", "ignorable"}
	// Paths whose byte order differs from a locale's: case, accents,
	// punctuation.
	names := []string{"a", "B", "b", "Z", "é", "e", "_x", "-y", "10", "9", "a b", "A"}
	var all []store.File
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := range 48 {
			e := e1
			if i%3 == 0 {
				e = e2
			}
			f := store.File{ExhibitID: e.ID, Path: fmt.Sprintf("%s/%02d", names[i%len(names)], i), Size: int64((i * 7) % 10), Status: statuses[i%len(statuses)], Root: "/r"}
			f.Member = f.Path
			var ms []store.FileMatch
			if i%5 == 0 {
				ms = []store.FileMatch{{Bank: "k", BankKind: "known", RecordID: 1, Kind: "md5", Hash: "h", Category: "cat"}}
			}
			if i%7 == 0 {
				// Found by its normalised category only.
				ms = append(ms, store.FileMatch{Bank: "k", BankKind: "known", RecordID: 2, Kind: "sha1", Hash: "h2", Category: "raw", NormCategory: "cat"})
			}
			if _, err := tx.InsertFile(ctx, &f, ms); err != nil {
				return err
			}
			f.Case, f.Exhibit = "paged", map[int64]string{e1.ID: "E1", e2.ID: "E2"}[e.ID]
			all = append(all, f)
			o := store.File{ExhibitID: eo.ID, Path: f.Path, Status: f.Status, Root: "/r", Member: f.Path}
			if _, err := tx.InsertFile(ctx, &o, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	catIDs := map[int64]bool{}
	for i, f := range all {
		if i%5 == 0 || i%7 == 0 {
			catIDs[f.ID] = true
		}
	}
	for _, c := range []struct {
		category, kind string
		want           bool
	}{{"cat", "known", true}, {"raw", "known", true}, {"cat", "ignorable", false}, {"nothing", "known", false}} {
		if got, err := db.CategoryOfKind(ctx, c.category, c.kind); err != nil || got != c.want {
			t.Errorf("category %q of kind %q: %v, %v", c.category, c.kind, got, err)
		}
	}
	for _, order := range []string{store.FileByID, store.FileByPath, store.FileBySize} {
		for _, desc := range []bool{false, true} {
			for _, filter := range []struct {
				name     string
				statuses []string
				exhibit  int64
				category string
				rare     int64 // -1: walk the status ranges even for a rare category
			}{{"all", statuses, 0, "", 0}, {"unknown", []string{"unknown"}, 0, "", 0}, {"E2", statuses, e2.ID, "", 0},
				{"cat", statuses, 0, "cat", 0}, {"cat walked", statuses, 0, "cat", -1}, {"cat of E2", statuses, e2.ID, "cat", 0}, {"cat of E2 walked", statuses, e2.ID, "cat", -1}} {
				var want []store.File
				for _, f := range all {
					if slices.Contains(filter.statuses, f.Status) && (filter.exhibit == 0 || f.ExhibitID == filter.exhibit) && (filter.category == "" || catIDs[f.ID]) {
						want = append(want, f)
					}
				}
				slices.SortFunc(want, func(a, b store.File) int {
					r := 0
					switch order {
					case store.FileByPath:
						r = strings.Compare(a.Path, b.Path)
					case store.FileBySize:
						r = cmp.Compare(a.Size, b.Size)
					}
					r = cmp.Or(r, cmp.Compare(a.ID, b.ID))
					if desc {
						r = -r
					}
					return r
				})
				var got []store.File
				var after *store.File
				for range 100 {
					page, err := db.FilePage(ctx, store.FilePageFilter{CaseID: c.ID, Statuses: filter.statuses, ExhibitID: filter.exhibit, Category: filter.category,
						Order: order, Desc: desc, After: after, Limit: 5, RareCategory: filter.rare})
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, page...)
					if len(page) < 5 {
						break
					}
					after = &page[len(page)-1]
				}
				if len(got) != len(want) {
					t.Fatalf("order %q desc %v %s: %d files, want %d", order, desc, filter.name, len(got), len(want))
				}
				for i := range want {
					if got[i].ID != want[i].ID || got[i].Path != want[i].Path || got[i].Case != "paged" || got[i].Exhibit != want[i].Exhibit {
						t.Fatalf("order %q desc %v %s: file %d is %+v, want %+v", order, desc, filter.name, i, got[i], want[i])
					}
				}
			}
		}
	}
	if _, err := db.FilePage(ctx, store.FilePageFilter{CaseID: c.ID, Statuses: statuses, Order: "mtime", Limit: 5}); err == nil {
		t.Error("an unknown order was accepted")
	}
}

// testFileCountsUpgrade: a store with files from before the counts gets
// them, and its files their case, when it is upgraded.
func testFileCountsUpgrade(t *testing.T, open Opener) {
	ctx := context.Background()
	ms, err := store.Migrations(open(t, -1).Dialect())
	if err != nil {
		t.Fatal(err)
	}
	before := 0
	for _, m := range ms {
		if strings.Contains(m.Name, "file_counts") {
			before = m.Version - 1
		}
	}
	if before == 0 {
		t.Fatal("no file_counts migration")
	}
	old := open(t, before)
	c := mustCase(t, old, "old-case")
	e := mustExhibit(t, old, c.ID, "E1")
	for i, st := range []string{"matched", "matched", "unknown"} {
		var id int64
		if err := old.SQL().QueryRowContext(ctx, rebind(old, "INSERT INTO files (exhibit_id, path, size, sha256, pdq, status, root, member) VALUES (?, ?, ?, ?, ?, ?, '/r', ?) RETURNING id"),
			e.ID, fmt.Sprintf("f%d", i), 10*(i+1), fmt.Sprintf("s%d", i), "p", st, fmt.Sprintf("f%d", i)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if st != "matched" {
			continue
		}
		for _, kind := range []string{"md5", "pdq"} {
			if _, err := old.SQL().ExecContext(ctx, rebind(old, "INSERT INTO file_matches (file_id, bank, bank_kind, record_id, kind, hash, category, norm_category, series) VALUES (?, 'k', 'known', ?, ?, 'h', '1', 'A1', 's')"),
				id, i, kind); err != nil {
				t.Fatal(err)
			}
		}
	}
	up, err := store.Open(ctx, old.DSN())
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	cc, err := up.CaseCounts(ctx, []int64{c.ID})
	if err != nil || cc[c.ID].Files != 3 || cc[c.ID].ByStatus["matched"] != 2 {
		t.Errorf("counts after the upgrade: %+v %v", cc[c.ID], err)
	}
	mc, err := up.MatchCounts(ctx, c.ID)
	if err != nil || len(mc) != 1 || mc[0].Files != 2 || mc[0].Exact != 2 || mc[0].Category != "A1" {
		t.Errorf("match counts after the upgrade: %+v %v", mc, err)
	}
	page, err := up.FilePage(ctx, store.FilePageFilter{CaseID: c.ID, Statuses: []string{"matched", "unknown"}, Order: store.FileBySize, Desc: true, Limit: 10})
	if err != nil || len(page) != 3 || page[0].Path != "f2" {
		t.Errorf("page after the upgrade: %+v %v", page, err)
	}
}
