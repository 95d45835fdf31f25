package store

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// randomLogins are n logins of a few sources and users, some without a
// time, IP or user agent, with times before 1970 too.
func randomLogins(r *rand.Rand, n int) []packLogin {
	out := make([]packLogin, n)
	for i := range out {
		l := packLogin{source: 1 + r.Int64N(3), user: 1 + r.Int64N(40), off: int64(i) * 97, line: int64(i) + 1}
		if r.IntN(5) > 0 {
			l.hasAt, l.at = true, r.Int64N(4e9)-1e9
		}
		if r.IntN(4) > 0 {
			l.ip = 1 + r.Int64N(6)
		}
		if r.IntN(2) > 0 {
			l.agent = 1 + r.Int64N(1000)
		}
		out[i] = l
	}
	return out
}

// TestLoginSpillMerge: logins spilled to several sorted runs and merged
// come out grouped by source and user exactly as one sort of them all
// groups them, each group in pack order, every login once; the runs'
// files are gone once the spill is closed.
func TestLoginSpillMerge(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	for _, run := range []int{1, 7, 64, 1 << 20} {
		t.Run(fmt.Sprint(run), func(t *testing.T) {
			defer func(n int) { loginRunSize = n }(loginRunSize)
			loginRunSize = run
			ls := randomLogins(rand.New(rand.NewPCG(1, uint64(run))), 1000)
			var s loginSpill
			for _, l := range ls {
				if err := s.add(l); err != nil {
					t.Fatal(err)
				}
			}
			if s.len() != len(ls) || (run < len(ls)) != (len(s.runs) > 0) {
				t.Fatalf("spill holds %d logins in %d runs", s.len(), len(s.runs))
			}
			want := slices.Clone(ls)
			slices.SortFunc(want, func(a, b packLogin) int { return packOrder(&a, &b) })
			var got []packLogin
			groups := 0
			err := s.merge(func(g []packLogin) error {
				groups++
				for _, l := range g {
					if l.source != g[0].source || l.user != g[0].user {
						t.Fatalf("group of source %d user %d holds %+v", g[0].source, g[0].user, l)
					}
				}
				if n := len(got); n > 0 && packOrder(&got[n-1], &g[0]) >= 0 {
					t.Fatalf("group %+v comes after %+v", g[0], got[n-1])
				}
				got = append(got, g...)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("merged %d logins differ from the %d sorted", len(got), len(want))
			}
			if groups > 3*40 || groups < 40 {
				t.Errorf("%d groups of 3 sources and 40 users", groups)
			}
			if err := s.close(); err != nil {
				t.Fatal(err)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, "vibora-logins-*")); len(left) > 0 {
				t.Errorf("run files left: %v", left)
			}
		})
	}
}

// TestPackRoundTrip: a pack's logins and IPs read back as written, times
// unknown, negative and far apart, ids and offsets up to the largest.
func TestPackRoundTrip(t *testing.T) {
	ls := randomLogins(rand.New(rand.NewPCG(2, 3)), 300)
	for i := range ls {
		ls[i].source, ls[i].user = 9, 4
	}
	ls = append(ls, packLogin{source: 9, user: 4, off: math.MaxInt64, line: math.MaxInt64, hasAt: true, at: math.MinInt64 / 2, ip: math.MaxInt64 >> 1, agent: math.MaxInt64})
	slices.SortFunc(ls, func(a, b packLogin) int { return packOrder(&a, &b) })
	got, err := decodeLogins(encodeLogins(nil, ls), 9, 4, int64(len(ls)))
	if err != nil || !reflect.DeepEqual(got, ls) {
		t.Fatalf("logins read back differ: %v", err)
	}
	if _, err := decodeLogins(encodeLogins(nil, ls), 9, 4, int64(len(ls))+1); err == nil {
		t.Error("a pack read for one login more than it holds: no error")
	}
	if _, err := decodeLogins(encodeLogins(nil, ls), 9, 4, int64(len(ls))-1); err == nil {
		t.Error("a pack read for one login fewer than it holds: no error")
	}

	checkFold(t, ls)
	// Packs of the sizes most are, sorted in place (foldIPs), with IPs
	// repeated and out of order.
	r := rand.New(rand.NewPCG(5, 6))
	for n := range 80 {
		small := randomLogins(r, n)
		for i := range small {
			small[i].ip = int64(r.IntN(1 + n/2))
		}
		checkFold(t, small)
	}
}

