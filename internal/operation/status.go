// Package operation is the model of a multi-country operation, as data: the
// status a suspect moves through from candidate to the outcome of a national
// investigation, which moves are allowed, and the operation report computed
// from the recorded moves with an as-of date.
//
// The package is pure: the investigation layer stores the moves and reads
// them back as Suspect rows; Compute turns rows into a Report.
package operation

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/identifier"
)

// ErrTransition marks a status change the table does not allow.
var ErrTransition = errors.New("status change not allowed")

// ErrInvalid marks a status change that lacks a fact it needs (a reason, a
// country, a channel, a date) or names one that is malformed.
var ErrInvalid = errors.New("invalid status change")

// Status is where a suspect stands in an operation.
type Status string

// Statuses: the main line, from identification to the outcome, then the
// side exits.
const (
	Candidate          Status = "candidate"
	Identified         Status = "identified"
	Attributed         Status = "attributed" // to a country
	Deconflicted       Status = "deconflicted"
	ReferralPrepared   Status = "referral_prepared"
	Referred           Status = "referred" // through a channel, on a date
	Acknowledged       Status = "acknowledged"
	UnderInvestigation Status = "under_investigation" // by the recipient country
	Searched           Status = "searched"            // action: a search
	Arrested           Status = "arrested"            // action: an arrest
	Charged            Status = "charged"             // outcome
	Convicted          Status = "convicted"           // outcome
	NoFurtherAction    Status = "no_further_action"   // outcome
	AlreadyKnown       Status = "already_known"       // exit: another agency holds the suspect
	Insufficient       Status = "insufficient"        // exit: not enough to refer
	Declined           Status = "declined"            // exit: the recipient declined
	OutOfReach         Status = "out_of_reach"        // exit: deceased, untraceable, no jurisdiction
)

// Stage groups statuses as the issue names them: the main-line statuses
// are their own stage; searches and arrests are "action", charges,
// convictions and no further action "outcome", the side exits "exit".
type Stage string

// Stages besides the main-line statuses.
const (
	StageAction  Stage = "action"
	StageOutcome Stage = "outcome"
	StageExit    Stage = "exit"
)

// Need is a fact a status change must carry.
type Need string

// Needs.
const (
	NeedCountry Need = "country" // ISO 3166-1 alpha-2
	NeedChannel Need = "channel" // SIENA, I-24/7, bilateral, ...
)

// Rule is one row of the status table: a status, its stage, its rank on
// the main line (0 for exits: they leave it), the facts a change to it
// needs, and the statuses a suspect in it may move to.
type Rule struct {
	Status Status
	Stage  Stage
	Rank   int
	Needs  []Need
	Next   []Status
}

// exits are the side exits open from every status before an outcome.
var exits = []Status{AlreadyKnown, Insufficient, OutOfReach}

func with(s []Status, more ...Status) []Status { return append(slices.Clone(more), s...) }

// Table is the status model as data: every status and where it may go.
// Recipient-side statuses (acknowledged onwards) may skip ahead, because a
// country often reports an arrest without an acknowledgement first. A
// suspect enters an operation at Start.
var Table = []Rule{
	{Candidate, Stage(Candidate), 1, nil, with(exits, Identified)},
	{Identified, Stage(Identified), 2, nil, with(exits, Attributed)},
	{Attributed, Stage(Attributed), 3, []Need{NeedCountry}, with(exits, Attributed, Deconflicted)},
	{Deconflicted, Stage(Deconflicted), 4, nil, with(exits, Attributed, ReferralPrepared)},
	{ReferralPrepared, Stage(ReferralPrepared), 5, nil, with(exits, Attributed, Referred)},
	{Referred, Stage(Referred), 6, []Need{NeedChannel}, with(exits, Acknowledged, Declined, UnderInvestigation, Searched, Arrested)},
	{Acknowledged, Stage(Acknowledged), 7, nil, with(exits, UnderInvestigation, Searched, Arrested, Declined, NoFurtherAction)},
	{UnderInvestigation, Stage(UnderInvestigation), 8, nil, []Status{Searched, Arrested, Charged, NoFurtherAction, OutOfReach}},
	{Searched, StageAction, 9, nil, []Status{Arrested, Charged, NoFurtherAction, OutOfReach}},
	{Arrested, StageAction, 10, nil, []Status{Charged, NoFurtherAction}},
	{Charged, StageOutcome, 11, nil, []Status{Convicted, NoFurtherAction}},
	{Convicted, StageOutcome, 12, nil, nil},
	{NoFurtherAction, StageOutcome, 11, nil, nil},
	{AlreadyKnown, StageExit, 0, nil, nil},
	{Insufficient, StageExit, 0, nil, []Status{Candidate, Identified}},
	{Declined, StageExit, 0, nil, []Status{Attributed, ReferralPrepared, Referred}},
	{OutOfReach, StageExit, 0, nil, nil},
}

