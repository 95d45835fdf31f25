package investigation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/operation"
	"github.com/vibora-project/vibora/internal/store"
)

// Roles of agencies in an operation.
const (
	OperationLead        = "lead"
	OperationPartner     = "partner"
	OperationCoordinator = "coordinator"
)

// SuspectRoles are the roles a suspect may be recorded with (the activity
// behind the referral).
var SuspectRoles = []string{"admin", "moderator", "uploader", "distributor", "payer", "viewer"}

// OperationSummary is one line of the list of operations.
type OperationSummary struct {
	Name       string `json:"name"`
	LeadAgency string `json:"lead_agency,omitempty"`
	CreatedAt  string `json:"created_at"`
	CreatedBy  string `json:"created_by"`
}

func operationSummary(o store.Operation) OperationSummary {
	return OperationSummary{Name: o.Name, LeadAgency: o.LeadAgency, CreatedAt: o.CreatedAt, CreatedBy: o.CreatedBy}
}

// OperationAgency is an agency taking part in an operation.
type OperationAgency struct {
	Agency    string `json:"agency"`
	Role      string `json:"role"` // lead, partner, coordinator
	Contact   string `json:"contact,omitempty"`
	Country   string `json:"country,omitempty"`
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
}

func operationAgencyView(a store.OperationAgency) OperationAgency {
	return OperationAgency{Agency: a.Agency, Role: a.Role, Contact: a.Contact, Country: a.Country, CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy}
}

// OperationCase is a case of an operation.
type OperationCase struct {
	Case      string `json:"case"`
	Agency    string `json:"agency,omitempty"`
	CreatedAt string `json:"created_at"`
	CreatedBy string `json:"created_by"`
}

func operationCaseView(c store.OperationCase) OperationCase {
	return OperationCase{Case: c.Case, Agency: c.Agency, CreatedAt: c.CreatedAt, CreatedBy: c.CreatedBy}
}

// StatusChange is one entry of a suspect's status history.
type StatusChange struct {
	Status     string `json:"status"`
	Day        string `json:"day"`
	Why        string `json:"why"`
	Evidence   string `json:"evidence,omitempty"`
	Country    string `json:"country,omitempty"`
	Channel    string `json:"channel,omitempty"`
	Package    string `json:"package,omitempty"`
	RecordedAt string `json:"recorded_at"`
	RecordedBy string `json:"recorded_by"`
}

func statusChangeView(h store.StatusChange) StatusChange {
	return StatusChange{Status: h.Status, Day: h.Day, Why: h.Why, Evidence: h.Evidence, Country: h.Country, Channel: h.Channel,
		Package: h.Package, RecordedAt: h.RecordedAt, RecordedBy: h.RecordedBy}
}

// OperationSuspect is a person of one of an operation's cases, with its status and
// the history behind it.
type OperationSuspect struct {
	Suspect string         `json:"suspect"` // CASE/PERSON
	Case    string         `json:"case"`
	Person  string         `json:"person"`
	Role    string         `json:"role,omitempty"`
	Status  string         `json:"status"`
	Country string         `json:"country,omitempty"`
	History []StatusChange `json:"history"`
}

// SuspectKey names a suspect of an operation: its case and person.
func SuspectKey(caseName, person string) string { return caseName + "/" + person }

// OperationTally is a count of devices seized or victims safeguarded.
type OperationTally struct {
	Suspect    string `json:"suspect,omitempty"` // "" for the operation as a whole
	Devices    int64  `json:"devices_seized,omitempty"`
	Victims    int64  `json:"victims_safeguarded,omitempty"`
	Day        string `json:"day"`
	Note       string `json:"note,omitempty"`
	RecordedAt string `json:"recorded_at"`
	RecordedBy string `json:"recorded_by"`
}

func tallyView(t store.Tally) OperationTally {
	v := OperationTally{Devices: t.Devices, Victims: t.Victims, Day: t.Day, Note: t.Note, RecordedAt: t.RecordedAt, RecordedBy: t.RecordedBy}
	if t.SuspectID != 0 {
		v.Suspect = SuspectKey(t.Case, t.Person)
	}
	return v
}