// checkFold checks foldIPs of ls against a fold by map: each IP once,
// by id, with the earliest and latest times of its logins that have one.
func checkFold(t *testing.T, ls []packLogin) {
	t.Helper()
	ips := foldIPs(ls, nil)
	if !slices.IsSortedFunc(ips, func(a, b packIP) int { return cmp.Compare(a.ip, b.ip) }) {
		t.Fatalf("IPs folded out of order: %+v", ips)
	}
	want := map[int64]packIP{}
	for _, l := range ls {
		if l.ip == 0 {
			continue
		}
		p, ok := want[l.ip]
		switch {
		case !ok:
			p = packIP{ip: l.ip, hasAt: l.hasAt, first: l.at, last: l.at}
		case l.hasAt && !p.hasAt:
			p = packIP{ip: l.ip, hasAt: true, first: l.at, last: l.at}
		case l.hasAt:
			p.first, p.last = min(p.first, l.at), max(p.last, l.at)
		}
		want[l.ip] = p
	}
	if len(ips) != len(want) {
		t.Fatalf("%d IPs folded, want %d", len(ips), len(want))
	}
	for _, p := range ips {
		if p != want[p.ip] {
			t.Errorf("IP %d folded to %+v, want %+v", p.ip, p, want[p.ip])
		}
	}
	back, err := decodeIPs(encodeIPs(nil, ips))
	if err != nil || !reflect.DeepEqual(back, ips) {
		t.Fatalf("IPs read back = %+v, %v; want %+v", back, err, ips)
	}
	if _, err := decodeIPs(nil); err == nil {
		t.Error("an empty IP pack: no error")
	}
}

// FuzzPackDecode: any bytes given as a pack of logins or IPs are read
// without a panic, and what reads writes back to the same.
func FuzzPackDecode(f *testing.F) {
	ls := randomLogins(rand.New(rand.NewPCG(4, 5)), 20)
	f.Add(encodeLogins(nil, ls), uint8(20))
	f.Add(encodeIPs(nil, foldIPs(ls, nil)), uint8(0))
	f.Add([]byte{packVersion, 0x80}, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		if got, err := decodeLogins(data, 1, 2, int64(n)); err == nil {
			again, err := decodeLogins(encodeLogins(nil, got), 1, 2, int64(n))
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("logins %+v read back as %+v, %v", got, again, err)
			}
		}
		if got, err := decodeIPs(data); err == nil {
			again, err := decodeIPs(encodeIPs(nil, got))
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Fatalf("IPs %+v read back as %+v, %v", got, again, err)
			}
		}
	})
}

