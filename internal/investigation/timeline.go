package investigation

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/stealerlog"
	"github.com/vibora-project/vibora/internal/store"
)

// Timeline event kinds.
const (
	EventMessage    = "message"     // one message of a person (person timelines)
	EventMessageDay = "message_day" // a day's messages in one chat, counted (case timelines)
	EventMembership = "membership"  // a join, leave, add, removal, creation...
	EventFileDay    = "file_day"    // a day's files of one status by modification time, counted
	EventStealerLog = "stealer_log" // a stealer log's date, or the install date it records
)

// Timeline sizes: the default and largest number of events returned.
const (
	DefaultTimelineEvents = 2000
	MaxTimelineEvents     = 20000
)

// TimelineEvent is one dated fact. Label and Detail are evidence text.
type TimelineEvent struct {
	At     string `json:"at"`   // RFC 3339 UTC, or YYYY-MM-DD for a day's count
	Kind   string `json:"kind"` // EventMessage, EventMessageDay, ...
	Label  string `json:"label"`
	Detail string `json:"detail,omitempty"`
	Count  int64  `json:"count,omitempty"` // for day counts
}

// Timeline is the dated evidence of a case or of one person, in time
// order. A timeline with more events than asked for keeps the first:
// Truncated says so, and Next is the time to ask From for the rest.
type Timeline struct {
	Case      string          `json:"case"`
	Person    string          `json:"person,omitempty"`
	Events    []TimelineEvent `json:"events"`
	Truncated bool            `json:"truncated"`
	Next      string          `json:"next,omitempty"`
}

// TimelineOptions choose a person (empty: the whole case), a window of
// time (From inclusive, To exclusive, RFC 3339 or a prefix such as a day;
// empty: open) and a cap on the events.
type TimelineOptions struct {
	Person   string // a person ID from Suspects (P12, L3)
	From, To string
	Limit    int // 0: DefaultTimelineEvents; at most MaxTimelineEvents
}

// CaseTimeline builds the timeline of a case or of one of its people for
// the UI. A case's timeline counts messages and files per day (it never
// loads a whole chat or file table); a person's lists their messages one
// by one, with a short excerpt, and is audited as a read of the person
// (person.timeline.read).
func (s *Service) CaseTimeline(ctx context.Context, caseName string, opt TimelineOptions) (Timeline, error) {
	switch {
	case opt.Limit == 0:
		opt.Limit = DefaultTimelineEvents
	case opt.Limit < 0 || opt.Limit > MaxTimelineEvents:
		return Timeline{}, fmt.Errorf("timeline of %d events: want 1..%d: %w", opt.Limit, MaxTimelineEvents, ErrInvalid)
	}
	if opt.To != "" && opt.From >= opt.To {
		return Timeline{}, fmt.Errorf("timeline from %q to %q: an empty window: %w", opt.From, opt.To, ErrInvalid)
	}
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return Timeline{}, err
	}
	tl := Timeline{Case: c.Name, Person: opt.Person}
	var events []TimelineEvent
	if opt.Person == "" {
		events, err = s.caseEvents(ctx, c, opt)
	} else {
		events, err = s.personEvents(ctx, c, opt)
	}
	if err != nil {
		return Timeline{}, err
	}
	inWindow := func(at string) bool { return at >= opt.From && (opt.To == "" || at < opt.To) }
	events = slices.DeleteFunc(events, func(e TimelineEvent) bool { return e.At == "" || !inWindow(e.At) })
	slices.SortStableFunc(events, func(a, b TimelineEvent) int { return strings.Compare(a.At, b.At) })
	if len(events) > opt.Limit {
		tl.Truncated, tl.Next = true, events[opt.Limit].At
		events = events[:opt.Limit]
	}
	tl.Events = orEmpty(events)
	return tl, nil
}

// caseEvents are the day counts of messages and files, membership events
// and stealer-log dates of a case.
func (s *Service) caseEvents(ctx context.Context, c store.Case, opt TimelineOptions) ([]TimelineEvent, error) {
	var out []TimelineEvent
	convs, err := s.db.Conversations(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("timeline of case %s: %w", c.Name, err)
	}
	chatName := map[int64]string{}
	for _, cv := range convs {
		chatName[cv.ID] = cv.Platform + ": " + cv.Name
		days, err := s.db.Timeline(ctx, cv.ID)
		if err != nil {
			return nil, fmt.Errorf("timeline of chat %s: %w", cv.Name, err)
		}
		for _, d := range days {
			out = append(out, TimelineEvent{At: d.Day, Kind: EventMessageDay, Count: d.Messages,
				Label:  fmt.Sprintf("%d message(s) in %s", d.Messages, chatName[cv.ID]),
				Detail: fmt.Sprintf("%d sender(s)", d.Senders)})
		}
	}
	events, err := s.db.Events(ctx, c.ID, 0)
	if err != nil {
		return nil, fmt.Errorf("timeline of case %s: %w", c.Name, err)
	}
	for _, e := range events {
		out = append(out, membershipEvent(e, chatName[e.ConversationID]))
	}
	files, err := s.db.FileDays(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("timeline of case %s: %w", c.Name, err)
	}
	for _, d := range files {
		out = append(out, TimelineEvent{At: d.Day, Kind: EventFileDay, Count: d.Files,
			Label: fmt.Sprintf("%d %s file(s) last modified", d.Files, d.Status)})
	}
	leads, err := s.db.Leads(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("timeline of case %s: %w", c.Name, err)
	}
	for _, l := range leads {
		out = append(out, leadEvents(l)...)
	}
	return out, nil
}