// Start are the statuses a suspect may enter an operation with.
var Start = []Status{Candidate, Identified}

// RuleOf returns the table row of s.
func RuleOf(s Status) (Rule, bool) {
	for _, r := range Table {
		if r.Status == s {
			return r, true
		}
	}
	return Rule{}, false
}

// ParseStatus reads a status name; hyphens and spaces read as underscores
// ("no-further-action"), case is ignored.
func ParseStatus(s string) (Status, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	n = strings.NewReplacer("-", "_", " ", "_").Replace(n)
	if _, ok := RuleOf(Status(n)); ok {
		return Status(n), nil
	}
	names := make([]string, len(Table))
	for i, r := range Table {
		names[i] = string(r.Status)
	}
	return "", fmt.Errorf("status %q: want one of %s: %w", s, strings.Join(names, ", "), ErrInvalid)
}

// Allowed reports whether a suspect in status from may move to status to
// (from "" for a suspect new to the operation).
func Allowed(from, to Status) bool {
	if from == "" {
		return slices.Contains(Start, to)
	}
	r, ok := RuleOf(from)
	return ok && slices.Contains(r.Next, to)
}

// Change is one status change as a user asks for it.
type Change struct {
	Status   Status
	Why      string
	Evidence string // a reference to the evidence behind it (exhibit, report id)
	Country  string // attributed: the country
	Channel  string // referred: SIENA, I-24/7, bilateral, ...
	Date     string // the day it happened (YYYY-MM-DD); referred: the day sent. The store fills in the day recorded when it is ""
	Package  string // the referral package it came with or from, if any
}

// Check validates c as the next change of a suspect in status from and
// returns it normalised (country code upper case, status checked). It is
// the one place the table is enforced.
func Check(from Status, c Change) (Change, error) {
	r, ok := RuleOf(c.Status)
	if !ok {
		_, err := ParseStatus(string(c.Status))
		return c, err
	}
	if !Allowed(from, c.Status) {
		if from == "" {
			return c, fmt.Errorf("a suspect enters an operation as %s or %s, not %s: %w", Start[0], Start[1], c.Status, ErrTransition)
		}
		return c, fmt.Errorf("%s -> %s: %w", from, c.Status, ErrTransition)
	}
	if strings.TrimSpace(c.Why) == "" {
		return c, fmt.Errorf("%s: a reason (why) is required: %w", c.Status, ErrInvalid)
	}
	if c.Country != "" {
		cc, ok := identifier.ParseCountry(c.Country)
		if !ok || len(c.Country) != 2 {
			return c, fmt.Errorf("country %q: want an ISO 3166-1 alpha-2 code: %w", c.Country, ErrInvalid)
		}
		c.Country = cc
	}
	if c.Date != "" {
		if _, err := time.Parse(time.DateOnly, c.Date); err != nil {
			return c, fmt.Errorf("date %q: want YYYY-MM-DD: %w", c.Date, ErrInvalid)
		}
	}
	for _, n := range r.Needs {
		missing := (n == NeedCountry && c.Country == "") || (n == NeedChannel && strings.TrimSpace(c.Channel) == "")
		if missing {
			return c, fmt.Errorf("%s needs a %s: %w", c.Status, n, ErrInvalid)
		}
	}
	return c, nil
}
