package referral

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/vics"
)

// writeVICS writes the media list as a VICS 2.0 "#Media" hash set: one
// record per distinct file, the exhibits and suspects in Tags.
func writeVICS(rows []mediaRow) ([]byte, error) {
	var b bytes.Buffer
	w := vics.NewWriter(&b)
	for i, r := range rows {
		var rec hashset.Record
		for _, h := range []struct {
			hex  string
			kind hashset.HashKind
			n    int
		}{{r.SHA256, hashset.HashSHA256, 32}, {r.SHA1, hashset.HashSHA1, 20}, {r.MD5, hashset.HashMD5, 16}} {
			if h.hex == "" {
				continue
			}
			d, err := hex.DecodeString(h.hex)
			if err != nil || len(d) != h.n {
				return nil, fmt.Errorf("media %s: bad hash %q", r.SHA256, h.hex)
			}
			rec.SetHash(h.kind, d)
		}
		rec.SourceID = strconv.Itoa(i + 1)
		rec.Class = hashset.Class(r.Category)
		rec.Series = r.Series
		rec.Distributed = hashset.True
		for _, e := range r.Exhibits {
			rec.Tags = append(rec.Tags, "exhibit:"+e)
		}
		for _, s := range r.Suspects {
			rec.Tags = append(rec.Tags, "suspect:"+s)
		}
		if r.HashSet != "" {
			rec.Tags = append(rec.Tags, "hash_set:"+r.HashSet)
		}
		if err := w.Write(&rec); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
