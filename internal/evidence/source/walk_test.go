package source

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/hashing"
)

func TestWalkDirectoryOrder(t *testing.T) {
	root := filepath.Join(t.TempDir(), "case1")
	write(t, filepath.Join(root, "b.txt"), []byte("bee"))
	write(t, filepath.Join(root, "a", "z.jpg"), jpegBytes("z"))
	write(t, filepath.Join(root, "a", "y", "x.bin"), []byte{1, 2, 3})
	write(t, filepath.Join(root, "B.txt"), []byte("upper"))
	write(t, filepath.Join(root, "empty"), nil)
	os.MkdirAll(filepath.Join(root, "emptydir"), 0o755)

	got := walkAll(t, root, Options{})
	want := []string{"case1/B.txt", "case1/a/y/x.bin", "case1/a/z.jpg", "case1/b.txt", "case1/empty"}
	if !slices.Equal(paths(got), want) {
		t.Fatalf("paths = %q, want %q", paths(got), want)
	}
	z := find(t, got, "case1/a/z.jpg")
	if z.MediaType != hashing.TypeJPEG || z.Size != int64(len(jpegBytes("z"))) || z.sha != sum(jpegBytes("z")) || z.Depth != 0 {
		t.Errorf("z.jpg entry wrong: %+v", z)
	}
	e := find(t, got, "case1/empty")
	if e.Size != 0 || e.sha != sum(nil) || e.Err != nil || e.MediaType != hashing.TypeUnknown {
		t.Errorf("empty file entry wrong: %+v", e)
	}
	// Same order every time.
	if again := walkAll(t, root, Options{}); !slices.Equal(paths(again), want) {
		t.Fatal("order not deterministic")
	}
	// Open of a file on disk stays valid after the callback.
	var later []Entry
	must(t, Walk(context.Background(), root, Options{}, func(e Entry) error { later = append(later, e); return nil }))
	rc, err := later[0].Open()
	must(t, err)
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "upper" {
		t.Errorf("late Open read %q", b)
	}
	// A single file as root.
	one := walkAll(t, filepath.Join(root, "b.txt"), Options{})
	if len(one) != 1 || one[0].Path != "b.txt" || one[0].sha != sum([]byte("bee")) {
		t.Fatalf("single file root: %+v", one)
	}
}

// archiveTree writes one archive of every supported kind and returns the
// member paths and contents expected from walking dir.
func archiveTree(t *testing.T, dir string) map[string][]byte {
	img, notes := jpegBytes("img"), []byte("notes\n")
	want := map[string][]byte{}
	add := func(p string, b []byte) { want[p] = b }

	zipData := zipBytes(t, member{name: "DCIM/"}, member{name: "DCIM/img_0001.jpg", data: img}, member{name: "notes.txt", data: notes, method: stored})
	write(t, filepath.Join(dir, "backup.zip"), zipData)
	add("ev/backup.zip", zipData)
	add("ev/backup.zip!/DCIM/img_0001.jpg", img)
	add("ev/backup.zip!/notes.txt", notes)

	tarData := tarBytes(t, member{name: "a/img.jpg", data: img}, member{name: "b.txt", data: notes})
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"plain.tar", tarData},
		{"t.tar.gz", gzipBytes(t, "", tarData)},
		{"t.tar.xz", xzBytes(t, tarData)},
		{"t.tar.zst", zstdBytes(t, tarData)},
	} {
		write(t, filepath.Join(dir, c.name), c.data)
		add("ev/"+c.name, c.data)
		add("ev/"+c.name+"!/a/img.jpg", img)
		add("ev/"+c.name+"!/b.txt", notes)
	}
	gz := gzipBytes(t, "", img)
	write(t, filepath.Join(dir, "photo.jpg.gz"), gz)
	add("ev/photo.jpg.gz", gz)
	add("ev/photo.jpg.gz!/photo.jpg", img)

	// outer.zip holds inner.tar.gz (holding x.jpg and deep.zip) and a
	// stored zip (read in place) and a deflated zip (spilled).
	deep := zipBytes(t, member{name: "d.txt", data: []byte("deep")})
	innerTar := gzipBytes(t, "inner.tar", tarBytes(t, member{name: "x.jpg", data: img}, member{name: "deep.zip", data: deep}))
	storedZip := zipBytes(t, member{name: "s.txt", data: []byte("stored")})
	outer := zipBytes(t,
		member{name: "inner.tar.gz", data: innerTar, method: stored},
		member{name: "s.zip", data: storedZip, method: stored},
		member{name: "c.zip", data: storedZip},
	)
	write(t, filepath.Join(dir, "outer.zip"), outer)
	add("ev/outer.zip", outer)
	add("ev/outer.zip!/inner.tar.gz", innerTar)
	add("ev/outer.zip!/inner.tar.gz!/x.jpg", img)
	add("ev/outer.zip!/inner.tar.gz!/deep.zip", deep)
	add("ev/outer.zip!/inner.tar.gz!/deep.zip!/d.txt", []byte("deep"))
	add("ev/outer.zip!/s.zip", storedZip)
	add("ev/outer.zip!/s.zip!/s.txt", []byte("stored"))
	add("ev/outer.zip!/c.zip", storedZip)
	add("ev/outer.zip!/c.zip!/s.txt", []byte("stored"))
	return want
}

