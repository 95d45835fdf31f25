package detect

import (
	"context"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/chatexport"
)

// TestMinimalExports: exports written by other tools (no message ids, no
// chat type) import what they can with warnings, and a skipped message
// makes the parse incomplete; DiscordChatExporter-frontend threads and _threads
// folders are found when the folder is imported.
func TestMinimalExports(t *testing.T) {
	tests := []struct {
		path       string
		format     string
		messages   int
		convs      int
		skipped    int64
		noID       int
		threads    int
		incomplete bool
	}{
		{"telegram/testdata/minimal/result.json", "telegram", 4, 1, 1, 2, 0, true},
		{"telegram/testdata/minimal", "telegram", 4, 1, 1, 2, 0, true},
		{"discord/testdata/dce_frontend", "discord", 4, 3, 0, 1, 2, false},
		// the layout DiscordChatExporter-frontend's thread helper writes:
		// threads exported to "threads" next to the channel exports
		{"discord/testdata/dce_threads", "discord", 3, 2, 0, 1, 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			var c chatexport.Collector
			st, err := Parse(context.Background(), fixtures, tc.path, &c)
			if err != nil {
				t.Fatal(err)
			}
			noID, threads := 0, 0
			for _, m := range c.Messages {
				if strings.HasPrefix(m.ID, "offset-") {
					noID++
				}
			}
			for _, cv := range c.Conversations {
				if cv.Type == chatexport.TypeThread {
					threads++
				}
			}
			if st.Format != tc.format || len(c.Messages) != tc.messages || len(c.Conversations) != tc.convs || st.Skipped != tc.skipped ||
				noID != tc.noID || threads != tc.threads || st.Incomplete() != tc.incomplete {
				t.Errorf("format %s, %d messages, %d conversations, %d skipped, %d without id, %d threads, incomplete %v; warnings %v",
					st.Format, len(c.Messages), len(c.Conversations), st.Skipped, noID, threads, st.Incomplete(), st.Warnings)
			}
			if len(st.Warnings) == 0 {
				t.Error("no warnings")
			}
		})
	}
	// the service message without type or id still yields its event
	var c chatexport.Collector
	if _, err := Parse(context.Background(), fixtures, "telegram/testdata/minimal/result.json", &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Events) != 1 || c.Events[0].Kind != chatexport.EventAdd || !c.Messages[2].Service {
		t.Errorf("events %+v", c.Events)
	}
	if c.Conversations[0].ID != "name:Minimal Group" {
		t.Errorf("conversation id %q", c.Conversations[0].ID)
	}
}
