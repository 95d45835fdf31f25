package investigation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/icse"
	"github.com/vibora-project/vibora/internal/hashset/vics"
	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/store"
)

// Series export formats.
const (
	ExportICSE = "icse"
)

// SeriesFlags are what an analyst states about a series.
type SeriesFlags struct {
	VictimIdentified   bool
	OffenderIdentified bool
	Baseline           bool
	Country            string // of production, when known (ISO 3166-1 alpha-2)
	Contact            string
}

// SeriesSummary is one line of the list of series.
type SeriesSummary struct {
	Case               string   `json:"case"`
	Agency             string   `json:"agency,omitempty"`
	Name               string   `json:"name"`
	VictimIdentified   bool     `json:"victim_identified"`
	OffenderIdentified bool     `json:"offender_identified"`
	Baseline           bool     `json:"baseline"`
	Country            string   `json:"country,omitempty"`
	Contact            string   `json:"contact,omitempty"`
	Members            int64    `json:"members"`
	SharedWith         []string `json:"shared_with"`
	CreatedAt          string   `json:"created_at"`
	CreatedBy          string   `json:"created_by"`
}

func seriesSummary(s store.Series, shares []string) SeriesSummary {
	return SeriesSummary{Case: s.Case, Agency: s.Agency, Name: s.Name, VictimIdentified: s.VictimIdentified, OffenderIdentified: s.OffenderIdentified,
		Baseline: s.Baseline, Country: s.Country, Contact: s.Contact, Members: s.Members, SharedWith: orEmpty(shares), CreatedAt: s.CreatedAt, CreatedBy: s.CreatedBy}
}

// SeriesMember is one image of a series, as hashes.
type SeriesMember struct {
	SHA256     string `json:"sha256"`
	MD5        string `json:"md5,omitempty"`
	SHA1       string `json:"sha1,omitempty"`
	PDQ        string `json:"pdq,omitempty"`
	PDQQuality int    `json:"pdq_quality"`
	Exhibit    string `json:"exhibit,omitempty"`
}

func seriesMemberView(m store.SeriesMember) SeriesMember {
	return SeriesMember{SHA256: m.SHA256, MD5: m.MD5, SHA1: m.SHA1, PDQ: m.PDQ, PDQQuality: m.PDQQuality, Exhibit: m.Exhibit}
}

// SeriesLink is another series whose images match this one's by PDQ: what
// its side shares (agency, contact, flags), and its case and name only
// when the reader may read that case.
type SeriesLink struct {
	Agency             string `json:"agency,omitempty"`
	Contact            string `json:"contact,omitempty"`
	Case               string `json:"case,omitempty"`
	Name               string `json:"name,omitempty"`
	VictimIdentified   bool   `json:"victim_identified"`
	OffenderIdentified bool   `json:"offender_identified"`
	Baseline           bool   `json:"baseline"`
	Country            string `json:"country,omitempty"`
	Matches            int64  `json:"matches"`
	MinDistance        int    `json:"min_distance"`
	LinkedAt           string `json:"linked_at"`
}

// SeriesView is a series with its members and links.
type SeriesView struct {
	SeriesSummary
	MembersList []SeriesMember `json:"member_hashes"`
	Links       []SeriesLink   `json:"links"`
}

// seriesFor is the access point of a series: its case's permission, or
// for reading, a share of the series to the caller's agency. A series the
// caller may not read is not found.
func (s *Service) seriesFor(ctx context.Context, caseName, name string, perm access.Permission) (store.Series, error) {
	c, err := s.caseFor(ctx, caseName, perm)
	if err == nil {
		if !nameMayExist(name) {
			return store.Series{}, notFound("series", name)
		}
		return s.db.SeriesByName(ctx, c.ID, name)
	}
	if perm != access.Read || !errors.Is(err, store.ErrNotFound) || !nameMayExist(caseName) || !nameMayExist(name) {
		return store.Series{}, err
	}
	p, perr := s.principal(ctx)
	if perr != nil || p.Agency == "" {
		return store.Series{}, err
	}
	// A series shared with the caller's agency (a victim-ID desk).
	cs, cerr := s.db.CaseByName(ctx, caseName)
	if cerr != nil {
		return store.Series{}, err
	}
	sr, serr := s.db.SeriesByName(ctx, cs.ID, name)
	if serr != nil {
		return store.Series{}, notFound("series", name)
	}
	shares, serr := s.db.SeriesShares(ctx)
	if serr != nil {
		return store.Series{}, serr
	}
	if !slices.Contains(shares[sr.ID], p.Agency) {
		return store.Series{}, err
	}
	return sr, nil
}