func TestWalkArchives(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ev")
	want := archiveTree(t, dir)
	spill := t.TempDir()
	got := walkAll(t, dir, Options{TempDir: spill})
	for _, s := range got {
		w, ok := want[s.Path]
		if !ok {
			t.Errorf("unexpected entry %q", s.Path)
			continue
		}
		if s.Err != nil || s.readErr != nil || len(s.Warnings) > 0 {
			t.Errorf("%s: err %v read %v warnings %q", s.Path, s.Err, s.readErr, s.Warnings)
		}
		if s.sha != sum(w) {
			t.Errorf("%s: content differs", s.Path)
		}
		if wantDepth := strings.Count(s.Path, "!/"); s.Depth != wantDepth {
			t.Errorf("%s: depth %d, want %d", s.Path, s.Depth, wantDepth)
		}
		if s.MediaType != hashing.MediaType(w) {
			t.Errorf("%s: media type %s", s.Path, s.MediaType)
		}
		delete(want, s.Path)
	}
	for p := range want {
		t.Errorf("missing entry %q", p)
	}
	// Post-order: members before their archive; archive order inside.
	ps := paths(got)
	idx := func(p string) int { return slices.Index(ps, p) }
	if !(idx("ev/backup.zip!/DCIM/img_0001.jpg") < idx("ev/backup.zip!/notes.txt") && idx("ev/backup.zip!/notes.txt") < idx("ev/backup.zip")) {
		t.Errorf("order wrong: %q", ps)
	}
	if left, _ := os.ReadDir(spill); len(left) != 0 {
		t.Errorf("spill files left behind: %v", left)
	}
}

func TestWalkBzip2(t *testing.T) {
	dir := t.TempDir()
	img := jpegBytes("b")
	write(t, filepath.Join(dir, "t.tar.bz2"), bzip2Bytes(t, tarBytes(t, member{name: "i.jpg", data: img})))
	got := walkAll(t, filepath.Join(dir, "t.tar.bz2"), Options{})
	if s := find(t, got, "t.tar.bz2!/i.jpg"); s.sha != sum(img) || s.MediaType != hashing.TypeJPEG {
		t.Fatalf("bzip2 member wrong: %+v", s)
	}
}

func TestDepthLimit(t *testing.T) {
	// l1.zip > l2.zip > l3.zip > l4.zip > leaf.txt
	data := zipBytes(t, member{name: "leaf.txt", data: []byte("leaf")})
	for i := 4; i >= 2; i-- {
		data = zipBytes(t, member{name: "l" + string(rune('0'+i)) + ".zip", data: data})
	}
	dir := t.TempDir()
	write(t, filepath.Join(dir, "l1.zip"), data)
	got := walkAll(t, filepath.Join(dir, "l1.zip"), Options{})
	want := []string{"l1.zip!/l2.zip!/l3.zip!/l4.zip", "l1.zip!/l2.zip!/l3.zip", "l1.zip!/l2.zip", "l1.zip"}
	if !slices.Equal(paths(got), want) {
		t.Fatalf("paths %q, want %q", paths(got), want)
	}
	l4 := got[0]
	if len(l4.Warnings) != 1 || !strings.Contains(l4.Warnings[0], "depth limit 3") || l4.Err != nil || l4.MediaType != hashing.TypeZip {
		t.Fatalf("l4: %+v", l4)
	}
	// MaxDepth 1: only l1 opened; negative: nothing opened.
	if got := walkAll(t, filepath.Join(dir, "l1.zip"), Options{MaxDepth: 1}); len(got) != 2 {
		t.Fatalf("MaxDepth 1: %q", paths(got))
	}
	if got := walkAll(t, filepath.Join(dir, "l1.zip"), Options{MaxDepth: -1}); len(got) != 1 {
		t.Fatalf("MaxDepth -1: %q", paths(got))
	}
}

