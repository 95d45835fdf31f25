package investigation

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
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
	// AI-generated material (docs/ai.md): files a person shared, or that
	// are on the exhibit of their full-account export.
	WeightAIFile     = 2.0 // per AI-generated file, at most MaxAIFileScore
	MaxAIFileScore   = 20.0
	WeightAIModel    = 5.0 // per model or LoRA file that a generated image of the case names
	WeightAITraining = 5.0 // per LoRA carrying kohya training claims: evidence of its training data
)

// Person is one human as far as the evidence tells: participants of
// conversations and stealer-log leads joined by a shared identifier. Its
// document is PersonView (View).
type Person struct {
	ID            string // P<participant row> or L<lead row>: stable
	Name          string
	Names         []string
	Identifiers   []string // keys, e.g. phone:+12025550143
	Conversations []string
	Leads         []string
	Links         []Link // why the pieces are one person
	PossibleLinks []Link // weaker ties, not merged
	Roles         []Role
	Messages      int64
	Forwards      int64
	First         string
	Last          string
	KnownShared   int64
	KnownSeries   map[string]int64
	NewShared     int64
	Invited       int64
	Joins         int64
	Departures    int64
	InvitedBy     []string
	WatchedSites  int
	// AI-generated material the person shared or holds (docs/ai.md): the
	// AI-generated files, the model files a generated image of the case
	// names, and the LoRAs with training claims, by path.
	AIFiles    int64
	AIModels   []string
	AITraining []string
	// Exhibits are the seized devices attributed to the person
	// (SetExhibitOwner): what is on them the person holds.
	Exhibits []string
	// Seized platforms: uploads whose hash a bank knows, and those no
	// bank knows (possible new material), of the person's platform users.
	KnownUploaded int64
	NewUploaded   int64
	// Countries are where the person's identifiers point (phone calling
	// codes, ccTLDs, stealer-log country fields, IPs when a GeoIP database
	// is configured), best first, each with its evidence.
	Countries []identifier.Candidate
	// Paid and Received are the payments the person made and received
	// (docs/payments.md); Safeguard flags cross-border ones, whose payee
	// may be a victim to safeguard, with the evidence.
	Paid          []PaymentFlow
	Received      []PaymentFlow
	Safeguard     []string
	Score         float64
	Reasons       []string
	participants  []int64
	leads         []int64
	accounts      []int64  // exhibits of full-account exports this person owns
	ownKeys       []string // identifier keys the person holds as their own (not merely posted)
	platformUsers []int64  // platform users (of seized platform databases) this person is
}

// Role names that weigh in the ranking. Other roles (a Discord server's
// own role names) are shown but not scored.
const (
	RoleCreator = "creator"
	RoleAdmin   = "admin"
)

// Role is a role a person holds in one conversation.
type Role struct {
	Name         string // RoleCreator, RoleAdmin or a platform's role name
	Conversation string
}

func (r Role) String() string { return r.Name + " of " + r.Conversation }

// MarshalText makes a role a sentence in JSON: "creator of Group".
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// LinkKind says why two sources are, or may be, one person.
type LinkKind string

const (
	// LinkIdentifier: both sources carry the identifier Key, at least
	// one of them as its own (a profile, an account, a stealer log).
	LinkIdentifier LinkKind = "identifier"
	// LinkNumberChange: the platform announced that number From became To.
	LinkNumberChange LinkKind = "number_change"
	// LinkPossible: two participants only posted the identifier Key in
	// messages (one may be quoting the other); they are not merged.
	LinkPossible LinkKind = "possible"
)

// Link is one tie between two sources of a person.
type Link struct {
	Kind     LinkKind
	Key      string  // the shared identifier (LinkIdentifier, LinkPossible)
	A, B     LinkEnd // the two sources (LinkIdentifier, LinkPossible)
	From, To string  // the numbers (LinkNumberChange)
	Message  string  // the message announcing the change (LinkNumberChange)
}

// LinkEnd is one side of a link.
type LinkEnd struct {
	Source string // who: a participant in a conversation, a stealer log, an account owner
	Via    string // where the identifier was seen (LinkIdentifier only)
}

