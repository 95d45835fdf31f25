package vpdq

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/video"
)

const sample = "../../../../shared/testdata/vpdq/chair-22-sd-grey-bar.txt"

func readSample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.FromSlash(sample))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	return b
}

// TestRoundTrip: the reference sample reads, writes back byte for byte in
// the text form, and survives the compact form (frames renumbered by
// position, which the sample's every-frame numbering already is).
func TestRoundTrip(t *testing.T) {
	data := readSample(t)
	if form, ok := Detect(data[:200]); !ok || form != FormText {
		t.Fatalf("detect %q %v", form, ok)
	}
	frames, form, err := Read(bytes.NewReader(data))
	if err != nil || form != FormText || len(frames) != 673 {
		t.Fatalf("read: %v %s %d", err, form, len(frames))
	}
	var text bytes.Buffer
	if err := WriteText(&text, frames); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(text.Bytes(), data) {
		t.Fatal("text form does not write back byte for byte")
	}
	var compact bytes.Buffer
	if err := WriteCompact(&compact, frames); err != nil {
		t.Fatal(err)
	}
	if form, ok := Detect(compact.Bytes()[:200]); !ok || form != FormCompact {
		t.Fatalf("detect compact %q %v", form, ok)
	}
	again, form, err := Read(&compact)
	if err != nil || form != FormCompact || len(again) != len(frames) {
		t.Fatalf("compact: %v %s %d", err, form, len(again))
	}
	for i := range frames {
		if again[i] != frames[i] {
			t.Fatalf("frame %d: %+v vs %+v", i, again[i], frames[i])
		}
	}
}

func TestDetectAndErrors(t *testing.T) {
	for _, s := range []string{"md5,sha1\n", "[1,2,3]", `{"a":1}`, "0,100,abc,0.0\n", ""} {
		if _, ok := Detect([]byte(s)); ok {
			t.Errorf("%q detected as vpdq", s)
		}
	}
	for _, s := range []string{
		`["e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,100"]`,
		`["e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,100,-1"]`,
		`["zz,100,0.0"]`,
		`[1]`,
		"0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000\nnot a line\n",
	} {
		if _, _, err := Read(strings.NewReader(s)); err == nil {
			t.Errorf("%.50q: no error", s)
		}
	}
	_, _, err := Read(strings.NewReader("0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000\nx\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("error %v does not name line 2", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000\n"))
	f.Add([]byte(`["e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,100,0.033"]`))
	f.Add([]byte("[\"\"]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		frames, form, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var b bytes.Buffer
		write := WriteText
		if form == FormCompact {
			write = WriteCompact
		}
		if err := write(&b, frames); err != nil {
			t.Fatal(err)
		}
		again, form2, err := Read(&b)
		if err != nil || form2 != form || len(again) != len(frames) {
			t.Fatalf("round trip: %v %s %d/%d", err, form2, len(again), len(frames))
		}
		for i := range frames {
			if video.FormatLine(again[i]) != video.FormatLine(frames[i]) {
				t.Fatalf("frame %d: %s vs %s", i, video.FormatLine(again[i]), video.FormatLine(frames[i]))
			}
		}
	})
}