// Operation is an operation as its reader may see it: suspects and
// tallies of cases the reader may not read are left out and counted in
// HiddenCases.
type Operation struct {
	Name        string             `json:"name"`
	LeadAgency  string             `json:"lead_agency,omitempty"`
	CreatedAt   string             `json:"created_at"`
	CreatedBy   string             `json:"created_by"`
	Agencies    []OperationAgency  `json:"agencies"`
	Cases       []OperationCase    `json:"cases"`
	HiddenCases int                `json:"hidden_cases"`
	Suspects    []OperationSuspect `json:"suspects"`
	Tallies     []OperationTally   `json:"tallies"`
}

// operationFor is the access point of every use case that starts from an
// operation: an operation the principal may not read is not found; one it
// may read but not change as asked is access.ErrForbidden.
func (s *Service) operationFor(ctx context.Context, name string, perm access.Permission) (store.Operation, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return store.Operation{}, err
	}
	if !nameMayExist(name) {
		return store.Operation{}, notFound("operation", name)
	}
	o, err := s.db.OperationByName(ctx, name)
	if err != nil {
		return o, err
	}
	facts := access.OperationFacts{Lead: o.LeadAgency}
	if p.Agency != "" {
		if facts.Role, err = s.db.OperationRole(ctx, o.ID, p.Agency); err != nil {
			return o, fmt.Errorf("operation %q: %w", name, err)
		}
	}
	got := p.OperationPermission(facts)
	if !got.Includes(access.Read) {
		return store.Operation{}, fmt.Errorf("operation %q: %w", name, store.ErrNotFound)
	}
	if !got.Includes(perm) {
		return store.Operation{}, fmt.Errorf("operation %q: %s: %w", name, perm, access.ErrForbidden)
	}
	return o, nil
}

// CreateOperation creates an operation led by lead (the caller's agency
// when ""), which takes part in it as lead with contact.
func (s *Service) CreateOperation(ctx context.Context, name, lead, contact string) (Operation, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return Operation{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return Operation{}, fmt.Errorf("operation name is empty: %w", ErrInvalid)
	}
	for _, f := range []struct{ what, v string }{{"operation name", name}, {"lead agency", lead}, {"contact", contact}} {
		if err := checkText(f.what, f.v, MaxNameLen); err != nil {
			return Operation{}, err
		}
	}
	if lead == "" {
		lead = p.Agency
	}
	if !p.Allows(access.Operation, access.Admin, lead) {
		return Operation{}, fmt.Errorf("create operation %q led by %q: %w", name, lead, access.ErrForbidden)
	}
	if err := s.caseAgency(ctx, lead); err != nil {
		return Operation{}, err
	}
	now, actor := s.timestamp(), p.Name
	o := store.Operation{Name: name, LeadAgency: lead, CreatedAt: now, CreatedBy: actor}
	ch := &change{action: "operation.create", object: "operation:" + name}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.InsertOperation(ctx, &o); err != nil {
			return err
		}
		if lead != "" {
			a := store.OperationAgency{OperationID: o.ID, Agency: lead, Role: OperationLead, Contact: contact, CreatedAt: now, CreatedBy: actor}
			if err := tx.PutOperationAgency(ctx, a); err != nil {
				return err
			}
		}
		ch.after = operationSummary(o)
		return nil
	})
	if err != nil {
		return Operation{}, err
	}
	return s.Operation(ctx, name)
}

// Operations lists the operations the caller may see: those its agency
// leads or takes part in (every one for a hub administrator).
func (s *Service) Operations(ctx context.Context) ([]OperationSummary, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return nil, err
	}
	v := store.OperationVisibility{All: p.SeesAllOperations()}
	if !v.All {
		v.Agency = p.Agency
	}
	list, err := s.db.Operations(ctx, v)
	return views(list, operationSummary), err
}

