package investigation

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/operation"
	"github.com/vibora-project/vibora/internal/referral"
	"github.com/vibora-project/vibora/internal/stealerlog"
	"github.com/vibora-project/vibora/internal/store"
)

// MaxReferralMessages bounds the messages of one suspect a package holds
// (the earliest first).
const MaxReferralMessages = 500

// ReferralOptions says what goes into a referral package and under which
// rules.
type ReferralOptions struct {
	Operation       string   // the operation (its cases are the sources)
	Cases           []string // source cases (without an operation)
	Country         string   // the recipient country, ISO 3166-1 alpha-2
	RecipientAgency string
	Channel         string // SIENA (default), I-24/7, bilateral, other
	KeyAgency       string // the signing key's agency ("" : the principal's)
	Key             string
	Passphrase      []byte
	MinScore        float64
	AsOf            time.Time // zero: now
	LegalBasis      string    // "": the source case's legal reference
	Handling        string    // SIENA code, default H2
	H3Text          string
	TLP             string   // default TLP:AMBER
	Actions         []string // default identify
	Deadline        string   // YYYY-MM-DD
	Contact         string
	Notes           string
	ToolVersion     string
}

// ReferralResult is a built package and what it holds.
type ReferralResult struct {
	ReferralID        string            `json:"referral_id"`
	Country           string            `json:"country"`
	Operation         string            `json:"operation,omitempty"`
	Suspects          int               `json:"suspects"`
	Media             int               `json:"media"`
	Counts            referral.Counts   `json:"counts"`
	KeyID             string            `json:"key_id"`
	TagManifestSHA256 string            `json:"tagmanifest_sha256"`
	Package           *referral.Package `json:"-"`
	AsOf              time.Time         `json:"as_of"`
}

// referralSource is one person to refer and the case they come from.
type referralSource struct {
	c        store.Case
	ev       *caseFacts
	person   Person
	payments []PaymentView // the case's, by time
}

