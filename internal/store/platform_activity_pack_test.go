package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// actCases are activity rows with every field a row can carry, in every
// form: times in the importer's form, another RFC 3339 form and none;
// hashes in lowercase hex, uppercase and not hex; each status kind.
func actCases() []PlatformActivity {
	return []PlatformActivity{
		{Ref: "uploads 1", At: "2024-03-02T10:00:00Z", SHA256: strings.Repeat("ab", 32), MD5: strings.Repeat("cd", 16), Name: "holiday.jpg", Size: 2048, Status: "unknown"},
		{Ref: "uploads 2", At: "1969-12-31T23:59:59Z", SHA1: strings.Repeat("0F", 20), Size: -7, Status: "matched", Matched: "example-bank: A1 / (no series)"},
		{Ref: "uploads 3", SHA256: "abc", MD5: "not hex", Status: "ignorable"},
		{Ref: "messages 4", At: "2024-03-01T10:00:00+02:00", OtherID: 9},
		{Ref: "payments 5", At: "2024-03-02T10:00:00Z", Address: "eth:0x00000000000000000000000000000000000000aa", Amount: "0.5", TxID: "0x01", Status: "paid\tin \"full\""},
		{Ref: "views 6", UploadRef: "uploads 1"},
		{Ref: ""},
	}
}

// actRows are the cases as spilled rows of one pack, as the bulk writer
// makes them.
func actRows(cases []PlatformActivity) []packAct {
	var xs []packAct
	for i, a := range cases {
		x := packAct{source: 3, user: 5, kind: 1, status: actStatus(a.Status), off: int64(100 * i), line: int64(i + 1)}
		if u, ok := utcSeconds(a.At); ok {
			x.atKind, x.at = actAtUnix, u
		} else if a.At != "" {
			x.atKind, x.atText = actAtText, a.At
		}
		x.data = appendActData(nil, &a, a.OtherID, x.status)
		xs = append(xs, x)
	}
	return xs
}

