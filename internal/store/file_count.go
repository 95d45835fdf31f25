package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// Counts of a case's files, kept as files are stored (InsertFiles) so a
// dashboard or a case list reads a few rows per exhibit instead of
// scanning the files: files per exhibit and status, and matched files per
// exhibit, bank, category and series. Files are never changed or removed,
// so the counts only grow.

// FileCount counts an exhibit's files of one status.
type FileCount struct {
	ExhibitID int64
	Status    string
	Files     int64
	Bytes     int64 // bytes read: the sizes of files with a SHA-256
	Warned    int64 // files with warnings
	PDQ       int64 // files with a PDQ hash
}

// MatchCount counts the files of an exhibit (or, summed, a case) matched
// in one bank, category (the normalised one when there is one) and series.
type MatchCount struct {
	ExhibitID int64 // 0 when summed over a case
	Bank      string
	BankKind  string
	Category  string
	Series    string
	Files     int64
	Exact     int64 // files matched on a digest
	Near      int64 // files matched by PDQ only
}

// CaseCount sums a case's file counts.
type CaseCount struct {
	CaseID   int64
	Exhibits int64
	Files    int64
	ByStatus map[string]int64
}

type statusKey struct {
	exhibit int64
	status  string
}

type matchKey struct {
	exhibit                int64
	bank, category, series string
}

// fileCounts gathers the counts of a batch of new files.
type fileCounts struct {
	files   map[statusKey]*FileCount
	matches map[matchKey]*MatchCount
}

func (c *fileCounts) add(f *File, ms []FileMatch) {
	if c.files == nil {
		c.files, c.matches = map[statusKey]*FileCount{}, map[matchKey]*MatchCount{}
	}
	k := statusKey{f.ExhibitID, f.Status}
	fc := c.files[k]
	if fc == nil {
		fc = &FileCount{ExhibitID: f.ExhibitID, Status: f.Status}
		c.files[k] = fc
	}
	fc.Files++
	if f.SHA256 != "" {
		fc.Bytes += f.Size
	}
	if f.Warnings != "" {
		fc.Warned++
	}
	if f.PDQ != "" {
		fc.PDQ++
	}
	if len(ms) == 0 {
		return
	}
	exact := map[matchKey]bool{}
	for _, m := range ms {
		mk := matchKey{f.ExhibitID, m.Bank, cmp.Or(m.NormCategory, m.Category), m.Series}
		if _, seen := exact[mk]; !seen {
			exact[mk] = false
			if c.matches[mk] == nil {
				c.matches[mk] = &MatchCount{ExhibitID: f.ExhibitID, Bank: m.Bank, BankKind: m.BankKind, Category: mk.category, Series: m.Series}
			}
		}
		if m.Kind != "pdq" {
			exact[mk] = true
		}
	}
	for mk, ex := range exact {
		mc := c.matches[mk]
		mc.Files++
		if ex {
			mc.Exact++
		} else {
			mc.Near++
		}
	}
}

// write adds the gathered counts to the store's.
func (c *fileCounts) write(ctx context.Context, tx *Tx) error {
	for _, fc := range c.files {
		if _, err := tx.exec(ctx, `INSERT INTO file_counts (exhibit_id, status, files, bytes, warned, pdq) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (exhibit_id, status) DO UPDATE SET files = file_counts.files + excluded.files, bytes = file_counts.bytes + excluded.bytes,
			warned = file_counts.warned + excluded.warned, pdq = file_counts.pdq + excluded.pdq`,
			fc.ExhibitID, fc.Status, fc.Files, fc.Bytes, fc.Warned, fc.PDQ); err != nil {
			return fmt.Errorf("count files: %w", err)
		}
	}
	for _, mc := range c.matches {
		if _, err := tx.exec(ctx, `INSERT INTO match_counts (exhibit_id, bank, bank_kind, category, series, files, exact, near) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (exhibit_id, bank, category, series) DO UPDATE SET files = match_counts.files + excluded.files,
			exact = match_counts.exact + excluded.exact, near = match_counts.near + excluded.near`,
			mc.ExhibitID, mc.Bank, mc.BankKind, mc.Category, mc.Series, mc.Files, mc.Exact, mc.Near); err != nil {
			return fmt.Errorf("count matches: %w", err)
		}
	}
	c.files, c.matches = nil, nil
	return nil
}

// FileCounts returns the file counts of a case's exhibits, by exhibit and
// status.
func (q q) FileCounts(ctx context.Context, caseID int64) ([]FileCount, error) {
	rows, err := q.query(ctx, `SELECT fc.exhibit_id, fc.status, fc.files, fc.bytes, fc.warned, fc.pdq FROM file_counts fc
		JOIN exhibits e ON e.id = fc.exhibit_id WHERE e.case_id = ? ORDER BY fc.exhibit_id, fc.status`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FileCount
	for rows.Next() {
		var c FileCount
		if err := rows.Scan(&c.ExhibitID, &c.Status, &c.Files, &c.Bytes, &c.Warned, &c.PDQ); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MatchCounts returns the matched-file counts of a case, summed over its
// exhibits, by bank, category and series.
func (q q) MatchCounts(ctx context.Context, caseID int64) ([]MatchCount, error) {
	rows, err := q.query(ctx, `SELECT mc.bank, MIN(mc.bank_kind), mc.category, mc.series, SUM(mc.files), SUM(mc.exact), SUM(mc.near) FROM match_counts mc
		JOIN exhibits e ON e.id = mc.exhibit_id WHERE e.case_id = ? GROUP BY mc.bank, mc.category, mc.series ORDER BY mc.bank, mc.category, mc.series`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MatchCount
	for rows.Next() {
		var c MatchCount
		if err := rows.Scan(&c.Bank, &c.BankKind, &c.Category, &c.Series, &c.Files, &c.Exact, &c.Near); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CaseCounts sums the file counts of each of the given cases (a page of a
// case list): exhibits, files, and files by status. A case without files
// has zero counts.
func (q q) CaseCounts(ctx context.Context, caseIDs []int64) (map[int64]*CaseCount, error) {
	out := map[int64]*CaseCount{}
	ids := slices.Clone(caseIDs)
	for _, id := range ids {
		out[id] = &CaseCount{CaseID: id, ByStatus: map[string]int64{}}
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		batch := ids[:n]
		ids = ids[n:]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		in := "(?" + strings.Repeat(", ?", len(batch)-1) + ")"
		rows, err := q.query(ctx, "SELECT case_id, COUNT(*) FROM exhibits WHERE case_id IN "+in+" GROUP BY case_id", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, n int64
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[id].Exhibits = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		rows, err = q.query(ctx, `SELECT e.case_id, fc.status, SUM(fc.files) FROM file_counts fc JOIN exhibits e ON e.id = fc.exhibit_id
			WHERE e.case_id IN `+in+" GROUP BY e.case_id, fc.status", args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, n int64
			var status string
			if err := rows.Scan(&id, &status, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[id].ByStatus[status] += n
			out[id].Files += n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