func TestZipBomb(t *testing.T) {
	dir := t.TempDir()
	zeros := make([]byte, 40<<20)
	write(t, filepath.Join(dir, "bomb.zip"), zipBytes(t, member{name: "zeros.bin", data: zeros}, member{name: "after.txt", data: []byte("after")}))

	// Ratio: 40 MiB of zeros deflate to ~40 KB (ratio ~1000).
	got := walkAll(t, filepath.Join(dir, "bomb.zip"), Options{MaxRatio: 100})
	if z := find(t, got, "bomb.zip!/zeros.bin"); !isErr(z.readErr, ErrLimit) {
		t.Errorf("ratio cap not enforced: %+v", z.readErr)
	}
	// Total cap.
	got = walkAll(t, filepath.Join(dir, "bomb.zip"), Options{MaxTotalExpanded: 1 << 20})
	if z := find(t, got, "bomb.zip!/zeros.bin"); !isErr(z.readErr, ErrLimit) {
		t.Errorf("total cap not enforced: %+v", z.readErr)
	}
	// Declared size over the entry cap: recorded on the entry, not read.
	got = walkAll(t, filepath.Join(dir, "bomb.zip"), Options{MaxEntrySize: 1 << 20})
	if z := find(t, got, "bomb.zip!/zeros.bin"); !isErr(z.Err, ErrLimit) {
		t.Errorf("entry cap not recorded: %+v", z.Err)
	}
	if a := find(t, got, "bomb.zip!/after.txt"); a.sha != sum([]byte("after")) {
		t.Error("walk did not go on after the bomb")
	}
	// Same through a compressed stream (the size is not declared).
	write(t, filepath.Join(dir, "zeros.gz"), gzipBytes(t, "zeros", zeros))
	got = walkAll(t, filepath.Join(dir, "zeros.gz"), Options{MaxEntrySize: 1 << 20})
	if z := find(t, got, "zeros.gz!/zeros"); !isErr(z.readErr, ErrLimit) {
		t.Errorf("stream entry cap not enforced: %+v", z.readErr)
	}
	if g := find(t, got, "zeros.gz"); !isErr(g.Err, ErrLimit) {
		t.Errorf("archive not marked: %v", g.Err)
	}
}

func TestHostileNames(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("n", 5000)
	write(t, filepath.Join(dir, "h.zip"), zipBytes(t,
		member{name: "../../etc/passwd", data: []byte("1")},
		member{name: "/abs/x.txt", data: []byte("2")},
		member{name: `C:\Windows\y.txt`, data: []byte("3")},
		member{name: "a/../../b.txt", data: []byte("4")},
		member{name: "bad\xffname.txt", data: []byte("5")},
		member{name: "ctrl\nname.txt", data: []byte("6")},
		member{name: long, data: []byte("7")},
		member{name: "caf\x82.txt", data: []byte("8"), raw: true}, // CP437 é
		member{name: "..", data: []byte("9")},
	))
	got := walkAll(t, filepath.Join(dir, "h.zip"), Options{})
	cases := []struct{ path, warn, raw string }{
		{"h.zip!/etc/passwd", `path traversal name "../../etc/passwd" neutralised`, "h.zip!/../../etc/passwd"},
		{"h.zip!/abs/x.txt", "path traversal", "h.zip!//abs/x.txt"},
		{"h.zip!/Windows/y.txt", "path traversal", `h.zip!/C:\Windows\y.txt`},
		{"h.zip!/b.txt", "path traversal", "h.zip!/a/../../b.txt"},
		// No UTF-8 flag: CP437 by the specification (0xFF is U+00A0).
		{"h.zip!/bad\u00a0name.txt", "CP437", "h.zip!/bad\xffname.txt"},
		{`h.zip!/ctrl\x0aname.txt`, "control characters", "h.zip!/ctrl\nname.txt"},
		{"h.zip!/" + long, "very long name", ""},
		{"h.zip!/café.txt", "CP437", "h.zip!/caf\x82.txt"},
		{"h.zip!/_", "path traversal", "h.zip!/.."},
	}
	for _, c := range cases {
		s := find(t, got, c.path)
		if !slices.ContainsFunc(s.Warnings, func(w string) bool { return strings.Contains(w, c.warn) }) {
			t.Errorf("%q: warnings %q, want %q", c.path, s.Warnings, c.warn)
		}
		if s.RawPath != c.raw {
			t.Errorf("%q: RawPath %q, want %q", c.path, s.RawPath, c.raw)
		}
		if s.readErr != nil || s.sha == "" {
			t.Errorf("%q: not readable: %v", c.path, s.readErr)
		}
	}
}

