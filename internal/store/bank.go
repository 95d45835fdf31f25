package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Bank is a named hash list with its provenance.
type Bank struct {
	ID            int64
	Name          string
	Kind          string // known, ignorable, watch, custom
	Source        string
	FileName      string
	FileSHA256    string
	Format        string
	FormatVersion string
	Version       int
	ImportedAt    string
	ImportedBy    string
	RecordCount   int64
	RejectedCount int64
	// ContentDigest identifies the bank's records (it changes on every
	// import); match indexes cached on disk are keyed by it.
	ContentDigest string
	// StagedFor is "" for a live bank. A row being written by an import,
	// or a replaced version whose records are being deleted, carries the
	// name of the bank it belongs to and a Name of its own (see
	// StagingName); such rows are never listed or matched.
	StagedFor string
}

// BankRecord is one entry of a bank. Hashes are lower-case hex; the
// tri-state flags are "", "true" or "false".
type BankRecord struct {
	ID                 int64
	BankID             int64
	MD5                string
	SHA1               string
	SHA256             string
	PDQ                string
	PDQQuality         int
	PhotoDNA           string
	Category           string
	Profile            string
	NormCategory       string
	Series             string
	VictimIdentified   string
	OffenderIdentified string
	Distributed        string
	Tags               string // "|"-separated
	SourceID           string
	// VPDQ is a video's frame hashes in the reference text form
	// (frame,quality,pdqHex,timestamp lines); "" for other records.
	VPDQ string
}

const bankCols = "id, name, kind, source, file_name, file_sha256, format, format_version, version, imported_at, imported_by, record_count, rejected_count, content_digest, staged_for"

func scanBank(s interface{ Scan(...any) error }) (Bank, error) {
	var b Bank
	err := s.Scan(&b.ID, &b.Name, &b.Kind, &b.Source, &b.FileName, &b.FileSHA256, &b.Format, &b.FormatVersion, &b.Version, &b.ImportedAt, &b.ImportedBy, &b.RecordCount, &b.RejectedCount, &b.ContentDigest, &b.StagedFor)
	return b, err
}

// BankByName returns the bank with that name, or ErrNotFound.
func (q q) BankByName(ctx context.Context, name string) (Bank, error) {
	b, err := scanBank(q.queryRow(ctx, "SELECT "+bankCols+" FROM banks WHERE name = ? AND staged_for = ''", name))
	if errors.Is(err, sql.ErrNoRows) {
		return b, fmt.Errorf("bank %q: %w", name, ErrNotFound)
	}
	return b, err
}

// Banks lists every bank by name.
func (q q) Banks(ctx context.Context) ([]Bank, error) {
	return q.BankPage(ctx, "", 0)
}

// BankPage reads one page of the banks by name: those whose name sorts
// after after ("" for the first page), at most limit of them (0: all).
func (q q) BankPage(ctx context.Context, after string, limit int) ([]Bank, error) {
	where, args := keyset("WHERE staged_for = ''", "name", after, limit)
	return q.banks(ctx, where, args...)
}

