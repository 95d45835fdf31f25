package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testAIGeneration: a file's generator records (with their resources) and
// a model file's hashes and training claims are stored with the file and
// read back exactly, per case and across cases; a file skipped as already
// stored does not store them twice.
func testAIGeneration(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c1 := mustCase(t, db, "c1")
	c2 := mustCase(t, db, "c2")
	e1 := mustExhibit(t, db, c1.ID, "E1")
	e2 := mustExhibit(t, db, c2.ID, "E2")
	gen := []store.FileGeneration{
		{Seq: 0, Generator: "a1111", Version: "v1.10.1", Seed: "18446744073709551615", Sampler: "Euler a", Steps: "20", Width: 512, Height: 768,
			User: "lighthouse_fan", Record: `{"generator":"a1111","prompt":"a lighthouse"}`, Resources: []store.GenerationResource{
				{Kind: "checkpoint", Name: "demoModel", Hash: "0123456789", HashKind: "autov2"},
				{Kind: "lora", Name: "paperTexture", Weight: "0.5", Hash: "abcdef012345", HashKind: "autov3"},
			}},
		{Seq: 1, Generator: "iptc", SourceType: "trainedAlgorithmicMedia", AIDeclared: true, Record: `{"generator":"iptc"}`},
	}
	model := &store.FileModel{Format: "safetensors", Size: 4096, SHA256: "0123456789" + "ab" + "0000000000000000000000000000000000000000000000000000",
		AutoV1: "a1d97ade", AutoV2: "0123456789", AutoV3: "abcdef0123450000000000000000000000000000000000000000000000000000", BLAKE3: "b3", CRC32: "0d4a1185",
		Tensors: 3, OutputName: "paperTexture", Training: `{"output_name":"paperTexture"}`}
	files := func() []*store.File {
		return []*store.File{
			{ExhibitID: e1.ID, Path: "a.png", MediaType: "image/png", PDQQuality: -1, Status: "unknown", Root: "/r", Member: "a.png", Generation: gen},
			{ExhibitID: e1.ID, Path: "b.txt", PDQQuality: -1, Status: "unknown", Root: "/r", Member: "b.txt"},
		}
	}
	for round := 0; round < 2; round++ {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.InsertFiles(ctx, files(), nil); err != nil {
				return err
			}
			_, err := tx.InsertFiles(ctx, []*store.File{{ExhibitID: e2.ID, Path: "m.safetensors", PDQQuality: -1, Status: "unknown", Root: "/d", Member: "m.safetensors", Model: model}}, nil)
			return err
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
	got, err := db.GenerationFiles(ctx, c1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Path != "a.png" || got[0].Case != "c1" || got[0].Exhibit != "E1" || got[0].CaseID != c1.ID || !reflect.DeepEqual(got[0].Generation, gen) {
		t.Fatalf("generation files %+v, want a.png with %+v", got, gen)
	}
	if other, err := db.GenerationFiles(ctx, c2.ID); err != nil || len(other) != 0 {
		t.Fatalf("case c2 generation files: %+v %v", other, err)
	}
	if all, err := db.GenerationFiles(ctx, 0); err != nil || len(all) != 1 {
		t.Fatalf("every case: %+v %v", all, err)
	}
	ms, err := db.ModelFiles(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].Case != "c2" || ms[0].Path != "m.safetensors" || !reflect.DeepEqual(ms[0].Model, model) {
		t.Fatalf("model files %+v, want %+v", ms, model)
	}
	if mine, err := db.ModelFiles(ctx, c1.ID); err != nil || len(mine) != 0 {
		t.Fatalf("case c1 model files: %+v %v", mine, err)
	}
}