// personEvents are the messages, membership events and stealer-log
// dates of one person of the case.
func (s *Service) personEvents(ctx context.Context, c store.Case, opt TimelineOptions) ([]TimelineEvent, error) {
	people, pg, err := s.peopleOf(ctx, c)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(people, func(p Person) bool { return strings.EqualFold(p.ID, opt.Person) })
	if i < 0 {
		return nil, fmt.Errorf("no person %q in case %s: %w", opt.Person, c.Name, ErrNotFound)
	}
	p := people[i]
	if err := s.auditRead(ctx, "person.timeline.read", "case:"+c.Name+"/person:"+p.ID, map[string]any{"from": opt.From, "to": opt.To}); err != nil {
		return nil, fmt.Errorf("audit the read of person %s: %w", p.ID, err)
	}
	ev := pg.ev
	chatName := map[int64]string{}
	var out []TimelineEvent
	for _, pid := range p.participants {
		a := ev.actBy[pid]
		chatName[a.ConversationID] = a.Platform + ": " + a.Conversation
		for _, e := range ev.eventsBy[pid] {
			out = append(out, membershipEvent(e, chatName[a.ConversationID]))
		}
	}
	// One more than the cap tells the caller there is more.
	msgs, err := s.db.MessagesBySenders(ctx, c.ID, p.participants, opt.From, opt.To, opt.Limit+1)
	if err != nil {
		return nil, fmt.Errorf("timeline of person %s: %w", p.ID, err)
	}
	for _, m := range msgs {
		label := fmt.Sprintf("%s in %s", cmp.Or(m.Sender, "(unknown sender)"), chatName[m.ConversationID])
		if m.Service {
			label += ": " + m.Action
		}
		out = append(out, TimelineEvent{At: m.AtUTC, Kind: EventMessage, Label: label, Detail: excerpt(identifier.MaskCards(m.Text), 160)})
	}
	for _, lid := range p.leads {
		out = append(out, leadEvents(ev.leadBy[lid])...)
	}
	return out, nil
}

// membershipEvent dates a membership event.
func membershipEvent(e store.EventView, chat string) TimelineEvent {
	label := e.Kind
	if e.Actor != "" {
		label += " by " + e.Actor
	}
	if e.Target != "" && e.Target != e.Actor {
		label += " of " + e.Target
	}
	return TimelineEvent{At: e.At, Kind: EventMembership, Label: label + " in " + chat, Detail: e.Detail}
}

// leadEvents dates a stealer log: the log's own date and the install date
// of the system it describes, when the log records them.
func leadEvents(l store.Lead) []TimelineEvent {
	var pr stealerlog.Profile
	if err := json.Unmarshal([]byte(l.Profile), &pr); err != nil {
		return nil // a lead without a readable profile has no dates to show
	}
	var out []TimelineEvent
	who := cmp.Or(strings.Trim(l.Machine+"/"+l.OSUser, "/"), "unknown machine")
	if !pr.System.LogTime.IsZero() {
		out = append(out, TimelineEvent{At: pr.System.LogTime.UTC().Format(time.RFC3339), Kind: EventStealerLog,
			Label: fmt.Sprintf("stealer log %s taken (%s)", l.LogID, who), Detail: fmt.Sprintf("family %s, %d watched site(s)", l.Family, l.WatchedSites)})
	}
	if t, ok := parseInstallDate(pr.System.InstallDate); ok {
		out = append(out, TimelineEvent{At: t, Kind: EventStealerLog,
			Label: fmt.Sprintf("system of stealer log %s installed (%s)", l.LogID, who), Detail: "install date as the log records it: " + pr.System.InstallDate})
	}
	return out
}

// parseInstallDate reads the install dates stealer logs write.
func parseInstallDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05", "02.01.2006 15:04:05", "01/02/2006 15:04:05", "1/2/2006 3:04:05 PM", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC().Format(time.RFC3339), true
		}
	}
	return "", false
}

// excerpt is the start of a message, at most n runes, marked when cut.
func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
