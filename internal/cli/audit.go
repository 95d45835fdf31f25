package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/audit"
)

func newAuditCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Inspect and verify the hash-chained audit trail"}
	cmd.AddCommand(newAuditVerifyCmd(g), newAuditLogCmd(g))
	return cmd
}

func newAuditVerifyCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Re-compute the audit chain; exit 1 if any record was edited, deleted or reordered",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			rep, err := s.VerifyAudit(cmd.Context())
			if err != nil {
				return err
			}
			if g.json {
				if err := newJSONLines(g.streams.Out).Write(rep.View()); err != nil {
					return err
				}
			} else {
				newLines(g.streams.Out).Printf("records  %d\nhead     seq %d %s\n", rep.Records, rep.Head.Seq, rep.Head.Hash)
				for _, p := range rep.Problems {
					newLines(g.streams.Out).Printf("BROKEN   %s\n", p)
				}
				if rep.OK() {
					newLines(g.streams.Out).Println("status   intact")
				}
			}
			if !rep.OK() {
				return failureError{fmt.Sprintf("audit trail broken: %d problem(s)", len(rep.Problems))}
			}
			return nil
		},
	}
}

func newAuditLogCmd(g *globals) *cobra.Command {
	var object string
	cmd := &cobra.Command{
		Use:   "log [--object PREFIX]",
		Short: "Print audit records in order",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			if g.json {
				out := newJSONLines(g.streams.Out)
				return s.AuditLog(cmd.Context(), object, func(r audit.Record) error { return out.Write(r) })
			}
			t := newTable(g.streams.Out, "SEQ", "AT", "ACTOR", "ACTION", "OBJECT", "DETAIL")
			err = s.AuditLog(cmd.Context(), object, func(r audit.Record) error {
				t.Row(r.Seq, r.At, r.Actor, r.Action, r.Object, r.Detail)
				return nil
			})
			if err != nil {
				return err
			}
			return t.Flush()
		},
	}
	cmd.Flags().StringVar(&object, "object", "", "only records whose object starts with this (e.g. case:op-x)")
	return cmd
}
