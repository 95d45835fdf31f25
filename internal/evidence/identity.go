package evidence

import (
	"fmt"
	"hash/maphash"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// Identity is what makes a file of an exhibit unique: every entry a source
// yields has its own, stable across runs over the same evidence, so that
// two members of one archive with colliding names ("DCIM/b.jpg" and
// "DCIM/./b.jpg", or one name stored twice) are two files, never one.
type Identity struct {
	// Root is the root given to Run (an absolute path for ingests).
	Root string
	// Member is the entry's raw path (the root's base name, then the
	// original names joined by '/' and "!/"), encoded by EncodeName.
	Member string
	// Seq numbers entries of one root with the same Member in walk order
	// (0 for the first): a name stored twice in one archive.
	Seq int
}

func (id Identity) String() string { return fmt.Sprintf("%s\x00%s\x00%d", id.Root, id.Member, id.Seq) }

// EncodeName turns a raw name into text that a database stores exactly
// (valid UTF-8, no NUL) without merging two names: a name that is valid
// UTF-8 without NUL or '\' is itself; any other has '\' doubled and each
// other byte that is not valid UTF-8 (and NUL) written \xNN. The two kinds
// cannot meet, as only the second contains '\'.
func EncodeName(raw string) string {
	if utf8.ValidString(raw) && !strings.ContainsAny(raw, "\x00\\") {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		switch {
		case r == utf8.RuneError && size <= 1, r == 0:
			fmt.Fprintf(&b, `\x%02x`, raw[i])
		case r == '\\':
			b.WriteString(`\\`)
		default:
			b.WriteString(raw[i : i+size])
		}
		i += size
	}
	return b.String()
}

// RootLabels names roots for display: each root's paths start with its
// label instead of its base name. A root keeps the label it had in an
// earlier ingest (earlier: root -> label); a new root is labelled with its
// base name or, when another root of the exhibit has the same base name,
// with as many of its parent directories as tell them apart ("sd1/DCIM"
// and "sd2/DCIM").
func RootLabels(roots []string, earlier map[string]string) map[string]string {
	out := map[string]string{}
	used := map[string]bool{}
	for r, l := range earlier {
		out[r], used[l] = l, true
	}
	var fresh []string
	for _, r := range roots {
		if _, ok := out[r]; !ok && !slices.Contains(fresh, r) {
			fresh = append(fresh, r)
		}
	}
	for _, r := range fresh {
		out[r] = ""
	}
	tail := func(r string, n int) string {
		parts := strings.Split(strings.Trim(filepath.ToSlash(filepath.Clean(r)), "/"), "/")
		return strings.Join(parts[max(0, len(parts)-n):], "/")
	}
	for _, r := range fresh {
		var label string
		for n := 1; ; n++ {
			label = tail(r, n)
			unique := !used[label]
			for o := range out {
				if o != r && tail(o, n) == label {
					unique = false
				}
			}
			if unique || label == tail(r, n+1) {
				break
			}
		}
		for label == "" || used[label] {
			label += "~" // the same directory given twice in other words
		}
		out[r], used[label] = label, true
	}
	return out
}

// names gives entries unique identities and display paths within one run.
type names struct {
	seed  maphash.Seed
	taken func(string) bool // displays already used in the exhibit
	// Per top-level unit (the members of an archive on disk): how often
	// a Member was seen, and which displays were given.
	seq     map[string]int
	members map[uint64]bool
	// Displays of names on disk that can have a twin.
	disk map[uint64]bool
}

func newNames(taken func(string) bool) *names {
	return &names{seed: maphash.MakeSeed(), taken: taken, seq: map[string]int{}, members: map[uint64]bool{}, disk: map[uint64]bool{}}
}

// next returns the Seq of member (archive members: 0 unless the name was
// seen before within the same top-level archive).
func (n *names) next(member string, depth int) int {
	if depth == 0 {
		// A file on disk ends its archive's members (archives come after
		// their members); names on disk are unique.
		clear(n.seq)
		clear(n.members)
		return 0
	}
	k := n.seq[member]
	n.seq[member] = k + 1
	return k
}

// display returns path, or path with " [N]" when another entry of this run
// or a stored file already shows as path. Only names that can collide are
// remembered: archive members, and names on disk with an escape or a
// backslash (a raw byte and its escaped twin).
func (n *names) display(path string, depth int) string {
	if depth == 0 && !strings.Contains(path, `\`) {
		if n.taken == nil || !n.taken(path) {
			return path
		}
	}
	set := n.members
	if depth == 0 {
		set = n.disk
	}
	out := path
	for i := 2; ; i++ {
		h := maphash.String(n.seed, out)
		if !set[h] && (n.taken == nil || !n.taken(out)) {
			set[h] = true
			return out
		}
		out = fmt.Sprintf("%s [%d]", path, i)
	}
}