func (l Link) String() string {
	switch l.Kind {
	case LinkNumberChange:
		return fmt.Sprintf("number change %s -> %s announced in the conversation (message %s)", l.From, l.To, l.Message)
	case LinkPossible:
		return fmt.Sprintf("possible link, not merged: %s posted by %s and by %s", l.Key, l.A.Source, l.B.Source)
	}
	return fmt.Sprintf("%s: %s (%s) and %s (%s)", l.Key, l.A.Source, l.A.Via, l.B.Source, l.B.Via)
}

// MarshalText makes a link a sentence in JSON, as person show prints it.
func (l Link) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// linkKinds are the identifier kinds that tie two sources to one person.
// IP addresses (shared by networks), domains, URLs, bare logins (the
// same word on two sites need not be one person), BICs and card last
// fours do not.
var linkKinds = map[string]bool{"phone": true, "email": true, "username": true, "telegram_id": true, "btc": true, "eth": true,
	"ltc": true, "xmr": true, "trx": true, "ton": true, "hwid": true, "imei": true,
	// A bank account and a payment handle name one holder; a card's last
	// four digits and a bank's BIC do not.
	"iban": true, "paypal": true, "cashapp": true, "revolut": true, "venmo": true}

// joinsPersons reports whether identifier key (of kind) ties two sources
// to one person: a link kind, and a username only when scoped to a
// platform (username:telegram:name).
func joinsPersons(kind, key string) bool {
	return linkKinds[kind] && (kind != "username" || strings.Count(key, ":") >= 2)
}

// The sources of identifier links that People reads back: the importers
// write them with these functions.
const (
	postedSourcePrefix = "posted in message "
	accountOwnerInfix  = " account owner "
)

// postedSource is the source of an identifier a participant posted in a
// message: weak evidence (see joinByIdentifiers).
func postedSource(messageID string) string { return postedSourcePrefix + messageID }

func isPosted(source string) bool { return strings.HasPrefix(source, postedSourcePrefix) }

// accountOwnerSource is the source of an identifier of the owner of a
// full-account export.
func accountOwnerSource(platform, owner string) string { return platform + accountOwnerInfix + owner }

// accountOwner returns the owner's name from an accountOwnerSource.
func accountOwner(source string) (string, bool) {
	_, owner, ok := strings.Cut(source, accountOwnerInfix)
	return owner, ok && owner != ""
}

// People groups a case's participants and leads into persons and ranks
// them as suspects, best first. Every score lists the facts behind it.
func (s *Service) People(ctx context.Context, caseName string) ([]Person, error) {
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return nil, err
	}
	people, _, err := s.peopleOf(ctx, c)
	return people, err
}

// peopleOf joins and ranks the people of case c (read access checked by
// the caller), and returns the person graph that joined them.
func (s *Service) peopleOf(ctx context.Context, c store.Case) ([]Person, *personGraph, error) {
	ev, err := s.caseEvidence(ctx, c.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("people of case %s: %w", c.Name, err)
	}
	g := newPersonGraph(ev)
	g.joinByIdentifiers()
	g.joinByNumberChanges()
	people := g.persons()
	for i := range people {
		p := &people[i]
		ev.fill(p)
		p.Countries = s.attribute(p.Identifiers, p.leads, ev.leadBy)
	}
	if err := s.fillPayments(ctx, c, people); err != nil {
		return nil, nil, fmt.Errorf("payments of case %s: %w", c.Name, err)
	}
	for i := range people {
		people[i].score()
	}
	rank(people)
	return people, g, nil
}

// caseFacts is what People reads about a case, indexed.
type caseFacts struct {
	acts     []store.ParticipantActivity
	leads    []store.Lead
	links    []store.IdentifierLink
	events   []store.EventView
	shared   []store.SharedFile
	matches  map[int64][]store.FileMatch // by file
	actBy    map[int64]store.ParticipantActivity
	leadBy   map[int64]store.Lead
	byKey    map[string][]store.IdentifierLink
	sharedBy map[int64][]store.SharedFile // by participant
	eventsBy map[int64][]store.EventView  // by actor and by target participant
	owner    map[int64]string             // exhibit -> owner of a full-account export
	exhibits []store.Exhibit              // with the person each is attributed to (Owner)
	ai       *caseAI
	// platformUsers are the platform users linked to other sources.
	platformUsers map[int64]store.PlatformUserSummary
}

