package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

func newCaseReportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "report NAME",
		Short: "Print an operation brief: files, matches by category and series, new-material clusters, errors",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			rep, err := s.Report(ctx, args[0])
			if err != nil {
				return classify(err, "'vibora case list' shows the cases")
			}
			if g.json {
				rep.Clusters, rep.Matches, rep.Exhibits = nonNil(rep.Clusters), nonNil(rep.Matches), nonNil(rep.Exhibits)
				return newJSONLines(g.streams.Out).Write(rep)
			}
			renderReport(g.streams.Out, rep)
			return nil
		},
	}
}

func section(w io.Writer, title string) {
	newLines(w).Printf("\n== %s ==\n", title)
}

func renderReport(w io.Writer, rep investigation.CaseReport) {
	c := rep.Case
	newLines(w).Printf("OPERATION BRIEF  case %s", c.Name)
	if c.Operation != "" {
		newLines(w).Printf(", operation %s", c.Operation)
	}
	if c.Agency != "" {
		newLines(w).Printf(", %s", c.Agency)
	}
	if c.Country != "" {
		newLines(w).Printf(" (%s)", c.Country)
	}
	newLines(w).Println()

	section(w, "Exhibits")
	t := newTable(w, "EXHIBIT", "TYPE", "FILES", "SIZE")
	for _, e := range rep.Exhibits {
		t.Row(e.Label, e.Type, e.Files, humanBytes(float64(e.Bytes)))
	}
	t.Flush()

	section(w, "Triage")
	total := int64(0)
	for _, n := range rep.ByStatus {
		total += n
	}
	newLines(w).Printf("%d files: %d matched in a bank, %d ignorable (known-good), %d unknown, %d errors; %d with warnings\n",
		total, rep.ByStatus["matched"], rep.ByStatus["ignorable"], rep.ByStatus["unknown"], rep.ByStatus["error"], rep.Warnings)

	section(w, "Known material (matches by bank, category and series)")
	if len(rep.Matches) == 0 {
		newLines(w).Println("no matches")
	} else {
		t = newTable(w, "BANK", "KIND", "CATEGORY", "SERIES", "FILES", "EXACT", "NEAR (PDQ)", "VIDEO (vPDQ)")
		for _, m := range rep.Matches {
			t.Row(m.Bank, m.BankKind, m.Category, m.Series, m.Files, m.Exact, m.Near, m.Video)
		}
		t.Flush()
	}

	section(w, "New-material candidates (unknown images by PDQ cluster): review first")
	if len(rep.Clusters) == 0 {
		newLines(w).Println("no clusters")
	} else {
		t = newTable(w, "CLUSTER", "SIZE", "EXHIBITS", "OTHER CASES", "FIRST IMAGE")
		for i, cl := range rep.Clusters {
			if i == 20 {
				newLines(w).Printf("... %d more (vibora clusters --case %s)\n", len(rep.Clusters)-20, c.Name)
				break
			}
			t.Row(cl.ID, cl.Size, strings.Join(cl.Exhibits, " "), otherCases(cl), cl.Members[0].Path)
		}
		t.Flush()
	}
	newLines(w).Printf("%d unknown image(s) seen once; %d set(s) of exact duplicates\n", rep.NewSingles, rep.Duplicates)

	section(w, "Errors")
	if rep.ErrorCount == 0 {
		newLines(w).Println("none")
	} else {
		t = newTable(w, "EXHIBIT", "PATH", "ERROR")
		for _, e := range rep.Errors {
			t.Row(e.Exhibit, e.Path, e.Error)
		}
		t.Flush()
		if rep.ErrorCount > int64(len(rep.Errors)) {
			newLines(w).Printf("... %d more (vibora files --case %s --errors)\n", rep.ErrorCount-int64(len(rep.Errors)), c.Name)
		}
	}

	section(w, "Chain of custody")
	t = newTable(w, "WHEN", "EVENT", "BY", "DIGESTS")
	for _, e := range rep.Custody {
		t.Row(e.At[:min(19, len(e.At))], e.Event, e.Actor, e.Digests)
	}
	t.Flush()
	newLines(w).Printf("\naudit trail head: record %d, %s\n", rep.AuditHead.Seq, rep.AuditHead.Hash)
}
