package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/demo"
	"github.com/vibora-project/vibora/internal/evidence"
)

func newDemoCmd(g *globals) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the main job on generated synthetic demo data",
		Long: `Generate a synthetic scenario (abstract images, hash banks, a group chat,
stealer logs; every value invented) and run Vibora's pipeline on it.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if dir == "" {
				d, err := os.MkdirTemp("", "vibora-demo-")
				if err != nil {
					return err
				}
				dir = d
			}
			l, err := demo.Generate(dir)
			if err != nil {
				return err
			}
			w := g.streams.Out
			fmt.Fprintf(w, "Demo data in %s\n\n", l.Root)
			files, _, err := evidence.ListFiles([]string{l.Evidence})
			if err != nil {
				return err
			}
			t := newTable(w, "FILE", "TYPE", "SHA256", "PDQ", "Q")
			err = evidence.HashFiles(cmd.Context(), files, evidence.ProcessOptions{PDQ: true}, 0, func(r evidence.Result) error {
				rel, _ := filepath.Rel(l.Evidence, r.Path)
				l := toHashLine(r)
				q := ""
				if l.PDQQuality != nil {
					q = fmt.Sprint(*l.PDQQuality)
				}
				t.Row(rel, l.MediaType, l.SHA256[:16]+"…", l.PDQ, q)
				return nil
			})
			if err != nil {
				return err
			}
			return t.Flush()
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "where to write the demo data (default: a new temporary directory)")
	return cmd
}
