package store

import (
	"context"
	"strings"
)

// FileMatchesOf returns the matches of the given files, keyed by file ID:
// the matches of one page of files.
func (q q) FileMatchesOf(ctx context.Context, fileIDs []int64) (map[int64][]FileMatch, error) {
	out := map[int64][]FileMatch{}
	for len(fileIDs) > 0 {
		n := min(len(fileIDs), 500)
		batch := fileIDs[:n]
		fileIDs = fileIDs[n:]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		rows, err := q.query(ctx, `SELECT m.file_id, m.bank, m.bank_kind, m.record_id, m.kind, m.hash, m.distance, m.category, m.norm_category, m.series
			FROM file_matches m WHERE m.file_id IN (?`+strings.Repeat(", ?", len(batch)-1)+`) ORDER BY m.file_id, m.distance, m.bank, m.record_id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m FileMatch
			if err := rows.Scan(&m.FileID, &m.Bank, &m.BankKind, &m.RecordID, &m.Kind, &m.Hash, &m.Distance, &m.Category, &m.NormCategory, &m.Series); err != nil {
				rows.Close()
				return nil, err
			}
			out[m.FileID] = append(out[m.FileID], m)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
