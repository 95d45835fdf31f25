package cli

import (
	"cmp"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/evidence"
	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/investigation"
	"github.com/vibora-project/vibora/internal/video"
)

func newMatchCmd(g *globals) *cobra.Command {
	var opt investigation.MatchOptions
	var hashesFile string
	var minQuality int
	var hash64 string
	var vf videoFlags
	cmd := &cobra.Command{
		Use:   "match [--json] [--max-distance N] [--dihedral] [--seconds-per-hash N] PATH... | --hashes-file F",
		Short: "Match files, or a file of hashes, against every bank",
		Long: `Hash files (MD5, SHA-1, SHA-256, PDQ) and match them against every bank:
exactly on the digests, and by PDQ distance (default 31 or less) on images
of quality 50 or more; videos by vPDQ (needs ffmpeg) against the banks'
video hash lists: a video matches a bank video when q%, the share of its
unique frame hashes (quality 50 or more) within the distance of one of the
bank video's, is at least --video-query-percent (80), and c%, the reverse,
at least --video-compared-percent (0). With --hashes-file, match a file of hashes, one per
line, kind told by length (32 md5, 40 sha1, 64 sha256; "pdq:" prefix or
--hash-kind pdq for PDQ). Queries are answered in input order.

A hit in an ignorable bank marks the file ignorable, not matched. The match
index is cached next to the store and rebuilt when a bank changes.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (hashesFile == "") == (len(args) == 0) {
				return usagef("give either PATH... or --hashes-file")
			}
			if hash64 = strings.ToLower(hash64); hash64 != "sha256" && hash64 != "pdq" {
				return withHint(usagef("--hash-kind %q is not a 64-hex hash kind", hash64), "a 64-hex value is a SHA-256 (sha256) or a PDQ hash (pdq)")
			}
			if cmd.Flags().Changed("hash-kind") && hashesFile == "" {
				return usagef("--hash-kind applies to --hashes-file only")
			}
			var err error
			if opt.MaxDistance, err = maxDistanceOption(opt.MaxDistance); err != nil {
				return err
			}
			if opt.MinQuality, err = minQualityOption(cmd, minQuality); err != nil {
				return err
			}
			var vopt *video.Options
			if hashesFile == "" {
				if vopt, err = vf.options(g); err != nil {
					return err
				}
			}
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			m, err := s.Matcher(ctx, opt)
			if err != nil {
				return classify(err, "")
			}
			g.logger.Info("match index", "source", m.Source, "records", m.Records())
			out := newJSONLines(g.streams.Out)
			var t *table
			if !g.json {
				t = newTable(g.streams.Out, "QUERY", "KIND", "STATUS", "BANK", "RECORD", "MATCH", "DIST", "CATEGORY", "SERIES", "VIDEO")
			}
			emit := func(l investigation.QueryMatches) error {
				l.Matches = nonNil(l.Matches)
				if g.json {
					return out.Write(l)
				}
				if l.Error != "" {
					t.Row(l.Query, l.Kind, "error: "+l.Error, "", "", "", "", "", "", "")
					return nil
				}
				if len(l.Matches) == 0 {
					t.Row(l.Query, l.Kind, l.Status, "-", "", "", "", "", "", "")
				}
				for _, x := range l.Matches {
					t.Row(l.Query, l.Kind, l.Status, x.Bank, x.Record, x.Kind, x.Distance, cmp.Or(x.NormCategory, x.Category), x.Series,
						percents(x.QueryMatchPercent, x.ComparedMatchPercent))
				}
				return nil
			}
			failed := 0
			if hashesFile != "" {
				failed, err = matchHashesFile(cmd, m, hashesFile, hash64, emit)
			} else {
				failed, err = matchPaths(cmd, m, args, opt, vopt, emit)
			}
			if err != nil {
				return err
			}
			if t != nil {
				t.Flush()
			}
			if failed > 0 {
				return failureError{fmt.Sprintf("%d quer(ies) could not be matched", failed)}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&opt.MaxDistance, "max-distance", investigation.DefaultMaxDistance, "largest PDQ distance that matches (0-31)")
	f.BoolVar(&opt.Dihedral, "dihedral", false, "also match rotated and mirrored copies")
	f.IntVar(&minQuality, "min-quality", investigation.DefaultMinQuality, "PDQ hashes of lower quality are not matched (0: no gate)")
	f.StringVar(&hashesFile, "hashes-file", "", "match the hashes in this file (one per line; - for stdin)")
	f.StringVar(&hash64, "hash-kind", "sha256", "with --hashes-file: what a 64-hex value is, sha256 or pdq (a pdq: or sha256: prefix overrides)")
	vf.register(cmd)
	videoMatchFlags(cmd, &opt)
	return cmd
}

func matchPaths(cmd *cobra.Command, m *investigation.Matcher, args []string, opt investigation.MatchOptions, vopt *video.Options, emit func(investigation.QueryMatches) error) (int, error) {
	files, odd, err := evidence.ListFiles(args)
	if err != nil {
		return 0, withHint(usageError{err}, "give existing files or directories")
	}
	failed := 0
	err = evidence.HashFiles(cmd.Context(), files, evidence.ProcessOptions{PDQ: true, Dihedral: opt.Dihedral, Video: vopt}, 0, func(r evidence.Result) error {
		l := investigation.QueryMatches{Query: r.Path, Kind: "file", Error: r.Err}
		if r.Err != "" && !r.Hashed {
			failed++
			return emit(l)
		}
		ms, status, err := m.MatchResult(cmd.Context(), &r)
		if err != nil {
			return err
		}
		l.Matches, l.Status = ms, status
		return emit(l)
	})
	if err != nil {
		return failed, err
	}
	for _, r := range odd {
		failed++
		if err := emit(investigation.QueryMatches{Query: r.Path, Kind: "file", Error: cmp.Or(r.Err, strings.Join(r.Warnings, "; "))}); err != nil {
			return failed, err
		}
	}
	return failed, nil
}

func matchHashesFile(cmd *cobra.Command, m *investigation.Matcher, path, hash64 string, emit func(investigation.QueryMatches) error) (int, error) {
	in := cmd.InOrStdin()
	if path != "-" {
		f, err := source.OpenInput(path)
		if err != nil {
			return 0, usageError{err}
		}
		defer f.Close()
		in = f
	}
	// One line at most 1 MiB; a longer one is reported and skipped, and
	// "\n", "\r\n" and lone "\r" all end lines.
	lr := hashset.NewLineReader(in, 1<<20)
	failed := 0
	for {
		text, line, err := lr.Next()
		if err == io.EOF {
			return failed, nil
		}
		var rej *hashset.RejectError
		if errors.As(err, &rej) {
			failed++
			if err := emit(investigation.QueryMatches{Query: rej.Raw, Kind: "unknown", Error: fmt.Sprintf("line %d: %s", line, rej.Reason)}); err != nil {
				return failed, err
			}
			continue
		}
		if err != nil {
			return failed, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		q := strings.TrimSpace(text)
		if q == "" || strings.HasPrefix(q, "#") {
			continue
		}
		l := investigation.QueryMatches{Query: q}
		kind, value := hashKind(q, hash64)
		l.Kind = kind
		switch kind {
		case "md5", "sha1", "sha256":
			var d []byte
			d, err = hex.DecodeString(value)
			if err == nil {
				l.Matches, err = m.MatchDigest(cmd.Context(), kind, d)
			}
		case "pdq":
			var h pdq.Hash
			h, err = pdq.ParseHex(value)
			if err == nil {
				l.Matches, err = m.MatchPDQ(cmd.Context(), h, -1, nil)
			}
		default:
			err = fmt.Errorf("line %d: not a hash (want 32, 40 or 64 hex characters, or pdq:<64 hex>)", line)
		}
		if err != nil {
			l.Error = err.Error()
			failed++
		}
		if err := emit(l); err != nil {
			return failed, err
		}
	}
}

// hashKind tells a hash's kind by its length; 64 hex is hash64 (sha256 or
// pdq, from --hash-kind) unless prefixed "pdq:" or "sha256:".
func hashKind(q, hash64 string) (kind, value string) {
	if k, v, ok := strings.Cut(q, ":"); ok {
		switch strings.ToLower(k) {
		case "md5", "sha1", "sha256", "pdq":
			return strings.ToLower(k), strings.ToLower(v)
		}
	}
	if _, err := hex.DecodeString(q); err != nil {
		return "unknown", q
	}
	switch len(q) {
	case 32:
		return "md5", strings.ToLower(q)
	case 40:
		return "sha1", strings.ToLower(q)
	case 64:
		return hash64, strings.ToLower(q)
	}
	return "unknown", q
}
