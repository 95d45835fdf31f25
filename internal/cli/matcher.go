package cli

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/investigation"
)

// envMatcherSecret names the secret shared by a hub's matchers and the
// processes that query them.
const envMatcherSecret = "VIBORA_MATCHER_SECRET"

func newMatcherCmd(g *globals) *cobra.Command {
	var parts, listen, advertise, name, dir string
	var of int
	cmd := &cobra.Command{
		Use:   "matcher --partitions 0-15 [--partition-count 16] [--listen ADDR] [--name NAME]",
		Short: "Serve some partitions of the PDQ index to a hub's servers and workers (docs/scale.md)",
		Long: `Hold some of the hub's P virtual partitions of the PDQ index (a bank
record's partition is its record ID modulo P), loaded from the banks of the
store named by --db and kept up to date by tailing them, and answer batched
near-duplicate queries over HTTP (docs/scale.md describes the wire format).
The process registers itself in the store with a heartbeat; it prints one
line (or a JSON object with --json) once it is loaded and registered, and
leaves the registry on SIGINT or SIGTERM.

Every request must carry the secret in VIBORA_MATCHER_SECRET. When that
variable is set and --db is PostgreSQL, every other command (vibora serve,
match, ingest) matches PDQ hashes through the registered matchers instead
of holding the PDQ index itself; give every partition two owners so that
a dead matcher costs only latency.

With --dir, the partitions are kept on disk there: a matcher restarted on
the same directory loads them from it and reads from the store only what
changed since.

Environment: VIBORA_MATCHER_SECRET (required), VIBORA_MATCHER_LISTEN,
VIBORA_MATCHER_DIR.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			secret := os.Getenv(envMatcherSecret)
			if secret == "" {
				return withHint(usagef("%s is not set", envMatcherSecret), "every matcher and every process that queries them share one secret")
			}
			held, err := parsePartitions(parts, of)
			if err != nil {
				return usageError{err}
			}
			listen = cmp.Or(listen, os.Getenv("VIBORA_MATCHER_LISTEN"), "127.0.0.1:0")
			dir = cmp.Or(dir, os.Getenv("VIBORA_MATCHER_DIR"))
			if name == "" {
				host, _ := os.Hostname()
				name = fmt.Sprintf("%s-%d", cmp.Or(host, "matcher"), os.Getpid())
			}
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			return s.ServeMatcher(ctx, investigation.MatcherConfig{Name: name, Of: of, Partitions: held, Listen: listen, Advertise: advertise, Secret: secret,
				Dir: dir, Logger: g.serveLogger(),
				Ready: func(addr string) {
					if g.json {
						newJSONLines(g.streams.Out).Write(map[string]any{"name": name, "addr": addr, "partitions": held, "of": of})
						return
					}
					newLines(g.streams.Out).Printf("matcher %s listening on %s with partitions %s of %d\n", name, addr, parts, of)
				}})
		},
	}
	f := cmd.Flags()
	f.StringVar(&parts, "partitions", "", "the partitions to hold: ranges and numbers, as 0-7 or 0-3,8-11")
	f.IntVar(&of, "partition-count", 16, "P, the hub's number of virtual partitions (the same for every matcher)")
	f.StringVar(&listen, "listen", "", "address to listen on (env VIBORA_MATCHER_LISTEN, default 127.0.0.1 on a free port)")
	f.StringVar(&advertise, "advertise", "", "address others reach this matcher at, when not the one listened on")
	f.StringVar(&name, "name", "", "this matcher's name in the registry (default HOST-PID)")
	f.StringVar(&dir, "dir", "", "keep the partitions on disk in this directory, to load them from there on a restart (env VIBORA_MATCHER_DIR)")
	cmd.MarkFlagRequired("partitions")
	cmd.AddCommand(newMatcherListCmd(g))
	return cmd
}

func newMatcherListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the matcher registry: each matcher's address, partitions and whether it is live",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			s, done, err := g.openService(ctx)
			if err != nil {
				return err
			}
			defer done()
			ns, err := s.MatcherNodes(ctx)
			if err != nil {
				return err
			}
			if g.json {
				return writeAll(g.streams.Out, ns)
			}
			w := newLines(g.streams.Out)
			for _, n := range ns {
				state := "dead"
				if n.Live {
					state = "live"
				}
				if err := w.Printf("%s\t%s\t%s\tpartitions %s of %d\theartbeat %s\n", n.Name, state, n.Addr, formatPartitions(n.Partitions), n.Of, n.Heartbeat); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// parsePartitions reads "0-3,8,10-11" into ascending distinct partitions
// of 0..of-1.
func parsePartitions(spec string, of int) ([]int, error) {
	if of < 1 {
		return nil, fmt.Errorf("--partition-count %d: want at least 1", of)
	}
	seen := map[int]bool{}
	var out []int
	for _, part := range strings.Split(spec, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err := strconv.Atoi(lo)
		b := a
		if err == nil && isRange {
			b, err = strconv.Atoi(hi)
		}
		if err != nil || a > b || a < 0 || b >= of {
			return nil, fmt.Errorf("--partitions %q: %q is not a partition or range of 0..%d", spec, part, of-1)
		}
		for p := a; p <= b; p++ {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// formatPartitions writes ascending partitions as ranges ("0-3,8").
func formatPartitions(ps []int) string {
	var b strings.Builder
	for i := 0; i < len(ps); {
		j := i
		for j+1 < len(ps) && ps[j+1] == ps[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		if j > i {
			fmt.Fprintf(&b, "%d-%d", ps[i], ps[j])
		} else {
			fmt.Fprint(&b, ps[i])
		}
		i = j + 1
	}
	return b.String()
}

// matcherOptions makes a service match PDQ hashes through the registered
// matchers when the hub has them (VIBORA_MATCHER_SECRET and PostgreSQL).
func matcherOptions(dsn string) []investigation.Option {
	if secret := os.Getenv(envMatcherSecret); secret != "" && investigation.IsPostgres(dsn) {
		return []investigation.Option{investigation.WithMatchers(secret)}
	}
	return nil
}
