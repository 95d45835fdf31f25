package detect

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"testing/fstest"

	"github.com/vibora-project/vibora/internal/chatexport"
)

// The fixtures belong to the parser packages; this package reads them
// through the parent directory.
var fixtures = os.DirFS("..")

func TestParse(t *testing.T) {
	tests := []struct {
		path     string
		format   string
		messages int64
	}{
		{"telegram/testdata/ChatExport_2024-01-20/result.json", "telegram", 21},
		{"telegram/testdata/ChatExport_2024-01-20", "telegram", 21},
		{"telegram/testdata/DataExport_2024-01-20", "telegram", 8},
		{"telegram/testdata/edge_cases/result_invalid_x_escape.json", "telegram", 1},
		{"whatsapp/testdata/android_en_US/WhatsApp Chat with Example Trading Group.txt", "whatsapp", 21},
		{"whatsapp/testdata/android_en_US", "whatsapp", 21},
		{"whatsapp/testdata/ios_en_GB/WhatsApp Chat - Example Trading Group.zip", "whatsapp", 18},
		{"whatsapp/testdata/ios_en_GB/WhatsApp Chat - Example Trading Group", "whatsapp", 18},
		{"whatsapp/testdata/ios_en_GB", "whatsapp", 18}, // the folder holds the zip
		{"discord/testdata/Example Guild - General - trading [100000000000000010].json", "discord", 3},
		{"discord/testdata", "discord", 3},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			var c chatexport.Collector
			st, err := Parse(context.Background(), fixtures, tc.path, &c)
			if err != nil {
				t.Fatal(err)
			}
			if st.Format != tc.format || st.Messages != tc.messages || int64(len(c.Messages)) != tc.messages {
				t.Errorf("format %q messages %d (%d collected), want %q %d", st.Format, st.Messages, len(c.Messages), tc.format, tc.messages)
			}
		})
	}
}

func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDetectByContent(t *testing.T) {
	wa := "[15/01/2024, 09:00:00] Alex: hi\r\n"
	fsys := fstest.MapFS{
		"renamed.json":     {Data: []byte("1/15/24, 9:00 AM - Alex: hi\n")},
		"export.txt":       {Data: []byte(`{"name":"x","type":"personal_chat","id":1,"messages":[{"id":1,"type":"message","date":"2024-01-01T00:00:00","text":"t"}]}`)},
		"dce.dat":          {Data: []byte(`{"guild":{"id":"1"},"channel":{"id":"2"},"messages":[]}`)},
		"photo.jpg":        {Data: []byte("\xff\xd8\xff\xe0 not a chat")},
		"other.zip":        {Data: zipOf(t, map[string]string{"readme.md": "nothing"})},
		"chat.zip":         {Data: zipOf(t, map[string]string{"WhatsApp Chat - X/_chat.txt": wa})},
		"plain.txt":        {Data: []byte("meeting notes 1/2/24 10:00\n")},
		"empty/readme.txt": {Data: []byte("nothing here")},
	}
	want := map[string]Kind{"renamed.json": WhatsAppTxt, "export.txt": Telegram, "dce.dat": Discord, "photo.jpg": Unknown,
		"other.zip": Unknown, "chat.zip": WhatsAppZip, "plain.txt": Unknown}
	for name, k := range want {
		got, err := DetectFile(fsys, name)
		if err != nil || got != k {
			t.Errorf("DetectFile(%s) = %q, %v; want %q", name, got, err, k)
		}
	}
	var c chatexport.Collector
	if _, err := Parse(context.Background(), fsys, "photo.jpg", &c); !errors.Is(err, chatexport.ErrUnknownFormat) {
		t.Errorf("photo: err = %v", err)
	}
	if _, err := Parse(context.Background(), fsys, "empty", &c); !errors.Is(err, chatexport.ErrUnknownFormat) {
		t.Errorf("empty dir: err = %v", err)
	}
	st, err := Parse(context.Background(), fsys, "chat.zip", &c)
	if err != nil || st.Messages != 1 || c.Conversations[len(c.Conversations)-1].Archive != "chat.zip" {
		t.Errorf("zip: %+v, %v", st, err)
	}
}