// CreateSeries turns a new-material cluster of a case (its ID in `vibora
// clusters --case`) into a victim-identification series: the hashes of the
// cluster's images in the case, with the analyst's flags. Series of other
// cases, of any agency, whose images match by PDQ are linked to it.
func (s *Service) CreateSeries(ctx context.Context, caseName, name string, cluster int, f SeriesFlags) (SeriesView, error) {
	c, err := s.caseFor(ctx, caseName, access.Write)
	if err != nil {
		return SeriesView{}, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return SeriesView{}, fmt.Errorf("series name is empty: %w", ErrInvalid)
	}
	for _, t := range []struct{ what, v string }{{"series name", name}, {"contact", f.Contact}} {
		if err := checkText(t.what, t.v, MaxNameLen); err != nil {
			return SeriesView{}, err
		}
	}
	if f.Country != "" {
		cc, ok := identifier.ParseCountry(f.Country)
		if !ok || len(f.Country) != 2 {
			return SeriesView{}, fmt.Errorf("country %q: want an ISO 3166-1 alpha-2 code: %w", f.Country, ErrInvalid)
		}
		f.Country = cc
	}
	clusters, err := s.Clusters(ctx, c.Name, ClusterOptions{})
	if err != nil {
		return SeriesView{}, err
	}
	i := slices.IndexFunc(clusters, func(cl Cluster) bool { return cl.ID == cluster })
	if i < 0 {
		return SeriesView{}, fmt.Errorf("cluster %d of case %q ('vibora clusters --case %s' lists them): %w", cluster, c.Name, c.Name, store.ErrNotFound)
	}
	digests := map[string][2]string{} // sha256 -> md5, sha1
	err = s.db.Files(ctx, store.FileFilter{CaseID: c.ID, ImagesPDQ: true}, func(f store.File) error {
		digests[f.SHA256] = [2]string{f.MD5, f.SHA1}
		return nil
	})
	if err != nil {
		return SeriesView{}, err
	}
	var members []store.SeriesMember
	for _, m := range clusters[i].Members {
		if m.Case != c.Name {
			continue // another case's image: its own series
		}
		d := digests[m.SHA256]
		members = append(members, store.SeriesMember{SHA256: m.SHA256, MD5: d[0], SHA1: d[1], PDQ: m.PDQ, PDQQuality: m.Quality, Exhibit: m.Exhibit})
	}
	links, err := s.seriesLinks(ctx, members)
	if err != nil {
		return SeriesView{}, err
	}
	// The contacts of both sides are told through deconfliction notices:
	// the series of another case that the new one links to.
	others := map[int64]store.Series{}
	if len(links) > 0 {
		all, err := s.db.AllSeries(ctx)
		if err != nil {
			return SeriesView{}, err
		}
		for _, o := range all {
			others[o.ID] = o
		}
	}
	sr := store.Series{CaseID: c.ID, Case: c.Name, Agency: c.Agency, Name: name, VictimIdentified: f.VictimIdentified, OffenderIdentified: f.OffenderIdentified,
		Baseline: f.Baseline, Country: f.Country, Contact: f.Contact, CreatedAt: s.timestamp(), CreatedBy: s.actor(ctx)}
	ch := &change{action: "series.create", object: "series:" + c.Name + "/" + name}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error {
		if err := tx.InsertSeries(ctx, &sr, members); err != nil {
			return err
		}
		var hits []store.DeconflictHit
		for other, l := range links {
			if err := tx.PutSeriesLink(ctx, sr.ID, other, l.matches, l.min, sr.CreatedAt); err != nil {
				return err
			}
			if o, ok := others[other]; ok && o.CaseID != c.ID {
				hits = append(hits, store.DeconflictHit{OtherCaseID: o.CaseID, Kind: store.SeriesKind, Key: fmt.Sprintf("series:%d-%d", min(sr.ID, other), max(sr.ID, other))})
			}
		}
		changes, err := tx.RecordHits(ctx, c.ID, hits, sr.CreatedAt)
		if err != nil {
			return err
		}
		ch.after = seriesSummary(sr, nil)
		ch.detail = map[string]int{"members": len(members), "links": len(links), "notices": len(changes)}
		return nil
	})
	if err != nil {
		return SeriesView{}, err
	}
	return s.Series(ctx, c.Name, name)
}

