package platform

import (
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vibora-project/vibora/internal/platform/dump"
)

// SampleRows is how many rows of each table Suggest looks at.
const SampleRows = 200

// tableSample is what Suggest learned of one table.
type tableSample struct {
	name    string
	columns []string
	values  [][]string // per column, non-empty samples
	rows    int
}

// Sample reads the schema and the first rows of every table of a dump.
// It reads the whole dump (rows past the sample are skipped cheaply);
// unreadable rows are counted, not fatal.
func Sample(readers []dump.Reader) (samples []*tableSample, bad int, err error) {
	byName := map[string]*tableSample{}
	for _, r := range readers {
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				bad++
				continue
			}
			ts := byName[row.Table]
			if ts == nil {
				ts = &tableSample{name: row.Table, columns: slices.Clone(row.Columns), values: make([][]string, len(row.Columns))}
				byName[row.Table] = ts
				samples = append(samples, ts)
			}
			ts.rows++
			if ts.rows > SampleRows {
				continue
			}
			for i, v := range row.Values {
				if i < len(ts.values) && !v.Null && len(v.B) > 0 && len(v.B) <= 256 {
					ts.values[i] = append(ts.values[i], string(v.B))
				}
			}
		}
	}
	return samples, bad, nil
}

var (
	reEmail = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}$`)
	reHex   = regexp.MustCompile(`^[0-9a-fA-F]+$`)
	reTime  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}`)
	rePhone = regexp.MustCompile(`^\+?[0-9 ()./-]{7,20}$`)
	reETH   = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)
	reBTC   = regexp.MustCompile(`^(bc1[0-9a-z]{20,80}|[13][1-9A-HJ-NP-Za-km-z]{25,34})$`)
)

// shape tells what most sample values of a column look like.
func shape(vals []string) string {
	if len(vals) == 0 {
		return ""
	}
	count := map[string]int{}
	for _, v := range vals {
		v = strings.TrimSpace(v)
		switch {
		case !utf8.ValidString(v):
			count["binary"]++
		case reEmail.MatchString(v):
			count["email"]++
		case reETH.MatchString(v) || reBTC.MatchString(v):
			count["wallet"]++
		case reHex.MatchString(v) && len(v) == 64:
			count["sha256"]++
		case reHex.MatchString(v) && len(v) == 40:
			count["sha1"]++
		case reHex.MatchString(v) && len(v) == 32:
			count["md5"]++
		case reTime.MatchString(v):
			count["time"]++
		case isIP(v):
			count["ip"]++
		case strings.Trim(v, "0123456789") == "":
			count["int"]++
		case rePhone.MatchString(v) && strings.Count(v, " ") < 5:
			count["phone"]++
		default:
			count["text"]++
		}
	}
	best, n := "", 0
	for k, c := range count {
		if c > n || c == n && k < best {
			best, n = k, c
		}
	}
	if n*10 < len(vals)*8 { // under 80%: mixed
		return "text"
	}
	return best
}

func isIP(v string) bool {
	_, err := netip.ParseAddr(v)
	return err == nil && strings.ContainsAny(v, ".:")
}

// nameIs reports whether column name c is one of names, or ends in _name.
func nameIs(c string, names ...string) bool {
	c = strings.ToLower(c)
	for _, n := range names {
		if c == n || strings.HasSuffix(c, "_"+n) {
			return true
		}
	}
	return false
}

