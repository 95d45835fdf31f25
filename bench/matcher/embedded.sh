#!/usr/bin/env bash
# The embedded matcher before and after a change, in one run: CPU seconds
# (user+sys) of `vibora match` (loading the cached index, then N PDQ
# queries) and of `vibora ingest` (generated images), each binary on its
# own copy of the same store and the same evidence.
#
#   bash bench/matcher/embedded.sh [BEFORE_REF] [BANK_RECORDS] [IMAGES]
#
# BEFORE_REF (default HEAD~1) is built from `git archive`; "after" is the
# working tree. The bank is BANK_RECORDS (default 1,000,000) seeded random
# PDQ hashes plus near copies of half the 10,000 queries; IMAGES (default
# 2,000) synthetic images come from bench/ingest. Every run repeats 3
# times; the lines print the minimum. Nothing real is involved.
set -euo pipefail
cd "$(dirname "$0")/../.."
ref=${1:-HEAD~1}
n=${2:-1000000}
imgs=${3:-2000}
work=${TMPDIR:-/tmp}/vibora-bench-embedded
rm -rf "$work"; mkdir -p "$work/before-src"
git archive "$ref" | tar -x -C "$work/before-src"
(cd "$work/before-src" && go build -o "$work/before" ./cmd/vibora)
go build -o "$work/after" ./cmd/vibora
python3 - "$work" "$n" <<'PY'
import random, sys
work, n = sys.argv[1], int(sys.argv[2])
r = random.Random(17)
qs = [r.getrandbits(256) for _ in range(10000)]
with open(work + "/bank.csv", "w") as f:
    f.write("pdq,pdq_quality,category\n")
    for _ in range(n):
        f.write("%064x,90,cat\n" % r.getrandbits(256))
    for i, q in enumerate(qs[::2]):
        for b in r.sample(range(256), i % 40):
            q ^= 1 << b
        f.write("%064x,90,cat\n" % q)
with open(work + "/queries.txt", "w") as f:
    for q in qs:
        f.write("pdq:%064x\n" % q)
PY
go run ./bench/ingest -n "$imgs" -dir "$work/images" -generate-only >/dev/null
cpu() { # cpu LABEL CMD...: the minimum user+sys seconds of 3 runs
  local label=$1 best=""; shift
  for _ in 1 2 3; do
    /usr/bin/time -f "%U %S" -o "$work/t" "$@" >/dev/null
    local s; s=$(awk '{printf "%.2f", $1+$2}' "$work/t")
    best=$(awk -v a="$best" -v b="$s" 'BEGIN{print (a=="" || b<a) ? b : a}')
  done
  echo "$label cpu_s=$best"
}
for v in before after; do
  mkdir -p "$work/$v-db"
  db="$work/$v-db/vibora.db"
  "$work/$v" --db "$db" bank import --name bench --kind known "$work/bank.csv" >/dev/null
  "$work/$v" --db "$db" match --hashes-file "$work/queries.txt" --hash-kind pdq >/dev/null # builds the cache
done
for v in before after; do
  db="$work/$v-db/vibora.db"
  cpu "$v match(cache load + 10000 pdq)" "$work/$v" --db "$db" match --json --hashes-file "$work/queries.txt" --hash-kind pdq
  "$work/$v" --db "$db" match --json --hashes-file "$work/queries.txt" --hash-kind pdq | sha256sum | sed "s/^/$v match output sha256 /"
done
for v in before after; do
  db="$work/$v-db/vibora.db"
  "$work/$v" --db "$db" case create bench --agency "Example Unit" --country NL --operation BENCH >/dev/null
  i=0
  best=""
  for _ in 1 2 3; do
    i=$((i+1))
    "$work/$v" --db "$db" exhibit add --case bench "E$i" --type storage >/dev/null
    /usr/bin/time -f "%U %S" -o "$work/t" "$work/$v" --db "$db" ingest --case bench --exhibit "E$i" "$work/images" >/dev/null
    s=$(awk '{printf "%.2f", $1+$2}' "$work/t")
    best=$(awk -v a="$best" -v b="$s" 'BEGIN{print (a=="" || b<a) ? b : a}')
  done
  echo "$v ingest($imgs images) cpu_s=$best"
done
