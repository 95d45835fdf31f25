#!/usr/bin/env bash
# How close vibora's JPEG hashing is to the floor any baseline-JPEG decoder
# has: libjpeg-turbo's own entropy decoding. For each generated photo-like
# JPEG (bench/pdq -write) it prints, on one core in CPU time, best of
# ROUNDS:
#   libjpeg 1/8   libjpeg-turbo grayscale output at 1/8 scale: entropy
#                 decoding of every block plus a DC-only inverse DCT
#                 (floor/jpegfloor.c; jpeg_read_coefficients is slower,
#                 it stores every block);
#   libjpeg 1/1   the same at full scale;
#   vibora PDQ    bench/pdq (decode + PDQ);
#   vibora all    bench/pdq -digests (MD5+SHA-1+SHA-256 + decode + PDQ,
#                 what vibora hash spends on the image);
# and, with REF=/path/to/pdq-photo-hasher (see anchor.sh), the reference's
# time and the budget 2.5x faster than it.
#
#   bash bench/pdq/floor.sh            # needs a C compiler and libjpeg headers
#   REF=/path/to/pdq-photo-hasher ROUNDS=5 bash bench/pdq/floor.sh
set -euo pipefail
ROUNDS=${ROUNDS:-3}
REF=${REF:-}
cd "$(dirname "$0")/../.."
command -v cc >/dev/null || { echo "floor.sh: needs a C compiler (apt-get install gcc)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/vibora-pdqfloor.XXXXXX")
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/jpegfloor" bench/pdq/floor/jpegfloor.c -ljpeg ||
	{ echo "floor.sh: could not build jpegfloor (apt-get install libjpeg-dev)" >&2; exit 1; }
go build -o "$work/benchpdq" ./bench/pdq
"$work/benchpdq" -write "$work/img" >/dev/null
cpu1=$(command -v taskset >/dev/null && echo "taskset -c 0" || true)
cpu() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{ print $1 + $2 }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }
printf '%-10s %13s %13s %13s %13s %13s %13s\n' size "libjpeg 1/8" "libjpeg 1/1" "vibora PDQ" "vibora all" "reference" "budget 2.5x"
for f in "$work"/img/*.jpg; do
	s=$(basename "$f" .jpg); s=${s#photo-}
	mkdir -p "$work/one-$s" "$work/ten-$s"
	cp "$f" "$work/one-$s/"
	for i in $(seq 10); do cp "$f" "$work/ten-$s/$i.jpg"; done
	b8="" b1="" bp="" ba="" br=""
	for ((r = 0; r < ROUNDS; r++)); do
		read -r c8 c1 < <($cpu1 "$work/jpegfloor" "$f" 10 | sed 's/[a-z0-9_]*=//g' | awk '{ print $2, $3 }')
		b8=$(lt "$c8" "$b8"); b1=$(lt "$c1" "$b1")
		v=$($cpu1 "$work/benchpdq" -n 6 "$work/one-$s" | awk '$1 ~ /^photo/ { print $4 }'); bp=$(lt "$v" "$bp")
		v=$($cpu1 "$work/benchpdq" -digests -n 6 "$work/one-$s" | awk '$1 ~ /^photo/ { print $4 }'); ba=$(lt "$v" "$ba")
		if [ -n "$REF" ]; then
			t=$(cpu $cpu1 "$REF" "$work/ten-$s"/*.jpg)
			br=$(lt "$(awk -v t="$t" 'BEGIN { print t * 100 }')" "$br")
		fi
	done
	awk -v s="$s" -v a="$b8" -v b="$b1" -v c="$bp" -v d="$ba" -v r="$br" 'BEGIN {
		ref = (r == "") ? "-" : sprintf("%.1f", r); bud = (r == "") ? "-" : sprintf("%.1f", r / 2.5)
		printf "%-10s %13.2f %13.2f %13.2f %13.2f %13s %13s\n", s, a, b, c, d, ref, bud }'
done
echo "ms of CPU per image, one core; load: $(cut -d' ' -f1-3 /proc/loadavg)"
