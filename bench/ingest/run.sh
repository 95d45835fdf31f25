#!/usr/bin/env bash
# Full-pipeline and crypto-only ingest against hashdeep on the same tree, in
# one run. Usage: bash bench/ingest/run.sh [N]   (default 20000 images)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-20000}
dir=${TMPDIR:-/tmp}/vibora-bench-ingest-$n
go run ./bench/ingest -n "$n" -dir "$dir" -generate-only >/dev/null
bytes=$(du -sb --exclude=done "$dir" | cut -f1)
echo "tree: $n images, $bytes bytes in $dir"
echo "vibora full pipeline:"; go run ./bench/ingest -n "$n" -dir "$dir"
echo "vibora crypto-only:";   go run ./bench/ingest -n "$n" -dir "$dir" -crypto-only
if ! command -v hashdeep >/dev/null; then
  (apt-get install -y -qq hashdeep >/dev/null 2>&1) || { echo "hashdeep not installable: skipped"; exit 0; }
fi
start=$(date +%s.%N)
hashdeep -r -c md5,sha1,sha256 "$dir" >/dev/null
end=$(date +%s.%N)
awk -v b="$bytes" -v s="$start" -v e="$end" 'BEGIN { printf "hashdeep -r -c md5,sha1,sha256: seconds=%.2f mb_per_s=%.1f\n", e-s, b/1e6/(e-s) }'
