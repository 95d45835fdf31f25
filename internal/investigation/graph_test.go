package investigation_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vibora-project/vibora/internal/audit"
	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/store/storetest"
)

// demoCase fills case "op" of s with the demo's banks, evidence, chat
// and stealer logs, as vibora demo does.
func demoCase(t *testing.T, s *investigation.Service, agency string) {
	t.Helper()
	ctx := context.Background()
	l, err := demo.Generate(filepath.Join(t.TempDir(), "demo"))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range l.Banks {
		if _, err := s.ImportBank(ctx, b.Path, investigation.BankImportOptions{Name: b.Name, Kind: b.Kind}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateCase(ctx, investigation.Case{Name: "op", Agency: agency}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, "op", investigation.IngestOptions{Exhibit: "PHONE-01", Paths: []string{l.Evidence}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportChat(ctx, "op", l.Chat, investigation.ChatImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ScanStealer(ctx, "op", investigation.StealerScanOptions{Watchlist: l.Watchlist, Paths: []string{l.Stealer}}); err != nil {
		t.Fatal(err)
	}
}

// TestCaseGraph: the demo case's graph links its people to their chat,
// identifiers, stealer logs and the cluster of new material they shared,
// each link with evidence; kinds filter the nodes, the cap truncates, and
// another agency sees nothing.
func TestCaseGraph(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		s := investigation.New(open(t, -1), "owner", investigation.WithClock(fixedClock()), investigation.WithCacheDir(t.TempDir()))
		ctx := context.Background()
		demoCase(t, s, "NL-POL")

		g, err := s.CaseGraph(as(nlViewer), "op", investigation.GraphOptions{})
		if err != nil {
			t.Fatal(err)
		}
		nodes := map[string]investigation.GraphNode{}
		kinds := map[string]int{}
		for _, n := range g.Nodes {
			if _, dup := nodes[n.ID]; dup {
				t.Errorf("node %s twice", n.ID)
			}
			nodes[n.ID] = n
			kinds[n.Kind]++
			if !strings.HasPrefix(n.ID, n.Kind+":") || n.Label == "" {
				t.Errorf("node %+v: id not prefixed by its kind, or no label", n)
			}
		}
		for _, k := range investigation.GraphNodeKinds {
			if kinds[k] == 0 || kinds[k] != g.Total[k] {
				t.Errorf("%d %s node(s), total %d: want some, all kept", kinds[k], k, g.Total[k])
			}
		}
		if g.Truncated {
			t.Error("the demo graph is truncated")
		}
		edgeKinds := map[string]int{}
		for _, e := range g.Edges {
			if _, ok := nodes[e.Source]; !ok {
				t.Errorf("edge %+v from a missing node", e)
			}
			if _, ok := nodes[e.Target]; !ok {
				t.Errorf("edge %+v to a missing node", e)
			}
			if len(e.Evidence) == 0 || e.Evidence[0] == "" {
				t.Errorf("edge %+v without evidence", e)
			}
			edgeKinds[e.Kind]++
		}
		for _, k := range []string{investigation.EdgeMember, investigation.EdgeIdentifier, investigation.EdgeSource, investigation.EdgeShared} {
			if edgeKinds[k] == 0 {
				t.Errorf("no %s edge in %v", k, edgeKinds)
			}
		}
		// The top suspect: in the group, with a stealer log and sharing the
		// cluster of new material.
		people, err := s.People(ctx, "op")
		if err != nil {
			t.Fatal(err)
		}
		rowan := "person:" + people[0].ID
		if g.Nodes[0].ID != rowan || nodes[rowan].Label != "Rowan Example" {
			t.Errorf("first node %+v, want the top suspect %s", g.Nodes[0], rowan)
		}
		linked := map[string]bool{}
		for _, e := range g.Edges {
			if e.Source == rowan {
				linked[nodes[e.Target].Kind] = true
				if e.Kind == investigation.EdgeMember && !slices.ContainsFunc(e.Evidence, func(s string) bool { return strings.Contains(s, "create") }) {
					t.Errorf("Rowan's membership evidence %q does not say they created the group", e.Evidence)
				}
			}
		}
		for _, k := range []string{investigation.NodeChat, investigation.NodeIdentifier, investigation.NodeStealerLog} {
			if !linked[k] {
				t.Errorf("the top suspect links no %s: %v", k, linked)
			}
		}
		sky := "person:" + people[1].ID
		if !slices.ContainsFunc(g.Edges, func(e investigation.GraphEdge) bool {
			return e.Source == sky && e.Kind == investigation.EdgeShared && strings.HasPrefix(e.Target, "cluster:")
		}) {
			t.Errorf("Sky Sample shared no cluster member in %+v", g.Edges)
		}

		// Kinds filter nodes; edges only join kept nodes.
		only, err := s.CaseGraph(ctx, "op", investigation.GraphOptions{Kinds: []string{investigation.NodePerson, investigation.NodeChat}})
		if err != nil {
			t.Fatal(err)
		}
		if len(only.Nodes) != kinds[investigation.NodePerson]+kinds[investigation.NodeChat] || len(only.Edges) == 0 {
			t.Errorf("people and chats: %d nodes, %d edges", len(only.Nodes), len(only.Edges))
		}
		for _, e := range only.Edges {
			if e.Kind != investigation.EdgeMember && e.Kind != investigation.EdgePossible {
				t.Errorf("edge %+v in a graph of people and chats", e)
			}
		}
		// The cap keeps the best-ranked people first.
		capped, err := s.CaseGraph(ctx, "op", investigation.GraphOptions{MaxNodes: 2})
		if err != nil || !capped.Truncated || len(capped.Nodes) != 2 || capped.Nodes[0].ID != rowan {
			t.Fatalf("capped: %+v %v", capped, err)
		}
		for _, bad := range []investigation.GraphOptions{{Kinds: []string{"files"}}, {MaxNodes: -1}, {MaxNodes: investigation.MaxGraphNodes + 1}} {
			if _, err := s.CaseGraph(ctx, "op", bad); !errors.Is(err, investigation.ErrInvalid) {
				t.Errorf("%+v: %v, want ErrInvalid", bad, err)
			}
		}

		// Another agency's analyst sees nothing; each read is audited.
		if _, err := s.CaseGraph(as(beInv), "op", investigation.GraphOptions{}); !errors.Is(err, investigation.ErrNotFound) {
			t.Errorf("another agency: %v", err)
		}
		reads := 0
		err = s.AuditLog(ctx, "case:op", func(r audit.Record) error {
			if r.Action == "case.graph.read" {
				reads++
			}
			return nil
		})
		if err != nil || reads != 3 {
			t.Errorf("%d case.graph.read records, want 3 (%v)", reads, err)
		}
	})
}