// caseEvidence collects the participants, leads, identifier links,
// membership events and shared files of a case.
func (s *Service) caseEvidence(ctx context.Context, caseID int64) (*caseFacts, error) {
	ev := &caseFacts{}
	var err error
	if ev.acts, err = s.db.Activity(ctx, caseID, 0); err != nil {
		return nil, fmt.Errorf("load participants: %w", err)
	}
	if ev.leads, err = s.db.Leads(ctx, caseID); err != nil {
		return nil, fmt.Errorf("load stealer-log leads: %w", err)
	}
	if ev.links, err = s.db.IdentifierLinks(ctx, caseID); err != nil {
		return nil, fmt.Errorf("load identifier links: %w", err)
	}
	// The suspects of a received referral package are another agency's
	// findings, listed apart (ReferralSuspects), not sources of persons.
	ev.links = slices.DeleteFunc(ev.links, func(l store.IdentifierLink) bool { return l.SubjectType == subjectReferral })
	// Platform users join the people through the identifiers that other
	// sources of the case also carry (a platform's other users are listed
	// by PlatformUsers, not here).
	if err := ev.addPlatformUsers(ctx, s.db, caseID); err != nil {
		return nil, fmt.Errorf("load platform users: %w", err)
	}
	if ev.events, err = s.db.Events(ctx, caseID, 0); err != nil {
		return nil, fmt.Errorf("load membership events: %w", err)
	}
	if ev.shared, err = s.db.SharedFiles(ctx, caseID); err != nil {
		return nil, fmt.Errorf("load shared files: %w", err)
	}
	if ev.matches, err = s.db.FileMatches(ctx, caseID); err != nil {
		return nil, fmt.Errorf("load file matches: %w", err)
	}
	if ev.ai, err = s.caseAI(ctx, caseID); err != nil {
		return nil, fmt.Errorf("load AI generation records: %w", err)
	}
	if ev.exhibits, err = s.db.Exhibits(ctx, caseID); err != nil {
		return nil, fmt.Errorf("load exhibits: %w", err)
	}
	ev.index()
	return ev, nil
}

func (ev *caseFacts) index() {
	ev.actBy = map[int64]store.ParticipantActivity{}
	for _, a := range ev.acts {
		ev.actBy[a.ID] = a
	}
	ev.leadBy = map[int64]store.Lead{}
	for _, l := range ev.leads {
		ev.leadBy[l.ID] = l
	}
	ev.byKey = map[string][]store.IdentifierLink{}
	ev.owner = map[int64]string{}
	for _, l := range ev.links {
		ev.byKey[l.Key] = append(ev.byKey[l.Key], l)
		if l.SubjectType == subjectAccount {
			if owner, ok := accountOwner(l.Source); ok {
				ev.owner[l.SubjectID] = owner
			}
		}
	}
	ev.sharedBy = map[int64][]store.SharedFile{}
	for _, f := range ev.shared {
		ev.sharedBy[f.ParticipantID] = append(ev.sharedBy[f.ParticipantID], f)
	}
	ev.eventsBy = map[int64][]store.EventView{}
	for _, e := range ev.events {
		if e.ActorID != 0 {
			ev.eventsBy[e.ActorID] = append(ev.eventsBy[e.ActorID], e)
		}
		if e.TargetID != 0 && e.TargetID != e.ActorID {
			ev.eventsBy[e.TargetID] = append(ev.eventsBy[e.TargetID], e)
		}
	}
}

// Subject types of identifier links (store.IdentifierLink.SubjectType).
const (
	subjectParticipant = "participant"
	subjectLead        = "lead"
	subjectAccount     = "account"  // the owner of a full-account export, by exhibit
	subjectReferral    = "referral" // a suspect of a received referral package
)

// subject is one source of a person: a participant, a lead or an account.
type subject struct {
	typ string
	id  int64
}

