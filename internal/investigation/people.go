package investigation

import (
	"cmp"
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/vibora-project/vibora/internal/identifier"
	"github.com/vibora-project/vibora/internal/store"
)

// Scoring weights of the suspect ranking (docs/suspects.md). Distributing
// known material weighs most; sharing unknown images is flagged for victim
// identification; creators and admins run the group.
const (
	WeightKnownFile    = 10.0 // per known-material file shared
	WeightKnownSeries  = 5.0  // per distinct known series shared
	WeightNewFile      = 6.0  // per unknown image shared (possible new material)
	WeightCreator      = 8.0
	WeightAdmin        = 5.0
	WeightInvite       = 1.0 // per member added, at most MaxInviteScore
	MaxInviteScore     = 5.0
	WeightWatchedSite  = 6.0 // per watched site in a linked stealer-log lead
	WeightMessage      = 0.1 // per message, at most MaxActivityScore
	MaxActivityScore   = 3.0
	WeightCrossSources = 2.0 // per extra conversation or lead the person links
)

// Person is one human as far as the evidence tells: participants of
// conversations and stealer-log leads joined by a shared identifier.
type Person struct {
	ID            string           `json:"id"` // P<participant row> or L<lead row>: stable
	Name          string           `json:"person"`
	Names         []string         `json:"names"`
	Identifiers   []string         `json:"identifiers"` // keys, e.g. phone:+12025550143
	Conversations []string         `json:"conversations"`
	Leads         []string         `json:"leads"`
	Links         []string         `json:"links"`          // why the pieces are one person
	PossibleLinks []string         `json:"possible_links"` // weaker ties, not merged
	Roles         []string         `json:"roles"`
	Messages      int64            `json:"messages"`
	Forwards      int64            `json:"forwards"`
	First         string           `json:"first_activity,omitempty"`
	Last          string           `json:"last_activity,omitempty"`
	KnownShared   int64            `json:"known_shared"`
	KnownSeries   map[string]int64 `json:"known_by_series"`
	NewShared     int64            `json:"new_shared"`
	Invited       int64            `json:"invited"`
	Joins         int64            `json:"joins"`
	Departures    int64            `json:"departures"`
	InvitedBy     []string         `json:"invited_by"`
	WatchedSites  int              `json:"watched_sites"`
	// Countries are where the person's identifiers point (phone calling
	// codes, ccTLDs, stealer-log country fields, IPs when a GeoIP database
	// is configured), best first, each with its evidence.
	Countries    []identifier.Candidate `json:"countries"`
	Score        float64                `json:"score"`
	Reasons      []string               `json:"reasons"`
	participants []int64
	leads        []int64
	accounts     []int64            // exhibits of full-account exports this person owns
	shared       []store.SharedFile // known and new files shared
}

// linkKinds are the identifier kinds that tie two sources to one person.
// IP addresses (shared by networks), domains, URLs and bare logins (the
// same word on two sites need not be one person) do not.
var linkKinds = map[string]bool{"phone": true, "email": true, "username": true, "telegram_id": true, "btc": true, "eth": true,
	"ltc": true, "xmr": true, "trx": true, "ton": true, "hwid": true, "imei": true}

