package evidence

import (
	"context"
	"errors"
	"fmt"

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
		res.Warnings = append(res.Warnings, "video inside an archive: vPDQ not computed (extract it to hash its frames)")
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