func linkSubject(l store.IdentifierLink) subject { return subject{l.SubjectType, l.SubjectID} }

// who describes a subject for a link: `Rowan in telegram "Group"`.
func (ev *caseFacts) who(s subject) string {
	if s.typ == subjectPlatformUser {
		return platformWho(ev.platformUsers[s.id])
	}
	switch s.typ {
	case subjectParticipant:
		a := ev.actBy[s.id]
		return fmt.Sprintf("%s in %s %q", cmp.Or(a.DisplayName, a.ExtID), a.Platform, a.Conversation)
	case subjectAccount:
		return "the owner of a full-account export"
	}
	return "stealer log " + ev.leadBy[s.id].LogID
}

// personGraph joins subjects into persons.
type personGraph struct {
	ev       *caseFacts
	sets     *unionFind
	node     map[subject]int
	subjects []subject // by node
	links    []Link    // the links that joined two persons, in order
	linkNode []int     // the node of each link's first side
	possible []possibleLink
}

// possibleLink is a LinkPossible between two participants.
type possibleLink struct {
	a, b subject
	link Link
}

func newPersonGraph(ev *caseFacts) *personGraph {
	g := &personGraph{ev: ev, sets: newUnionFind(0), node: map[subject]int{}}
	for _, a := range ev.acts {
		g.nodeOf(subject{subjectParticipant, a.ID})
	}
	for _, l := range ev.leads {
		g.nodeOf(subject{subjectLead, l.ID})
	}
	for _, l := range ev.links {
		if l.SubjectType == subjectAccount || l.SubjectType == subjectPlatformUser {
			g.nodeOf(linkSubject(l))
		}
	}
	return g
}

func (g *personGraph) nodeOf(s subject) int {
	if n, ok := g.node[s]; ok {
		return n
	}
	n := g.sets.add()
	g.node[s] = n
	g.subjects = append(g.subjects, s)
	return n
}

func (g *personGraph) root(s subject) int { return g.sets.find(g.nodeOf(s)) }

// join makes a and b one person and records why, unless they already are.
func (g *personGraph) join(a, b subject, why Link) {
	if g.sets.union(g.nodeOf(a), g.nodeOf(b)) {
		g.links = append(g.links, why)
		g.linkNode = append(g.linkNode, g.nodeOf(a))
	}
}

// joinByIdentifiers joins the subjects that share an identifier.
// Profiles (phone, username, platform id), accounts and stealer logs (the
// victim machine's own accounts) are strong evidence: they join sources
// into one person. An identifier a participant merely posted in a message
// is weak: it joins that participant to a strong carrier of it, but two
// participants who only posted the same number are a possible link, not
// merged (one may be quoting the other).
func (g *personGraph) joinByIdentifiers() {
	for _, key := range slices.Sorted(maps.Keys(g.ev.byKey)) {
		ls := g.ev.byKey[key]
		if !joinsPersons(ls[0].Kind, key) {
			continue
		}
		var strong, weak []store.IdentifierLink
		for _, l := range ls {
			if isPosted(l.Source) {
				weak = append(weak, l)
			} else {
				strong = append(strong, l)
			}
		}
		if len(strong) == 0 {
			g.notePossible(key, weak)
			continue
		}
		for _, l := range slices.Concat(strong[1:], weak) {
			a, b := linkSubject(strong[0]), linkSubject(l)
			if a == b {
				continue
			}
			g.join(a, b, Link{Kind: LinkIdentifier, Key: key,
				A: LinkEnd{g.ev.who(a), strong[0].Source}, B: LinkEnd{g.ev.who(b), l.Source}})
		}
	}
}

// notePossible records the participants that posted key as possibly
// one person with the first of them.
func (g *personGraph) notePossible(key string, posted []store.IdentifierLink) {
	a := linkSubject(posted[0])
	for _, l := range posted[1:] {
		if b := linkSubject(l); b != a {
			g.possible = append(g.possible, possibleLink{a, b,
				Link{Kind: LinkPossible, Key: key, A: LinkEnd{Source: g.ev.who(a)}, B: LinkEnd{Source: g.ev.who(b)}}})
		}
	}
}

