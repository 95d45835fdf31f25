package nsrl_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/hashsettest"
	"github.com/vibora-project/vibora/internal/hashset/nsrl"
	"github.com/vibora-project/vibora/internal/hashset/nsrl/nsrltest"
)

func build(t testing.TB, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "RDS_2024.03.1_modern_minimal.db")
	if err := nsrltest.Build(context.Background(), path, n, "2024.03.1"); err != nil {
		t.Fatal(err)
	}
	return path
}

func exec(t *testing.T, path, q string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatal(err)
	}
}

func readAll(t *testing.T, path string) ([]hashset.Record, []*hashset.RejectError, hashset.Meta) {
	t.Helper()
	r, err := nsrl.Open(context.Background(), path, hashset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	recs, rejs, err := hashset.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return recs, rejs, r.Meta()
}

func fileState(t *testing.T, path string) (sum [32]byte, names []string) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return sha256.Sum256(b), names
}

func TestDistinctHash(t *testing.T) {
	const n = 300
	path := build(t, n)
	sum0, names0 := fileState(t, path)
	recs, rejs, meta := readAll(t, path)
	if len(rejs) != 0 || len(recs) != n {
		t.Fatalf("%d records (want %d distinct of %d rows), rejections %v", len(recs), n, 2*n, rejs)
	}
	want := hashset.Meta{Format: "nsrl", FormatVersion: "2024.03.1 (Modern)", Document: "distinct_hash", Profile: "nsrl", SuggestedKind: hashset.KindIgnorable}
	if meta != want {
		t.Errorf("meta %+v, want %+v", meta, want)
	}
	byMD5 := map[[16]byte]hashset.Record{}
	for _, r := range recs {
		if r.Class != hashset.ClassKnownGood || r.Profile != "nsrl" || r.Present != hashset.HasMD5|hashset.HasSHA1|hashset.HasSHA256 || r.Line < 1 {
			t.Fatalf("record %+v", r)
		}
		byMD5[r.MD5] = r
	}
	for i := 0; i < n; i++ {
		w := hashsettest.Record(i)
		g, ok := byMD5[w.MD5]
		if !ok || g.SHA1 != w.SHA1 || g.SHA256 != w.SHA256 {
			t.Fatalf("synthetic record %d missing or different", i)
		}
	}
	sum1, names1 := fileState(t, path)
	if sum0 != sum1 || strings.Join(names0, ",") != strings.Join(names1, ",") {
		t.Errorf("reading changed the database or its directory: %v -> %v", names0, names1)
	}
}

func TestFileFallbackAndRejects(t *testing.T) {
	path := build(t, 20)
	exec(t, path, `DROP VIEW DISTINCT_HASH; DROP TABLE VERSION;
		INSERT INTO FILE VALUES ('XYZ', '', '', '0', 'bad.dll', 1, 1);
		INSERT INTO FILE VALUES ('', '', '', '0', 'empty.dll', 1, 1)`)
	recs, rejs, meta := readAll(t, path)
	if meta.Document != "file" || meta.FormatVersion != "" || len(recs) != 20 || len(rejs) != 2 {
		t.Fatalf("meta %+v, %d records, rejections %v", meta, len(recs), rejs)
	}
	for _, r := range rejs {
		if r.Line < 1 || (!strings.Contains(r.Reason, "sha256: want 64") && r.Reason != "no hash in row") {
			t.Errorf("rejection %+v", r)
		}
	}
}

func TestNotNSRL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	exec(t, path, `CREATE TABLE x (a)`)
	if _, err := nsrl.Open(context.Background(), path, hashset.Options{}); err == nil || !strings.Contains(err.Error(), "not an NSRL") {
		t.Errorf("err %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(junk, []byte("not sqlite at all, just text that is long enough to look like a header....."), 0o644)
	if _, err := nsrl.Open(context.Background(), junk, hashset.Options{}); err == nil {
		t.Error("junk opened")
	}
	if _, err := nsrl.Open(context.Background(), filepath.Join(t.TempDir(), "missing.db"), hashset.Options{}); err == nil {
		t.Error("missing file opened (read-only open must not create it)")
	}
}

func TestCancel(t *testing.T) {
	path := build(t, 500)
	ctx, cancel := context.WithCancel(context.Background())
	r, err := nsrl.Open(ctx, path, hashset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	cancel()
	time.Sleep(100 * time.Millisecond) // database/sql closes the rows from a goroutine
	for i := 0; i < 500; i++ {
		if _, err := r.Next(); err != nil {
			if err == io.EOF {
				t.Fatal("EOF after cancel")
			}
			return
		}
	}
	t.Fatal("no error after cancel")
}

func BenchmarkRead(b *testing.B) {
	const n = 100_000
	path := build(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := nsrl.Open(context.Background(), path, hashset.Options{})
		if err != nil {
			b.Fatal(err)
		}
		count := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
		r.Close()
		if count != n {
			b.Fatal(count)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
}
