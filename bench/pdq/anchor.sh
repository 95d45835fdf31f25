#!/usr/bin/env bash
# Times vibora's per-image work (MD5+SHA-1+SHA-256 and PDQ, one core, CPU
# time) against Meta's C++ pdq-photo-hasher on the same generated
# photo-like JPEGs, alternating the two in one run, and prints the best of
# ROUNDS for each and the ratio.
#
#   REF=/path/to/pdq-photo-hasher bash bench/pdq/anchor.sh
#
# REF is a pdq-photo-hasher build (ThreatExchange pdq/cpp, -O3, CImg with
# libjpeg); it is not part of this repository. It is run on 10 copies of
# each image per call (its process start-up is then a small share) and
# pinned to one CPU with taskset. vibora is timed by bench/pdq -digests
# (GOMAXPROCS=1, process CPU time per image, file already in memory), and
# by bench/pdq alone (PDQ only, what the reference computes).
set -euo pipefail
REF=${REF:?set REF to a pdq-photo-hasher binary}
ROUNDS=${ROUNDS:-3}
cd "$(dirname "$0")/../.."
work=$(mktemp -d "${TMPDIR:-/tmp}/vibora-pdqanchor.XXXXXX")
trap 'rm -rf "$work"' EXIT
go build -o "$work/benchpdq" ./bench/pdq
"$work/benchpdq" -write "$work/img" >/dev/null
cpu() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{ print $1 + $2 }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }
cpu1=$(command -v taskset >/dev/null && echo "taskset -c 0" || true)
printf '%-10s %13s %17s %7s %14s %7s\n' size "reference ms" "vibora+digests ms" ratio "vibora PDQ ms" ratio
for f in "$work"/img/*.jpg; do
	s=$(basename "$f" .jpg); s=${s#photo-}
	mkdir -p "$work/ten-$s" "$work/one-$s"
	for i in $(seq 10); do cp "$f" "$work/ten-$s/$i.jpg"; done
	cp "$f" "$work/one-$s/"
	best_ref="" best_vib="" best_pdq=""
	for ((r = 0; r < ROUNDS; r++)); do
		t=$(cpu $cpu1 "$REF" "$work/ten-$s"/*.jpg)
		best_ref=$(lt "$(awk -v t="$t" 'BEGIN { print t * 100 }')" "$best_ref")
		v=$($cpu1 "$work/benchpdq" -digests -n 6 "$work/one-$s" | awk '$1 ~ /^photo/ { print $4 }')
		best_vib=$(lt "$v" "$best_vib")
		v=$($cpu1 "$work/benchpdq" -n 6 "$work/one-$s" | awk '$1 ~ /^photo/ { print $4 }')
		best_pdq=$(lt "$v" "$best_pdq")
	done
	awk -v s="$s" -v a="$best_ref" -v b="$best_vib" -v c="$best_pdq" \
		'BEGIN { printf "%-10s %13.1f %17.1f %6.2fx %14.1f %6.2fx\n", s, a, b, a / b, c, a / c }'
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
