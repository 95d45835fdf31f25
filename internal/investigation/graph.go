package investigation

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/vibora-project/vibora/internal/access"
	"github.com/vibora-project/vibora/internal/store"
)

// Node kinds of the link graph, in the order a capped graph keeps them.
const (
	NodePerson     = "person"
	NodeChat       = "chat"
	NodeStealerLog = "stealer_log"
	NodeCluster    = "cluster"
	NodeIdentifier = "identifier"
)

// GraphNodeKinds lists the node kinds, in the order a capped graph keeps
// them: people first, identifiers last.
var GraphNodeKinds = []string{NodePerson, NodeChat, NodeStealerLog, NodeCluster, NodeIdentifier}

// Edge kinds of the link graph.
const (
	EdgeMember     = "member"     // a person took part in a chat
	EdgeIdentifier = "identifier" // an identifier was seen in a person's or stealer log's source
	EdgeSource     = "source"     // a stealer log is one of a person's sources
	EdgeShared     = "shared"     // a person shared a member of a new-material cluster
	EdgePossible   = "possible"   // two people only posted the same identifier (not merged)
)

// Graph sizes: the default and largest number of nodes a graph holds.
const (
	DefaultGraphNodes = 5000
	MaxGraphNodes     = 20000
)

// GraphNode is one node of a case's link graph. Labels and details are
// evidence text: a page shows them as text, never as markup.
type GraphNode struct {
	ID     string   `json:"id"`   // kind-prefixed and unique: person:P12, chat:3, identifier:phone:+12025550143
	Kind   string   `json:"kind"` // one of GraphNodeKinds
	Label  string   `json:"label"`
	Detail []string `json:"detail"` // facts about the node, one sentence each
}

// GraphEdge links two nodes, with the evidence that links them.
type GraphEdge struct {
	Source   string   `json:"source"`
	Target   string   `json:"target"`
	Kind     string   `json:"kind"`
	Evidence []string `json:"evidence"` // one sentence per fact, at least one
}

// Graph is a case's link graph: people, the chats they were in, the
// identifiers seen in their sources, their stealer logs and the
// new-material clusters they shared, with the evidence of every link.
type Graph struct {
	Case  string         `json:"case"`
	Kinds []string       `json:"kinds"`  // the node kinds asked for
	Total map[string]int `json:"totals"` // nodes of each kind in the whole graph
	// Truncated: the graph had more nodes of the kinds asked for than
	// MaxNodes; the nodes kept are the first by kind (GraphNodeKinds
	// order) and, within a kind, the best-ranked people and the most
	// linked others.
	Truncated bool        `json:"truncated"`
	Nodes     []GraphNode `json:"nodes"`
	Edges     []GraphEdge `json:"edges"`
}

// GraphOptions choose the node kinds (none: all) and cap the nodes.
type GraphOptions struct {
	Kinds    []string
	MaxNodes int // 0: DefaultGraphNodes; at most MaxGraphNodes
}

// CaseGraph builds the link graph of a case for the UI's graph page. It
// reads what the suspect ranking reads (and the case's clusters), so it
// needs read access to the case; showing who is linked to whom is
// sensitive, so the read is audited (case.graph.read).
func (s *Service) CaseGraph(ctx context.Context, caseName string, opt GraphOptions) (Graph, error) {
	kinds, err := graphKinds(opt.Kinds)
	if err != nil {
		return Graph{}, err
	}
	switch {
	case opt.MaxNodes == 0:
		opt.MaxNodes = DefaultGraphNodes
	case opt.MaxNodes < 0 || opt.MaxNodes > MaxGraphNodes:
		return Graph{}, fmt.Errorf("graph of %d nodes: want 1..%d: %w", opt.MaxNodes, MaxGraphNodes, ErrInvalid)
	}
	c, err := s.caseFor(ctx, caseName, access.Read)
	if err != nil {
		return Graph{}, err
	}
	people, pg, err := s.peopleOf(ctx, c)
	if err != nil {
		return Graph{}, err
	}
	var clusters []Cluster
	if slices.Contains(kinds, NodeCluster) {
		if clusters, err = s.Clusters(ctx, caseName, ClusterOptions{}); err != nil {
			return Graph{}, fmt.Errorf("graph of case %s: %w", caseName, err)
		}
	}
	b := newGraphBuilder()
	b.addPeople(pg, people)
	b.addClusters(pg.ev, clusters)
	g := b.graph(c.Name, kinds, opt.MaxNodes)
	if err := s.auditRead(ctx, "case.graph.read", "case:"+c.Name, map[string]any{"kinds": kinds, "nodes": len(g.Nodes)}); err != nil {
		return Graph{}, fmt.Errorf("audit the read of the graph of case %s: %w", c.Name, err)
	}
	return g, nil
}