// guessProperty names the property a column probably holds in a table
// of entity, or "".
func guessProperty(entity, col, sh string) string {
	switch {
	case nameIs(col, "password", "pass", "pass_hash", "password_hash", "salt", "token", "api_key", "session", "otp_secret", "secret"):
		return "" // secrets are never imported
	case col == "id" && (entity == EntityUser || entity == EntityUpload):
		return "id"
	case nameIs(col, "email", "mail", "e_mail") || sh == "email":
		return "email"
	case nameIs(col, "phone", "mobile", "tel", "telephone", "msisdn") || sh == "phone" && entity == EntityUser:
		return "phone"
	case nameIs(col, "ip", "ip_address", "ipaddr", "remote_addr", "addr_ip") || sh == "ip":
		return "ip"
	case nameIs(col, "user_agent", "useragent", "ua", "agent", "browser"):
		return "user_agent"
	case nameIs(col, "sha256") || sh == "sha256" && entity != EntityPayment:
		return "sha256"
	case nameIs(col, "sha1") || sh == "sha1":
		return "sha1"
	case nameIs(col, "md5") || sh == "md5":
		return "md5"
	case nameIs(col, "txid", "tx_hash", "tx_id", "transaction_hash", "tx"):
		return "txid"
	case nameIs(col, "address", "btc_address", "deposit_address", "wallet", "wallet_address") || sh == "wallet":
		if entity == EntityUser {
			return "wallet"
		}
		return "address"
	case nameIs(col, "chain", "coin", "network", "crypto"):
		return "chain"
	case nameIs(col, "amount", "satoshi", "satoshis", "value", "sum", "price"):
		return "amount"
	case nameIs(col, "currency"):
		if entity == EntityPayment {
			return "currency"
		}
		return "chain"
	case nameIs(col, "from", "from_id", "sender", "sender_id", "from_user", "author_id") && entity == EntityMessage:
		return "from"
	case nameIs(col, "to", "to_id", "recipient", "recipient_id", "to_user", "receiver_id") && entity == EntityMessage:
		return "to"
	case nameIs(col, "user_id", "uid", "userid", "account_id", "member_id", "owner_id", "uploader_id", "viewer_id", "payer_id") && entity != EntityUser:
		return "user"
	case nameIs(col, "upload_id", "video_id", "file_id", "media_id") && (entity == EntityView || entity == EntityDownload):
		return "upload"
	case nameIs(col, "username", "user_name", "login", "nick", "nickname", "handle", "screen_name") && entity == EntityUser:
		return "username"
	case nameIs(col, "display_name", "fullname", "full_name", "realname") && entity == EntityUser:
		return "display_name"
	case nameIs(col, "role", "group", "usergroup", "level", "rank") && entity == EntityUser:
		return "role"
	case nameIs(col, "country", "country_code", "cc") && entity == EntityUser:
		return "country"
	case nameIs(col, "filename", "file_name", "title", "name") && entity == EntityUpload:
		return "name"
	case nameIs(col, "size", "filesize", "file_size", "bytes", "length") && entity == EntityUpload:
		return "size"
	case nameIs(col, "created_at", "created", "registered", "reg_date", "signup") && entity == EntityUser:
		return "created"
	case nameIs(col, "time", "ts", "timestamp", "date", "datetime", "created_at", "created", "at", "logged_at", "paid_at", "uploaded_at", "viewed_at", "sent_at") || sh == "time" && entity != EntityUser:
		return "time"
	}
	return ""
}

// guessEntity says what a table probably holds, from its name and columns.
func guessEntity(ts *tableSample) string {
	n := strings.ToLower(ts.name)
	has := func(names ...string) bool {
		for _, c := range ts.columns {
			if nameIs(c, names...) {
				return true
			}
		}
		return false
	}
	hasShape := func(s string) bool {
		for i := range ts.columns {
			if shape(ts.values[i]) == s {
				return true
			}
		}
		return false
	}
	hashed := hasShape("sha256") || hasShape("md5") || hasShape("sha1") || has("sha256", "md5", "sha1")
	switch {
	case strings.Contains(n, "deposit") || strings.Contains(n, "address") || strings.Contains(n, "wallet"):
		if has("txid", "tx_hash", "amount") {
			return EntityPayment
		}
		return EntityDeposit
	case strings.Contains(n, "payment") || strings.Contains(n, "transaction") || strings.Contains(n, "ledger") || strings.Contains(n, "order"):
		return EntityPayment
	case strings.Contains(n, "login") || strings.Contains(n, "session") || strings.Contains(n, "access"):
		return EntityLogin
	case strings.Contains(n, "download"):
		return EntityDownload
	case strings.Contains(n, "view") || strings.Contains(n, "watch") || strings.Contains(n, "history"):
		return EntityView
	case strings.Contains(n, "message") || strings.Contains(n, "pm") || strings.Contains(n, "chat"):
		return EntityMessage
	case (strings.Contains(n, "upload") || strings.Contains(n, "video") || strings.Contains(n, "file") || strings.Contains(n, "media")) && hashed:
		return EntityUpload
	case strings.Contains(n, "user") || strings.Contains(n, "member") || strings.Contains(n, "account"):
		return EntityUser
	case hashed && has("user_id", "uid", "uploader_id"):
		return EntityUpload
	case hasShape("ip") && has("user_id", "uid"):
		return EntityLogin
	}
	return ""
}

