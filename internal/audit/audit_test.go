package audit

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func chain(n int) ([]Record, Head) {
	var recs []Record
	var head *Head
	for i := 0; i < n; i++ {
		r := Record{At: "2024-01-20T10:00:00.000000000Z", Actor: "alex", Action: "case.create", Object: fmt.Sprintf("case:%d", i), AfterDigest: "ab"}
		r.Seal(head)
		recs = append(recs, r)
		head = &Head{r.Seq, r.Hash}
	}
	return recs, *head
}

func verify(recs []Record, head Head) []Problem {
	var v Verifier
	for _, r := range recs {
		v.Add(r)
	}
	return v.Finish(head)
}

func TestChainIntact(t *testing.T) {
	recs, head := chain(5)
	if p := verify(recs, head); len(p) != 0 {
		t.Fatalf("intact chain reported problems: %v", p)
	}
	if p := verify(nil, Head{}); len(p) != 0 {
		t.Fatalf("empty chain reported problems: %v", p)
	}
}

func TestChainTampering(t *testing.T) {
	cases := []struct {
		name   string
		tamper func([]Record, Head) ([]Record, Head)
		want   string
	}{
		{"edited", func(r []Record, h Head) ([]Record, Head) { r[2].Actor = "mallory"; return r, h }, "record 3: content does not match"},
		{"edited and rehashed", func(r []Record, h Head) ([]Record, Head) {
			r[2].Actor = "mallory"
			r[2].Hash = r[2].ComputeHash()
			return r, h
		}, "record 4: does not link to record 3"},
		{"deleted middle", func(r []Record, h Head) ([]Record, Head) { return append(r[:2:2], r[3:]...), h }, "record 4: follows record 2"},
		{"deleted first", func(r []Record, h Head) ([]Record, Head) { return r[1:], h }, "chain starts at 2"},
		{"deleted last", func(r []Record, h Head) ([]Record, Head) { return r[:4], h }, "newest records deleted"},
		{"reordered", func(r []Record, h Head) ([]Record, Head) { r[1], r[2] = r[2], r[1]; return r, h }, "record 3: follows record 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recs, head := chain(5)
			recs, head = tc.tamper(recs, head)
			p := verify(recs, head)
			if len(p) == 0 {
				t.Fatal("tampering not detected")
			}
			var all []string
			for _, x := range p {
				all = append(all, x.String())
			}
			if !strings.Contains(strings.Join(all, "\n"), tc.want) {
				t.Fatalf("problems %q do not mention %q", all, tc.want)
			}
		})
	}
}

func TestHashCoversEveryField(t *testing.T) {
	base, _ := chain(1)
	r := base[0]
	mutations := []func(*Record){
		func(r *Record) { r.Seq++ }, func(r *Record) { r.At += "x" }, func(r *Record) { r.Actor += "x" },
		func(r *Record) { r.Action += "x" }, func(r *Record) { r.Object += "x" }, func(r *Record) { r.BeforeDigest += "x" },
		func(r *Record) { r.AfterDigest += "x" }, func(r *Record) { r.Detail += "x" }, func(r *Record) { r.PrevHash += "x" },
	}
	for i, m := range mutations {
		c := r
		m(&c)
		if c.ComputeHash() == r.Hash {
			t.Errorf("mutation %d not covered by the hash", i)
		}
	}
	// Field boundaries matter: moving a character between fields changes the hash.
	a, b := r, r
	a.Actor, a.Action = "ab", "c"
	b.Actor, b.Action = "a", "bc"
	if a.ComputeHash() == b.ComputeHash() {
		t.Error("field boundaries are not part of the hash")
	}
}

// TestVersionedHash: version 1 records keep the hash they were written
// with, version 2 records cover the principal fields and their version, and
// a chain mixing both (a store upgraded in place) verifies.
func TestVersionedHash(t *testing.T) {
	old := Record{Seq: 1, At: "2024-01-20T10:00:00.000000000Z", Actor: "alex", Action: "case.create", Object: "case:x", PrevHash: Genesis}
	v0 := old.ComputeHash()
	old.Version = V1
	if old.ComputeHash() != v0 {
		t.Fatal("version 1 and unversioned records hash differently")
	}
	old.ActorID = "local:alex" // not covered by version 1
	if old.ComputeHash() != v0 {
		t.Fatal("version 1 hash covers a version 2 field")
	}

	v2 := Record{Seq: 1, Version: V2, At: "2024-01-20T10:00:00.000000000Z", Actor: "alex", ActorID: "u-7", Action: "case.create", Object: "case:x", PrevHash: Genesis}
	h2 := v2.ComputeHash()
	v2.RemoteAddr = "192.0.2.7" // not covered by version 2
	if v2.ComputeHash() != h2 {
		t.Fatal("version 2 hash covers a version 3 field")
	}

	var recs []Record
	var head *Head
	for i := range 4 {
		r := Record{At: "2024-01-20T10:00:00.000000000Z", Actor: "alex", Action: "case.create", Object: fmt.Sprintf("case:%d", i)}
		if i < 2 {
			r.Version = V1
		} else {
			r.ActorID, r.Agency, r.Roles, r.AuthMethod, r.RequestID, r.RemoteAddr = "u-7", "NL-POL", "investigator", "token", "req-1", "192.0.2.7"
		}
		r.Seal(head)
		recs = append(recs, r)
		head = &Head{r.Seq, r.Hash}
	}
	if recs[3].Version != Current {
		t.Fatalf("new record sealed as version %d, want %d", recs[3].Version, Current)
	}
	if p := verify(recs, *head); len(p) != 0 {
		t.Fatalf("mixed chain reported problems: %v", p)
	}
	for name, tamper := range map[string]func(*Record){
		"agency":     func(r *Record) { r.Agency = "BE-FCCU" },
		"actor id":   func(r *Record) { r.ActorID = "u-8" },
		"roles":      func(r *Record) { r.Roles = "owner" },
		"method":     func(r *Record) { r.AuthMethod = "local" },
		"request":    func(r *Record) { r.RequestID = "req-2" },
		"remote":     func(r *Record) { r.RemoteAddr = "203.0.113.9" },
		"to v2":      func(r *Record) { r.Version = V2 },
		"downgraded": func(r *Record) { r.Version = V1 },
	} {
		c := slices.Clone(recs)
		tamper(&c[3])
		if p := verify(c, *head); len(p) == 0 || !strings.Contains(p[0].String(), "record 4: content does not match") {
			t.Errorf("%s changed: problems %v", name, p)
		}
	}
}