// CreateReferral builds the signed package of the suspects attributed to
// one country, records it as sent (with a custody event "referred" on
// each exhibit it draws on) and returns it. Built again from the same data
// at the same as-of time, the package is byte-identical and is recorded
// once.
func (s *Service) CreateReferral(ctx context.Context, o ReferralOptions) (ReferralResult, error) {
	o.Country = strings.ToUpper(strings.TrimSpace(o.Country))
	if !referral.ValidCountry(o.Country) {
		return ReferralResult{}, fmt.Errorf("country %q: want an ISO 3166-1 alpha-2 code such as FR: %w", o.Country, ErrInvalid)
	}
	if o.AsOf.IsZero() {
		o.AsOf = s.now()
	}
	o.AsOf = o.AsOf.UTC().Truncate(time.Second)
	signer, err := s.signer(ctx, o.KeyAgency, o.Key, o.Passphrase)
	if err != nil {
		return ReferralResult{}, err
	}
	cases, err := s.referralCases(ctx, o)
	if err != nil {
		return ReferralResult{}, err
	}
	tracked, err := s.trackedSuspects(ctx, o.Operation, o.Country)
	if err != nil {
		return ReferralResult{}, err
	}
	var sources []referralSource
	for _, c := range cases {
		people, err := s.People(ctx, c.Name)
		if err != nil {
			return ReferralResult{}, err
		}
		ev, err := s.caseEvidence(ctx, c.ID)
		if err != nil {
			return ReferralResult{}, err
		}
		payments, err := s.Payments(ctx, c.Name)
		if err != nil {
			return ReferralResult{}, err
		}
		for _, p := range people {
			if p.Score < o.MinScore || len(p.Countries) == 0 {
				continue
			}
			want := p.Countries[0].Country == o.Country
			if tracked != nil {
				// The operation decides: its suspects attributed to
				// the country, whatever the ranking's best guess.
				want = tracked[c.ID][p.ID]
			}
			if want {
				if p.Countries[0].Country != o.Country {
					p.Countries = append([]identifier.Candidate{{Country: o.Country}}, p.Countries...)
				}
				sources = append(sources, referralSource{c, ev, p, payments})
			}
		}
	}
	in, err := s.referralInput(ctx, o, signer, cases, sources)
	if err != nil {
		return ReferralResult{}, err
	}
	pkg, err := referral.Build(in, signer)
	if err != nil {
		return ReferralResult{}, fmt.Errorf("%w: %w", err, ErrInvalid)
	}
	v, err := referral.Verify(pkg, referral.NewTrust(signer.Public), o.AsOf)
	if err != nil {
		return ReferralResult{}, fmt.Errorf("the package built does not verify: %w", err)
	}
	res := ReferralResult{ReferralID: v.Referral.ID, Country: o.Country, Operation: o.Operation, Suspects: len(v.Suspects), Media: v.Referral.Counts.Media,
		Counts: v.Referral.Counts, KeyID: signer.Public.ID, TagManifestSHA256: v.TagManifestSHA256, Package: pkg, AsOf: o.AsOf}
	refs := make([]referral.AckSuspect, len(v.Suspects))
	for i, sp := range v.Suspects {
		refs[i] = referral.AckSuspect{ID: sp.ID, SourceRef: sp.SourceRef}
	}
	suspects, _ := json.Marshal(refs)
	sent := store.ReferralSent{ReferralID: res.ReferralID, Operation: o.Operation, SourceCase: strings.Join(o.Cases, ","), Country: o.Country, Channel: in.Referral.Recipient.Channel,
		TagManifestSHA256: res.TagManifestSHA256, KeyID: res.KeyID, Suspects: string(suspects), CreatedAt: s.timestamp(), CreatedBy: s.actor(ctx)}
	ch := &change{action: "referral.create", object: "referral:" + res.ReferralID, after: res}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if _, err := tx.ReferralSentByTagManifest(ctx, res.TagManifestSHA256); err == nil {
			ch.detail = map[string]any{"rebuilt": true}
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := tx.InsertReferralSent(ctx, &sent); err != nil {
			return err
		}
		for _, c := range cases {
			exhibits, err := tx.Exhibits(ctx, c.ID)
			if err != nil {
				return err
			}
			for _, e := range exhibits {
				if !slices.Contains(in.Referral.Sources, c.Name) || !usesExhibit(in.Suspects, c.Name, e.Label) {
					continue
				}
				if err := tx.InsertCustodyEvent(ctx, &store.CustodyEvent{CaseID: c.ID, ExhibitID: e.ID, Event: "referred", Actor: s.actor(ctx), At: s.timestamp(),
					Reason: fmt.Sprintf("hashes and facts referred to %s in package %s", o.Country, res.ReferralID), Digests: "tagmanifest-sha256=" + res.TagManifestSHA256}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil || o.Operation == "" {
		return res, err
	}
	return res, s.markPrepared(ctx, o.Operation, res.ReferralID, v.Suspects)
}

// markPrepared moves the referred suspects the operation follows from
// deconflicted to referral prepared.
func (s *Service) markPrepared(ctx context.Context, opName, referralID string, suspects []referral.Suspect) error {
	op, err := s.operationFor(ctx, opName, access.Write)
	if err != nil {
		return err
	}
	for _, sp := range suspects {
		_, x, err := s.suspectIn(ctx, op, sp.SourceRef)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if x.Status != string(operation.Deconflicted) {
			continue
		}
		req := StatusRequest{Change: operation.Change{Status: operation.ReferralPrepared, Package: referralID, Why: "in referral package " + referralID}}
		if _, err := s.SetSuspectStatus(ctx, opName, sp.SourceRef, req); err != nil {
			return err
		}
	}
	return nil
}

// exhibitRef names an exhibit in a package: case/label.
func exhibitRef(caseName, label string) string { return caseName + "/" + label }

func usesExhibit(suspects []referral.Suspect, caseName, label string) bool {
	ref := exhibitRef(caseName, label)
	return slices.ContainsFunc(suspects, func(s referral.Suspect) bool { return slices.Contains(s.Exhibits, ref) })
}

// referralCases are the source cases: the operation's, or those named;
// the principal must be able to change each.
func (s *Service) referralCases(ctx context.Context, o ReferralOptions) ([]store.Case, error) {
	names := o.Cases
	if o.Operation != "" {
		opCases, err := s.operationCaseNames(ctx, o.Operation)
		if err != nil {
			return nil, err
		}
		names = append(slices.Clone(names), opCases...)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("name an operation or the source cases: %w", ErrInvalid)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var cases []store.Case
	for _, n := range names {
		c, err := s.caseFor(ctx, n, access.Write)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	return cases, nil
}

// referralInput turns the sources into the package's input.
func (s *Service) referralInput(ctx context.Context, o ReferralOptions, signer referral.Signer, cases []store.Case, sources []referralSource) (referral.Input, error) {
	asOf := audit.FormatTime(o.AsOf)
	r := referral.Referral{
		Operation: cmp.Or(o.Operation, strings.Join(o.Cases, "+")),
		Sender:    referral.Sender{Agency: signer.Public.Agency, Contact: o.Contact},
		Recipient: referral.Recipient{Country: o.Country, Agency: o.RecipientAgency, Channel: cmp.Or(o.Channel, "SIENA")},
		Handling:  referral.Handling{Code: cmp.Or(strings.ToUpper(o.Handling), referral.H2), H3Text: o.H3Text, TLP: cmp.Or(strings.ToUpper(o.TLP), "TLP:AMBER")},
		Deadline:  o.Deadline, MinScore: o.MinScore, Notes: o.Notes,
		RequestedActions: o.Actions,
		Tool:             referral.Tool{Name: "vibora", Version: cmp.Or(o.ToolVersion, "dev")},
	}
	if len(r.RequestedActions) == 0 {
		r.RequestedActions = []string{"identify"}
	}
	legal := []string{o.LegalBasis}
	for _, c := range cases {
		r.Sources = append(r.Sources, c.Name)
		legal = append(legal, c.LegalRef)
	}
	r.LegalBasis = cmp.Or(legal...)
	if r.LegalBasis == "" {
		return referral.Input{}, fmt.Errorf("no legal basis: give one (--legal-basis) or set the case's legal reference: %w", ErrInvalid)
	}
	in := referral.Input{Referral: r, At: o.AsOf}
	banks := map[string]bool{}
	exhibits := map[int64]map[int64]bool{} // case -> exhibit ids used
	for _, src := range sources {
		sp, used, err := s.referralSuspect(ctx, src)
		if err != nil {
			return in, err
		}
		for _, m := range sp.Media {
			banks[m.HashSet] = true
		}
		if exhibits[src.c.ID] == nil {
			exhibits[src.c.ID] = map[int64]bool{}
		}
		maps.Copy(exhibits[src.c.ID], used)
		in.Suspects = append(in.Suspects, sp)
	}
	allBanks, err := s.db.Banks(ctx)
	if err != nil {
		return in, err
	}
	for _, b := range allBanks {
		if banks[b.Name] {
			in.Referral.HashSets = append(in.Referral.HashSets, referral.HashSet{Name: b.Name, Kind: b.Kind,
				Version: strings.TrimSpace(fmt.Sprintf("%s %s v%d", b.Format, b.FormatVersion, b.Version)), Records: b.RecordCount})
		}
	}
	var objects []string
	for _, c := range cases {
		exs, err := s.db.Exhibits(ctx, c.ID)
		if err != nil {
			return in, err
		}
		for _, e := range exs {
			if !exhibits[c.ID][e.ID] {
				continue
			}
			ref := exhibitRef(c.Name, e.Label)
			objects = append(objects, ref)
			events, err := s.db.CustodyEvents(ctx, c.ID, e.ID)
			if err != nil {
				return in, err
			}
			for _, ce := range events {
				if ce.At <= asOf {
					in.Custody = append(in.Custody, referral.CustodyEvent{Case: c.Name, Exhibit: e.Label, Event: ce.Event, Actor: ce.Actor, At: ce.At, Reason: ce.Reason, Digests: ce.Digests})
				}
			}
			ingests, err := s.db.Ingests(ctx, e.ID)
			if err != nil {
				return in, err
			}
			for _, ig := range ingests {
				if ig.Status == "done" && ig.FinishedAt <= asOf {
					in.Derivations = append(in.Derivations, referral.Derivation{Name: "ingest and hash-set match", Start: ig.StartedAt, End: ig.FinishedAt,
						Performer: ig.Actor, Objects: []string{ref}, Result: fmt.Sprintf("%d files hashed and matched (manifest sha256 %s)", ig.Files, ig.ManifestSHA256)})
				}
			}
		}
	}
	in.Derivations = append(in.Derivations, referral.Derivation{Name: "person linking, ranking and country attribution", Start: asOf, End: asOf,
		Performer: signer.Public.Agency, Objects: objects,
		Result: fmt.Sprintf("%d suspects attributed to %s with a score of at least %g", len(in.Suspects), o.Country, o.MinScore)})
	return in, nil
}

// Default gradings (Europol 4x4) of what a package states; the analyst
// reviews them in the report. Evidence the sender seized is reliable in
// most instances (B); what a suspect stated of themselves is corroborated
// when an account carries it (2), else uncorroborated (3); stealer logs
// and geolocation come from third parties (C).
var (
	gradeOwn      = referral.Grading{Source: "B", Info: "2"}
	gradePosted   = referral.Grading{Source: "B", Info: "3"}
	gradeThird    = referral.Grading{Source: "C", Info: "3"}
	gradeInferred = referral.Grading{Source: "C", Info: "4"}
)

// basisKind names the kind of an attribution reason.
func basisKind(reason string) (string, referral.Grading) {
	switch {
	case strings.Contains(reason, "phone country code"):
		return "phone_cc", gradePosted
	case strings.Contains(reason, "stealer"):
		return "stealer_log", gradeThird
	case strings.Contains(reason, "IP "):
		return "ip_geo", gradeInferred
	case strings.Contains(reason, "TLD"):
		return "cctld", gradeInferred
	case strings.Contains(reason, "time zone"), strings.Contains(reason, "offset"):
		return "timezone", gradeInferred
	}
	return "other", gradeInferred
}

// referralSuspect is what the package says of one person, and the
// exhibits it draws on.
func (s *Service) referralSuspect(ctx context.Context, src referralSource) (referral.Suspect, map[int64]bool, error) {
	p, ev, c := src.person, src.ev, src.c
	sp := referral.Suspect{SourceRef: c.Name + "/" + p.ID, Name: p.Name, Names: p.Names, Score: p.Score, Reasons: p.Reasons,
		FirstSeen: p.First, LastSeen: p.Last, Attribution: referral.Attribution{Country: p.Countries[0].Country}}
	for _, l := range p.Links {
		sp.Trail = append(sp.Trail, l.String())
	}
	for _, l := range p.PossibleLinks {
		sp.Trail = append(sp.Trail, l.String())
	}
	for _, r := range p.Roles {
		sp.Roles = append(sp.Roles, r.String())
	}
	for _, e := range p.Countries[0].Evidence {
		kind, g := basisKind(e.Reason)
		sp.Attribution.Basis = append(sp.Attribution.Basis, referral.Basis{Kind: kind, Evidence: e.Identifier + ": " + e.Reason, Grading: g})
	}
	mine := map[subject]bool{}
	for _, pid := range p.participants {
		mine[subject{subjectParticipant, pid}] = true
	}
	for _, lid := range p.leads {
		mine[subject{subjectLead, lid}] = true
	}
	for _, ex := range p.accounts {
		mine[subject{subjectAccount, ex}] = true
	}
	for _, key := range p.Identifiers {
		kind, value, _ := strings.Cut(key, ":")
		var srcs []string
		g := gradePosted
		for _, l := range ev.byKey[key] {
			if !mine[linkSubject(l)] {
				continue
			}
			srcs = append(srcs, l.Source)
			switch {
			case l.SubjectType == subjectLead:
				g = gradeThird
			case !isPosted(l.Source):
				g = gradeOwn
			}
		}
		slices.Sort(srcs)
		sp.Identifiers = append(sp.Identifiers, referral.Identifier{Kind: kind, Value: value, Source: strings.Join(slices.Compact(srcs), "; "), Grading: g})
	}
	for _, lid := range p.leads {
		l := ev.leadBy[lid]
		var prof stealerlog.Profile
		if err := json.Unmarshal([]byte(l.Profile), &prof); err != nil {
			return sp, nil, fmt.Errorf("lead %s: profile: %w", l.LogID, err)
		}
		if l.IP != "" {
			sp.IPEvents = append(sp.IPEvents, referral.IPEvent{Address: l.IP, Time: prof.System.LogDate, Event: "infected machine seen by the stealer",
				Source: "stealer log " + l.LogID, Grading: gradeThird})
		}
		for _, site := range prof.Sites {
			for _, a := range site.Accounts {
				sp.StealerHits = append(sp.StealerHits, referral.StealerHit{Lead: l.LogID, URL: a.URL, Login: a.Login, Password: a.Password, Watched: true})
			}
		}
	}
	for _, pid := range p.participants {
		msgs, err := s.db.MessagesBySender(ctx, c.ID, pid, MaxReferralMessages-len(sp.Messages))
		if err != nil {
			return sp, nil, err
		}
		for _, m := range msgs {
			sp.Messages = append(sp.Messages, referral.Message{Conversation: m.Conversation, ID: m.ExtID, Time: m.AtUTC, Text: identifier.MaskCards(m.Text)})
		}
		if len(sp.Messages) >= MaxReferralMessages {
			break
		}
	}
	sp.Payments = referralPayments(src.payments, p.ID)
	used := map[int64]bool{}
	media, err := s.referralMedia(ctx, c, ev, p, used)
	if err != nil {
		return sp, nil, err
	}
	sp.Media = media
	for _, m := range media {
		if !slices.Contains(sp.Exhibits, m.Exhibit) {
			sp.Exhibits = append(sp.Exhibits, m.Exhibit)
		}
	}
	slices.Sort(sp.Exhibits)
	return sp, used, nil
}

// referralPayments are the payments a person made or received, by time:
// what the case's payment events say of each side, graded by where they
// come from (a seized platform's ledger or an analyst's entry like the
// suspect's own account, a chat message like a posted identifier).
func referralPayments(payments []PaymentView, person string) []referral.Payment {
	var out []referral.Payment
	for _, pv := range payments {
		for _, side := range []struct {
			dir        string
			own, other PaymentPartyView
		}{{"paid", pv.Payer, pv.Payee}, {"received", pv.Payee, pv.Payer}} {
			if side.own.Person != person {
				continue
			}
			g := gradeOwn
			if pv.Source == PaymentFromChat {
				g = gradePosted
			}
			src := pv.Source
			switch {
			case pv.Conversation != "":
				src += ": conversation " + pv.Conversation
				if pv.Message != "" {
					src += " message " + pv.Message
				}
			case pv.Exhibit != "":
				src += ": exhibit " + pv.Exhibit
			}
			if pv.SourceRef != "" {
				src += " (" + pv.SourceRef + ")"
			}
			out = append(out, referral.Payment{Direction: side.dir, Identifier: side.own.Identifier, Counterparty: cmp.Or(side.other.Identifier, side.other.Name),
				CounterpartyCountry: side.other.Country, Amount: pv.Amount, Currency: pv.Currency, Time: pv.At, Method: pv.Method, TxID: pv.TxID,
				Source: src, Evidence: pv.Evidence, CrossBorder: pv.CrossBorder, Grading: g})
		}
	}
	return out
}

// referralMedia lists the known-material files a person shared: hashes,
// category, series, the bank and the exhibit; never a path or content.
func (s *Service) referralMedia(ctx context.Context, c store.Case, ev *caseFacts, p Person, used map[int64]bool) ([]referral.Media, error) {
	want := map[int64]bool{}
	for _, pid := range p.participants {
		for _, f := range ev.sharedBy[pid] {
			if f.Status == "matched" {
				want[f.FileID] = true
			}
		}
	}
	if len(want) == 0 {
		return nil, nil
	}
	var out []referral.Media
	err := s.db.Files(ctx, store.FileFilter{CaseID: c.ID, Status: "matched"}, func(f store.File) error {
		if !want[f.ID] || f.SHA256 == "" {
			return nil
		}
		for _, m := range ev.matches[f.ID] {
			if m.BankKind == "ignorable" {
				continue
			}
			used[f.ExhibitID] = true
			out = append(out, referral.Media{SHA256: f.SHA256, SHA1: f.SHA1, MD5: f.MD5, Category: cmp.Or(m.NormCategory, m.Category, "uncategorised"),
				Series: m.Series, HashSet: m.Bank, Exhibit: exhibitRef(c.Name, f.Exhibit)})
			break
		}
		return nil
	})
	slices.SortFunc(out, func(a, b referral.Media) int { return strings.Compare(a.SHA256+a.Exhibit, b.SHA256+b.Exhibit) })
	return out, err
}

// operationCaseNames lists the cases of an operation the principal may
// read.
func (s *Service) operationCaseNames(ctx context.Context, name string) ([]string, error) {
	op, err := s.operationFor(ctx, name, access.Read)
	if err != nil {
		return nil, err
	}
	cases, err := s.db.OperationCases(ctx, op.ID)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range cases {
		names = append(names, c.Case)
	}
	return names, nil
}

// referable are the operation statuses of a suspect that may be (or
// already was) referred.
var referable = map[string]bool{string(operation.Attributed): true, string(operation.Deconflicted): true,
	string(operation.ReferralPrepared): true, string(operation.Referred): true}

// trackedSuspects are the persons (by case id and person id) an
// operation follows as attributed to country and not yet past referral;
// nil when there is no operation or it follows no suspect yet (the
// ranking's attribution decides then).
func (s *Service) trackedSuspects(ctx context.Context, opName, country string) (map[int64]map[string]bool, error) {
	if opName == "" {
		return nil, nil
	}
	op, err := s.operationFor(ctx, opName, access.Read)
	if err != nil {
		return nil, err
	}
	xs, err := s.db.Suspects(ctx, op.ID)
	if err != nil || len(xs) == 0 {
		return nil, err
	}
	out := map[int64]map[string]bool{}
	for _, x := range xs {
		if x.Country == country && referable[x.Status] {
			if out[x.CaseID] == nil {
				out[x.CaseID] = map[string]bool{}
			}
			out[x.CaseID][x.Person] = true
		}
	}
	return out, nil
}
