package source

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestSelectParts: walks that each select a range of the entries on disk
// visit, together, exactly what one walk visits, in the same order; a walk
// that selects nothing numbers every entry on disk and opens none.
func TestSelectParts(t *testing.T) {
	root := filepath.Join(t.TempDir(), "phone")
	write(t, filepath.Join(root, "a.jpg"), jpegBytes("a"))
	write(t, filepath.Join(root, "a", "b.jpg"), jpegBytes("b"))
	write(t, filepath.Join(root, "backup.zip"), zipBytes(t, member{name: "DCIM/x.jpg", data: jpegBytes("x")}, member{name: "DCIM/x.jpg", data: jpegBytes("x2")}))
	write(t, filepath.Join(root, "z", "notes.txt"), []byte("synthetic notes"))
	all := walkAll(t, root, Options{})

	type listed struct {
		raw  string
		size int64
	}
	var list []listed
	none := walkAll(t, root, Options{Select: func(n int, raw string, size int64) bool {
		if n != len(list) {
			t.Errorf("entry %q numbered %d, want %d", raw, n, len(list))
		}
		list = append(list, listed{raw, size})
		return false
	}})
	if len(none) != 0 || len(list) != 4 {
		t.Fatalf("listing walk visited %d entries and listed %v", len(none), list)
	}
	want := []listed{{"phone/a/b.jpg", int64(len(jpegBytes("b")))}, {"phone/a.jpg", int64(len(jpegBytes("a")))}}
	if list[0] != want[0] || list[1] != want[1] || list[2].raw != "phone/backup.zip" || list[3].raw != "phone/z/notes.txt" {
		t.Errorf("listed %v", list)
	}
	for _, cut := range []int{0, 1, 2, 3, 4} {
		first := walkAll(t, root, Options{Select: func(n int, _ string, _ int64) bool { return n < cut }})
		rest := walkAll(t, root, Options{Select: func(n int, _ string, _ int64) bool { return n >= cut }})
		if got := append(paths(first), paths(rest)...); !slices.Equal(got, paths(all)) {
			t.Errorf("cut at %d: parts visit %v, one walk %v", cut, got, paths(all))
		}
	}
}