// A pack's rows survive a spill to a run's file and back, and packing
// and unpacking, field for field.
func TestActPackRoundTrip(t *testing.T) {
	cases := actCases()
	xs := actRows(cases)
	var c actCodec
	var file []byte
	for i := range xs {
		file = c.put(file, &xs[i])
	}
	r := bufio.NewReader(bytes.NewReader(file))
	for i := range xs {
		var got packAct
		if err := c.get(r, &got); err != nil {
			t.Fatalf("spilled row %d: %v", i, err)
		}
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", xs[i]) {
			t.Fatalf("spilled row %d = %+v, want %+v", i, got, xs[i])
		}
	}
	if _, err := r.ReadByte(); err == nil {
		t.Fatal("bytes left in the run after its rows")
	}
	blob := encodeActs(nil, xs)
	var got []PlatformActivity
	err := decodeActs(blob, 2, 5, "upload", int64(len(xs)), func(a *PlatformActivity, off, line int64) {
		if off != int64(100*len(got)) || line != int64(len(got)+1) {
			t.Errorf("row %d at offset %d line %d", len(got), off, line)
		}
		got = append(got, *a)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range cases {
		want.PlatformID, want.UserID, want.Kind = 2, 5, "upload"
		if fmt.Sprintf("%+v", got[i]) != fmt.Sprintf("%+v", want) {
			t.Errorf("row %d = %+v\nwant %+v", i, got[i], want)
		}
	}
	if s := otherStatuses(xs); s != "1\t\"paid\\tin \\\"full\\\"\"\n" {
		t.Errorf("other statuses %q", s)
	}
	var statuses []string
	if err := parseOtherStatuses(otherStatuses(xs), func(st string, n int64) { statuses = append(statuses, fmt.Sprint(n, st)) }); err != nil ||
		fmt.Sprint(statuses) != "[1paid\tin \"full\"]" {
		t.Errorf("parsed statuses %q, %v", statuses, err)
	}
	if err := decodeActs(blob, 2, 5, "upload", int64(len(xs))+1, func(*PlatformActivity, int64, int64) {}); err == nil {
		t.Error("a pack read for one row more than it holds: no error")
	}
	if err := decodeActs(blob, 2, 5, "upload", int64(len(xs))-1, func(*PlatformActivity, int64, int64) {}); err == nil {
		t.Error("a pack read for one row less than it holds: no error")
	}
}

// Unpacking any bytes either fails or yields rows that pack back to the
// same bytes.
func FuzzActPackDecode(f *testing.F) {
	f.Add(encodeActs(nil, actRows(actCases())), int64(len(actCases())))
	f.Add([]byte{packActVersion, 0, 0, 0, 0, 0}, int64(1))
	f.Add([]byte{packActVersion}, int64(0))
	f.Add([]byte{2, 0}, int64(1))
	f.Fuzz(func(t *testing.T, data []byte, n int64) {
		if n < 0 || n > 1<<12 {
			return
		}
		var xs []packAct
		err := decodeActs(data, 1, 5, "upload", n, func(a *PlatformActivity, off, line int64) {
			x := actRows([]PlatformActivity{*a})[0]
			x.off, x.line = off, line
			xs = append(xs, x)
		})
		if err != nil {
			return
		}
		// A time text utcSeconds reads is packed as Unix seconds and
		// unpacked in its one form, so compare after one more trip.
		again := encodeActs(nil, xs)
		var ys []packAct
		if err := decodeActs(again, 1, 5, "upload", n, func(a *PlatformActivity, off, line int64) {
			y := actRows([]PlatformActivity{*a})[0]
			y.off, y.line = off, line
			ys = append(ys, y)
		}); err != nil {
			t.Fatalf("repacked rows do not unpack: %v", err)
		}
		if !bytes.Equal(encodeActs(nil, ys), again) {
			t.Fatalf("unpack and pack again changed the pack")
		}
	})
}

// Activity of an import larger than a run is spilled to several runs
// and merged into one pack per source, user and kind: every row reads
// back once with its dump row, and the counts are those of the rows.
// Users named by text are looked up when their batch is written; users
// named by decimals, stored before, are spilled as their rows are queued
// (Activity), beside rows of the batch still in memory, and so is a
// recipient (other) named by a decimal.
func TestPlatformBulkSpillsActivity(t *testing.T) {
	for _, decimal := range []bool{false, true} {
		t.Run(fmt.Sprintf("decimal=%v", decimal), func(t *testing.T) { testPlatformBulkSpillsActivity(t, decimal) })
	}
}

func testPlatformBulkSpillsActivity(t *testing.T, decimal bool) {
	db := spillStore(t, &actRunSize, 53)
	ctx := context.Background()
	var err error
	const n = 3000
	var p Platform
	statuses := []string{"matched", "unknown", "ignorable", ""}
	user := func(i int) string {
		if decimal {
			return fmt.Sprint(i%37 + 1)
		}
		return fmt.Sprintf("u%d", i%37)
	}
	other := func(i int) string { // of a view: the next user, named by a decimal
		if decimal {
			return user(i + 1)
		}
		return ""
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		var srcs []int64
		if p, srcs, err = testPlatform(ctx, tx, "op-spill", "uploads", "views"); err != nil {
			return err
		}
		b, err := tx.PlatformBulk(ctx, p.ID)
		if err != nil {
			return err
		}
		if decimal {
			for i := range 37 {
				if err := b.User(ctx, PlatformUser{ExtID: user(i)}); err != nil {
					return err
				}
			}
			if err := b.Flush(ctx); err != nil {
				return err
			}
		}
		for i := range n {
			at := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration((i*7919)%n) * time.Minute).Format(time.RFC3339)
			a := PlatformActivity{Ref: fmt.Sprintf("r%05d", i), Kind: "upload", At: at, SHA256: fmt.Sprintf("%064x", i), Status: statuses[i%4],
				SourceID: srcs[0], Offset: int64(i) * 50, Line: int64(i) + 1}
			to := ""
			if i%3 == 0 {
				a = PlatformActivity{Ref: fmt.Sprintf("r%05d", i), Kind: "view", At: at, UploadRef: fmt.Sprint(i), SourceID: srcs[1], Offset: int64(i) * 50, Line: int64(i) + 1}
				to = other(i)
			}
			if err := b.Activity(ctx, user(i), to, a); err != nil {
				return err
			}
			// Batches of 40 across runs of 53: rows of one batch stay in
			// memory while the next is queued.
			if i%40 == 39 {
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
	acts, err := db.PlatformActivityOf(ctx, p.ID)
	if err != nil || len(acts) != n {
		t.Fatalf("PlatformActivityOf = %d rows, %v", len(acts), err)
	}
	ext := extIDs(t, db, p.ID)
	type key struct{ user, kind, status string }
	want := map[key]int64{}
	seen := map[string]bool{}
	for _, a := range acts {
		var i int
		fmt.Sscanf(a.Ref, "r%05d", &i)
		if seen[a.Ref] || a.Offset != int64(i)*50 || a.Line != int64(i)+1 || ext[a.UserID] != user(i) ||
			(a.Kind == "upload") != (i%3 != 0) || (a.Kind == "upload" && (a.SHA256 != fmt.Sprintf("%064x", i) || a.Status != statuses[i%4])) ||
			(a.Kind == "view" && (a.UploadRef != fmt.Sprint(i) || ext[a.OtherID] != other(i))) {
			t.Fatalf("row %+v (other %q)", a, ext[a.OtherID])
		}
		seen[a.Ref] = true
		want[key{ext[a.UserID], a.Kind, a.Status}]++
	}
	counts, err := db.PlatformActivityCounts(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[key]int64{}
	for _, c := range counts {
		got[key{ext[c.UserID], c.Kind, c.Status}] += c.Count
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("counts %v\nwant %v", got, want)
	}
	var packs int
	if err := db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM platform_activity_packs").Scan(&packs); err != nil || packs != 2*37 {
		t.Errorf("%d packs, %v; want one per user and kind (74)", packs, err)
	}
}

// lowerHexRef is appendLowerHex written plainly.
func lowerHexRef(buf []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return buf, false
		}
	}
	d, err := hex.DecodeString(s)
	if err != nil {
		return buf, false
	}
	return append(buf, d...), true
}

func TestAppendLowerHex(t *testing.T) {
	for _, s := range []string{"", "00", "0f", "ff", "0123456789abcdef", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"0", "abc", "0F", "FF", "0g", "g0", "zz", "0/", "0:", "`0", "0\x00", "0\xff", "\xff\xff", "ab cd", "é0"} {
		got, ok := appendLowerHex([]byte("x"), s)
		want, wok := lowerHexRef([]byte("x"), s)
		if ok != wok || !bytes.Equal(got, want) {
			t.Errorf("appendLowerHex(%q) = %x, %v; want %x, %v", s, got, ok, want, wok)
		}
	}
}

func FuzzAppendLowerHex(f *testing.F) {
	for _, s := range []string{"", "0f", "0F", "abc", "0g", "e3b0c44298fc1c14"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := appendLowerHex([]byte("x"), s)
		want, wok := lowerHexRef([]byte("x"), s)
		if ok != wok || !bytes.Equal(got, want) {
			t.Errorf("appendLowerHex(%q) = %x, %v; want %x, %v", s, got, ok, want, wok)
		}
	})
}

