package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/investigation"
)

func newHashCmd(g *globals) *cobra.Command {
	var dihedral bool
	var workers int
	cmd := &cobra.Command{
		Use:   "hash [--json] [--dihedral] PATH...",
		Short: "Hash files: MD5, SHA-1, SHA-256, media type and, for images, PDQ",
		Long: `Hash files and directories (recursively) on every core. Results are
printed sorted by path. Evidence is read as ingest reads it: read-only,
access times kept; symlinks, FIFOs and devices are reported, never read.
Exit 0 when every file hashed, 1 when some failed.`,
		Args: argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, odd, err := evidence.ListFiles(args)
			if err != nil {
				return withHint(usageError{err}, "give existing files or directories")
			}
			var out *jsonLines
			var t *table
			if g.json {
				out = newJSONLines(g.streams.Out)
			} else {
				t = newTable(g.streams.Out, "PATH", "SIZE", "TYPE", "SHA256", "PDQ", "Q")
			}
			failed := 0
			emit := func(r evidence.Result) error {
				if r.Err != "" {
					failed++
				}
				if out != nil {
					return out.Write(investigation.NewHashView(r))
				}
				l := investigation.NewHashView(r)
				pdqCol, q := l.PDQ, ""
				if l.PDQQuality != nil {
					q = fmt.Sprint(*l.PDQQuality)
				}
				if l.Error != "" {
					t.Row(l.Path, l.Size, l.MediaType, "error: "+l.Error, "", "")
					return nil
				}
				t.Row(l.Path, l.Size, l.MediaType, l.SHA256, pdqCol, q)
				return nil
			}
			bar := newProgress(g, "hashing", int64(len(files)))
			err = evidence.HashFiles(cmd.Context(), files, evidence.ProcessOptions{PDQ: true, Dihedral: dihedral}, workers, func(r evidence.Result) error {
				bar.Add(1, r.Size)
				return emit(r)
			})
			bar.Done()
			if err != nil {
				return err
			}
			for _, r := range odd {
				if err := emit(r); err != nil {
					return err
				}
			}
			if t != nil {
				t.Flush()
			}
			if failed > 0 {
				return failureError{fmt.Sprintf("%d of %d file(s) could not be hashed", failed, len(files)+len(odd))}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dihedral, "dihedral", false, "also print the 8 dihedral PDQ hashes (rotations and mirrors)")
	cmd.Flags().IntVar(&workers, "workers", 0, "parallel workers (default: every core)")
	return cmd
}