// joinByNumberChanges joins the carriers of two numbers when the platform
// announced that one became the other: it says they are one account.
func (g *personGraph) joinByNumberChanges() {
	for _, e := range g.ev.events {
		if e.Kind != "number_change" {
			continue
		}
		from, errA := identifier.Normalize(identifier.KindPhone, detailValue(e.Detail, "old_number"), identifier.NormalizeOptions{})
		to, errB := identifier.Normalize(identifier.KindPhone, detailValue(e.Detail, "new_number"), identifier.NormalizeOptions{})
		if errA != nil || errB != nil {
			continue
		}
		why := Link{Kind: LinkNumberChange, From: from, To: to, Message: e.Message}
		for _, a := range g.ev.byKey[identifier.Key(identifier.KindPhone, from)] {
			for _, b := range g.ev.byKey[identifier.Key(identifier.KindPhone, to)] {
				g.join(linkSubject(a), linkSubject(b), why)
			}
		}
	}
}

// persons groups the subjects by person: sources, links and identifiers.
func (g *personGraph) persons() []Person {
	byRoot := map[int]*Person{}
	var roots []int // in order of first appearance
	get := func(s subject) *Person {
		r := g.root(s)
		p := byRoot[r]
		if p == nil {
			p = &Person{KnownSeries: map[string]int64{}}
			byRoot[r] = p
			roots = append(roots, r)
		}
		return p
	}
	for _, s := range g.subjects {
		switch s.typ {
		case subjectParticipant:
			if _, ok := g.ev.actBy[s.id]; ok {
				get(s).participants = append(get(s).participants, s.id)
			}
		case subjectLead:
			if _, ok := g.ev.leadBy[s.id]; ok {
				get(s).leads = append(get(s).leads, s.id)
			}
		case subjectAccount:
			get(s).accounts = append(get(s).accounts, s.id)
		case subjectPlatformUser:
			get(s).platformUsers = append(get(s).platformUsers, s.id)
		}
	}
	for i, l := range g.links {
		if p := byRoot[g.sets.find(g.linkNode[i])]; p != nil {
			p.Links = append(p.Links, l)
		}
	}
	// A possible link between two participants that other evidence made
	// one person is no longer possible: it is moot.
	for _, pl := range g.possible {
		if ra, rb := g.root(pl.a), g.root(pl.b); ra != rb {
			for _, r := range []int{ra, rb} {
				if p := byRoot[r]; p != nil {
					p.PossibleLinks = append(p.PossibleLinks, pl.link)
				}
			}
		}
	}
	ids, own := map[int]map[string]bool{}, map[int]map[string]bool{}
	for _, l := range g.ev.links {
		r := g.root(linkSubject(l))
		if !isPosted(l.Source) {
			if own[r] == nil {
				own[r] = map[string]bool{}
			}
			own[r][l.Key] = true
		}
		if !linkKinds[l.Kind] && l.Kind != "ipv4" && l.Kind != "ipv6" {
			continue
		}
		if ids[r] == nil {
			ids[r] = map[string]bool{}
		}
		ids[r][l.Key] = true
	}
	out := make([]Person, 0, len(roots))
	for _, r := range roots {
		p := byRoot[r]
		slices.Sort(p.participants)
		slices.Sort(p.leads)
		slices.Sort(p.accounts)
		slices.Sort(p.platformUsers)
		p.Identifiers = slices.Sorted(maps.Keys(ids[r]))
		p.ownKeys = slices.Sorted(maps.Keys(own[r]))
		p.PossibleLinks = uniqueLinks(p.PossibleLinks)
		out = append(out, *p)
	}
	return out
}

// uniqueLinks sorts links by their sentence and drops repeated sentences.
func uniqueLinks(ls []Link) []Link {
	slices.SortFunc(ls, func(a, b Link) int { return strings.Compare(a.String(), b.String()) })
	return slices.CompactFunc(ls, func(a, b Link) bool { return a.String() == b.String() })
}

