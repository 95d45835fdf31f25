package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// FileVideo is what a video file's probe declared, how its frames were
// selected, and its vPDQ frame hashes (schema version 16).
type FileVideo struct {
	Format, Codec  string
	Width, Height  int
	FPS, Duration  float64
	SecondsPerHash float64
	FrameMod       int
	FrameSize      int // frames scaled to FrameSize squared; 0 native
	Frames         []VideoFrame
}

// VideoFrame is one hashed frame of a video.
type VideoFrame struct {
	Frame     int
	Quality   int
	PDQ       string // 64 hex
	Timestamp float64
}

const insertVideoSQL = `INSERT INTO file_videos (file_id, format, codec, width, height, fps, duration, seconds_per_hash, frame_mod, frame_size)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const insertVPDQSQL = `INSERT INTO file_vpdq (file_id, frame, quality, pdq, ts) VALUES (?, ?, ?, ?, ?)`

// videoInserter stores the videos of a batch with statements prepared on
// first use.
type videoInserter struct {
	tx         *Tx
	vs, frames *sql.Stmt
}

func (vi *videoInserter) insert(ctx context.Context, fileID int64, v *FileVideo) error {
	var err error
	if vi.vs == nil {
		if vi.vs, err = vi.tx.tx.PrepareContext(ctx, vi.tx.rebind(insertVideoSQL)); err != nil {
			return err
		}
		if vi.frames, err = vi.tx.tx.PrepareContext(ctx, vi.tx.rebind(insertVPDQSQL)); err != nil {
			return err
		}
	}
	if _, err := vi.vs.ExecContext(ctx, fileID, v.Format, v.Codec, v.Width, v.Height, v.FPS, v.Duration, v.SecondsPerHash, v.FrameMod, v.FrameSize); err != nil {
		return err
	}
	for _, f := range v.Frames {
		if _, err := vi.frames.ExecContext(ctx, fileID, f.Frame, f.Quality, f.PDQ, f.Timestamp); err != nil {
			return fmt.Errorf("frame %d: %w", f.Frame, err)
		}
	}
	return nil
}

func (vi *videoInserter) close() {
	if vi.vs != nil {
		vi.vs.Close()
	}
	if vi.frames != nil {
		vi.frames.Close()
	}
}

// FileVideos returns the videos (with their frames, in frame order) among
// the given files, keyed by file ID; files that are not videos are absent.
func (q q) FileVideos(ctx context.Context, fileIDs []int64) (map[int64]*FileVideo, error) {
	out := map[int64]*FileVideo{}
	for start := 0; start < len(fileIDs); start += 500 {
		batch := fileIDs[start:min(start+500, len(fileIDs))]
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		in := "(?" + strings.Repeat(", ?", len(batch)-1) + ")"
		rows, err := q.query(ctx, `SELECT file_id, format, codec, width, height, fps, duration, seconds_per_hash, frame_mod, frame_size
			FROM file_videos WHERE file_id IN `+in, args...)
		if err != nil {
			return nil, fmt.Errorf("file videos: %w", err)
		}
		for rows.Next() {
			var id int64
			v := &FileVideo{}
			if err := rows.Scan(&id, &v.Format, &v.Codec, &v.Width, &v.Height, &v.FPS, &v.Duration, &v.SecondsPerHash, &v.FrameMod, &v.FrameSize); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = v
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		rows, err = q.query(ctx, `SELECT file_id, frame, quality, pdq, ts FROM file_vpdq WHERE file_id IN `+in+` ORDER BY file_id, frame`, args...)
		if err != nil {
			return nil, fmt.Errorf("file vpdq: %w", err)
		}
		for rows.Next() {
			var id int64
			var f VideoFrame
			if err := rows.Scan(&id, &f.Frame, &f.Quality, &f.PDQ, &f.Timestamp); err != nil {
				rows.Close()
				return nil, err
			}
			if v := out[id]; v != nil {
				v.Frames = append(v.Frames, f)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// CaseVideos returns the facts of every video of a case (no frames: see
// FileVideos), keyed by file ID.
func (q q) CaseVideos(ctx context.Context, caseID int64) (map[int64]*FileVideo, error) {
	rows, err := q.query(ctx, `SELECT v.file_id, v.format, v.codec, v.width, v.height, v.fps, v.duration, v.seconds_per_hash, v.frame_mod, v.frame_size
		FROM file_videos v JOIN files f ON f.id = v.file_id JOIN exhibits e ON e.id = f.exhibit_id WHERE e.case_id = ?`, caseID)
	if err != nil {
		return nil, fmt.Errorf("case videos: %w", err)
	}
	defer rows.Close()
	out := map[int64]*FileVideo{}
	for rows.Next() {
		var id int64
		v := &FileVideo{}
		if err := rows.Scan(&id, &v.Format, &v.Codec, &v.Width, &v.Height, &v.FPS, &v.Duration, &v.SecondsPerHash, &v.FrameMod, &v.FrameSize); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}