// graphKinds checks the kinds asked for; none means all.
func graphKinds(asked []string) ([]string, error) {
	if len(asked) == 0 {
		return slices.Clone(GraphNodeKinds), nil
	}
	var out []string
	for _, k := range GraphNodeKinds {
		if slices.Contains(asked, k) {
			out = append(out, k)
		}
	}
	for _, k := range asked {
		if !slices.Contains(GraphNodeKinds, k) {
			return nil, fmt.Errorf("graph node kind %q: want one of %s: %w", k, strings.Join(GraphNodeKinds, ", "), ErrInvalid)
		}
	}
	return out, nil
}

// graphBuilder collects nodes and edges; an edge found twice gathers the
// evidence of both.
type graphBuilder struct {
	nodes  map[string]*GraphNode
	order  []string // node ids in insertion order
	edges  map[[3]string]*GraphEdge
	eorder [][3]string
	person map[subject]string // a source -> its person's node id
}

func newGraphBuilder() *graphBuilder {
	return &graphBuilder{nodes: map[string]*GraphNode{}, edges: map[[3]string]*GraphEdge{}, person: map[subject]string{}}
}

func (b *graphBuilder) node(id, kind, label string, detail ...string) {
	if n := b.nodes[id]; n != nil {
		n.Detail = append(n.Detail, detail...)
		return
	}
	b.nodes[id] = &GraphNode{ID: id, Kind: kind, Label: label, Detail: detail}
	b.order = append(b.order, id)
}

func (b *graphBuilder) edge(from, to, kind, evidence string) {
	if from == to {
		return
	}
	if to < from && kind == EdgePossible { // undirected: one edge per pair
		from, to = to, from
	}
	k := [3]string{from, to, kind}
	e := b.edges[k]
	if e == nil {
		e = &GraphEdge{Source: from, Target: to, Kind: kind}
		b.edges[k] = e
		b.eorder = append(b.eorder, k)
	}
	if !slices.Contains(e.Evidence, evidence) {
		e.Evidence = append(e.Evidence, evidence)
	}
}

// addPeople adds the ranked people, their chats, stealer logs and
// identifiers.
func (b *graphBuilder) addPeople(pg *personGraph, people []Person) {
	ev := pg.ev
	for _, p := range people {
		id := "person:" + p.ID
		label := cmp.Or(p.Name, p.ID)
		b.node(id, NodePerson, label, slices.Concat([]string{fmt.Sprintf("person %s, score %.1f", p.ID, p.Score)}, p.Reasons)...)
		for _, pid := range p.participants {
			b.person[subject{subjectParticipant, pid}] = id
		}
		for _, lid := range p.leads {
			b.person[subject{subjectLead, lid}] = id
		}
		for _, ex := range p.accounts {
			b.person[subject{subjectAccount, ex}] = id
		}
	}
	for _, p := range people {
		id := "person:" + p.ID
		for _, pid := range p.participants {
			a := ev.actBy[pid]
			chat := fmt.Sprintf("chat:%d", a.ConversationID)
			b.node(chat, NodeChat, a.Platform+": "+a.Conversation)
			b.edge(id, chat, EdgeMember, participation(a))
			for _, e := range ev.eventsBy[pid] {
				b.edge(id, chat, EdgeMember, membershipSentence(e))
			}
		}
		for _, lid := range p.leads {
			l := ev.leadBy[lid]
			lead := fmt.Sprintf("stealer_log:%d", lid)
			b.node(lead, NodeStealerLog, l.LogID, leadFacts(l)...)
			who := ev.who(subject{subjectLead, lid})
			joined := false
			for _, link := range p.Links {
				if link.A.Source == who || link.B.Source == who {
					b.edge(id, lead, EdgeSource, "joined to the person by "+link.String())
					joined = true
				}
			}
			if !joined {
				b.edge(id, lead, EdgeSource, "the stealer log is this person's only source")
			}
		}
	}
	for _, l := range ev.links {
		if !linkKinds[l.Kind] && l.Kind != "ipv4" && l.Kind != "ipv6" {
			continue
		}
		s := linkSubject(l)
		from := b.person[s]
		if s.typ == subjectLead {
			from = fmt.Sprintf("stealer_log:%d", s.id)
		}
		if from == "" {
			continue
		}
		to := "identifier:" + l.Key
		b.node(to, NodeIdentifier, l.Key)
		b.edge(from, to, EdgeIdentifier, fmt.Sprintf("%s seen as %q in %s (%s)", l.Key, l.Value, ev.who(s), l.Source))
	}
	for _, pl := range pg.possible {
		a, b2 := b.person[pl.a], b.person[pl.b]
		if a != "" && b2 != "" {
			b.edge(a, b2, EdgePossible, pl.link.String())
		}
	}
}

