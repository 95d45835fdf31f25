package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A large bulk write on SQLite drops the secondary indexes of the tables
// it fills and Close rebuilds them as they were: afterwards they exist
// and the queries that use them find every row.
func TestPlatformBulkDefersIndexes(t *testing.T) {
	defer func(v int64) { bulkDeferMin = v }(bulkDeferMin)
	bulkDeferMin = 100
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "vibora.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	indexes := func(tx *Tx) map[string]string {
		rows, err := tx.query(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN ('platform_identifiers_key', 'platform_activity_user')")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				t.Fatal(err)
			}
			out[name] = def
		}
		return out
	}
	var before map[string]string
	var p Platform
	err = db.InTx(ctx, func(tx *Tx) error {
		before = indexes(tx)
		var err error
		if p, _, err = testPlatform(ctx, tx, "op-bulk"); err != nil {
			return err
		}
		b, err := tx.PlatformBulk(ctx, p.ID)
		if err != nil {
			return err
		}
		for i := range 300 {
			ext := fmt.Sprint(i)
			if err := b.Identifier(ctx, ext, fmt.Sprintf("email:u%d@example.org", i), time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
				return err
			}
			if err := b.Activity(ctx, ext, "", PlatformActivity{Ref: "uploads id=" + ext, Kind: "upload"}); err != nil {
				return err
			}
		}
		if err := b.Flush(ctx); err != nil {
			return err
		}
		if err := b.Identifier(ctx, "1", "email:late@example.org", time.Time{}); err != nil { // a flush past the threshold
			return err
		}
		if err := b.Flush(ctx); err != nil {
			return err
		}
		if during := indexes(tx); len(during) != 0 {
			t.Errorf("indexes kept during a large bulk write: %v", during)
		}
		return b.Close(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 2 {
		t.Fatalf("the migrations' indexes: %v", before)
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		if after := indexes(tx); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("indexes after Close %v, want %v", after, before)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.PlatformUserByExt(ctx, p.ID, "7")
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM platform_identifiers WHERE key = ?", "email:u7@example.org").Scan(&n); err != nil || n != 1 {
		t.Errorf("identifier by key: %d, %v", n, err)
	}
	if err := db.queryRow(ctx, "SELECT COUNT(*) FROM platform_activity WHERE user_id = ? AND kind = 'upload'", u.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("activity by user: %d, %v", n, err)
	}
}

// The user cache keys canonical decimal ext ids by value and every other
// ext id by its text, so that no two distinct ext ids share an entry.
func TestUserCacheKeys(t *testing.T) {
	for _, c := range []struct {
		ext string
		num bool
	}{
		{"0", true}, {"7", true}, {"1234567", true}, {"9999999999999999999", true},
		{"", false}, {"007", false}, {"00", false}, {"-7", false}, {"+7", false}, {"7a", false}, {" 7", false},
		{"7.0", false}, {"١٢", false}, {"10000000000000000000", false}, {"anna", false},
	} {
		if _, ok := decimalID(c.ext); ok != c.num {
			t.Errorf("decimalID(%q) numeric = %v, want %v", c.ext, ok, c.num)
		}
	}
	cache := newUserCache()
	exts := []string{"7", "007", "07", "0", "00", "anna", "9999999999999999999", "18446744073709551615", "1844674407370955161", "2097151", "2097152"}
	for i, e := range exts {
		cache.put(e, int64(i+1))
	}
	for i, e := range exts {
		if id, ok := cache.get(e); !ok || id != int64(i+1) {
			t.Errorf("get(%q) = %d, %v; want %d", e, id, ok, i+1)
		}
	}
	for _, e := range []string{"70", "6", "2097150", "2097153"} {
		if _, ok := cache.get(e); ok {
			t.Errorf("%q never stored was found", e)
		}
	}
	dense := 0
	for _, id := range cache.dense {
		if id != 0 {
			dense++
		}
	}
	if dense != 3 || len(cache.dense) != bulkDenseSize || len(cache.num) != 3 || len(cache.str) != 5 {
		t.Errorf("%d dense (of %d), %d numeric and %d text entries, want 3 (of %d), 3 and 5", dense, len(cache.dense), len(cache.num), len(cache.str), bulkDenseSize)
	}
	// Full, the numeric map starts again; the other parts keep their entries.
	for n := range uint64(bulkNumCacheSize) {
		cache.put(fmt.Sprint(n+bulkDenseSize+100), 1)
	}
	if _, ok := cache.get("2097152"); ok || len(cache.num) > bulkNumCacheSize {
		t.Errorf("the numeric part held %d entries past its bound, or kept an entry from before it was cleared", len(cache.num))
	}
	if id, ok := cache.get("anna"); !ok || id != 6 {
		t.Errorf("the text part lost an entry when the numeric part was cleared: %d, %v", id, ok)
	}
	if id, ok := cache.get("7"); !ok || id != 1 {
		t.Errorf("the dense part lost an entry when the numeric part was cleared: %d, %v", id, ok)
	}
}

// Logins of an import larger than a run are spilled to several runs and
// merged into packs: every login reads back once, by time, with its IP,
// user agent and source row, and each user's count, first and last time
// and IPs are those of their logins.
func TestPlatformBulkSpillsLogins(t *testing.T) {
	db := spillStore(t, &loginRunSize, 97)
	ctx := context.Background()
	var err error
	const n = 6000 // the first 10 are then kept by cutting (past 2*limit+4096)
	var p Platform
	var src int64
	type stat struct {
		count       int64
		first, last string
		ips         map[string][2]string
	}
	want := map[string]*stat{}
	err = db.InTx(ctx, func(tx *Tx) error {
		var srcs []int64
		if p, srcs, err = testPlatform(ctx, tx, "op-spill", "logins"); err != nil {
			return err
		}
		src = srcs[0]
		b, err := tx.PlatformBulk(ctx, p.ID)
		if err != nil {
			return err
		}
		for i := range n {
			user := fmt.Sprintf("u%d", i%37)
			ip := fmt.Sprintf("192.0.2.%d", i%11)
			at := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration((i*7919)%n) * time.Minute).Format(time.RFC3339)
			if err := b.Login(ctx, user, PlatformLogin{SourceID: src, Offset: int64(i) * 50, Line: int64(i) + 1, IP: ip, At: at, Agent: fmt.Sprintf("agent/%d", i%5)}); err != nil {
				return err
			}
			s := want[user]
			if s == nil {
				s = &stat{first: at, last: at, ips: map[string][2]string{}}
				want[user] = s
			}
			s.count++
			s.first, s.last = min(s.first, at), max(s.last, at)
			r, ok := s.ips[ip]
			if !ok {
				r = [2]string{at, at}
			}
			s.ips[ip] = [2]string{min(r[0], at), max(r[1], at)}
		}
		if err := b.Pack(ctx); err != nil {
			return err
		}
		return b.Close(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	logins, total, err := db.PlatformLogins(ctx, p.ID, 0, n)
	if err != nil || total != n || len(logins) != n {
		t.Fatalf("PlatformLogins = %d of %d, %v", len(logins), total, err)
	}
	seen := map[int64]bool{}
	for i, l := range logins {
		if seen[l.Offset] || l.Line != l.Offset/50+1 || l.IP != fmt.Sprintf("192.0.2.%d", (l.Line-1)%11) || l.Agent != fmt.Sprintf("agent/%d", (l.Line-1)%5) ||
			l.UserExt != fmt.Sprintf("u%d", (l.Line-1)%37) || l.File != "/dumps/x.sql" || (i > 0 && l.At < logins[i-1].At) {
			t.Fatalf("login %d: %+v", i, l)
		}
		seen[l.Offset] = true
	}
	for _, limit := range []int{1, 10, 100} {
		some, _, err := db.PlatformLogins(ctx, p.ID, 0, limit)
		if err != nil || fmt.Sprint(some) != fmt.Sprint(logins[:limit]) {
			t.Errorf("the first %d logins = %v, %v; want %v", limit, some, err, logins[:limit])
		}
	}
	stats, err := db.PlatformLoginStats(ctx, p.ID)
	if err != nil || len(stats) != len(want) {
		t.Fatalf("PlatformLoginStats = %d users, %v", len(stats), err)
	}
	ext := extIDs(t, db, p.ID)
	for _, s := range stats {
		w := want[ext[s.UserID]]
		if s.Count != w.count || s.First != w.first || s.Last != w.last {
			t.Errorf("user %s: %+v, want %+v", ext[s.UserID], s, *w)
		}
	}
	ids, err := db.PlatformIdentifiers(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, i := range ids {
		w := want[ext[i.UserID]].ips[strings.TrimPrefix(i.Key, "ipv4:")]
		if i.FirstSeen != w[0] || i.LastSeen != w[1] {
			t.Errorf("user %s IP %s seen %s..%s, want %s..%s", ext[i.UserID], i.Key, i.FirstSeen, i.LastSeen, w[0], w[1])
		}
		count++
	}
	wantIPs := 0
	for _, s := range want {
		wantIPs += len(s.ips)
	}
	if count != wantIPs {
		t.Errorf("%d user IPs, want %d", count, wantIPs)
	}
}

// spillStore opens a new store for a test whose runs (of logins or
// activity: runSize) hold size rows, spilled to a folder of the test's
// own; both are restored at the end.
func spillStore(t *testing.T, runSize *int, size int) *DB {
	t.Helper()
	old := *runSize
	*runSize = size
	t.Cleanup(func() { *runSize = old })
	t.Setenv("TMPDIR", t.TempDir())
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "vibora.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// testPlatform creates, in tx, a case and its platform examplevid with a
// source in /dumps/x.sql for each of tables.
func testPlatform(ctx context.Context, tx *Tx, caseName string, tables ...string) (Platform, []int64, error) {
	c := Case{Name: caseName, CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
	if err := tx.InsertCase(ctx, &c); err != nil {
		return Platform{}, nil, err
	}
	p := Platform{CaseID: c.ID, Name: "examplevid", CreatedAt: "2024-02-01T00:00:00Z"}
	if err := tx.UpsertPlatform(ctx, &p); err != nil {
		return Platform{}, nil, err
	}
	srcs := make([]int64, len(tables))
	for i, table := range tables {
		var err error
		if srcs[i], _, err = tx.PlatformSourceOf(ctx, p.ID, "/dumps/x.sql", table); err != nil {
			return Platform{}, nil, err
		}
	}
	return p, srcs, nil
}

// extIDs maps the row ids of a platform's users to their ext ids.
func extIDs(t *testing.T, db *DB, platformID int64) map[int64]string {
	t.Helper()
	users, err := db.PlatformUsers(context.Background(), platformID)
	if err != nil {
		t.Fatal(err)
	}
	ext := map[int64]string{}
	for _, u := range users {
		ext[u.ID] = u.ExtID
	}
	return ext
}

// TestChunk: the statements a writer runs for n rows write each row once,
// none more than the most, in few distinct sizes.
func TestChunk(t *testing.T) {
	for _, most := range []int{1, 512, 1024} {
		sizes := map[int]bool{}
		for n := 1; n <= 5000; n++ {
			done := 0
			for done < n {
				k := chunk(n-done, most)
				if k < 1 || k > most || k > n-done {
					t.Fatalf("chunk(%d, %d) = %d", n-done, most, k)
				}
				sizes[k] = true
				done += k
			}
		}
		if want := bits.Len(uint(most)); len(sizes) > want {
			t.Errorf("most %d: %d statement sizes, want at most %d", most, len(sizes), want)
		}
	}
}

// TestPlatformBulkTimes: logins and activity given their time as a value
// (Time) are stored as those given it as RFC 3339 UTC text (At), as an
// import wrote it before: in packs, in activity rows without a source,
// for times before 1970, at the ends of the years text can hold, with a
// zone and a fraction of a second, and without a time. A year text cannot
// hold is refused for a login and kept as text for activity, both ways.
func TestPlatformBulkTimes(t *testing.T) {
	ctx := context.Background()
	times := []time.Time{
		time.Date(2024, 3, 2, 10, 0, 0, 0, time.UTC),
		time.Date(1969, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2024, 3, 2, 12, 0, 0, 5e8, time.FixedZone("", 3600)),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		{},
	}
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	text := func(tm time.Time) string {
		if tm.IsZero() {
			return ""
		}
		return tm.UTC().Format(time.RFC3339)
	}
	store := func(asValue bool) ([]PlatformLogin, []PlatformActivity) {
		db, err := Open(ctx, filepath.Join(t.TempDir(), "vibora.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var p Platform
		err = db.InTx(ctx, func(tx *Tx) error {
			var srcs []int64
			var err error
			if p, srcs, err = testPlatform(ctx, tx, "op-times", "logins", "uploads"); err != nil {
				return err
			}
			logins, uploads := srcs[0], srcs[1]
			b, err := tx.PlatformBulk(ctx, p.ID)
			if err != nil {
				return err
			}
			for i, tm := range append(times, far) {
				l := PlatformLogin{SourceID: logins, Offset: int64(i) * 40, Line: int64(i) + 1, IP: "192.0.2.7"}
				a := PlatformActivity{Ref: fmt.Sprintf("uploads id=%d", i), Kind: "upload", MD5: fmt.Sprintf("%032x", i), SourceID: uploads, Offset: int64(i) * 40, Line: int64(i) + 1}
				if asValue {
					l.Time, a.Time = tm, tm
				} else {
					l.At, a.At = text(tm), text(tm)
				}
				err := b.Login(ctx, "anna", l)
				if tm == far {
					if err == nil {
						t.Errorf("a login in year 10000 (as a value: %v) was stored", asValue)
					}
				} else if err != nil {
					return err
				}
				if err := b.Activity(ctx, "anna", "", a); err != nil {
					return err
				}
				a.Ref, a.SourceID = "no source "+a.Ref, 0
				if err := b.Activity(ctx, "anna", "", a); err != nil {
					return err
				}
			}
			if err := b.Pack(ctx); err != nil {
				return err
			}
			return b.Close(ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		ls, _, err := db.PlatformLogins(ctx, p.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		acts, err := db.PlatformActivityOf(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return ls, acts
	}
	textLogins, textActs := store(false)
	valueLogins, valueActs := store(true)
	if len(textLogins) != len(times) || fmt.Sprint(valueLogins) != fmt.Sprint(textLogins) {
		t.Errorf("logins given times as values:\n%v\nas text:\n%v", valueLogins, textLogins)
	}
	if len(textActs) != 2*(len(times)+1) || fmt.Sprint(valueActs) != fmt.Sprint(textActs) {
		t.Errorf("activity given times as values:\n%v\nas text:\n%v", valueActs, textActs)
	}
	for _, a := range textActs {
		if a.Offset == 2*40 && a.At != "2024-03-02T11:00:00Z" || a.Offset == 6*40 && a.At != "10000-01-01T00:00:00Z" {
			t.Errorf("activity %s at %q", a.Ref, a.At)
		}
	}
}

// TestPlatformBulkReleasesRuns: once a batch has no logins (the dump has
// gone on to other tables), the logins in memory go to a run of their
// own and their buffer is given back; every login is still packed once.
func TestPlatformBulkReleasesRuns(t *testing.T) {
	db := spillStore(t, &loginRunSize, 1<<20)
	ctx := context.Background()
	const n = releaseMin + 10
	var p Platform
	err := db.InTx(ctx, func(tx *Tx) error {
		var srcs []int64
		var err error
		if p, srcs, err = testPlatform(ctx, tx, "op-release", "logins"); err != nil {
			return err
		}
		b, err := tx.PlatformBulk(ctx, p.ID)
		if err != nil {
			return err
		}
		for i := range n {
			if err := b.Login(ctx, fmt.Sprintf("u%d", i%13), PlatformLogin{SourceID: srcs[0], Offset: int64(i) * 40, Line: int64(i) + 1, IP: "192.0.2.7", Time: time.Unix(1.7e9+int64(i), 0)}); err != nil {
				return err
			}
		}
		if err := b.Flush(ctx); err != nil {
			return err
		}
		if len(b.spill.runs) != 0 || len(b.spill.mem) != n {
			t.Fatalf("after a batch of logins: %d runs, %d logins in memory", len(b.spill.runs), len(b.spill.mem))
		}
		if err := b.Identifier(ctx, "u1", "email:u1@example.org", time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
			return err
		}
		if err := b.Flush(ctx); err != nil {
			return err
		}
		if len(b.spill.runs) != 1 || cap(b.spill.mem) != 0 {
			t.Fatalf("after a batch without logins: %d runs, a buffer of %d logins", len(b.spill.runs), cap(b.spill.mem))
		}
		if err := b.Pack(ctx); err != nil {
			return err
		}
		return b.Close(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, total, err := db.PlatformLogins(ctx, p.ID, 0, 1); err != nil || total != n {
		t.Fatalf("PlatformLogins: %d stored, %v; want %d", total, err, n)
	}
}

// TestSQLFixed: a pack's shared values as SQL, a quote in a kind doubled,
// and the last kept until either changes.
func TestSQLFixed(t *testing.T) {
	var f sqlFixed
	for _, c := range []struct {
		source int64
		kind   string
		want   string
	}{{7, "", "7, "}, {7, "upload", "7, 'upload', "}, {7, "upload", "7, 'upload', "}, {8, "upload", "8, 'upload', "}, {8, "it's", "8, 'it''s', "}, {0, "", "0, "}} {
		if got := f.of(c.source, c.kind); got != c.want {
			t.Errorf("of(%d, %q) = %q, want %q", c.source, c.kind, got, c.want)
		}
	}
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "vibora.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got string
	if err := db.sql.QueryRowContext(ctx, "SELECT "+f.of(3, "it's")+"'end'").Scan(new(int64), &got, new(string)); err != nil || got != "it's" {
		t.Errorf("SQL %q gives %q, %v", f.of(3, "it's"), got, err)
	}
}

// TestPackRowsFold: a column every row of a statement holds the same
// empty value in is written into it; the rest are bound, in order.
func TestPackRowsFold(t *testing.T) {
	p := packRows{cols: 5, fixed: "7, "}
	for _, c := range []struct {
		vals    []any
		row     string
		binds   []any
		samePtr bool
	}{
		{[]any{int64(1), int64(0), nil, "x", int64(0), int64(2), int64(0), nil, "", ""}, "(7, ?, 0, NULL, ?, ?)", []any{int64(1), "x", int64(0), int64(2), "", ""}, false},
		{[]any{int64(1), int64(0), "", []byte{}, nil}, "(7, ?, 0, '', ?, NULL)", []any{int64(1), []byte{}}, false},
		{[]any{int64(1), int64(3), "a", []byte{1}, int64(4)}, "(7, ?, ?, ?, ?, ?)", []any{int64(1), int64(3), "a", []byte{1}, int64(4)}, true},
		{[]any{int64(0), "", nil, nil, int64(9), nil, int64(0), nil, nil, int64(9)}, "(7, ?, ?, NULL, NULL, ?)", []any{int64(0), "", int64(9), nil, int64(0), int64(9)}, false},
	} {
		n := len(c.vals) / p.cols
		row, binds := p.fold(c.vals, n)
		if row != c.row || !reflect.DeepEqual(binds, c.binds) {
			t.Errorf("fold(%v) = %q %v, want %q %v", c.vals, row, binds, c.row, c.binds)
		}
		if same := len(binds) > 0 && &binds[0] == &c.vals[0]; same != c.samePtr {
			t.Errorf("fold(%v): binds the given slice %v, want %v", c.vals, same, c.samePtr)
		}
	}
}

// TestSQLLiteral: values a statement may hold as literals, and those it
// may not (a NUL would end the statement's text).
func TestSQLLiteral(t *testing.T) {
	for _, c := range []struct {
		v   any
		lit string
		ok  bool
	}{{nil, "NULL", true}, {int64(-42), "-42", true}, {"O'Brien", "'O''Brien'", true}, {"", "''", true}, {"a\x00b", "", false},
		{strings.Repeat("x", 1025), "", false}, {3.5, "", false}, {[]byte("x"), "", false}, {7, "", false}} {
		if lit, ok := sqlLiteral(c.v); lit != c.lit || ok != c.ok {
			t.Errorf("sqlLiteral(%#v) = %q %v, want %q %v", c.v, lit, ok, c.lit, c.ok)
		}
	}
	if !sameValue(int64(1), int64(1)) || sameValue(int64(1), "1") || sameValue(nil, "") || !sameValue(nil, nil) || sameValue("a", "b") {
		t.Error("sameValue")
	}
}

// TestMergeIdents: the same key of the same user, queued more than once
// in a batch, is written once with the earliest first time and the
// latest last time of those seen (unknown when none is); other users and
// keys are kept.
func TestMergeIdents(t *testing.T) {
	xs := []bulkIdent{
		{uid: 1, key: "a", first: 20, last: 20, seen: true, seq: 0},
		{uid: 1, key: "a", seq: 3},
		{uid: 1, key: "a", first: 10, last: 10, seen: true, seq: 5},
		{uid: 1, key: "a", first: 30, last: 30, seen: true, seq: 6},
		{uid: 1, key: "b", seq: 1},
		{uid: 2, key: "a", seq: 2},
		{uid: 2, key: "a", first: -50, last: -50, seen: true, seq: 4},
		{uid: 2, key: "a", seq: 7},
		{uid: 3, key: "a", seq: 8},
		{uid: 3, key: "a", seq: 9},
	}
	got := mergeIdents(xs)
	want := []bulkIdent{
		{uid: 1, key: "a", first: 10, last: 30, seen: true, seq: 0},
		{uid: 1, key: "b", seq: 1},
		{uid: 2, key: "a", first: -50, last: -50, seen: true, seq: 2},
		{uid: 3, key: "a", seq: 8},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mergeIdents = %+v\nwant %+v", got, want)
	}
	if xs[len(got)] != (bulkIdent{}) {
		t.Errorf("merged away rows kept: %+v", xs[len(got):])
	}
}

// A large bulk write drops the payments' indexes by payer and payee with
// its own when the payments stored are few beside what it writes, and
// rebuilds them holding the events written meanwhile; beside many stored
// payments it keeps them (a rebuild sorts them all).
func TestPlatformBulkDefersPaymentIndexes(t *testing.T) {
	defer func(v int64) { bulkDeferMin = v }(bulkDeferMin)
	bulkDeferMin = 100
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "vibora.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	payIndexes := func(tx *Tx) int {
		var n int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('payments_payer', 'payments_payee')").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	payments := func(caseID int64, from, n int) []Payment {
		ps := make([]Payment, 0, n)
		for i := from; i < from+n; i++ {
			ps = append(ps, Payment{CaseID: caseID, SourceKind: "platform", SourceRef: fmt.Sprintf("payments id=%d", i),
				PayerKey: fmt.Sprintf("eth:0x%040x", i%7), PayeeKey: fmt.Sprintf("eth:0x%040x", 1000+i%11), Amount: "0.05", Currency: "ETH",
				CreatedAt: "2026-01-01T00:00:00Z", CreatedBy: "alex"})
		}
		return ps
	}
	// run writes a large bulk write's rows with 50 payments after the
	// writer dropped its indexes, and reports how many of the payments'
	// indexes were there meanwhile.
	run := func(caseName string) (during int, caseID int64) {
		err := db.InTx(ctx, func(tx *Tx) error {
			p, _, err := testPlatform(ctx, tx, caseName)
			if err != nil {
				return err
			}
			caseID = p.CaseID
			b, err := tx.PlatformBulk(ctx, p.ID)
			if err != nil {
				return err
			}
			for i := range 300 {
				if err := b.Identifier(ctx, fmt.Sprint(i), fmt.Sprintf("email:u%d@example.org", i), time.Time{}); err != nil {
					return err
				}
			}
			if err := b.Flush(ctx); err != nil {
				return err
			}
			if _, err := tx.InsertPayments(ctx, payments(p.CaseID, 0, 50)); err != nil {
				return err
			}
			during = payIndexes(tx)
			return b.Close(ctx)
		})
		if err != nil {
			t.Fatal(err)
		}
		return during, caseID
	}
	byIndex := func(caseID int64) (payer, payee int64) {
		if err := db.queryRow(ctx, "SELECT COUNT(*) FROM payments INDEXED BY payments_payer WHERE case_id = ? AND payer_key = ?", caseID, fmt.Sprintf("eth:0x%040x", 3)).Scan(&payer); err != nil {
			t.Fatal(err)
		}
		if err := db.queryRow(ctx, "SELECT COUNT(*) FROM payments INDEXED BY payments_payee WHERE case_id = ? AND payee_key = ?", caseID, fmt.Sprintf("eth:0x%040x", 1005)).Scan(&payee); err != nil {
			t.Fatal(err)
		}
		return payer, payee
	}

	during, caseID := run("op-few-payments")
	if during != 0 {
		t.Errorf("%d payment indexes kept during a large bulk write beside no stored payments", during)
	}
	// ids 3, 10, ..., 45 pay eth ...3; ids 5, 16, 27, 38, 49 pay eth ...1005.
	if payer, payee := byIndex(caseID); payer != 7 || payee != 5 {
		t.Errorf("payments through the rebuilt indexes: by payer %d (want 7), by payee %d (want 5)", payer, payee)
	}

	// Beside 2,500 stored payments, more than four times the 300 rows the
	// writer has written when it drops its indexes.
	err = db.InTx(ctx, func(tx *Tx) error {
		c := Case{Name: "op-many-payments", CreatedAt: "2024-01-20T10:00:00Z", CreatedBy: "alex"}
		if err := tx.InsertCase(ctx, &c); err != nil {
			return err
		}
		_, err := tx.InsertPayments(ctx, payments(c.ID, 0, 2500))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	during, caseID = run("op-more-payments")
	if during != 2 {
		t.Errorf("%d payment indexes kept during a bulk write beside many stored payments, want 2", during)
	}
	if payer, payee := byIndex(caseID); payer != 7 || payee != 5 {
		t.Errorf("payments through the kept indexes: by payer %d (want 7), by payee %d (want 5)", payer, payee)
	}
}

// A spilled login or activity row names its user by the user's decimal
// ext id or by its row id (keyedUser): whichever, a user's logins (and
// views) from one source make one pack with the user's row id, whether
// the user was stored before its rows, after its first ones, or never
// but by them, and whatever its ext id: small decimals, a decimal past
// the cache's dense part, a decimal with a leading zero (not the same
// user as without it) and a text.
func TestPlatformBulkLoginUserKeys(t *testing.T) {
	db := spillStore(t, &loginRunSize, 7)
	defer func(v int) { actRunSize = v }(actRunSize)
	actRunSize = 5
	ctx := context.Background()
	exts := []string{"3", "7", "007", "u9", "3000000", "60", "61"} // 60 stored after its first logins, 61 never but by them
	var p Platform
	err := db.InTx(ctx, func(tx *Tx) error {
		var srcs []int64
		var err error
		if p, srcs, err = testPlatform(ctx, tx, "op-keys", "logins", "views"); err != nil {
			return err
		}
		b, err := tx.PlatformBulk(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, ext := range []string{"1", "2", "3", "7", "007", "u9", "3000000"} {
			if err := b.User(ctx, PlatformUser{ExtID: ext, Username: "user " + ext}); err != nil {
				return err
			}
		}
		off := int64(0)
		for batch := range 3 {
			for _, ext := range exts {
				for range 3 {
					off += 40
					at := time.Unix(1700000000+off, 0).UTC()
					if err := b.Login(ctx, ext, PlatformLogin{SourceID: srcs[0], Offset: off, Line: off / 40, IP: "192.0.2.1", Time: at}); err != nil {
						return err
					}
					v := PlatformActivity{Ref: fmt.Sprintf("views id=%d", off), Kind: "view", Time: at, UploadRef: "1", SourceID: srcs[1], Offset: off, Line: off / 40}
					if err := b.Activity(ctx, ext, "", v); err != nil {
						return err
					}
				}
			}
			if batch == 0 {
				if err := b.User(ctx, PlatformUser{ExtID: "60", Username: "user 60"}); err != nil {
					return err
				}
			}
			if err := b.Flush(ctx); err != nil {
				return err
			}
		}
		if err := b.Pack(ctx); err != nil {
			return err
		}
		return b.Close(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	ext := extIDs(t, db, p.ID)
	want := map[string][2]int64{}
	for _, e := range exts {
		want[e] = [2]int64{1, 9}
	}
	for _, table := range []string{"platform_login_packs", "platform_activity_packs"} {
		rows, err := db.SQL().QueryContext(ctx, "SELECT user_id, COUNT(*), SUM(n) FROM "+table+" GROUP BY user_id")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][2]int64{}
		for rows.Next() {
			var user, packs, n int64
			if err := rows.Scan(&user, &packs, &n); err != nil {
				t.Fatal(err)
			}
			got[ext[user]] = [2]int64{packs, n}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: packs and rows by user %v\nwant %v", table, got, want)
		}
	}
	// Row for row: each login and view with its user, offset, line, time
	// and IP, whether it was spilled as it was queued (its user, IP and
	// agent known) or when its batch was written.
	wantRows := map[int64]string{}
	off := int64(0)
	for range 3 {
		for _, e := range exts {
			for range 3 {
				off += 40
				wantRows[off] = e
			}
		}
	}
	logins, total, err := db.PlatformLogins(ctx, p.ID, 0, 1000)
	if err != nil || total != int64(len(wantRows)) || len(logins) != len(wantRows) {
		t.Fatalf("PlatformLogins = %d of %d, %v; want %d", len(logins), total, err, len(wantRows))
	}
	for _, l := range logins {
		if e, ok := wantRows[l.Offset]; !ok || ext[l.UserID] != e || l.Line != l.Offset/40 || l.IP != "192.0.2.1" ||
			l.At != time.Unix(1700000000+l.Offset, 0).UTC().Format(time.RFC3339) {
			t.Errorf("login %+v (user %q), want user %q", l, ext[l.UserID], e)
		}
	}
	views, err := db.PlatformActivityOf(ctx, p.ID, "view")
	if err != nil || len(views) != len(wantRows) {
		t.Fatalf("views = %d, %v; want %d", len(views), err, len(wantRows))
	}
	for _, v := range views {
		if e, ok := wantRows[v.Offset]; !ok || ext[v.UserID] != e || v.Line != v.Offset/40 || v.Ref != fmt.Sprintf("views id=%d", v.Offset) {
			t.Errorf("view %+v (user %q), want user %q", v, ext[v.UserID], e)
		}
	}
}

// TestPlatformBulkLoginLookups: logins from far more IPs and user agents
// than the writer's tables of recent ones hold (so that entries evict
// each other), by address and by text, from two sources in turn, read
// back each with its own IP and agent; each source keeps the highest
// offset of its logins, however the sources interleave.
func TestPlatformBulkLoginLookups(t *testing.T) {
	db := spillStore(t, &loginRunSize, 211)
	ctx := context.Background()
	const n = 9000
	ipOf := func(i int) string {
		if i%3 == 0 {
			return fmt.Sprintf("198.51.100.%d", i%251)
		}
		return fmt.Sprintf("2001:db8::%x", i%(3*ipSlots))
	}
	agentOf := func(i int) string {
		return fmt.Sprintf("Mozilla/5.0 (synthetic; build %d) ExampleBrowser/%d", i%(5*agentSlots), i%7)
	}
	var p Platform
	var srcs []int64
	offMax := map[int64]int64{}
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		if p, srcs, err = testPlatform(ctx, tx, "op-lookups", "logins", "sessions"); err != nil {
			return err
		}
		b, err := tx.PlatformBulk(ctx, p.ID)
		if err != nil {
			return err
		}
		for i := range n {
			// Runs of 1, 2, ... logins from one source, then the other.
			src := srcs[int(math.Sqrt(float64(2*i)))%2]
			l := PlatformLogin{SourceID: src, Offset: int64(i) * 40, Line: int64(i) + 1,
				Time: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute), Agent: agentOf(i)}
			if i%2 == 0 {
				l.Addr = netip.MustParseAddr(ipOf(i))
			} else {
				l.IP = ipOf(i)
			}
			if err := b.Login(ctx, strconv.Itoa(1+i%97), l); err != nil {
				return err
			}
			offMax[src] = max(offMax[src], l.Offset)
			if i%1000 == 999 { // the IPs and agents queued get their row ids
				if err := b.Flush(ctx); err != nil {
					return err
				}
			}
		}
		if err := b.Pack(ctx); err != nil {
			return err
		}
		return b.Close(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	logins, total, err := db.PlatformLogins(ctx, p.ID, 0, n)
	if err != nil || total != n || len(logins) != n {
		t.Fatalf("PlatformLogins = %d of %d, %v", len(logins), total, err)
	}
	for _, l := range logins {
		i := int(l.Line - 1)
		if l.Offset != int64(i)*40 || l.IP != ipOf(i) || l.Agent != agentOf(i) || l.UserExt != strconv.Itoa(1+i%97) {
			t.Fatalf("login on line %d: IP %q, agent %q, user %q, offset %d; want %q, %q, %q, %d",
				l.Line, l.IP, l.Agent, l.UserExt, l.Offset, ipOf(i), agentOf(i), strconv.Itoa(1+i%97), int64(i)*40)
		}
	}
	for _, src := range srcs {
		var off int64
		if err := db.queryRow(ctx, "SELECT logins_off FROM platform_sources WHERE id = ?", src).Scan(&off); err != nil {
			t.Fatal(err)
		}
		if off != offMax[src] {
			t.Errorf("source %d: logins_off %d, want %d", src, off, offMax[src])
		}
	}
}

// TestSortIdents: batches in user order (as a users table queues them),
// with runs of one user short and long, and batches out of user order,
// sort as the whole batch sorted by identOrder does.
func TestSortIdents(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keys := []string{"email:a@example.org", "phone:+12025550123", "username:examplevid:alex", "ipv4:192.0.2.7", "eth:0xab"}
	for round := range 400 {
		var xs []bulkIdent
		uid := int64(r.IntN(5))
		for len(xs) < r.IntN(200) {
			if round%2 == 0 {
				uid += int64(r.IntN(2)) // in user order
			} else {
				uid = int64(r.IntN(20))
			}
			for range 1 + r.IntN(30) {
				xs = append(xs, bulkIdent{uid: uid, key: keys[r.IntN(len(keys))], seq: len(xs)})
			}
		}
		want := slices.Clone(xs)
		slices.SortFunc(want, func(x, y bulkIdent) int { return identOrder(&x, &y) })
		sortIdents(xs)
		if !slices.Equal(xs, want) {
			t.Fatalf("round %d: sortIdents = %+v\nwant %+v", round, xs, want)
		}
	}
}

// BenchmarkSortIdents sorts a batch of a users table's identifiers: 8,192
// users in order, four identifiers each in the order the import queues
// them (e-mail, phone, username, IP).
func BenchmarkSortIdents(b *testing.B) {
	var batch []bulkIdent
	for u := range 8192 {
		for _, k := range []string{"email:", "phone:", "username:", "ipv4:"} {
			batch = append(batch, bulkIdent{uid: int64(1000 + u), key: k + strconv.Itoa(u), seq: len(batch)})
		}
	}
	xs := make([]bulkIdent, len(batch))
	b.Run("whole", func(b *testing.B) {
		for b.Loop() {
			copy(xs, batch)
			slices.SortFunc(xs, func(x, y bulkIdent) int { return identOrder(&x, &y) })
		}
	})
	b.Run("runs", func(b *testing.B) {
		for b.Loop() {
			copy(xs, batch)
			sortIdents(xs)
		}
	})
}

// TestPlatformBulkUntimedPack: a pack none of whose logins has a time
// has no first or last time (NULL, not the Unix epoch); a pack with some
// has the earliest and latest of those.
func TestPlatformBulkUntimedPack(t *testing.T) {
	db := spillStore(t, &loginRunSize, 64)
	ctx := context.Background()
	var p Platform
	err := db.InTx(ctx, func(tx *Tx) error {
		var srcs []int64
		var err error
		if p, srcs, err = testPlatform(ctx, tx, "op-untimed", "logins"); err != nil {
			return err
		}
		b, err := tx.PlatformBulk(ctx, p.ID)
		if err != nil {
			return err
		}
		for i := range 9 {
			l := PlatformLogin{SourceID: srcs[0], Offset: int64(i) * 30, Line: int64(i) + 1, IP: "192.0.2.9"}
			user := "untimed"
			if i%3 == 0 {
				user = "timed"
				if i > 0 {
					l.Time = time.Date(2024, 6, i, 8, 0, 0, 0, time.UTC)
				}
			}
			if err := b.Login(ctx, user, l); err != nil {
				return err
			}
		}
		if err := b.Pack(ctx); err != nil {
			return err
		}
		return b.Close(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	stats, err := db.PlatformLoginStats(ctx, p.ID)
	if err != nil || len(stats) != 2 {
		t.Fatalf("PlatformLoginStats = %+v, %v", stats, err)
	}
	ext := extIDs(t, db, p.ID)
	want := map[string]PlatformLoginStat{
		"untimed": {Count: 6},
		"timed":   {Count: 3, First: "2024-06-03T08:00:00Z", Last: "2024-06-06T08:00:00Z"},
	}
	for _, s := range stats {
		w := want[ext[s.UserID]]
		if s.Count != w.Count || s.First != w.First || s.Last != w.Last {
			t.Errorf("user %s: %d logins, first %q, last %q; want %d, %q, %q", ext[s.UserID], s.Count, s.First, s.Last, w.Count, w.First, w.Last)
		}
	}
}