// banks returns the bank rows that where (a WHERE and ORDER BY clause)
// selects.
func (q q) banks(ctx context.Context, where string, args ...any) ([]Bank, error) {
	rows, err := q.query(ctx, "SELECT "+bankCols+" FROM banks "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Bank
	for rows.Next() {
		b, err := scanBank(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// InsertBank stores a new bank row and sets its ID.
func (tx *Tx) InsertBank(ctx context.Context, b *Bank) error {
	id, err := tx.insertID(ctx, "INSERT INTO banks (name, kind, source, file_name, file_sha256, format, format_version, version, imported_at, imported_by, record_count, rejected_count, content_digest, staged_for) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		b.Name, b.Kind, b.Source, b.FileName, b.FileSHA256, b.Format, b.FormatVersion, b.Version, b.ImportedAt, b.ImportedBy, b.RecordCount, b.RejectedCount, b.ContentDigest, b.StagedFor)
	if isUnique(err) {
		return fmt.Errorf("bank %q: %w", b.Name, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("insert bank %q: %w", b.Name, err)
	}
	b.ID = id
	return nil
}

// UpdateBank rewrites a bank row (name, provenance and counts after an
// import); ErrNotFound when the row is gone.
func (tx *Tx) UpdateBank(ctx context.Context, b *Bank) error {
	res, err := tx.exec(ctx, "UPDATE banks SET name = ?, kind = ?, source = ?, file_name = ?, file_sha256 = ?, format = ?, format_version = ?, version = ?, imported_at = ?, imported_by = ?, record_count = ?, rejected_count = ?, content_digest = ?, staged_for = ? WHERE id = ?",
		b.Name, b.Kind, b.Source, b.FileName, b.FileSHA256, b.Format, b.FormatVersion, b.Version, b.ImportedAt, b.ImportedBy, b.RecordCount, b.RejectedCount, b.ContentDigest, b.StagedFor, b.ID)
	if isUnique(err) {
		return fmt.Errorf("bank %q: %w", b.Name, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("update bank %q: %w", b.Name, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("bank row %d: %w", b.ID, ErrNotFound)
	}
	return nil
}

// StagingName is the unique name of a row staged for bank name: a staging
// import ("staging") or a replaced version being deleted ("retired"). It
// starts with a unit separator, which live bank names never contain.
func StagingName(name, role string, version int, nonce string) string {
	return fmt.Sprintf("\x1f%s %s v%d %s", role, name, version, nonce)
}

// StagedBanks returns the staging and retired rows of bank name: the
// leftovers of an interrupted import or replacement.
func (q q) StagedBanks(ctx context.Context, name string) ([]Bank, error) {
	return q.banks(ctx, "WHERE staged_for = ? ORDER BY id", name)
}

// DeleteSomeBankRecords removes at most n records of a bank and returns
// how many it removed: large banks are deleted in several short
// transactions so that no writer waits long.
func (tx *Tx) DeleteSomeBankRecords(ctx context.Context, bankID int64, n int) (int64, error) {
	res, err := tx.exec(ctx, "DELETE FROM bank_records WHERE id IN (SELECT id FROM bank_records WHERE bank_id = ? LIMIT ?)", bankID, n)
	if err != nil {
		return 0, fmt.Errorf("delete bank records: %w", err)
	}
	return res.RowsAffected()
}

// DeleteBankRecords removes every record of a bank.
func (tx *Tx) DeleteBankRecords(ctx context.Context, bankID int64) error {
	_, err := tx.exec(ctx, "DELETE FROM bank_records WHERE bank_id = ?", bankID)
	return err
}

// DeleteBank removes a bank and its records.
func (tx *Tx) DeleteBank(ctx context.Context, bankID int64) error {
	if err := tx.DeleteBankRecords(ctx, bankID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "DELETE FROM banks WHERE id = ?", bankID)
	return err
}

const recordCols = "id, bank_id, md5, sha1, sha256, pdq, pdq_quality, photodna, category, profile, norm_category, series, victim_identified, offender_identified, distributed, tags, source_id, vpdq"

// InsertBankRecords stores records in multi-row statements.
func (tx *Tx) InsertBankRecords(ctx context.Context, recs []BankRecord) error {
	const cols = 17
	const perStmt = 500
	for len(recs) > 0 {
		n := min(len(recs), perStmt)
		var b strings.Builder
		b.WriteString("INSERT INTO bank_records (bank_id, md5, sha1, sha256, pdq, pdq_quality, photodna, category, profile, norm_category, series, victim_identified, offender_identified, distributed, tags, source_id, vpdq) VALUES ")
		args := make([]any, 0, n*cols)
		for i, r := range recs[:n] {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
			args = append(args, r.BankID, r.MD5, r.SHA1, r.SHA256, r.PDQ, r.PDQQuality, r.PhotoDNA, r.Category, r.Profile, r.NormCategory, r.Series, r.VictimIdentified, r.OffenderIdentified, r.Distributed, r.Tags, r.SourceID, r.VPDQ)
		}
		if _, err := tx.exec(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert bank records: %w", err)
		}
		recs = recs[n:]
	}
	return nil
}

// BankRecords calls fn for each record of a bank in ID order.
func (q q) BankRecords(ctx context.Context, bankID int64, fn func(BankRecord) error) error {
	rows, err := q.query(ctx, "SELECT "+recordCols+" FROM bank_records WHERE bank_id = ? ORDER BY id", bankID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r BankRecord
		if err := rows.Scan(&r.ID, &r.BankID, &r.MD5, &r.SHA1, &r.SHA256, &r.PDQ, &r.PDQQuality, &r.PhotoDNA, &r.Category, &r.Profile, &r.NormCategory, &r.Series, &r.VictimIdentified, &r.OffenderIdentified, &r.Distributed, &r.Tags, &r.SourceID, &r.VPDQ); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

const bankRecordByIDSQL = "SELECT " + recordCols + " FROM bank_records WHERE id = ?"

// BankRecordByID returns one record.
func (q q) BankRecordByID(ctx context.Context, id int64) (BankRecord, error) {
	return scanBankRecord(q.queryRow(ctx, bankRecordByIDSQL, id), id)
}

// BankRecordByID returns one record, by a statement prepared once: the
// server's match path fetches the record of every hit.
func (db *DB) BankRecordByID(ctx context.Context, id int64) (BankRecord, error) {
	st, err := db.prepared(ctx, bankRecordByIDSQL)
	if err != nil {
		return BankRecord{}, err
	}
	return scanBankRecord(st.QueryRowContext(ctx, id), id)
}

func scanBankRecord(row *sql.Row, id int64) (BankRecord, error) {
	var r BankRecord
	err := row.Scan(&r.ID, &r.BankID, &r.MD5, &r.SHA1, &r.SHA256, &r.PDQ, &r.PDQQuality, &r.PhotoDNA, &r.Category, &r.Profile, &r.NormCategory, &r.Series, &r.VictimIdentified, &r.OffenderIdentified, &r.Distributed, &r.Tags, &r.SourceID, &r.VPDQ)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("bank record %d: %w", id, ErrNotFound)
	}
	return r, err
}

// BankHashes calls fn with each record's ID and hashes (vpdq: a video's
// frames in the reference text form), in ID order: the columns a match
// index needs and nothing more.
func (q q) BankHashes(ctx context.Context, bankID int64, fn func(id int64, md5, sha1, sha256, pdq string, pdqQuality int, vpdq string) error) error {
	rows, err := q.query(ctx, "SELECT id, md5, sha1, sha256, pdq, pdq_quality, vpdq FROM bank_records WHERE bank_id = ? ORDER BY id", bankID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var id int64
	var md5, sha1, sha256, pdq, vpdq string
	var quality int
	for rows.Next() {
		if err := rows.Scan(&id, &md5, &sha1, &sha256, &pdq, &quality, &vpdq); err != nil {
			return err
		}
		if err := fn(id, md5, sha1, sha256, pdq, quality, vpdq); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DedupBankRecords keeps the first of each set of a bank's records
// carrying the same hashes and returns how many it removed. It reads the
// records in hash order (a read: the database sorts them, in its temporary
// storage, without holding the writer) and deletes the repeats in
// transactions of at most chunk records, so that other writers wait for
// one chunk at most.
func (db *DB) DedupBankRecords(ctx context.Context, bankID int64, chunk int) (removed int64, err error) {
	rows, err := db.query(ctx, "SELECT id, md5, sha1, sha256, pdq, vpdq FROM bank_records WHERE bank_id = ? ORDER BY md5, sha1, sha256, pdq, vpdq, id", bankID)
	if err != nil {
		return 0, fmt.Errorf("find repeated bank records: %w", err)
	}
	defer rows.Close()
	var (
		prev [5]string
		have bool
		ids  []int64
	)
	flush := func() error {
		if len(ids) == 0 {
			return nil
		}
		err := db.InTx(ctx, func(tx *Tx) error {
			for len(ids) > 0 {
				n := min(len(ids), 500)
				args := make([]any, n)
				for i, id := range ids[:n] {
					args[i] = id
				}
				res, err := tx.exec(ctx, "DELETE FROM bank_records WHERE id IN (?"+strings.Repeat(",?", n-1)+")", args...)
				if err != nil {
					return fmt.Errorf("remove repeated bank records: %w", err)
				}
				k, _ := res.RowsAffected()
				removed += k
				ids = ids[n:]
			}
			return nil
		})
		ids = ids[:0]
		return err
	}
	for rows.Next() {
		var id int64
		var k [5]string
		if err := rows.Scan(&id, &k[0], &k[1], &k[2], &k[3], &k[4]); err != nil {
			return removed, err
		}
		if have && k == prev {
			ids = append(ids, id)
			if len(ids) >= chunk {
				if err := flush(); err != nil {
					return removed, err
				}
			}
			continue
		}
		prev, have = k, true
	}
	if err := rows.Err(); err != nil {
		return removed, err
	}
	return removed, flush()
}
