package web_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
	"github.com/vibora-project/vibora/internal/web/webtest"
)

// TestFilePageGeneration: a generated image's page shows its generator
// metadata as escaped text, the prompt collapsed, and links the LoRA file
// on the seized machine; the LoRA's page shows its hashes and the image
// naming it. Neither page holds an image.
func TestFilePageGeneration(t *testing.T) {
	tensor := []byte("synthetic lora weights")
	header := `{"__metadata__":{"ss_output_name":"paperTexture","ss_tag_frequency":"{\"lighthouse\": 12}"},"w":{"dtype":"U8","shape":[22],"data_offsets":[0,22]}}`
	lora := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	lora = append(append(lora, header...), tensor...)
	sum := sha256.Sum256(tensor)
	v3 := hex.EncodeToString(sum[:])
	img := image.NewRGBA(image.Rect(0, 0, 64, 64))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	params := "<script>alert(1)</script> a lighthouse <lora:paperTexture:0.5>\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 4242, Size: 64x64, Lora hashes: \"paperTexture: " + v3[:12] + "\""
	data := append([]byte("parameters\x00"), params...)
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(append(c, "tEXt"...), data...)
	c = binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte("tEXt"), data...)))
	raw := buf.Bytes()
	gen := slices.Concat(raw[:33], c, raw[33:])
	ev := t.TempDir()
	if err := os.WriteFile(filepath.Join(ev, "gen.png"), gen, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ev, "paperTexture.safetensors"), lora, 0o600); err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		h := webtest.New(t, open)
		if _, err := h.Service.Ingest(h.Seed, webtest.CaseNL, investigation.IngestOptions{Exhibit: "pc-1", Paths: []string{ev}, Workers: 1}); err != nil {
			t.Fatal(err)
		}
		files, err := h.Service.AIFiles(h.Seed, webtest.CaseNL, investigation.AIFileQuery{})
		if err != nil || len(files) != 1 || len(files[0].Resources) != 1 || len(files[0].Resources[0].Files) != 1 {
			t.Fatalf("ai files %+v %v", files, err)
		}
		b := newBrowser(t, h)
		b.login(webtest.AnalystNL)
		res, body := b.get(fmt.Sprintf("/cases/%s/files/%d", webtest.CaseNL, files[0].FileID))
		if res.StatusCode != 200 {
			t.Fatalf("file page: %d", res.StatusCode)
		}
		page := between(body, "<main", "</main>")
		loraID := files[0].Resources[0].Files[0].FileID
		for _, want := range []string{"Generator metadata", "a1111", "4242", "<details", "&lt;script&gt;alert(1)&lt;/script&gt; a lighthouse",
			fmt.Sprintf(`href="/cases/%s/files/%d"`, webtest.CaseNL, loraID), "autov3 prefix"} {
			if !strings.Contains(page, want) {
				t.Errorf("image page lacks %q", want)
			}
		}
		if strings.Contains(page, "<script>") || strings.Contains(page, "<img") {
			t.Error("the image page holds markup from the prompt or an image")
		}
		res, body = b.get(fmt.Sprintf("/cases/%s/files/%d", webtest.CaseNL, loraID))
		page = between(body, "<main", "</main>")
		for _, want := range []string{"Model file", v3, "paperTexture", "1 generated image(s)", "Tag frequencies"} {
			if res.StatusCode != 200 || !strings.Contains(page, want) {
				t.Errorf("model page (%d) lacks %q", res.StatusCode, want)
			}
		}
	})
}
