package investigation_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestFilePageCategory: the files table's category filter finds matched
// files and ignorable files whose ignorable bank gave the category, by the
// given or the normalised name, and nothing else.
func TestFilePageCategory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newHubFixture(t, open)
		ctx := context.Background()
		dir := t.TempDir()
		ev := filepath.Join(dir, "phone")
		if err := os.MkdirAll(ev, 0o700); err != nil {
			t.Fatal(err)
		}
		sums := map[string]string{}
		for _, name := range []string{"one", "two", "three", "four", "five"} {
			body := "synthetic " + name + "\n"
			if err := os.WriteFile(filepath.Join(ev, name+".txt"), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			s := md5.Sum([]byte(body))
			sums[name] = hex.EncodeToString(s[:])
		}
		for _, b := range []struct{ name, kind, body string }{
			{"known", "known", fmt.Sprintf("md5,category\n%s,A1\n%s,B2\n", sums["one"], sums["two"])},
			{"os", "ignorable", fmt.Sprintf("md5,category\n%s,A1\n%s,\n", sums["three"], sums["four"])},
		} {
			p := filepath.Join(dir, b.name+".csv")
			if err := os.WriteFile(p, []byte(b.body), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := f.s.ImportBank(ctx, p, investigation.BankImportOptions{Name: b.name, Kind: b.kind}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.s.Ingest(ctx, "nl-1", investigation.IngestOptions{Exhibit: "phone", Paths: []string{ev}, CryptoOnly: true, Workers: 1}); err != nil {
			t.Fatal(err)
		}
		nl := f.as("nl-analyst")
		for category, want := range map[string][]string{"A1": {"one.txt", "three.txt"}, "B2": {"two.txt"}, "C9": nil} {
			page, err := f.s.FilePage(nl, "nl-1", investigation.FileQuery{Category: category, Order: "path"}, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range page.Files {
				got = append(got, filepath.Base(x.Path))
			}
			if !slices.Equal(got, want) {
				t.Errorf("category %s: %q, want %q", category, got, want)
			}
		}
	})
}
