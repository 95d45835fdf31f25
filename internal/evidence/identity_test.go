package evidence

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// collidingZip holds members whose names collide once cleaned, and a name
// stored twice.
func collidingZip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i, n := range []string{"DCIM/b.jpg", "DCIM/./b.jpg", "c.jpg", "../c.jpg", "d.jpg", "/d.jpg", "e/f.jpg", `e\f.jpg`, "g.jpg", "g.jpg"} {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte{byte('A' + i)})
	}
	zw.Close()
	return b.Bytes()
}

func collidingTar(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for i, n := range []string{"x/y.jpg", "./x/y.jpg", "x/y.jpg"} {
		tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: 1, Typeflag: tar.TypeReg})
		tw.Write([]byte{byte('a' + i)})
	}
	tw.Close()
	return b.Bytes()
}

func runAll(t *testing.T, roots []string, opt RunOptions) []Item {
	t.Helper()
	var got []Item
	if err := Run(context.Background(), roots, opt, func(it Item) error { got = append(got, it); return nil }); err != nil {
		t.Fatal(err)
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Path < got[j].Path })
	return got
}

func TestRunEveryEntryItsOwnIdentity(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "E1")
	os.MkdirAll(root, 0o755)
	os.WriteFile(filepath.Join(root, "a.zip"), collidingZip(t), 0o644)
	os.WriteFile(filepath.Join(root, "t.tar"), collidingTar(t), 0o644)
	// A raw byte and its escaped twin.
	if err := os.WriteFile(filepath.Join(root, "n\xffm"), []byte("raw"), 0o644); err != nil {
		t.Skipf("file system refuses invalid UTF-8 names: %v", err)
	}
	os.WriteFile(filepath.Join(root, `n\xffm`), []byte("escaped"), 0o644)

	first := runAll(t, []string{root}, RunOptions{Workers: 3})
	// 10 zip members + zip, 3 tar members + tar, 2 files.
	if len(first) != 17 {
		t.Fatalf("%d items, want 17: %v", len(first), paths(first))
	}
	ids, shown := map[Identity]bool{}, map[string]bool{}
	contents := map[string]bool{}
	for _, it := range first {
		if ids[it.ID] || shown[it.Path] {
			t.Errorf("identity %q or display %q given twice", it.ID, it.Path)
		}
		ids[it.ID], shown[it.Path] = true, true
		contents[it.Digests.SHA256Hex()] = true
	}
	if len(contents) != 17 {
		t.Errorf("%d distinct contents, want 17 (a member was read twice)", len(contents))
	}
	for _, w := range []string{"E1/a.zip!/g.jpg", "E1/a.zip!/g.jpg [2]", "E1/a.zip!/c.jpg [2]", "E1/t.tar!/x/y.jpg [3]"} {
		if !shown[w] {
			t.Errorf("no entry shown as %q: %v", w, paths(first))
		}
	}
	// The same evidence walked again gives the same identities and
	// displays, whatever order the workers finish in.
	again := runAll(t, []string{root}, RunOptions{Workers: 1})
	for i := range first {
		if first[i].ID != again[i].ID || first[i].Path != again[i].Path || first[i].Digests != again[i].Digests {
			t.Fatalf("run 2 differs: %+v / %+v", first[i].ID, again[i].ID)
		}
	}
	// Skipping by identity skips exactly one of two colliding members.
	var dup Identity
	for _, it := range first {
		if it.Path == "E1/a.zip!/g.jpg [2]" {
			dup = it.ID
		}
	}
	rest := runAll(t, []string{root}, RunOptions{Skip: func(id Identity) bool { return id != dup }, Taken: func(p string) bool { return shown[p] && p != "E1/a.zip!/g.jpg [2]" }})
	if len(rest) != 1 || rest[0].Path != "E1/a.zip!/g.jpg [2]" || rest[0].ID != dup {
		t.Fatalf("resumed walk: %v", paths(rest))
	}
}

func TestRunRootsWithTheSameBaseName(t *testing.T) {
	dir := t.TempDir()
	for _, sd := range []string{"sd1", "sd2"} {
		os.MkdirAll(filepath.Join(dir, sd, "DCIM"), 0o755)
		os.WriteFile(filepath.Join(dir, sd, "DCIM", "a.jpg"), []byte(sd), 0o644)
	}
	r1, r2 := filepath.Join(dir, "sd1", "DCIM"), filepath.Join(dir, "sd2", "DCIM")
	got := runAll(t, []string{r1, r2}, RunOptions{Labels: RootLabels([]string{r1, r2}, nil)})
	if p := paths(got); strings.Join(p, " ") != "sd1/DCIM/a.jpg sd2/DCIM/a.jpg" {
		t.Fatalf("paths %v", p)
	}
	if got[0].ID == got[1].ID || got[0].OSPath != filepath.Join(r1, "a.jpg") {
		t.Fatalf("items %+v", got)
	}
	// A later ingest of another root keeps the first root's label.
	l := RootLabels([]string{r2}, map[string]string{r1: "DCIM"})
	if l[r2] != "sd2/DCIM" || l[r1] != "DCIM" {
		t.Fatalf("labels %v", l)
	}
	if l := RootLabels([]string{r1}, map[string]string{r1: "DCIM"}); l[r1] != "DCIM" {
		t.Fatalf("labels %v", l)
	}
}

func TestEncodeName(t *testing.T) {
	seen := map[string]string{}
	for _, raw := range []string{"a", `a\xff`, "a\xff", `a\\xff`, "a\x00", `a\x00`, `e\f`, "e/f", "é"} {
		enc := EncodeName(raw)
		if o, ok := seen[enc]; ok {
			t.Errorf("%q and %q both encode as %q", o, raw, enc)
		}
		seen[enc] = raw
		if strings.ContainsRune(enc, 0) || !slices.Contains([]string{"a", "e/f", "é"}, raw) && !strings.Contains(enc, `\`) {
			t.Errorf("EncodeName(%q) = %q", raw, enc)
		}
	}
}

func paths(items []Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Path)
	}
	return out
}

// panicky fails the way a decoder bug on hostile input would.
type panicky struct{}

func (panicky) Read([]byte) (int, error) { panic("synthetic decoder bug") }

func TestSafeProcessRecordsAPanic(t *testing.T) {
	p := NewProcessor(ProcessOptions{})
	var res Result
	next := safeProcess(p, ProcessOptions{}, panicky{}, &res)
	if next == p || res.Hashed || !strings.Contains(res.Err, "synthetic decoder bug") {
		t.Fatalf("after a panic: %+v", res)
	}
	var ok Result
	if safeProcess(next, ProcessOptions{}, strings.NewReader("x"), &ok); !ok.Hashed || ok.Err != "" {
		t.Fatalf("processor unusable after a panic: %+v", ok)
	}
}
