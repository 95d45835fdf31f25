package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

func newChatCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "chat", Short: "Import and analyse chat exports (Telegram, WhatsApp, Discord)"}
	cmd.AddCommand(newChatImportCmd(g), newChatListCmd(g), newChatShowCmd(g))
	return cmd
}

func newChatImportCmd(g *globals) *cobra.Command {
	var caseName string
	var opt investigation.ChatImportOptions
	cmd := &cobra.Command{
		Use:   "import --case C [--exhibit E] [--json] PATH",
		Short: "Import a chat export: a Telegram result.json or folder, a WhatsApp .txt or .zip, a DiscordChatExporter JSON",
		Long: `Import a chat export. The format is detected from the content. The
export's files (attachments included) go through the evidence pipeline
(hashed, matched against the banks, clustered) and are linked to their
message and sender. Identifiers in profiles and message text are linked to
participants. Importing the same export twice changes nothing.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			rep, err := s.ImportChat(ctx, caseName, args[0], opt)
			if err != nil {
				return classify(err, "create the case first: vibora case create NAME")
			}
			if g.json {
				if err := newJSONLines(g.streams.Out).Write(rep); err != nil {
					return err
				}
				return chatIncomplete(rep)
			}
			w := g.streams.Out
			newLines(w).Printf("imported %s export into %s/%s: %d conversation(s) new, %d messages (%d new), %d participants, %d membership events\n",
				rep.Format, rep.Case, rep.Exhibit, rep.Conversations, rep.Messages, rep.NewMessages, rep.Participants, rep.Events)
			newLines(w).Printf("attachments: %d referenced, %d present, %d linked to ingested files; %d identifier links\n", rep.Attachments, rep.Present, rep.Linked, rep.Identifiers)
			newLines(w).Printf("lines: %d service, %d skipped, %d header-like kept as text; %d warning(s)", rep.Service, rep.Skipped, rep.HeadersAsText, len(rep.Warnings))
			if rep.Locale != "" {
				newLines(w).Printf("; locale %s", rep.Locale)
			}
			newLines(w).Println()
			newLines(w).Printf("files: %d stored (%d matched, %d unknown, %d ignorable, %d errors)\n", rep.Files.Files,
				rep.Files.ByStatus["matched"], rep.Files.ByStatus["unknown"], rep.Files.ByStatus["ignorable"], rep.Files.ByStatus["error"])
			const shown = 20
			for i, wn := range rep.Warnings {
				if i == shown {
					newLines(g.streams.Err).Printf("vibora: ... %d more warning(s) (--json lists up to 1000)\n", len(rep.Warnings)-shown)
					break
				}
				newLines(g.streams.Err).Printf("vibora: warning: %s\n", wn.String())
			}
			return chatIncomplete(rep)
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	cmd.Flags().StringVar(&opt.Exhibit, "exhibit", "", "exhibit label (default CHAT-<export name>)")
	cmd.Flags().StringVar(&opt.Region, "region", "", "default region for phone numbers without a country code (ISO 3166 alpha-2)")
	return cmd
}

func newChatListCmd(g *globals) *cobra.Command {
	var caseName string
	cmd := &cobra.Command{
		Use:   "list --case C [--json]",
		Short: "List a case's conversations",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			convs, err := s.Conversations(ctx, caseName)
			if err != nil {
				return classify(err, "'vibora case list' shows the existing cases")
			}
			if g.json {
				return writeAll(g.streams.Out, convs)
			}
			t := newTable(g.streams.Out, "ID", "PLATFORM", "NAME", "TYPE", "MESSAGES", "SERVICE", "PARTICIPANTS", "ATTACHMENTS", "FIRST", "LAST")
			for _, cv := range convs {
				t.Row(cv.ExtID, cv.Platform, cv.Name, cv.Type, cv.Messages, cv.ServiceMessages, cv.Participants,
					fmt.Sprintf("%d (%d present)", cv.Attachments, cv.AttachmentsPresent), day(cv.First), day(cv.Last))
			}
			return t.Flush()
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	return cmd
}

func day(ts string) string { return ts[:min(10, len(ts))] }

func newChatShowCmd(g *globals) *cobra.Command {
	var caseName string
	cmd := &cobra.Command{
		Use:   "show --case C CONVERSATION",
		Short: "Show a conversation: roster with activity, membership events, activity per day",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			v, err := s.ConversationView(ctx, caseName, args[0])
			if err != nil {
				return classify(err, "'vibora chat list --case "+caseName+"' shows the conversations")
			}
			if g.json {
				v.Roster, v.Events, v.Timeline = nonNil(v.Roster), nonNil(v.Events), nonNil(v.Timeline)
				return newJSONLines(g.streams.Out).Write(v)
			}
			w := g.streams.Out
			cv := v.Conversation
			newLines(w).Printf("%s %s %q (%s): %d messages, %d service messages, %d participants, %s to %s\n",
				cv.Platform, cv.ExtID, cv.Name, cv.Type, cv.Messages, cv.ServiceMessages, cv.Participants, day(cv.First), day(cv.Last))
			section(w, "Roster")
			t := newTable(w, "PARTICIPANT", "ID", "ROLE", "MESSAGES", "MEDIA", "KNOWN", "NEW", "FORWARDS", "FIRST", "LAST")
			for _, p := range v.Roster {
				t.Row(p.DisplayName, p.ExtID, p.Role, p.Messages, p.Attachments, p.Known, p.New, p.Forwards, day(p.First), day(p.Last))
			}
			t.Flush()
			section(w, "Membership")
			t = newTable(w, "WHEN", "EVENT", "ACTOR", "TARGET", "DETAIL")
			for _, e := range v.Events {
				t.Row(e.At, e.Kind, e.Actor, e.Target, e.Detail)
			}
			t.Flush()
			section(w, "Activity per day")
			t = newTable(w, "DAY", "MESSAGES", "SENDERS", "")
			for _, d := range v.Timeline {
				t.Row(d.Day, d.Messages, d.Senders, strings.Repeat("#", int(min(d.Messages, 60))))
			}
			return t.Flush()
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "case name (required)")
	cmd.MarkFlagRequired("case")
	return cmd
}

// chatIncomplete turns an import that may have lost records into exit
// status 1 (docs/chat-formats.md): everything readable is stored, but the
// user must look at the warnings.
func chatIncomplete(rep investigation.ChatImportReport) error {
	if rep.Complete {
		return nil
	}
	return failureError{fmt.Sprintf("chat import incomplete: %d record(s) skipped, %d header-like line(s) kept as message text; see the warnings", rep.Skipped, rep.HeadersAsText)}
}
