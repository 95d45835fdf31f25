package storetest

import (
	"context"
	"reflect"
	"testing"

	"github.com/vibora-project/vibora/internal/store"
)

// testVideos: a video file's facts and frame hashes are stored with the
// file and read back exactly; a file that is no video has none; a file
// skipped as already stored does not store its video twice.
func testVideos(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "c")
	e := mustExhibit(t, db, c.ID, "E1")
	v := &store.FileVideo{Format: "mov,mp4,m4a,3gp,3g2,mj2", Codec: "h264", Width: 1280, Height: 720, FPS: 29.97002997002997, Duration: 4.331,
		SecondsPerHash: 1, FrameMod: 29, Frames: []store.VideoFrame{
			{Frame: 0, Quality: 100, PDQ: "dadb999c25266273529cadac89cb52c22324ad3bce99726c38668d93c799f07c", Timestamp: 0},
			{Frame: 29, Quality: 0, PDQ: "0000000000000000000000000000000000000000000000000000000000000000", Timestamp: 0.967},
		}}
	files := []*store.File{
		{ExhibitID: e.ID, Path: "v.mp4", MediaType: "video/mp4", PDQQuality: -1, Status: "unknown", Root: "/r", Member: "v.mp4", Video: v},
		{ExhibitID: e.ID, Path: "a.txt", PDQQuality: -1, Status: "unknown", Root: "/r", Member: "a.txt"},
	}
	for round := 0; round < 2; round++ {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.InsertFiles(ctx, files, nil)
			return err
		})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if round == 0 {
			for _, f := range files {
				if f.ID == 0 {
					t.Fatal("not inserted")
				}
			}
			ids := []int64{files[0].ID, files[1].ID}
			files[0] = &store.File{ExhibitID: e.ID, Path: "v.mp4", MediaType: "video/mp4", PDQQuality: -1, Status: "unknown", Root: "/r", Member: "v.mp4", Video: v}
			files[1] = &store.File{ExhibitID: e.ID, Path: "a.txt", PDQQuality: -1, Status: "unknown", Root: "/r", Member: "a.txt"}
			got, err := db.FileVideos(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !reflect.DeepEqual(got[ids[0]], v) {
				t.Fatalf("videos %+v, want %+v", got[ids[0]], v)
			}
		}
	}
	if got, err := db.FileVideos(ctx, nil); err != nil || len(got) != 0 {
		t.Fatalf("no files: %v %v", got, err)
	}
}

func testCaseVideos(t *testing.T, db *store.DB) {
	ctx := context.Background()
	c := mustCase(t, db, "c")
	other := mustCase(t, db, "other")
	e := mustExhibit(t, db, c.ID, "E1")
	v := &store.FileVideo{Codec: "vp9", Width: 64, Height: 48, FPS: 25, FrameMod: 25, Frames: []store.VideoFrame{{Frame: 0, Quality: 80, PDQ: "00", Timestamp: 0}}}
	f := &store.File{ExhibitID: e.ID, Path: "v.webm", MediaType: "video/webm", PDQQuality: -1, Status: "unknown", Root: "/r", Member: "v.webm", Video: v}
	if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.InsertFiles(ctx, []*store.File{f}, nil); return err }); err != nil {
		t.Fatal(err)
	}
	got, err := db.CaseVideos(ctx, c.ID)
	if err != nil || len(got) != 1 || got[f.ID].Codec != "vp9" || got[f.ID].Frames != nil {
		t.Fatalf("case videos %+v %v", got, err)
	}
	if got, err := db.CaseVideos(ctx, other.ID); err != nil || len(got) != 0 {
		t.Fatalf("other case: %+v %v", got, err)
	}
}
