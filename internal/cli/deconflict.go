package cli

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vibora-project/vibora/internal/deconflict"
	"github.com/vibora-project/vibora/internal/investigation"
)

func newDeconflictCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "deconflict", Short: "Find which other agencies hold your targets, without seeing theirs"}
	cmd.AddCommand(newDeconflictCheckCmd(g), newDeconflictNoticesCmd(g), newDeconflictAckCmd(g),
		newDeconflictKeygenCmd(g), newDeconflictExportCmd(g), newDeconflictMatchCmd(g))
	return cmd
}

func newDeconflictCheckCmd(g *globals) *cobra.Command {
	var caseName string
	cmd := &cobra.Command{
		Use:   "check --case CASE",
		Short: "Check a case's identifiers and media hashes against the other agencies' cases",
		Long: `Check every identifier (phone, e-mail, account, wallet, device id) and
media hash of a case against the cases of other agencies on this store.
Both sides get a notice naming the other agency, the kind and whom to
contact; neither sees the other's case. The same check runs whenever an
import adds identifiers or files.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			v, err := s.CheckDeconfliction(cmd.Context(), caseName)
			if err != nil {
				return classify(err, "'vibora case list' shows the cases")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(v)
			}
			if err := newLines(g.streams.Out).Printf("case %s: %d keys held by other agencies, %d new matches\n", v.Case, v.Hits, v.NewMatches); err != nil {
				return err
			}
			return printNotices(g, v.Notices)
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "the case to check")
	cmd.MarkFlagRequired("case")
	return cmd
}

func printNotices(g *globals, ns []investigation.NoticeView) error {
	t := newTable(g.streams.Out, "ID", "CASE", "KIND", "AGENCY", "MATCHES", "ACKED", "CONTACT")
	for _, n := range ns {
		acked := "no"
		if n.Acknowledged {
			acked = n.AckedBy
		}
		t.Row(n.ID, n.Case, n.Kind, n.Agency, n.Matches, acked, n.Contact)
	}
	return t.Flush()
}

func newDeconflictNoticesCmd(g *globals) *cobra.Command {
	var (
		caseName string
		open     bool
	)
	cmd := &cobra.Command{
		Use:   "notices [--case CASE] [--open]",
		Short: "List deconfliction notices of a case, or of every case you may read",
		Args:  argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			ns, err := s.Notices(cmd.Context(), caseName, open)
			if err != nil {
				return classify(err, "'vibora case list' shows the cases")
			}
			if g.json {
				return writeAll(g.streams.Out, ns)
			}
			return printNotices(g, ns)
		},
	}
	cmd.Flags().StringVar(&caseName, "case", "", "only this case's notices")
	cmd.Flags().BoolVar(&open, "open", false, "only notices not acknowledged")
	return cmd
}

func newDeconflictAckCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "ack NOTICE",
		Short: "Acknowledge a deconfliction notice (new matches open it again)",
		Args:  argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := investigation.ParseNoticeID(args[0])
			if err != nil {
				return usagef("notice %q: want the number 'vibora deconflict notices' shows", args[0])
			}
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			n, err := s.AckNotice(cmd.Context(), id)
			if err != nil {
				return classify(err, "'vibora deconflict notices' lists the notices you may see")
			}
			if g.json {
				return newJSONLines(g.streams.Out).Write(n)
			}
			return newLines(g.streams.Out).Printf("notice %d of case %s acknowledged\n", n.ID, n.Case)
		},
	}
}

func newDeconflictKeygenCmd(g *globals) *cobra.Command {
	var master, signing, public string
	cmd := &cobra.Command{
		Use:   "keygen [--master FILE] [--signing FILE --public FILE]",
		Short: "Make a master key (shared between trusting hubs) or a signing key pair",
		Long: `Make the keys of the HMAC tier. The master key (32 random bytes, hex) is
shared out of band between the hubs of an operation; every operation's key
is derived from it. The signing key (Ed25519, PKCS #8 PEM) stays with its
agency; its public key (PEM) goes to the hubs that must trust your files.
Files are created new (mode 0600 for secrets) and never overwritten.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if master == "" && signing == "" {
				return usagef("name --master FILE, --signing FILE (with --public FILE), or both")
			}
			if (signing == "") != (public == "") {
				return usagef("--signing and --public go together")
			}
			if master != "" {
				k := make([]byte, 32)
				if _, err := rand.Read(k); err != nil {
					return err
				}
				if err := writeNew(master, deconflict.MasterKeyFile(k), 0o600); err != nil {
					return err
				}
			}
			if signing != "" {
				pub, priv, err := ed25519.GenerateKey(rand.Reader)
				if err != nil {
					return err
				}
				sb, err := deconflict.MarshalSigningKey(priv)
				if err != nil {
					return err
				}
				pb, err := deconflict.MarshalPublicKey(pub)
				if err != nil {
					return err
				}
				if err := writeNew(signing, sb, 0o600); err != nil {
					return err
				}
				if err := writeNew(public, pb, 0o644); err != nil {
					return err
				}
				return newLines(g.streams.Out).Printf("signing key %s\n", deconflict.KeyID(pub))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&master, "master", "", "write a new master key here")
	cmd.Flags().StringVar(&signing, "signing", "", "write a new Ed25519 signing key here")
	cmd.Flags().StringVar(&public, "public", "", "write the signing key's public key here")
	return cmd
}

// writeNew creates path and writes b; an existing file is an error.
func writeNew(path string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return usagef("%v", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readSmall reads a key or trust file named by the user (at most 1 MiB).
func readSmall(what, path string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, usagef("%s: %v", what, err)
	}
	if !st.Mode().IsRegular() || st.Size() > 1<<20 {
		return nil, usagef("%s %s: not a regular file of at most 1 MiB", what, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("%s: %v", what, err)
	}
	return b, nil
}

func readKeyFiles(master, sign string) (mk []byte, sk ed25519.PrivateKey, err error) {
	if master != "" {
		b, err := readSmall("--key", master)
		if err != nil {
			return nil, nil, err
		}
		if mk, err = deconflict.ParseMasterKey(b); err != nil {
			return nil, nil, usagef("--key %s: %v", master, err)
		}
	}
	if sign != "" {
		b, err := readSmall("--sign-key", sign)
		if err != nil {
			return nil, nil, err
		}
		if sk, err = deconflict.ParseSigningKey(b); err != nil {
			return nil, nil, usagef("--sign-key %s: %v", sign, err)
		}
	}
	return mk, sk, nil
}

func trustFunc(files []string) (func(ed25519.PublicKey) bool, error) {
	var keys []ed25519.PublicKey
	for _, f := range files {
		b, err := readSmall("--trust", f)
		if err != nil {
			return nil, err
		}
		ks, err := deconflict.ParsePublicKeys(b)
		if err != nil {
			return nil, usagef("--trust %s: %v", f, err)
		}
		keys = append(keys, ks...)
	}
	return func(p ed25519.PublicKey) bool {
		for _, k := range keys {
			if k.Equal(p) {
				return true
			}
		}
		return false
	}, nil
}

// hubFlags are the flags of the OPRF tier: the hub that holds the key.
type hubFlags struct {
	url       string
	tokenFile string
}

func (h *hubFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&h.url, "oprf", "", "OPRF tier: the hub's base URL (https://hub.example.org); tokens come from it, blinded")
	cmd.Flags().StringVar(&h.tokenFile, "hub-token-file", "", "file holding your API token on that hub (default: $VIBORA_HUB_TOKEN)")
}

func (h *hubFlags) client() (*oprfClient, error) {
	tok := strings.TrimSpace(os.Getenv("VIBORA_HUB_TOKEN"))
	if h.tokenFile != "" {
		b, err := readSmall("--hub-token-file", h.tokenFile)
		if err != nil {
			return nil, err
		}
		tok = strings.TrimSpace(string(b))
	}
	if tok == "" {
		return nil, withHint(usagef("--oprf needs an API token of the hub"), "give --hub-token-file FILE or set VIBORA_HUB_TOKEN")
	}
	return newOPRFClient(h.url, tok)
}

func keysOf(h investigation.Holdings) []string {
	out := make([]string, len(h.Keys))
	for i, k := range h.Keys {
		out[i] = k.Key
	}
	return out
}

// ownTokens tokenises the holdings' keys under the master key (HMAC) or
// through the hub (OPRF), in the order of h.Keys; it returns the OPRF
// public key used ("" for HMAC).
func ownTokens(cmd *cobra.Command, h investigation.Holdings, master []byte, hub *oprfClient) ([]deconflict.Token, string, error) {
	keys := keysOf(h)
	if hub != nil {
		return hub.tokens(cmd.Context(), h.Operation, keys)
	}
	k, err := deconflict.OperationKey(master, h.Operation)
	if err != nil {
		return nil, "", err
	}
	return deconflict.NewTokenizer(k).Tokens(nil, keys), "", nil
}

func newDeconflictExportCmd(g *globals) *cobra.Command {
	var (
		op, key, signKey, out, agency, contact, expires string
		cases                                           []string
		hub                                             hubFlags
	)
	cmd := &cobra.Command{
		Use:   "export --operation OP (--key FILE | --oprf URL) --sign-key FILE --out FILE",
		Short: "Write the signed token file of an operation's identifiers for another hub",
		Long: `Write one signed file of tokens of the identifiers (phones, e-mails,
accounts, wallets, device ids) and media hashes of the operation's cases
(the cases whose operation is OP, or those named with --case). With --key,
the tokens are HMAC-SHA-256 under a key derived from the shared master key
and the operation id; with --oprf, a hub evaluates them blinded and never
sees them. The file names your agency and contact, never a value.`,
		Args: argsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (key == "") == (hub.url == "") {
				return usagef("give exactly one of --key (HMAC tier) and --oprf (OPRF tier)")
			}
			life, err := parseLifetime(expires)
			if err != nil || life == 0 {
				return usagef("--expires %q: want days such as 30d or a duration", expires)
			}
			master, sk, err := readKeyFiles(key, signKey)
			if err != nil {
				return err
			}
			var client *oprfClient
			if hub.url != "" {
				if client, err = hub.client(); err != nil {
					return err
				}
			}
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			h, err := s.DeconflictHoldings(cmd.Context(), op, cases, "export")
			if err != nil {
				return classify(err, "cases join an operation with 'vibora case create --operation'; or name them with --case")
			}
			if agency != "" {
				h.Agency = agency
			}
			if contact != "" {
				h.Contact = contact
			}
			if h.Agency == "" || h.Contact == "" {
				return withHint(usagef("the file must name your agency and a contact"), "give --agency and --contact, or record the contact with 'vibora agency contact'")
			}
			tokens, oprfKey, err := ownTokens(cmd, h, master, client)
			if err != nil {
				return err
			}
			tokens = deconflict.SortTokens(tokens)
			scheme := deconflict.SchemeHMAC
			if client != nil {
				scheme = deconflict.SchemeOPRF
			}
			now := time.Now()
			hd := deconflict.Header{Scheme: scheme, Normalization: deconflict.NormalizationVersion, Operation: op, Kinds: h.Kinds,
				Creator: deconflict.Creator{Agency: h.Agency, Country: h.Country, Contact: h.Contact},
				Created: now, Expires: now.Add(life), OPRFKey: oprfKey}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return usagef("--out: %v", err)
			}
			if err := deconflict.Write(f, hd, tokens, sk); err != nil {
				f.Close()
				os.Remove(out)
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			v := exportView{File: out, Scheme: scheme, Operation: op, Cases: h.Cases, Tokens: len(tokens), Signer: deconflict.KeyID(sk.Public().(ed25519.PublicKey)),
				Expires: hd.Expires.UTC().Format("2006-01-02T15:04:05Z")}
			if g.json {
				return newJSONLines(g.streams.Out).Write(v)
			}
			return newLines(g.streams.Out).Printf("%s: %d tokens (%s) of operation %s, signed by %s, expires %s\n", v.File, v.Tokens, v.Scheme, v.Operation, v.Signer, v.Expires)
		},
	}
	f := cmd.Flags()
	f.StringVar(&op, "operation", "", "the operation id both sides use")
	f.StringVar(&key, "key", "", "HMAC tier: the master key file shared with the other hubs")
	f.StringVar(&signKey, "sign-key", "", "your agency's Ed25519 signing key (PKCS #8 PEM)")
	f.StringVar(&out, "out", "", "the token file to create")
	f.StringSliceVar(&cases, "case", nil, "the cases to export (default: the operation's cases you may read)")
	f.StringVar(&agency, "agency", "", "the agency named as creator (default: yours, or the cases')")
	f.StringVar(&contact, "contact", "", "whom to contact about a match (default: the agency's recorded contact)")
	f.StringVar(&expires, "expires", "30d", "how long the file may be matched: days (30d) or a duration")
	hub.add(cmd)
	for _, n := range []string{"operation", "sign-key", "out"} {
		cmd.MarkFlagRequired(n)
	}
	return cmd
}

type exportView struct {
	File      string   `json:"file"`
	Scheme    string   `json:"scheme"`
	Operation string   `json:"operation"`
	Cases     []string `json:"cases"`
	Tokens    int      `json:"tokens"`
	Signer    string   `json:"signer"`
	Expires   string   `json:"expires"`
}

// matchView is what `deconflict match` prints: only the overlaps (our own
// keys) and whom to contact.
type matchView struct {
	File       string             `json:"file"`
	Scheme     string             `json:"scheme"`
	Operation  string             `json:"operation"`
	Creator    deconflict.Creator `json:"creator"`
	Signer     string             `json:"signer"`
	FileTokens int                `json:"file_tokens"`
	Checked    int                `json:"checked"`
	Overlaps   []overlapView      `json:"overlaps"`
}

type overlapView struct {
	Key  string `json:"key"`
	Kind string `json:"kind"`
	Case string `json:"case"`
}

func newDeconflictMatchCmd(g *globals) *cobra.Command {
	var (
		key   string
		trust []string
		cases []string
		hub   hubFlags
	)
	cmd := &cobra.Command{
		Use:   "match FILE (--key FILE | --oprf URL) --trust PEM",
		Short: "Compare another hub's token file with your own identifiers: overlaps and whom to contact",
		Long: `Verify a token file (signature from a key in --trust, not expired, the
normalisation version this vibora uses), tokenise your own identifiers of
the file's operation the same way, and print only the overlaps: your own
identifiers the other agency also holds, and its contact.`,
		Args: argsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if (key == "") == (hub.url == "") {
				return usagef("give exactly one of --key (HMAC tier) and --oprf (OPRF tier)")
			}
			trusted, err := trustFunc(trust)
			if err != nil {
				return err
			}
			master, _, err := readKeyFiles(key, "")
			if err != nil {
				return err
			}
			fh, err := os.Open(args[0])
			if err != nil {
				return usagef("%v", err)
			}
			defer fh.Close()
			file, err := deconflict.Read(fh, trusted, time.Now())
			if err != nil {
				return withHint(usagef("%s: %v", args[0], err), "--trust names the PEM public keys of the hubs you trust")
			}
			var client *oprfClient
			switch {
			case file.Header.Scheme == deconflict.SchemeOPRF && hub.url == "":
				return usagef("%s holds OPRF tokens: match it with --oprf and the hub that made them", args[0])
			case file.Header.Scheme == deconflict.SchemeHMAC && hub.url != "":
				return usagef("%s holds HMAC tokens: match it with --key", args[0])
			case hub.url != "":
				if client, err = hub.client(); err != nil {
					return err
				}
			}
			s, done, err := g.openService(cmd.Context())
			if err != nil {
				return err
			}
			defer done()
			h, err := s.DeconflictHoldings(cmd.Context(), file.Header.Operation, cases, "match")
			if err != nil {
				return classify(err, "name your cases with --case when your operation id differs")
			}
			kinds := map[string]bool{}
			for _, k := range file.Header.Kinds {
				kinds[k] = true
			}
			var keep []int
			for i, k := range h.Keys {
				if kinds[k.Kind] {
					keep = append(keep, i)
				}
			}
			sub := h
			sub.Keys = nil
			for _, i := range keep {
				sub.Keys = append(sub.Keys, h.Keys[i])
			}
			tokens, oprfKey, err := ownTokens(cmd, sub, master, client)
			if err != nil {
				return err
			}
			if client != nil && oprfKey != file.Header.OPRFKey {
				return usagef("%s was made under another OPRF key of operation %s than the hub's", args[0], file.Header.Operation)
			}
			v := matchView{File: args[0], Scheme: file.Header.Scheme, Operation: file.Header.Operation, Creator: file.Header.Creator,
				Signer: deconflict.KeyID(file.Header.Signer), FileTokens: len(file.Tokens), Checked: len(tokens), Overlaps: []overlapView{}}
			for _, i := range deconflict.Match(file.Tokens, tokens) {
				k := sub.Keys[i]
				v.Overlaps = append(v.Overlaps, overlapView{Key: k.Key, Kind: k.Kind, Case: k.Case})
			}
			if err := s.AuditDeconflictMatch(cmd.Context(), v.Operation, v.Creator.Agency, v.FileTokens, len(v.Overlaps)); err != nil {
				return err
			}
			if g.json {
				if err := newJSONLines(g.streams.Out).Write(v); err != nil {
					return err
				}
			} else {
				l := newLines(g.streams.Out)
				if err := l.Printf("%s: %d of your %d keys are held by %s (%s); contact: %s\n", v.File, len(v.Overlaps), v.Checked,
					v.Creator.Agency, v.Creator.Country, v.Creator.Contact); err != nil {
					return err
				}
				t := newTable(g.streams.Out, "KIND", "KEY", "CASE")
				for _, o := range v.Overlaps {
					t.Row(o.Kind, o.Key, o.Case)
				}
				if err := t.Flush(); err != nil {
					return err
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&key, "key", "", "HMAC tier: the master key file shared with the other hubs")
	f.StringSliceVar(&trust, "trust", nil, "PEM public keys of the hubs whose files you accept (repeatable)")
	f.StringSliceVar(&cases, "case", nil, "your cases to compare (default: your cases of the file's operation)")
	hub.add(cmd)
	cmd.MarkFlagRequired("trust")
	return cmd
}
