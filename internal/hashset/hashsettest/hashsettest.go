// Package hashsettest generates synthetic hash lists for tests and
// benchmarks of the hashset format readers: deterministic records whose
// hashes are digests of invented strings (never values from a real list)
// and streamed VICS documents of any size. NSRL databases are built by
// nsrl/nsrltest (it needs database/sql, which leaf packages keep to nsrl).
package hashsettest

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"io"
	"strconv"

	"github.com/vibora-project/vibora/internal/hashing/pdq"
	"github.com/vibora-project/vibora/internal/hashset"
	"github.com/vibora-project/vibora/internal/hashset/vics"
)

// Record returns the i-th synthetic record: MD5, SHA-1 and SHA-256 of
// "vibora-synthetic-<i>", a PDQ derived from it on every third record, a
// Project VIC US category cycling through 0..4 (none on every fifth) and
// flags, series and tags that vary with i.
func Record(i int) hashset.Record {
	seed := []byte("vibora-synthetic-" + strconv.Itoa(i))
	var r hashset.Record
	r.SetMD5(md5.Sum(seed))
	r.SetSHA1(sha1.Sum(seed))
	s := sha256.Sum256(seed)
	r.SetSHA256(s)
	if i%3 == 0 {
		r.SetPDQ(pdq.Hash(sha256.Sum256(append(seed, "-pdq"...))))
		r.SetPDQQuality(uint8(50 + i%51))
	}
	r.SourceID = strconv.Itoa(i + 1)
	r.Profile = hashset.ProfileVICSUS
	if i%5 != 4 {
		r.Category = strconv.Itoa(i % 5)
	}
	r.Class = hashset.NormaliseCategory(r.Profile, r.Category)
	r.VictimIdentified = hashset.Tri(i % 3)
	r.OffenderIdentified = hashset.Tri((i + 1) % 3)
	r.Distributed = hashset.Tri((i + 2) % 3)
	if i%4 == 0 {
		r.Series = "Synthetic series " + strconv.Itoa(i%17)
		r.Tags = []string{"tag" + strconv.Itoa(i%7), "synthetic"}
	}
	return r
}

// VICS streams a VICS 2.0 #Media document of n synthetic records (Record(0)
// .. Record(n-1)) without holding it in memory. Close the reader to stop
// the generator early.
func VICS(n int) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		w := vics.NewWriter(pw)
		for i := 0; i < n; i++ {
			r := Record(i)
			if err := w.Write(&r); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(w.Close())
	}()
	return pr
}
