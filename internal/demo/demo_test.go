package demo

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestGenerateIsReproducible(t *testing.T) {
	a, err := Generate(filepath.Join(t.TempDir(), "a"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(filepath.Join(t.TempDir(), "b"))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Images) != len(b.Images) || len(a.Images) < 20 || len(a.KnownImages) != 6 || len(a.Banks) != 2 {
		t.Fatalf("layout: %d images, %d known, %d banks", len(a.Images), len(a.KnownImages), len(a.Banks))
	}
	for i := range a.Images {
		if !bytes.Equal(a.Images[i].Data, b.Images[i].Data) {
			t.Fatalf("image %s differs between runs", a.Images[i].Path)
		}
	}
	for _, p := range []string{a.Chat + "/result.json", a.Watchlist, a.Banks[0].Path, a.Banks[1].Path} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	if _, err := Generate(a.Root); err == nil {
		t.Fatal("Generate wrote into a non-empty directory")
	}
}
