package investigation

import (
	"context"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// ConversationView is one conversation's roster, membership and timeline.
type ConversationView struct {
	Conversation store.ConversationStats     `json:"conversation"`
	Roster       []store.ParticipantActivity `json:"roster"`
	Events       []store.EventView           `json:"events"`
	Timeline     []store.DayCount            `json:"timeline"`
}

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
	all, err := s.db.Conversations(ctx, c.ID)
	if err != nil {
		return v, err
	}
	for _, x := range all {
		if x.ID == cv.ID {
			v.Conversation = x
		}
	}
	if v.Roster, err = s.db.Activity(ctx, c.ID, cv.ID); err != nil {
		return v, err
	}
	if v.Events, err = s.db.Events(ctx, c.ID, cv.ID); err != nil {
		return v, err
	}
	v.Timeline, err = s.db.Timeline(ctx, cv.ID)
	return v, err
}
