package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/aigen"
	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/investigation"
)

func newHashCmd(g *globals) *cobra.Command {
	var dihedral bool
	var workers int
	var vf videoFlags
	var vpdqOut string
	cmd := &cobra.Command{
		Use:   "hash [--json] [--dihedral] [--seconds-per-hash N] [--vpdq-out DIR] PATH...",
		Short: "Hash files: MD5, SHA-1, SHA-256, media type, PDQ for images, vPDQ for videos",
		Long: `Hash files and directories (recursively) on every core. Results are
printed sorted by path. Evidence is read as ingest reads it: read-only,
access times kept; symlinks, FIFOs and devices are reported, never read.
Images show the generators whose metadata they carry (AUTOMATIC1111,
ComfyUI, C2PA, ...; --json prints the full records: docs/ai.md); model
files (.safetensors, .ckpt, .pt, .gguf, ...) their AutoV1/V2/V3, BLAKE3 and
CRC32 hashes and training metadata, computed in the same read, never loaded. Videos
(recognised by content) get vPDQ: the PDQ hash of one frame a second
(--seconds-per-hash), decoded by ffmpeg; --vpdq-out writes each video's
frames in the reference text format. Exit 0 when every file hashed, 1 when
some failed.`,
		Args: argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, odd, err := evidence.ListFiles(args)
			if err != nil {
				return withHint(usageError{err}, "give existing files or directories")
			}
			vopt, err := vf.options(g)
			if err != nil {
				return err
			}
			vw, err := newVPDQWriter(vpdqOut)
			if err != nil {
				return err
			}
			var out *jsonLines
			var t *table
			if g.json {
				out = newJSONLines(g.streams.Out)
			} else {
				t = newTable(g.streams.Out, "PATH", "SIZE", "TYPE", "SHA256", "PDQ", "Q", "VPDQ", "GENERATOR")
			}
			failed := 0
			emit := func(r evidence.Result) error {
				if r.Err != "" {
					failed++
				}
				if err := vw.write(r); err != nil {
					return err
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
					t.Row(l.Path, l.Size, l.MediaType, "error: "+l.Error, "", "", "", "")
					return nil
				}
				vcol := ""
				if l.Video != nil {
					vcol = fmt.Sprintf("%d frames, %dx%d %s %.3g fps %.1fs", len(l.VPDQ), l.Video.Width, l.Video.Height, l.Video.Codec, l.Video.FPS, l.Video.Duration)
				}
				gen := generators(l.Generation)
				if l.Model != nil {
					gen = fmt.Sprintf("model file (%s) AutoV2 %s, AutoV3 %.12s", l.Model.Format, l.Model.Digests.AutoV2, l.Model.Digests.AutoV3)
				}
				t.Row(l.Path, l.Size, l.MediaType, l.SHA256, pdqCol, q, vcol, gen)
				return nil
			}
			bar := newProgress(g, "hashing", int64(len(files)))
			err = evidence.HashFiles(cmd.Context(), files, evidence.ProcessOptions{PDQ: true, Dihedral: dihedral, Video: vopt}, workers, func(r evidence.Result) error {
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
	cmd.Flags().StringVar(&vpdqOut, "vpdq-out", "", "write each video's vPDQ to DIR/NAME.txt in the reference text format (frame,quality,pdq,timestamp)")
	vf.register(cmd)
	return cmd
}

// generators names the generators whose metadata a file carries, marking
// those that declare AI generation (C2PA, IPTC) with "(declared AI)".
func generators(recs []aigen.Record) string {
	var out []string
	for _, r := range recs {
		name := r.Generator
		if r.AIDeclared {
			name += " (declared AI)"
		}
		out = append(out, name)
	}
	return strings.Join(out, ", ")
}