// A run sorted by its pack keys is in the order a sort by the full
// comparison gives, whatever the ids: small, large enough that keys and
// index do not fit in 64 bits, negative.
func TestSortByPack(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var sc sortScratch
	for _, c := range []struct {
		name    string
		n       int
		users   int64
		sources int64
		neg     bool
	}{
		{"empty", 0, 1, 1, false}, {"one", 1, 1, 1, false}, {"few users", 5000, 7, 3, false}, {"many users", 20000, 1 << 20, 2, false},
		{"keys past 64 bits", 3000, 1 << 50, 1 << 12, false}, {"negative ids", 3000, 100, 2, true},
	} {
		// One scratch for every case, as a spill keeps one for all its
		// runs: larger, then smaller sorts reuse it.
		t.Run(c.name, func(t *testing.T) {
			ls := make([]packLogin, c.n)
			for i := range ls {
				ls[i] = packLogin{source: 1 + r.Int64N(c.sources), user: 1 + r.Int64N(c.users), off: int64(i), hasAt: r.IntN(4) > 0, at: r.Int64N(100)}
				if c.neg && i%7 == 0 {
					ls[i].user = -ls[i].user
				}
			}
			want := slices.Clone(ls)
			slices.SortFunc(want, func(a, b packLogin) int { return packOrder(&a, &b) })
			loginCodec{}.sort(ls, &sc)
			if !slices.Equal(ls, want) {
				t.Fatal("rows out of order")
			}
			xs := make([]packAct, c.n)
			for i := range xs {
				xs[i] = packAct{source: 1 + r.Int64N(c.sources), user: 1 + r.Int64N(c.users), kind: uint8(r.IntN(3)), off: int64(r.IntN(1000))}
			}
			wantActs := slices.Clone(xs)
			slices.SortStableFunc(wantActs, func(a, b packAct) int { return actOrder(&a, &b) })
			actCodec{}.sort(xs, &sc)
			for i := range xs {
				if actOrder(&xs[i], &wantActs[i]) != 0 {
					t.Fatalf("activity row %d out of order", i)
				}
			}
		})
	}
}

// BenchmarkRunSort sorts a full run of logins of a million users (as an
// import of the full synthetic dump spills them) by comparison and by
// pack keys.
func BenchmarkRunSort(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	run := make([]packLogin, loginRunSize)
	for i := range run {
		run[i] = packLogin{source: 7, user: 1 + r.Int64N(1_000_000), off: int64(i) * 60, line: int64(i), hasAt: true, at: r.Int64N(365 * 86400)}
	}
	ls := make([]packLogin, len(run))
	var sc sortScratch
	for _, c := range []struct {
		name string
		sort func([]packLogin)
	}{
		{"comparison", func(ls []packLogin) { slices.SortFunc(ls, func(a, b packLogin) int { return packOrder(&a, &b) }) }},
		{"keys", func(ls []packLogin) { loginCodec{}.sort(ls, &sc) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				copy(ls, run)
				c.sort(ls)
			}
		})
	}
}

// readSpilledByByte is how a spilled login was read before readSpilled
// decoded from the reader's buffer: a varint at a time through
// io.ByteReader. The fuzz test holds the two to the same result.
func readSpilledByByte(r *bufio.Reader, l *packLogin) error {
	var u [4]uint64
	var v [3]int64
	var err error
	for _, f := range []func() error{
		func() error { u[0], err = binary.ReadUvarint(r); return err },
		func() error { u[1], err = binary.ReadUvarint(r); return err },
		func() error { v[0], err = binary.ReadVarint(r); return err },
		func() error { v[1], err = binary.ReadVarint(r); return err },
		func() error { u[2], err = binary.ReadUvarint(r); return err },
		func() error {
			if u[2]&1 == 1 {
				v[2], err = binary.ReadVarint(r)
			}
			return err
		},
		func() error { u[3], err = binary.ReadUvarint(r); return err },
	} {
		if err := f(); err != nil {
			return err
		}
	}
	*l = packLogin{source: int64(u[0]), user: int64(u[1]), off: v[0], line: v[1], ip: int64(u[2] >> 1), hasAt: u[2]&1 == 1, at: v[2], agent: int64(u[3])}
	return nil
}

