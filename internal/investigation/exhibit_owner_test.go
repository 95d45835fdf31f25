package investigation_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// TestExhibitOwner: a LoRA on a seized computer, named by an image a
// member posted, counts for nobody until the computer is attributed to
// a person; then that person holds it and rises with the reason stated,
// the producer group names them, and clearing the owner takes it back.
// Only a principal who may write the case may attribute it (a viewer is
// refused, another agency finds no case), and each change is audited.
func TestExhibitOwner(t *testing.T) {
	lora, loraV3 := safetensors(`{"ss_output_name":"paperTexture","ss_dataset_dirs":"{\"10_lighthouses\": {\"n_repeats\": 10, \"img_count\": 12}}"}`, []byte("synthetic lora weights"))
	params := "a red bicycle by a fence <lora:paperTexture:0.6>\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 5, Size: 64x64, Lora hashes: \"paperTexture: " + loraV3[:12] + "\""
	chat := writeTelegramChat(t, "Example Bike Group", 4402, []tgMessage{{"Rowan Example", "user1001", "new one"}, {"Sam Example", "user1002", "nice"}})
	writeFiles(t, chat, map[string][]byte{"photos/photo_1.png": aiPNG(t, 4, params)})
	b, err := os.ReadFile(filepath.Join(chat, "result.json"))
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte(`"text": "new one"`), []byte(`"photo": "photos/photo_1.png", "text": "new one"`), 1)
	if err := os.WriteFile(filepath.Join(chat, "result.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	pc := t.TempDir()
	writeFiles(t, pc, map[string][]byte{"models/Lora/paperTexture.safetensors": lora})

	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := investigation.New(open(t, -1), "alex", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		ctx := context.Background()
		if _, err := s.CreateCase(ctx, investigation.Case{Name: "op-bike", Agency: "NL-POL"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportChat(ctx, "op-bike", chat, investigation.ChatImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Ingest(ctx, "op-bike", investigation.IngestOptions{Exhibit: "PC-1", Paths: []string{pc}, Workers: 1}); err != nil {
			t.Fatal(err)
		}
		people, err := s.People(ctx, "op-bike")
		if err != nil {
			t.Fatal(err)
		}
		sam := personNamed(t, people, "Sam Example")
		if len(sam.AIModels) != 0 || sam.Score != 0.1 {
			t.Fatalf("Sam before: models %q, score %.1f, reasons %q", sam.AIModels, sam.Score, sam.Reasons)
		}
		prods, err := s.AIProducers(ctx, "op-bike")
		if err != nil || len(prods) != 1 || len(prods[0].Held) != 1 || prods[0].Held[0].HeldBy != "" || len(prods[0].Persons) != 0 {
			t.Fatalf("producers before: %+v %v", prods, err)
		}

		// Refused: a viewer may not, another agency finds no case, a
		// person the case does not have, an ID that is not one.
		if _, err := s.SetExhibitOwner(as(nlViewer), "op-bike", "PC-1", sam.ID); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("a viewer set the owner: %v", err)
		}
		if _, err := s.SetExhibitOwner(as(beInv), "op-bike", "PC-1", sam.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another agency: %v, want not found", err)
		}
		for _, bad := range []string{"P99999", "X1", "P01", "P", "Sam Example"} {
			if _, err := s.SetExhibitOwner(ctx, "op-bike", "PC-1", bad); !errors.Is(err, investigation.ErrInvalid) {
				t.Errorf("owner %q: %v, want invalid", bad, err)
			}
		}
		if _, err := s.SetExhibitOwner(ctx, "op-bike", "PC-9", sam.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a missing exhibit: %v", err)
		}

		e, err := s.SetExhibitOwner(as(nlInv), "op-bike", "PC-1", strings.ToLower(sam.ID))
		if err != nil || e.Owner != sam.ID || e.Label != "PC-1" {
			t.Fatalf("set: %+v %v", e, err)
		}
		if list, err := s.Exhibits(as(nlViewer), "op-bike"); err != nil || len(list) != 2 || list[1].Owner != sam.ID || list[0].Owner != "" {
			t.Fatalf("exhibits after set: %+v %v", list, err)
		}
		people, err = s.People(ctx, "op-bike")
		if err != nil {
			t.Fatal(err)
		}
		sam = personNamed(t, people, "Sam Example")
		joined := strings.Join(sam.Reasons, "\n")
		for _, want := range []string{
			"+5.0 shared or holds 1 model/LoRA file(s) that generated images of the case name (",
			"+5.0 shared or holds 1 LoRA(s) with training metadata, evidence of the training data (",
		} {
			if !strings.Contains(joined, want) || strings.Count(joined, "/models/Lora/paperTexture.safetensors on exhibit PC-1)") != 2 {
				t.Errorf("Sam's reasons lack %q on exhibit PC-1:\n%s", want, joined)
			}
		}
		if sam.Score != 10.1 || !slices.Equal(sam.Exhibits, []string{"PC-1"}) || !slices.Equal(sam.View().Exhibits, []string{"PC-1"}) {
			t.Errorf("Sam: score %.1f, exhibits %q", sam.Score, sam.Exhibits)
		}
		if rowan := personNamed(t, people, "Rowan Example"); len(rowan.AIModels) != 0 || len(rowan.Exhibits) != 0 {
			t.Errorf("Rowan holds what Sam holds: %+v", rowan)
		}
		prods, err = s.AIProducers(ctx, "op-bike")
		if err != nil || len(prods) != 1 {
			t.Fatalf("producers after: %+v %v", prods, err)
		}
		if p := prods[0]; p.Held[0].HeldBy != sam.ID || !slices.Equal(p.Persons, []string{sam.ID}) ||
			!strings.Contains(strings.Join(p.Reasons, "\n"), "is on seized exhibit PC-1 of person "+sam.ID) {
			t.Errorf("producer: held %+v, persons %q, reasons %q", p.Held, p.Persons, p.Reasons)
		}

		if e, err := s.SetExhibitOwner(ctx, "op-bike", "PC-1", ""); err != nil || e.Owner != "" {
			t.Fatalf("clear: %+v %v", e, err)
		}
		people, _ = s.People(ctx, "op-bike")
		if sam = personNamed(t, people, "Sam Example"); len(sam.AIModels) != 0 || len(sam.Exhibits) != 0 {
			t.Errorf("Sam after clear: %+v", sam)
		}

		var actions []string
		if err := s.AuditLog(ctx, "exhibit:op-bike/PC-1", func(r audit.Record) error {
			if strings.HasPrefix(r.Action, "exhibit.") {
				actions = append(actions, r.Action+" by "+r.Actor)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		want := []string{"exhibit.add by alex", "exhibit.owner.set by Ivo", "exhibit.owner.clear by alex"}
		if !slices.Equal(actions, want) {
			t.Errorf("audit %q, want %q", actions, want)
		}
	})
}
