package demo

import (
	"bytes"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"path/filepath"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/vics"
)

// writeBanks writes the demo's known bank (VICS 2.0, with PDQ) and its
// ignorable bank (a plain SHA-256 list).
func writeBanks(l *Layout) error {
	var b bytes.Buffer
	w := vics.NewWriter(&b)
	for i, im := range l.KnownImages {
		var r hashset.Record
		r.SetMD5(md5.Sum(im.Data))
		r.SetSHA1(sha1.Sum(im.Data))
		r.SetSHA256(sha256.Sum256(im.Data))
		p, err := pdq.FromBytes(im.Data, pdq.Options{})
		if err != nil {
			return fmt.Errorf("demo bank: %w", err)
		}
		r.SetPDQ(p.Hash)
		r.SetPDQQuality(uint8(p.Quality))
		r.Class, r.Profile, r.Category = hashset.ClassCSAM, hashset.ProfileVICSUS, "1"
		r.Series = "DEMO-SERIES-A"
		if i >= 3 {
			r.Series = "DEMO-SERIES-B"
		}
		r.VictimIdentified = hashset.True
		r.Distributed = hashset.True
		r.SourceID = fmt.Sprint(9000 + i)
		r.Tags = []string{"synthetic", "demo"}
		if err := w.Write(&r); err != nil {
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	known := filepath.Join(l.Root, "banks", "demo-known.json")
	if err := writeFile(known, b.Bytes()); err != nil {
		return err
	}
	var ig bytes.Buffer
	ig.WriteString("# Demo known-good list: synthetic system files (SHA-256)\n")
	for _, im := range l.Ignorable {
		fmt.Fprintf(&ig, "%x\n", sha256.Sum256(im.Data))
	}
	ignorable := filepath.Join(l.Root, "banks", "demo-ignorable.txt")
	if err := writeFile(ignorable, ig.Bytes()); err != nil {
		return err
	}
	l.Banks = []BankFile{
		{Name: "demo-known", Kind: "known", Path: known, Format: "vics"},
		{Name: "demo-ignorable", Kind: "ignorable", Path: ignorable, Format: "plain"},
	}
	return nil
}