// AddOperationPartner adds an agency to an operation as partner or
// coordinator with a contact (or changes its role and contact); the
// operation's administrators may.
func (s *Service) AddOperationPartner(ctx context.Context, opName, agency, role, contact string) (OperationAgency, error) {
	o, err := s.operationFor(ctx, opName, access.Admin)
	if err != nil {
		return OperationAgency{}, err
	}
	role = strings.ToLower(strings.TrimSpace(role))
	if role != OperationPartner && role != OperationCoordinator {
		return OperationAgency{}, fmt.Errorf("role %q: want partner or coordinator: %w", role, ErrInvalid)
	}
	agency = strings.TrimSpace(agency)
	if agency == "" {
		return OperationAgency{}, fmt.Errorf("agency name is empty: %w", ErrInvalid)
	}
	for _, f := range []struct{ what, v string }{{"agency", agency}, {"contact", contact}} {
		if err := checkText(f.what, f.v, MaxNameLen); err != nil {
			return OperationAgency{}, err
		}
	}
	if agency == o.LeadAgency {
		return OperationAgency{}, fmt.Errorf("agency %q leads operation %q: %w", agency, o.Name, ErrInvalid)
	}
	if err := s.caseAgency(ctx, agency); err != nil {
		return OperationAgency{}, err
	}
	a := store.OperationAgency{OperationID: o.ID, Agency: agency, Role: role, Contact: contact, CreatedAt: s.timestamp(), CreatedBy: s.actor(ctx)}
	ch := &change{action: "operation.partner.add", object: "operation:" + o.Name, after: operationAgencyView(a),
		detail: map[string]string{"agency": agency, "role": role}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.PutOperationAgency(ctx, a) })
	if err != nil {
		return OperationAgency{}, err
	}
	list, err := s.db.OperationAgencies(ctx, o.ID)
	for _, x := range list {
		if x.Agency == agency {
			return operationAgencyView(x), err
		}
	}
	return operationAgencyView(a), err
}

// AddOperationCase groups a case in an operation. The caller must be able
// to change the operation and administer the case.
func (s *Service) AddOperationCase(ctx context.Context, opName, caseName string) (OperationCase, error) {
	o, err := s.operationFor(ctx, opName, access.Write)
	if err != nil {
		return OperationCase{}, err
	}
	c, err := s.caseFor(ctx, caseName, access.Admin)
	if err != nil {
		return OperationCase{}, err
	}
	oc := store.OperationCase{OperationID: o.ID, CaseID: c.ID, Case: c.Name, Agency: c.Agency, CreatedAt: s.timestamp(), CreatedBy: s.actor(ctx)}
	ch := &change{action: "operation.case.add", object: "operation:" + o.Name, after: operationCaseView(oc), detail: map[string]string{"case": c.Name}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.AddOperationCase(ctx, oc) })
	return operationCaseView(oc), err
}

// Operation returns an operation with its agencies, cases, and the
// suspects and tallies of the cases the caller may read.
func (s *Service) Operation(ctx context.Context, name string) (Operation, error) {
	o, err := s.operationFor(ctx, name, access.Read)
	if err != nil {
		return Operation{}, err
	}
	agencies, err := s.db.OperationAgencies(ctx, o.ID)
	if err != nil {
		return Operation{}, err
	}
	v := Operation{Name: o.Name, LeadAgency: o.LeadAgency, CreatedAt: o.CreatedAt, CreatedBy: o.CreatedBy,
		Agencies: views(agencies, operationAgencyView), Cases: []OperationCase{}}
	suspects, tallies, hidden, err := s.operationData(ctx, o)
	if err != nil {
		return Operation{}, err
	}
	v.Suspects, v.Tallies, v.HiddenCases = suspects, views(tallies, tallyView), hidden
	cases, err := s.db.OperationCases(ctx, o.ID)
	if err != nil {
		return Operation{}, err
	}
	readable, err := s.readableCases(ctx)
	if err != nil {
		return Operation{}, err
	}
	for _, c := range cases {
		if readable[c.Case] {
			v.Cases = append(v.Cases, operationCaseView(c))
		}
	}
	return v, nil
}

