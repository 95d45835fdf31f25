package investigation_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/video"
)

// walkFrames is a video of n frames whose hashes walk step bits a frame.
func walkFrames(r *rand.Rand, n, step int) []video.Frame {
	var h pdq.Hash
	for i := range h {
		h[i] = byte(r.Uint32())
	}
	out := make([]video.Frame, n)
	for i := range out {
		for _, bit := range r.Perm(256)[:step] {
			h[bit/8] ^= 1 << (bit % 8)
		}
		out[i] = video.Frame{Number: i, Quality: 90, PDQ: h, Timestamp: float64(i)}
	}
	return out
}

// flip returns frames with bits bits of each hash flipped.
func flip(r *rand.Rand, frames []video.Frame, bits int) []video.Frame {
	out := append([]video.Frame(nil), frames...)
	for i := range out {
		for _, bit := range r.Perm(256)[:bits] {
			out[i].PDQ[bit/8] ^= 1 << (bit % 8)
		}
	}
	return out
}

// TestMatchersAnswerVideosAsTheEmbeddedIndex: with remote matchers, video
// frames are searched by the matchers (which hold the bank videos' frames
// under their records) and a video matches as through the embedded index:
// the same matches, q% and c%, in the same order; a photo query equal to a
// video's frame matches no photo either way; with the matchers stopped,
// the video query fails (it is theirs to answer).
func TestMatchersAnswerVideosAsTheEmbeddedIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		db := open(t, -1)
		r := rand.New(rand.NewPCG(21, 22))
		dir := t.TempDir()
		lists := filepath.Join(dir, "lists")
		os.Mkdir(lists, 0o755)
		var bank [][]video.Frame
		for i := range 40 {
			v := walkFrames(r, 20+r.IntN(20), 30)
			bank = append(bank, v)
			var b strings.Builder
			for _, f := range v {
				b.WriteString(video.FormatLine(f) + "\n")
			}
			if err := os.WriteFile(filepath.Join(lists, fmt.Sprintf("v%02d.txt", i)), []byte(b.String()), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		var queries [][]video.Frame
		for i := range 12 {
			v := bank[i]
			switch i % 3 {
			case 0: // a changed copy
				queries = append(queries, flip(r, v, 12))
			case 1: // its first half
				queries = append(queries, flip(r, v[:len(v)/2], 6))
			default: // new material
				queries = append(queries, walkFrames(r, 25, 30))
			}
		}
		local := investigation.New(db, "alex")
		if _, err := local.ImportBank(ctx, lists, investigation.BankImportOptions{Name: "videos", Kind: "known", Category: "cat", Format: "vpdq"}); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 2)
		for i, parts := range [][]int{{0, 1, 2}, {3, 4}} {
			ready := make(chan struct{})
			go func() {
				done <- local.ServeMatcher(ctx, investigation.MatcherConfig{Name: fmt.Sprint("m", i), Of: 5, Partitions: parts, Secret: "k",
					Poll: 100 * time.Millisecond, Ready: func(string) { close(ready) }})
			}()
			select {
			case <-ready:
			case err := <-done:
				t.Fatal(err)
			}
		}
		remote := investigation.New(db, "alex", investigation.WithMatchers("k"))
		answers := func(s *investigation.Service) ([][]investigation.Match, []investigation.Match) {
			m, err := s.Matcher(ctx, investigation.MatchOptions{})
			if err != nil {
				t.Fatal(err)
			}
			out := make([][]investigation.Match, len(queries))
			for i, q := range queries {
				if out[i], err = m.MatchVideo(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			photo, err := m.MatchPDQ(ctx, bank[0][0].PDQ, 100, nil)
			if err != nil {
				t.Fatal(err)
			}
			return out, photo
		}
		want, wantPhoto := answers(local)
		got, gotPhoto := answers(remote)
		n := 0
		for i, ms := range want {
			n += len(ms)
			if i%3 != 2 && (len(ms) == 0 || ms[0].Kind != "vpdq" || *ms[0].QueryMatchPercent < 80) {
				t.Fatalf("query %d, a copy of video %d: embedded %+v", i, i, ms)
			}
		}
		if n < 8 {
			t.Fatalf("only %d video matches in the fixture", n)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("through the matchers:\n%s\nembedded:\n%s", videoMatches(got), videoMatches(want))
		}
		if len(wantPhoto) != 0 || len(gotPhoto) != 0 {
			t.Fatalf("a video's frame as a photo query: embedded %+v, matchers %+v", wantPhoto, gotPhoto)
		}
		rm, err := remote.Matcher(ctx, investigation.MatchOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cancel()
		for range 2 {
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		// With the matchers gone a video cannot be matched: it was their
		// answer, not a video index in this process.
		if ms, err := rm.MatchVideo(context.Background(), queries[0]); err == nil {
			t.Fatalf("no matcher left, yet %+v", ms)
		}
	})
}

// videoMatches prints each query's matches as record q% c%.
func videoMatches(mss [][]investigation.Match) string {
	var b strings.Builder
	for i, ms := range mss {
		fmt.Fprintf(&b, "query %d:", i)
		for _, m := range ms {
			fmt.Fprintf(&b, " %s/%d %.1f %.1f", m.Bank, m.Record, *m.QueryMatchPercent, *m.ComparedMatchPercent)
		}
		b.WriteString("\n")
	}
	return b.String()
}
