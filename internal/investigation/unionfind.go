package investigation

// unionFind groups the elements 0..n-1 into disjoint sets. The
// representative of a set is its smallest element, so the grouping does
// not depend on the order of the unions.
type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, 0, n)}
	for range n {
		u.add()
	}
	return u
}

// add appends a new element in a set of its own and returns it.
func (u *unionFind) add() int {
	u.parent = append(u.parent, len(u.parent))
	return len(u.parent) - 1
}

// find returns the representative of x's set (path halving).
func (u *unionFind) find(x int) int {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

// union merges the sets of a and b and reports whether they were apart.
func (u *unionFind) union(a, b int) bool {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return false
	}
	u.parent[max(ra, rb)] = min(ra, rb)
	return true
}
