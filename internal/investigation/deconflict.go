package investigation

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/deconflict"
	"github.com/vibora-project/vibora/internal/store"
)

// Hub-internal deconfliction: when a case holds an identifier (of
// deconflict.Kinds) or a media file's SHA-256 that a case of another
// agency holds, both cases get a notice naming the other agency, the kind
// and whom to contact, never the other case's content. The check runs in
// the transaction that adds identifiers or files (mutate calls
// deconflictAdded) and on demand (CheckDeconfliction).

// NoticeView is a deconfliction notice as its case's readers see it.
type NoticeView struct {
	ID   int64  `json:"id"`
	Case string `json:"case"` // the notified case
	Kind string `json:"kind"` // identifier kind, or "media"
	// Agency holds the match; Contact is whom to call about it.
	Agency  string `json:"agency"`
	Country string `json:"country,omitempty"`
	Contact string `json:"contact"`
	// OtherCase is named only to a caller who may read it.
	OtherCase string `json:"other_case,omitempty"`
	Matches   int64  `json:"matches"`
	// Keys are the notified case's own matching identifiers (kind:value,
	// or sha256:<hex> for media).
	Keys         []string `json:"keys"`
	Message      string   `json:"message"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
	Acknowledged bool     `json:"acknowledged"`
	AckedAt      string   `json:"acked_at,omitempty"`
	AckedBy      string   `json:"acked_by,omitempty"`
}

// DeconflictCheckView is the result of an on-demand check of a case.
type DeconflictCheckView struct {
	Case       string       `json:"case"`
	Hits       int          `json:"hits"`        // keys of the case held by another agency's case
	NewMatches int          `json:"new_matches"` // match entries added to notices (both sides)
	Notices    []NoticeView `json:"notices"`     // the case's notices after the check
}

func noticeMessage(n store.Notice) string {
	contact := n.OtherContact
	if contact == "" {
		contact = "(no contact recorded)"
	}
	kind := "identifier kind " + n.Kind
	switch n.Kind {
	case store.MediaKind:
		kind = "media hash"
	case store.SeriesKind:
		kind = "victim-identification series (linked by PDQ)"
	}
	return fmt.Sprintf("agency %s holds a match on this %s; contact: %s", n.OtherAgency, kind, contact)
}

func (s *Service) noticeView(ctx context.Context, n store.Notice, readable map[string]bool) (NoticeView, error) {
	keys, err := s.db.NoticeKeys(ctx, n.ID)
	if err != nil {
		return NoticeView{}, err
	}
	v := NoticeView{ID: n.ID, Case: n.CaseName, Kind: n.Kind, Agency: n.OtherAgency, Country: n.OtherCountry, Contact: n.OtherContact,
		Matches: n.Matches, Keys: keys, Message: noticeMessage(n), CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt,
		Acknowledged: n.AckedAt != "", AckedAt: n.AckedAt, AckedBy: n.AckedBy}
	if v.Keys == nil {
		v.Keys = []string{}
	}
	if readable[n.OtherCaseName] {
		v.OtherCase = n.OtherCaseName
	}
	return v, nil
}

func (s *Service) noticeViews(ctx context.Context, ns []store.Notice) ([]NoticeView, error) {
	readable, err := s.readableCases(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]NoticeView, 0, len(ns))
	for _, n := range ns {
		v, err := s.noticeView(ctx, n, readable)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// deconflictAdded runs in the transaction of a mutation: it checks what
// the transaction added (identifiers and files, as the store noted them)
// against the other agencies' cases and records notices, with an audit
// record of its own when any notice changed.
func (s *Service) deconflictAdded(ctx context.Context, tx *store.Tx) error {
	idents, files, err := tx.Added(ctx)
	if err != nil {
		return err
	}
	if len(idents) == 0 && len(files) == 0 {
		return nil
	}
	since := map[int64][2]int64{} // case -> first identifier id, first file id (0: none)
	for c, id := range idents {
		since[c] = [2]int64{id, 0}
	}
	for c, id := range files {
		v := since[c]
		v[1] = id
		since[c] = v
	}
	cases := make([]int64, 0, len(since))
	for c := range since {
		cases = append(cases, c)
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i] < cases[j] })
	for _, c := range cases {
		var hits []store.DeconflictHit
		if id := since[c][0]; id > 0 {
			h, err := tx.IdentifierHits(ctx, c, id, deconflict.Kinds)
			if err != nil {
				return err
			}
			hits = h
		}
		if id := since[c][1]; id > 0 {
			h, err := tx.MediaHits(ctx, c, id)
			if err != nil {
				return err
			}
			hits = append(hits, h...)
		}
		if len(hits) == 0 {
			continue
		}
		if err := s.recordHits(ctx, tx, c, hits, "deconflict.notice"); err != nil {
			return err
		}
	}
	return nil
}

// recordHits stores hits as notices and appends the audit record of the
// notices that changed.
func (s *Service) recordHits(ctx context.Context, tx *store.Tx, caseID int64, hits []store.DeconflictHit, action string) error {
	changes, err := tx.RecordHits(ctx, caseID, hits, s.timestamp())
	if err != nil || len(changes) == 0 {
		return err
	}
	c, err := tx.CaseByID(ctx, caseID)
	if err != nil {
		return err
	}
	type entry struct {
		Notice  int64  `json:"notice"`
		Case    int64  `json:"case_id"`
		Other   int64  `json:"other_case_id"`
		Kind    string `json:"kind"`
		New     int    `json:"new"`
		Created bool   `json:"created,omitempty"`
	}
	var d []entry
	for _, ch := range changes {
		d = append(d, entry{ch.NoticeID, ch.CaseID, ch.OtherCaseID, ch.Kind, ch.New, ch.Created})
	}
	return s.appendAudit(ctx, tx, &change{action: action, object: "case:" + c.Name, detail: map[string]any{"hits": len(hits), "notices": d}})
}

// CheckDeconfliction checks every identifier and media file of the case
// against the other agencies' cases, records notices on both sides and
// returns the case's notices. It needs write permission on the case.
func (s *Service) CheckDeconfliction(ctx context.Context, caseName string) (DeconflictCheckView, error) {
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return DeconflictCheckView{}, err
	}
	out := DeconflictCheckView{Case: c.Name}
	ch := &change{action: "deconflict.check", object: "case:" + c.Name}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		hits, err := tx.IdentifierHits(ctx, c.ID, 0, deconflict.Kinds)
		if err != nil {
			return err
		}
		media, err := tx.MediaHits(ctx, c.ID, 0)
		if err != nil {
			return err
		}
		hits = append(hits, media...)
		out.Hits = len(hits)
		changes, err := tx.RecordHits(ctx, c.ID, hits, s.timestamp())
		if err != nil {
			return err
		}
		notices := map[string]int{}
		for _, n := range changes {
			out.NewMatches += n.New
			notices[strconv.FormatInt(n.NoticeID, 10)] = n.New
		}
		ch.detail = map[string]any{"hits": out.Hits, "new_matches": out.NewMatches, "notices": notices}
		return nil
	})
	if err != nil {
		return out, err
	}
	ns, err := s.db.Notices(ctx, store.NoticeFilter{CaseID: c.ID})
	if err != nil {
		return out, err
	}
	out.Notices, err = s.noticeViews(ctx, ns)
	return out, err
}

// Notices lists the deconfliction notices of one case (caseName), or of
// every case the caller may read (caseName ""); open keeps those not yet
// acknowledged.
func (s *Service) Notices(ctx context.Context, caseName string, open bool) ([]NoticeView, error) {
	f := store.NoticeFilter{Open: open}
	if caseName != "" {
		c, err := s.caseFor(ctx, caseName, access.Read)
		if err != nil {
			return nil, err
		}
		f.CaseID = c.ID
	} else {
		p, err := s.principal(ctx)
		if err != nil {
			return nil, err
		}
		f.Visibility = caseVisibility(p)
	}
	ns, err := s.db.Notices(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.noticeViews(ctx, ns)
}

// noticeFor loads a notice whose case the caller holds perm on; a notice
// of a case it may not read is not found.
func (s *Service) noticeFor(ctx context.Context, id int64, perm access.Permission) (store.Notice, error) {
	n, err := s.db.NoticeByID(ctx, id)
	if err != nil {
		return n, err
	}
	if _, err := s.caseFor(ctx, n.CaseName, perm); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return n, fmt.Errorf("notice %d: %w", id, store.ErrNotFound)
		}
		return n, err
	}
	return n, nil
}

// Notice returns one notice.
func (s *Service) Notice(ctx context.Context, id int64) (NoticeView, error) {
	n, err := s.noticeFor(ctx, id, access.Read)
	if err != nil {
		return NoticeView{}, err
	}
	vs, err := s.noticeViews(ctx, []store.Notice{n})
	if err != nil {
		return NoticeView{}, err
	}
	return vs[0], nil
}

// AckNotice records that the caller has read the notice (and contacted
// the other agency or decided not to). It needs write permission on the
// notice's case. New matches open the notice again.
func (s *Service) AckNotice(ctx context.Context, id int64) (NoticeView, error) {
	n, err := s.noticeFor(ctx, id, access.Write)
	if err != nil {
		return NoticeView{}, err
	}
	ch := &change{action: "deconflict.ack", object: "case:" + n.CaseName + "/notice:" + strconv.FormatInt(id, 10),
		detail: map[string]any{"kind": n.Kind, "agency": n.OtherAgency, "matches": n.Matches}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		return tx.AckNotice(ctx, id, s.timestamp(), s.actor(ctx))
	})
	if err != nil {
		return NoticeView{}, err
	}
	return s.Notice(ctx, id)
}

// ParseNoticeID reads a notice id as the command line and the API take it.
func ParseNoticeID(v string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound("notice", v)
	}
	return id, nil
}