// Suggest proposes a mapping from the tables of a dump: the YAML text,
// with every table and column it could not place as a comment. The
// proposal must be read and corrected by a person before an import.
func Suggest(platformName string, readers []dump.Reader) ([]byte, error) {
	samples, bad, err := Sample(readers)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(samples, func(a, b *tableSample) int { return strings.Compare(a.name, b.name) })
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Proposed by `vibora platform mapping suggest` from the dump's schema and\n# the first %d rows of each table. Check every line before an import.\n", SampleRows)
	if bad > 0 {
		fmt.Fprintf(&b, "# %d rows could not be read while sampling.\n", bad)
	}
	fmt.Fprintf(&b, "mapping_version: %d\nplatform: %s\ntimezone: \"+00:00\"\ntables:\n", MappingVersion, yamlString(platformName))
	var skipped []string
	for _, ts := range samples {
		entity := guessEntity(ts)
		if entity == "" {
			skipped = append(skipped, fmt.Sprintf("%s (%d rows; columns: %s)", yamlString(ts.name), ts.rows, yamlList(ts.columns)))
			continue
		}
		props := map[string]string{}
		var unmapped []string
		for i, c := range ts.columns {
			sh := shape(ts.values[i])
			p := guessProperty(entity, c, sh)
			if p == "" || props[p] != "" || !slices.Contains(properties[entity].all, p) {
				unmapped = append(unmapped, c)
				continue
			}
			props[p] = c
		}
		if entity == EntityUser && props["id"] == "" && props["username"] != "" {
			props["id"] = props["username"]
		}
		missing := []string{}
		for _, r := range properties[entity].required {
			if props[r] == "" {
				missing = append(missing, r)
			}
		}
		fmt.Fprintf(&b, "  %s:  # %d rows\n    entity: %s\n    properties:\n", yamlString(ts.name), ts.rows, entity)
		for _, p := range properties[entity].all {
			if c := props[p]; c != "" {
				fmt.Fprintf(&b, "      %s: {column: %s%s}\n", p, yamlString(c), typeHint(p, ts, c))
			}
		}
		for _, r := range missing {
			fmt.Fprintf(&b, "      # %s: {column: ?}   required: no column found\n", r)
		}
		if len(unmapped) > 0 {
			fmt.Fprintf(&b, "    # not mapped: %s\n", yamlList(unmapped))
		}
	}
	for _, s := range skipped {
		fmt.Fprintf(&b, "  # not mapped: table %s\n", s)
	}
	return b.Bytes(), nil
}

// typeHint adds a type to time and IP fields whose samples need one.
func typeHint(prop string, ts *tableSample, col string) string {
	i := slices.Index(ts.columns, col)
	sh := shape(ts.values[i])
	switch {
	case (prop == "time" || prop == "created") && sh == "int":
		return ", type: unixtime"
	case prop == "ip" && sh == "int":
		return ", type: ip_int"
	case prop == "ip" && sh == "binary":
		return ", type: ip_bin"
	}
	return ""
}

func yamlList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = yamlString(n)
	}
	return strings.Join(q, ", ")
}

// yamlString quotes s when YAML would read it as something else.
var plainName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

func yamlString(s string) string {
	if plainName.MatchString(s) && !slices.Contains([]string{"true", "false", "null", "yes", "no", "on", "off", "y", "n"}, strings.ToLower(s)) {
		return s
	}
	return fmt.Sprintf("%q", s)
}