// operationData reads the suspects (with their histories) and tallies of
// an operation that belong to cases the caller may read, and counts the
// cases it may not.
func (s *Service) operationData(ctx context.Context, o store.Operation) ([]OperationSuspect, []store.Tally, int, error) {
	readable, err := s.readableCases(ctx)
	if err != nil {
		return nil, nil, 0, err
	}
	cases, err := s.db.OperationCases(ctx, o.ID)
	if err != nil {
		return nil, nil, 0, err
	}
	hidden := 0
	for _, c := range cases {
		if !readable[c.Case] {
			hidden++
		}
	}
	list, err := s.db.Suspects(ctx, o.ID)
	if err != nil {
		return nil, nil, 0, err
	}
	hist, err := s.db.StatusHistory(ctx, o.ID, 0)
	if err != nil {
		return nil, nil, 0, err
	}
	bySuspect := map[int64][]StatusChange{}
	for _, h := range hist {
		bySuspect[h.SuspectID] = append(bySuspect[h.SuspectID], statusChangeView(h))
	}
	suspects := []OperationSuspect{}
	for _, x := range list {
		if !readable[x.Case] {
			continue
		}
		suspects = append(suspects, OperationSuspect{Suspect: SuspectKey(x.Case, x.Person), Case: x.Case, Person: x.Person, Role: x.Role,
			Status: x.Status, Country: x.Country, History: orEmpty(bySuspect[x.ID])})
	}
	all, err := s.db.Tallies(ctx, o.ID)
	if err != nil {
		return nil, nil, 0, err
	}
	tallies := []store.Tally{}
	for _, t := range all {
		if t.SuspectID == 0 || readable[t.Case] {
			tallies = append(tallies, t)
		}
	}
	return suspects, tallies, hidden, nil
}

// SuspectRef splits CASE/PERSON.
func SuspectRef(ref string) (caseName, person string, err error) {
	i := strings.LastIndex(ref, "/")
	if i <= 0 || i == len(ref)-1 {
		return "", "", fmt.Errorf("suspect %q: want CASE/PERSON, e.g. op-example/P1: %w", ref, ErrInvalid)
	}
	return ref[:i], ref[i+1:], nil
}

// StatusRequest is a status change asked for, with the suspect's role
// (optional: kept when "", derived from the evidence for a new suspect).
type StatusRequest struct {
	operation.Change
	Role string
}

// suspectIn resolves CASE/PERSON to a case of the operation the caller
// may read and, when it exists, the suspect.
func (s *Service) suspectIn(ctx context.Context, o store.Operation, ref string) (store.Case, store.Suspect, error) {
	caseName, person, err := SuspectRef(ref)
	if err != nil {
		return store.Case{}, store.Suspect{}, err
	}
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return c, store.Suspect{}, err
	}
	cases, err := s.db.OperationCases(ctx, o.ID)
	if err != nil {
		return c, store.Suspect{}, err
	}
	if !slices.ContainsFunc(cases, func(oc store.OperationCase) bool { return oc.CaseID == c.ID }) {
		return c, store.Suspect{}, fmt.Errorf("case %q is not part of operation %q (vibora operation add-case): %w", c.Name, o.Name, ErrInvalid)
	}
	x, err := s.db.SuspectOf(ctx, o.ID, c.ID, person)
	return c, x, err
}

