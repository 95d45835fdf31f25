#!/bin/sh
# Regenerates the JPEG fixtures and their libjpeg-turbo reference digests.
# Needs cjpeg/djpeg (Debian libjpeg-turbo-progs) and python3. The source
# picture is generated (gradients, a disc, stripes, deterministic noise).
set -eu
cd "$(dirname "$0")"
python3 - <<'PY'
import math, random
random.seed(7)
W, H = 203, 157
px = bytearray()
for y in range(H):
    for x in range(W):
        r = 128 + 100*math.sin(x/23.0 + y/41.0)
        g = 120 + 90*math.cos(y/17.0 - x/53.0)
        b = 110 + 80*math.sin((x*y)/900.0)
        if (x-120)**2 + (y-70)**2 < 45**2:
            r, g, b = 240, 30, 40          # saturated disc
        if 20 < x < 60 and (y//4) % 2 == 0:
            r, g, b = r*0.3, g*0.3, b*0.3  # stripes
        n = random.gauss(0, 5)
        px += bytes(max(0, min(255, int(v + n + 0.5))) for v in (r, g, b))
open("src.ppm", "wb").write(b"P6\n%d %d\n255\n" % (W, H) + bytes(px))
PY
enc() { name=$1; shift; cjpeg "$@" -outfile "$name.jpg" src.ppm; }
enc b420 -quality 85 -sample 2x2,1x1,1x1
enc b422 -quality 85 -sample 2x1,1x1,1x1
enc b440 -quality 85 -sample 1x2,1x1,1x1
enc b444 -quality 85 -sample 1x1,1x1,1x1
enc b411 -quality 85 -sample 4x1,1x1,1x1
enc opt420 -quality 92 -optimize -sample 2x2,1x1,1x1
enc rst420 -quality 85 -restart 3B -sample 2x2,1x1,1x1
enc rst444row -quality 85 -restart 1 -sample 1x1,1x1,1x1
enc p420 -quality 85 -progressive -sample 2x2,1x1,1x1
enc p444 -quality 95 -progressive -sample 1x1,1x1,1x1
enc prst420 -quality 80 -progressive -restart 2B -sample 2x2,1x1,1x1
enc grey -quality 85 -grayscale
enc pgrey -quality 85 -grayscale -progressive
enc arith -quality 85 -arithmetic
rm -f src.ppm
: > djpeg.sha256
for f in *.jpg; do
  [ "$f" = arith.jpg ] && continue
  rgb=$(djpeg -ppm "$f" | tail -c +1 | sha256sum | cut -c1-64)
  y=$(djpeg -grayscale -pnm "$f" | sha256sum | cut -c1-64)
  echo "$f $rgb $y" >> djpeg.sha256
done
