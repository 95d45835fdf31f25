package evidence

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/vibora-project/vibora/internal/evidence/source"
	"github.com/vibora-project/vibora/internal/hashing"
	"github.com/vibora-project/vibora/internal/video"
)

// hashVideo adds the vPDQ of the video file at path (on disk) to res when
// video hashing is on and res is a video. A video that cannot be decoded
// keeps its digests and gets an error; ffmpeg missing is a warning.
func hashVideo(ctx context.Context, opt ProcessOptions, path string, res *Result) {
	if opt.Video == nil || !res.Hashed || !hashing.IsVideo(res.MediaType) {
		return
	}
	if path == "" {
		res.Warnings = append(res.Warnings, "video inside an archive, over the size read into memory: vPDQ not computed (extract it to hash its frames)")
		return
	}
	info, err := video.Hash(ctx, path, *opt.Video)
	switch {
	case err == nil:
		res.Video = info
		res.Warnings = append(res.Warnings, info.Warnings...)
	case errors.Is(err, video.ErrNoFFmpeg):
		res.Warnings = append(res.Warnings, "vPDQ not computed: "+err.Error())
	case errors.Is(err, video.ErrLimit):
		res.Err = fmt.Sprintf("%v: vpdq: %v", source.ErrLimit, err)
	case ctx.Err() != nil:
		res.Err = fmt.Sprintf("vpdq: %v", ctx.Err())
	default:
		res.Err = fmt.Sprintf("vpdq: %v", err)
	}
}

// hashVideoData hashes a video held in memory (an archive member small
// enough to be buffered) through a private temporary file in dir (the
// run's spill directory; "" the system's), removed at once: ffmpeg reads
// files, and MP4s need to seek.
func hashVideoData(ctx context.Context, opt ProcessOptions, dir string, data []byte, res *Result) {
	if opt.Video == nil || !res.Hashed || !hashing.IsVideo(res.MediaType) {
		return
	}
	f, err := os.CreateTemp(dir, "vibora-video-*")
	if err != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("vPDQ not computed: temporary copy: %v", err))
		return
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("vPDQ not computed: temporary copy: %v", err))
		return
	}
	hashVideo(ctx, opt, f.Name(), res)
}