// SetSuspectStatus records a status change of a suspect (a person of one
// of the operation's cases, named CASE/PERSON), checked against the status
// table of internal/operation. A person new to the operation must exist in
// its case and enter as candidate or identified. The caller must be able to
// change the operation and read the case.
func (s *Service) SetSuspectStatus(ctx context.Context, opName, ref string, req StatusRequest) (OperationSuspect, error) {
	o, err := s.operationFor(ctx, opName, access.Write)
	if err != nil {
		return OperationSuspect{}, err
	}
	for _, f := range []struct{ what, v string }{{"why", req.Why}, {"evidence", req.Evidence}, {"channel", req.Channel}, {"package", req.Package}} {
		if err := checkText(f.what, f.v, 4096); err != nil {
			return OperationSuspect{}, err
		}
	}
	st, err := operation.ParseStatus(string(req.Status))
	if err != nil {
		return OperationSuspect{}, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	req.Status = st
	c, x, err := s.suspectIn(ctx, o, ref)
	isNew := errors.Is(err, store.ErrNotFound)
	if err != nil && !isNew {
		return OperationSuspect{}, err
	}
	if req.Role != "" && !slices.Contains(SuspectRoles, req.Role) {
		return OperationSuspect{}, fmt.Errorf("role %q: want one of %s: %w", req.Role, strings.Join(SuspectRoles, ", "), ErrInvalid)
	}
	_, person, _ := SuspectRef(ref)
	if isNew {
		role, err := s.personRole(ctx, c.Name, person)
		if err != nil {
			return OperationSuspect{}, err
		}
		x = store.Suspect{OperationID: o.ID, CaseID: c.ID, Case: c.Name, Person: person, Role: role, CreatedAt: s.timestamp(), CreatedBy: s.actor(ctx)}
	}
	today := s.now().UTC().Format(time.DateOnly)
	if req.Date == "" {
		req.Date = today
	} else if req.Date > today && len(req.Date) == len(today) {
		return OperationSuspect{}, fmt.Errorf("date %s is after today (%s): %w", req.Date, today, ErrInvalid)
	}
	chg, err := operation.Check(operation.Status(x.Status), req.Change)
	if err != nil {
		return OperationSuspect{}, fmt.Errorf("suspect %s: %w: %w", ref, err, ErrInvalid)
	}
	before := x
	x.Status = string(chg.Status)
	if chg.Status == operation.Attributed {
		x.Country = chg.Country
	}
	if req.Role != "" {
		x.Role = req.Role
	}
	h := store.StatusChange{Status: x.Status, Day: chg.Date, Why: chg.Why, Evidence: chg.Evidence, Country: chg.Country, Channel: chg.Channel,
		Package: chg.Package, RecordedAt: s.timestamp(), RecordedBy: s.actor(ctx)}
	ch := &change{action: "operation.status", object: "operation:" + o.Name, after: statusChangeView(h),
		detail: map[string]string{"suspect": SuspectKey(c.Name, person), "from": before.Status, "to": x.Status}}
	if !isNew {
		ch.before = statusChangeView(store.StatusChange{Status: before.Status, Country: before.Country})
	}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if isNew {
			if err := tx.InsertSuspect(ctx, &x); err != nil {
				return err
			}
		}
		return tx.AppendStatus(ctx, x, &h)
	})
	if err != nil {
		return OperationSuspect{}, err
	}
	return s.suspectView(ctx, x)
}

func (s *Service) suspectView(ctx context.Context, x store.Suspect) (OperationSuspect, error) {
	hist, err := s.db.StatusHistory(ctx, x.OperationID, x.ID)
	return OperationSuspect{Suspect: SuspectKey(x.Case, x.Person), Case: x.Case, Person: x.Person, Role: x.Role, Status: x.Status, Country: x.Country,
		History: orEmpty(views(hist, statusChangeView))}, err
}

// personRole checks that a person exists in a case and derives its role
// from the evidence: a creator or admin of a conversation is "admin",
// someone who shared possible new material "uploader", known material
// "distributor"; otherwise the role is left unknown.
func (s *Service) personRole(ctx context.Context, caseName, person string) (string, error) {
	people, err := s.People(ctx, caseName)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(people, func(p Person) bool { return p.ID == person })
	if i < 0 {
		return "", fmt.Errorf("person %q is not in case %q (vibora suspects --case %s): %w", person, caseName, caseName, store.ErrNotFound)
	}
	p := people[i]
	switch {
	case slices.ContainsFunc(p.Roles, func(r Role) bool { return r.Name == RoleCreator || r.Name == RoleAdmin }):
		return "admin", nil
	case p.NewShared > 0:
		return "uploader", nil
	case p.KnownShared > 0:
		return "distributor", nil
	}
	return "", nil
}

