package synth

import (
	"bytes"
	"testing"

	"github.com/vibora-project/vibora/internal/stealerlog/ulp"
)

func TestULPLinesParse(t *testing.T) {
	data, wl, err := ULP(1<<16, 30, 7)
	if err != nil {
		t.Fatal(err)
	}
	if wl.Len() != 30 {
		t.Fatalf("watchlist %d entries", wl.Len())
	}
	for i, l := range bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n")) {
		if _, err := ulp.Parse(l); err != nil {
			t.Fatalf("line %d %q: %v", i+1, l, err)
		}
	}
	again, _, _ := ULP(1<<16, 30, 7)
	if !bytes.Equal(data, again) {
		t.Fatal("generation is not deterministic")
	}
}

func TestVictimFolders(t *testing.T) {
	files := map[string][]byte{}
	if err := VictimFolders(4, 1, WatchlistDomains(3), func(name string, data []byte) error {
		files[name] = data
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(files) != 2*5+2*4 {
		t.Fatalf("%d files", len(files))
	}
}