// fill attributes the activity of a person's sources to the person:
// names, conversations, roles, messages, shared files, membership.
func (ev *caseFacts) fill(p *Person) {
	names, convs, roles := map[string]bool{}, map[string]bool{}, map[Role]bool{}
	seenFile := map[int64]bool{}
	for _, pid := range p.participants {
		a := ev.actBy[pid]
		for n := range strings.SplitSeq(a.Names, "\n") {
			if n != "" {
				names[n] = true
			}
		}
		if a.DisplayName != "" && p.Name == "" {
			p.Name = a.DisplayName
		}
		convs[a.Platform+": "+a.Conversation] = true
		if a.Role != "" {
			roles[Role{a.Role, a.Conversation}] = true
		}
		p.Messages += a.Messages
		p.Forwards += a.Forwards
		if a.First != "" && (p.First == "" || a.First < p.First) {
			p.First = a.First
		}
		p.Last = max(p.Last, a.Last)
		ev.fillShared(p, pid, seenFile)
		ev.fillMembership(p, a, roles)
	}
	for _, lid := range p.leads {
		l := ev.leadBy[lid]
		p.Leads = append(p.Leads, l.LogID)
		p.WatchedSites += l.WatchedSites
		if p.Name == "" {
			p.Name = cmp.Or(strings.Trim(l.Machine+"/"+l.OSUser, "/"), l.LogID)
		}
	}
	for _, ex := range p.accounts {
		ev.ai.fillHeld(p, ex, seenFile, "")
		convs["telegram: owner of the full-account export"] = true
		if p.Name == "" {
			p.Name = ev.owner[ex]
		}
	}
	for _, e := range ev.exhibits {
		if e.Owner != "" && p.hasSource(e.Owner) {
			p.Exhibits = append(p.Exhibits, e.Label)
			ev.ai.fillHeld(p, e.ID, seenFile, " on exhibit "+e.Label)
		}
	}
	ev.fillPlatform(p, convs, roles)
	switch {
	case len(p.participants) > 0:
		p.ID = fmt.Sprintf("P%d", p.participants[0])
	case len(p.leads) > 0:
		p.ID = fmt.Sprintf("L%d", p.leads[0])
	case len(p.accounts) > 0:
		p.ID = fmt.Sprintf("A%d", p.accounts[0])
	default:
		p.ID = fmt.Sprintf("U%d", p.platformUsers[0])
	}
	p.Names = slices.Sorted(maps.Keys(names))
	p.Conversations = slices.Sorted(maps.Keys(convs))
	p.Roles = slices.SortedFunc(maps.Keys(roles), func(a, b Role) int { return strings.Compare(a.String(), b.String()) })
	slices.Sort(p.InvitedBy)
	p.InvitedBy = slices.Compact(p.InvitedBy)
}

// fillShared counts the known and unknown files participant pid shared,
// each file once per person.
func (ev *caseFacts) fillShared(p *Person, pid int64, seen map[int64]bool) {
	for _, f := range ev.sharedBy[pid] {
		if seen[f.FileID] {
			continue
		}
		seen[f.FileID] = true
		ev.ai.fill(p, f.FileID, "")
		switch {
		case f.Status == "matched":
			p.KnownShared++
			series := map[string]bool{}
			for _, m := range ev.matches[f.FileID] {
				if m.BankKind != "ignorable" {
					series[cmp.Or(m.Series, "(no series)")+" / "+cmp.Or(m.NormCategory, m.Category)] = true
				}
			}
			for s := range series {
				p.KnownSeries[s]++
			}
		case f.Status == "unknown" && f.PDQ != "":
			p.NewShared++
		}
	}
}

// fillMembership reads the membership events of participant a: groups
// created, members added, joins, departures, who invited them.
func (ev *caseFacts) fillMembership(p *Person, a store.ParticipantActivity, roles map[Role]bool) {
	pid := a.ID
	for _, e := range ev.eventsBy[pid] {
		switch {
		case e.Kind == "create" && e.ActorID == pid:
			roles[Role{RoleCreator, a.Conversation}] = true
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

// rank orders people by score, best first, then by ID, and turns empty
// lists into empty (not null) JSON arrays.
func rank(people []Person) {
	slices.SortFunc(people, func(a, b Person) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.ID, b.ID))
	})
	for i := range people {
		p := &people[i]
		p.Names, p.Conversations, p.Leads = orEmpty(p.Names), orEmpty(p.Conversations), orEmpty(p.Leads)
		p.Links, p.PossibleLinks, p.Roles = orEmpty(p.Links), orEmpty(p.PossibleLinks), orEmpty(p.Roles)
		p.InvitedBy, p.Identifiers = orEmpty(p.InvitedBy), orEmpty(p.Identifiers)
	}
}

