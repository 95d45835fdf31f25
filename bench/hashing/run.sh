#!/usr/bin/env bash
# Compares internal/hashing with hashdeep computing MD5, SHA-1 and SHA-256.
#
#   bench/hashing/run.sh            # from the repository root
#   BIG_MB=2048 SMALL_FILES=20000 bench/hashing/run.sh
#
# Generates, in a temporary directory (removed at exit), one BIG_MB MB file
# of random bytes and SMALL_FILES files of random sizes between 1 KB and
# 200 KB, warms the page cache, then times hashdeep and ./bench/hashing
# (built with go build) on the same data in this run, alternating ROUNDS
# times, and prints the best MB/s of each, MB per CPU-second and the
# ratios. It also checks that both tools produce the same digests, and
# prints (before and after the timings) the two-core limit the hash
# functions set on this machine (bench/hashing -limit). Needs
# hashdeep (apt-get install -y hashdeep) and python3 (to generate files).
set -euo pipefail

BIG_MB=${BIG_MB:-2048}
SMALL_FILES=${SMALL_FILES:-20000}
cd "$(dirname "$0")/../.."

if ! command -v hashdeep >/dev/null; then
	echo "hashdeep not found; trying apt-get install -y hashdeep" >&2
	apt-get install -y hashdeep >/dev/null 2>&1 || { echo "run.sh: hashdeep cannot be installed; no comparison possible" >&2; exit 1; }
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vibora-hashbench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "generating ${BIG_MB} MB file and ${SMALL_FILES} small files in $work" >&2
head -c "$((BIG_MB * 1000 * 1000))" /dev/urandom >"$work/big.bin"
mkdir "$work/small"
python3 - "$work/small" "$SMALL_FILES" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
pool = os.urandom(200_000 + 4096)
for i in range(n):
    d = os.path.join(root, "d%03d" % (i // 500))
    if i % 500 == 0:
        os.makedirs(d, exist_ok=True)
    size = rnd.randint(1_000, 200_000)
    off = rnd.randint(0, 4096)
    with open(os.path.join(d, "f%05d.bin" % i), "wb") as f:
        # Distinct content per file: the index prefix makes every file unique.
        f.write((b"%08d" % i) + pool[off:off + size - 8])
PY

go build -o "$work/vibora-hash" ./bench/hashing

# Warm the page cache so both tools read from memory, not from the disk.
find "$work/big.bin" "$work/small" -type f -print0 | xargs -0 cat >/dev/null

# timed CMD... runs CMD and prints "wall cpu" seconds (cpu = user + sys).
timed() {
	local TIMEFORMAT='%R %U %S' out
	out=$({ time "$@" >/dev/null 2>&1; } 2>&1 | tail -1)
	awk '{ printf "%s %.3f\n", $1, $2 + $3 }' <<<"$out"
}
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / 1e6 / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

# The machine may be shared: each tool runs ROUNDS times, alternating,
# and the best wall time counts. MB per CPU-second (user + sys, best
# round) is printed too: it does not depend on how many cores were free.
ROUNDS=${ROUNDS:-3}

run_case() {
	local name=$1; shift
	local bytes
	bytes=$(find "$@" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')

	local hd_wall="" hd_cpu="" go_wall="" go_cpu="" r w c
	for ((r = 0; r < ROUNDS; r++)); do
		read -r w c < <(timed hashdeep -c md5,sha1,sha256 -r "$@")
		hd_wall=$(min "$w" "$hd_wall"); hd_cpu=$(min "$c" "$hd_cpu")
		read -r w c < <(timed "$work/vibora-hash" "$@")
		go_wall=$(min "$w" "$go_wall"); go_cpu=$(min "$c" "$go_cpu")
	done

	# Same digests? hashdeep lines: size,md5,sha1,sha256,path
	hashdeep -c md5,sha1,sha256 -r "$@" | grep -v '^[%#]' | sort >"$work/hd.sorted"
	"$work/vibora-hash" -lines "$@" 2>/dev/null | sort >"$work/go.sorted"
	local agree=yes
	cmp -s "$work/hd.sorted" "$work/go.sorted" || agree=NO

	local hd go hdc goc
	hd=$(mbps "$bytes" "$hd_wall"); go=$(mbps "$bytes" "$go_wall")
	hdc=$(mbps "$bytes" "$hd_cpu"); goc=$(mbps "$bytes" "$go_cpu")
	printf '%s (%s bytes, best of %d)\n' "$name" "$bytes" "$ROUNDS"
	printf '  wall:  hashdeep %7.1f MB/s (%6.2fs)   vibora %7.1f MB/s (%6.2fs)   ratio %sx\n' \
		"$hd" "$hd_wall" "$go" "$go_wall" "$(ratio "$go" "$hd")"
	printf '  cpu:   hashdeep %7.1f MB/cpu-s          vibora %7.1f MB/cpu-s            ratio %sx\n' \
		"$hdc" "$goc" "$(ratio "$goc" "$hdc")"
	printf '  digests agree: %s\n' "$agree"
}

echo "cpus: $(nproc)  $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)  $(go version | cut -d' ' -f3)  $(hashdeep -V 2>/dev/null | head -1)"
# What the hash functions themselves allow on this machine, measured now:
# MD5 alone and SHA-1+SHA-256 on one core each (see bench/hashing/limit.go).
"$work/vibora-hash" -limit
run_case "one ${BIG_MB} MB file" "$work/big.bin"
run_case "${SMALL_FILES} files 1-200 KB" "$work/small"
"$work/vibora-hash" -limit
