package investigation

import (
	"context"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// ConversationView is one conversation's roster, membership and timeline.
type ConversationView struct {
	Conversation Conversation          `json:"conversation"`
	Roster       []ParticipantActivity `json:"roster"`
	Events       []MembershipEvent     `json:"events"`
	Timeline     []DayCount            `json:"timeline"`
}

// ParticipantActivity is a participant of a conversation and what they did.
type ParticipantActivity struct {
	ExtID        string `json:"platform_id"`
	DisplayName  string `json:"name"`
	Names        string `json:"names,omitempty"` // every name seen, newline-separated
	Phone        string `json:"phone,omitempty"`
	Username     string `json:"username,omitempty"`
	Role         string `json:"role,omitempty"`
	Conversation string `json:"conversation"`
	Platform     string `json:"platform"`
	Messages     int64  `json:"messages"`
	Forwards     int64  `json:"forwards"`
	First        string `json:"first_activity,omitempty"`
	Last         string `json:"last_activity,omitempty"`
	Attachments  int64  `json:"attachments"`
	Known        int64  `json:"known_shared"` // attachments matched in a known/watch/custom bank
	New          int64  `json:"new_shared"`   // attachments that are unknown images
}

func participantActivityView(p store.ParticipantActivity) ParticipantActivity {
	return ParticipantActivity{ExtID: p.ExtID, DisplayName: p.DisplayName, Names: p.Names, Phone: p.Phone, Username: p.Username, Role: p.Role,
		Conversation: p.Conversation, Platform: p.Platform, Messages: p.Messages, Forwards: p.Forwards, First: p.First, Last: p.Last,
		Attachments: p.Attachments, Known: p.Known, New: p.New}
}

// MembershipEvent is a join, departure, addition, removal or role change.
type MembershipEvent struct {
	Message string `json:"message"`
	At      string `json:"at"`
	Kind    string `json:"kind"`
	Actor   string `json:"actor,omitempty"`
	Target  string `json:"target,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

func membershipEventView(e store.EventView) MembershipEvent {
	return MembershipEvent{Message: e.Message, At: e.At, Kind: e.Kind, Actor: e.Actor, Target: e.Target, Detail: e.Detail}
}

// DayCount is one day of a conversation's activity.
type DayCount struct {
	Day      string `json:"day"`
	Messages int64  `json:"messages"`
	Senders  int64  `json:"senders"`
}

func dayCountView(d store.DayCount) DayCount { return DayCount(d) }

// ConversationView describes a conversation of a case, found by platform
// id or name.
func (s *Service) ConversationView(ctx context.Context, caseName, ref string) (ConversationView, error) {
	var v ConversationView
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return v, err
	}
	cv, err := s.db.ConversationByExtID(ctx, c.ID, ref)
	if err != nil {
		return v, err
	}
	stats, err := s.db.ConversationStats(ctx, c.ID, cv.ID)
	if err != nil {
		return v, err
	}
	v.Conversation = conversationView(stats)
	roster, err := s.db.Activity(ctx, c.ID, cv.ID)
	if err != nil {
		return v, err
	}
	events, err := s.db.Events(ctx, c.ID, cv.ID)
	if err != nil {
		return v, err
	}
	timeline, err := s.db.Timeline(ctx, cv.ID)
	if err != nil {
		return v, err
	}
	v.Roster, v.Events, v.Timeline = views(roster, participantActivityView), views(events, membershipEventView), views(timeline, dayCountView)
	return v, nil
}

// ChatView is what opening a conversation shows next to its last page of
// messages: its counts, its members with their roles, and the joins,
// departures and role changes. Nothing in it grows with the number of
// messages but the counts, made in one pass.
type ChatView struct {
	Conversation Conversation      `json:"conversation"`
	Members      []Member          `json:"members"`
	Events       []MembershipEvent `json:"events"`
}

// Member is a participant of a conversation as the export names them.
type Member struct {
	ExtID       string   `json:"platform_id"`
	DisplayName string   `json:"name"`
	Names       []string `json:"names,omitempty"` // every name seen
	Phone       string   `json:"phone,omitempty"`
	Username    string   `json:"username,omitempty"`
	Role        string   `json:"role,omitempty"`
}

func chatMemberView(p store.Participant) Member {
	m := Member{ExtID: p.ExtID, DisplayName: p.DisplayName, Phone: p.Phone, Username: p.Username, Role: p.Role}
	if p.Names != "" {
		m.Names = strings.Split(p.Names, "\n")
	}
	return m
}

// Chat opens a conversation of a case (found by platform id or name, as
// ConversationView finds it) without its messages: ConversationMessages
// pages those.
func (s *Service) Chat(ctx context.Context, caseName, ref string) (ChatView, error) {
	var v ChatView
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return v, err
	}
	cv, err := s.db.ConversationByExtID(ctx, c.ID, ref)
	if err != nil {
		return v, err
	}
	stats, err := s.db.ConversationStats(ctx, c.ID, cv.ID)
	if err != nil {
		return v, err
	}
	members, err := s.db.Participants(ctx, c.ID, cv.ID)
	if err != nil {
		return v, err
	}
	events, err := s.db.Events(ctx, c.ID, cv.ID)
	if err != nil {
		return v, err
	}
	v.Conversation, v.Members, v.Events = conversationView(stats), views(members, chatMemberView), views(events, membershipEventView)
	return v, nil
}