func TestDiskNames(t *testing.T) {
	root := filepath.Join(t.TempDir(), "r")
	name := "inv\xfflid"
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, name), []byte("x"), 0o644); err != nil {
		t.Skipf("file system refuses invalid UTF-8 names: %v", err)
	}
	long := strings.Repeat("L", 255) // NAME_MAX
	write(t, filepath.Join(root, long), []byte("y"))
	got := walkAll(t, root, Options{})
	s := find(t, got, `r/inv\xfflid`)
	if s.RawPath != "r/"+name || s.sha != sum([]byte("x")) || len(s.Warnings) != 1 {
		t.Fatalf("invalid UTF-8 disk name: %+v", s)
	}
	if l := find(t, got, "r/"+long); l.sha != sum([]byte("y")) {
		t.Fatal("long name not read")
	}
}

func TestSymlinks(t *testing.T) {
	root := filepath.Join(t.TempDir(), "r")
	write(t, filepath.Join(root, "d", "f.txt"), []byte("target"))
	must(t, os.Symlink("f.txt", filepath.Join(root, "d", "link.txt")))
	must(t, os.Symlink("..", filepath.Join(root, "d", "loop")))
	must(t, os.Symlink("nowhere", filepath.Join(root, "broken")))
	must(t, os.Symlink("/etc", filepath.Join(root, "outside")))

	got := walkAll(t, root, Options{})
	want := []string{"r/broken", "r/d/f.txt", "r/d/link.txt", "r/d/loop", "r/outside"}
	if !slices.Equal(paths(got), want) {
		t.Fatalf("paths %q, want %q", paths(got), want)
	}
	for _, s := range got {
		if s.Path == "r/d/f.txt" {
			continue
		}
		if s.Mode&fs.ModeSymlink == 0 || len(s.Warnings) != 1 || !strings.HasPrefix(s.Warnings[0], "symlink not followed") {
			t.Errorf("%s: %+v", s.Path, s.Entry)
		}
		if _, err := s.Open(); !isErr(err, ErrNotRegular) {
			t.Errorf("%s: Open of a symlink: %v", s.Path, err)
		}
	}

	os.Remove(filepath.Join(root, "outside")) // keep the followed walk small
	got = walkAll(t, root, Options{FollowSymlinks: true})
	if l := find(t, got, "r/d/link.txt"); l.sha != sum([]byte("target")) || !strings.HasPrefix(l.Warnings[0], "symlink followed") {
		t.Errorf("followed link: %+v", l)
	}
	if l := find(t, got, "r/d/loop"); !isErr(l.Err, ErrSymlinkLoop) {
		t.Errorf("loop: %+v", l.Err)
	}
	if b := find(t, got, "r/broken"); b.Err == nil {
		t.Error("broken link without error")
	}
}

func TestSpecialFiles(t *testing.T) {
	root := filepath.Join(t.TempDir(), "r")
	write(t, filepath.Join(root, "z.txt"), []byte("after"))
	if err := mkfifo(filepath.Join(root, "fifo")); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	sock := listenUnix(t, filepath.Join(root, "sock"))
	defer sock.Close()
	if os.Geteuid() != 0 {
		write(t, filepath.Join(root, "locked.txt"), []byte("secret"))
		must(t, os.Chmod(filepath.Join(root, "locked.txt"), 0))
	}
	got := walkAll(t, root, Options{}) // would hang if the FIFO were opened
	for _, p := range []string{"r/fifo", "r/sock"} {
		if s := find(t, got, p); !isErr(s.Err, ErrNotRegular) {
			t.Errorf("%s: %v", p, s.Err)
		}
	}
	if os.Geteuid() != 0 {
		if s := find(t, got, "r/locked.txt"); !isErr(s.Err, fs.ErrPermission) {
			t.Errorf("unreadable file: %v", s.Err)
		}
	} else {
		t.Log("running as root: permission-denied case not testable")
	}
	if s := find(t, got, "r/z.txt"); s.sha != sum([]byte("after")) {
		t.Error("walk did not go on")
	}
}