// TestSpilledLoginRoundTrip: logins written to a run read back as
// written, one after the other, with the largest and negative values;
// a run cut short anywhere is an error, not a login.
func TestSpilledLoginRoundTrip(t *testing.T) {
	ls := randomLogins(rand.New(rand.NewPCG(3, 4)), 200)
	ls = append(ls, packLogin{source: math.MaxInt64, user: math.MaxInt64, off: math.MaxInt64, line: math.MinInt64, at: math.MinInt64, hasAt: true, ip: math.MaxInt64 >> 1, agent: math.MaxInt64},
		packLogin{off: -1, line: -1}, packLogin{})
	var run []byte
	for i := range ls {
		run = appendSpilled(run, &ls[i])
	}
	// A reader buffer of 128 bytes: logins straddle its refills.
	r := bufio.NewReaderSize(bytes.NewReader(run), 128)
	for i := range ls {
		var got packLogin
		if err := readSpilled(r, &got); err != nil || got != ls[i] {
			t.Fatalf("login %d: read %+v, %v; wrote %+v", i, got, err, ls[i])
		}
	}
	if _, err := r.ReadByte(); err != io.EOF {
		t.Fatalf("bytes left after the last login: %v", err)
	}
	last := appendSpilled(nil, &ls[len(ls)-3])
	for cut := range len(last) {
		var got packLogin
		if err := readSpilled(bufio.NewReader(bytes.NewReader(last[:cut])), &got); err == nil {
			t.Errorf("a login cut to %d of %d bytes read as %+v", cut, len(last), got)
		}
	}
}

// FuzzSpilledLogin: any bytes read as a login give what reading them a
// varint at a time gives, and leave the reader at the same place.
func FuzzSpilledLogin(f *testing.F) {
	ls := randomLogins(rand.New(rand.NewPCG(5, 6)), 3)
	for i := range ls {
		f.Add(appendSpilled(nil, &ls[i]))
	}
	f.Add([]byte{0x80, 0x80, 0x80})
	f.Add(bytes.Repeat([]byte{0xff}, 80))
	f.Fuzz(func(t *testing.T, b []byte) {
		var got, want packLogin
		r1, r2 := bufio.NewReaderSize(bytes.NewReader(b), 128), bufio.NewReaderSize(bytes.NewReader(b), 128)
		err := readSpilled(r1, &got)
		werr := readSpilledByByte(r2, &want)
		if (err == nil) != (werr == nil) {
			t.Fatalf("read: %v; a varint at a time: %v", err, werr)
		}
		if err != nil {
			return
		}
		if got != want || r1.Buffered() != r2.Buffered() {
			t.Fatalf("read %+v (%d buffered), a varint at a time %+v (%d)", got, r1.Buffered(), want, r2.Buffered())
		}
	})
}

// TestLoginSortPack: a pack's logins sorted by sortPack come out as a
// sort by packOrder puts them, at every size up to past where it stops
// sorting by insertion, times often equal and often unknown.
func TestLoginSortPack(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for n := range 100 {
		ls := make([]packLogin, n)
		offs := r.Perm(n) // a pack's logins are distinct dump rows
		for i := range ls {
			ls[i] = packLogin{source: 2, user: 9, off: int64(offs[i]), line: int64(i)}
			if r.IntN(4) > 0 {
				ls[i].hasAt, ls[i].at = true, r.Int64N(5)-2
			}
		}
		want := slices.Clone(ls)
		slices.SortStableFunc(want, func(a, b packLogin) int { return packOrder(&a, &b) })
		loginCodec{}.sortPack(ls)
		if !slices.Equal(ls, want) {
			t.Fatalf("%d logins: sorted %+v, want %+v", n, ls, want)
		}
	}
}

// BenchmarkFoldIPs folds packs of 20 logins from random IPs of 762, the
// synthetic dump's shape (a pack is a user's logins from a source).
func BenchmarkFoldIPs(b *testing.B) {
	r := rand.New(rand.NewPCG(8, 9))
	packs := make([][]packLogin, 1024)
	for i := range packs {
		packs[i] = randomLogins(r, 20)
		for j := range packs[i] {
			packs[i][j].ip = 1 + int64(r.IntN(762))
		}
	}
	var out []packIP
	for i := 0; b.Loop(); i++ {
		out = foldIPs(packs[i%len(packs)], out)
	}
}
