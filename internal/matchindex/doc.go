// Package matchindex holds the in-memory indexes that match evidence
// hashes against hash banks: Exact for cryptographic digests (MD5, SHA-1,
// SHA-256) and PDQ for near-duplicate photo hashes.
//
// Both indexes map hashes to record ordinals (uint32) that the caller maps
// back to bank records; the same hash may carry several ordinals and a
// lookup reports all of them. Both are immutable once built and safe for
// concurrent readers.
//
// # Exact
//
// Each digest kind is a bucketed two-choice (cuckoo) hash table: every
// distinct digest is one entry (full digest, then a uint32 id) in one of
// two buckets, chosen from digest bytes 0..7 and 8..15 by a multiply-shift
// (the digests are cryptographic, so their bytes are used as they are, not
// hashed). An MD5 bucket is one 64-byte cache line holding three entries
// and a count; SHA-1 and SHA-256 buckets are two lines (five and three
// entries). Buckets are filled to 90%, so MD5 costs 64/2.7 = 23.7 bytes
// per distinct digest. A lookup reads its two buckets (two independent
// memory accesses whose misses overlap) and compares every slot of both
// without a branch on the data (differences OR-ed, the id selected by a
// conditional move), in one function with the layout's constants, so its
// work is small and fixed and the processor overlaps many consecutive
// lookups; a scan whose length depends on the data, as in the earlier
// ordered linear-probing layout, stops that. The build leaves unused slots
// zero, so the compare needs no entry count, except for the all-zero
// digest, which is looked up by counts. A digest with several ids
// points into a side list; the few entries the insertion cannot place
// (digests that agree in bytes 0..15) go to a sorted stash, which a lookup
// searches only when one of its buckets is flagged. Full digests are
// stored, so there are no false positives. LookupBatch touches the buckets
// of a batch before comparing anything. On Linux the large arrays are
// advised to transparent huge pages (madvise).
//
// # PDQ
//
// PDQ is exact multi-index hashing (Norouzi, Punjani and Fleet): the 256
// bits are cut into m = round(256/log2 n) consecutive substrings (at least
// 11, so at most 24 bits; 11 for 10 million hashes), each indexed by a
// direct-address table of posting lists whose offsets take about one byte
// per bucket. For a query at
// distance d = m*r + a (0 <= a < m), any hash within d has a substring
// within r of the query's among substrings 0..a, or within r-1 among the
// others (pigeonhole), so probing every substring neighbour within those
// radii and verifying each candidate with the full Hamming distance finds
// every match: recall is exact at every distance, not approximate. At
// d = 31 on 10 million hashes (m = 11) that is ~2,900 probes and ~2,900
// candidates, against ~42,000 candidates for the 16 x 16-bit, one-flip
// layout FAISS IndexBinaryMultiHash uses in HMA. A
// candidate reached through several tables is reported only from the first
// table that can reach it, so there is no visited set. When probing would
// cost more than a linear scan (very large distances on small banks) Search
// scans instead; the answer is the same.
//
// Identical hashes are stored once with all their ordinals. Hashes are kept
// sorted, so substring 0 (the leading bits) needs no posting list.
//
// # Persistence
//
// WriteTo writes either index in a versioned little-endian layout with a
// CRC-32C over the header and one over the content; ReadExact and ReadPDQ
// check both checksums, the sizes, and every invariant that memory safety
// rests on (offsets, ranges, sorted distinct PDQ hashes), and return an
// error wrapping ErrCorrupt for a damaged or foreign file, so the caller
// can rebuild. The checksums catch accidental damage; a file forged with
// valid checksums (posting lists in the wrong buckets, say) can give wrong
// answers but cannot crash a reader. Index files are a cache, not evidence.
//
// Sections are padded to multiples of 8 bytes, so ReadExactFile and
// ReadPDQFile map a file read-only and use its arrays in place (little-
// endian Unix hosts; elsewhere they read it with one allocation per
// array): loading is the checksum and invariant checks over pages the
// kernel already caches, with no copy and no fresh memory to clear. A
// server on the 2-core development machine is ready in 0.6-0.7 s with a
// 10-million-record MD5 and PDQ index (1.27 GB of files), against 8.8-19 s
// when the files were read into new memory and 74 s to build the index
// from the store (bench/serve). Callers should therefore persist indexes
// (for example in a cache directory keyed by the bank content digest,
// written with WriteFile, which replaces a file by rename and never
// rewrites a mapped one) and rebuild only when the file is missing, of
// another format version, or rejected.
package matchindex