func TestCorruptArchives(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "c")
	img := jpegBytes("c")
	good := zipBytes(t, member{name: "a.jpg", data: img})
	write(t, filepath.Join(dir, "1truncated.zip"), good[:len(good)-30])
	noise := make([]byte, 100000)
	rand.Read(noise)
	tgz := gzipBytes(t, "", tarBytes(t, member{name: "first.jpg", data: img}, member{name: "second.bin", data: noise}))
	write(t, filepath.Join(dir, "2truncated.tar.gz"), tgz[:len(tgz)-200])
	write(t, filepath.Join(dir, "3bad.rar"), append([]byte("Rar!\x1a\x07\x01\x00"), bytes.Repeat([]byte{0xAB}, 300)...))
	write(t, filepath.Join(dir, "4bad.7z"), append([]byte{'7', 'z', 0xBC, 0xAF, 0x27, 0x1C, 0, 4}, bytes.Repeat([]byte{1}, 100)...))
	write(t, filepath.Join(dir, "5bad.gz"), []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff})
	write(t, filepath.Join(dir, "6good.txt"), []byte("still here"))

	got := walkAll(t, dir, Options{})
	for _, p := range []string{"c/1truncated.zip", "c/2truncated.tar.gz", "c/3bad.rar", "c/4bad.7z", "c/5bad.gz"} {
		s := find(t, got, p)
		if !isErr(s.Err, ErrCorrupt) {
			t.Errorf("%s: Err = %v, want ErrCorrupt", p, s.Err)
		}
		if s.readErr != nil || s.sha == "" {
			t.Errorf("%s: the archive's own bytes must stay readable: %v", p, s.readErr)
		}
	}
	// Members read before the damage stay.
	if s := find(t, got, "c/2truncated.tar.gz!/first.jpg"); s.sha != sum(img) {
		t.Error("member before the damage lost")
	}
	if s := find(t, got, "c/6good.txt"); s.sha != sum([]byte("still here")) {
		t.Error("walk did not go on")
	}
}

func TestEncrypted(t *testing.T) {
	src := "testdata/fixture_src"
	img, err := os.ReadFile(filepath.Join(src, "DCIM/img_0001.jpg"))
	must(t, err)
	notes, err := os.ReadFile(filepath.Join(src, "notes.txt"))
	must(t, err)
	for _, name := range []string{"zipcrypto.zip", "aes.zip", "aes128_store.zip", "content_enc.7z", "header_enc.7z"} {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join("testdata", name)
			// Without passwords: recorded as encrypted, nothing read.
			got := walkAll(t, p, Options{})
			encrypted := 0
			for _, s := range got {
				if isErr(s.Err, ErrEncrypted) {
					encrypted++
				}
				if s.sha == sum(notes) && s.Path != name {
					t.Errorf("%s read without password", s.Path)
				}
			}
			if encrypted == 0 {
				t.Errorf("nothing recorded as encrypted: %+v", got)
			}
			// With passwords: the second one opens it.
			got = walkAll(t, p, Options{Passwords: []string{"wrong", "secret"}})
			n := find(t, got, name+"!/notes.txt")
			if n.sha != sum(notes) || n.PasswordIndex != 1 || n.readErr != nil {
				t.Errorf("notes.txt: %+v", n)
			}
			if !strings.HasPrefix(name, "aes128") {
				if i := find(t, got, name+"!/DCIM/img_0001.jpg"); i.sha != sum(img) || i.MediaType != hashing.TypeJPEG {
					t.Errorf("img: %+v", i)
				}
			}
			if a := find(t, got, name); a.Err != nil {
				t.Errorf("archive: %v", a.Err)
			}
			// Only wrong passwords.
			got = walkAll(t, p, Options{Passwords: []string{"wrong"}})
			for _, s := range got {
				if s.sha == sum(notes) {
					t.Errorf("%s decrypted with a wrong password", s.Path)
				}
			}
		})
	}
	got := walkAll(t, "testdata/plain.7z", Options{})
	if s := find(t, got, "plain.7z!/DCIM/img_0001.jpg"); s.sha != sum(img) || s.PasswordIndex != -1 {
		t.Errorf("plain 7z: %+v", s)
	}
}