// People groups a case's participants and leads into persons and ranks
// them as suspects, best first. Every score lists the facts behind it.
func (s *Service) People(ctx context.Context, caseName string) ([]Person, error) {
	c, err := s.db.CaseByName(ctx, caseName)
	if err != nil {
		return nil, err
	}
	acts, err := s.db.Activity(ctx, c.ID, 0)
	if err != nil {
		return nil, err
	}
	leads, err := s.db.Leads(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	links, err := s.db.IdentifierLinks(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	events, err := s.db.Events(ctx, c.ID, 0)
	if err != nil {
		return nil, err
	}
	shared, err := s.db.SharedFiles(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	matches, err := s.db.FileMatches(ctx, c.ID)
	if err != nil {
		return nil, err
	}

	// Union-find over subjects ("participant:12", "lead:3").
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if parent[x] == "" || parent[x] == x {
			parent[x] = x
			return x
		}
		r := find(parent[x])
		parent[x] = r
		return r
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra != rb {
			if ra < rb {
				parent[rb] = ra
			} else {
				parent[ra] = rb
			}
		}
	}
	actBy := map[int64]store.ParticipantActivity{}
	for _, a := range acts {
		actBy[a.ID] = a
		find(subject("participant", a.ID))
	}
	leadBy := map[int64]store.Lead{}
	for _, l := range leads {
		leadBy[l.ID] = l
		find(subject("lead", l.ID))
	}
	byKey := map[string][]store.IdentifierLink{}
	accountName := map[int64]string{} // exhibit -> owner, for full-account exports
	for _, l := range links {
		byKey[l.Key] = append(byKey[l.Key], l)
		if l.SubjectType == "account" {
			find(subject("account", l.SubjectID))
			if owner, ok := strings.CutPrefix(l.Source, "telegram account owner "); ok && owner != "" {
				accountName[l.SubjectID] = owner
			}
		}
	}
	linkNotes := map[string][]string{} // root -> notes, filled after unions
	type pair struct{ a, b, note string }
	var pairs []pair
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Profiles (phone, username, platform id) and stealer logs (the
	// victim machine's own accounts) are strong evidence: they join
	// sources into one person. An identifier a participant merely posted
	// in a message is weak: it joins that participant to a stealer-log
	// lead or a profile carrying it, but two participants who posted the
	// same number are only noted as a possible link (one may be quoting
	// the other).
	possible := map[string][]string{}
	for _, k := range keys {
		ls := byKey[k]
		kind := ls[0].Kind
		if !linkKinds[kind] || (kind == "username" && strings.Count(k, ":") < 2) {
			continue
		}
		var strong, weak []store.IdentifierLink
		for _, l := range ls {
			if strings.HasPrefix(l.Source, "posted in") {
				weak = append(weak, l)
			} else {
				strong = append(strong, l)
			}
		}
		join := func(a, b store.IdentifierLink) {
			sa, sb := subject(a.SubjectType, a.SubjectID), subject(b.SubjectType, b.SubjectID)
			if sa == sb || find(sa) == find(sb) {
				return
			}
			union(sa, sb)
			pairs = append(pairs, pair{sa, sb, fmt.Sprintf("%s: %s (%s) and %s (%s)", k,
				describe(sa, actBy, leadBy), a.Source, describe(sb, actBy, leadBy), b.Source)})
		}
		if len(strong) > 0 {
			for _, l := range strong[1:] {
				join(strong[0], l)
			}
			for _, l := range weak {
				join(strong[0], l)
			}
			continue
		}
		for _, l := range weak[1:] {
			sa, sb := subject(weak[0].SubjectType, weak[0].SubjectID), subject(l.SubjectType, l.SubjectID)
			if sa != sb {
				note := fmt.Sprintf("possible link, not merged: %s posted by %s and by %s", k, describe(sa, actBy, leadBy), describe(sb, actBy, leadBy))
				possible[sa] = append(possible[sa], note)
				possible[sb] = append(possible[sb], note)
			}
		}
	}
	// A number change is the platform saying two numbers are one account.
	for _, e := range events {
		if e.Kind != "number_change" {
			continue
		}
		oldN, errA := identifier.Normalize(identifier.KindPhone, detailValue(e.Detail, "old_number"), identifier.NormalizeOptions{})
		newN, errB := identifier.Normalize(identifier.KindPhone, detailValue(e.Detail, "new_number"), identifier.NormalizeOptions{})
		if errA != nil || errB != nil {
			continue
		}
		olds, news := byKey["phone:"+oldN], byKey["phone:"+newN]
		for _, a := range olds {
			for _, b := range news {
				sa, sb := subject(a.SubjectType, a.SubjectID), subject(b.SubjectType, b.SubjectID)
				if find(sa) != find(sb) {
					union(sa, sb)
					pairs = append(pairs, pair{sa, sb, fmt.Sprintf("number change %s -> %s announced in the conversation (message %s)", oldN, newN, e.Message)})
				}
			}
		}
	}
	for _, p := range pairs {
		r := find(p.a)
		linkNotes[r] = append(linkNotes[r], p.note)
	}

	// Build persons.
	persons := map[string]*Person{}
	get := func(subj string) *Person {
		r := find(subj)
		p := persons[r]
		if p == nil {
			p = &Person{KnownSeries: map[string]int64{}, Links: linkNotes[r]}
			persons[r] = p
		}
		return p
	}
	for _, a := range acts {
		subj := subject("participant", a.ID)
		p := get(subj)
		p.participants = append(p.participants, a.ID)
		p.PossibleLinks = append(p.PossibleLinks, possible[subj]...)
	}
	for _, l := range leads {
		p := get(subject("lead", l.ID))
		p.leads = append(p.leads, l.ID)
	}
	for subj := range parent {
		var exhibit int64
		if _, err := fmt.Sscanf(subj, "account:%d", &exhibit); err == nil {
			p := get(subj)
			p.accounts = append(p.accounts, exhibit)
		}
	}
	idsOf := map[string]map[string]bool{}
	for _, l := range links {
		r := find(subject(l.SubjectType, l.SubjectID))
		if idsOf[r] == nil {
			idsOf[r] = map[string]bool{}
		}
		if linkKinds[l.Kind] || l.Kind == "ipv4" || l.Kind == "ipv6" {
			idsOf[r][l.Key] = true
		}
	}
	sharedBy := map[int64][]store.SharedFile{}
	for _, f := range shared {
		sharedBy[f.ParticipantID] = append(sharedBy[f.ParticipantID], f)
	}
	eventsBy := map[int64][]store.EventView{}
	for _, e := range events {
		if e.ActorID != 0 {
			eventsBy[e.ActorID] = append(eventsBy[e.ActorID], e)
		}
		if e.TargetID != 0 && e.TargetID != e.ActorID {
			eventsBy[e.TargetID] = append(eventsBy[e.TargetID], e)
		}
	}
	var out []Person
	for root, p := range persons {
		sort.Slice(p.participants, func(i, j int) bool { return p.participants[i] < p.participants[j] })
		sort.Slice(p.leads, func(i, j int) bool { return p.leads[i] < p.leads[j] })
		names, convs, roles := map[string]bool{}, map[string]bool{}, map[string]bool{}
		seenFile := map[int64]bool{}
		for _, pid := range p.participants {
			a := actBy[pid]
			for _, n := range strings.Split(a.Names, "\n") {
				if n != "" {
					names[n] = true
				}
			}
			if a.DisplayName != "" && p.Name == "" {
				p.Name = a.DisplayName
			}
			convs[a.Platform+": "+a.Conversation] = true
			if a.Role != "" {
				roles[a.Role+" of "+a.Conversation] = true
			}
			p.Messages += a.Messages
			p.Forwards += a.Forwards
			if a.First != "" && (p.First == "" || a.First < p.First) {
				p.First = a.First
			}
			if a.Last > p.Last {
				p.Last = a.Last
			}
			for _, f := range sharedBy[pid] {
				if seenFile[f.FileID] {
					continue
				}
				seenFile[f.FileID] = true
				switch {
				case f.Status == "matched":
					p.KnownShared++
					p.shared = append(p.shared, f)
					series := map[string]bool{}
					for _, m := range matches[f.FileID] {
						if m.BankKind != "ignorable" {
							series[cmp.Or(m.Series, "(no series)")+" / "+cmp.Or(m.NormCategory, m.Category)] = true
						}
					}
					for s := range series {
						p.KnownSeries[s]++
					}
				case f.Status == "unknown" && f.PDQ != "":
					p.NewShared++
					p.shared = append(p.shared, f)
				}
			}
			for _, e := range eventsBy[pid] {
				switch {
				case e.Kind == "create" && e.ActorID == pid:
					roles["creator of "+a.Conversation] = true
				case e.Kind == "add" && e.ActorID == pid && e.TargetID != pid:
					p.Invited++
				case (e.Kind == "join" || e.Kind == "join_link" || e.Kind == "add" || e.Kind == "join_request") && e.TargetID == pid:
					p.Joins++
					if e.Actor != "" && e.ActorID != pid {
						p.InvitedBy = append(p.InvitedBy, e.Actor)
					} else if inv := detailValue(e.Detail, "inviter"); inv != "" {
						p.InvitedBy = append(p.InvitedBy, inv)
					}
				case (e.Kind == "leave" || e.Kind == "remove") && e.TargetID == pid:
					p.Departures++
				}
			}
		}
		for _, lid := range p.leads {
			l := leadBy[lid]
			p.Leads = append(p.Leads, l.LogID)
			p.WatchedSites += l.WatchedSites
			if p.Name == "" {
				p.Name = cmp.Or(strings.Trim(l.Machine+"/"+l.OSUser, "/"), l.LogID)
			}
		}
		sort.Slice(p.accounts, func(i, j int) bool { return p.accounts[i] < p.accounts[j] })
		for _, ex := range p.accounts {
			convs["telegram: owner of the full-account export"] = true
			if p.Name == "" {
				p.Name = accountName[ex]
			}
		}
		switch {
		case len(p.participants) > 0:
			p.ID = fmt.Sprintf("P%d", p.participants[0])
		case len(p.leads) > 0:
			p.ID = fmt.Sprintf("L%d", p.leads[0])
		default:
			p.ID = fmt.Sprintf("A%d", p.accounts[0])
		}
		p.Names, p.Conversations, p.Roles = sortedKeys(names), sortedKeys(convs), sortedKeys(roles)
		p.Identifiers = sortedKeys(idsOf[root])
		p.Countries = s.attribute(p.Identifiers, p.leads, leadBy)
		p.InvitedBy = uniqueSorted(p.InvitedBy)
		p.score()
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].ID < out[j].ID
	})
	for i := range out {
		out[i].Names, out[i].Conversations, out[i].Leads = nonNilS(out[i].Names), nonNilS(out[i].Conversations), nonNilS(out[i].Leads)
		out[i].PossibleLinks = nonNilS(uniqueSorted(out[i].PossibleLinks))
		out[i].Links, out[i].Roles, out[i].InvitedBy, out[i].Identifiers = nonNilS(out[i].Links), nonNilS(out[i].Roles), nonNilS(out[i].InvitedBy), nonNilS(out[i].Identifiers)
	}
	return out, nil
}

// attribute places a person through their identifiers and the country
// fields of their stealer logs.
func (s *Service) attribute(keys []string, leads []int64, leadBy map[int64]store.Lead) []identifier.Candidate {
	var sig []identifier.Signal
	for _, k := range keys {
		kind, v, _ := strings.Cut(k, ":")
		if kind == "username" || kind == "telegram_id" || kind == "hwid" {
			continue // say nothing about a country
		}
		sig = append(sig, identifier.Signal{Kind: identifier.SignalIdentifier, Value: v})
	}
	for _, id := range leads {
		if c := leadBy[id].Country; c != "" {
			sig = append(sig, identifier.Signal{Kind: identifier.SignalStealerCountry, Value: c})
		}
	}
	a := identifier.Attributor{GeoIP: s.GeoIP}
	out := a.Attribute(sig)
	if out == nil {
		return []identifier.Candidate{}
	}
	return out
}

// score computes the documented ranking, each part with its reason.
func (p *Person) score() {
	add := func(v float64, reason string) {
		if v > 0 {
			p.Score += v
			p.Reasons = append(p.Reasons, fmt.Sprintf("+%.1f %s", v, reason))
		}
	}
	add(WeightKnownFile*float64(p.KnownShared), fmt.Sprintf("shared %d known-material file(s)", p.KnownShared))
	series := sortedKeysInt(p.KnownSeries)
	if len(series) > 0 {
		add(WeightKnownSeries*float64(len(series)), fmt.Sprintf("known series: %s", strings.Join(series, ", ")))
	}
	add(WeightNewFile*float64(p.NewShared), fmt.Sprintf("shared %d unknown image(s): possible new material, flag for victim identification", p.NewShared))
	for _, r := range p.Roles {
		switch {
		case strings.HasPrefix(r, "creator"):
			add(WeightCreator, r)
		case strings.HasPrefix(r, "admin"):
			add(WeightAdmin, r)
		}
	}
	add(min(WeightInvite*float64(p.Invited), MaxInviteScore), fmt.Sprintf("added %d member(s)", p.Invited))
	add(WeightWatchedSite*float64(p.WatchedSites), fmt.Sprintf("stealer-log credentials for %d watched site(s) (%s)", p.WatchedSites, strings.Join(p.Leads, ", ")))
	add(min(WeightMessage*float64(p.Messages), MaxActivityScore), fmt.Sprintf("%d message(s)", p.Messages))
	if extra := len(p.participants) + len(p.leads) + len(p.accounts) - 1; extra > 0 {
		add(WeightCrossSources*float64(extra), fmt.Sprintf("same person in %d sources (%s)", extra+1, strings.Join(p.Identifiers, ", ")))
	}
	if p.Reasons == nil {
		p.Reasons = []string{}
	}
}

func subject(typ string, id int64) string { return fmt.Sprintf("%s:%d", typ, id) }

func describe(subj string, acts map[int64]store.ParticipantActivity, leads map[int64]store.Lead) string {
	var typ string
	var id int64
	fmt.Sscanf(strings.Replace(subj, ":", " ", 1), "%s %d", &typ, &id)
	switch typ {
	case "participant":
		a := acts[id]
		return fmt.Sprintf("%s in %s %q", cmp.Or(a.DisplayName, a.ExtID), a.Platform, a.Conversation)
	case "account":
		return "the owner of a full-account export"
	}
	return "stealer log " + leads[id].LogID
}

func detailValue(detail, key string) string {
	for _, f := range strings.Split(detail, "; ") {
		if k, v, ok := strings.Cut(f, "="); ok && k == key {
			return v
		}
	}
	return ""
}

func uniqueSorted(s []string) []string {
	m := map[string]bool{}
	for _, x := range s {
		m[x] = true
	}
	return sortedKeys(m)
}

func sortedKeysInt(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func nonNilS(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