// participation describes a participant's part in a chat.
func participation(a store.ParticipantActivity) string {
	s := fmt.Sprintf("%s in %s %q: %d message(s)", cmp.Or(a.DisplayName, a.ExtID), a.Platform, a.Conversation, a.Messages)
	if a.Role != "" {
		s += ", role " + a.Role
	}
	if a.First != "" {
		s += fmt.Sprintf(", from %s to %s", a.First, a.Last)
	}
	if a.Attachments > 0 {
		s += fmt.Sprintf(", %d attachment(s) (%d known material, %d unknown images)", a.Attachments, a.Known, a.New)
	}
	return s
}

// membershipSentence describes a membership event.
func membershipSentence(e store.EventView) string {
	s := fmt.Sprintf("%s %s", cmp.Or(e.At, "(no time)"), e.Kind)
	if e.Actor != "" {
		s += " by " + e.Actor
	}
	if e.Target != "" && e.Target != e.Actor {
		s += " of " + e.Target
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s + " (message " + e.Message + ")"
}

// leadFacts describes a stealer-log lead.
func leadFacts(l store.Lead) []string {
	out := []string{"family " + cmp.Or(l.Family, "unknown"), fmt.Sprintf("%d watched site(s)", l.WatchedSites)}
	for _, f := range [][2]string{{"machine", l.Machine}, {"OS user", l.OSUser}, {"country", l.Country}, {"IP", l.IP}, {"source", l.SourcePath}} {
		if f[1] != "" {
			out = append(out, f[0]+" "+f[1])
		}
	}
	return out
}

// addClusters adds the clusters of two or more images and links them to
// the people who shared one of their members in a chat.
func (b *graphBuilder) addClusters(ev *caseFacts, clusters []Cluster) {
	clusterOf := map[int64]string{}
	for _, c := range clusters {
		if c.Size < 2 {
			continue
		}
		id := fmt.Sprintf("cluster:%d", c.ID)
		detail := []string{fmt.Sprintf("%d unknown image(s), in %s", c.Size, strings.Join(c.Exhibits, ", "))}
		if len(c.OtherCases) > 0 {
			detail = append(detail, "also in case(s) "+strings.Join(c.OtherCases, ", "))
		}
		if c.OtherCasesUnnamed > 0 {
			detail = append(detail, fmt.Sprintf("also seen in %d other case(s)", c.OtherCasesUnnamed))
		}
		b.node(id, NodeCluster, fmt.Sprintf("cluster %d (%d images)", c.ID, c.Size), detail...)
		for _, m := range c.Members {
			clusterOf[m.FileID] = id
		}
	}
	for _, pid := range slices.Sorted(maps.Keys(ev.sharedBy)) {
		who := b.person[subject{subjectParticipant, pid}]
		if who == "" {
			continue
		}
		for _, f := range ev.sharedBy[pid] {
			if c := clusterOf[f.FileID]; c != "" {
				b.edge(who, c, EdgeShared, fmt.Sprintf("%s shared %s (message %s)", ev.who(subject{subjectParticipant, pid}), f.Path, f.MessageExtID))
			}
		}
	}
}

// graph keeps the nodes of the kinds asked for, at most max of them, and
// the edges between kept nodes.
func (b *graphBuilder) graph(caseName string, kinds []string, max int) Graph {
	g := Graph{Case: caseName, Kinds: kinds, Total: map[string]int{}, Nodes: []GraphNode{}, Edges: []GraphEdge{}}
	degree := map[string]int{}
	for _, k := range b.eorder {
		degree[k[0]]++
		degree[k[1]]++
	}
	byKind := map[string][]*GraphNode{}
	for _, id := range b.order {
		n := b.nodes[id]
		g.Total[n.Kind]++
		byKind[n.Kind] = append(byKind[n.Kind], n)
	}
	keep := map[string]bool{}
	for _, kind := range kinds {
		ns := byKind[kind]
		if kind != NodePerson { // people stay in rank order; others most linked first
			slices.SortStableFunc(ns, func(x, y *GraphNode) int { return cmp.Compare(degree[y.ID], degree[x.ID]) })
		}
		for _, n := range ns {
			if len(g.Nodes) == max {
				g.Truncated = true
				break
			}
			n.Detail = orEmpty(n.Detail)
			g.Nodes = append(g.Nodes, *n)
			keep[n.ID] = true
		}
	}
	for _, k := range b.eorder {
		if keep[k[0]] && keep[k[1]] {
			g.Edges = append(g.Edges, *b.edges[k])
		}
	}
	return g
}