func TestZip64(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 65,536-entry zip64 archive")
	}
	// More than 65,535 entries makes archive/zip write zip64 records.
	const n = 70000
	members := make([]member, n)
	for i := range members {
		members[i] = member{name: fmt.Sprintf("f%06d", i), data: []byte{byte(i)}, method: stored}
	}
	dir := t.TempDir()
	data := zipBytes(t, members...)
	write(t, filepath.Join(dir, "z64.zip"), data)
	if c, ok := zipEntryCount(bytes.NewReader(data), int64(len(data))); !ok || c != n {
		t.Fatalf("zip64 entry count %d %v", c, ok)
	}
	count := 0
	err := Walk(context.Background(), filepath.Join(dir, "z64.zip"), Options{}, func(e Entry) error {
		if e.Err != nil {
			t.Fatalf("%s: %v", e.Path, e.Err)
		}
		count++
		return nil
	})
	must(t, err)
	if count != n+1 {
		t.Fatalf("%d entries, want %d", count, n+1)
	}
	// The entry cap refuses it before reading the directory.
	got := walkAll(t, filepath.Join(dir, "z64.zip"), Options{MaxEntries: 1000})
	if len(got) != 1 || !isErr(got[0].Err, ErrLimit) {
		t.Fatalf("entry cap: %+v", got)
	}
}

func TestWalkStops(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ev")
	archiveTree(t, dir)
	n := 0
	err := Walk(context.Background(), dir, Options{}, func(e Entry) error {
		n++
		if n == 3 {
			return fs.SkipAll
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Fatalf("SkipAll: err %v after %d", err, n)
	}
	boom := errors.New("boom")
	err = Walk(context.Background(), dir, Options{}, func(e Entry) error {
		if strings.Contains(e.Path, "!/") {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("callback error not returned: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	err = Walk(ctx, dir, Options{}, func(e Entry) error { cancel(); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
	if err := Walk(context.Background(), filepath.Join(dir, "missing"), Options{}, func(Entry) error { return nil }); err == nil {
		t.Fatal("missing root accepted")
	}
}

func TestStreamMemberOpenOnce(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "t.tar"), tarBytes(t, member{name: "a.txt", data: []byte("a")}))
	err := Walk(context.Background(), filepath.Join(dir, "t.tar"), Options{}, func(e Entry) error {
		if e.Depth == 1 {
			rc, err := e.Open()
			must(t, err)
			b, _ := io.ReadAll(rc)
			if string(b) != "a" {
				t.Errorf("content %q", b)
			}
			if _, err := e.Open(); !errors.Is(err, ErrConsumed) {
				t.Errorf("second Open: %v", err)
			}
		}
		return nil
	})
	must(t, err)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSpillCap(t *testing.T) {
	// A zip inside a tar must be spilled to be opened; over the cap it is
	// reported as a file (still readable once) with a warning.
	dir := t.TempDir()
	inner := zipBytes(t, member{name: "a.txt", data: bytes.Repeat([]byte("a"), 5000)}, member{name: "b.bin", data: make([]byte, 4000), method: stored})
	write(t, filepath.Join(dir, "t.tar"), tarBytes(t, member{name: "in.zip", data: inner}))
	got := walkAll(t, filepath.Join(dir, "t.tar"), Options{MaxSpill: 1000})
	s := find(t, got, "t.tar!/in.zip")
	if s.sha != sum(inner) || len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "spill cap") || s.Err != nil {
		t.Fatalf("over the spill cap: %+v", s)
	}
	if len(got) != 2 {
		t.Fatalf("members of an unspilled archive reported: %q", paths(got))
	}
	got = walkAll(t, filepath.Join(dir, "t.tar"), Options{})
	if s := find(t, got, "t.tar!/in.zip!/a.txt"); s.sha != sum(bytes.Repeat([]byte("a"), 5000)) {
		t.Fatal("spilled zip not read")
	}
}
