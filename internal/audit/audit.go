// Package audit defines Vibora's audit records and their hash chain.
//
// Every change to the store is recorded as a Record in the same transaction
// as the change itself. Records form a chain: each carries the hash of the
// one before it, and its own hash covers its sequence number, time, actor,
// action, object, the digests of the object before and after the change,
// the detail and the previous hash. Editing a record breaks its own hash;
// deleting or reordering records breaks the links; deleting the newest
// records is caught by comparing the chain's end with the stored head.
// An operator who copies the head (vibora audit verify prints it) into
// case notes can later prove that not even a full rewrite of the chain
// went unnoticed.
//
// The package is pure: it computes and checks hashes; the store keeps the
// records.
package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// Genesis is the previous-hash of the first record.
const Genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// TimeFormat is how record times are stored and hashed.
const TimeFormat = "2006-01-02T15:04:05.000000000Z"

// Record versions. Version 1 records (written before principals existed)
// hash the fields of 1; version 2 also hashes the version and the
// principal's identity, agency, roles, authentication method and request;
// version 3 also the remote address the request came from.
const (
	V1      = 1
	V2      = 2
	V3      = 3
	Current = V3
)

// Record is one entry of the audit trail.
type Record struct {
	Seq          int64  `json:"seq"`
	Version      int    `json:"version"`
	At           string `json:"at"`                 // UTC, TimeFormat
	Actor        string `json:"actor"`              // displayed name of who acted
	ActorID      string `json:"actor_id,omitempty"` // the principal's id (v2)
	Agency       string `json:"agency,omitempty"`   // the principal's agency (v2)
	Roles        string `json:"roles,omitempty"`    // sorted, comma-separated (v2)
	AuthMethod   string `json:"auth_method,omitempty"`
	RequestID    string `json:"request_id,omitempty"`
	RemoteAddr   string `json:"remote_addr,omitempty"` // where the request came from (v3)
	Action       string `json:"action"`                // e.g. "case.create", "bank.import"
	Object       string `json:"object"`                // e.g. "case:op-tidewater"
	BeforeDigest string `json:"before_digest,omitempty"`
	AfterDigest  string `json:"after_digest,omitempty"`
	Detail       string `json:"detail,omitempty"` // JSON document describing the change
	PrevHash     string `json:"prev_hash"`
	Hash         string `json:"hash"`
}

// FormatTime renders t as stored in a Record.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// ComputeHash returns the hash a record must carry: SHA-256 over its fields,
// each length-prefixed so that no two different records encode alike.
// Version 1 records (Version 0 or 1) hash the fields they had; later
// versions hash their version number and the principal fields too, so
// that neither can be changed, nor a record passed off as version 1.
func (r Record) ComputeHash() string {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(r.Seq))
	h.Write(n[:])
	fields := []string{r.At, r.Actor, r.Action, r.Object, r.BeforeDigest, r.AfterDigest, r.Detail, r.PrevHash}
	if r.Version > V1 {
		binary.BigEndian.PutUint64(n[:], uint64(r.Version))
		h.Write(n[:])
		fields = append(fields, r.ActorID, r.Agency, r.Roles, r.AuthMethod, r.RequestID)
	}
	if r.Version > V2 {
		fields = append(fields, r.RemoteAddr)
	}
	for _, f := range fields {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Seal sets r.Seq, r.PrevHash and r.Hash so that r follows prev (nil for
// the first record). A record without a version is sealed as Current.
func (r *Record) Seal(prev *Head) {
	if r.Version == 0 {
		r.Version = Current
	}
	if prev == nil || prev.Seq == 0 {
		r.Seq, r.PrevHash = 1, Genesis
	} else {
		r.Seq, r.PrevHash = prev.Seq+1, prev.Hash
	}
	r.Hash = r.ComputeHash()
}

// Head is the end of the chain: the newest record's sequence and hash.
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// Problem is one defect found by a Verifier.
type Problem struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

func (p Problem) String() string { return fmt.Sprintf("record %d: %s", p.Seq, p.Reason) }

// Verifier checks a chain record by record, in stored order, so that a
// chain of any length is verified in constant memory.
type Verifier struct {
	prev     *Record
	count    int64
	problems []Problem
}

// Add checks the next record of the chain.
func (v *Verifier) Add(r Record) {
	v.count++
	if got := r.ComputeHash(); got != r.Hash {
		v.problems = append(v.problems, Problem{r.Seq, "content does not match its hash (record edited)"})
	}
	switch {
	case v.prev == nil:
		if r.Seq != 1 {
			v.problems = append(v.problems, Problem{r.Seq, fmt.Sprintf("chain starts at %d, want 1 (earlier records deleted)", r.Seq)})
		} else if r.PrevHash != Genesis {
			v.problems = append(v.problems, Problem{r.Seq, "first record does not link to the genesis hash"})
		}
	default:
		if r.Seq != v.prev.Seq+1 {
			v.problems = append(v.problems, Problem{r.Seq, fmt.Sprintf("follows record %d (records deleted or reordered)", v.prev.Seq)})
		}
		if r.PrevHash != v.prev.Hash {
			v.problems = append(v.problems, Problem{r.Seq, fmt.Sprintf("does not link to record %d (records deleted, inserted or reordered)", v.prev.Seq)})
		}
	}
	rc := r
	v.prev = &rc
}

// Finish compares the end of the chain with the stored head and returns
// every problem found, in order. An empty result means the chain is intact.
func (v *Verifier) Finish(head Head) []Problem {
	var last Head
	if v.prev != nil {
		last = Head{v.prev.Seq, v.prev.Hash}
	}
	if head.Seq != last.Seq || (head.Seq != 0 && head.Hash != last.Hash) {
		v.problems = append(v.problems, Problem{head.Seq, fmt.Sprintf("stored head (seq %d) does not match the chain's last record (seq %d): newest records deleted or replaced", head.Seq, last.Seq)})
	}
	return v.problems
}

// Count is the number of records checked.
func (v *Verifier) Count() int64 { return v.count }