// TestActSpillBounds: a run of activity is spilled when its rows' data
// reaches actRunBytes as well as at actRunSize rows; release spills the
// rows in memory to a run of their own (or, when few, keeps them in a
// slice of their size) and more rows can follow; the merge gives every
// row once, in pack order, whichever way they were held.
func TestActSpillBounds(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	defer func(n, b int) { actRunSize, actRunBytes = n, b }(actRunSize, actRunBytes)
	actRunSize, actRunBytes = 1<<20, 2000
	row := func(i int) packAct {
		return packAct{source: 1, user: int64(i % 7), kind: uint8(i % 2), off: int64(i), line: int64(i + 1), data: bytes.Repeat([]byte{byte(i)}, 10+i%90)}
	}
	var s actSpill
	var all []packAct
	add := func(from, to int) {
		for i := from; i < to; i++ {
			x := row(i)
			all = append(all, x)
			if err := s.add(x); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(0, 100) // some 5,900 bytes of data: two runs spilled, the rest in memory
	if len(s.runs) != 2 || s.memBytes >= actRunBytes || len(s.mem) == 0 {
		t.Fatalf("100 rows of about 60 bytes, runs of 2000 bytes: %d runs, %d rows and %d bytes in memory", len(s.runs), len(s.mem), s.memBytes)
	}
	if err := s.release(); err != nil { // few rows: they stay, in a slice of their size
		t.Fatal(err)
	}
	if len(s.runs) != 2 || len(s.mem) == 0 || cap(s.mem) != len(s.mem) {
		t.Fatalf("after release of a few rows: %d runs, %d rows in a slice of %d", len(s.runs), len(s.mem), cap(s.mem))
	}
	actRunBytes = 1 << 30
	add(100, 100+releaseMin)
	if err := s.release(); err != nil { // enough rows: a run of their own
		t.Fatal(err)
	}
	if len(s.runs) != 3 || len(s.mem) != 0 || cap(s.mem) != 0 || s.memBytes != 0 {
		t.Fatalf("after release of %d rows: %d runs, %d rows in a slice of %d, %d bytes", releaseMin, len(s.runs), len(s.mem), cap(s.mem), s.memBytes)
	}
	add(100+releaseMin, 200+releaseMin)
	if s.len() != len(all) {
		t.Fatalf("spill holds %d rows, %d added", s.len(), len(all))
	}
	want := slices.Clone(all)
	slices.SortFunc(want, func(a, b packAct) int { return actOrder(&a, &b) })
	var got []packAct
	if err := s.merge(func(xs []packAct) error { got = append(got, xs...); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("merged %d rows, want %d", len(got), len(want))
	}
	for i := range got {
		if actOrder(&got[i], &want[i]) != 0 || !bytes.Equal(got[i].data, want[i].data) {
			t.Fatalf("row %d: merged %+v, want %+v", i, got[i], want[i])
		}
	}
	if err := s.close(); err != nil {
		t.Fatal(err)
	}
}

// getByByte reads a spilled activity row a varint at a time through
// io.ByteReader, as actCodec.get did before it decoded from the reader's
// buffer: FuzzSpilledAct checks that the two read the same.
func getByByte(r *bufio.Reader, x *packAct) error {
	var err error
	read := func(f func(io.ByteReader) (uint64, error)) uint64 {
		if err != nil {
			return 0
		}
		var v uint64
		v, err = f(r)
		return v
	}
	signed := func(br io.ByteReader) (uint64, error) { v, err := binary.ReadVarint(br); return uint64(v), err }
	*x = packAct{source: int64(read(binary.ReadUvarint)), user: int64(read(binary.ReadUvarint))}
	if err == nil {
		x.kind, err = r.ReadByte()
	}
	x.off, x.line = int64(read(signed)), int64(read(signed))
	head := read(binary.ReadUvarint)
	x.status, x.atKind = uint8(head>>2), uint8(head&3)
	switch x.atKind {
	case actAtUnix:
		x.at = int64(read(signed))
	case actAtText:
		x.atText = string(readN(r, read(binary.ReadUvarint), &err))
	}
	x.data = readN(r, read(binary.ReadUvarint), &err)
	return err
}

// Spilled rows read back through a reader of the smallest buffer get
// allows (rows straddle its refills), and a row cut anywhere is an error.
func TestSpilledActRoundTrip(t *testing.T) {
	xs := actRows(actCases())
	xs = append(xs, packAct{source: math.MaxInt64, user: math.MaxInt64, kind: 255, off: math.MinInt64, line: math.MaxInt64, atKind: actAtUnix, at: math.MinInt64, data: []byte{}})
	var c actCodec
	var run []byte
	for i := range xs {
		run = c.put(run, &xs[i])
	}
	r := bufio.NewReaderSize(bytes.NewReader(run), 16) // bufio's least: get asks for more
	if err := c.get(r, new(packAct)); err == nil {
		t.Fatal("a reader buffer under maxActHead: no error")
	}
	r = bufio.NewReaderSize(bytes.NewReader(run), maxActHead)
	for i := range xs {
		var got packAct
		if err := c.get(r, &got); err != nil || fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", xs[i]) {
			t.Fatalf("row %d: read %+v, %v; wrote %+v", i, got, err, xs[i])
		}
	}
	if _, err := r.ReadByte(); err != io.EOF {
		t.Fatalf("bytes left after the last row: %v", err)
	}
	for _, x := range []packAct{xs[0], xs[3]} { // a time as Unix seconds, as text
		row := c.put(nil, &x)
		for cut := range len(row) {
			var got packAct
			if err := c.get(bufio.NewReader(bytes.NewReader(row[:cut])), &got); err == nil {
				t.Errorf("a row cut to %d of %d bytes read as %+v", cut, len(row), got)
			}
		}
	}
}

// FuzzSpilledAct: any bytes read as a spilled activity row give what
// reading them a varint at a time gives, and leave the reader at the
// same place.
func FuzzSpilledAct(f *testing.F) {
	var c actCodec
	for _, x := range actRows(actCases()) {
		f.Add(c.put(nil, &x))
	}
	f.Add([]byte{0x80, 0x80, 0x80})
	f.Add(bytes.Repeat([]byte{0xff}, 80))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got, want packAct
		r1, r2 := bufio.NewReaderSize(bytes.NewReader(b), 128), bufio.NewReaderSize(bytes.NewReader(b), 128)
		err := c.get(r1, &got)
		werr := getByByte(r2, &want)
		if (err == nil) != (werr == nil) {
			t.Fatalf("read: %v; a varint at a time: %v", err, werr)
		}
		if err != nil {
			return
		}
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) || r1.Buffered() != r2.Buffered() {
			t.Fatalf("read %+v (%d buffered), a varint at a time %+v (%d)", got, r1.Buffered(), want, r2.Buffered())
		}
	})
}

// BenchmarkSpilledActRead reads spilled upload rows back, from the
// reader's buffer with their data cut from an arena (as an import's
// merge does) or allocated each, and a varint at a time (getByByte):
// ns/op is per row.
func BenchmarkSpilledActRead(b *testing.B) {
	var c actCodec
	var run []byte
	xs := actRows(actCases())
	for i := range 4096 {
		x := xs[0]
		x.user, x.off, x.line = int64(1000+i/7), int64(1<<30+200*i), int64(5000+i)
		run = c.put(run, &x)
	}
	for _, f := range []struct {
		name string
		get  func(*bufio.Reader, *packAct) error
	}{{"arena", actCodec{arena: new(byteArena)}.get}, {"buffer", c.get}, {"bytewise", getByByte}} {
		b.Run(f.name, func(b *testing.B) {
			r := bufio.NewReaderSize(bytes.NewReader(run), 1<<16)
			var x packAct
			for i := 0; b.Loop(); i++ {
				if i%4096 == 0 {
					r.Reset(bytes.NewReader(run))
				}
				if err := f.get(r, &x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
