package cli

import (
	"bufio"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/investigation"
)

func newIngestCmd(g *globals) *cobra.Command {
	var caseName, passwordsFile, password string
	var opt investigation.IngestOptions
	var vf videoFlags
	cmd := &cobra.Command{
		Use:   "ingest --case C --exhibit LABEL [--json] PATH...",
		Short: "Ingest evidence: hash, match and triage every file of an exhibit",
		Long: `Walk directories, files and archives (zip, tar, tar.gz/bz2/xz/zst, 7z,
RAR, nested to --max-depth), hash every file (MD5, SHA-1, SHA-256, PDQ for
images, vPDQ for videos on disk: one frame a second, --seconds-per-hash),
match it against every bank and store the results. The exhibit is
created when it does not exist yet. The sources are never modified.

Every entry a source yields is its own file, even when names collide
(two roots with one base name are shown as sd1/DCIM and sd2/DCIM; a member
whose name another member already shows gets a " [2]" suffix).

Running the same command again (after an interruption too) completes the
exhibit: files already stored are skipped. Each ingest records a
hashdeep-compatible manifest; 'vibora verify' checks the sources against it.

Exit status: 0 when every file of the exhibit was read; 1 when some could
not be (encrypted without the password, corrupt, over a limit,
unreadable): they are findings, listed by 'vibora files --errors';
2 for a usage error; 3 when the ingest itself failed.`,
		Args: argsUsage(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			opt.Paths = args
			if err := envMemoryLimit(&opt.MemoryLimit); err != nil {
				return usageError{err}
			}
			var err error
			if opt.Match.MaxDistance, err = maxDistanceOption(opt.Match.MaxDistance); err != nil {
				return err
			}
			if opt.Match.MinQuality, err = minQualityOption(cmd, opt.Match.MinQuality); err != nil {
				return err
			}
			if err := workersOption(opt.Workers); err != nil {
				return err
			}
			if err := maxDepthOption(opt.MaxDepth); err != nil {
				return err
			}
			if !opt.CryptoOnly {
				if opt.Video, err = vf.options(g); err != nil {
					return err
				}
			}
			if password != "" {
				opt.Passwords = append(opt.Passwords, password)
			}
			if passwordsFile != "" {
				pw, err := readLines(passwordsFile)
				if err != nil {
					return usageError{err}
				}
				opt.Passwords = append(opt.Passwords, pw...)
			}
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			// The total counts the files on disk; archive members, found as
			// the walk goes, raise it.
			var total int64
			if files, _, err := evidence.ListFiles(args); err == nil {
				total = int64(len(files))
			}
			bar := newProgress(g, "ingest", total)
			var lastFiles, lastBytes int64
			opt.Progress = func(files, bytes int64) {
				if files > total {
					total = files
					bar.SetTotal(total)
				}
				bar.Add(int(files-lastFiles), bytes-lastBytes)
				lastFiles, lastBytes = files, bytes
			}
			rep, err := s.Ingest(ctx, caseName, opt)
			bar.Done()
			if err != nil {
				return classify(err, "create the case first: vibora case create NAME")
			}
			findings := failureError{fmt.Sprintf("%d files of exhibit %s could not be read completely: 'vibora files --case %s --exhibit %s --errors' lists them",
				rep.ExhibitProblems, rep.Exhibit, rep.Case, rep.Exhibit)}
			if g.json {
				if err := newJSONLines(g.streams.Out).Write(rep); err != nil {
					return err
				}
				if rep.ExhibitProblems > 0 {
					return findings
				}
				return nil
			}
			w := g.streams.Out
			for _, id := range rep.Interrupted {
				newLines(w).Printf("ingest %d of this exhibit was interrupted (its process is gone); this run completes it\n", id)
			}
			newLines(w).Printf("ingested %d files (%s) into %s/%s in %.1fs; %d already stored\n", rep.Files, humanBytes(float64(rep.Bytes)), rep.Case, rep.Exhibit, rep.ElapsedSeconds, rep.Skipped)
			keys := make([]string, 0, len(rep.ByStatus))
			for k := range rep.ByStatus {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				newLines(w).Printf("  %-10s %d\n", k, rep.ByStatus[k])
			}
			for _, k := range slices.Sorted(maps.Keys(rep.Problems)) {
				newLines(w).Printf("  not fully read: %-10s %d\n", k, rep.Problems[k])
			}
			newLines(w).Printf("manifest sha256 %s (%d files on disk)\n", rep.Manifest, rep.ManifestFiles)
			if rep.PeakMemory > 0 {
				newLines(w).Printf("peak memory %s (budget %s)\n", humanBytes(float64(rep.PeakMemory)), memoryBudget(rep.MemoryLimit))
			}
			if rep.ExhibitProblems > 0 {
				return findings
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&caseName, "case", "", "case name (required)")
	f.StringVar(&opt.Exhibit, "exhibit", "", "exhibit label (required; created if new)")
	cmd.MarkFlagRequired("case")
	cmd.MarkFlagRequired("exhibit")
	f.StringVar(&opt.ExhibitType, "type", "", "type of a new exhibit (default storage)")
	f.StringVar(&password, "password", "", "password for encrypted archives")
	f.StringVar(&passwordsFile, "passwords-file", "", "file of passwords to try, one per line")
	f.IntVar(&opt.MaxDepth, "max-depth", 0, "archive nesting to open (default 3; -1 opens none)")
	f.IntVar(&opt.Workers, "workers", 0, "parallel workers (default: every core)")
	f.Var(&memoryLimitFlag{&opt.MemoryLimit}, "memory-limit", "memory budget of the ingest, e.g. 2GiB or 512MiB; 'none' for no limit (env VIBORA_MEMORY_LIMIT, default 2GiB)")
	f.BoolVar(&opt.CryptoOnly, "crypto-only", false, "only MD5/SHA-1/SHA-256 and media type (no PDQ)")
	f.BoolVar(&opt.Match.Dihedral, "dihedral", false, "also match rotated and mirrored copies of known images")
	f.IntVar(&opt.Match.MaxDistance, "max-distance", investigation.DefaultMaxDistance, "largest PDQ distance that matches (0-31)")
	f.IntVar(&opt.Match.MinQuality, "min-quality", investigation.DefaultMinQuality, "PDQ hashes of lower quality are not matched (0-100; 0: no gate)")
	f.StringVar(&opt.Reason, "reason", "", "why the exhibit is ingested (chain of custody)")
	vf.register(cmd)
	videoMatchFlags(cmd, &opt.Match)
	return cmd
}

func readLines(path string) ([]string, error) {
	f, err := source.OpenInput(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimRight(sc.Text(), "\r"); l != "" {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}