type linkCount struct {
	matches int64
	min     int
}

// seriesLinks finds the stored series with an image within the PDQ
// clustering distance of one of members.
func (s *Service) seriesLinks(ctx context.Context, members []store.SeriesMember) (map[int64]linkCount, error) {
	var mine []pdq.Hash
	for _, m := range members {
		if h, err := pdq.ParseHex(m.PDQ); err == nil && m.PDQ != "" {
			mine = append(mine, h)
		}
	}
	out := map[int64]linkCount{}
	if len(mine) == 0 {
		return out, nil
	}
	all, err := s.db.SeriesMembers(ctx, 0)
	if err != nil {
		return nil, err
	}
	for _, m := range all {
		h, err := pdq.ParseHex(m.PDQ)
		if err != nil || m.PDQ == "" {
			continue
		}
		best := -1
		for _, x := range mine {
			if d := pdq.Distance(x, h); d <= DefaultMaxDistance && (best < 0 || d < best) {
				best = d
			}
		}
		if best < 0 {
			continue
		}
		l, seen := out[m.SeriesID]
		if !seen || best < l.min {
			l.min = best
		}
		l.matches++
		out[m.SeriesID] = l
	}
	return out, nil
}

// SeriesList lists the series of the cases the caller may read and those
// shared with its agency.
func (s *Service) SeriesList(ctx context.Context) ([]SeriesSummary, error) {
	p, err := s.principal(ctx)
	if err != nil {
		return nil, err
	}
	readable, err := s.readableCases(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.db.AllSeries(ctx)
	if err != nil {
		return nil, err
	}
	shares, err := s.db.SeriesShares(ctx)
	if err != nil {
		return nil, err
	}
	out := []SeriesSummary{}
	for _, sr := range all {
		if readable[sr.Case] || (p.Agency != "" && slices.Contains(shares[sr.ID], p.Agency)) {
			out = append(out, seriesSummary(sr, shares[sr.ID]))
		}
	}
	return out, nil
}

// Series shows a series: flags, contact, member hashes, the agencies it is
// shared with, and the series linked to it by PDQ.
func (s *Service) Series(ctx context.Context, caseName, name string) (SeriesView, error) {
	sr, err := s.seriesFor(ctx, caseName, name, access.Read)
	if err != nil {
		return SeriesView{}, err
	}
	shares, err := s.db.SeriesShares(ctx)
	if err != nil {
		return SeriesView{}, err
	}
	members, err := s.db.SeriesMembers(ctx, sr.ID)
	if err != nil {
		return SeriesView{}, err
	}
	links, err := s.db.SeriesLinks(ctx, sr.ID)
	if err != nil {
		return SeriesView{}, err
	}
	readable, err := s.readableCases(ctx)
	if err != nil {
		return SeriesView{}, err
	}
	v := SeriesView{SeriesSummary: seriesSummary(sr, shares[sr.ID]), MembersList: views(members, seriesMemberView), Links: []SeriesLink{}}
	for _, l := range links {
		o := l.Other
		sl := SeriesLink{Agency: o.Agency, Contact: o.Contact, VictimIdentified: o.VictimIdentified, OffenderIdentified: o.OffenderIdentified,
			Baseline: o.Baseline, Country: o.Country, Matches: l.Matches, MinDistance: l.MinDistance, LinkedAt: l.CreatedAt}
		if readable[o.Case] {
			sl.Case, sl.Name = o.Case, o.Name
		}
		v.Links = append(v.Links, sl)
	}
	return v, nil
}

// ShareSeries shares a series with an agency (a hub's victim-ID desk): its
// users then see the series (hashes, flags, contact, links), not the case.
func (s *Service) ShareSeries(ctx context.Context, caseName, name, agency string) (SeriesSummary, error) {
	sr, err := s.seriesFor(ctx, caseName, name, access.Write)
	if err != nil {
		return SeriesSummary{}, err
	}
	agency = strings.TrimSpace(agency)
	if agency == "" {
		return SeriesSummary{}, fmt.Errorf("agency name is empty: %w", ErrInvalid)
	}
	if err := checkText("agency", agency, MaxNameLen); err != nil {
		return SeriesSummary{}, err
	}
	if err := s.caseAgency(ctx, agency); err != nil {
		return SeriesSummary{}, err
	}
	ch := &change{action: "series.share", object: "series:" + sr.Case + "/" + sr.Name, detail: map[string]string{"agency": agency}}
	err = s.mutate(ctx, ch, func(tx *store.Tx) error { return tx.PutSeriesShare(ctx, sr.ID, agency, s.timestamp(), s.actor(ctx)) })
	if err != nil {
		return SeriesSummary{}, err
	}
	shares, err := s.db.SeriesShares(ctx)
	return seriesSummary(sr, shares[sr.ID]), err
}

// ExportSeries writes a series as an ICSE CSV export or a VICS 2.0 hash
// list (hashes, series name and flags only) and audits the export with the
// count and SHA-256 of what was written.
func (s *Service) ExportSeries(ctx context.Context, caseName, name, format string, w io.Writer) (int64, error) {
	sr, err := s.seriesFor(ctx, caseName, name, access.Read)
	if err != nil {
		return 0, err
	}
	h := sha256.New()
	mw := io.MultiWriter(w, h)
	var rw recordWriter
	switch format {
	case ExportICSE:
		rw = icse.NewWriter(mw)
	case ExportVICS:
		rw = vics.NewWriter(mw)
	default:
		return 0, fmt.Errorf("export format %q: want icse or vics: %w", format, ErrInvalid)
	}
	members, err := s.db.SeriesMembers(ctx, sr.ID)
	if err != nil {
		return 0, err
	}
	tri := func(b bool) hashset.Tri {
		if b {
			return hashset.True
		}
		return hashset.False
	}
	for _, m := range members {
		var rec hashset.Record
		for _, d := range []struct {
			hex  string
			kind hashset.HashKind
		}{{m.MD5, hashset.HashMD5}, {m.SHA1, hashset.HashSHA1}, {m.SHA256, hashset.HashSHA256}} {
			if d.hex != "" {
				if err := rec.SetHex(d.hex, d.kind, hashset.HashSHA256); err != nil {
					return rw.Count(), fmt.Errorf("series %q member %s: %w", sr.Name, m.SHA256, err)
				}
			}
		}
		if p, err := pdq.ParseHex(m.PDQ); err == nil && m.PDQ != "" {
			rec.SetPDQ(p)
			rec.SetPDQQuality(uint8(min(max(m.PDQQuality, 0), 100)))
		}
		rec.Series, rec.VictimIdentified, rec.OffenderIdentified = sr.Name, tri(sr.VictimIdentified), tri(sr.OffenderIdentified)
		if sr.Baseline && format == ExportICSE {
			rec.Category = "baseline"
		}
		if err := rw.Write(&rec); err != nil {
			return rw.Count(), fmt.Errorf("series %q: %w", sr.Name, err)
		}
	}
	if err := rw.Close(); err != nil {
		return rw.Count(), err
	}
	ch := &change{action: "series.export", object: "series:" + sr.Case + "/" + sr.Name,
		detail: map[string]any{"format": format, "records": rw.Count(), "sha256": hex.EncodeToString(h.Sum(nil))}}
	return rw.Count(), s.mutate(ctx, ch, func(*store.Tx) error { return nil })
}
