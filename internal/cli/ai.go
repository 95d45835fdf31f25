package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

const aiHint = "'vibora case list' shows the cases"

func newAICmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ai",
		Short: "AI-generated material: generator metadata, model files and the producers behind them",
		Long: `What image generators wrote into a case's files (generator, prompt, seed,
model and LoRA names and hashes, workflow fingerprint, IPTC and C2PA
declarations), the model files found on its exhibits (every hash the
generators record, kohya training metadata), how the two join across
exhibits and the cases you may read, and groups of outputs that one
producer probably made. Everything read is a claim of the file
(docs/ai.md). Prompts are evidence text: only --json prints them.`,
	}
	cmd.AddCommand(newAIFilesCmd(g), newAIModelsCmd(g), newAIProducersCmd(g))
	return cmd
}

func newAIFilesCmd(g *globals) *cobra.Command {
	var caseName string
	var q investigation.AIFileQuery
	cmd := &cobra.Command{
		Use:   "files --case C [--generator G] [--model HASH] [--json]",
		Short: "List the AI-generated (and probably AI-generated) files of a case",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				files, err := s.AIFiles(cmd.Context(), caseName, q)
				if err != nil {
					return classify(err, aiHint)
				}
				if g.json {
					return writeAll(g.streams.Out, files)
				}
				return renderAIFiles(g.streams.Out, files)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&caseName, "case", "", "the case (required)")
	cmd.MarkFlagRequired("case")
	fl.StringVar(&q.Generator, "generator", "", "only files with a record of this generator ("+strings.Join(investigation.Generators, ", ")+")")
	fl.StringVar(&q.Model, "model", "", "only files naming a model or LoRA with this hash (8 or more hex digits, any prefix)")
	return cmd
}

func newAIModelsCmd(g *globals) *cobra.Command {
	var caseName string
	cmd := &cobra.Command{
		Use:   "models --case C [--json]",
		Short: "List the model files of a case with their hashes, training claims and the images that name them",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				models, err := s.AIModels(cmd.Context(), caseName)
				if err != nil {
					return classify(err, aiHint)
				}
				if g.json {
					return writeAll(g.streams.Out, models)
				}
				return renderAIModels(g.streams.Out, models)
			})
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "the case (required)")
	cmd.MarkFlagRequired("case")
	return cmd
}

func newAIProducersCmd(g *globals) *cobra.Command {
	var caseName string
	cmd := &cobra.Command{
		Use:   "producers --case C [--json]",
		Short: "Group a case's AI-generated files by producer (shared LoRA, workflow, seed series), scored with reasons",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withService(g, cmd, func(s *investigation.Service) error {
				groups, err := s.AIProducers(cmd.Context(), caseName)
				if err != nil {
					return classify(err, aiHint)
				}
				if g.json {
					return writeAll(g.streams.Out, groups)
				}
				return renderAIProducers(g.streams.Out, groups)
			})
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "the case (required)")
	cmd.MarkFlagRequired("case")
	return cmd
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// renderAIFiles prints AI files as the table of `vibora ai files` (no
// prompts: they are evidence text, for --json only).
func renderAIFiles(w io.Writer, files []investigation.AIFileView) error {
	t := newTable(w, "FILE", "EXHIBIT", "PATH", "STATUS", "VERDICT", "GENERATOR", "SEED", "MODELS", "FOUND")
	for _, f := range files {
		seed := ""
		for _, r := range f.Generation {
			if r.Seed != "" {
				seed = r.Seed
				break
			}
		}
		var names, found []string
		unnamed := 0
		for _, r := range f.Resources {
			names = append(names, r.Kind+":"+orDash(r.Name))
			for _, m := range r.Files {
				found = append(found, m.Case+"/"+m.Exhibit)
			}
			unnamed += r.FilesUnnamed
		}
		if unnamed > 0 {
			found = append(found, fmt.Sprintf("also seen in %d other case(s)", unnamed))
		}
		gen := strings.Join(f.Generators, ",")
		if f.NearFile != 0 {
			gen = fmt.Sprintf("like file %d (PDQ %d)", f.NearFile, f.NearDistance)
		}
		t.Row(f.FileID, f.Exhibit, f.Path, f.Status, f.Verdict, orDash(gen), orDash(seed), orDash(strings.Join(names, " ")), orDash(strings.Join(found, " ")))
	}
	return t.Flush()
}

// renderAIModels prints model files as the table of `vibora ai models`.
func renderAIModels(w io.Writer, models []investigation.AIModelView) error {
	t := newTable(w, "FILE", "EXHIBIT", "PATH", "FORMAT", "AUTOV2", "AUTOV3", "TRAINED AS", "USED BY")
	for _, m := range models {
		trained := ""
		if m.Training != nil {
			trained = m.Training.OutputName
		}
		used := fmt.Sprintf("%d image(s)", len(m.UsedBy))
		if m.UsedByUnnamed > 0 {
			used += fmt.Sprintf(", also seen in %d other case(s)", m.UsedByUnnamed)
		}
		t.Row(m.FileID, m.Exhibit, m.Path, m.Format, m.Digests.AutoV2, shortHash(m.Digests.AutoV3), orDash(trained), used)
	}
	return t.Flush()
}

// renderAIProducers prints producer groups as `vibora ai producers` does.
func renderAIProducers(w io.Writer, groups []investigation.AIProducerView) error {
	l := newLines(w)
	for _, p := range groups {
		l.Printf("producer %d: score %.1f, %d file(s) on %s\n", p.ID, p.Score, len(p.Files), strings.Join(p.Exhibits, ", "))
		for _, r := range p.Reasons {
			l.Printf("  %s\n", r)
		}
	}
	return nil
}
