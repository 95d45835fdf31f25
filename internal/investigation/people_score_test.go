package investigation

import (
	"slices"
	"testing"
)

// Roles score by their typed name, not by a prefix of their sentence: a
// Discord role called "administrators" or "creator-fans" is shown, not
// scored.
func TestScoreRoles(t *testing.T) {
	p := Person{KnownSeries: map[string]int64{}, Roles: []Role{
		{RoleAdmin, "Side Group"},
		{"administrators", "Guild"},
		{RoleCreator, "Main Group"},
		{"creator-fans", "Guild"},
	}}
	p.score()
	want := []string{"+5.0 admin of Side Group", "+8.0 creator of Main Group"}
	if !slices.Equal(p.Reasons, want) || p.Score != WeightAdmin+WeightCreator {
		t.Errorf("score %.1f reasons %q, want %q", p.Score, p.Reasons, want)
	}
}
