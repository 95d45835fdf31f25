package whatsapp

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/chatexport"
)

// TestPublicShapes parses exports written by hand in the shapes of real
// exports published as test data (starkdmi/whats_json
// test/data/languages/*.txt: one iOS export per language with every
// placeholder, both deletion notices, the encryption notice under the
// contact's name and, for some, the security-code notice; one Russian
// Android export). The UI strings are the ones those exports show; people,
// times, file names and text are invented. Unlike testdata/locales/, these
// files are not generated from the locale tables.
func TestPublicShapes(t *testing.T) {
	entries, err := os.ReadDir("testdata/public")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 10 {
		t.Fatalf("only %d public-shape fixtures", len(entries))
	}
	wantKinds := []chatexport.AttachmentKind{chatexport.KindPhoto, chatexport.KindVideo, chatexport.KindAudio, chatexport.KindContact,
		chatexport.KindSticker, chatexport.KindFile, chatexport.KindFile, chatexport.KindAnimation}
	for _, e := range entries {
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			lang, kind, _ := strings.Cut(strings.TrimSuffix(name, ".txt"), "_")
			var c chatexport.Collector
			st, err := Parse(context.Background(), os.DirFS("testdata/public"), name, &c)
			if err != nil {
				t.Fatal(err)
			}
			if st.Locale != lang {
				t.Errorf("locale = %q, want %q", st.Locale, lang)
			}
			if len(st.Warnings) != 0 || st.Incomplete() {
				t.Errorf("warnings %v", st.Warnings)
			}
			msgs := c.Messages
			if len(msgs) == 0 || !msgs[0].Service || msgs[0].Action != "encryption_notice" {
				t.Fatalf("first message is not the encryption notice: %+v", msgs[0])
			}
			deleted := 0
			var kinds []chatexport.AttachmentKind
			var files []string
			for _, m := range msgs {
				if m.Deleted {
					deleted++
				}
				for _, a := range m.Attachments {
					kinds = append(kinds, a.Kind)
					if a.FileName != "" {
						files = append(files, a.FileName)
					}
				}
			}
			if deleted != 2 {
				t.Errorf("%d deleted messages, want 2", deleted)
			}
			if kind == "android" {
				if len(msgs) != 7 || len(kinds) != 2 || kinds[0] != chatexport.KindUnknown || kinds[1] != chatexport.KindContact || !msgs[6].ViewOnce {
					t.Errorf("%d messages, attachment kinds %v, view once %v", len(msgs), kinds, msgs[len(msgs)-1].ViewOnce)
				}
				return
			}
			if len(msgs) < 12 {
				t.Fatalf("%d messages, want at least 12; warnings %v", len(msgs), st.Warnings)
			}
			if len(kinds) != len(wantKinds) {
				t.Fatalf("attachment kinds %v, want %v", kinds, wantKinds)
			}
			for i := range wantKinds {
				if kinds[i] != wantKinds[i] {
					t.Errorf("attachment %d kind %s, want %s", i, kinds[i], wantKinds[i])
				}
			}
			if strings.Join(files, ",") != "notes.txt,report.pdf" {
				t.Errorf("document names %v", files)
			}
			if len(msgs) == 13 && msgs[12].Action != "security_code_changed" {
				t.Errorf("last message %q: action %q, want the security-code notice", msgs[12].Text, msgs[12].Action)
			}
		})
	}
}