// RecordTally records devices seized or victims safeguarded against an
// operation and, when ref names one (CASE/PERSON), a suspect of it.
func (s *Service) RecordTally(ctx context.Context, opName, ref string, devices, victims int64, day, note string) (OperationTally, error) {
	o, err := s.operationFor(ctx, opName, access.Write)
	if err != nil {
		return OperationTally{}, err
	}
	if devices < 0 || victims < 0 || devices+victims == 0 || devices > 1_000_000 || victims > 1_000_000 {
		return OperationTally{}, fmt.Errorf("a count of devices or victims from 1 to 1000000 is required: %w", ErrInvalid)
	}
	if err := checkText("note", note, 4096); err != nil {
		return OperationTally{}, err
	}
	today := s.now().UTC().Format(time.DateOnly)
	if day == "" {
		day = today
	} else if _, err := time.Parse(time.DateOnly, day); err != nil {
		return OperationTally{}, fmt.Errorf("date %q: want YYYY-MM-DD: %w", day, ErrInvalid)
	} else if day > today {
		return OperationTally{}, fmt.Errorf("date %s is after today (%s): %w", day, today, ErrInvalid)
	}
	t := store.Tally{OperationID: o.ID, Devices: devices, Victims: victims, Day: day, Note: note, RecordedAt: s.timestamp(), RecordedBy: s.actor(ctx)}
	if ref != "" {
		c, x, err := s.suspectIn(ctx, o, ref)
		if errors.Is(err, store.ErrNotFound) && c.ID != 0 {
			return OperationTally{}, fmt.Errorf("suspect %s is not in operation %q (record a status first): %w", ref, o.Name, store.ErrNotFound)
		} else if err != nil {
			return OperationTally{}, err
		}
		t.SuspectID, t.Case, t.Person = x.ID, x.Case, x.Person
	}
	action := "operation.seized"
	if victims > 0 {
		action = "operation.safeguarded"
	}
	ch := &change{action: action, object: "operation:" + o.Name, after: tallyView(t)}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.InsertTally(ctx, &t) })
	return tallyView(t), err
}

// OperationReport computes the operation report as of a day (YYYY-MM-DD;
// "" for everything recorded) over the suspects and tallies the caller may
// see.
func (s *Service) OperationReport(ctx context.Context, opName, asOf string) (operation.Report, error) {
	o, err := s.operationFor(ctx, opName, access.Read)
	if err != nil {
		return operation.Report{}, err
	}
	if asOf != "" {
		if _, err := time.Parse(time.DateOnly, asOf); err != nil {
			return operation.Report{}, fmt.Errorf("as-of %q: want YYYY-MM-DD: %w", asOf, ErrInvalid)
		}
	}
	suspects, tallies, _, err := s.operationData(ctx, o)
	if err != nil {
		return operation.Report{}, err
	}
	agencies, err := s.db.OperationAgencies(ctx, o.ID)
	if err != nil {
		return operation.Report{}, err
	}
	in := operation.Input{Operation: o.Name, AsOf: asOf}
	for _, a := range agencies {
		in.Countries = append(in.Countries, a.Country)
	}
	for _, x := range suspects {
		row := operation.Suspect{Key: x.Suspect, Role: x.Role}
		for _, h := range x.History {
			row.Events = append(row.Events, operation.Event{Status: operation.Status(h.Status), Date: h.Day, Country: h.Country, Package: h.Package})
		}
		in.Suspects = append(in.Suspects, row)
	}
	for _, t := range tallies {
		row := operation.Tally{Devices: t.Devices, Victims: t.Victims, Date: t.Day}
		if t.SuspectID != 0 {
			row.Suspect = SuspectKey(t.Case, t.Person)
		}
		in.Tallies = append(in.Tallies, row)
	}
	return operation.Compute(in), nil
}

// OperationReport is the operation report (internal/operation computes
// it; its JSON names are the wire contract).
type OperationReport = operation.Report
