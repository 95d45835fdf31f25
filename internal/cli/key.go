package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func newKeyCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "key", Short: "Referral signing keys and the trusted-sender registry"}
	cmd.AddCommand(newKeyCreateCmd(g), newKeyListCmd(g), newKeyExportCmd(g), newKeyTrustCmd(g), newKeyTrustedCmd(g))
	return cmd
}

// readPassphrase reads the first line of stdin as a passphrase when asked.
func (g *globals) readPassphrase(fromStdin bool) ([]byte, error) {
	if !fromStdin {
		return nil, nil
	}
	line, err := bufio.NewReaderSize(io.LimitReader(g.streams.In, 4096), 4096).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read passphrase from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return nil, usagef("--passphrase-stdin: stdin holds no passphrase")
	}
	return []byte(line), nil
}

func newKeyCreateCmd(g *globals) *cobra.Command {
	var agency string
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an Ed25519 signing key of your agency (never printed or exported)",
		Long: `Create an Ed25519 key that signs your agency's referral packages and
acknowledgements. The private key stays in the store: sealed under a
passphrase (argon2id, XChaCha20-Poly1305) when one is given on stdin with
--passphrase-stdin, and never printed or exported. 'vibora key export'
writes the public key for the recipients' registries.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			pass, err := g.readPassphrase(fromStdin)
			if err != nil {
				return err
			}
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			k, err := s.CreateKey(cmd.Context(), agency, args[0], pass)
			if err != nil {
				return classify(err, "'vibora key list' shows the keys")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(k)
			}
			sealed := "not sealed"
			if k.Sealed {
				sealed = "sealed under the passphrase"
			}
			return newLines(g.streams.Out).Printf("key %s of %s: id %s (%s)\n", k.Name, k.Agency, k.KeyID, sealed)
		},
	}
	cmd.Flags().StringVar(&agency, "agency", "", "the agency the key signs for (default: yours)")
	cmd.Flags().BoolVar(&fromStdin, "passphrase-stdin", false, "seal the private key under the passphrase on the first line of stdin")
	return cmd
}

func newKeyListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the signing keys you may use (public parts only)",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			list, err := s.Keys(cmd.Context())
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				return writeAll(g.streams.Out, list)
			}
			t := newTable(g.streams.Out, "AGENCY", "NAME", "KEY ID", "SEALED", "CREATED", "BY")
			for _, k := range list {
				t.Row(k.Agency, k.Name, k.KeyID, k.Sealed, k.CreatedAt[:min(len(k.CreatedAt), 19)], k.CreatedBy)
			}
			return t.Flush()
		},
	}
}

func newKeyExportCmd(g *globals) *cobra.Command {
	var agency, out string
	cmd := &cobra.Command{
		Use:   "export NAME --out FILE",
		Short: "Write a signing key's public key and id, for the recipients' registries",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			b, k, err := s.ExportKey(cmd.Context(), agency, args[0])
			if err != nil {
				return classify(err, "'vibora key list' shows the keys")
			}
			if err := writeNewFile(out, b); err != nil {
				return err
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(map[string]any{"key": k, "file": out})
			}
			return newLines(g.streams.Out).Printf("public key %s of %s written to %s\n", k.KeyID, k.Agency, out)
		},
	}
	cmd.Flags().StringVar(&agency, "agency", "", "the key's agency (default: yours)")
	cmd.Flags().StringVar(&out, "out", "", "the file to write (must not exist)")
	cmd.MarkFlagRequired("out")
	return cmd
}

// writeNewFile writes b to a file that must not exist yet.
func writeNewFile(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return usagef("%v", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func newKeyTrustCmd(g *globals) *cobra.Command {
	var until string
	cmd := &cobra.Command{
		Use:   "trust FILE",
		Short: "Trust a sender's exported public key (exchanged out of band)",
		Long: `Add a sender's public key, as 'vibora key export' wrote it, to your
agency's registry of trusted senders: packages and acknowledgements
signed by it verify from then on, until --until if given. Check the key
id with the sender over another channel first.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			var end time.Time
			if until != "" {
				t, err := parseAsOf(until)
				if err != nil {
					return usagef("--until %q: want a date (YYYY-MM-DD) or an RFC 3339 time", until)
				}
				end = t
			}
			b, err := readBounded(args[0], 1<<20)
			if err != nil {
				return err
			}
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			k, err := s.TrustKey(cmd.Context(), b, end)
			if err != nil {
				return classify(err, "the file must be the one 'vibora key export' wrote, unchanged")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(k)
			}
			return newLines(g.streams.Out).Printf("trusted key %s of %s (%s)%s\n", k.KeyID, k.Agency, k.Name, map[bool]string{true: " until " + k.NotAfter, false: ""}[k.NotAfter != ""])
		},
	}
	cmd.Flags().StringVar(&until, "until", "", "end of the trust: a date (YYYY-MM-DD) or an RFC 3339 time")
	return cmd
}

func newKeyTrustedCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "trusted",
		Short: "List your agency's registry of trusted senders",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			list, err := s.TrustedKeys(cmd.Context())
			if err != nil {
				return classify(err, "")
			}
			if g.json {
				return writeAll(g.streams.Out, list)
			}
			t := newTable(g.streams.Out, "KEY ID", "AGENCY", "NAME", "UNTIL", "ADDED", "BY")
			for _, k := range list {
				t.Row(k.KeyID, k.Agency, k.Name, k.NotAfter, k.AddedAt[:min(len(k.AddedAt), 19)], k.AddedBy)
			}
			return t.Flush()
		},
	}
}

// readBounded reads a file of at most limit bytes.
func readBounded(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("%v", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, usagef("%s: larger than %d bytes", name, limit)
	}
	return b, nil
}

// parseAsOf reads a date (YYYY-MM-DD, midnight UTC) or an RFC 3339 time.
func parseAsOf(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}