// orEmpty turns a nil slice into an empty one so JSON shows [] not null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// attribute places a person through their identifiers and the country
// fields of their stealer logs.
func (s *Service) attribute(keys []string, leads []int64, leadBy map[int64]store.Lead) []identifier.Candidate {
	var sig []identifier.Signal
	for _, k := range keys {
		kind, _, _ := strings.Cut(k, ":")
		if kind == "username" || kind == "telegram_id" || kind == "hwid" {
			continue // say nothing about a country
		}
		sig = append(sig, identifier.Signal{Kind: identifier.SignalKey, Value: k})
	}
	for _, id := range leads {
		if c := leadBy[id].Country; c != "" {
			sig = append(sig, identifier.Signal{Kind: identifier.SignalStealerCountry, Value: c})
		}
	}
	a := s.attributor()
	return orEmpty(a.Attribute(sig))
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
	if series := slices.Sorted(maps.Keys(p.KnownSeries)); len(series) > 0 {
		add(WeightKnownSeries*float64(len(series)), fmt.Sprintf("known series: %s", strings.Join(series, ", ")))
	}
	add(WeightNewFile*float64(p.NewShared), fmt.Sprintf("shared %d unknown image(s): possible new material, flag for victim identification", p.NewShared))
	for _, r := range p.Roles {
		switch r.Name {
		case RoleCreator:
			add(WeightCreator, r.String())
		case RoleAdmin:
			add(WeightAdmin, r.String())
		}
	}
	add(min(WeightInvite*float64(p.Invited), MaxInviteScore), fmt.Sprintf("added %d member(s)", p.Invited))
	p.paymentScore(add)
	add(WeightWatchedSite*float64(p.WatchedSites), fmt.Sprintf("stealer-log credentials for %d watched site(s) (%s)", p.WatchedSites, strings.Join(p.Leads, ", ")))
	add(min(WeightMessage*float64(p.Messages), MaxActivityScore), fmt.Sprintf("%d message(s)", p.Messages))
	add(min(WeightAIFile*float64(p.AIFiles), MaxAIFileScore), fmt.Sprintf("shared or holds %d AI-generated file(s)", p.AIFiles))
	add(WeightAIModel*float64(len(p.AIModels)), fmt.Sprintf("shared or holds %d model/LoRA file(s) that generated images of the case name (%s)", len(p.AIModels), strings.Join(p.AIModels, ", ")))
	add(WeightAITraining*float64(len(p.AITraining)), fmt.Sprintf("shared or holds %d LoRA(s) with training metadata, evidence of the training data (%s)", len(p.AITraining), strings.Join(p.AITraining, ", ")))
	add(WeightNewFile*float64(p.NewUploaded), fmt.Sprintf("uploaded %d file(s) no bank knows to a seized platform: possible new material, flag for victim identification", p.NewUploaded))
	add(WeightKnownFile*float64(p.KnownUploaded), fmt.Sprintf("uploaded %d known-material file(s) to a seized platform", p.KnownUploaded))
	if extra := len(p.participants) + len(p.leads) + len(p.accounts) + len(p.platformUsers) - 1; extra > 0 {
		add(WeightCrossSources*float64(extra), fmt.Sprintf("same person in %d sources (%s)", extra+1, strings.Join(p.Identifiers, ", ")))
	}
	p.Reasons = orEmpty(p.Reasons)
}

func detailValue(detail, key string) string {
	for f := range strings.SplitSeq(detail, "; ") {
		if k, v, ok := strings.Cut(f, "="); ok && k == key {
			return v
		}
	}
	return ""
}
