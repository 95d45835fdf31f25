package investigation

import "testing"

func TestUnionFind(t *testing.T) {
	u := newUnionFind(6)
	if !u.union(4, 2) || !u.union(2, 5) || u.union(5, 4) {
		t.Fatal("union reports merges wrongly")
	}
	if !u.union(1, 3) {
		t.Fatal("1 and 3 were apart")
	}
	if n := u.add(); n != 6 || u.find(6) != 6 {
		t.Fatalf("add: %d, find %d", n, u.find(6))
	}
	u.union(6, 3)
	// The representative is the smallest member, whatever the union order.
	want := []int{0, 1, 2, 1, 2, 2, 1}
	for x, r := range want {
		if got := u.find(x); got != r {
			t.Errorf("find(%d) = %d, want %d", x, got, r)
		}
	}
}
